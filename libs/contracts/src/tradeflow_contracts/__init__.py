"""Tradeflow's shared contracts: the only code services share about each other.

Importing this package registers every contract in `registry`, so any consumer can read (or
explicitly dead-letter) any platform message.
"""

from tradeflow_contracts import after_sales, channels, fulfillment, inventory, order_facts, orders, payments  # noqa: F401 — registers the contracts

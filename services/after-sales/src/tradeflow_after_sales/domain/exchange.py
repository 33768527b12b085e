"""What an exchange sends instead of the returned units (DOMAIN §5, issue 12).

The replacement is the line's own SKU, or another SKU of exactly the line's unit price (another
size or colour): no money moves in an exchange, so a different price is refused
(exchange-price-differs) — the buyer returns for a refund and buys the other. The saga reserves
the replacement when the case is approved and ships it through fulfillment once the return is
received and inspected ok. When it is out of stock, staff may turn the case into a refund
(`conversions.py`).
"""

from collections.abc import Mapping

from tradeflow_after_sales.domain.errors import ExchangePriceDiffers, InvalidCase
from tradeflow_after_sales.domain.model import Replacement
from tradeflow_after_sales.domain.order_snapshot import OrderLine


def replacement_for(line: OrderLine, wanted: Replacement | None) -> Replacement:
    """The line's replacement: its own SKU unless another of equal unit price is wanted."""
    if wanted is None or wanted.sku == line.sku:
        return Replacement(line.sku, line.unit_price_amount)
    if wanted.unit_price_amount != line.unit_price_amount:
        raise ExchangePriceDiffers(line.id, line.unit_price_amount, wanted.unit_price_amount)
    return wanted


def check_wanted(wanted: Mapping[str, Replacement], claimed_line_ids: set[str]) -> None:
    """A replacement may only be named for a line the exchange claims."""
    for line_id in wanted:
        if line_id not in claimed_line_ids:
            raise InvalidCase(f"a replacement is named for line {line_id}, which the case does not claim",
                              "replacements")

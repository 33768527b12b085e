"""A marketplace simulator playing two shops (channels) of different shapes: `python -m
tradeflow_simulators.market`.

* Shop `shopa` (shape A, `shape_a`, the channel adapter's kind `marketplace_push`) pushes its news
  as signed webhooks to the platform (`MARKET_SIM_CALLBACK_URL`, `{code}` → the shop's code).
* Shop `shopb` (shape B, `shape_b`, kind `marketplace_pull`) serves a signed pull feed,
  `GET /shopb/api/orders?cursor=&limit=`.
* A shop of shape C (`shape_c`, kind `erp`, an ERP in front of marketplaces) may be added
  (`POST /sim/market/shops`): it pushes like shape A, in its own words, each line naming its goods
  code; it takes sync-back calls at `POST /<code>/api/order.logistics`.
* Both take the platform's sync-back calls (`POST /shopa/api/logistics`, `POST
  /shopb/api/orderStatus`), signed the same way, and can fail them on demand.

Pushes and calls are signed `X-Channel-Timestamp` / `X-Channel-Signature`: hex HMAC-SHA256 of
`<unix timestamp>.<raw body>` with the shop's secret. Demo and test control (no signature) under
`/sim/market/...` (`control`, `control_shops`). Everything is kept in memory.
"""

from tradeflow_simulators.market.app import create_app
from tradeflow_simulators.market.settings import MarketSimSettings
from tradeflow_simulators.market.state import CHANNEL_SIGNATURE

__all__ = ["CHANNEL_SIGNATURE", "MarketSimSettings", "create_app"]

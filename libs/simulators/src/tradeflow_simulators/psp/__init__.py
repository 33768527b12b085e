"""A payment service provider (PSP) simulator: `python -m tradeflow_simulators.psp`.

Provider API (Bearer API key): `POST /v1/payments`, `GET /v1/payments` (listing by creation
time, paged, for reconciliation), `GET /v1/payments/{psp_reference}`, `POST
/v1/payments/{psp_reference}/cancel`, `POST /v1/refunds`. Demo and test control (no key):
`POST /sim/payments/{psp_reference}` decides an outcome and sends the signed webhook (or not:
`notify: false`); `GET /sim/webhooks` lists the deliveries; `GET /pay/{psp_reference}` is the
page a buyer would pay on. The book and the deliveries are kept in SQLite (`PSP_SIM_DATA_FILE`)
and survive a restart; unfinished webhooks are resumed.
"""

from tradeflow_simulators.psp.app import create_app
from tradeflow_simulators.psp.settings import PspSimSettings
from tradeflow_simulators.psp.signing import sign

__all__ = ["PspSimSettings", "create_app", "sign"]

"""A carriers' transport management system (TMS) simulator, one for every carrier: `python -m tradeflow_simulators.tms`.

Provider API (Bearer API key): `POST /tms/waybills` issues a waybill, `GET
/tms/waybills/{waybill}` tracks it, `POST /tms/waybills/{waybill}/intercept` asks to stop the
parcel. It reports `picked_up`, `in_transit`, `out_for_delivery`, `signed`, `intercepted` and
`intercept_failed` by signed webhooks (`X-TMS-Timestamp`, `X-TMS-Signature`) to the configured
callback URL, retried until answered 2xx. Demo and test control (no key): `POST
/sim/waybills/{waybill}` reports one event, `POST /sim/waybills/{waybill}/handover` hands a
parcel over (the warehouse simulator does it at shipped), `GET /sim/webhooks` and `GET
/sim/handoffs` list the deliveries and the returns told to the warehouse, `POST /sim/mode`
switches auto-advance. The book, the webhooks and the returns are kept in SQLite
(`TMS_SIM_DATA_FILE`) and survive a restart.
"""

from tradeflow_simulators.tms.app import create_app
from tradeflow_simulators.tms.settings import TmsSimSettings
from tradeflow_simulators.tms.state import TMS_SIGNATURE

__all__ = ["TMS_SIGNATURE", "TmsSimSettings", "create_app"]

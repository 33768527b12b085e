"""A warehouse management system (WMS) simulator, one for every warehouse: `python -m tradeflow_simulators.wms`.

Provider API (Bearer API key): `POST /wms/dispatches` takes a dispatch instruction (a dispatch
number once only), `GET /wms/dispatches/{dispatch_number}` tells its status, `POST
/wms/dispatches/{dispatch_number}/intercept` asks to stop it, `POST /wms/returns` expects an
after-sales case's return parcel (`GET /wms/returns/{case_id}`). It reports `picked`, `packed`,
`shipped`, `intercepted`, `intercept_failed`, `return_received`, `case_return_received` and
`case_return_inspected` by signed webhooks (`X-WMS-Timestamp`,
`X-WMS-Signature`) to the configured callback URL, retried until answered 2xx. Demo and test
control (no key): `POST /sim/dispatches/{dispatch_number}` and `POST /sim/case-returns/{case_id}`
decide, `POST /sim/returns` hears
from the carrier that a parcel comes back, `GET /sim/webhooks` and `GET /sim/handoffs` list the
deliveries and the hand-overs to the carrier, `POST /sim/mode` switches auto-advance. The book,
the webhooks and the hand-overs are kept in SQLite (`WMS_SIM_DATA_FILE`) and survive a restart.
"""

from tradeflow_simulators.wms.app import create_app
from tradeflow_simulators.wms.settings import WmsSimSettings
from tradeflow_simulators.wms.state import WMS_SIGNATURE

__all__ = ["WMS_SIGNATURE", "WmsSimSettings", "create_app"]

"""What one running warehouse simulator holds: its settings, its book, its webhooks, its auto
mode — and the hand-over of each shipped parcel to the carrier simulator (`carrier_url`), as a
warehouse hands its parcels to the courier: `POST <carrier_url>/sim/waybills/{waybill}/handover`
at shipped, queued with the shipped webhook (in the same transaction) and retried with backoff
until the carrier answers 2xx (again there changes nothing), also after a restart."""

import sqlite3
from collections.abc import Iterable
from urllib.parse import quote

from fastapi import Request

from tradeflow_simulators.deliveries import Notice
from tradeflow_simulators.runtime import SimulatorRuntime
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.webhooks import Delivery
from tradeflow_simulators.wms.book import DispatchBook, ReturnBook
from tradeflow_simulators.wms.returns import ReturnsDesk
from tradeflow_simulators.wms.settings import WmsSimSettings
from tradeflow_simulators.wms.warehouse import Warehouse

WMS_SIGNATURE = SignatureScheme("WMS")


class WmsState(SimulatorRuntime):
    settings: WmsSimSettings
    warehouse: Warehouse  # loaded from the book at start-up
    returns: ReturnsDesk  # the after-sales returns it expects, likewise

    def __init__(self, settings: WmsSimSettings) -> None:
        super().__init__(settings, WMS_SIGNATURE)

    def open_book(self, db: sqlite3.Connection) -> None:
        self.warehouse = Warehouse(book=DispatchBook(db))
        self.returns = ReturnsDesk(self.warehouse.clock, book=ReturnBook(db))

    def report(self, notices: Iterable[Notice], *, duplicate: bool = False,
               out_of_order: bool = False) -> list[Delivery]:
        notices = list(notices)
        queued = super().report(notices, duplicate=duplicate, out_of_order=out_of_order)
        for notice in notices:
            if notice.type == "shipped" and self.settings.carrier_url:
                waybill = notice.fields["waybill"]
                url = f"{self.settings.carrier_url.rstrip('/')}/sim/waybills/{quote(waybill, safe='')}/handover"
                self.hand_off(url, waybill, "handover")
        return queued

    async def auto_step(self) -> None:
        self.change(lambda: [*self.warehouse.auto_step(), *self.returns.auto_step()])


def wms_state(request: Request) -> WmsState:
    return request.app.state.wms

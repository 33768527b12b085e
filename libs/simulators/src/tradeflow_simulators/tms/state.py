"""What one running carrier simulator holds: its settings, its book, its webhooks, its auto mode —
and the return of a parcel it stopped after the warehouse had handed it over: the carrier brings
it back to its warehouse and tells the warehouse simulator (`warehouse_url`): `POST
<warehouse_url>/sim/returns {"waybill"}`, queued with the `intercepted` webhook (in the same
transaction) and retried with backoff until the warehouse answers 2xx, also after a restart. The
warehouse in auto mode then reports `return_received`. A parcel handed over once its waybill was
intercepted already (the hand-over came late: the carrier was down) goes back the same way."""

import sqlite3
from collections.abc import Iterable

from fastapi import Request

from tradeflow_simulators.deliveries import Notice
from tradeflow_simulators.runtime import SimulatorRuntime
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.tms.book import WaybillBook
from tradeflow_simulators.tms.carriers import Carriers, Waybill, WaybillStatus
from tradeflow_simulators.tms.settings import TmsSimSettings
from tradeflow_simulators.webhooks import Delivery

TMS_SIGNATURE = SignatureScheme("TMS")


class TmsState(SimulatorRuntime):
    settings: TmsSimSettings
    carriers: Carriers  # loaded from the book at start-up

    def __init__(self, settings: TmsSimSettings) -> None:
        super().__init__(settings, TMS_SIGNATURE)

    def open_book(self, db: sqlite3.Connection) -> None:
        self.carriers = Carriers(book=WaybillBook(db))

    def report(self, notices: Iterable[Notice], *, duplicate: bool = False,
               out_of_order: bool = False) -> list[Delivery]:
        notices = list(notices)
        queued = super().report(notices, duplicate=duplicate, out_of_order=out_of_order)
        for notice in notices:
            if notice.type == "intercepted" and self.carriers.waybill(notice.fields["waybill"]).handed_over_at:
                self._bring_back(notice.fields["waybill"])
        return queued

    def hand_over(self, number: str) -> Waybill:
        """The warehouse gave the courier the parcel (again: nothing changes); one whose waybill
        was intercepted meanwhile goes straight back."""
        with self.transaction():
            late = self.carriers.waybill(number).handed_over_at is None
            waybill = self.carriers.hand_over(number)
            if late and waybill.status is WaybillStatus.INTERCEPTED:
                self._bring_back(number)
        return waybill

    def _bring_back(self, waybill: str) -> None:
        if self.settings.warehouse_url:
            url = f"{self.settings.warehouse_url.rstrip('/')}/sim/returns"
            self.hand_off(url, waybill, "return", {"waybill": waybill})

    async def auto_step(self) -> None:
        self.change(self.carriers.auto_step)


def tms_state(request: Request) -> TmsState:
    return request.app.state.tms

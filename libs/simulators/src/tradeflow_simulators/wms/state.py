"""What one running warehouse simulator holds: its settings, its book, its webhooks, its auto
mode — and the hand-over of each shipped parcel to the carrier simulator (`carrier_url`), as a
warehouse hands its parcels to the courier: `POST <carrier_url>/sim/waybills/{waybill}/handover`,
once, at shipped. A failed hand-over is logged, not retried (the carrier's auto mode then never
picks that parcel up; the carrier's control API still can)."""

import asyncio
import logging
from collections.abc import Iterable
from urllib.parse import quote

import httpx
from fastapi import Request

from tradeflow_simulators.deliveries import Notice
from tradeflow_simulators.runtime import SimulatorRuntime
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.webhooks import Delivery
from tradeflow_simulators.wms.settings import WmsSimSettings
from tradeflow_simulators.wms.warehouse import Warehouse

WMS_SIGNATURE = SignatureScheme("WMS")
log = logging.getLogger(__name__)


class WmsState(SimulatorRuntime):
    settings: WmsSimSettings

    def __init__(self, settings: WmsSimSettings) -> None:
        super().__init__(settings, WMS_SIGNATURE)
        self.warehouse = Warehouse()
        self._handovers: set[asyncio.Task] = set()

    def report(self, notices: Iterable[Notice], *, duplicate: bool = False,
               out_of_order: bool = False) -> list[Delivery]:
        notices = list(notices)
        queued = super().report(notices, duplicate=duplicate, out_of_order=out_of_order)
        for notice in notices:
            if notice.type == "shipped" and self.settings.carrier_url:
                task = asyncio.create_task(self._hand_over(notice.fields["waybill"]))
                self._handovers.add(task)
                task.add_done_callback(self._handovers.discard)
        return queued

    async def auto_step(self) -> None:
        self.report(self.warehouse.auto_step())

    async def _hand_over(self, waybill: str) -> None:
        url = f"{self.settings.carrier_url.rstrip('/')}/sim/waybills/{quote(waybill, safe='')}/handover"
        try:
            response = await self.client.post(url)
        except httpx.HTTPError as exc:
            log.warning("hand-over of %s to the carrier failed: %s: %s", waybill, type(exc).__name__, exc)
            return
        if not response.is_success:
            log.warning("the carrier refused the hand-over of %s: %s %s", waybill, response.status_code,
                        response.text[:300])

    async def stopping(self) -> None:
        for task in self._handovers:
            task.cancel()
        await asyncio.gather(*self._handovers, return_exceptions=True)


def wms_state(request: Request) -> WmsState:
    return request.app.state.wms

"""The warehouse management system (WMS) over HTTP: `POST /wms/dispatches`, `GET
/wms/dispatches/{n}`, `POST /wms/dispatches/{n}/intercept`, `POST /wms/returns`, `POST
/wms/returns/{case_id}/cancel` (README: "WMS simulator").

A warehouse takes each dispatch number once: a 409 `duplicate_dispatch_number` is answered by
asking it whose dispatch that number is — this shipment's (a retry of ours: it holds the
instruction, done) or another's (DispatchNumberTaken: the caller uses a new number).
"""

from dataclasses import asdict

import httpx

from tradeflow_fulfillment.adapters.outside_http import OutsideApi, error_code, segment
from tradeflow_fulfillment.app.ports import DispatchInstruction, DispatchNumberTaken, OutsideStatus, OutsideUnavailable
from tradeflow_fulfillment.domain.returns import CaseReturn


class HttpWarehouse:
    def __init__(self, base_url: str, api_key: str, timeout_seconds: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._api = OutsideApi("warehouse", base_url, api_key, timeout_seconds, transport)

    async def dispatch(self, i: DispatchInstruction) -> None:
        response = await self._api.send("POST", "/wms/dispatches", {
            "dispatch_number": i.dispatch_number, "warehouse": i.warehouse, "shipment_id": i.shipment_id,
            "carrier": i.carrier, "waybill": i.waybill, "receiver": asdict(i.receiver),
            "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity} for ln in i.lines]})
        if response.status_code == 409 and error_code(response) == "duplicate_dispatch_number":
            await self._held_for(i)
            return
        self._api.answer(response)

    async def intercept(self, dispatch_number: str) -> None:
        self._api.answer(await self._api.send("POST", f"/wms/dispatches/{segment(dispatch_number)}/intercept"))

    async def status(self, dispatch_number: str) -> OutsideStatus | None:
        response = await self._api.send("GET", f"/wms/dispatches/{segment(dispatch_number)}")
        if response.status_code == 404 and error_code(response) == "dispatch_not_found":
            return None
        answer = self._api.answer(response)
        try:
            return OutsideStatus(answer["dispatch_number"], answer["shipment_id"], answer["status"],
                                 answer["interception"])
        except KeyError:
            raise self._api.unreadable(answer) from None

    async def expect_return(self, r: CaseReturn) -> None:
        self._api.answer(await self._api.send("POST", "/wms/returns", {
            "case_id": r.case_id, "order_id": r.order_id, "warehouse": r.warehouse, "carrier": r.carrier,
            "waybill": r.waybill, "lines": [{"line_id": ln.line_id, "sku": ln.sku, "quantity": ln.quantity}
                                            for ln in r.lines]}))

    async def cancel_return(self, case_id: str, send_back: bool) -> None:
        """A 404 `return_not_found`: the warehouse never knew the return — nothing to cancel there."""
        response = await self._api.send("POST", f"/wms/returns/{segment(case_id)}/cancel", {"send_back": send_back})
        if response.status_code == 404 and error_code(response) == "return_not_found":
            return
        self._api.answer(response)

    async def aclose(self) -> None:
        await self._api.aclose()

    async def _held_for(self, i: DispatchInstruction) -> None:
        held = await self.status(i.dispatch_number)
        if held is None:
            raise OutsideUnavailable(f"the warehouse calls dispatch number {i.dispatch_number} a duplicate but "
                                     "does not know it")
        if held.shipment_id != i.shipment_id:
            raise DispatchNumberTaken(f"the warehouse holds dispatch number {i.dispatch_number} for shipment "
                                      f"{held.shipment_id}")

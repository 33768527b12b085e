"""The carriers' transport management system (TMS) over HTTP: `POST /tms/waybills`, `GET
/tms/waybills/{waybill}`, `POST /tms/waybills/{waybill}/intercept` (README: "TMS simulator").

The same waybill request again gives the same waybill, so a retried dispatch makes no second
parcel. The carrier weighs parcels in whole grams and takes none of 0 g: weightless goods are
declared as 1 g.
"""

from dataclasses import asdict

import httpx

from tradeflow_fulfillment.adapters.outside_http import OutsideApi, error_code, segment
from tradeflow_fulfillment.app.ports import OutsideStatus, WaybillRequest


class HttpCarriers:
    def __init__(self, base_url: str, api_key: str, timeout_seconds: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._api = OutsideApi("carrier", base_url, api_key, timeout_seconds, transport)

    async def create_waybill(self, r: WaybillRequest) -> str:
        answer = self._api.answer(await self._api.send("POST", "/tms/waybills", {
            "shipment_id": r.shipment_id, "carrier": r.carrier, "warehouse": r.warehouse,
            "receiver": asdict(r.receiver), "weight_grams": max(r.weight_grams, 1)}))
        waybill = answer.get("waybill") if isinstance(answer, dict) else None
        if not isinstance(waybill, str) or not waybill:
            raise self._api.unreadable(answer)
        return waybill

    async def cancel_waybill(self, waybill: str) -> None:
        self._api.answer(await self._api.send("POST", f"/tms/waybills/{segment(waybill)}/cancel"))

    async def intercept(self, waybill: str) -> None:
        self._api.answer(await self._api.send("POST", f"/tms/waybills/{segment(waybill)}/intercept"))

    async def status(self, waybill: str) -> OutsideStatus | None:
        response = await self._api.send("GET", f"/tms/waybills/{segment(waybill)}")
        if response.status_code == 404 and error_code(response) == "waybill_not_found":
            return None
        answer = self._api.answer(response)
        try:
            return OutsideStatus(answer["waybill"], answer["shipment_id"], answer["status"], answer["interception"])
        except KeyError:
            raise self._api.unreadable(answer) from None

    async def aclose(self) -> None:
        await self._api.aclose()

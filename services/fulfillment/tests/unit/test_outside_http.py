"""How the warehouse's and the carriers' HTTP answers are read: "not now" (unreachable, 5xx, a key
problem, throttled, not its own answer, unreadable) is retriable; any other 4xx is a refusal; the warehouse's
duplicate number is ours or another shipment's; a weightless parcel is declared as 1 g."""

import json

import httpx
import pytest

from tradeflow_fulfillment.adapters.http_carriers import HttpCarriers
from tradeflow_fulfillment.adapters.http_warehouse import HttpWarehouse
from tradeflow_fulfillment.app.ports import (
    DispatchInstruction,
    DispatchNumberTaken,
    OutsideRefused,
    OutsideUnavailable,
    WaybillRequest,
)

from .builders import RECEIVER, shipment

SHIPMENT = shipment()
INSTRUCTION = DispatchInstruction("shp-1-1", "shp-1", "WH-1", "SF", "SF1", RECEIVER, SHIPMENT.lines)


def error(status: int, code: str, **extra) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": f"{code}!"} | extra})


def warehouse(*answers: httpx.Response | Exception, seen: list | None = None) -> HttpWarehouse:
    queue = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append((request.method, request.url.path, json.loads(request.content or b"null")))
        reply = queue.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply
    return HttpWarehouse("http://wms.test", "key", transport=httpx.MockTransport(answer))


@pytest.mark.parametrize("reply", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.Response(503),
                                   error(401, "unauthorized"), error(429, "slow_down"),
                                   httpx.Response(404, text="Not Found"), httpx.Response(201, content=b"<html>")],
                         ids=["unreachable", "timeout", "503", "wrong key", "throttled", "wrong url", "not json"])
async def test_not_now_is_retriable(reply):
    with pytest.raises(OutsideUnavailable):
        await warehouse(reply).dispatch(INSTRUCTION)


async def test_another_4xx_is_a_refusal_with_the_warehouses_words():
    with pytest.raises(OutsideRefused, match="422 from the warehouse: invalid_request: invalid_request!"):
        await warehouse(error(422, "invalid_request")).dispatch(INSTRUCTION)


async def test_the_instruction_carries_the_number_waybill_receiver_and_lines():
    seen: list = []
    await warehouse(httpx.Response(201, json={"status": "accepted"}), seen=seen).dispatch(INSTRUCTION)
    [(method, path, body)] = seen
    assert (method, path, body["dispatch_number"], body["waybill"], body["receiver"]["region"], body["lines"]) == (
        "POST", "/wms/dispatches", "shp-1-1", "SF1", "east", [{"line_id": "l-1", "sku": "SKU-A", "quantity": 1}])


async def test_a_duplicate_number_held_for_this_shipment_is_taken_for_another_it_is_not():
    held = {"dispatch_number": "shp-1-1", "status": "picked", "interception": "none"}
    ours = warehouse(error(409, "duplicate_dispatch_number"), httpx.Response(200, json=held | {"shipment_id": "shp-1"}))
    await ours.dispatch(INSTRUCTION)
    theirs = warehouse(error(409, "duplicate_dispatch_number"), httpx.Response(200, json=held | {"shipment_id": "x"}))
    with pytest.raises(DispatchNumberTaken, match="for shipment x"):
        await theirs.dispatch(INSTRUCTION)
    lost = warehouse(error(409, "duplicate_dispatch_number"), error(404, "dispatch_not_found"))
    with pytest.raises(OutsideUnavailable, match="does not know it"):
        await lost.dispatch(INSTRUCTION)


async def test_a_status_of_a_number_the_warehouse_never_took_is_none_and_a_wrong_url_is_not():
    assert await warehouse(error(404, "dispatch_not_found")).status("shp-9-1") is None
    with pytest.raises(OutsideUnavailable):
        await warehouse(httpx.Response(404, text="Not Found")).status("shp-9-1")


async def test_a_weightless_parcel_is_declared_as_one_gram():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(201, json={"waybill": "SF000000000001"})
    carriers = HttpCarriers("http://tms.test", "key", transport=httpx.MockTransport(answer))
    assert await carriers.create_waybill(WaybillRequest("shp-1", "SF", "WH-1", RECEIVER, 0)) == "SF000000000001"
    assert seen[0]["weight_grams"] == 1

"""exchange through the reverse saga: approval reserves the replacement (`ReserveStock`, sub-order
id = the case id, the receiver's region) → awaiting the return → inspected ok → `ShipReplacement`
from the reserved warehouses → the case's shipment planned and signed → completed. Out of stock →
needs attention, and staff may turn the case into a refund; cancelling releases the reservation."""

from datetime import UTC, datetime

from tradeflow_after_sales.app.handlers import ACCEPTS
from tradeflow_contracts.after_sales import ReturnInspected, ReturnLine, ReturnReceived
from tradeflow_contracts.fulfillment import ShipmentLine, ShipmentPlanned, ShipmentStatusChanged
from tradeflow_contracts.inventory import Allocation, Shortage, StockReservationRejected, StockReserved
from tradeflow_contracts.order_facts import CatalogSkuChanged
from tradeflow_testing.access import bearer

AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
BUYER = bearer("buyer-1", "buyer")


def reserved(case: dict) -> StockReserved:
    return StockReserved(order_id="O-1", sub_order_id=case["id"], reserved_at=AT, allocations=[
        Allocation(line_id="L1", sku="SKU-L1-BLUE", warehouse="WH-9", quantity=1)])


def out_of_stock(case: dict) -> StockReservationRejected:
    return StockReservationRejected(order_id="O-1", sub_order_id=case["id"], reason="out of stock",
                                    shortages=[Shortage(sku="SKU-L1-BLUE", requested=1, available=0)])


def shipment(case: dict, event: str, to_status: str) -> ShipmentStatusChanged:
    return ShipmentStatusChanged(shipment_id="shp-1", order_id="O-1", order_ids=["O-1"], sub_order_ids=[case["id"]],
                                 from_status="out_for_delivery", to_status=to_status, event=event, source="tms",
                                 at=AT, warehouse="WH-9", carrier="YTO", case_id=case["id"])


def catalog(sku: str, price: int, merchant: str = "m-1", version: int = 1) -> CatalogSkuChanged:
    return CatalogSkuChanged(sku=sku, version=version, merchant_id=merchant, title=sku, kind="physical",
                             unit_price_amount=price, currency="CNY", changed_at=AT)


async def approved_exchange(world) -> dict:
    await world.order(world.line(quantity=1, unit_price=8000))
    await world.reply(catalog("SKU-L1-BLUE", 8000))
    case = await world.opened("exchange", ("L1", 1), replacements=[{"line_id": "L1", "sku": "SKU-L1-BLUE"}])
    assert case["refund_amount"] == 0 and case["lines"][0]["replacement"]["sku"] == "SKU-L1-BLUE"
    return await world.act(case["id"], "approve")


async def returned_ok(world, case: dict) -> None:
    await world.reply(ReturnReceived(case_id=case["id"], order_id="O-1", warehouse="WH-1", received_at=AT))
    await world.reply(ReturnInspected(case_id=case["id"], order_id="O-1", warehouse="WH-1", outcome="ok",
                                      lines=[ReturnLine(line_id="L1", sku="SKU-L1", quantity=1)], inspected_at=AT))


async def test_an_exchange_reserves_returns_ships_the_replacement_and_completes(world):
    case = await approved_exchange(world)
    assert case["status"] == "approved"
    [reserve] = await world.sent("inventory.reserve-stock")
    assert (reserve.payload["sub_order_id"], reserve.payload["region"], reserve.payload["lines"]) == (
        case["id"], "east", [{"line_id": "L1", "sku": "SKU-L1-BLUE", "quantity": 1}])
    await world.reply(reserved(case))
    assert (await world.case(case["id"]))["status"] == "awaiting_return"
    await returned_ok(world, case)
    assert (await world.case(case["id"]))["status"] == "inspected_ok"
    [ship] = await world.sent("fulfillment.ship-replacement")
    assert (ship.payload["warehouses"], ship.payload["merchant_id"], ship.payload["receiver"]["city"]) == (
        [{"code": "WH-9", "quantity": 1, "incoming": False}], "m-1", "Hangzhou")
    await world.reply(ShipmentPlanned(shipment_id="shp-1", order_id="O-1", order_ids=["O-1"],
                                      sub_order_ids=[case["id"]], warehouse="WH-9", carrier="YTO", status="ready",
                                      lines=[ShipmentLine(order_id="O-1", sub_order_id=case["id"], line_id="L1",
                                                         sku="SKU-L1-BLUE", quantity=1)],
                                      planned_at=AT, dispatch_after=AT, case_id=case["id"]))
    assert (await world.case(case["id"]))["replacement_shipment_id"] == "shp-1"
    await world.reply(shipment(case, "in_transit", "out_for_delivery"))
    assert (await world.case(case["id"]))["status"] == "replacement_shipping"
    await world.reply(shipment(case, "signed", "signed"))
    assert await world.statuses(case["id"]) == [
        "requested", "approved", "awaiting_return", "received", "inspected_ok", "replacement_shipping",
        "replacement_delivered", "completed"]
    assert not await world.sent("inventory.release-stock")


async def test_out_of_stock_needs_attention_and_staff_turn_it_into_a_refund(world):
    case = await approved_exchange(world)
    await world.reply(out_of_stock(case))
    parked = await world.case(case["id"])
    assert parked["status"] == "needs_attention" and "out of stock" in parked["attention"]["reason"]
    converted = await world.act(case["id"], "convert-to-refund", {"reason": "no blue ones left"})
    assert (converted["type"], converted["status"], converted["refund_amount"]) == (
        "return_and_refund", "awaiting_return", 8000)
    assert len(await world.sent("fulfillment.expect-return")) == 1


async def test_cancelling_an_exchange_releases_its_replacement(world):
    case = await approved_exchange(world)
    await world.reply(reserved(case))
    await world.act(case["id"], "cancel", {"reason": "it fits after all"}, headers=BUYER)
    [release] = await world.sent("inventory.release-stock")
    assert (release.payload["sub_order_id"], release.payload["order_id"]) == (case["id"], "O-1")


async def test_a_reservation_after_the_case_was_cancelled_is_given_back(world):
    case = await approved_exchange(world)
    await world.act(case["id"], "cancel", {"reason": "it fits after all"}, headers=BUYER)
    assert not await world.sent("inventory.release-stock")
    await world.reply(reserved(case))
    [release] = await world.sent("inventory.release-stock")
    assert release.payload["sub_order_id"] == case["id"]


async def test_a_replacement_of_another_price_is_refused(world):
    await world.order(world.line(quantity=1, unit_price=8000))
    await world.reply(catalog("SKU-L1-GOLD", 8000))
    await world.reply(catalog("SKU-L1-GOLD", 9000, version=2))  # repriced: the newest version counts
    await world.reply(catalog("SKU-L1-GOLD", 8000, version=1))  # an old version arriving late changes nothing
    r = await world.open("exchange", ("L1", 1), replacements=[{"line_id": "L1", "sku": "SKU-L1-GOLD"}])
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (422, "exchange-price-differs")


async def test_the_price_is_the_catalogs_never_the_requests(world):
    await world.order(world.line(quantity=1, unit_price=8000))
    await world.reply(catalog("SKU-L1-GOLD", 9000))
    r = await world.open("exchange", ("L1", 1), replacements=[
        {"line_id": "L1", "sku": "SKU-L1-GOLD", "unit_price_amount": 8000}])
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "replacements.0.unit_price_amount")


async def test_a_replacement_of_another_merchant_or_unknown_is_refused(world):
    await world.order(world.line(quantity=1, unit_price=8000))
    await world.reply(catalog("SKU-OTHER", 8000, merchant="m-2"))
    r = await world.open("exchange", ("L1", 1), replacements=[{"line_id": "L1", "sku": "SKU-OTHER"}])
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (422, "exchange-price-differs")
    assert "m-2" in r.json()["detail"]
    r = await world.open("exchange", ("L1", 1), replacements=[{"line_id": "L1", "sku": "SKU-NOBODY"}])
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (422, "replacement-unknown")


async def test_the_lines_own_sku_needs_no_catalog_row(world):
    await world.order(world.line(quantity=1, unit_price=8000))
    case = await world.opened("exchange", ("L1", 1), replacements=[{"line_id": "L1", "sku": "SKU-L1"}])
    assert case["lines"][0]["replacement"] == {"sku": "SKU-L1", "unit_price_amount": 8000}


async def test_the_order_own_reservations_and_shipments_are_not_ours(world):
    await world.order(world.line())
    await world.reply(StockReserved(order_id="O-1", sub_order_id="so-m-1", reserved_at=AT, allocations=[
        Allocation(line_id="L1", sku="SKU-L1", warehouse="WH-1", quantity=2)]))
    signed = ShipmentStatusChanged(shipment_id="shp-0", order_id="O-1", order_ids=["O-1"], sub_order_ids=["so-m-1"],
                                   from_status="out_for_delivery", to_status="signed", event="signed", source="tms",
                                   at=AT, warehouse="WH-1", carrier="YTO")
    assert not ACCEPTS[ShipmentStatusChanged](signed)  # never taken in: no transaction, no inbox row
    assert ACCEPTS[ShipmentStatusChanged](signed.model_copy(update={"case_id": "as_1"}))
    assert await world.sent() == []


async def test_turning_a_reserved_exchange_into_a_refund_releases_the_replacement(world):
    case = await approved_exchange(world)
    await world.reply(reserved(case))
    converted = await world.act(case["id"], "convert-to-refund", {"reason": "the buyer prefers the money"})
    assert (converted["type"], converted["status"]) == ("return_and_refund", "awaiting_return")
    [release] = await world.sent("inventory.release-stock")
    assert release.payload["sub_order_id"] == case["id"]
    await returned_ok(world, case)
    [ask] = await world.sent("order.refund-lines")
    assert ask.payload["lines"] == [{"line_id": "L1", "amount": 8000, "points_amount": 0}]


async def test_an_exchange_whose_replacement_was_asked_to_ship_is_not_converted(world):
    case = await approved_exchange(world)
    await world.reply(reserved(case))
    await returned_ok(world, case)
    r = await world.http.post(f"/after-sales/{case['id']}/convert-to-refund", json={"reason": "late"},
                              headers=bearer("staff-1", "staff"))
    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (409, "illegal-transition")

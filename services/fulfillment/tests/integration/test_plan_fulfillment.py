"""order.paid through the consumer as the kit runs it, on the real database: shipments, their
lines and history, entitlements and the outbox messages commit together with the inbox record;
a repeated message — or another one for the same order — creates nothing new."""

from datetime import timedelta

from sqlalchemy import select

from tradeflow_contracts.envelope import Envelope
from tradeflow_fulfillment.adapters.tables import entitlements, outbox, shipment_events, shipment_lines, shipments
from tradeflow_kit.messaging.processor import Outcome

from .conftest import count, course, goods, order_paid, published, record

SPLIT = order_paid("o-1", ("m-1", [goods("l-1", 3, [("WH-1", 2), ("WH-2", 1)]), course("l-2")]),
                   ("m-2", [goods("l-3", 1, fragile=True)]))


async def rows(sessions, query) -> list:
    async with sessions() as s:
        return (await s.execute(query)).all()


async def test_a_paid_order_stores_its_shipments_and_entitlements_and_announces_them(sessions, processor, clock):
    incoming = record(SPLIT)
    assert await processor.process(incoming) is Outcome.PROCESSED
    stored = await rows(sessions, select(shipments.c.warehouse, shipments.c.carrier, shipments.c.status,
                                         shipments.c.flags, shipments.c.dispatch_after).order_by(shipments.c.warehouse,
                                                                                                 shipments.c.flags))
    window_end = clock.at + timedelta(minutes=10)
    assert stored == [("WH-1", "SF", "ready", [], window_end), ("WH-1", "SF", "ready", ["fragile"], window_end),
                      ("WH-2", "YTO", "ready", [], window_end)]
    sl = shipment_lines.c
    lines = await rows(sessions, select(sl.line_id, sl.quantity, sl.merchant_id, sl.paid_amount)
                       .order_by(sl.line_id, sl.quantity))
    assert lines == [("l-1", 1, "m-1", 1000), ("l-1", 2, "m-1", 2000), ("l-3", 1, "m-2", 1000)]
    assert await rows(sessions, select(shipment_events.c.event, shipment_events.c.status).distinct()) == [
        ("plan", "ready")]
    assert await rows(sessions, select(entitlements.c.account, entitlements.c.sku, entitlements.c.line_id,
                                       entitlements.c.status)) == [("buyer-1", "COURSE-1", "l-2", "active")]
    messages = await published(sessions)
    assert sorted(t for _, _, t, _ in messages) == ["fulfillment.entitlement-granted"] + [
        "fulfillment.shipment-planned"] * 3
    assert {(topic, key) for topic, key, _, _ in messages} == {("fulfillment.events", "o-1")}
    async with sessions() as s:
        causes = {Envelope.from_bytes(v).causation_id for v in (await s.execute(select(outbox.c.value))).scalars()}
    assert causes == {str(Envelope.from_bytes(incoming.value).message_id)}


async def test_the_same_message_again_is_a_duplicate_and_another_for_the_order_changes_nothing(sessions, processor):
    first = record(SPLIT)
    assert await processor.process(first) is Outcome.PROCESSED
    before = [await count(sessions, t) for t in (shipments, shipment_lines, shipment_events, entitlements, outbox)]
    assert await processor.process(first) is Outcome.DUPLICATE
    assert await processor.process(record(SPLIT, offset=1)) is Outcome.PROCESSED  # a new message id, same order
    assert [await count(sessions, t) for t in (shipments, shipment_lines, shipment_events, entitlements,
                                               outbox)] == before == [3, 3, 3, 1, 4]


async def test_an_order_that_can_never_be_planned_is_dead_lettered_and_leaves_nothing(sessions, processor,
                                                                                     dead_letters):
    nowhere = order_paid("o-9", ("m-1", [goods("l-1") | {"warehouses": []}]))
    assert await processor.process(record(nowhere)) is Outcome.DEAD_LETTERED
    assert dead_letters.errors == ["permanent: line l-1 (SKU-l-1) is physical but names no warehouse"]
    assert [await count(sessions, t) for t in (shipments, entitlements, outbox)] == [0, 0, 0]

"""The after-sales cases' commands reach their use cases (fulfillment.commands), on in-memory
ports: a replacement is planned once per case whatever repeats the command, its ShipmentPlanned
names the case, and a revocation for a case answers with the case id every time."""

from tradeflow_contracts import after_sales
from tradeflow_contracts.after_sales import RevokeEntitlement, ShipReplacement
from tradeflow_contracts.fulfillment import EntitlementRevoked, ShipmentPlanned
from tradeflow_fulfillment.app.handlers import message_handlers
from tradeflow_fulfillment.app.revoke_entitlement import revoke_for_case
from tradeflow_fulfillment.app.ship_replacement import ship_replacement
from tradeflow_fulfillment.domain.entitlement import Entitlement

from .builders import AT
from .fakes import FakeTransaction, FixedClock, collaborators

RECEIVER = {"name": "Han Meimei", "phone": "139", "region": "east", "city": "Hangzhou", "address": "2 Rd"}


def test_the_cases_commands_are_handled_on_fulfillments_commands_topic():
    handlers = message_handlers(lambda ctx: FakeTransaction(), collaborators(FixedClock()))
    assert {after_sales.ExpectReturn, after_sales.ShipReplacement, after_sales.RevokeEntitlement} <= set(
        handlers["fulfillment.commands"])


async def test_a_replacement_is_planned_once_per_case_and_its_planned_event_names_the_case():
    tx, c = FakeTransaction(), collaborators(FixedClock(AT))
    message = ShipReplacement(case_id="c-1", order_id="o-1", buyer_id="b-1", merchant_id="m-1", receiver=RECEIVER,
                              lines=[{"line_id": "l-1", "sku": "SKU-A", "quantity": 1}],
                              warehouses=[{"code": "WH-1", "quantity": 1}])
    await ship_replacement(tx, message, c)
    await ship_replacement(tx, message, c)
    [shipment] = tx.shipments.rows.values()
    assert (shipment.case_id, shipment.carrier, shipment.dispatch_after) == ("c-1", "SF", AT)
    [(key, planned)] = [(k, m) for k, m in tx.published if isinstance(m, ShipmentPlanned)]
    assert (key, planned.case_id, planned.sub_order_ids, planned.merged) == ("o-1", "c-1", ["c-1"], False)


async def test_a_revocation_for_a_case_is_answered_with_the_case_every_time_revoked_once():
    tx, c = FakeTransaction(), collaborators(FixedClock(AT))
    course = Entitlement.grant("ent-1", account="b-1", sku="COURSE", order_id="o-1", sub_order_id="o-1-s1",
                               line_id="v", quantity=1, at=AT)
    await tx.entitlements.add([course])
    for case_id in ("c-1", "c-1", "c-2"):
        await revoke_for_case(tx, RevokeEntitlement(case_id=case_id, order_id="o-1", line_id="v", reason="refunded"),
                              c)
    answers = [m for _, m in tx.published if isinstance(m, EntitlementRevoked)]
    assert [(a.case_id, a.entitlement_id, a.revoked_at) for a in answers] == [
        ("c-1", "ent-1", AT), ("c-1", "ent-1", AT), ("c-2", "ent-1", AT)]
    assert course.revoke_case_id == "c-1", "revoked once, by the first case"

"""Staff revoke an entitlement, on in-memory ports (issue 11): an active one is revoked with the
reason and EntitlementRevoked published; one revoked already is refused saying when and why, and
nothing more is published; a blank reason or an unknown entitlement is refused."""

from datetime import timedelta

import pytest

from tradeflow_contracts.fulfillment import EntitlementRevoked as Revoked
from tradeflow_fulfillment.app.revoke_entitlement import revoke_entitlement
from tradeflow_fulfillment.domain.entitlement import Entitlement, EntitlementStatus
from tradeflow_fulfillment.domain.errors import EntitlementNotFound, EntitlementRevoked, FulfillmentError

from .builders import AT
from .fakes import FakeTransaction, FixedClock, collaborators

LATER = AT + timedelta(days=2)


@pytest.fixture
async def tx() -> FakeTransaction:
    tx = FakeTransaction()
    course = Entitlement.grant("ent-1", account="b-1", sku="COURSE-1", order_id="o-1", sub_order_id="o-1-s1",
                               line_id="l-1", quantity=1, at=AT)
    course.pull_events()
    await tx.entitlements.add([course])
    return tx


async def test_staff_revoke_an_active_entitlement_with_the_reason(tx):
    revoked = await revoke_entitlement(tx, collaborators(FixedClock(LATER)), "ent-1", "staff:s-1", "chargeback")
    assert (revoked.status, revoked.revoked_at, revoked.revoke_reason) == (EntitlementStatus.REVOKED, LATER,
                                                                           "chargeback")
    [(key, message)] = tx.published
    assert (key, type(message), message.entitlement_id, message.reason, message.revoked_at) == (
        "o-1", Revoked, "ent-1", "chargeback", LATER)


async def test_revoking_a_revoked_entitlement_says_when_and_why_and_publishes_nothing_more(tx):
    c = collaborators(FixedClock(LATER))
    await revoke_entitlement(tx, c, "ent-1", "staff:s-1", "chargeback")
    c.clock.at += timedelta(hours=1)
    with pytest.raises(EntitlementRevoked, match="ent-1 was revoked at") as refused:
        await revoke_entitlement(tx, c, "ent-1", "staff:s-2", "abuse")
    assert (refused.value.revoked_at, refused.value.reason) == (LATER, "chargeback")
    assert len(tx.published) == 1


async def test_a_blank_reason_or_an_unknown_entitlement_is_refused(tx):
    c = collaborators(FixedClock(LATER))
    with pytest.raises(FulfillmentError, match="needs a reason"):
        await revoke_entitlement(tx, c, "ent-1", "staff:s-1", "  ")
    with pytest.raises(EntitlementNotFound):
        await revoke_entitlement(tx, c, "ent-x", "staff:s-1", "chargeback")
    assert (tx.entitlements.rows[0].active, tx.published) == (True, [])

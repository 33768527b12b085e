"""RevokeEntitlement from an after-sales case, on PostgreSQL (issue 12): the line's entitlement is
revoked once and EntitlementRevoked (with the case id) answered every time asked; a line without an
entitlement is answered EntitlementNotRevoked with why; and one granted after a case asked to
revoke it is revoked at once, for that case."""

from datetime import datetime

from tradeflow_contracts.after_sales import RevokeEntitlement
from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_fulfillment.app.revoke_entitlement import revoke_for_case
from tradeflow_testing.access import bearer

from .conftest import course, goods, order_paid, published

BUYER = bearer("buyer-1", "buyer")
REVOKED, NOT_REVOKED = "fulfillment.entitlement-revoked", "fulfillment.entitlement-not-revoked"


async def _revoke(transactions, collaborators, case_id: str, order_id: str = "o-1", line_id: str = "v") -> None:
    async with transactions.begin() as tx:
        await revoke_for_case(tx, RevokeEntitlement(case_id=case_id, order_id=order_id, line_id=line_id,
                                                    reason="refunded"), collaborators)


async def _plan(transactions, collaborators, order_id: str, *lines) -> None:
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, order_paid(order_id, ("m-1", list(lines))), collaborators)


async def _answers(sessions, kind: str) -> list[tuple[str, dict]]:
    return [(key, p) for _, key, k, p in await published(sessions) if k == kind]


async def test_a_case_revokes_the_lines_entitlement_once_and_a_repeat_is_answered_the_same(
        transactions, collaborators, sessions, client, clock):
    await _plan(transactions, collaborators, "o-1", course("v"))
    await _revoke(transactions, collaborators, "c-1")
    first_at = clock.now()
    clock.at = clock.at.replace(hour=11)
    await _revoke(transactions, collaborators, "c-1")
    answers = await _answers(sessions, REVOKED)
    assert [(key, p["case_id"], p["line_id"], p["reason"]) for key, p in answers] == [
        ("o-1", "c-1", "v", "refunded")] * 2
    assert [datetime.fromisoformat(p["revoked_at"]) for _, p in answers] == [first_at] * 2, \
        "revoked once: the repeat tells the first revocation"
    [entitlement] = (await client.get("/entitlements", headers=BUYER)).json()["items"]
    assert (entitlement["status"], entitlement["revoke_case_id"]) == ("revoked", "c-1")


async def test_a_line_without_an_entitlement_is_answered_not_revoked_with_why(transactions, collaborators, sessions):
    await _plan(transactions, collaborators, "o-1", goods("a"))
    await _revoke(transactions, collaborators, "c-2", line_id="a")
    [(key, answer)] = await _answers(sessions, NOT_REVOKED)
    assert (key, answer["case_id"], answer["line_id"]) == ("o-1", "c-2", "a")
    assert answer["reason"].startswith("never-granted: the order's line has no entitlement")
    assert await _answers(sessions, REVOKED) == []


async def test_an_entitlement_granted_after_a_case_revoked_its_line_is_revoked_at_once(
        transactions, collaborators, sessions, client):
    await _revoke(transactions, collaborators, "c-3", order_id="o-9")
    [(_, answer)] = await _answers(sessions, NOT_REVOKED)
    assert answer["reason"].startswith("never-granted: fulfillment has not planned the order yet")
    await _plan(transactions, collaborators, "o-9", course("v"))
    kinds = [k for _, _, k, p in await published(sessions) if k.startswith("fulfillment.entitlement")]
    assert kinds == [NOT_REVOKED, "fulfillment.entitlement-granted", REVOKED]
    [(key, revoked)] = await _answers(sessions, REVOKED)
    assert (key, revoked["case_id"]) == ("o-9", "c-3") and "before it was granted" in revoked["reason"]
    [entitlement] = (await client.get("/entitlements", headers=BUYER)).json()["items"]
    assert entitlement["status"] == "revoked"

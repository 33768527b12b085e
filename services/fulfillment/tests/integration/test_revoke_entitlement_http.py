"""Staff revoke an entitlement over HTTP, on PostgreSQL (issue 11): an active one is revoked with
the reason and EntitlementRevoked published once; the account still lists it, revoked; revoking
it again is a 409 saying when and why; Idempotency-Key required and honoured; refusals as
problem+json."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.app.plan_fulfillment import plan_fulfillment
from tradeflow_testing.access import bearer, outcome

from .conftest import course, order_paid, published

STAFF = bearer("staff-1", "staff")
BUYER = bearer("buyer-1", "buyer")


@pytest.fixture
async def granted(transactions, collaborators, client) -> str:
    """buyer-1's course from o-1, active."""
    async with transactions.begin() as tx:
        await plan_fulfillment(tx, order_paid("o-1", ("m-1", [course("v")])), collaborators)
    [entitlement] = (await client.get("/entitlements", headers=BUYER)).json()["items"]
    assert entitlement["status"] == "active"
    return entitlement["id"]


async def revoke(client, entitlement_id: str, body: dict, key: str | None = "k-1", headers=STAFF):
    return await client.post(f"/entitlements/{entitlement_id}/revoke", json=body,
                             headers=headers | ({"Idempotency-Key": key} if key else {}))


async def revocations(sessions) -> list[tuple[str, str, str]]:
    return [(key, p["entitlement_id"], p["reason"]) for _, key, kind, p in await published(sessions)
            if kind == "fulfillment.entitlement-revoked"]


async def test_staff_revoke_an_active_entitlement_once_per_key_and_the_account_sees_it_revoked(
        client, granted, sessions, clock):
    clock.at += timedelta(days=3)
    first = await revoke(client, granted, {"reason": "chargeback from the card issuer"})
    again = await revoke(client, granted, {"reason": "chargeback from the card issuer"})
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["revoked_at"], first.json()["revoke_reason"]) == (
        "revoked", clock.at.isoformat(), "chargeback from the card issuer")
    assert (again.json(), again.headers["Idempotent-Replayed"]) == (first.json(), "true")
    assert await revocations(sessions) == [("o-1", granted, "chargeback from the card issuer")]
    [listed] = (await client.get("/entitlements", headers=BUYER)).json()["items"]
    assert {k: listed[k] for k in ("id", "status", "revoked_at", "revoke_reason")} == {
        "id": granted, "status": "revoked", "revoked_at": clock.at.isoformat(),
        "revoke_reason": "chargeback from the card issuer"}


async def test_revoking_a_revoked_entitlement_says_when_and_why_it_was(client, granted, sessions, clock):
    assert (await revoke(client, granted, {"reason": "abuse"})).status_code == 200
    revoked_at = clock.at.isoformat()
    clock.at += timedelta(hours=1)
    twice = await revoke(client, granted, {"reason": "abuse, again"}, key="k-2")
    assert (outcome(twice), twice.json()["revoked_at"], twice.json()["revoke_reason"]) == (
        (409, "entitlement-revoked"), revoked_at, "abuse")
    assert granted in twice.json()["detail"]
    assert await revocations(sessions) == [("o-1", granted, "abuse")]


@pytest.mark.parametrize(("path", "body", "key", "headers", "expected"), [
    ("ent-x", {"reason": "x"}, "k-1", STAFF, (404, "entitlement-not-found", None)),
    ("{id}", {"reason": "x"}, "k-1", BUYER, (403, "forbidden", None)),
    ("{id}", {"reason": "x"}, "k-1", bearer("svc-1", "system"), (403, "forbidden", None)),
    ("{id}", {"reason": "x"}, "k-1", {}, (401, "unauthenticated", None)),
    ("{id}", {"reason": "x"}, None, STAFF, (400, "idempotency-key-required", "Idempotency-Key")),
    ("{id}", {}, "k-1", STAFF, (422, "validation-failed", "reason")),
    ("{id}", {"reason": ""}, "k-1", STAFF, (422, "validation-failed", "reason")),
    ("{id}", {"reason": " \n\t "}, "k-1", STAFF, (422, "validation-failed", "reason")),
    ("{id}", {"reason": "x", "extra": 1}, "k-1", STAFF, (422, "validation-failed", "extra")),
], ids=["unknown", "buyer", "system", "no token", "no key", "no reason", "empty reason", "blank reason",
        "unknown field"])
async def test_bad_requests_are_problems_and_revoke_nothing(client, granted, sessions, path, body, key, headers,
                                                            expected):
    response = await revoke(client, path.format(id=granted), body, key, headers)
    assert outcome(response) == expected[:2]
    assert [e["field"] for e in response.json().get("errors") or []] == ([expected[2]] if expected[2] else [])
    assert await revocations(sessions) == []

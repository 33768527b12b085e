"""The saga ops routes through FastAPI on the real PostgreSQL: staff only, listing newest first
with a cursor, filters checked field by field, one saga with its history and current step,
and staff resuming a parked saga."""

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.problems import install_problem_handlers
from tradeflow_kit.sagas.http import saga_router
from tradeflow_kit.sagas.instance import park

from ..saga_fixtures import CHECKOUT, T0
from .saga_support import FakeClock, add_all, checkout_in

CODEC = TokenCodec("integration-test-secret-of-at-least-32-bytes!")
STAFF = {"Authorization": f"Bearer {CODEC.mint('s-1', ['staff'])}"}


@pytest.fixture
async def ops(saga_transactions):
    """A client of the saga routes, the sagas' transactions and the clock resume uses."""
    clock = FakeClock(T0 + timedelta(hours=2))
    app = FastAPI()
    app.state.token_codec = CODEC
    install_problem_handlers(app)
    app.include_router(saga_router(saga_transactions, [CHECKOUT], clock=clock))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        yield client, saga_transactions, clock


def parked(saga_id: str, at):
    saga = checkout_in(saga_id, "awaiting_payment", at)
    park(saga, "test.payment-captured dead-lettered: permanent: RuleRefused: no", at)
    return saga


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401), ({"Authorization": f"Bearer {CODEC.mint('b-1', ['buyer'])}"}, 403),
    ({"Authorization": f"Bearer {CODEC.mint('sys', ['system'])}"}, 403)])
async def test_only_staff_see_sagas(ops, headers, status):
    client, _, _ = ops
    for path in ("/sagas", "/sagas/definitions", "/sagas/o-1"):
        response = await client.get(path, headers=headers)
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.post("/sagas/o-1/resume", headers=headers)).status_code == status


async def test_the_listing_pages_newest_first_and_filters_by_state(ops):
    client, transactions, _ = ops
    await add_all(transactions, *(checkout_in(f"o-{i}", "awaiting_payment", T0 + timedelta(seconds=i))
                                  for i in range(5)), parked("o-parked", T0 - timedelta(hours=1)))
    ids, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = (await client.get("/sagas", params=params, headers=STAFF)).json()
        ids += [s["id"] for s in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert ids == ["o-4", "o-3", "o-2", "o-1", "o-0", "o-parked"]

    response = await client.get("/sagas", params={"state": "needs_attention", "name": "checkout"}, headers=STAFF)
    [item] = response.json()["items"]
    assert item == {"id": "o-parked", "name": "checkout", "step": "awaiting_payment", "state": "needs_attention",
                    "started_at": (T0 - timedelta(hours=1)).isoformat(),
                    "updated_at": (T0 - timedelta(hours=1)).isoformat(),
                    "deadline_at": (T0 - timedelta(minutes=45)).isoformat(), "attempts": 0,
                    "attention": "test.payment-captured dead-lettered: permanent: RuleRefused: no"}
    assert response.json()["next_cursor"] is None
    by_step = await client.get("/sagas", params={"step": "awaiting_payment", "state": "running"}, headers=STAFF)
    assert len(by_step.json()["items"]) == 5


@pytest.mark.parametrize(("params", "status", "fields"), [
    ({"state": "stuck"}, 422, ["state"]),
    ({"name": "returns", "state": "lost"}, 422, ["name", "state"]),
    ({"name": "checkout", "step": "shipping"}, 422, ["step"]),
    ({"limit": 0}, 422, ["limit"]),
    ({"limit": 101}, 422, ["limit"]),
    ({"cursor": "not-a-cursor"}, 400, ["cursor"]),
    ({"cursor": "MjAyNi0wMS0wNVQxMjowMDowMHxvLTE="}, 400, ["cursor"]),  # a time without zone
])
async def test_bad_filters_are_problems_naming_the_field(ops, params, status, fields):
    client, _, _ = ops
    response = await client.get("/sagas", params=params, headers=STAFF)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == fields


async def test_definitions_are_listed_and_not_taken_for_a_saga_id(ops):
    client, _, _ = ops
    response = await client.get("/sagas/definitions", headers=STAFF)
    assert response.status_code == 200
    assert response.json() == {"items": [CHECKOUT.describe()]}


async def test_one_saga_with_its_history_and_current_step(ops):
    client, transactions, _ = ops
    await add_all(transactions, checkout_in("o-1", "awaiting_payment", T0))
    body = (await client.get("/sagas/o-1", headers=STAFF)).json()
    assert (body["id"], body["step"], body["state"]) == ("o-1", "awaiting_payment", "running")
    assert body["current_step"] == CHECKOUT.describe()["steps"][1]
    assert body["history"] == [
        {"at": T0.isoformat(), "from_step": None, "to_step": "reserving", "cause": "started"},
        {"at": T0.isoformat(), "from_step": "reserving", "to_step": "awaiting_payment",
         "cause": "to awaiting_payment"}]
    missing = await client.get("/sagas/o-404", headers=STAFF)
    assert (missing.status_code, missing.json()["type"].rsplit("/", 1)[-1]) == (404, "saga-not-found")


async def test_staff_resume_a_parked_saga_and_nothing_else(ops):
    client, transactions, clock = ops
    await add_all(transactions, parked("o-parked", T0), checkout_in("o-running", "awaiting_payment", T0))

    response = await client.post("/sagas/o-parked/resume", headers=STAFF)
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["attention"], body["deadline_at"]) == ("running", None, clock.now.isoformat())
    assert body["history"][-1] == {"at": clock.now.isoformat(), "from_step": "awaiting_payment",
                                   "to_step": "awaiting_payment", "cause": "resumed by staff:s-1"}
    async with transactions.begin() as tx:
        assert [s.id for s in await tx.sagas.claim_due("checkout", clock.now, 10)] == ["o-running", "o-parked"]

    for saga_id, status, slug in (("o-parked", 409, "saga-not-parked"), ("o-running", 409, "saga-not-parked"),
                                  ("o-404", 404, "saga-not-found")):
        refused = await client.post(f"/sagas/{saga_id}/resume", headers=STAFF)
        assert (refused.status_code, refused.json()["type"].rsplit("/", 1)[-1]) == (status, slug)

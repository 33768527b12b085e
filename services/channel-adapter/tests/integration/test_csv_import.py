"""An offline channel's CSV import over HTTP (what `tradeflow channel import` sends): every row
reported — accepted, in review with the reason, or rejected naming the column and why; the rows of
one order taken together; importing the same rows again creates nothing and publishes nothing."""

import pytest

from tradeflow_channel_adapter.adapters import tables
from tradeflow_testing.access import bearer

from .channel_adapter_world import OFFLINE, PUSH, STAFF

ROW = {"external_order_id": "SCH-1", "member_id": "student-1", "phone": "13700137000", "sku": "C-1", "quantity": "1",
       "unit_price": "19900", "paid_amount": "15000"}
ROWS = [
    ROW,
    ROW | {"sku": "C-2", "quantity": "2", "unit_price": "5000", "paid_amount": "10000"},
    ROW | {"external_order_id": "SCH-2", "member_id": "student-2", "quantity": "0"},
    ROW | {"external_order_id": "SCH-3", "member_id": "student-3", "sku": "X-9"},
    ROW | {"external_order_id": "SCH-4", "member_id": "student-4", "phone": "12"},
    ROW | {"external_order_id": "SCH-5", "member_id": "student-5", "phone": ""},
    ROW | {"external_order_id": "SCH-5", "member_id": "student-6", "phone": "", "sku": "C-2"},
    ROW | {"external_order_id": "SCH-6", "member_id": "student-6", "paid_amount": "15000.5"},
]


@pytest.fixture
async def school(world):
    return await world.selling("school", OFFLINE, ("C-1", "COURSE-1", 19_900, "virtual"),
                               ("C-2", "COURSE-2", 5_000, "virtual"))


async def _import(world, rows: list[dict], first_row: int = 2) -> dict:
    r = await world.http.post("/channels/school/imports", json={"rows": rows, "first_row": first_row}, headers=STAFF)
    assert r.status_code == 200, r.text
    return r.json()


def _outcomes(report: dict) -> list[tuple]:
    return [(r["row"], r["status"], r.get("external_order_id"), r.get("field"), r.get("reason"))
            for r in report["rows"]]


async def test_every_row_is_reported_and_good_orders_are_taken_in(school):
    report = await _import(school, ROWS)

    assert {k: report[k] for k in ("accepted", "review", "duplicate", "rejected")} == {
        "accepted": 3, "review": 1, "duplicate": 0, "rejected": 4}
    outcomes = _outcomes(report)
    assert outcomes[:2] == [(2, "accepted", "SCH-1", None, None), (3, "accepted", "SCH-1", None, None)]
    assert outcomes[2][:2] == (4, "rejected") and outcomes[2][3] == "quantity"
    assert outcomes[3] == (5, "review", "SCH-3", None, "unmapped-sku")
    assert outcomes[4][:4] == (6, "rejected", "SCH-4", "phone")
    assert outcomes[5] == (7, "accepted", "SCH-5", None, None)
    assert outcomes[6][:2] == (8, "rejected") and outcomes[6][3] == "member_id"
    assert outcomes[7][:2] == (9, "rejected") and outcomes[7][3] == "paid_amount"

    ledger = {r["external_order_id"]: r for r in await school.ledger("school")}
    assert {k: (r["status"], r["source"]) for k, r in ledger.items()} == {
        "SCH-1": ("accepted", "import"), "SCH-3": ("review", "import"), "SCH-5": ("accepted", "import")}
    received = {r["external_order_id"]: r for r in await school.received()}
    assert sorted(received) == ["SCH-1", "SCH-5"]
    assert [(ln["external_line_id"], ln["sku"], ln["quantity"], ln["channel_paid_amount"])
            for ln in received["SCH-1"]["lines"]] == [("C-1", "COURSE-1", 1, 15000), ("C-2", "COURSE-2", 2, 10000)]
    assert (received["SCH-1"]["currency"], received["SCH-1"]["receiver"]) == ("CNY", None)
    assert await school.credit_used("school") == 19_900 + 2 * 5_000 + 19_900


async def test_importing_the_same_rows_again_creates_nothing_new(school):
    first = await _import(school, ROWS)
    published = await school.sent()
    accounts = await school.rows(tables.accounts)

    again = await _import(school, ROWS)

    assert {k: again[k] for k in ("accepted", "review", "duplicate", "rejected")} == {
        "accepted": 0, "review": 0, "duplicate": 4, "rejected": 4}
    assert [r["status"] for r in again["rows"]] == [
        "duplicate", "duplicate", "rejected", "duplicate", "rejected", "duplicate", "rejected", "rejected"]
    assert [r.get("id") for r in again["rows"]] == [r.get("id") for r in first["rows"]]
    assert await school.sent() == published
    assert await school.rows(tables.accounts) == accounts
    assert len(await school.ledger("school")) == 3
    assert await school.credit_used("school") == 49_800


async def test_a_row_in_another_currency_than_the_channels_is_rejected(school):
    report = await _import(school, [ROW | {"currency": "USD"}])
    assert _outcomes(report)[0][:4] == (2, "rejected", "SCH-1", "currency")
    assert await school.ledger("school") == []


async def test_only_staff_import_and_only_into_an_offline_channel(school):
    await school.channel("shopa", PUSH)
    push = await school.http.post("/channels/shopa/imports", json={"rows": [ROW]}, headers=STAFF)
    buyer = await school.http.post("/channels/school/imports", json={"rows": [ROW]},
                                   headers=bearer("buyer-1", "buyer"))
    empty = await school.http.post("/channels/school/imports", json={"rows": []}, headers=STAFF)

    assert (push.status_code, buyer.status_code, empty.status_code) == (409, 403, 422)
    assert push.json()["type"].endswith("/wrong-channel-kind")
    assert await school.ledger("school") == [] and await school.ledger("shopa") == []


async def test_an_inactive_channel_takes_no_import(school):
    await school.channel("school", OFFLINE | {"active": False})
    r = await school.http.post("/channels/school/imports", json={"rows": [ROW]}, headers=STAFF)

    assert (r.status_code, r.json()["type"].rsplit("/", 1)[1]) == (409, "channel-inactive")
    assert await school.ledger("school") == [] and await school.sent() == []

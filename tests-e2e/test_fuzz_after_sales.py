"""Hostile input to after-sales that a schema-driven fuzzer rarely produces (the fuzz suite's rules,
issue 12): against a real paid order and a real case, so a refusal can only be the input's — NUL
bytes, money and quantities as strings, floats, booleans or beyond BIGINT, negative money, a body
that is not an object, unknown fields, links that are not links. Each is a 4xx problem+json whose
`errors` name the field; nothing is opened or changed by any of them."""

import pytest
from after_sales_desk import Desk, line, the_line
from fuzzing import problem_violation
from platform_client import unique

pytestmark = pytest.mark.serial  # staff calls on every route may touch what other tests use

NUL = "bad\x00value"
BIG = 2**63


@pytest.fixture
async def paid_case(platform, wms, tms) -> tuple[Desk, dict, dict]:
    """A buyer's paid order of one SKU (two units) and a refund-only case for one unit."""
    desk = Desk(platform, wms, tms)
    sku, _ = await desk.sku("m-fuzz-as", 700)
    order = await desk.paid(line(sku, 2))
    case = await desk.opened(order["id"], "refund_only", (the_line(order, sku)["id"], 1))
    return desk, order, case


def _broken(r, allowed: tuple[int, ...], field: str | None = None) -> list[str]:
    """Why the answer breaks the rules (a 4xx problem+json among `allowed` naming `field`), if it does."""
    where = f"{r.request.method} {r.request.url} {r.request.content[:80]!r}"
    violation = problem_violation(r.status_code, r.headers.get("content-type", ""), r.content)
    if violation is not None or r.status_code not in allowed:
        return [f"{where}: {violation or r.status_code}: {r.text[:200]}"]
    named = [e.get("field", "") for e in r.json().get("errors") or []]
    if field is not None and not any(n == field or n.startswith(f"{field}.") for n in named):
        return [f"{where}: {field!r} not named in {named}"]
    return []


OPENING = [  # (the field the refusal names, how the well-formed body is spoiled)
    ("order_id", lambda b: b.update(order_id=NUL)),
    ("reason", lambda b: b.update(reason=NUL)),
    ("description", lambda b: b.update(description=NUL)),
    ("evidence.0", lambda b: b.update(evidence=["javascript:alert(1)"])),
    ("type", lambda b: b.update(type="refund_everything")),
    ("lines", lambda b: b.update(lines="all of them")),
    ("lines.0.line_id", lambda b: b["lines"][0].update(line_id=NUL)),
    ("lines.0.quantity", lambda b: b["lines"][0].update(quantity="1")),
    ("lines.0.quantity", lambda b: b["lines"][0].update(quantity=1.0)),
    ("lines.0.quantity", lambda b: b["lines"][0].update(quantity=True)),
    ("lines.0.quantity", lambda b: b["lines"][0].update(quantity=BIG)),
    ("lines.0.quantity", lambda b: b["lines"][0].update(quantity=0)),
    ("channel_refund_amount", lambda b: b.update(channel_refund_amount="100")),
    ("surprise", lambda b: b.update(surprise=1)),
]


async def test_a_hostile_case_opening_is_a_4xx_problem_naming_the_field(paid_case):
    """Every spoilt body against the same real order (one paid order for all: the cases are many)."""
    desk, order, case = paid_case
    broken = []
    for field, spoil in OPENING:
        body = {"order_id": order["id"], "type": "refund_only", "reason": "broken", "description": "",
                "evidence": [], "lines": [{"line_id": case["lines"][0]["line_id"], "quantity": 1}]}
        spoil(body)
        r = await desk.platform.http.post("/after-sales", json=body, headers=desk.buyer_auth | {
            "Idempotency-Key": unique("fuzz")})
        broken += _broken(r, (400, 404, 409, 422), field)
    assert not broken, "\n".join(broken)
    listed = await desk.platform.http.get("/after-sales", params={"order_id": order["id"]}, headers=desk.staff)
    assert [c["id"] for c in listed.json()["items"]] == [case["id"]]  # nothing opened


ACTIONS = [  # (action, body, the field its refusal names)
    ("override", {"refund_amount": "600", "reason": "x"}, "refund_amount"),
    ("override", {"refund_amount": 600.0, "reason": "x"}, "refund_amount"),
    ("override", {"refund_amount": BIG, "reason": "x"}, "refund_amount"),
    ("override", {"refund_amount": -1, "reason": "x"}, "refund_amount"),
    ("override", {"refund_amount": 100, "reason": NUL}, "reason"),
    ("goodwill", {"kind": "shipping_subsidy", "amount": True, "reason": "x"}, "amount"),
    ("goodwill", {"kind": "shipping_subsidy", "amount": BIG, "reason": "x"}, "amount"),
    ("goodwill", {"kind": "shipping_subsidy", "amount": -5, "reason": "x"}, "amount"),
    ("goodwill", {"kind": "cash_in_an_envelope", "amount": 5, "reason": "x"}, "kind"),
    ("approve", {"reason": NUL}, "reason"),
    ("reject", {"reason": NUL}, "reason"),
    ("cancel", {"reason": NUL}, "reason"),
    ("force-close", {"reason": NUL}, "reason"),
    ("return-parcel", {"carrier": "sf", "waybill": NUL}, "waybill"),
    ("return-parcel", {"carrier": NUL, "waybill": "W1"}, "carrier"),
    ("refund", {"refund_amount": "1", "reason": "x"}, "refund_amount"),
]


async def test_a_hostile_staff_or_buyer_action_or_body_is_a_4xx_problem_naming_the_field(paid_case):
    desk, _, case = paid_case
    broken = []
    for action, body, field in ACTIONS:
        broken += _broken(await desk.staff_does(case["id"], action, body), (400, 422), field)
    for raw in (b"[]", b"null", b'"a case"', b"{", b'{"order_id": "\\u0000"}'):
        r = await desk.platform.http.post("/after-sales", content=raw, headers=desk.buyer_auth | {
            "Idempotency-Key": unique("fuzz"), "Content-Type": "application/json"})
        broken += _broken(r, (400, 422))
    assert not broken, "\n".join(broken)
    assert (await desk.case(case["id"]))["status"] == "requested"  # nothing changed


@pytest.mark.parametrize("path", ["/after-sales/as%00x", "/after-sales?status=%00", "/after-sales?order_id=a%00b",
                                  "/after-sales?cursor=%00", "/after-sales?limit=-1", "/after-sales?overdue=maybe"])
async def test_a_nul_byte_or_nonsense_in_a_path_or_query_is_a_4xx_problem(platform, path):
    assert not _broken(await platform.http.get(path, headers=platform.staff), (400, 404, 422))

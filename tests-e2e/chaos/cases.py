"""The chaos load's after-sales clients (issue 12): a buyer whose order is paid opens one case,
staff approve it, and the buyer sends back what the case asks for — as real clients would,
through the gateway, while parts die.

* `pay_return` — once the parcel holding the chosen unit is signed for (the WMS and TMS simulators
  in auto mode), a `return_and_refund` case for that one unit; approved, the buyer reports the
  return parcel (the WMS's auto mode receives it and inspects it ok); the case completes with the
  refund and the unit is restocked;
* `pay_refund` — as soon as the order is paid, a `refund_only` case: the course (virtual goods:
  refunded and its entitlement revoked) or one physical unit (before shipment when it still is:
  the order stops the unit; after: a plain refund). A case the platform turns into a return (its
  parcel could no longer be stopped) gets its parcel reported like a return's — once the buyer has
  it (its parcel signed for): a parcel that never arrives cannot be sent back, and its case closes
  at the return deadline (`closed_expired`).

What the client sees is kept in `CaseSeen` for the invariants (`chaos/after_sales.py`): the 201's
case id, the approval, whether a parcel report was answered 200. Every call retries transient
answers with the SAME Idempotency-Key (`retrying`); opening also retries `404 order-not-found`
(after-sales learns the order from its events a moment after payment) and `409 type-not-allowed`
(its copy of the order not shipped yet) within RETRY_FOR.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
from platform_client import auth, unique

from chaos.retry import RETRY_FOR, retrying
from tradeflow_testing.polling import poll_within

if TYPE_CHECKING:
    from chaos.flows import Flow
CASE_WAIT = 120.0  # how long a client follows its case (the invariants wait for the rest)
FINAL = ("completed", "closed_expired", "rejected", "cancelled", "closed")
NOT_YET = {404: "order-not-found", 409: "type-not-allowed"}  # after-sales' copy of the order lags behind
STAFF = auth("chaos-staff", "staff")


@dataclass
class CaseSeen:
    type: str
    sku: str  # the unit claimed
    line_id: str | None = None
    key: str = field(default_factory=lambda: unique("chaos-case"))
    status_code: int | None = None  # the final answer to POST /after-sales
    case_id: str | None = None
    approved: bool = False  # staff's approval answered 200
    parcel_reported: bool = False  # the buyer's return-parcel answered 200
    waybill: str = field(default_factory=lambda: unique("RET"))
    last_status: str | None = None  # as the client last saw it
    notes: list[str] = field(default_factory=list)


def choose(flow: "Flow", skus: tuple[str, str], course: str, turn: int) -> CaseSeen:
    """The case a flow will open: a return of either physical unit, a refund of the course or of the
    second physical unit — in turn (`turn`: how many flows of the plan came before)."""
    if flow.plan == "pay_return":
        return CaseSeen("return_and_refund", skus[turn % 2])
    return CaseSeen("refund_only", course if turn % 2 == 0 else skus[1])


async def after_sales(http: httpx.AsyncClient, flow: "Flow") -> None:
    """The case of a paid flow: wait until it may be opened, open it, have it approved, follow it."""
    case, buyer = flow.case, auth(flow.buyer, "buyer")
    order = await _order_until(http, flow, lambda o: _line_of(o, case.sku) is not None
                               and (case.type != "return_and_refund" or _signed(o, _line_of(o, case.sku))))
    if order is None:
        case.notes.append("never saw the unit ready for its case")
        return
    case.line_id = _line_of(order, case.sku)
    body = {"order_id": flow.order_id, "type": case.type, "reason": "chaos: not as described", "description": "",
            "evidence": [], "lines": [{"line_id": case.line_id, "quantity": 1}]}

    async def opened() -> bool:
        r = await retrying(flow, lambda: http.post("/after-sales", json=body,
                                                   headers=buyer | {"Idempotency-Key": case.key}))
        if r is None:
            return False
        if _problem(r) == NOT_YET.get(r.status_code):
            case.notes.append(f"open {r.status_code} {_problem(r)}")
            return False
        case.status_code = r.status_code
        if r.status_code == 201:
            case.case_id = r.json()["id"]
        else:
            case.notes.append(f"open {r.status_code} {r.text[:200]}")
        return True

    await poll_within(opened, bool, RETRY_FOR, pause=0.3, max_pause=1.0)
    if case.case_id is None:
        return
    approve = unique("chaos-approve")
    r = await retrying(flow, lambda: http.post(f"/after-sales/{case.case_id}/approve", json={"reason": "chaos"},
                                               headers=STAFF | {"Idempotency-Key": approve}))
    case.approved = r is not None and r.status_code == 200
    if not case.approved:
        case.notes.append(f"approve {r.status_code if r is not None else 'no answer'}")
    await _follow_case(http, flow)


async def _follow_case(http: httpx.AsyncClient, flow: "Flow") -> None:
    """Watch the case until it is over (for up to CASE_WAIT s), reporting the return parcel once it
    is awaited."""
    case, buyer = flow.case, auth(flow.buyer, "buyer")
    parcel = unique("chaos-parcel")

    async def over() -> bool:
        r = await retrying(flow, lambda: http.get(f"/after-sales/{case.case_id}", headers=buyer), 10)
        if r is None or r.status_code != 200:
            return False
        case.last_status = r.json()["status"]
        if case.last_status == "awaiting_return" and not case.parcel_reported and await _received(http, flow):
            sent = await retrying(flow, lambda: http.post(
                f"/after-sales/{case.case_id}/return-parcel", json={"carrier": "sf", "waybill": case.waybill},
                headers=buyer | {"Idempotency-Key": parcel}))
            case.parcel_reported = sent is not None and sent.status_code == 200
            if not case.parcel_reported:
                case.notes.append(f"return-parcel {sent.status_code if sent is not None else 'no answer'}")
        return case.last_status in FINAL

    done, _ = await poll_within(over, bool, CASE_WAIT, pause=1.0, max_pause=3.0)
    if not done:
        case.notes.append(f"still {case.last_status} after {CASE_WAIT:g}s")


async def _received(http: httpx.AsyncClient, flow: "Flow") -> bool:
    """The buyer has the claimed unit (its parcel signed for): only then can it be sent back."""
    r = await retrying(flow, lambda: http.get(f"/orders/{flow.order_id}", headers=auth(flow.buyer, "buyer")), 10)
    return r is not None and r.status_code == 200 and _signed(r.json(), flow.case.line_id)


async def _order_until(http: httpx.AsyncClient, flow: "Flow", ready) -> dict | None:
    buyer = auth(flow.buyer, "buyer")

    async def seen() -> dict | None:
        r = await retrying(flow, lambda: http.get(f"/orders/{flow.order_id}", headers=buyer), 10)
        return r.json() if r is not None and r.status_code == 200 else None

    found, order = await poll_within(seen, lambda o: o is not None and ready(o), RETRY_FOR, pause=0.5,
                                     max_pause=2.0)
    return order if found else None


def _line_of(order: dict, sku: str) -> str | None:
    return next((ln["id"] for sub in order["sub_orders"] for ln in sub["lines"] if ln["sku"] == sku), None)


def _signed(order: dict, line_id: str) -> bool:
    return any(s["status"] == "signed" and any(ln["line_id"] == line_id for ln in s["lines"])
               for s in order["shipments"])


def _problem(r: httpx.Response) -> str | None:
    try:
        return str(r.json().get("type", "")).rsplit("/", 1)[-1]
    except ValueError:
        return None

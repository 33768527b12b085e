"""Staff's actions on a case, each recorded with who and why (DOMAIN §7):

* `retry` — a case that needs attention goes back to where it was parked and its step is sent
  again (a refund under a new refund id if the last one failed);
* `force_close` — a parked case is closed for good (what it held is released, unless refunded);
* `override_refund` — the case's refund set by hand within what its lines have left (under the
  order's lock: other cases' shares are counted);
* `refund_after_inspection` — after a failed inspection: refund (the rule's amount, or `amount`);
  rejecting it instead is `review_case.reject_case`;
* `convert_to_refund` — an exchange whose replacement cannot be had becomes a return and refund;
* `grant_goodwill` — a shipping subsidy or coupon, recorded on the case apart from the refund.
"""

from collections.abc import Callable

from tradeflow_after_sales.app.flow import advance, load
from tradeflow_after_sales.app.order_facts import locked_order
from tradeflow_after_sales.app.ports import AfterSalesTransaction, Collaborators
from tradeflow_after_sales.app.steps import release_replacement
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.errors import IllegalTransition
from tradeflow_after_sales.domain.model import GoodwillKind
from tradeflow_after_sales.domain.order_snapshot import OrderSnapshot


async def retry_case(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str) -> AfterSalesCase:
    case, progress, saga = await load(tx, case_id)
    step = case.retry(actor, c.clock.now())
    progress.failures = 0
    await advance(tx, c, case, progress, saga, f"{step} retried by {actor}", resend=True)
    return case


async def force_close_case(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str,
                           reason: str) -> AfterSalesCase:
    return await _act(tx, c, case_id, f"force-closed by {actor}",
                      lambda case, _order, now: case.force_close(actor, reason, now))


async def override_refund(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str, amount: int,
                          reason: str) -> AfterSalesCase:
    return await _act(tx, c, case_id, f"refund overridden by {actor}",
                      lambda case, order, now: case.override_refund(order, amount, reason, actor, now), priced=True)


async def refund_after_inspection(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str,
                                  reason: str, amount: int | None = None) -> AfterSalesCase:
    def decide(case: AfterSalesCase, order: OrderSnapshot, now) -> None:
        refund = case.refund_amount if amount is None else amount
        case.refund_partially(order, refund, reason, actor, now)
    return await _act(tx, c, case_id, f"refund decided by {actor}", decide, priced=True)


async def convert_to_refund(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str,
                            reason: str) -> AfterSalesCase:
    """Not once fulfillment was asked to ship the replacement; a replacement still reserved is
    released."""
    def convert(case: AfterSalesCase, order: OrderSnapshot, now) -> None:
        case.convert_to_refund(order, reason, actor, now)
    return await _act(tx, c, case_id, f"turned into a refund by {actor}", convert, priced=True, releases=True)


async def grant_goodwill(tx: AfterSalesTransaction, c: Collaborators, case_id: str, actor: str, kind: GoodwillKind,
                         amount: int, reason: str, coupon_code: str | None = None) -> AfterSalesCase:
    return await _act(tx, c, case_id, f"goodwill by {actor}",
                      lambda case, _order, now: case.grant_goodwill(kind, amount, reason, actor, now, coupon_code))


async def _act(tx: AfterSalesTransaction, c: Collaborators, case_id: str, cause: str,
               action: Callable[[AfterSalesCase, OrderSnapshot | None, object], None], *,
               priced: bool = False, releases: bool = False) -> AfterSalesCase:
    """`priced`: the action re-prices the case, so the order is locked and its claims read first
    (the lock order of every writer: the order, then the case)."""
    order = None
    if priced:
        saga = await tx.sagas.get(case_id)
        case = await tx.cases.get(case_id) if saga is not None else None
        if case is not None:
            _facts, order = await locked_order(tx, case.order_id)
    case, progress, saga = await load(tx, case_id)
    if releases and saga.step == "shipping_replacement":
        raise IllegalTransition(f"case {case_id}: fulfillment was asked to ship the replacement already")
    action(case, order, c.clock.now())
    if releases:
        for release in release_replacement(case, progress, None):
            await tx.publish(release, key=case.order_id)
    await advance(tx, c, case, progress, saga, cause)
    return case

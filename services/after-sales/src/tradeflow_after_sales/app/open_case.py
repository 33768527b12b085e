"""Open an after-sales case (`POST /after-sales`): the buyer for their own order, or staff on the
buyer's behalf. Under the order's lock the order's facts and every claim of its other cases are
read, an exchange's replacements are priced from the catalog (`catalog.py`), the domain decides
(eligibility, quantities, refund by the rule), and the case, its saga (reviewing) and
`CaseStatusChanged` commit together.

Right after payment the order's facts may not have reached after-sales yet, nor its newest status
right after it moved: `when_order_known` tries again each time facts of the order are kept (woken
by their commit, not polling), up to a bounded wait, and only then answers order-not-found (or the
refusal for the order's state)."""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from tradeflow_after_sales.app.announcements import announce
from tradeflow_after_sales.app.catalog import priced_replacements
from tradeflow_after_sales.app.errors import NotYourCase, OrderNotKnown
from tradeflow_after_sales.app.order_facts import locked_order, merchants_of
from tradeflow_after_sales.app.ports import CASE_ID_PREFIX, AfterSalesTransaction, CaseProgress, Collaborators
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.errors import OrderNotEligible, TypeNotAllowed
from tradeflow_after_sales.domain.model import CaseRequest
from tradeflow_kit.notices import Notices
from tradeflow_kit.sagas.instance import begin

T = TypeVar("T")


@dataclass(frozen=True)
class OpenCase:
    order_id: str
    request: CaseRequest
    buyer_id: str | None  # the buyer asking (their own order only); None: staff on the buyer's behalf
    replacement_skus: tuple[tuple[str, str], ...] = ()  # exchange: (line id, SKU), priced from the catalog


async def open_case(tx: AfterSalesTransaction, c: Collaborators, command: OpenCase) -> AfterSalesCase:
    facts, order = await locked_order(tx, command.order_id)
    if command.buyer_id is not None and facts.buyer_id != command.buyer_id:
        raise NotYourCase(f"order {command.order_id} belongs to another buyer")
    now = c.clock.now()
    request = command.request
    if command.replacement_skus:
        request = replace(request, replacements=await priced_replacements(tx, facts, command.replacement_skus))
    case = AfterSalesCase.open(c.ids.new_id(CASE_ID_PREFIX), order, request, now, c.windows)
    await tx.cases.add(case, merchants_of(facts, [ln.line_id for ln in case.lines]), CaseProgress(case.id))
    await tx.sagas.add(begin(c.saga, case.id, now, f"opened by {command.request.requester.actor}"))
    await announce(tx, case)
    return case


@dataclass(frozen=True)
class OrderWait:
    seconds: float = 5.0  # for an order not known yet
    settle_seconds: float = 1.0  # for newer facts after a refusal for the order's state


async def when_order_known(notices: Notices, order_id: str, wait: OrderWait, attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt()` (a whole transaction) until it stops raising `OrderNotKnown`: at once, then each
    time the order's facts are kept, and once more at the end of the wait. A refusal for the
    order's state (type-not-allowed, order-not-eligible) waits `wait.settle_seconds` for newer
    facts (the buyer may have seen the order move a moment ago) and is tried again if they come.
    The watch starts before the first try, so facts committed in between are not missed."""
    start = time.monotonic()
    async with notices.watch(order_id) as kept:
        while True:
            try:
                return await attempt()
            except OrderNotKnown:
                remaining = start + wait.seconds - time.monotonic()
                if remaining <= 0:
                    raise
                await kept.wait(remaining)
            except (TypeNotAllowed, OrderNotEligible):
                remaining = start + wait.settle_seconds - time.monotonic()
                if remaining <= 0 or not await kept.wait(remaining):
                    raise


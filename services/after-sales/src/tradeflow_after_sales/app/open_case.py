"""Open an after-sales case (`POST /after-sales`): the buyer for their own order, or staff on the
buyer's behalf. Under the order's lock the order's facts and every claim of its other cases are
read, the domain decides (eligibility, quantities, refund by the rule), and the case, its saga
(reviewing) and `CaseStatusChanged` commit together."""

from dataclasses import dataclass

from tradeflow_after_sales.app.announcements import announce
from tradeflow_after_sales.app.errors import NotYourCase
from tradeflow_after_sales.app.order_facts import locked_order, merchants_of
from tradeflow_after_sales.app.ports import AfterSalesTransaction, CaseProgress, Collaborators
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.model import CaseRequest
from tradeflow_kit.sagas.instance import begin


@dataclass(frozen=True)
class OpenCase:
    order_id: str
    request: CaseRequest
    buyer_id: str | None  # the buyer asking (their own order only); None: staff on the buyer's behalf


async def open_case(tx: AfterSalesTransaction, c: Collaborators, command: OpenCase) -> AfterSalesCase:
    facts, order = await locked_order(tx, command.order_id)
    if command.buyer_id is not None and facts.buyer_id != command.buyer_id:
        raise NotYourCase(f"order {command.order_id} belongs to another buyer")
    now = c.clock.now()
    case = AfterSalesCase.open(c.ids.new_id("as"), order, command.request, now, c.windows)
    await tx.cases.add(case, merchants_of(facts, [ln.line_id for ln in case.lines]), CaseProgress(case.id))
    await tx.sagas.add(begin(c.saga, case.id, now, f"opened by {command.request.requester.actor}"))
    await announce(tx, case)
    return case

"""A channel refunded (some of) a channel order's lines (`OpenChannelCase`, DOMAIN §6): the case
the channel adapter names is opened as a refund_only by the same rules as any case (eligibility,
claimable units, the channel's refund within what its units were paid on the channel), on the
order's facts under the order's lock, and approved at once — the channel already gave the money
back, so nobody reviews it. From there it is the reverse saga's like any case (`flow.advance`):
no money moves here (a channel order's lines paid zero), units not shipped yet are stopped
(CancelLines), goods that left come back as a return, virtual goods are revoked once refunded.

* The case id is the adapter's (`as_ch_…`); any other id is a malformed command (dead-lettered at
  once: it must never answer for, or touch, a case of another kind).
* A repeat of the id changes nothing.
* Facts of the order not here yet, or older than those the adapter decided on (`facts_version`):
  retried by the kit (`OrderFactsNotYetKnown`), never refused.
* A case the rules refuse is answered `CaseStatusChanged` to `refused` with the reason, and
  nothing else is kept: the adapter follows the answer (asked again, the rules decide again).
"""

import structlog

from tradeflow_after_sales.app.announcements import announce, refused
from tradeflow_after_sales.app.errors import OrderFactsNotYetKnown, OrderNotKnown
from tradeflow_after_sales.app.flow import advance
from tradeflow_after_sales.app.order_facts import locked_order, merchants_of
from tradeflow_after_sales.app.ports import AfterSalesTransaction, CaseProgress, Collaborators
from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.errors import AfterSalesError, InvalidCase
from tradeflow_after_sales.domain.model import CaseRequest, ClaimedLine, Requester, RequesterKind
from tradeflow_after_sales.domain.states import CaseType
from tradeflow_contracts.after_sales import CaseUnits
from tradeflow_contracts.channels import CHANNEL_CASE_PREFIX, OpenChannelCase
from tradeflow_kit.sagas.instance import begin

log = structlog.get_logger(__name__)


async def open_channel_case(tx: AfterSalesTransaction, m: OpenChannelCase, c: Collaborators) -> None:
    if not m.case_id.startswith(CHANNEL_CASE_PREFIX):
        raise InvalidCase(f"a channel's case id starts with {CHANNEL_CASE_PREFIX}, not {m.case_id!r}", "case_id")
    try:
        facts, order = await locked_order(tx, m.order_id)
    except OrderNotKnown as unknown:
        raise OrderFactsNotYetKnown(str(unknown)) from unknown
    if m.facts_version is not None and facts.version < m.facts_version:
        raise OrderFactsNotYetKnown(f"order {m.order_id}'s facts are version {facts.version}; "
                                    f"the channel decided on version {m.facts_version}")
    if await tx.cases.get(m.case_id) is not None:
        log.info("after_sales.channel_case_repeated", case_id=m.case_id, order_id=m.order_id)
        return
    now, request = c.clock.now(), channel_request(m)
    try:
        case = AfterSalesCase.open(m.case_id, order, request, now, c.windows)
    except AfterSalesError as refusal:
        log.info("after_sales.channel_case_refused", case_id=m.case_id, order_id=m.order_id, reason=str(refusal))
        lines = [CaseUnits(line_id=ln.line_id, quantity=ln.quantity) for ln in m.lines]
        await tx.publish(refused(m.case_id, m.order_id, request.type, lines, f"{refusal.slug}: {refusal}", now),
                         key=m.order_id)
        return
    await announce(tx, case)  # opened (requested) …
    actor = request.requester.actor
    case.approve(actor, now, f"refunded on channel {m.channel} ({m.external_refund_id}): no review")
    progress = CaseProgress(case.id)
    await tx.cases.add(case, merchants_of(facts, [ln.line_id for ln in case.lines]), progress)
    saga = begin(c.saga, case.id, now, f"opened by {actor}")
    await tx.sagas.add(saga)
    await advance(tx, c, case, progress, saga, f"approved by {actor}: refunded on the channel")  # … and on


def channel_request(m: OpenChannelCase) -> CaseRequest:
    return CaseRequest(
        type=CaseType.REFUND_ONLY, lines=tuple(ClaimedLine(ln.line_id, ln.quantity) for ln in m.lines),
        reason=m.reason, requester=Requester(RequesterKind.CHANNEL, m.requested_by),
        description=f"refunded on channel {m.channel}: refund {m.external_refund_id}",
        channel_refund_amount=m.channel_refund_amount)

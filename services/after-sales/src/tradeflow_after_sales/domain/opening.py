"""Opening a case: the request read as the business reads it (what `AfterSalesCase.open` checks
besides eligibility) and the case's lines made from it.

* a reason is required; the description is free; each evidence link is a non-blank http(s) URL;
* replacements are named only by an exchange, only for lines it claims (`exchange.py`);
* a channel's refund amount only on a channel order, never negative: the money moved on the
  channel; here nothing is refunded (the order's lines paid zero) and the case records it. It is
  at most what the claimed units were paid on the channel (`check_channel_refund`): each line's
  `channel_paid_amount` shared over its units by position (`tradeflow_money.units_part`), the
  units the order stopped and the other cases hold coming first, so the line's last units take
  what is left; a line whose channel paid amount is not known refuses the refund;
* each line of a refund type gets its refund by the rule (`refund.quote`), each line of an
  exchange its replacement;
* the case stops its goods first (`stops_goods_first`, kept as `before_shipment`) when the order
  awaits shipment, and for a channel's refund also when the order is partly shipped.
"""

from tradeflow_after_sales.domain.errors import ChannelPaidUnknown, ChannelRefundExceedsPaid, InvalidCase
from tradeflow_after_sales.domain.exchange import check_wanted, replacement_for
from tradeflow_after_sales.domain.model import CaseLine, CaseRequest, RequesterKind
from tradeflow_after_sales.domain.order_snapshot import OrderSnapshot, OrderStatus, OrderType
from tradeflow_after_sales.domain.refund import quote
from tradeflow_after_sales.domain.states import CaseType
from tradeflow_money import units_part


def required(text: str, field: str) -> str:
    """The text, stripped; InvalidCase when there is none."""
    if not text or not text.strip():
        raise InvalidCase(f"{field} is required", field)
    return text.strip()


def check_request(request: CaseRequest, order: OrderSnapshot) -> None:
    required(request.reason, "reason")
    for index, link in enumerate(request.evidence):
        if not link.strip().lower().startswith(("https://", "http://")):
            raise InvalidCase(f"evidence {link!r} is not a link", f"evidence.{index}")
    if request.replacements and request.type is not CaseType.EXCHANGE:
        raise InvalidCase(f"a {request.type} case names no replacement", "replacements")
    if request.channel_refund_amount is not None:
        if order.type is not OrderType.CHANNEL:
            raise InvalidCase("a channel refund amount is only for a channel order", "channel_refund_amount")
        if request.channel_refund_amount < 0:
            raise InvalidCase("a channel refund amount cannot be negative", "channel_refund_amount")


def check_channel_refund(request: CaseRequest, order: OrderSnapshot, case_id: str) -> None:
    """The channel's refund within what its units were paid on the channel (module docstring);
    after eligibility, so every claimed line is the order's and claimable."""
    if request.channel_refund_amount is None:
        return
    cap = 0
    for claimed in request.lines:
        line = order.line(claimed.line_id)
        if line.channel_paid_amount is None:
            raise ChannelPaidUnknown(f"line {line.id}: the order does not tell what it was paid on the channel, "
                                     "so the channel's refund cannot be checked")
        before = line.stopped_quantity + sum(c.quantity for c in order.claims_on(line.id, besides=case_id))
        cap += units_part(line.channel_paid_amount, line.quantity, before, claimed.quantity)
    if request.channel_refund_amount > cap:
        raise ChannelRefundExceedsPaid(request.channel_refund_amount, cap)


def stops_goods_first(request: CaseRequest, order: OrderSnapshot) -> bool:
    """Whether the case's units may not have shipped yet, so the saga asks the order to stop them
    first (a refund_only): the order awaits shipment; or it is partly shipped and the channel
    refunded (DOMAIN §6: the channel gave the money back, so no unit of it may still ship — what
    fulfillment stops is refunded, what had left comes back as a return). A buyer's refund_only
    on a partly shipped order is refunded as after shipment (staff reviewed it: the buyer keeps
    the goods), as on a shipped order."""
    if order.status is OrderStatus.AWAITING_SHIPMENT:
        return True
    return order.status is OrderStatus.PARTIALLY_SHIPPED and request.requester.kind is RequesterKind.CHANNEL


def case_lines(case_id: str, order: OrderSnapshot, request: CaseRequest) -> tuple[CaseLine, ...]:
    if request.type is CaseType.EXCHANGE:
        wanted = dict(request.replacements)
        check_wanted(wanted, {claimed.line_id for claimed in request.lines})
        return tuple(CaseLine(line.id, line.sku, claimed.quantity, line.virtual,
                              replacement=replacement_for(line, wanted.get(line.id)))
                     for claimed in request.lines for line in (order.line(claimed.line_id),))
    refunds = quote(order, request.lines, case_id)
    return tuple(CaseLine(line.id, line.sku, claimed.quantity, line.virtual, refund=refunds[line.id])
                 for claimed in request.lines for line in (order.line(claimed.line_id),))

"""The order as after-sales knows it: `OrderChanged` kept (the highest version wins: a late or
replayed older one changes nothing), and read as the domain's `OrderSnapshot` with the claims of
the order's cases — under the order's lock, in the transaction that saves the case, so two cases
never count on the same units."""

import structlog

from tradeflow_after_sales.app.errors import OrderNotKnown
from tradeflow_after_sales.app.ports import AfterSalesTransaction, Collaborators
from tradeflow_after_sales.domain.order_snapshot import Claim, OrderLine, OrderSnapshot, OrderStatus, OrderType
from tradeflow_contracts.order_facts import OrderChanged

log = structlog.get_logger(__name__)


async def record_order_changed(tx: AfterSalesTransaction, message: OrderChanged, _c: Collaborators) -> None:
    if not await tx.order_facts.record(message):
        log.info("after_sales.order_facts_stale", order_id=message.order_id, version=message.version)


async def locked_order(tx: AfterSalesTransaction, order_id: str) -> tuple[OrderChanged, OrderSnapshot]:
    """The order's facts, locked until the transaction ends, and its snapshot with every claim."""
    facts = await tx.order_facts.get(order_id, lock=True)
    if facts is None:
        raise OrderNotKnown(f"order {order_id} is not known to after-sales (no such order, or not paid yet)")
    return facts, snapshot_of(facts, await tx.cases.claims(order_id), await tx.cases.stopped_for_cases(order_id))


def snapshot_of(facts: OrderChanged, claims: tuple[Claim, ...],
                stopped_for_cases: dict[str, tuple[int, int]] | None = None) -> OrderSnapshot:
    """The units a case had the order stop (before shipment) are the case's claim; the order's
    facts count them as cancelled as well, so they are taken out of the order's cancelled units
    (never below none: the facts may not tell of them yet)."""
    stopped_for_cases = stopped_for_cases or {}

    def line(ln) -> OrderLine:
        units, amount = stopped_for_cases.get(ln.line_id, (0, 0))
        return OrderLine(id=ln.line_id, sku=ln.sku, quantity=ln.quantity, unit_price_amount=ln.unit_price_amount,
                         paid_amount=ln.paid_amount, shipping_amount=ln.shipping_amount,
                         points_amount=ln.points_amount, virtual=ln.kind == "virtual",
                         stopped_quantity=max(ln.cancelled_quantity - units, 0),
                         stopped_amount=max(ln.cancelled_amount - amount, 0),
                         channel_paid_amount=ln.channel_paid_amount)
    lines = tuple(line(ln) for ln in facts.lines)
    return OrderSnapshot(id=facts.order_id, buyer_id=facts.buyer_id, status=OrderStatus(facts.status),
                         type=OrderType(facts.type), currency=facts.currency, lines=lines, claims=claims,
                         signed_at=facts.signed_at, completed_at=_completed_at(facts))


def _completed_at(facts: OrderChanged):
    """When the order completed; a completed order that does not say is taken as of its change."""
    return facts.completed_at or (facts.changed_at if facts.status == "completed" else None)


def merchants_of(facts: OrderChanged, line_ids: list[str]) -> list[str]:
    by_line = {ln.line_id: ln.merchant_id for ln in facts.lines}
    return sorted({by_line[line_id] for line_id in line_ids if line_id in by_line})

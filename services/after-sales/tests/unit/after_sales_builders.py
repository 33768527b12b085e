"""Orders as after-sales sees them, case requests and cases in any status, for the unit tests."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tradeflow_after_sales.domain.case import AfterSalesCase
from tradeflow_after_sales.domain.model import (
    Attention,
    CaseLine,
    CaseRequest,
    ClaimedLine,
    LineRefund,
    Replacement,
    Requester,
    RequesterKind,
)
from tradeflow_after_sales.domain.order_snapshot import OrderLine, OrderSnapshot, OrderStatus, OrderType
from tradeflow_after_sales.domain.states import CaseStatus, CaseType

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
BUYER = Requester(RequesterKind.BUYER, "b-1")
STAFF = "staff:s-1"
T = CaseType


def line(id: str = "L1", *, quantity: int = 2, unit_price: int = 5000, paid: int | None = None, shipping: int = 0,
         points: int = 0, sku: str | None = None, virtual: bool = False, stopped: int = 0,
         stopped_amount: int = 0) -> OrderLine:
    paid = quantity * unit_price + shipping if paid is None else paid
    return OrderLine(id, sku or f"SKU-{id}", quantity, unit_price, paid, shipping, points, virtual, stopped,
                     stopped_amount)


def order(*lines: OrderLine, status: OrderStatus = OrderStatus.SHIPPED, type: OrderType = OrderType.NORMAL,
          signed_at: datetime | None = None, completed_at: datetime | None = None) -> OrderSnapshot:
    if status is OrderStatus.COMPLETED and signed_at is None and completed_at is None:
        signed_at = NOW - timedelta(days=1)
    return OrderSnapshot("O-1", "b-1", status, type, "CNY", lines or (line(),), signed_at=signed_at,
                         completed_at=completed_at)


def with_cases(snapshot: OrderSnapshot, *cases: AfterSalesCase) -> OrderSnapshot:
    """The order with what these cases hold of it."""
    return replace(snapshot, claims=tuple(claim for case in cases for claim in case.claims()))


def request(type: CaseType, *claimed: tuple[str, int], reason: str = "arrived broken",
            replacements: dict[str, Replacement] | None = None, **more) -> CaseRequest:
    return CaseRequest(type, tuple(ClaimedLine(line_id, qty) for line_id, qty in claimed or (("L1", 1),)), reason,
                       BUYER, replacements=tuple((replacements or {}).items()), **more)


def open_case(snapshot: OrderSnapshot, type: CaseType, *claimed: tuple[str, int], id: str = "AS-1",
              now: datetime = NOW, **more) -> AfterSalesCase:
    return AfterSalesCase.open(id, snapshot, request(type, *claimed, **more), now)


def case_in(type: CaseType, status: CaseStatus, *, parked_at: CaseStatus | None = None,
            return_deadline: datetime | None = None, before_shipment: bool = False) -> AfterSalesCase:
    """A case of one unit of line L1 (of `order()`) loaded in `status` (`parked_at`: needs attention there)."""
    refund = None if type is T.EXCHANGE else LineRefund(5000, 0, 0, False, 5000)
    replacement = Replacement("SKU-L1", 5000) if type is T.EXCHANGE else None
    attention = Attention("payment down", parked_at, "refund", NOW) if parked_at else None
    return AfterSalesCase(id="AS-1", order_id="O-1", buyer_id="b-1", currency="CNY", type=type,
                          lines=[CaseLine("L1", "SKU-L1", 1, refund=refund, replacement=replacement)],
                          reason="arrived broken", requested_by=BUYER, opened_at=NOW, status=status,
                          attention=attention, return_deadline=return_deadline, before_shipment=before_shipment)

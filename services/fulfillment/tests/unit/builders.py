"""Paid orders and shipments for the unit tests, with the defaults a test does not care about."""

from datetime import UTC, datetime, timedelta
from itertools import count

from tradeflow_fulfillment.domain.carriers import CarrierRules
from tradeflow_fulfillment.domain.merging import MergeWindow
from tradeflow_fulfillment.domain.model import Flag, ParcelRules, Receiver, ShipmentLine
from tradeflow_fulfillment.domain.paid import PaidLine, PaidOrder, PaidSubOrder
from tradeflow_fulfillment.domain.planning import PlanningRules, plan_shipments
from tradeflow_fulfillment.domain.shipment import Shipment
from tradeflow_fulfillment.domain.transitions import ShipmentStatus

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=10)
RECEIVER = Receiver("Han Meimei", "139 1234 5678", "east", "Hangzhou", "2 West Lake Rd")
LIMITS = ParcelRules(max_weight_grams=20_000, max_volume_cm3=100_000, high_value_amount=2_000_000)
RULES = PlanningRules(LIMITS, CarrierRules.parse("WH-1:east=SF;*:*=YTO"), MergeWindow(WINDOW))


def line(line_id: str = "l-1", quantity: int = 1, *, sku: str | None = None, warehouses=None,
         paid_amount: int = 1000, kind: str = "physical", **measures) -> PaidLine:
    """A line of `quantity` units, all in WH-1 unless `warehouses` says [(code, units), …]."""
    where = () if kind == "virtual" else tuple(warehouses or [("WH-1", quantity)])
    return PaidLine(line_id, sku or f"SKU-{line_id}", quantity, kind, paid_amount, where, **measures)


def paid(*lines: PaidLine, order_id: str = "o-1", buyer_id: str = "b-1", receiver: Receiver = RECEIVER,
         merchant_id: str = "m-1") -> PaidOrder:
    """A paid order of one sub-order (`<order_id>-s1`) holding `lines`."""
    return PaidOrder(order_id, buyer_id, receiver, (PaidSubOrder(f"{order_id}-s1", merchant_id, tuple(lines)),))


class Ids:
    def __init__(self, prefix: str = "shp") -> None:
        self.prefix, self._n = prefix, count(1)

    def __call__(self) -> str:
        return f"{self.prefix}-{next(self._n)}"


def plan(order: PaidOrder, *, at: datetime = AT, rules: PlanningRules = RULES,
         ids: Ids | None = None) -> list[Shipment]:
    return plan_shipments(order, rules, at=at, new_id=ids or Ids(f"shp-{order.order_id}"))


def shipment(status: ShipmentStatus = ShipmentStatus.READY, progress: ShipmentStatus | None = None,
             *, quantity: int = 1, id: str = "shp-1", lines: list[ShipmentLine] | None = None) -> Shipment:
    """A stored shipment of one line (or `lines`) in `status` (with how far its goods got, `progress`)."""
    lines = lines or [ShipmentLine("l-1", "o-1", "o-1-s1", "m-1", "SKU-A", quantity, 1000, 500, 1000)]
    numbers = (f"{id}-1",) if progress else ()
    return Shipment(id=id, buyer_id="b-1", receiver=RECEIVER, warehouse="WH-1", carrier="SF", lines=lines,
                    flags=frozenset[Flag](), status=status, planned_at=AT, dispatch_after=AT + WINDOW,
                    progress=progress, dispatch_numbers=numbers, waybill="WB-1" if progress else None)


def units(shipments: list[Shipment]) -> list[list[tuple[str, int]]]:
    """Each shipment's (line id, units), for comparing a plan at a glance."""
    return [[(ln.line_id, ln.quantity) for ln in s.lines] for s in shipments]

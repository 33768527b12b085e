"""The parts of an order the repository keeps as JSON or in rows of their own: the shipments it
tracks, the refunds it asked for, a paid order's cancellation, what it keeps for after-sales, a
channel order's line as the channel sold it; each to its row and back."""

from dataclasses import asdict
from datetime import datetime

from tradeflow_order.domain.after_sales import AfterSales, CaseCancel, CaseRefund, CaseSeen
from tradeflow_order.domain.cancellation import Cancellation, GoingOnUnits
from tradeflow_order.domain.model import ChannelSale
from tradeflow_order.domain.refunds import AskedRefund, RefundState
from tradeflow_order.domain.states import CancellationState
from tradeflow_order.domain.tracking import OrderShipment, ShippedLine, TrackingEvent


def shipment_row(order_id: str, position: int, shipment: OrderShipment) -> dict:
    return {"order_id": order_id, "shipment_id": shipment.id, "position": position, "warehouse": shipment.warehouse,
            "carrier": shipment.carrier, "status": shipment.status, "waybill": shipment.waybill,
            "dispatch_number": shipment.dispatch_number,
            "lines": [{"line_id": ln.line_id, "quantity": ln.quantity} for ln in shipment.lines],
            "events": [{"at": e.at.isoformat(), "status": e.status, "event": e.event} for e in shipment.events]}


def shipment(row: dict) -> OrderShipment:
    return OrderShipment(row["shipment_id"], row["warehouse"], row["carrier"], row["status"],
                         tuple(ShippedLine(ln["line_id"], ln["quantity"]) for ln in row["lines"]),
                         row["waybill"], row["dispatch_number"],
                         [TrackingEvent(datetime.fromisoformat(e["at"]), e["status"], e["event"])
                          for e in row["events"]])


def cancellation_json(c: Cancellation | None) -> dict | None:
    if c is None:
        return None
    return {"state": c.state.value, "reason": c.reason, "requested_by": c.requested_by,
            "requested_at": c.requested_at.isoformat(),
            "decided_at": c.decided_at.isoformat() if c.decided_at else None,
            "going_on": [asdict(g) for g in c.going_on], "by_channel": c.by_channel}


def cancellation(data: dict | None) -> Cancellation | None:
    if data is None:
        return None
    return Cancellation(CancellationState(data["state"]), data["reason"], data["requested_by"],
                        datetime.fromisoformat(data["requested_at"]),
                        datetime.fromisoformat(data["decided_at"]) if data["decided_at"] else None,
                        tuple(GoingOnUnits(**g) for g in data["going_on"]), data.get("by_channel", False))


def refund_row(order_id: str, position: int, refund: AskedRefund) -> dict:
    return {"order_id": order_id, "refund_id": refund.id, "position": position, "amount": refund.amount,
            "reason": refund.reason, "lines": dict(refund.lines), "state": refund.state.value,
            "requested_at": refund.requested_at, "case_id": refund.case_id, "points": dict(refund.points)}


def refund(row: dict) -> AskedRefund:
    return AskedRefund(row["refund_id"], row["amount"], row["reason"], dict(row["lines"]),
                       datetime.fromisoformat(row["requested_at"]), RefundState(row["state"]), row["case_id"],
                       dict(row["points"]))


def after_sales_row(a: AfterSales) -> dict:
    return {"facts_version": a.version,
            "case_cancels": [{"case_id": c.case_id, "lines": c.lines, "reason": c.reason,
                              "requested_by": c.requested_by, "requested_at": c.requested_at.isoformat(),
                              "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                              "stopped": {line_id: list(units) for line_id, units in c.stopped.items()},
                              "going_on": [asdict(g) for g in c.going_on], "refund_id": c.refund_id,
                              "refunds": {line_id: asdict(r) for line_id, r in c.refunds.items()}}
                             for c in a.cancels],
            "cases": [asdict(c) | {"at": c.at.isoformat()} for c in a.cases]}


def after_sales(row) -> AfterSales:
    return AfterSales(row.facts_version, [CaseCancel(
        c["case_id"], c["lines"], c["reason"], c["requested_by"], datetime.fromisoformat(c["requested_at"]),
        datetime.fromisoformat(c["decided_at"]) if c["decided_at"] else None,
        {line_id: (units[0], units[1]) for line_id, units in c["stopped"].items()},
        tuple(GoingOnUnits(**g) for g in c["going_on"]), c["refund_id"],
        {line_id: CaseRefund(**r) for line_id, r in c.get("refunds", {}).items()}) for c in row.case_cancels],
        [CaseSeen(**(c | {"at": datetime.fromisoformat(c["at"])})) for c in row.cases])


def channel_sale_row(sale: ChannelSale | None) -> dict:
    return {"external_line_id": sale.external_line_id if sale else None,
            "channel_unit_price_amount": sale.unit_price_amount if sale else None,
            "channel_paid_amount": sale.paid_amount if sale else None}


def channel_sale(line: dict) -> ChannelSale | None:
    if line["external_line_id"] is None:
        return None
    return ChannelSale(line["external_line_id"], line["channel_unit_price_amount"], line["channel_paid_amount"])

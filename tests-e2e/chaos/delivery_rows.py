"""What the order, fulfillment and inventory databases say of the chaos orders' goods after
payment: the rows the delivery invariants (`chaos/delivery.py`) compare."""

import json
from dataclasses import dataclass, field

from chaos.rows import fetch, has_column


@dataclass
class Goods:
    # order → its lines: {id, sku, kind, quantity, entitlement_id, paid, refunded_amount, cancelled_quantity}
    lines: dict[str, list[dict]] = field(default_factory=dict)
    shipments: dict[str, dict] = field(default_factory=dict)  # id → fulfillment's row, `lines` of shipment_lines
    tracked: dict[str, list[dict]] = field(default_factory=dict)  # order → order_shipments (the read model)
    entitlements: dict[str, list[dict]] = field(default_factory=dict)  # order → {id, line_id, account, …}
    movements: list[dict] = field(default_factory=list)  # stock_movements: {kind, shipment_id, line_id, …}
    reservations: list[dict] = field(default_factory=list)  # {order_id, line_id, warehouse, shipped, returned}
    stock: list[dict] = field(default_factory=list)  # the chaos SKUs' rows: on_hand, Σ deducted, Σ restocked
    # (and `by_cases`: of those, restocked for after-sales cases, `return_id` `case-<id>`)
    refunds: dict[str, list[dict]] = field(default_factory=dict)  # order → order_refunds: {refund_id, lines, …}
    cases: dict[str, list[dict]] = field(default_factory=dict)  # order → after-sales cases (`case_rows`)

    def shipments_of(self, order_id: str) -> list[dict]:
        return [s for s in self.shipments.values() if any(ln["order_id"] == order_id for ln in s["lines"])]


async def goods_of(order_ids: list[str], skus: tuple[str, ...]) -> Goods:
    goods = Goods()
    cancelled = "l.cancelled_quantity" if await has_column("order", "order_lines", "cancelled_quantity") else "0"
    for row in await fetch("order", f"""
            SELECT s.order_id, l.id, l.sku, l.kind, l.quantity, l.entitlement_id, l.refunded_amount,
                   l.quantity * l.unit_price_amount + l.shipping_amount AS due, l.discounts,
                   {cancelled} AS cancelled_quantity
            FROM order_lines l JOIN sub_orders s ON s.id = l.sub_order_id
            WHERE s.order_id = ANY($1::text[]) ORDER BY s.position, l.position""", order_ids):
        line = dict(row) | {"paid": row["due"] - sum(_json(row["discounts"]).values())}
        goods.lines.setdefault(row["order_id"], []).append(line)
    for row in await fetch("order", "SELECT order_id, shipment_id, status, waybill, dispatch_number, lines "
                                    "FROM order_shipments WHERE order_id = ANY($1::text[])", order_ids):
        goods.tracked.setdefault(row["order_id"], []).append(dict(row) | {"lines": _json(row["lines"])})
    await _fulfillment(goods, order_ids)
    goods.movements = [dict(r) for r in await fetch(
        "inventory", "SELECT kind, shipment_id, return_id, order_id, line_id, sku, warehouse, quantity "
                     "FROM stock_movements WHERE order_id = ANY($1::text[])", order_ids)]
    goods.reservations = [dict(r) for r in await fetch(
        "inventory", "SELECT order_id, line_id, warehouse, shipped, returned FROM reservations "
                     "WHERE order_id = ANY($1::text[])", order_ids)]
    goods.stock = [dict(r) for r in await fetch("inventory", """
        SELECT s.sku, s.warehouse, s.on_hand,
               COALESCE(sum(m.quantity) FILTER (WHERE m.kind = 'deducted'), 0) AS deducted,
               COALESCE(sum(m.quantity) FILTER (WHERE m.kind = 'restocked'), 0) AS restocked,
               COALESCE(sum(m.quantity) FILTER (WHERE m.kind = 'restocked' AND m.return_id LIKE 'case-%'), 0)
                 AS by_cases
        FROM stock s LEFT JOIN stock_movements m ON m.sku = s.sku AND m.warehouse = s.warehouse
        WHERE s.sku = ANY($1::text[]) GROUP BY s.sku, s.warehouse, s.on_hand""", list(skus))]
    for row in await fetch("order", "SELECT order_id, refund_id, amount, lines, state, case_id, points "
                                    "FROM order_refunds WHERE order_id = ANY($1::text[])", order_ids):
        goods.refunds.setdefault(row["order_id"], []).append(
            dict(row) | {"lines": _json(row["lines"]), "points": _json(row["points"])})
    for case in await case_rows(order_ids):
        goods.cases.setdefault(case["order_id"], []).append(case)
    return goods


async def case_rows(order_ids: list[str]) -> list[dict]:
    """The after-sales cases of these orders: {id, order_id, type, status, attention, refunded_amount,
    split_from (the case a part stop's return continues), parcel (a return parcel was reported),
    inspected_ok (its history went through inspected_ok), lines: [{line_id, sku, quantity, virtual,
    amount, points}]}."""
    cases = {row["id"]: dict(row) | {"attention": _json(row["attention"]), "lines": []} for row in await fetch(
        "after_sales", "SELECT c.id, c.order_id, c.type, c.status, c.attention, c.refunded_amount, c.split_from, "
                       "COALESCE(jsonb_typeof(c.return_parcel), 'null') <> 'null' AS parcel, "
                       "EXISTS (SELECT 1 FROM case_history h WHERE "
                       "h.case_id = c.id AND h.to_status = 'inspected_ok') AS inspected_ok "
                       "FROM cases c WHERE c.order_id = ANY($1::text[])", order_ids)}
    for row in await fetch("after_sales", "SELECT case_id, line_id, sku, quantity, virtual, refund FROM case_lines "
                                          "WHERE case_id = ANY($1::text[]) ORDER BY position", list(cases)):
        refund = _json(row["refund"]) or {}
        cases[row["case_id"]]["lines"].append(dict(row) | {"amount": refund.get("amount", 0),
                                                           "points": refund.get("points", 0)})
    return list(cases.values())


async def _fulfillment(goods: Goods, order_ids: list[str]) -> None:
    lines = await fetch("fulfillment", "SELECT shipment_id, order_id, line_id, sku, quantity FROM shipment_lines "
                                       "WHERE order_id = ANY($1::text[]) ORDER BY shipment_id, position", order_ids)
    ids = sorted({row["shipment_id"] for row in lines})
    for row in await fetch("fulfillment", """
            SELECT s.id, s.status, s.progress, s.warehouse, s.dispatch_number, s.waybill, s.planned_at,
                   (SELECT min(e.at) FROM shipment_events e
                    WHERE e.shipment_id = s.id AND e.event = 'shipped' AND e.source = 'wms') AS shipped_at
            FROM shipments s WHERE s.id = ANY($1::text[])""", ids):
        goods.shipments[row["id"]] = dict(row) | {"lines": []}
    for row in lines:
        if row["shipment_id"] in goods.shipments:
            goods.shipments[row["shipment_id"]]["lines"].append(dict(row))
    for row in await fetch("fulfillment", "SELECT id, order_id, line_id, account, quantity, status, revoke_case_id "
                                          "FROM entitlements "
                                          "WHERE order_id = ANY($1::text[])", order_ids):
        goods.entitlements.setdefault(row["order_id"], []).append(dict(row))


def _json(value):
    return json.loads(value) if isinstance(value, str) else value

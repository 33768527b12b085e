"""What must hold of the chaos orders' goods once the run has settled (issue 11), from the order,
fulfillment and inventory databases (`delivery_rows.Goods`):

* **units in shipments once** — a paid order that was kept has each physical line's units in its
  live shipments exactly once (Σ shipment line quantities = the line's quantity less the units a
  cancellation stopped, stopped shipments not counted): no unit lost, none twice; each virtual
  line has exactly one entitlement for the buyer and the line's quantity — active, or revoked
  when a cancellation stopped it or an after-sales case refunded it — and the order knows it (none
  when a case stopped it before it was granted);
* **refunds cover the stopped lines** — of a paid order, each line got back exactly what it paid
  for the units stopped: all of it when the order was cancelled, its share of what a partial
  cancellation stopped (the order's own or an after-sales case's stop), nothing otherwise — besides
  what after-sales cases refunded of it otherwise (`chaos/after_sales.py` checks those); the lines'
  refunds sum to the order's;
* **cancelled orders ship nothing** — every shipment of a cancelled order is stopped (cancelled,
  intercepted, returning, returned) and none of its entitlements is active;
* **deducted once** — inventory deducted each shipment line once, and only once it left its
  warehouse (reached `shipped`): per (shipment, line) the deducted units are the line's units
  when the shipment got past `shipped`, else 0; nothing restocked beyond that; per (order line,
  warehouse) the reservation's shipped and returned units are those movements;
* **on hand = initial − shipped + restocked** — per chaos SKU and warehouse, restocked being what
  the carriers brought back plus the units of after-sales cases inspected ok (counted from the
  cases, so a return restocked twice or never shows);
* **nothing stuck** — every shipment of a kept order is `signed` (or stopped), and an order whose
  parcels are all signed and entitlements granted (what a cancellation did not stop) is
  `completed` (auto-confirm; a course a case refunded counts as received), a completed one all
  received; a shipment a restarted simulator
  forgot would be explained, not counted (none should be: they are durable); a returning parcel
  counts as stopped (in auto mode it comes back and is restocked, but may still be on its way);
* **tracking agrees** — each paid order's tracked shipments (the order's read model) are the
  shipments fulfillment holds its lines in, with their status, waybill, dispatch number and lines.
"""

from collections import Counter
from dataclasses import dataclass

from chaos.after_sales import case_restocks
from chaos.delivery_rows import Goods, goods_of
from chaos.report import Report
from chaos.simulators import Simulators

KEPT = ("awaiting_shipment", "partially_shipped", "shipped", "completed")  # paid, and the order goes on
PAST_SHIPPED = ("shipped", "in_transit", "out_for_delivery", "signed")  # `progress`: the goods left
STOPPED = ("cancelled", "intercepted", "returning", "returned")
ENDED = ("signed", *STOPPED)
INVARIANTS = ("units in shipments once", "refunds cover the stopped lines", "cancelled orders ship nothing",
              "deducted once",
              "on hand = initial − shipped + restocked", "nothing stuck", "tracking agrees")


@dataclass
class Delivery:
    """What the delivery invariants need besides the orders: the chaos SKUs and their initial
    stock, and the simulators (to tell a shipment they forgot from a stuck one)."""

    skus: tuple[str, ...]
    initial: int
    simulators: Simulators | None = None

    async def check(self, report: Report, orders: dict[str, dict]) -> Goods:
        goods = await goods_of(list(orders), self.skus)
        explained = {}
        for shipment in open_shipments(orders, goods) if self.simulators is not None else []:
            if why := await self.simulators.forgotten(shipment):
                explained[shipment["id"]] = why
        check_delivery(report, orders, goods, self.initial, explained)
        return goods


def open_shipments(orders: dict[str, dict], goods: Goods) -> list[dict]:
    """The kept orders' shipments that have not ended: what a restarted simulator may explain."""
    return [s for order_id, o in orders.items() if o["status"] in KEPT
            for s in goods.shipments_of(order_id) if s["status"] not in ENDED]


def check_delivery(report: Report, orders: dict[str, dict], goods: Goods, initial: int,
                   explained: dict[str, str]) -> None:
    """`orders`: order id → {id, buyer_id, status, payment_status, auto_confirm_at}; `explained`:
    shipment id → why a simulator restart left it short of signed."""
    for invariant in INVARIANTS:
        report.holds(invariant)
    for order_id, order in orders.items():
        shipments, lines = goods.shipments_of(order_id), goods.lines.get(order_id, [])
        entitlements = goods.entitlements.get(order_id, [])
        refunded_by_cases = case_refunds(order_id, goods)
        if order["status"] in KEPT:
            check_units(report, order, lines, shipments, entitlements, set(refunded_by_cases))
            check_progress(report, order, lines, shipments, entitlements, explained, set(refunded_by_cases))
        elif order["status"] == "cancelled":
            check_cancelled(report, order, shipments, entitlements)
        if order["payment_status"] != "unpaid":
            check_refunds(report, order, lines, refunded_by_cases)
        check_tracking(report, order_id, goods.tracked.get(order_id, []), shipments)
    check_deductions(report, goods)
    check_on_hand(report, goods.stock, initial, case_restocks(goods))


def case_refunds(order_id: str, goods: Goods) -> Counter:
    """Per line, what after-sales cases refunded of it other than by stopping units (a stop is the
    order's cancellation of them, refund `<order>-cancel-<case>`) — a course a completed case refunded
    counts with 0 when no money moved here (a channel's case: the channel refunded it)."""
    refunded = Counter()
    for r in goods.refunds.get(order_id, []):
        if r["state"] == "refunded" and r["case_id"] and r["refund_id"] != f"{order_id}-cancel-{r['case_id']}":
            refunded.update(r["lines"])
    for case in (c for c in goods.cases.get(order_id, []) if c["status"] == "completed"):
        refunded.update({ln["line_id"]: 0 for ln in case["lines"] if ln["virtual"]})
    return refunded


def check_units(report: Report, order: dict, lines: list[dict], shipments: list[dict],
                entitlements: list[dict], refunded_by_cases: set[str] = frozenset()) -> None:
    for line in lines:
        name = f"order {order['id']} line {line['id']} ({line['sku']} ×{line['quantity']})"
        if line["kind"] == "virtual":
            granted = [e for e in entitlements if e["line_id"] == line["id"]]
            status = "revoked" if line["cancelled_quantity"] or line["id"] in refunded_by_cases else "active"
            never = not granted and line["cancelled_quantity"] == line["quantity"]  # stopped before it was granted
            if not never and [(e["status"], e["account"], e["quantity"], e["id"]) for e in granted] != [
                    (status, order["buyer_id"], line["quantity"], line["entitlement_id"])]:
                report.breach("units in shipments once", f"{name}: entitlements {_entitlements(granted)}, "
                                                         f"the order knows {line['entitlement_id']}")
            continue
        held = [(s["id"], ln["quantity"]) for s in shipments if s["status"] not in STOPPED
                for ln in s["lines"] if ln["line_id"] == line["id"]]
        if sum(q for _, q in held) != line["quantity"] - line["cancelled_quantity"]:
            report.breach("units in shipments once", f"{name}: {sum(q for _, q in held)} units in live shipments "
                                                     f"{held}, {line['cancelled_quantity']} stopped")


def check_refunds(report: Report, order: dict, lines: list[dict], by_cases: Counter | None = None) -> None:
    """`by_cases`: per line, what cases refunded besides stopped units (`chaos/after_sales.py` checks it)."""
    stopped = {ln["id"]: ln["quantity"] if order["status"] == "cancelled" else ln["cancelled_quantity"]
               for ln in lines}
    by_cases = by_cases or Counter()
    wrong = [(ln["id"], ln["refunded_amount"], ln["paid"], stopped[ln["id"]]) for ln in lines
             if (ln["refunded_amount"] - by_cases[ln["id"]]) * ln["quantity"] != ln["paid"] * stopped[ln["id"]]]
    total = sum(ln["refunded_amount"] for ln in lines)
    if wrong or total != min(order["refunded_amount"], sum(ln["paid"] for ln in lines)):  # a 2nd capture: refunded
        report.breach("refunds cover the stopped lines",
                      f"order {order['id']} ({order['status']}/{order['payment_status']}): lines refunded "
                      f"{total}, the order {order['refunded_amount']}; (line, refunded, paid, units stopped) {wrong}")


def check_cancelled(report: Report, order: dict, shipments: list[dict], entitlements: list[dict]) -> None:
    going = [(s["id"], s["status"]) for s in shipments if s["status"] not in STOPPED]
    active = [e["id"] for e in entitlements if e["status"] == "active"]
    if going or active:
        report.breach("cancelled orders ship nothing",
                      f"order {order['id']} cancelled ({order['payment_status']}): shipments going on {going}, "
                      f"entitlements active {active}")


def check_progress(report: Report, order: dict, lines: list[dict], shipments: list[dict],
                   entitlements: list[dict], explained: dict[str, str],
                   refunded_by_cases: set[str] = frozenset()) -> None:
    name = f"order {order['id']} ({order['status']})"
    for s in shipments:
        if s["status"] in ENDED:
            continue
        where = f"{name}: shipment {s['id']} {s['status']} (dispatch {s['dispatch_number']}, waybill {s['waybill']})"
        if s["id"] in explained:
            report.explain("nothing stuck", f"{where}: {explained[s['id']]}")
        else:
            report.breach("nothing stuck", f"{where} after the settle")
    signed = Counter()
    for s in shipments:
        for ln in s["lines"]:
            signed[ln["line_id"]] += ln["quantity"] if s["status"] == "signed" else 0
    granted = {e["line_id"] for e in entitlements if e["status"] == "active"} | refunded_by_cases  # revoked then
    received = bool(lines) and all(  # what a cancellation stopped is not due
        line["cancelled_quantity"] == line["quantity"] or (line["id"] in granted if line["kind"] == "virtual" else
                                                           signed[line["id"]] >= line["quantity"]
                                                           - line["cancelled_quantity"]) for line in lines)
    if received and order["status"] != "completed":
        report.breach("nothing stuck", f"{name}: every parcel signed and entitlement granted, yet not completed "
                                       f"(auto-confirm at {order.get('auto_confirm_at')})")
    if order["status"] == "completed" and not received:
        report.breach("nothing stuck", f"{name}: completed, yet not everything received "
                                       f"({[(s['id'], s['status']) for s in shipments]})")


def check_tracking(report: Report, order_id: str, tracked: list[dict], shipments: list[dict]) -> None:
    ours = {s["id"]: s for s in shipments}
    theirs = {t["shipment_id"]: t for t in tracked}
    if set(ours) != set(theirs):
        report.breach("tracking agrees", f"order {order_id} tracks shipments {sorted(theirs)}, "
                                         f"fulfillment holds its lines in {sorted(ours)}")
    for shipment_id in set(ours) & set(theirs):
        s, t = ours[shipment_id], theirs[shipment_id]
        lines = sorted((ln["line_id"], ln["quantity"]) for ln in s["lines"] if ln["order_id"] == order_id)
        seen = (t["status"], t["waybill"], t["dispatch_number"], sorted((ln["line_id"], ln["quantity"])
                                                                       for ln in t["lines"]))
        if seen != (s["status"], s["waybill"], s["dispatch_number"], lines):
            report.breach("tracking agrees", f"order {order_id} tracks shipment {shipment_id} as {seen[:3]}, "
                                             f"fulfillment has {(s['status'], s['waybill'], s['dispatch_number'])}"
                                             + ("" if seen[3] == lines else f"; lines {seen[3]} ≠ {lines}"))


def check_deductions(report: Report, goods: Goods) -> None:
    moved: dict[str, Counter] = {"deducted": Counter(), "restocked": Counter()}
    per_reservation: dict[str, Counter] = {"deducted": Counter(), "restocked": Counter()}
    for m in goods.movements:
        moved[m["kind"]][m["shipment_id"], m["line_id"]] += m["quantity"]
        per_reservation[m["kind"]][m["order_id"], m["line_id"], m["warehouse"]] += m["quantity"]
    for s in goods.shipments.values():
        left = s["progress"] in PAST_SHIPPED
        for ln in s["lines"]:
            key, due = (s["id"], ln["line_id"]), ln["quantity"] if left else 0
            if moved["deducted"][key] != due or moved["restocked"][key] > moved["deducted"][key]:
                report.breach("deducted once", f"shipment {s['id']} ({s['status']}, got to {s['progress']}) line "
                                               f"{ln['line_id']}: {moved['deducted'][key]} units deducted, {due} due, "
                                               f"{moved['restocked'][key]} restocked")
    for shipment_id, line_id in set(moved["deducted"]) - {(s["id"], ln["line_id"]) for s in goods.shipments.values()
                                                          for ln in s["lines"]}:
        report.breach("deducted once", f"line {line_id} deducted for shipment {shipment_id}, which fulfillment "
                                       "does not hold it in")
    for r in goods.reservations:
        key = (r["order_id"], r["line_id"], r["warehouse"])
        if (r["shipped"], r["returned"]) != (per_reservation["deducted"][key], per_reservation["restocked"][key]):
            report.breach("deducted once", f"reservation {key}: shipped {r['shipped']}, returned {r['returned']}; "
                                           f"movements: deducted {per_reservation['deducted'][key]}, restocked "
                                           f"{per_reservation['restocked'][key]}")


def check_on_hand(report: Report, stock: list[dict], initial: int, returned: Counter | None = None) -> None:
    """Restocked: what carriers brought back (movements of no case) and `returned`, per SKU, the units
    of after-sales cases inspected ok (from the cases, not from inventory's movements)."""
    returned = returned or Counter()
    for row in stock:
        back = row["restocked"] - row.get("by_cases", 0)
        expected = initial - row["deducted"] + back + returned[row["sku"]]
        if row["on_hand"] != expected:
            report.breach("on hand = initial − shipped + restocked",
                          f"{row['sku']}@{row['warehouse']}: on hand {row['on_hand']}, expected {expected} "
                          f"({initial} − {row['deducted']} shipped + {back} carried back + {returned[row['sku']]} "
                          "returned through cases)")


def _entitlements(rows: list[dict]) -> list[tuple]:
    return [(e["id"], e["status"], e["account"], e["quantity"]) for e in rows]

"""What must hold after a chaos run, checked against the services' own databases and the DLQs.

For every flow that got a 201 (the platform took the order):
* **not lost** — its order is in `tradeflow_order.orders`;
* **not doubled** — exactly one order for its buyer (each flow has a buyer of its own) and one
  idempotency record for its key;
* **ended, with no manual step** — the order is paid and kept (`awaiting_shipment`,
  `partially_shipped`, `shipped` or `completed`: how far its goods got is `chaos/delivery.py`'s
  question) or `cancelled`, its saga at rest (`handed_over` completed / `cancelled` compensated,
  never needs_attention), nothing `pending`;
* **its expected state** — money taken at the PSP (the client saw the PSP accept "succeed")
  means paid and kept, or cancelled with a full refund; no money taken means
  cancelled (`fail`, `unpaid`, `cancel` plans) and never paid; a cancel answered 200 means
  cancelled (refunded in full if it had been paid), a confirmed receipt completed;
* **money agrees** — in `tradeflow_payment`: every PSP reference the client made succeed is
  `succeeded`; net money (succeeded payments − succeeded refunds) is the order's total when it
  was kept (less what the order refunded for units a cancellation stopped; which lines those
  are is `chaos/delivery.py`'s question) and 0 when it was cancelled: 0 paid-but-cancelled-without-refund, no double
  charge kept;
* **stock agrees** — a cancelled order holds no active reservation;
* **coupons and points agree** — a kept order still holds its coupon and the points
  it spent (the buyer's balance is what was granted less them); a cancelled one gave both back
  (its coupon hold returned, the balance what was granted).

Platform-wide: `stock.reserved` = Σ active reservations' on-hand units neither shipped nor
released yet (quantity − still incoming − shipped − released) per SKU × warehouse; every outbox is
drained; no dead letter was written since the run began. After payment, the goods
(`chaos/delivery.py`): every unit in a shipment once, deducted once, nothing stuck, the order's
tracking agreeing with fulfillment. The after-sales cases of the chaos orders (`chaos/after_sales.py`):
each ended with no manual step, refunds ≤ paid and adding up, returned units restocked once,
refunded courses revoked; a kept order's points balance counts what its completed cases gave back.
The channel orders (`chaos/channel_checks.py`): each order a shop took in the ledger once and placed
once, paid zero, at rest, a refunded course revoked, the channel's credit adding up, every sync call
acknowledged — and their goods, stock and cases checked with the rest's.
"""

from collections import Counter

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from chaos.after_sales import check_cases
from chaos.channel_checks import ChannelRun, check_refunded_courses
from chaos.delivery import KEPT, Delivery
from chaos.flows import ORDER_TOTAL, POINTS, Flow
from chaos.report import Report
from chaos.rows import SERVICE_DATABASES, database_url
from chaos.rows import fetch as _fetch
from tradeflow_testing.topics import partitions_of

__all__ = ["ORDER_TOTAL", "SERVICE_DATABASES", "Report", "check", "check_benefits", "check_flow", "check_stream",
           "database_url"]
AT_REST = {(status, "handed_over", "completed") for status in KEPT} | {("cancelled", "cancelled", "compensated")}


async def check(flows: list[Flow], since_ms: int, bootstrap: str, delivery: Delivery | None = None,
                channels: ChannelRun | None = None) -> Report:
    """Every invariant, once (the goods' too, given `delivery`; the channel orders', given
    `channels`: `chaos/channel_checks.py`); the caller polls it with a deadline until it holds."""
    report = Report()
    accepted = [f for f in flows if f.accepted and f.channel is None]
    channel_flows = [f for f in flows if f.accepted and f.channel is not None]
    report.checked_flows = len(accepted)
    orders, idempotency = await _orders([f.buyer for f in accepted])
    money = await _money([f.order_id for f in accepted])
    active = await _active_reservations([f.order_id for f in accepted])
    histories = await _histories([f.order_id for f in accepted if f.followed is not None])
    held, balances = await _benefits([f.order_id for f in accepted], [f.buyer for f in accepted])
    points_back = await _points_back([f.order_id for f in accepted if f.case is not None])
    for invariant in ("not lost", "not doubled", "ended", "expected state", "money agrees", "stock agrees",
                      "streams agree", "coupons and points agree"):
        report.holds(invariant)
    for flow in accepted:
        check_flow(report, flow, orders.get(flow.buyer, []), idempotency.get(flow.buyer, 0),
                    money.get(flow.order_id), active.get(flow.order_id, 0))
        statuses = [o["status"] for o in orders.get(flow.buyer, []) if o["id"] == flow.order_id]
        if statuses:
            check_benefits(report, flow, statuses[0], held.get(flow.order_id), balances.get(flow.buyer, 0),
                           points_back.get(flow.order_id, 0))
        if flow.followed is not None:
            check_stream(report, flow, histories.get(flow.order_id, []))
    if delivery is not None:
        ours = {o["id"]: o for f in accepted for o in orders.get(f.buyer, []) if o["id"] == f.order_id}
        if channels is not None:  # the channel orders' goods, stock and cases are checked with the rest
            ours |= await channels.check(report, channel_flows)
        goods = await delivery.check(report, ours)
        check_cases(report, accepted, ours, goods, money)  # after-sales: chaos/after_sales.py
        if channels is not None:
            check_refunded_courses(report, channel_flows, goods.cases, goods.entitlements)
    await _check_stock(report)
    await _check_outboxes(report)
    await _check_dead_letters(report, since_ms, bootstrap)
    return report


def check_flow(report: Report, flow: Flow, orders: list, keys: int, money: dict | None, active: int) -> None:
    name = f"flow {flow.index} ({flow.plan}, {flow.order_id})"
    if not orders:
        report.breach("not lost", name)
        return
    if len(orders) > 1 or keys != 1:
        report.breach("not doubled", f"{name}: {len(orders)} orders, {keys} idempotency records")
    order = next((o for o in orders if o["id"] == flow.order_id), None)
    if order is None:
        report.breach("not lost", f"{name}: the 201's order id is not the buyer's order")
        return
    state = f"{order['status']}/{order['payment_status']}"
    report.final_states[state] += 1
    if (order["status"], order["step"], order["saga_state"]) not in AT_REST:
        report.breach("ended", f"{name}: {order['status']} at step {order['step']} ({order['saga_state']})")
        return
    shipped = order["status"] in KEPT  # paid, and the order goes on
    if flow.money_taken:
        expected = shipped or order["payment_status"] == "refunded"
    else:
        expected = not shipped and order["payment_status"] != "paid"
    if flow.cancelled:
        expected = expected and not shipped
    if flow.confirmed:
        expected = expected and order["status"] == "completed"
    if not expected:
        report.breach("expected state", f"{name}: {state}, money taken {flow.money_taken}, cancel {flow.cancelled}")
    money = money or {"succeeded": set(), "paid": 0, "refunded": 0}
    missing = set(flow.paid_references) - money["succeeded"]
    net = money["paid"] - money["refunded"]
    due = ORDER_TOTAL - order.get("refunded_amount", 0) if shipped else 0  # less what a cancellation stopped
    if missing or net != due:
        report.breach("money agrees", f"{name}: {state}; PSP succeeded {sorted(missing)} not succeeded here; "
                                      f"net {net} (paid {money['paid']} − refunded {money['refunded']}), due {due}")
    if not shipped and active:
        report.breach("stock agrees", f"{name}: cancelled but {active} active reservation(s)")


def check_benefits(report: Report, flow: Flow, status: str, coupon_held: bool | None, balance: int,
                   points_back: int = 0) -> None:
    """`coupon_held`: the order's coupon hold is open (True), returned (False), or absent (None);
    `points_back`: the points its completed after-sales cases gave back (their coupon stays used)."""
    name = f"flow {flow.index} ({flow.plan}, {flow.order_id})"
    if status in KEPT and (coupon_held is not True or balance != flow.points_granted - POINTS + points_back):
        report.breach("coupons and points agree", f"{name}: paid, coupon held {coupon_held}, balance {balance} "
                                                  f"(granted {flow.points_granted}, spent {POINTS}, "
                                                  f"{points_back} back through cases)")
    if status == "cancelled" and (coupon_held is not False or balance != flow.points_granted):
        report.breach("coupons and points agree", f"{name}: cancelled, coupon held {coupon_held}, balance "
                                                  f"{balance} (granted {flow.points_granted}, all due back)")


def check_stream(report: Report, flow: Flow, history: list) -> None:
    """What the buyer's event stream showed, across its reconnects, is the order's history: from
    its first event on, every change once, in order, none missing, each as recorded."""
    name = f"flow {flow.index} ({flow.plan}, {flow.order_id}, {flow.streams} stream(s))"
    if not flow.followed:
        report.breach("streams agree", f"{name}: never saw it paid or cancelled ({flow.notes[-3:]})")
        return
    ids = [e["id"] for e in flow.events]
    if ids != list(range(ids[0], ids[0] + len(ids))):
        report.breach("streams agree", f"{name}: positions {ids} skip or repeat")
        return
    seen = [(e["event"], e["status"]) for e in flow.events]
    recorded = [(h["event"], h["to_status"]) for h in history[ids[0] - 1:ids[-1]]]
    if seen != recorded:
        report.breach("streams agree", f"{name}: saw {seen}, history has {recorded}")


async def _histories(order_ids: list[str]) -> dict[str, list]:
    rows = await _fetch("order", "SELECT order_id, event, to_status FROM order_history "
                                 "WHERE order_id = ANY($1::text[]) ORDER BY id", order_ids)
    histories: dict[str, list] = {}
    for row in rows:
        histories.setdefault(row["order_id"], []).append(dict(row))
    return histories


async def _orders(buyers: list[str]) -> tuple[dict[str, list], dict[str, int]]:
    rows = await _fetch("order", "SELECT o.id, o.buyer_id, o.status, o.payment_status, o.refunded_amount, "
                                 "o.auto_confirm_at, s.step, s.state AS saga_state "
                                 "FROM orders o JOIN sagas s ON s.id = o.id "
                                 "WHERE o.buyer_id = ANY($1::text[])", buyers)
    keys = await _fetch("order", "SELECT principal, count(*) AS n FROM idempotency_keys "
                                 "WHERE scope = 'POST /orders' AND principal = ANY($1::text[]) "
                                 "AND key LIKE 'chaos-key-%' GROUP BY principal", buyers)
    by_buyer: dict[str, list] = {}
    for row in rows:
        by_buyer.setdefault(row["buyer_id"], []).append(dict(row))
    return by_buyer, {row["principal"]: row["n"] for row in keys}


async def _money(order_ids: list[str]) -> dict[str, dict]:
    payments = await _fetch("payment", "SELECT order_id, psp_reference, amount, status FROM payments "
                                       "WHERE order_id = ANY($1::text[])", order_ids)
    refunds = await _fetch("payment", "SELECT order_id, amount FROM refunds "
                                      "WHERE status = 'succeeded' AND order_id = ANY($1::text[])", order_ids)
    money: dict[str, dict] = {}
    for row in payments:
        m = money.setdefault(row["order_id"], {"succeeded": set(), "paid": 0, "refunded": 0})
        if row["status"] == "succeeded":
            m["succeeded"].add(row["psp_reference"])
            m["paid"] += row["amount"]
    for row in refunds:
        money.setdefault(row["order_id"], {"succeeded": set(), "paid": 0, "refunded": 0})["refunded"] += row["amount"]
    return money


async def _benefits(order_ids: list[str], buyers: list[str]) -> tuple[dict[str, bool], dict[str, int]]:
    """Each order's coupon hold (open or returned) and each buyer's points balance."""
    holds = await _fetch("order", "SELECT order_id, bool_or(returned_at IS NULL) AS open FROM coupon_holds "
                                  "WHERE order_id = ANY($1::text[]) GROUP BY order_id", order_ids)
    points = await _fetch("order", "SELECT buyer_id, sum(amount) AS balance FROM points_entries "
                                   "WHERE buyer_id = ANY($1::text[]) GROUP BY buyer_id", buyers)
    return {r["order_id"]: r["open"] for r in holds}, {r["buyer_id"]: int(r["balance"]) for r in points}


async def _points_back(order_ids: list[str]) -> dict[str, int]:
    """The points each order's completed after-sales cases gave back (their lines' `refund.points`)."""
    rows = await _fetch("after_sales", "SELECT c.order_id, COALESCE(sum((l.refund->>'points')::bigint), 0) AS n "
                                       "FROM cases c JOIN case_lines l ON l.case_id = c.id "
                                       "WHERE c.status = 'completed' AND c.order_id = ANY($1::text[]) "
                                       "GROUP BY c.order_id", order_ids)
    return {row["order_id"]: int(row["n"]) for row in rows}


async def _active_reservations(order_ids: list[str]) -> dict[str, int]:
    rows = await _fetch("inventory", "SELECT order_id, count(*) AS n FROM reservations WHERE state = 'active' "
                                     "AND order_id = ANY($1::text[]) GROUP BY order_id", order_ids)
    return {row["order_id"]: row["n"] for row in rows}


async def _check_stock(report: Report) -> None:
    report.holds("reserved = Σ active reservations")
    held = "r.quantity - r.incoming - r.shipped - r.released"
    rows = await _fetch("inventory", f"""
        SELECT s.sku, s.warehouse, s.reserved, s.on_hand, COALESCE(sum({held}), 0) AS held
        FROM stock s LEFT JOIN reservations r
          ON r.sku = s.sku AND r.warehouse = s.warehouse AND r.state = 'active'
        GROUP BY s.sku, s.warehouse, s.reserved, s.on_hand
        HAVING s.reserved <> COALESCE(sum({held}), 0) OR s.reserved > s.on_hand OR s.reserved < 0""")
    for row in rows:
        report.breach("reserved = Σ active reservations",
                      f"{row['sku']}@{row['warehouse']}: reserved {row['reserved']}, active {row['held']}, "
                      f"on hand {row['on_hand']}")


async def _check_outboxes(report: Report) -> None:
    report.holds("outboxes drained")
    for service in SERVICE_DATABASES:
        pending = (await _fetch(service, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL"))[0]["n"]
        if pending:
            report.breach("outboxes drained", f"{service}: {pending} unpublished")


async def dead_letters_since(since_ms: int, bootstrap: str) -> dict[str, int]:
    """Records written to each `*.dlq` topic at or after `since_ms` (epoch milliseconds)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if t.endswith(".dlq")]
    finally:
        await admin.close()
    partitions = await partitions_of(bootstrap, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        if not partitions:
            return {}
        ends = await consumer.end_offsets(partitions)
        starts = await consumer.offsets_for_times({tp: since_ms for tp in partitions})
        counts: Counter = Counter()
        for tp in partitions:
            first = starts[tp].offset if starts.get(tp) is not None else ends[tp]
            counts[tp.topic] += ends[tp] - first
        return {topic: n for topic, n in counts.items() if n}
    finally:
        await consumer.stop()


async def _check_dead_letters(report: Report, since_ms: int, bootstrap: str) -> None:
    report.holds("no dead letters")
    for topic, n in (await dead_letters_since(since_ms, bootstrap)).items():
        report.breach("no dead letters", f"{topic}: {n}")

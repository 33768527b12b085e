"""What must hold of the chaos orders' after-sales cases once the run has settled (issue 12), from
the after-sales, order, payment, fulfillment and inventory databases (`delivery_rows.Goods`):

* **cases end with no manual step** — every case of a chaos order (those the clients opened and
  any other) is `completed`; `closed_expired` only for a return whose parcel was never reported
  (the client's report was not answered 200 and the case holds no parcel); a case left
  `needs_attention` is reported with its reason and step, one stuck half way with its status;
* **one case per client** — a case id a client got a 201 for is the order's one case (besides the
  return a part stop continues it in, `split_from` the client's case);
* **refunded ≤ paid** — per line (0 ≤ refunded ≤ paid) and per order;
* **refunds add up** — each line's refunded amount is the sum of its shares in the refunds the
  order made; the order's lines got back its own cancellation refunds plus what its completed cases
  refunded; each completed case was refunded exactly its lines' refund amounts, by refunds the order
  made for it, and a case that did not complete got nothing; the payment service refunded the order
  what the order says;
* **returned units restocked once** — the units of a case inspected ok are restocked once under
  its return (`case-<id>`), those of any other case never (the stock equation in
  `chaos/delivery.py` counts them: on hand = initial − shipped + carriers' returns + units of
  return cases inspected ok);
* **refunded courses revoked** — a completed case's virtual line has no entitlement left active:
  revoked (by that case, when fulfillment names one), or never granted when the case stopped it
  before fulfillment got to it.
"""

from collections import Counter

from chaos.delivery_rows import Goods
from chaos.report import Report

INVARIANTS = ("cases end with no manual step", "one case per client", "refunded ≤ paid, per line and per order",
              "refunds add up", "returned units restocked once", "refunded courses revoked")


def check_cases(report: Report, flows: list, orders: dict[str, dict], goods: Goods, money: dict[str, dict]) -> None:
    """`flows`: the accepted flows (their `case` as the client saw it); `orders`: order id → its row
    (status, refunded_amount); `money`: order id → the payment service's {paid, refunded}."""
    for invariant in INVARIANTS:
        report.holds(invariant)
    seen = {f.case.case_id: f.case for f in flows if f.case is not None and f.case.case_id}
    for flow in flows:
        if flow.case is not None and flow.case.case_id:
            ids = [c["id"] for c in goods.cases.get(flow.order_id, [])
                   if c.get("split_from") != flow.case.case_id]  # a part stop's return continues the client's
            if ids != [flow.case.case_id]:
                report.breach("one case per client", f"flow {flow.index} ({flow.plan}, {flow.order_id}) got 201 "
                                                     f"for case {flow.case.case_id}; the order has cases {ids}")
    for order_id, order in orders.items():
        cases = goods.cases.get(order_id, [])
        for case in cases:
            report.case_states[f"{case['type']} {case['status']}"] += 1
            check_case_end(report, case, seen.get(case["id"]))
        if cases:
            lines = goods.lines.get(order_id, [])
            check_case_money(report, order, lines, goods.refunds.get(order_id, []), cases, money.get(order_id))
            check_revoked(report, cases, goods.entitlements.get(order_id, []))
    check_case_restocks(report, goods)


def check_case_end(report: Report, case: dict, seen) -> None:
    """`seen`: the client's `CaseSeen`, or None when no client got the case's 201."""
    name = f"case {case['id']} ({case['type']}, order {case['order_id']})"
    reported = case["parcel"] or (seen is not None and seen.parcel_reported)
    if case["status"] == "completed" or (case["status"] == "closed_expired" and not reported):
        return
    if case["status"] == "needs_attention":
        attention = case["attention"] or {}
        report.breach("cases end with no manual step", f"{name}: needs_attention at step {attention.get('step')} "
                                                       f"(from {attention.get('status')}): {attention.get('reason')}")
    elif case["status"] == "closed_expired":
        report.breach("cases end with no manual step", f"{name}: closed_expired though its parcel was reported")
    else:
        report.breach("cases end with no manual step", f"{name}: left {case['status']}"
                                                       + (f" ({seen.notes[-3:]})" if seen is not None else ""))


def check_case_money(report: Report, order: dict, lines: list[dict], refunds: list[dict], cases: list[dict],
                     money: dict | None) -> None:
    name = f"order {order['id']} ({order['status']})"
    over = [(ln["id"], ln["refunded_amount"], ln["paid"]) for ln in lines
            if not 0 <= ln["refunded_amount"] <= ln["paid"]]
    paid, refunded = sum(ln["paid"] for ln in lines), sum(ln["refunded_amount"] for ln in lines)
    if over or refunded > paid or order["refunded_amount"] > paid:
        report.breach("refunded ≤ paid, per line and per order",
                      f"{name}: lines refunded {refunded} of {paid} paid, the order {order['refunded_amount']}; "
                      f"(line, refunded, paid) beyond {over}")
    made = [r for r in refunds if r["state"] == "refunded"]
    shares = Counter()
    for r in made:
        shares.update(r["lines"])
    wrong = [(ln["id"], ln["refunded_amount"], shares[ln["id"]]) for ln in lines
             if ln["refunded_amount"] != shares[ln["id"]]]
    own = sum(r["amount"] for r in made if r["case_id"] is None)
    by_cases = sum(c["refunded_amount"] or 0 for c in cases if c["status"] == "completed")
    if wrong or refunded != own + by_cases:
        report.breach("refunds add up", f"{name}: lines refunded {refunded}, the order's own refunds {own} + its "
                                        f"completed cases' {by_cases}; (line, refunded, its refunds' shares) {wrong}")
    for case in cases:
        got = sum(r["amount"] for r in made if r["case_id"] == case["id"])
        due = sum(ln["amount"] for ln in case["lines"]) if case["status"] == "completed" else 0
        if got != due or (case["status"] == "completed" and case["refunded_amount"] != due):
            report.breach("refunds add up", f"{name}: case {case['id']} {case['status']} refunded "
                                            f"{case['refunded_amount']}, the order made {got} for it, {due} due")
    at_payment = (money or {}).get("refunded", 0)
    if at_payment != order["refunded_amount"]:
        report.breach("refunds add up", f"{name}: the payment service refunded {at_payment}, the order says "
                                        f"{order['refunded_amount']}")


def check_revoked(report: Report, cases: list[dict], entitlements: list[dict]) -> None:
    for case in cases:
        if case["status"] != "completed":
            continue
        for line in (ln for ln in case["lines"] if ln["virtual"]):
            held = [(e["id"], e["status"], e.get("revoke_case_id")) for e in entitlements
                    if e["line_id"] == line["line_id"]]
            if any(status != "revoked" or by not in (None, case["id"]) for _, status, by in held):  # none: stopped
                report.breach("refunded courses revoked", f"case {case['id']} refunded course line "
                                                          f"{line['line_id']}: entitlements {held}")


def case_restocks(goods: Goods) -> Counter:
    """Units due back on hand per SKU: those of every case inspected ok."""
    due = Counter()
    for case in (c for cases in goods.cases.values() for c in cases if c["inspected_ok"]):
        for line in case["lines"]:
            due[line["sku"]] += 0 if line["virtual"] else line["quantity"]
    return due


def check_case_restocks(report: Report, goods: Goods) -> None:
    restocked = Counter()
    for m in goods.movements:
        if m["kind"] == "restocked" and (m.get("return_id") or "").startswith("case-"):
            restocked[m["return_id"].removeprefix("case-"), m["line_id"]] += m["quantity"]
    known = set()
    for case in (c for cases in goods.cases.values() for c in cases):
        for line in case["lines"]:
            known.add((case["id"], line["line_id"]))
            due = line["quantity"] if case["inspected_ok"] and not line["virtual"] else 0
            if restocked[case["id"], line["line_id"]] != due:
                report.breach("returned units restocked once",
                              f"case {case['id']} ({case['status']}) line {line['line_id']}: "
                              f"{restocked[case['id'], line['line_id']]} restocked, {due} due")
    for case_id, line_id in set(restocked) - known:
        report.breach("returned units restocked once", f"line {line_id} restocked for case {case_id}, "
                                                       "which claimed no such line")

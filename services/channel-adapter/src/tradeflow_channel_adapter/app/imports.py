"""An offline channel's CSV import: each row one order line (rows of one order share its id), read
by the channel's kind; each order taken in its own transaction, so one bad order never holds back
the others. The report names every row: accepted (or in review, or a duplicate of an order already
imported — re-importing a file creates nothing new) or rejected with the field and why."""

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from tradeflow_channel_adapter.app.intake import receive
from tradeflow_channel_adapter.app.ports import Collaborators, Transactions
from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_channel_adapter.domain.errors import BadNews
from tradeflow_channel_adapter.domain.external import ExternalOrder
from tradeflow_channel_adapter.domain.kinds import KINDS


async def import_rows(transactions: Transactions, c: Collaborators, channel: Channel,
                      rows: list[Mapping[str, str]], first_row: int) -> dict[str, Any]:
    kind = KINDS[channel.kind]
    report: list[dict[str, Any]] = []
    orders: dict[str, tuple[ExternalOrder, list[int]]] = {}
    for number, row in enumerate(rows, start=first_row):
        try:
            news = kind.read_row(row, channel.vocabulary)
            if not isinstance(news, ExternalOrder):
                raise BadNews("row", "an import row is an order line")
            if not news.currency:  # the file names none: the channel's own
                news = replace(news, currency=channel.currency)
            _merge(orders, news, number)
        except BadNews as exc:
            report.append({"row": number, "status": "rejected", "field": exc.field, "reason": exc.message})
    for order, numbers in orders.values():
        report.extend(await _take_in(transactions, c, channel, order, numbers))
    report.sort(key=lambda r: r["row"])
    counts = {status: sum(1 for r in report if r["status"] == status)
              for status in ("accepted", "review", "duplicate", "rejected")}
    return {"rows": report, **counts}


def _merge(orders: dict[str, tuple[ExternalOrder, list[int]]], news: ExternalOrder, number: int) -> None:
    known = orders.get(news.external_order_id)
    if known is None:
        orders[news.external_order_id] = (news, [number])
        return
    order, numbers = known
    if (order.member_id, order.phone, order.receiver) != (news.member_id, news.phone, news.receiver):
        raise BadNews("member_id", f"the rows of order {news.external_order_id} disagree on its buyer or receiver")
    orders[news.external_order_id] = (replace(order, lines=order.lines + news.lines), [*numbers, number])


async def _take_in(transactions: Transactions, c: Collaborators, channel: Channel, order: ExternalOrder,
                   numbers: list[int]) -> list[dict[str, Any]]:
    try:
        async with transactions.begin() as tx:
            receipt = await receive(tx, c, channel, order, "import")
    except BadNews as exc:
        return [{"row": n, "status": "rejected", "external_order_id": order.external_order_id, "field": exc.field,
                 "reason": exc.message} for n in numbers]
    status = "duplicate" if receipt.duplicate else ("review" if receipt.status == "review" else "accepted")
    return [{"row": n, "status": status, "external_order_id": order.external_order_id, "id": receipt.id,
             "reason": receipt.reason, "detail": receipt.detail} for n in numbers]

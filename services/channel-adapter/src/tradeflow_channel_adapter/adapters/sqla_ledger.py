"""The external order ledger (`channel_orders`) and the channel's changes (`channel_news`) on
SQLAlchemy Core."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_channel_adapter.adapters.news_json import dump_news, load_news
from tradeflow_channel_adapter.adapters.tables import channel_news, channel_orders
from tradeflow_channel_adapter.app.ports import ParkedNews
from tradeflow_channel_adapter.domain.ledger import ChannelOrder, OrderStatus

HOLDING_CREDIT = (OrderStatus.ACCEPTED.value, OrderStatus.PLACED.value)


class SqlaChannelOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, order: ChannelOrder, now: datetime) -> ChannelOrder | None:
        statement = insert(channel_orders).values(
            id=order.id, channel=order.channel, external_order_id=order.external_order_id, source=order.source,
            member_id=order.member_id, received_at=now, **_values(order, now)).on_conflict_do_nothing(
            constraint="uq_channel_orders_external").returning(channel_orders.c.id)
        return order if (await self.session.execute(statement)).first() is not None else None

    async def get(self, order_id: str, *, lock: bool = False) -> ChannelOrder | None:
        return await self._one(channel_orders.c.id == order_id, lock)

    async def by_external(self, channel: str, external_order_id: str, *, lock: bool = False) -> ChannelOrder | None:
        return await self._one((channel_orders.c.channel == channel)
                               & (channel_orders.c.external_order_id == external_order_id), lock)

    async def by_order(self, order_id: str, *, lock: bool = False) -> ChannelOrder | None:
        return await self._one(channel_orders.c.order_id == order_id, lock)

    async def _one(self, where, lock: bool) -> ChannelOrder | None:
        query = select(channel_orders).where(where)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else _order(row)

    async def save(self, order: ChannelOrder, now: datetime) -> None:
        await self.session.execute(update(channel_orders).where(channel_orders.c.id == order.id)
                                   .values(**_values(order, now)))

    async def credit_used(self, channel: str) -> int:
        return (await self.session.execute(select(func.coalesce(func.sum(channel_orders.c.credit_amount), 0)).where(
            channel_orders.c.channel == channel, channel_orders.c.credit_amount > 0))).scalar_one()

    async def member_used(self, channel: str, member_id: str) -> int:
        return (await self.session.execute(select(func.coalesce(func.sum(channel_orders.c.credit_amount), 0)).where(
            channel_orders.c.channel == channel, channel_orders.c.member_id == member_id,
            channel_orders.c.status.in_(HOLDING_CREDIT)))).scalar_one()

    async def find(self, channel: str, status: str | None, limit: int, after: str | None) -> list[ChannelOrder]:
        query = select(channel_orders).where(channel_orders.c.channel == channel)
        if status is not None:
            query = query.where(channel_orders.c.status == status)
        if after is not None:
            query = query.where(channel_orders.c.id > after)
        rows = (await self.session.execute(query.order_by(channel_orders.c.id).limit(limit))).mappings()
        return [_order(row) for row in rows]


def _values(order: ChannelOrder, now: datetime) -> dict[str, Any]:
    return {"status": order.status.value, "news": dump_news(order.news), "account_id": order.account_id,
            "review_reason": order.review_reason, "review_detail": order.review_detail,
            "credit_amount": order.credit_amount, "order_id": order.order_id, "line_ids": order.line_ids,
            "unit_credit": order.unit_credit, "order_status": order.order_status,
            "facts_version": order.facts_version, "updated_at": now}


def _order(row: Mapping[str, Any]) -> ChannelOrder:
    return ChannelOrder(row["id"], row["channel"], row["source"], load_news(row["news"]), OrderStatus(row["status"]),
                        row["account_id"], row["review_reason"], row["review_detail"], row["credit_amount"],
                        row["order_id"], dict(row["line_ids"]), dict(row["unit_credit"]), row["order_status"],
                        row["facts_version"])


class SqlaNewsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, news: ParkedNews, key: str, now: datetime) -> bool:
        statement = insert(channel_news).values(
            id=news.id, channel=news.channel, news_key=key, external_order_id=news.external_order_id, kind=news.kind,
            news=dump_news(news.news), status=news.status, detail=news.detail, case_id=news.case_id,
            received_at=now, updated_at=now).on_conflict_do_nothing(constraint="uq_channel_news_key")
        return (await self.session.execute(statement.returning(channel_news.c.id))).first() is not None

    async def get(self, news_id: str, *, lock: bool = False) -> ParkedNews | None:
        query = select(channel_news).where(channel_news.c.id == news_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else _news(row)

    async def parked(self, channel: str, external_order_id: str) -> list[ParkedNews]:
        rows = (await self.session.execute(select(channel_news).where(
            channel_news.c.channel == channel, channel_news.c.external_order_id == external_order_id,
            channel_news.c.status == "parked").order_by(channel_news.c.received_at, channel_news.c.id)
            .with_for_update())).mappings()
        return [_news(row) for row in rows]

    async def of_order(self, channel: str, external_order_id: str) -> list[ParkedNews]:
        rows = (await self.session.execute(select(channel_news).where(
            channel_news.c.channel == channel, channel_news.c.external_order_id == external_order_id)
            .order_by(channel_news.c.received_at, channel_news.c.id))).mappings()
        return [_news(row) for row in rows]

    async def mark(self, news_id: str, status: str, now: datetime, *, detail: str | None = None,
                   case_id: str | None = None) -> None:
        values: dict[str, Any] = {"status": status, "detail": detail, "updated_at": now}
        if case_id is not None:
            values["case_id"] = case_id
        await self.session.execute(update(channel_news).where(channel_news.c.id == news_id).values(**values))

    async def by_case(self, case_id: str) -> ParkedNews | None:
        row = (await self.session.execute(select(channel_news).where(channel_news.c.case_id == case_id)
                                          .with_for_update())).mappings().first()
        return None if row is None else _news(row)

    async def find(self, channel: str, status: str | None, limit: int) -> list[ParkedNews]:
        query = select(channel_news).where(channel_news.c.channel == channel)
        if status is not None:
            query = query.where(channel_news.c.status == status)
        rows = (await self.session.execute(query.order_by(channel_news.c.received_at).limit(limit))).mappings()
        return [_news(row) for row in rows]


def _news(row: Mapping[str, Any]) -> ParkedNews:
    return ParkedNews(row["id"], row["channel"], row["external_order_id"], row["kind"], load_news(row["news"]),
                      row["status"], row["detail"], row["case_id"])

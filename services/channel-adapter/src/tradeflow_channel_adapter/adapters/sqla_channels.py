"""Channels, SKU maps, the catalog's SKUs and accounts on SQLAlchemy Core."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_channel_adapter.adapters.channel_json import channel_of_row, channel_values
from tradeflow_channel_adapter.adapters.tables import accounts, catalog_skus, channels, member_links, sku_map
from tradeflow_channel_adapter.app.ports import Account, CatalogSku
from tradeflow_channel_adapter.domain.channel import Channel
from tradeflow_contracts.order_facts import CatalogSkuChanged
from tradeflow_kit.versioned import keep_newest


class SqlaChannelRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str, *, lock: bool = False) -> Channel | None:
        query = select(channels).where(channels.c.code == code)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else channel_of_row(row)

    async def put(self, channel: Channel, now: datetime) -> bool:
        existed = (await self.session.execute(select(channels.c.code).where(
            channels.c.code == channel.code).with_for_update())).first() is not None
        values = {**channel_values(channel), "updated_at": now}
        statement = insert(channels).values(**values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[channels.c.code], set_={k: statement.excluded[k] for k in values if k != "code"}))
        return not existed

    async def all(self) -> list[Channel]:
        rows = (await self.session.execute(select(channels).order_by(channels.c.code))).mappings()
        return [channel_of_row(row) for row in rows]

    async def cursor(self, code: str) -> str | None:
        return (await self.session.execute(select(channels.c.poll_cursor).where(channels.c.code == code))).scalar()

    async def save_cursor(self, code: str, cursor: str | None) -> None:
        await self.session.execute(update(channels).where(channels.c.code == code).values(poll_cursor=cursor))


class SqlaSkuMapRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_channel(self, channel: str) -> dict[str, str]:
        query = select(sku_map.c.channel_sku, sku_map.c.sku).where(sku_map.c.channel == channel)
        rows = await self.session.execute(query)
        return {channel_sku: sku for channel_sku, sku in rows}

    async def put(self, channel: str, channel_sku: str, sku: str, by: str, now: datetime) -> None:
        values = {"channel": channel, "channel_sku": channel_sku, "sku": sku, "updated_at": now, "updated_by": by}
        statement = insert(sku_map).values(**values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[sku_map.c.channel, sku_map.c.channel_sku],
            set_={"sku": sku, "updated_at": now, "updated_by": by}))


class SqlaCatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, m: CatalogSkuChanged) -> bool:
        return await keep_newest(self.session, catalog_skus, "sku", {
            "sku": m.sku, "version": m.version, "merchant_id": m.merchant_id, "title": m.title, "kind": m.kind,
            "unit_price_amount": m.unit_price_amount, "currency": m.currency, "changed_at": m.changed_at})

    async def get_many(self, skus: set[str]) -> dict[str, CatalogSku]:
        rows = (await self.session.execute(select(catalog_skus).where(catalog_skus.c.sku.in_(skus)))).mappings()
        return {r["sku"]: CatalogSku(r["sku"], r["merchant_id"], r["kind"], r["unit_price_amount"], r["currency"])
                for r in rows}


class SqlaAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, account_id: str, *, lock: bool = False) -> Account | None:
        query = select(accounts).where(accounts.c.id == account_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        if row is None:
            return None
        links = await self.session.execute(select(member_links.c.channel, member_links.c.member_id).where(
            member_links.c.account_id == account_id).order_by(member_links.c.channel, member_links.c.member_id))
        return Account(row["id"], row["phone"], row["merged_into"], [(ch, m) for ch, m in links])

    async def merge(self, account_id: str, into: str) -> None:
        await self.session.execute(update(member_links).where(member_links.c.account_id == account_id)
                                   .values(account_id=into))
        await self.session.execute(update(accounts).where(accounts.c.id == account_id).values(merged_into=into))

    async def link(self, channel: str, member_id: str, phone: str | None, new_id: str, now: datetime) -> str:
        linked = (await self.session.execute(select(member_links.c.account_id).where(
            member_links.c.channel == channel, member_links.c.member_id == member_id))).scalar()
        if linked is not None:
            return linked
        account_id = new_id if phone is None else await self._by_phone(phone, new_id, now)
        if phone is None:
            await self.session.execute(insert(accounts).values(id=account_id, phone=None, created_at=now))
        await self.session.execute(insert(member_links).values(channel=channel, member_id=member_id,
                                                               account_id=account_id, linked_at=now)
                                   .on_conflict_do_nothing())
        return (await self.session.execute(select(member_links.c.account_id).where(
            member_links.c.channel == channel, member_links.c.member_id == member_id))).scalar_one()

    async def _by_phone(self, phone: str, new_id: str, now: datetime) -> str:
        """The phone's account; concurrent first links wait on the unique phone, so one is made."""
        await self.session.execute(insert(accounts).values(id=new_id, phone=phone, created_at=now)
                                   .on_conflict_do_nothing(index_elements=[accounts.c.phone]))
        return (await self.session.execute(select(accounts.c.id).where(accounts.c.phone == phone))).scalar_one()

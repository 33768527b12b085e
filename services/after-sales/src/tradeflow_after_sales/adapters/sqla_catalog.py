"""`CatalogRepository` on SQLAlchemy Core: one row per SKU, the newest `CatalogSkuChanged`."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_after_sales.adapters.tables import catalog_skus
from tradeflow_after_sales.app.ports import CatalogSku
from tradeflow_contracts.order_facts import CatalogSkuChanged
from tradeflow_kit.versioned import keep_newest


class SqlaCatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, m: CatalogSkuChanged) -> bool:
        """Insert, or replace only an older version; True when kept."""
        return await keep_newest(self.session, catalog_skus, "sku", {
            "sku": m.sku, "version": m.version, "merchant_id": m.merchant_id, "title": m.title, "kind": m.kind,
            "unit_price_amount": m.unit_price_amount, "currency": m.currency, "changed_at": m.changed_at})

    async def get(self, sku: str) -> CatalogSku | None:
        row = (await self.session.execute(select(catalog_skus).where(catalog_skus.c.sku == sku))).mappings().first()
        return None if row is None else CatalogSku(row["sku"], row["merchant_id"], row["unit_price_amount"],
                                                   row["currency"])

"""The price book's SKUs told to the platform: `CatalogSkuChanged` (order.events, keyed by the
SKU), which after-sales keeps to check an exchange's replacement. Every stored version of a SKU is
told in the transaction that stores it (`manage_catalog.put_sku`); `announce_skus` tells every
SKU's current version again, page by page, so a new reader (or one that lost its copy) gets them
all — a reader keeps the highest version, so a repeat changes nothing."""

from datetime import datetime

from tradeflow_contracts.order_facts import CatalogSkuChanged
from tradeflow_order.app.ports import OrderTransaction
from tradeflow_order.domain.catalog import CatalogSku

ANNOUNCE_PAGE = 200  # SKUs read at a time


async def tell_sku_changed(tx: OrderTransaction, sku: CatalogSku, now: datetime) -> None:
    await tx.publish(CatalogSkuChanged(
        sku=sku.sku, version=sku.version, merchant_id=sku.merchant_id, title=sku.title, kind=str(sku.kind),
        unit_price_amount=sku.unit_price_amount, currency=sku.currency, changed_at=sku.updated_at or now), key=sku.sku)


async def tell_every_sku(tx: OrderTransaction, now: datetime, page: int | None = None) -> int:
    """Every SKU's current version told again, in code order; how many."""
    told, after, page = 0, None, page or ANNOUNCE_PAGE
    while skus := await tx.catalog.find_skus(merchant_id=None, limit=page, after=after):
        for sku in skus:
            await tell_sku_changed(tx, sku, now)
        told, after = told + len(skus), skus[-1].sku
        if len(skus) < page:
            break
    return told

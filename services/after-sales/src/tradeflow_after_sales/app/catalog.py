"""The price book as after-sales knows it (`CatalogSkuChanged`, highest version per SKU), and the
server's check of an exchange's replacement: the request names only the SKU; its price is the
catalog's. The line's own SKU needs no catalog row (its price is the line's). Another SKU must be
known (else 422 replacement-unknown) and of the line's merchant and currency (else 422
exchange-price-differs); its unit price is then compared with the line's by the domain
(`exchange.replacement_for`)."""

from tradeflow_after_sales.app.errors import ReplacementOfAnotherMerchant, ReplacementUnknown
from tradeflow_after_sales.app.ports import AfterSalesTransaction, Collaborators
from tradeflow_after_sales.domain.model import Replacement
from tradeflow_contracts.order_facts import CatalogSkuChanged, OrderChanged


async def record_catalog_sku(tx: AfterSalesTransaction, m: CatalogSkuChanged, _c: Collaborators) -> None:
    await tx.catalog.record(m)


async def priced_replacements(tx: AfterSalesTransaction, facts: OrderChanged, wanted: tuple[tuple[str, str], ...]
                              ) -> tuple[tuple[str, Replacement], ...]:
    """(line id, SKU) as asked → (line id, the replacement at the catalog's price)."""
    lines = {ln.line_id: ln for ln in facts.lines}
    priced = []
    for line_id, sku in wanted:
        line = lines.get(line_id)
        if line is None or sku == line.sku:  # not in the order: the domain refuses it with the field
            priced.append((line_id, Replacement(sku, line.unit_price_amount if line else 0)))
            continue
        found = await tx.catalog.get(sku)
        if found is None:
            raise ReplacementUnknown(line_id, sku)
        if found.merchant_id != line.merchant_id:
            raise ReplacementOfAnotherMerchant(line_id, sku, f"is sold by {found.merchant_id}, not {line.merchant_id}")
        if found.currency != facts.currency:
            raise ReplacementOfAnotherMerchant(line_id, sku, f"is priced in {found.currency}, not {facts.currency}")
        priced.append((line_id, Replacement(sku, found.unit_price_amount)))
    return tuple(priced)

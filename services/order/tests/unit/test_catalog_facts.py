"""The price book's SKUs told to the platform (app/catalog_facts.py): every new version of a SKU in
the transaction that stores it, and every SKU again, page by page, when staff announce them."""

from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest

from tradeflow_order.app import catalog_facts
from tradeflow_order.app import manage_catalog as catalog
from tradeflow_order.domain.catalog import CatalogSku, SkuKind
from tradeflow_order.domain.catalog_errors import NotYourCatalogEntry

from .fake_catalog import CatalogTransaction
from .fakes import FixedClock
from .test_manage_catalog import M1, M2, STAFF, TEA


@pytest.fixture
def world():
    clock = FixedClock()
    return SimpleNamespace(tx=CatalogTransaction(), c=SimpleNamespace(clock=clock), clock=clock)


def told(world) -> list[tuple[str, int, int, str]]:
    return [(key, m.version, m.unit_price_amount, m.changed_at.isoformat()) for key, m in world.tx.published]


async def test_every_new_version_of_a_sku_is_told_keyed_by_the_sku_and_a_put_changing_nothing_is_not(world):
    first = world.clock.at
    await catalog.put_sku(world.tx, world.c, M1, TEA)
    world.clock.at += timedelta(hours=1)
    await catalog.put_sku(world.tx, world.c, STAFF, TEA)  # the same: no new version
    await catalog.put_sku(world.tx, world.c, STAFF, replace(TEA, unit_price_amount=2499))
    assert told(world) == [("SKU-A", 1, 1999, first.isoformat()), ("SKU-A", 2, 2499, world.clock.at.isoformat())]
    [(_, message)] = world.tx.published[:1]
    assert (message.TYPE, message.sku, message.merchant_id, message.title, message.kind, message.currency) == (
        "order.catalog-sku-changed", "SKU-A", "m-1", "Green tea", "physical", "CNY")


async def test_a_refused_put_tells_nothing(world):
    world.tx.catalog.seed(TEA)
    with pytest.raises(NotYourCatalogEntry):
        await catalog.put_sku(world.tx, world.c, M2, replace(TEA, unit_price_amount=1))
    assert world.tx.published == []


async def test_staff_announce_every_sku_as_it_is_now_reading_them_page_by_page(world):
    skus = [CatalogSku(f"SKU-{n}", "m-1", f"Item {n}", 100 * n, "CNY", SkuKind.VIRTUAL if n % 2 else SkuKind.PHYSICAL,
                       updated_at=world.clock.at) for n in range(1, 6)]
    world.tx.catalog.seed(*skus, replace(skus[0], unit_price_amount=150, version=2))
    reads = []
    find = world.tx.catalog.find_skus

    async def counted(**kw):
        reads.append(kw)
        return await find(**kw)

    world.tx.catalog.find_skus = counted
    assert await catalog_facts.tell_every_sku(world.tx, world.clock.at, page=2) == 5
    assert [(key, m.version, m.unit_price_amount, m.kind) for key, m in world.tx.published] == [
        ("SKU-1", 2, 150, "virtual"), ("SKU-2", 1, 200, "physical"), ("SKU-3", 1, 300, "virtual"),
        ("SKU-4", 1, 400, "physical"), ("SKU-5", 1, 500, "virtual")]
    assert [(r["limit"], r["after"]) for r in reads] == [(2, None), (2, "SKU-2"), (2, "SKU-4")]


async def test_a_page_exactly_full_reads_once_more_and_an_empty_price_book_announces_nothing(world):
    assert await catalog.announce_skus(world.tx, world.c, STAFF) == 0
    world.tx.catalog.seed(TEA, replace(TEA, sku="SKU-B"))
    assert await catalog_facts.tell_every_sku(world.tx, world.clock.at, page=2) == 2
    assert [key for key, _ in world.tx.published] == ["SKU-A", "SKU-B"]


async def test_only_staff_announce_the_price_book(world):
    world.tx.catalog.seed(TEA)
    with pytest.raises(NotYourCatalogEntry):
        await catalog.announce_skus(world.tx, world.c, M1)
    assert world.tx.published == []

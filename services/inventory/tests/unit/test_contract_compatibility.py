"""The additions to the inventory contracts (pre-sale, units named to release) are additive:
messages written before them still parse, with the defaults that mean "as before"."""

from tradeflow_contracts.envelope import new_envelope
from tradeflow_contracts.inventory import EVENTS, PreSaleStockArrived, ReleaseStock, ReserveStock, StockReserved
from tradeflow_contracts.registry import registry


def parse(type_: str, payload: dict):
    return registry.parse(new_envelope(type_, 1, payload, producer="order", correlation_id="c"))


def test_a_reserve_command_without_pre_sale_is_an_ordinary_reservation():
    command = parse("inventory.reserve-stock", {"order_id": "o", "sub_order_id": "s", "region": "east",
                                                "lines": [{"line_id": "l", "sku": "a", "quantity": 1}]})
    assert isinstance(command, ReserveStock) and command.pre_sale is False


def test_allocations_without_incoming_are_on_hand():
    allocation = {"line_id": "l", "sku": "a", "warehouse": "w", "quantity": 1}
    event = parse("inventory.stock-reserved", {"order_id": "o", "sub_order_id": "s",
                                               "reserved_at": "2026-11-22T10:00:00Z", "allocations": [allocation]})
    assert isinstance(event, StockReserved) and event.allocations[0].incoming is False


def test_pre_sale_stock_arrived_is_registered_on_the_inventory_events_topic():
    assert registry.resolve("inventory.pre-sale-stock-arrived", 1) is PreSaleStockArrived
    assert PreSaleStockArrived.TOPIC == EVENTS


def test_a_release_command_naming_no_units_releases_the_whole_sub_order():
    command = parse("inventory.release-stock", {"order_id": "o", "sub_order_id": "s", "reason": "cancelled"})
    assert isinstance(command, ReleaseStock) and command.units == []

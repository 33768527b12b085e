"""Who may do what on the inventory API, on the real app and database: every route × every kind
of caller, with the exact status and problem type. Staff change stock; staff and system read it;
buyers, merchants and channels do neither, whatever their `sub`."""

import pytest

from tradeflow_testing.access import CALLERS, expected, outcome

OK = (200, None)


ROUTES = {
    "define a warehouse": ("PUT", "/inventory/warehouses/east-1", {"region": "east", "priority": 1},
                           expected({"staff": OK})),
    "count stock": ("PUT", "/inventory/stock/SKU-A/east-1", {"on_hand": 5}, expected({"staff": OK})),
    "set incoming stock": ("PUT", "/inventory/stock/SKU-A/east-1", {"on_hand": 0, "incoming": 5},
                           expected({"staff": OK})),
    "record goods received": ("POST", "/inventory/stock/SKU-A/east-1/receipts", {"quantity": 1, "reference": "PO-1"},
                              expected({"staff": OK})),
    "read a SKU's stock": ("GET", "/inventory/stock/SKU-A", None, expected({"staff": OK, "system": OK})),
    "read an order's reservations": ("GET", "/inventory/reservations?order_id=o-1", None,
                                     expected({"staff": OK, "system": OK})),
    "read stock movements": ("GET", "/inventory/movements?sku=SKU-A", None, expected({"staff": OK, "system": OK})),
}


@pytest.mark.parametrize("route", ROUTES)
async def test_route_by_role(client, route):
    method, path, body, answers = ROUTES[route]
    staff = CALLERS["staff"]
    assert (await client.put("/inventory/warehouses/east-1", json={"region": "east", "priority": 1},
                             headers=staff)).status_code == 200
    seen = {name: outcome(await client.request(method, path, json=body, headers=headers))
            for name, headers in CALLERS.items()}
    assert seen == answers

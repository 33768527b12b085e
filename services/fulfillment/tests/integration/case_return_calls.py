"""Calls the after-sales return tests make on the stack with the REAL warehouse simulator: ship
o-1, expect a case's return (as the ExpectReturn handler does), run the returns job, read the
return at the warehouse, decide it there (control API) and wait for its webhooks."""

from datetime import timedelta

from tradeflow_contracts.after_sales import ExpectReturn
from tradeflow_fulfillment.app.expect_return import expect_return
from tradeflow_fulfillment.app.register_returns import register_due

from .conftest import goods
from .simulated import POLICY, ShiftedClock, Stack


async def shipped(stack: Stack) -> dict:
    """o-1's shipment of 2 × a, shipped by the warehouse (its stock deducted)."""
    [shipment_id] = await stack.plan("o-1", ("m-1", [goods("a", 2)]))
    await stack.dispatch()
    s = await stack.shipment(shipment_id)
    await stack.wms.post(f"/sim/dispatches/{s['dispatch_number']}", json={"outcome": "ship"})
    return await stack.wait_status(shipment_id, "shipped")


async def expect(stack: Stack, case_id: str, waybill: str | None = None, quantity: int = 1) -> None:
    transactions, _, _, _ = stack.app.state.dispatcher
    message = ExpectReturn(case_id=case_id, order_id="o-1", warehouse="WH-1", carrier="SF" if waybill else None,
                           waybill=waybill, lines=[{"line_id": "a", "sku": "SKU-a", "quantity": quantity}])
    async with transactions.begin() as tx:
        await expect_return(tx, message, stack.app.state.api.collaborators)


async def register(stack: Stack, shift: timedelta = timedelta(0)) -> int:
    transactions, logistics, _, _ = stack.app.state.dispatcher
    return await register_due(transactions, logistics, ShiftedClock(shift), POLICY)


async def at_warehouse(stack: Stack, case_id: str) -> dict:
    key = stack.settings.wms_api_key.get_secret_value()
    response = await stack.wms.get(f"/wms/returns/{case_id}", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    return response.json()


async def decide(stack: Stack, case_id: str, outcome: str, **how) -> list[dict]:
    decided = await stack.wms.post(f"/sim/case-returns/{case_id}", json={"outcome": outcome} | how)
    assert decided.status_code == 202, decided.text
    return await stack.delivered(stack.wms, case_id=case_id)

"""In-memory stand-ins for the after-sales returns: the `case_returns` repository, a transaction
holding it, and a warehouse that records the registrations and cancels it is sent."""

import copy

from tradeflow_fulfillment.app.ports import Logistics, OutsideUnavailable

from .fakes import FakeCarriers, FakeTransaction


class FakeReturns:
    def __init__(self) -> None:
        self.rows: dict = {}  # case id → CaseReturn (copies: a use case must save what it changes)

    async def get(self, case_id, *, lock=False):
        found = self.rows.get(case_id)
        return None if found is None else copy.deepcopy(found)

    async def add(self, case_return):
        if case_return.case_id in self.rows:
            return False
        self.rows[case_return.case_id] = copy.deepcopy(case_return)
        return True

    async def save(self, case_return):
        self.rows[case_return.case_id] = copy.deepcopy(case_return)

    async def of_order(self, order_id):
        return await self.find(order_id=order_id)

    async def find(self, *, order_id=None, status=None, limit=100):
        return [copy.deepcopy(r) for r in self.rows.values()
                if order_id in (None, r.order_id) and status in (None, r.status.value)][:limit]

    async def claim_due(self, now):
        due = [r for r in self.rows.values() if r.registration_due_at is not None and r.registration_due_at <= now]
        found = min(due, key=lambda r: (r.registration_due_at, r.case_id), default=None)
        return None if found is None else copy.deepcopy(found)


class ReturnsTransaction(FakeTransaction):
    def __init__(self) -> None:
        super().__init__()
        self.returns = FakeReturns()


class ReturnsWarehouse:
    """Records every call as (kind, case id, detail); `down` makes the next calls fail."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, object]] = []
        self.down = False

    async def expect_return(self, case_return):
        self._reachable()
        self.calls.append(("register", case_return.case_id, case_return.waybill))

    async def cancel_return(self, case_id, send_back):
        self._reachable()
        self.calls.append(("cancel", case_id, send_back))

    def _reachable(self) -> None:
        if self.down:
            raise OutsideUnavailable("the warehouse is unreachable: ConnectError")


def returns_logistics(warehouse: ReturnsWarehouse) -> Logistics:
    return Logistics(warehouse, FakeCarriers())

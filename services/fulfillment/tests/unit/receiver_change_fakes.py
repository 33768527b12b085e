"""An in-memory stand-in for the receiver changes' port (part of `fakes.FakeTransaction`)."""


class FakeReceiverChanges:
    def __init__(self) -> None:
        self.rows: dict = {}  # change id → the change
        self.saves = 0

    async def get(self, change_id):
        return self.rows.get(change_id)

    async def pending(self, order_id):
        return [c for c in self.rows.values() if c.order_id == order_id and not c.settled]

    async def waiting_for(self, shipment_id):
        return [c for c in self.rows.values() if not c.settled and shipment_id in c.waiting]

    async def save(self, change):
        self.rows[change.change_id] = change
        self.saves += 1

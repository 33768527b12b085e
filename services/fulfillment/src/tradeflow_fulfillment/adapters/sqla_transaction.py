"""The FulfillmentTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus this service's repositories, built on `self.session`."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.sqla_callbacks import SqlaProviderCallbacks
from tradeflow_fulfillment.adapters.sqla_entitlements import SqlaEntitlementRepository, SqlaPlannedOrders
from tradeflow_fulfillment.adapters.sqla_shipments import SqlaShipmentRepository
from tradeflow_fulfillment.adapters.sqla_stops import SqlaOrderStops
from tradeflow_kit.unit_of_work import Publish, SqlaUnitOfWork


class SqlaFulfillmentTransaction(SqlaUnitOfWork):
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        super().__init__(session, publish)
        self.shipments = SqlaShipmentRepository(session)
        self.entitlements = SqlaEntitlementRepository(session)
        self.planned_orders = SqlaPlannedOrders(session)
        self.callbacks = SqlaProviderCallbacks(session)
        self.stops = SqlaOrderStops(session)

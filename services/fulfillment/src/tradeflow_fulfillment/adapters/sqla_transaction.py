"""The FulfillmentTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus this service's repositories, built on `self.session`; in a
message handler it knows when the message occurred (its envelope's `occurred_at`)."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_fulfillment.adapters.sqla_callbacks import SqlaProviderCallbacks
from tradeflow_fulfillment.adapters.sqla_entitlements import SqlaEntitlementRepository, SqlaPlannedOrders
from tradeflow_fulfillment.adapters.sqla_pre_sale import SqlaPreSaleArrivals
from tradeflow_fulfillment.adapters.sqla_receiver_changes import SqlaReceiverChanges
from tradeflow_fulfillment.adapters.sqla_returns import SqlaCaseReturns, SqlaCaseRevocations
from tradeflow_fulfillment.adapters.sqla_shipments import SqlaShipmentRepository
from tradeflow_fulfillment.adapters.sqla_stops import SqlaOrderStops
from tradeflow_kit.messaging.processor import MessageContext
from tradeflow_kit.unit_of_work import Publish, SqlaUnitOfWork


class SqlaFulfillmentTransaction(SqlaUnitOfWork):
    message_occurred_at: datetime | None = None

    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        super().__init__(session, publish)
        self.shipments = SqlaShipmentRepository(session)
        self.entitlements = SqlaEntitlementRepository(session)
        self.planned_orders = SqlaPlannedOrders(session)
        self.callbacks = SqlaProviderCallbacks(session)
        self.stops = SqlaOrderStops(session)
        self.pre_sale_arrivals = SqlaPreSaleArrivals(session)
        self.returns = SqlaCaseReturns(session)
        self.revocations = SqlaCaseRevocations(session)
        self.receiver_changes = SqlaReceiverChanges(session)

    @classmethod
    def for_message(cls, ctx: MessageContext) -> "SqlaFulfillmentTransaction":
        tx = super().for_message(ctx)
        tx.message_occurred_at = ctx.envelope.occurred_at
        return tx

"""The PaymentTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus the payment's repositories."""

from sqlalchemy.ext.asyncio import AsyncSession

from tradeflow_kit.unit_of_work import Publish, SqlaUnitOfWork
from tradeflow_payment.adapters.sqla_callbacks import SqlaProviderCallbackLog
from tradeflow_payment.adapters.sqla_payables import SqlaPayableRepository


class SqlaPaymentTransaction(SqlaUnitOfWork):
    def __init__(self, session: AsyncSession, publish: Publish) -> None:
        super().__init__(session, publish)
        self.payables = SqlaPayableRepository(session)
        self.callbacks = SqlaProviderCallbackLog(session)

"""The AfterSalesTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus this service's repositories, built on `self.session`."""

from tradeflow_kit.unit_of_work import SqlaUnitOfWork


class SqlaAfterSalesTransaction(SqlaUnitOfWork):
    """No repository yet; each is added in `__init__` as `self.cases = SqlaAfterSalesCaseRepository(session)`."""

"""The ChannelAdapterTransaction on one SQLAlchemy session: the kit's unit of work (outbox publishing,
`for_message`, `for_request`) plus this service's repositories, built on `self.session`."""

from tradeflow_kit.unit_of_work import SqlaUnitOfWork


class SqlaChannelAdapterTransaction(SqlaUnitOfWork):
    """No repository yet; each is added in `__init__` as `self.channels = SqlaChannelRepository(session)`."""

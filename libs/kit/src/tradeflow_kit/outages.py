"""Is a failure an outage (a dependency that cannot be reached right now) rather than something
wrong with the request or message? HTTP answers 503 with Retry-After; a consumer waits it out
without spending the message's retries (tradeflow_kit.messaging.processor)."""

import sqlalchemy.exc
from asyncpg import exceptions as pg

_UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable host, socket timeouts
    sqlalchemy.exc.TimeoutError,  # no pooled connection free in time
    pg.PostgresConnectionError, pg.ConnectionDoesNotExistError,
    pg.OperatorInterventionError,  # shutting down, starting up (57P0x)
    pg.TooManyConnectionsError,
)


def unreachable_dependency(exc: BaseException) -> bool:
    """Is this error (or one it was raised from) a dependency that cannot be reached right now?"""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNREACHABLE):
            return True
        if isinstance(current, sqlalchemy.exc.DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
    return False

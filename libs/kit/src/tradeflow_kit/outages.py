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


class AwaitingFacts(Exception):
    """A message that cannot be handled until facts another topic brings have arrived (a command
    about an order whose facts are still on their way, e.g. right after a restart while the
    consumer of the facts catches up). Not the message's fault, and not an outage: it is retried
    every `max_delay` seconds, retries unspent, for up to `patience` seconds since its first
    failure, and only then dead-lettered (retries-exhausted, replayable)."""

    patience: float = 120.0

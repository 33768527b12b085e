"""Checks that a service is wired in the one shape (services/README.md), for each service's tests."""

from fastapi import FastAPI

from tradeflow_kit.unit_of_work import SqlaTransactions

UNREACHABLE_DATABASE = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
"""Building the app connects to nothing; a URL that cannot work proves it."""


async def assert_wired(app: FastAPI, domain_error: type[Exception], api_class: type) -> None:
    """Its root domain error is permanent in every handler; its routes get `<Service>Api` on
    `app.state.api`, with transactions that open its unit of work. Stops the app's runtime."""
    try:
        assert app.state.runtime.domain_errors == (domain_error,)
        assert isinstance(app.state.api, api_class)
        assert isinstance(app.state.api.transactions, SqlaTransactions)
    finally:
        await app.state.runtime.stop()

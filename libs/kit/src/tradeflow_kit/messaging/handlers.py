"""A service's message handlers as a plain table: contract → use case.

Each use case is called as `use_case(transaction, message, collaborators)`, the transaction being
the service's unit of work on the one the kit opened for the message (inbox claim, handler, outbox
— one commit). The kit classifies what it raises: a domain error is dead-lettered at once, the
rest is retried.
"""

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from tradeflow_contracts.registry import Contract
from tradeflow_kit.messaging.processor import Handler, MessageContext

UseCase = Callable[[Any, Any, Any], Awaitable[object]]


Accepts = Callable[[Any], bool]


def use_case_handlers(use_cases: Mapping[type[Contract], UseCase], transaction_for: Callable[[MessageContext], Any],
                      collaborators: Any, accepts: Mapping[type[Contract], Accepts] | None = None,
                      ) -> dict[type[Contract], Handler]:
    """Handlers for `ServiceRuntime.consume`, one per contract of the table. `accepts`: for a
    contract only some of whose messages are for this service (a case's replacement among every
    shipment's events), a pure test of the message; the others are ignored like a type the service
    does not handle — no transaction, no inbox row (the test must depend on the message alone, so a
    redelivery is judged the same)."""
    accepts = accepts or {}
    return {contract: _handler(use_case, transaction_for, collaborators, accepts.get(contract))
            for contract, use_case in use_cases.items()}


def by_topic(handlers: Mapping[type[Contract], Handler]) -> dict[str, dict[type[Contract], Handler]]:
    """The same handlers grouped by the topic their contract travels on (one `consume` each)."""
    grouped: dict[str, dict[type[Contract], Handler]] = {}
    for contract, handler in handlers.items():
        grouped.setdefault(contract.TOPIC, {})[contract] = handler
    return grouped


def _handler(use_case: UseCase, transaction_for: Callable[[MessageContext], Any], collaborators: Any,
             accepts: Accepts | None) -> Handler:
    async def handle(message: Contract, ctx: MessageContext) -> None:
        await use_case(transaction_for(ctx), message, collaborators)

    handle.__name__ = use_case.__name__
    if accepts is not None:
        handle.accepts = accepts  # type: ignore[attr-defined]  # read by MessageProcessor._route
    return handle

"""Where sagas are kept (the kit's `SqlaSagaStore` implements it; unit tests use a fake)."""

from datetime import datetime
from typing import Protocol

from tradeflow_kit.sagas.definition import SagaState
from tradeflow_kit.sagas.instance import SagaInstance, SagaMove


class SagaStore(Protocol):
    """The sagas of one service database, inside the caller's open transaction."""

    async def add(self, saga: SagaInstance) -> None:
        """Store a new saga and its first move (pulled from `saga.moves`)."""

    async def get(self, saga_id: str, *, lock: bool = False) -> SagaInstance | None:
        """`lock` holds the saga row until the transaction ends: its steps run one at a time."""

    async def save(self, saga: SagaInstance) -> None:
        """Store step, state, deadline, attempts and attention, and append the pulled moves."""

    async def claim_due(self, name: str, now: datetime, limit: int) -> list[SagaInstance]:
        """Running sagas of `name` whose deadline has passed, oldest deadline first, locked until
        the transaction ends; rows another transaction holds are skipped (SKIP LOCKED)."""

    async def find(self, *, name: str | None, state: SagaState | None, step: str | None, limit: int,
                   after: tuple[datetime, str] | None) -> list[SagaInstance]:
        """Newest first (`updated_at`, `id`), after the cursor."""

    async def history(self, saga_id: str) -> list[SagaMove]:
        """Every move of the saga, oldest first."""


class SagaTransaction(Protocol):
    """A service's unit of work, as far as the kit's saga jobs need it."""

    @property
    def sagas(self) -> SagaStore: ...

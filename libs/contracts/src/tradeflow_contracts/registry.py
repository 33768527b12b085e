"""Versioned message contracts, found by their explicit `(type, version)` — never by class name.

A contract is a pydantic model with `TYPE`, `VERSION` and `TOPIC`. Additive changes keep the
version (unknown fields are ignored by older readers); a breaking change is a new class with the
next version, registered beside the old one so consumers accept both while producers move.
"""

from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from tradeflow_contracts.envelope import Envelope


class Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]
    TOPIC: ClassVar[str]


class UnknownMessageType(LookupError):
    """No contract is registered for this (type, version): the message can never be read here."""


class InvalidPayload(ValueError):
    """The payload does not satisfy its contract."""


C = TypeVar("C", bound=type[Contract])


class ContractRegistry:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, int], type[Contract]] = {}

    def register(self, contract: C) -> C:
        key = (contract.TYPE, contract.VERSION)
        if (existing := self._by_key.get(key)) is not None and existing is not contract:
            raise ValueError(f"{key} is registered twice: {existing.__qualname__} and {contract.__qualname__}")
        self._by_key[key] = contract
        return contract

    def resolve(self, type_: str, version: int) -> type[Contract]:
        try:
            return self._by_key[(type_, version)]
        except KeyError:
            known = sorted(v for t, v in self._by_key if t == type_)
            hint = f"known versions of {type_!r}: {known}" if known else f"no contract is named {type_!r}"
            raise UnknownMessageType(f"unknown message {type_!r} version {version} ({hint})") from None

    def parse(self, envelope: Envelope) -> Contract:
        contract = self.resolve(envelope.type, envelope.version)
        try:
            return contract.model_validate(envelope.payload)
        except ValidationError as exc:
            raise InvalidPayload(f"{envelope.type} v{envelope.version}: {exc}") from exc

    def known(self) -> list[tuple[str, int]]:
        return sorted(self._by_key)


registry = ContractRegistry()


def contract(cls: C) -> C:
    """Register a contract class in the platform's registry."""
    return registry.register(cls)


def payload_of(message: Contract) -> dict[str, Any]:
    return message.model_dump(mode="json")

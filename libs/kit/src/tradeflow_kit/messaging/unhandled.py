"""Recognising a record this consumer has no handler for by its headers, without its payload.

Every record carries its envelope's `type` and `version` as Kafka headers (`Envelope.headers`).
A record whose headers name a contract the platform knows and this consumer does not handle is
ignored without decoding its payload, most of its bytes and of the cost of reading it (a
consumer of `order.events` handles few of its types). What decoding guaranteed still holds: the
body must read as an envelope (valid JSON, every field of the envelope but the payload valid)
whose own type and version are the headers'. Only the payload is left unread: its shape is for
the consumers that handle its contract to judge (they dead-letter it if it does not parse).
A record without those headers, naming a contract unknown anywhere or one this consumer
handles, or whose body does not agree with its headers, is decoded as ever: routed by its body,
dead-lettered if it cannot be read.
"""

from collections.abc import Container

from pydantic import ValidationError, create_model

from tradeflow_contracts.envelope import Envelope
from tradeflow_contracts.registry import ContractRegistry, UnknownMessageType
from tradeflow_kit.messaging.records import ConsumedRecord

ContractKey = tuple[str, int]


EnvelopeHead = create_model(
    "EnvelopeHead", __config__=Envelope.model_config, __doc__="The envelope's fields but its payload, validated alike.",
    **{name: (field.annotation, field) for name, field in Envelope.model_fields.items() if name != "payload"})


def named_contract(record: ConsumedRecord) -> ContractKey | None:
    """The (type, version) the record's headers name; None without both or with a bad version."""
    type_, version = record.header("type"), record.header("version")
    if not type_ or version is None:
        return None
    try:
        return type_, int(version)
    except ValueError:
        return None


def is_unhandled(record: ConsumedRecord, handled: Container[ContractKey], contracts: ContractRegistry) -> bool:
    """True for a record to ignore unread: its headers name a known contract not in `handled` and
    its body is an envelope of that contract (module doc)."""
    named = named_contract(record)
    if named is None or named in handled or not _known(contracts, named):
        return False
    try:
        head = EnvelopeHead.model_validate_json(record.value)
    except ValidationError:
        return False
    return (head.type, head.version) == named


def _known(contracts: ContractRegistry, key: ContractKey) -> bool:
    try:
        contracts.resolve(*key)
    except UnknownMessageType:
        return False
    return True

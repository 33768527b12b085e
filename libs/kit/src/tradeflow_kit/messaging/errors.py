"""Which failures are worth retrying. Permanent ones go to the dead-letter topic at once."""

import json

from pydantic import ValidationError

from tradeflow_contracts.registry import InvalidPayload, UnknownMessageType


class PermanentError(Exception):
    """A message that can never succeed here (a domain rule that will never pass, bad data)."""


class MalformedMessage(PermanentError):
    """The record is not a readable envelope."""


PERMANENT = (PermanentError, UnknownMessageType, InvalidPayload, ValidationError, json.JSONDecodeError)


def is_permanent(exc: BaseException, domain_errors: tuple[type[BaseException], ...] = ()) -> bool:
    """Bad data, unknown messages and a service's domain errors (`domain_errors`: a rule that
    refuses a message refuses it on every retry) are permanent. An outage (the database cannot be
    reached) is waited out by the processor without spending retries. Everything else — lock
    timeouts, and bugs — is retried within the bound, then dead-lettered as retries-exhausted so
    a fix can replay it."""
    return isinstance(exc, PERMANENT + domain_errors)

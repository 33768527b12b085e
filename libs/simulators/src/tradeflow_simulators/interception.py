"""Where an interception stands, at the warehouse and at the carrier alike: asked by our service,
answered later by webhook (succeeded: `intercepted`; failed: `intercept_failed`, and it may be
asked again)."""

from enum import StrEnum


class Interception(StrEnum):
    NONE = "none"
    REQUESTED = "requested"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

"""Failures the operator can act on: shown as one clear message, never as a traceback."""


class OpsError(Exception):
    """A dead-letter operation cannot go ahead (missing topic, unknown record, broker not answering…)."""

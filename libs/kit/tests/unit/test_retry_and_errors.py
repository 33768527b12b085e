import json

from pydantic import BaseModel, ValidationError

from tradeflow_contracts.registry import InvalidPayload, UnknownMessageType
from tradeflow_kit.messaging.errors import MalformedMessage, PermanentError, is_permanent
from tradeflow_kit.messaging.processor import RetryPolicy
from tradeflow_kit.messaging.trace import child_traceparent


def test_backoff_doubles_up_to_its_cap():
    policy = RetryPolicy(max_attempts=6, base_delay=0.1, max_delay=0.5)
    assert [policy.delay(a) for a in range(1, 6)] == [0.1, 0.2, 0.4, 0.5, 0.5]


def test_bad_data_and_unknown_messages_are_permanent():
    class M(BaseModel):
        n: int

    try:
        M(n="x")
    except ValidationError as exc:
        validation = exc
    for exc in (PermanentError("rule"), MalformedMessage("x"), UnknownMessageType("x"), InvalidPayload("x"),
                validation, json.JSONDecodeError("x", "doc", 0)):
        assert is_permanent(exc), exc


def test_a_services_domain_errors_are_permanent_only_for_it():
    class OrderRuleViolated(Exception):
        pass

    assert is_permanent(OrderRuleViolated("illegal transition"), domain_errors=(OrderRuleViolated,))
    assert not is_permanent(OrderRuleViolated("illegal transition"))
    assert not is_permanent(ConnectionError("db down"), domain_errors=(OrderRuleViolated,))


def test_infrastructure_failures_and_bugs_are_retried():
    for exc in (ConnectionError("db down"), TimeoutError(), RuntimeError("bug"), KeyError("x")):
        assert not is_permanent(exc)


def test_child_traceparent_keeps_the_trace_and_makes_a_new_span():
    parent = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"
    child = child_traceparent(parent)
    assert child.split("-")[1] == "a" * 32 and child.split("-")[2] != "b" * 16
    assert len(child_traceparent(None).split("-")[1]) == 32

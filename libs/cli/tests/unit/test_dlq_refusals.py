"""Refusals happen before any Kafka I/O: the bootstrap given here answers nothing."""

from typer.testing import CliRunner

from tradeflow_cli.main import app
from tradeflow_contracts.topics import AUDIT_TOPIC

NOWHERE = ["--bootstrap", "127.0.0.1:1"]


def invoke(*args):
    return CliRunner().invoke(app, ["dlq", *args, *NOWHERE])


def test_replay_refuses_without_ids_or_a_filter():
    result = invoke("replay", "--yes")
    assert result.exit_code == 2
    assert "refusing to replay every dead letter" in result.output


def test_purge_refuses_a_topic_that_is_not_a_dead_letter_topic():
    result = invoke("purge", "--topic", "order.events", "--yes")
    assert result.exit_code == 2
    assert "'order.events' is not one" in result.output


def test_show_refuses_a_malformed_id():
    result = invoke("show", "order.events.dlq:1")
    assert result.exit_code == 2
    assert "not a dead-letter id" in result.output


def test_list_refuses_a_time_it_cannot_read():
    result = invoke("list", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "neither an RFC 3339 time" in result.output


def test_an_unreachable_broker_is_one_clear_error():
    result = invoke("list", "--topic", "order.events")
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "127.0.0.1" in result.output


def test_audits_to_the_platform_audit_topic_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("TRADEFLOW_AUDIT_TOPIC", raising=False)
    result = CliRunner().invoke(app, ["dlq", "replay", "--help"], env={"COLUMNS": "200"})
    assert f"[default: {AUDIT_TOPIC}]" in result.output

"""The planning rules come from the environment (FULFILLMENT_*), with defaults that run locally;
a carrier configuration that cannot be read stops the service from starting, saying why."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.bootstrap import dispatch_policy, planning_rules
from tradeflow_fulfillment.domain.errors import InvalidCarrierRules
from tradeflow_fulfillment.settings import Settings


def test_the_defaults_are_a_ten_minute_window_20_kg_100_000_cm3_and_a_default_carrier(monkeypatch):
    for name in ("FULFILLMENT_MERGE_WINDOW_SECONDS", "FULFILLMENT_PARCEL_MAX_WEIGHT_GRAMS",
                 "FULFILLMENT_PARCEL_MAX_VOLUME_CM3", "FULFILLMENT_HIGH_VALUE_AMOUNT", "FULFILLMENT_CARRIER_RULES"):
        monkeypatch.delenv(name, raising=False)  # make test shortens the window for its stack
    rules = planning_rules(Settings())
    assert (rules.merge.window, rules.parcels.max_weight_grams, rules.parcels.max_volume_cm3,
            rules.parcels.high_value_amount) == (timedelta(minutes=10), 20_000, 100_000, 2_000_000)
    assert rules.carriers.carrier_for("WH-1", "east") == "YTO"


def test_the_environment_sets_the_rules(monkeypatch):
    monkeypatch.setenv("FULFILLMENT_CARRIER_RULES", "WH-1:east=SF;*:*=ZTO")
    monkeypatch.setenv("FULFILLMENT_MERGE_WINDOW_SECONDS", "900")
    monkeypatch.setenv("FULFILLMENT_PARCEL_MAX_WEIGHT_GRAMS", "30000")
    rules = planning_rules(Settings())
    assert (rules.carriers.carrier_for("WH-1", "east"), rules.carriers.carrier_for("WH-2", "east")) == ("SF", "ZTO")
    assert (rules.merge.window, rules.parcels.max_weight_grams) == (timedelta(minutes=15), 30_000)


def test_unreadable_carrier_rules_stop_the_start():
    with pytest.raises(InvalidCarrierRules, match="no default carrier"):
        planning_rules(Settings(carrier_rules="WH-1:east=SF"))


def test_the_dispatcher_runs_every_second_with_a_minute_lease_and_the_environment_tunes_it(monkeypatch):
    policy = dispatch_policy(Settings())
    assert (policy.interval, policy.lease, policy.first_backoff, policy.max_backoff) == (
        timedelta(seconds=1), timedelta(minutes=1), timedelta(seconds=1), timedelta(minutes=1))
    monkeypatch.setenv("FULFILLMENT_DISPATCH_INTERVAL_SECONDS", "0.2")
    monkeypatch.setenv("FULFILLMENT_DISPATCH_RETRY_MAX_BACKOFF_SECONDS", "5")
    policy = dispatch_policy(Settings())
    assert (policy.interval, policy.max_backoff, policy.backoff(10)) == (
        timedelta(seconds=0.2), timedelta(seconds=5), timedelta(seconds=5))


def test_a_lease_shorter_than_the_calls_it_covers_stops_the_start():
    with pytest.raises(ValueError, match="DISPATCH_LEASE_SECONDS must exceed"):
        Settings(dispatch_lease_seconds=30, outside_timeout_seconds=10)

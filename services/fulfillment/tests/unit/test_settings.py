"""The planning rules come from the environment (FULFILLMENT_*), with defaults that run locally;
a carrier configuration that cannot be read stops the service from starting, saying why."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.bootstrap import planning_rules
from tradeflow_fulfillment.domain.errors import InvalidCarrierRules
from tradeflow_fulfillment.settings import Settings


def test_the_defaults_are_a_ten_minute_window_20_kg_100_000_cm3_and_a_default_carrier():
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

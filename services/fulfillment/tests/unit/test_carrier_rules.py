"""Carrier choice per (warehouse, region) from one configuration string, with a default."""

import pytest

from tradeflow_fulfillment.domain.carriers import CarrierRules
from tradeflow_fulfillment.domain.errors import InvalidCarrierRules

RULES = CarrierRules.parse("WH-1:east=SF,*=ZTO; WH-2:west=JD ;*:north=EMS;*:*=YTO")


@pytest.mark.parametrize(("warehouse", "region", "carrier"), [
    ("WH-1", "east", "SF"),  # warehouse and region
    ("WH-1", "west", "ZTO"),  # the warehouse's own default
    ("WH-2", "west", "JD"),
    ("WH-2", "north", "EMS"),  # any warehouse to that region
    ("WH-1", "north", "ZTO"),  # the warehouse's rule is more specific than the region's
    ("WH-9", "south", "YTO"),  # the default
])
def test_the_most_specific_rule_wins(warehouse, region, carrier):
    assert RULES.carrier_for(warehouse, region) == carrier


def test_a_default_alone_is_enough():
    assert CarrierRules.parse("*:*=YTO").carrier_for("WH-1", "east") == "YTO"


@pytest.mark.parametrize(("text", "why"), [
    ("", "no default carrier"),
    ("WH-1:east=SF", "no default carrier"),
    ("WH-1=SF;*:*=YTO", "'WH-1=SF': expected <warehouse>:<region>=<carrier>"),
    (":east=SF;*:*=YTO", "expected <warehouse>:<region>=<carrier>"),
    ("WH-1:east;*:*=YTO", "'east' is not <region>=<carrier>"),
    ("WH-1:east=;*:*=YTO", "'east=' is not <region>=<carrier>"),
    ("WH-1:=SF;*:*=YTO", "'=SF' is not <region>=<carrier>"),
    ("WH-1:east=SF,east=JD;*:*=YTO", "a carrier for WH-1:east is given twice"),
    ("*:*=YTO;*:*=SF", "a carrier for \\*:\\* is given twice"),
])
def test_a_bad_configuration_is_refused_naming_the_entry(text, why):
    with pytest.raises(InvalidCarrierRules, match=why):
        CarrierRules.parse(text)

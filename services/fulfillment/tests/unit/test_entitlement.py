"""Entitlements: granted at once to the buyer's account, revoked with a reason, once."""

from datetime import timedelta

import pytest

from tradeflow_fulfillment.domain.entitlement import Entitlement, EntitlementStatus
from tradeflow_fulfillment.domain.errors import FulfillmentError
from tradeflow_fulfillment.domain.events import EntitlementWasGranted, EntitlementWasRevoked
from tradeflow_fulfillment.domain.planning import grant_entitlements

from .builders import AT, Ids, line, paid


def granted() -> Entitlement:
    [entitlement] = grant_entitlements(paid(line("l-1"), line("l-2", 2, sku="COURSE-1", kind="virtual")), at=AT,
                                       new_id=Ids("ent"))
    return entitlement


def test_each_virtual_line_is_granted_to_the_buyers_account_at_once():
    e = granted()
    assert (e.id, e.account, e.sku, e.quantity, e.order_id, e.sub_order_id, e.line_id) == (
        "ent-1", "b-1", "COURSE-1", 2, "o-1", "o-1-s1", "l-2")
    assert (e.status, e.granted_at, e.revoked_at, e.revoke_reason) == (EntitlementStatus.ACTIVE, AT, None, None)
    assert e.pull_events() == [EntitlementWasGranted()]


def test_revoking_records_when_and_why_and_a_second_revoke_changes_nothing():
    e = granted()
    e.pull_events()
    assert e.revoke("refunded", AT + timedelta(days=1)) is True
    assert e.revoke("again", AT + timedelta(days=2)) is False
    assert (e.status, e.revoked_at, e.revoke_reason) == (EntitlementStatus.REVOKED, AT + timedelta(days=1), "refunded")
    assert e.pull_events() == [EntitlementWasRevoked()]


def test_revoking_needs_a_reason():
    with pytest.raises(FulfillmentError, match="needs a reason"):
        granted().revoke("  ", AT)


@pytest.mark.parametrize(("account", "quantity", "why"), [("", 1, "needs an account"), ("b-1", 0, "not positive")])
def test_a_grant_needs_an_account_and_units(account, quantity, why):
    with pytest.raises(FulfillmentError, match=why):
        Entitlement.grant("e-1", account=account, sku="C", order_id="o", sub_order_id="s", line_id="l",
                          quantity=quantity, at=AT)

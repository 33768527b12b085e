"""Refusals of the use cases that are not rules of the case itself, and the one failure a message
handler raises to be tried again (`OrderFactsNotYetKnown`)."""

from tradeflow_after_sales.domain.errors import AfterSalesError, ExchangePriceDiffers
from tradeflow_kit.outages import AwaitingFacts


class OrderNotKnown(AfterSalesError):
    """No `OrderChanged` of the order has reached after-sales (unknown order, or not yet told)."""

    slug = "order-not-found"


class OrderFactsNotYetKnown(AwaitingFacts):
    """A command about an order whose facts have not reached after-sales yet (the facts come on
    order.events, another topic: right after a restart they may be minutes behind). Not a domain
    error: the kit retries it patiently (`AwaitingFacts.patience`) and dead-letters it as
    retries-exhausted, replayable, only if they never come."""


class NotYourCase(AfterSalesError):
    """The case (or the order) is someone else's: another buyer's, or a merchant's not in it."""

    slug = "forbidden"


class ReplacementUnknown(AfterSalesError):
    """An exchange names a replacement SKU the price book does not have (as after-sales knows it)."""

    slug = "replacement-unknown"

    def __init__(self, line_id: str, sku: str) -> None:
        super().__init__(f"line {line_id}: {sku} is not a SKU of the catalog; exchange only for a known SKU "
                         "of the line's merchant at the line's unit price")
        self.line_id, self.sku = line_id, sku


class ReplacementOfAnotherMerchant(ExchangePriceDiffers):
    """The replacement SKU is sold by another merchant (or in another currency) than the line."""

    def __init__(self, line_id: str, sku: str, why: str) -> None:
        AfterSalesError.__init__(self, f"line {line_id}: {sku} {why}; exchange only for a SKU of the line's "
                                       "merchant at the line's unit price")
        self.line_id, self.sku = line_id, sku

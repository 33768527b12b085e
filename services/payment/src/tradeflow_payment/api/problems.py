"""The payment's one error map: domain and use-case refusals as problem+json (stable `type` slugs,
API.md), installed on the app by bootstrap. Most specific first; an unreachable provider is a 503
with Retry-After, as is `not-payable-yet` (409). `refund-exceeds-paid` also carries
`refundable_amount` (what may still be refunded through that payment, minor units)."""

from tradeflow_kit.problems import ErrorMap, Refusal
from tradeflow_payment.app.errors import NotPayableYet, NotYourPayment, PaymentNotFound
from tradeflow_payment.app.ports import ProviderRefused, ProviderUnavailable
from tradeflow_payment.domain.errors import (
    AlreadyPaid,
    IllegalTransition,
    PaymentNotSucceeded,
    PaymentWindowClosed,
    ProviderNoticeMismatch,
    RefundExceedsPaid,
    RefundRefused,
    UnknownProviderPayment,
)

PROBLEMS = ErrorMap(
    Refusal(NotPayableYet, 409, "The order is not payable yet", "not-payable-yet"),
    Refusal(PaymentNotFound, 404, "Payment not found", "not-found"),
    Refusal(NotYourPayment, 403, "Not your order's payment", "forbidden"),
    Refusal(PaymentWindowClosed, 409, "Payment closed", "payment-closed"),
    Refusal(AlreadyPaid, 409, "Already paid", "already-paid"),
    Refusal(IllegalTransition, 409, "Illegal transition", "illegal-transition"),
    Refusal(RefundExceedsPaid, 409, "Refund exceeds what is refundable", "refund-exceeds-paid",
            extensions=lambda exc: {"refundable_amount": exc.refundable}),
    Refusal(PaymentNotSucceeded, 409, "Only a succeeded payment can be refunded", "payment-not-succeeded"),
    Refusal(RefundRefused, 409, "Refund refused", "refund-refused"),
    Refusal(UnknownProviderPayment, 404, "Unknown provider payment", "unknown-provider-payment"),
    Refusal(ProviderNoticeMismatch, 422, "The provider's notice does not match", "provider-notice-mismatch"),
    Refusal(ProviderUnavailable, 503, "Payment provider unavailable", "psp-unavailable"),
    Refusal(ProviderRefused, 502, "Payment provider refused", "psp-refused"),
)

"""Domain and use-case refusals as problem+json (stable `type` slugs, API.md)."""

from collections.abc import Iterator
from contextlib import contextmanager

from tradeflow_kit.problems import Problem
from tradeflow_payment.app.errors import NotPayable, NotYourPayment, PaymentNotFound
from tradeflow_payment.app.ports import ProviderRefused, ProviderUnavailable
from tradeflow_payment.domain.errors import (
    AlreadyPaid,
    IllegalTransition,
    PaymentWindowClosed,
    ProviderNoticeMismatch,
    UnknownProviderPayment,
)

_PROBLEMS: list[tuple[type[Exception], int, str, str]] = [
    (NotPayable, 404, "not-payable", "The order is not payable"),
    (PaymentNotFound, 404, "not-found", "Payment not found"),
    (NotYourPayment, 403, "forbidden", "Not your order's payment"),
    (PaymentWindowClosed, 409, "payment-closed", "Payment closed"),
    (AlreadyPaid, 409, "already-paid", "Already paid"),
    (IllegalTransition, 409, "illegal-transition", "Illegal transition"),
    (UnknownProviderPayment, 404, "unknown-provider-payment", "Unknown provider payment"),
    (ProviderNoticeMismatch, 422, "provider-notice-mismatch", "The provider's notice does not match"),
    (ProviderUnavailable, 503, "psp-unavailable", "Payment provider unavailable"),
    (ProviderRefused, 502, "psp-refused", "Payment provider refused"),
]


@contextmanager
def as_problems() -> Iterator[None]:
    """Translate the refusals raised inside into the API's problems; anything else propagates."""
    try:
        yield
    except tuple(cls for cls, *_ in _PROBLEMS) as exc:
        status, slug, title = next((s, sl, t) for cls, s, sl, t in _PROBLEMS if isinstance(exc, cls))
        headers = {"Retry-After": "5"} if status == 503 else None
        raise Problem(status, slug, title, detail=str(exc), headers=headers) from exc

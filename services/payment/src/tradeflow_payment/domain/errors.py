"""Why the payment domain refuses something. The edges map these to HTTP statuses or events."""


class PaymentDomainError(Exception):
    """A payment rule was broken; the message says which and why."""


class IllegalTransition(PaymentDomainError):
    """The state machine does not allow this move from the current state."""


class PaymentWindowClosed(PaymentDomainError):
    """The order's payment was closed (or its deadline passed): no new payment may start."""


class AlreadyPaid(PaymentDomainError):
    """The order is paid already; paying it again would charge the buyer twice."""


class UnknownProviderPayment(PaymentDomainError):
    """The provider names a payment this order never started."""


class ProviderNoticeMismatch(PaymentDomainError):
    """The provider reports another amount or currency than the payment was started for."""


class RefundRefused(PaymentDomainError):
    """A refund that cannot be made; the reason is reported to the saga (RefundFailed)."""


class NothingPaid(RefundRefused):
    """Nothing was paid for the order, so there is nothing to give back."""


class RefundExceedsPaid(RefundRefused):
    """The refund is more than what was paid minus what was refunded already or is being refunded
    (`refundable`, in minor units)."""

    def __init__(self, message: str, refundable: int) -> None:
        super().__init__(message)
        self.refundable = refundable


class PaymentNotSucceeded(RefundRefused):
    """The payment named for the refund took no money (pending, failed or expired)."""


class RefundSpansPayments(RefundRefused):
    """The amount is refundable only across several payments; each must be refunded on its own route."""

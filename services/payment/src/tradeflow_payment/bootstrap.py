"""Composition root: the one place the payment service's parts are built and wired."""

import uuid
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import APIRouter, FastAPI

from tradeflow_contracts.payments import COMMANDS
from tradeflow_kit.http import create_http_app
from tradeflow_kit.idempotency import IdempotencyStore
from tradeflow_kit.notifications import ChannelWatch
from tradeflow_kit.runtime import ServiceRuntime, build_runtime
from tradeflow_kit.system import SystemClock, UuidIdGenerator
from tradeflow_kit.unit_of_work import SqlaTransactions
from tradeflow_payment.adapters.http_payment_provider import HttpPaymentProvider
from tradeflow_payment.adapters.payable_notices import CHANNEL
from tradeflow_payment.adapters.sqla_transaction import SqlaPaymentTransaction
from tradeflow_payment.adapters.tables import idempotency_keys, inbox, outbox
from tradeflow_payment.api.problems import PROBLEMS
from tradeflow_payment.api.routes import router
from tradeflow_payment.api.wiring import PaymentApi
from tradeflow_payment.app.handlers import command_handlers
from tradeflow_payment.app.ports import Clock, Collaborators, PaymentProvider, Transactions
from tradeflow_payment.app.reconcile import ReconcilePolicy, run_reconciliation
from tradeflow_payment.app.retry_refunds import RefundRetryPolicy, run_refund_retries
from tradeflow_payment.app.start_payment import PayableWait
from tradeflow_payment.domain.errors import PaymentDomainError
from tradeflow_payment.domain.refunds import RefundBackoff
from tradeflow_payment.settings import Settings


def build_app(settings: Settings, *, provider: PaymentProvider | None = None, clock: Clock | None = None) -> FastAPI:
    """The service; tests may pass their own provider and clock (the real ones otherwise)."""
    runtime = build_runtime(settings, outbox, inbox, domain_errors=(PaymentDomainError,))
    owned = provider is None
    provider = provider or HttpPaymentProvider(settings.psp_base_url, settings.psp_api_key.get_secret_value(),
                                               settings.psp_timeout_seconds)
    collaborators = Collaborators(provider=provider, clock=clock or SystemClock(), ids=UuidIdGenerator(),
                                  notify_url=settings.public_callback_url, refund_backoff=refund_backoff(settings))
    handlers = command_handlers(SqlaPaymentTransaction.for_message, collaborators)
    runtime.consume(COMMANDS, handlers)
    reconciling, policy = job_transactions(runtime, "reconcile"), reconcile_policy(settings)
    if settings.reconcile_enabled:
        runtime.run_in_background(lambda stop: run_reconciliation(reconciling, collaborators, policy, stop))
    retrying, retries = job_transactions(runtime, "refund-retry"), refund_retry_policy(settings)
    if settings.refund_retry_enabled:
        runtime.run_in_background(lambda stop: run_refund_retries(retrying, collaborators, retries, stop))
    closing = [_closing(provider)] if owned and isinstance(provider, HttpPaymentProvider) else []
    app = create_http_app(runtime, routers=[router, *closing])
    app.state.api = _payment_api(settings, runtime, collaborators)
    PROBLEMS.install(app)
    app.state.command_handlers = handlers  # for wiring checks and tests
    app.state.reconcile = (reconciling, policy)  # the job's parts, for tests to run one round
    app.state.refund_retry = (retrying, retries)
    return app


def reconcile_policy(settings: Settings) -> ReconcilePolicy:
    return ReconcilePolicy(interval=timedelta(seconds=settings.reconcile_interval_seconds),
                           pending_after=timedelta(seconds=settings.reconcile_pending_after_seconds),
                           recheck_every=timedelta(seconds=settings.reconcile_recheck_seconds),
                           max_age=timedelta(hours=settings.reconcile_max_age_hours), batch=settings.reconcile_batch)


def refund_backoff(settings: Settings) -> RefundBackoff:
    return RefundBackoff(first=timedelta(seconds=settings.refund_retry_first_backoff_seconds),
                         cap=timedelta(seconds=settings.refund_retry_max_backoff_seconds))


def refund_retry_policy(settings: Settings) -> RefundRetryPolicy:
    return RefundRetryPolicy(interval=timedelta(seconds=settings.refund_retry_interval_seconds),
                             warn_after=settings.refund_retry_warn_after_attempts, batch=settings.refund_retry_batch)


def job_transactions(runtime: ServiceRuntime, job: str) -> Transactions:
    """One transaction per order a background job handles; its messages go through the outbox,
    each transaction's with a correlation id of its own naming the job."""
    return SqlaTransactions(runtime.sessions, runtime.outbox, SqlaPaymentTransaction, lambda: f"{job}-{uuid.uuid4()}")


def _payment_api(settings: Settings, runtime: ServiceRuntime, collaborators: Collaborators) -> PaymentApi:
    return PaymentApi(
        transactions=SqlaTransactions(runtime.sessions, runtime.outbox, SqlaPaymentTransaction),
        collaborators=collaborators, idempotency=IdempotencyStore(idempotency_keys),
        webhook_secret=settings.psp_webhook_secret.get_secret_value(),
        callback_tolerance=timedelta(seconds=settings.callback_tolerance_seconds),
        payable_notices=ChannelWatch(runtime.listener, CHANNEL),
        payable_wait=PayableWait(settings.wait_for_payable_seconds, settings.not_payable_retry_after_seconds))


def _closing(provider: HttpPaymentProvider) -> APIRouter:
    """A router without routes whose lifespan closes the provider's HTTP client at shutdown."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            yield
        finally:
            await provider.aclose()

    return APIRouter(lifespan=lifespan)

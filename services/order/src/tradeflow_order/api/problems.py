"""The order service's one error map: domain errors → RFC 9457 problems."""

from fastapi import FastAPI, Request

from tradeflow_kit.problems import Problem, problem_response
from tradeflow_order.domain.errors import (
    IllegalTransition,
    InvalidOrder,
    NotYourOrder,
    OrderError,
    OrderNotFound,
    UnpaidUnitsLimit,
)


def to_problem(exc: OrderError) -> Problem:
    if isinstance(exc, InvalidOrder):
        errors = [{"field": exc.field or "body", "message": str(exc)}]
        return Problem(422, exc.slug, "Invalid order", detail=str(exc), errors=errors)
    if isinstance(exc, OrderNotFound):
        return Problem(404, exc.slug, "Order not found", detail=str(exc))
    if isinstance(exc, NotYourOrder):
        return Problem(403, exc.slug, "Not allowed", detail=str(exc))
    if isinstance(exc, IllegalTransition):
        return Problem(409, exc.slug, "Illegal transition", detail=str(exc))
    if isinstance(exc, UnpaidUnitsLimit):
        return Problem(409, exc.slug, "Too many unpaid units", detail=str(exc), errors=[
            {"field": "lines", "message": f"sku {exc.sku}: held {exc.held}, asked {exc.asked}, limit {exc.limit}"}])
    return Problem(409, exc.slug, "Order rule violated", detail=str(exc))


def install_order_problems(app: FastAPI) -> None:
    async def on_order_error(request: Request, exc: OrderError):
        return problem_response(to_problem(exc), request)

    app.add_exception_handler(OrderError, on_order_error)

"""Domain errors → RFC 9457 problems."""

from fastapi import FastAPI, Request

from tradeflow_kit.problems import Problem, problem_response
from tradeflow_order.domain.errors import IllegalTransition, InvalidOrder, OrderError, OrderNotFound


def to_problem(exc: OrderError) -> Problem:
    if isinstance(exc, InvalidOrder):
        errors = [{"field": exc.field or "body", "message": str(exc)}]
        return Problem(422, exc.slug, "Invalid order", detail=str(exc), errors=errors)
    if isinstance(exc, OrderNotFound):
        return Problem(404, exc.slug, "Order not found", detail=str(exc))
    if isinstance(exc, IllegalTransition):
        return Problem(409, exc.slug, "Illegal transition", detail=str(exc))
    return Problem(409, exc.slug, "Order rule violated", detail=str(exc))


def install_order_errors(app: FastAPI) -> None:
    async def on_order_error(request: Request, exc: OrderError):
        return problem_response(to_problem(exc), request)

    app.add_exception_handler(OrderError, on_order_error)

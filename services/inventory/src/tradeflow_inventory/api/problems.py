"""Domain errors of the inventory as HTTP problems (RFC 9457, stable `type` slugs): the one error
map of its API. Each error class carries its slug; the status and title are chosen here."""

from collections.abc import Iterator
from contextlib import contextmanager

from tradeflow_inventory.domain.errors import InvalidQuantity, InventoryError, StockBelowReserved, UnknownWarehouse
from tradeflow_kit.problems import Problem

_STATUS: dict[type[InventoryError], tuple[int, str]] = {
    StockBelowReserved: (409, "On-hand below reserved"),
    UnknownWarehouse: (404, "Warehouse not found"),
    InvalidQuantity: (422, "Invalid quantity"),
}


@contextmanager
def as_problems() -> Iterator[None]:
    try:
        yield
    except InventoryError as exc:
        status, title = _STATUS.get(type(exc), (409, "Inventory rule violated"))
        raise Problem(status, exc.slug, title, detail=str(exc)) from exc


def problem_docs(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI `responses` for the problem statuses a route can answer with."""
    described = {401: "No or invalid token", 403: "Not allowed for this role", 404: "Not found",
                 409: "A business rule refused the change", 422: "Invalid request"}
    return {s: {"description": described[s], "content": {"application/problem+json": {}}} for s in statuses}

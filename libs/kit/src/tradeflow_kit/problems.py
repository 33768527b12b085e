"""RFC 9457 problem details for every error a Tradeflow API returns (see API.md)."""

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://tradeflow.example/problems/"


class Problem(Exception):
    """An error with a stable `type` slug that an API maps to problem+json.

    Domain errors are translated into a Problem at the edge; `errors` carries field-level
    detail as `{field, message}` pairs.
    """

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title = status, slug, title
        self.detail, self.errors, self.headers = detail, errors, headers
        self.extensions = extensions or {}  # RFC 9457 extension members (e.g. a new quote)


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    body: dict = {
        "type": PROBLEM_BASE + problem.slug,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or problem.title,
    }
    if request is not None:
        body["instance"] = request.url.path
    if problem.errors is not None:
        body["errors"] = problem.errors
    body |= {k: v for k, v in problem.extensions.items() if k not in body}
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON, headers=problem.headers)


def _field_path(loc: tuple) -> str:
    """`("body", "lines", 0, "quantity")` → `lines.0.quantity`; an error about the whole body
    (not a JSON object, not JSON at all) is on `body`."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or (str(loc[-1]) if loc else "body")


def _field_error(error: dict) -> dict[str, str]:
    if error.get("type") == "json_invalid":  # its loc, if any, is a character position, not a field
        where = f" at position {error['loc'][-1]}" if error.get("loc") else ""
        return {"field": "body", "message": f"{error['msg']}{where}"}
    return {"field": _field_path(tuple(error["loc"])), "message": error["msg"]}


def validation_problem(exc: RequestValidationError) -> Problem:
    errors = [_field_error(e) for e in exc.errors()]
    return Problem(422, "validation-failed", "Request validation failed",
                   detail=f"{len(errors)} field(s) are invalid", errors=errors)


_HTTP_SLUGS = {401: "unauthenticated", 403: "forbidden", 404: "not-found", 405: "method-not-allowed"}


def install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves the service as problem+json, whatever raised it."""

    async def on_problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc), request)

    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = _HTTP_SLUGS.get(exc.status_code, f"http-{exc.status_code}")
        problem = Problem(exc.status_code, slug, slug.replace("-", " ").capitalize(),
                          detail=str(exc.detail), headers=getattr(exc, "headers", None))
        return problem_response(problem, request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


@dataclass(frozen=True)
class Refusal:
    """One row of a service's error map: a domain (or use-case) error class and its problem."""

    error: type[Exception]
    status: int
    title: str
    slug: str | None = None  # None: the error class's `slug` attribute
    errors: Callable[[Exception], list[dict[str, str]]] | None = None  # field-level detail, if any
    extensions: Callable[[Exception], dict] | None = None  # more members of the problem, if any


class ErrorMap:
    """A service's one error map: its refusals → RFC 9457 problems, the most specific row first.

    Installed once on the app (`install`), so routes only call their use case: whatever refusal
    it raises leaves as its problem, and the request's transaction is rolled back. A 503 (an
    outside system unavailable) carries `Retry-After` (5 s), as does any refusal whose error has
    a `retry_after` (seconds)."""

    def __init__(self, *rows: Refusal) -> None:
        self.rows = rows

    def problem(self, exc: Exception) -> Problem:
        row = next(r for r in self.rows if isinstance(exc, r.error))
        slug = row.slug or getattr(exc, "slug", None) or "rule-violated"
        retry_after = getattr(exc, "retry_after", None) or (5 if row.status == 503 else None)
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return Problem(row.status, slug, row.title, detail=str(exc),
                       errors=row.errors(exc) if row.errors else None, headers=headers,
                       extensions=row.extensions(exc) if row.extensions else None)

    def install(self, app: FastAPI) -> None:
        async def on_refusal(request: Request, exc: Exception) -> JSONResponse:
            return problem_response(self.problem(exc), request)

        for row in self.rows:
            app.add_exception_handler(row.error, on_refusal)


_DESCRIBED = {400: "Bad request", 401: "No or invalid token", 403: "Not allowed for this role", 404: "Not found",
              409: "A business rule refused the change", 422: "Invalid request",
              503: "A dependency is unavailable; retry after Retry-After"}


def problem_docs(*statuses: int) -> dict[int | str, dict]:
    """OpenAPI `responses` for the problem statuses a route can answer with."""
    return {s: {"description": _DESCRIBED[s], "content": {PROBLEM_JSON: {}}} for s in statuses}

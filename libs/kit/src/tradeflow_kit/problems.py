"""RFC 9457 problem details for every error a Tradeflow API returns (see API.md)."""

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
    ) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title = status, slug, title
        self.detail, self.errors, self.headers = detail, errors, headers


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

"""What every simulated provider's HTTP edge shares: its error shape `{"error": {"code",
"message", …}}`, the Bearer API key of its provider API, strict request bodies (the receiver of
a parcel has the same shape at the warehouse and the carrier), and `/health`."""

import hmac

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field


class ProviderError(Exception):
    """A request the provider refuses; `code` is its stable error code, `status` the HTTP status,
    keyword arguments become extra members of the error."""

    code, status = "invalid_request", 400

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message)
        self.extra = extra


class ApiKeyRejected(ProviderError):
    code, status = "unauthorized", 401


def check_bearer_key(request: Request, expected: str, provider: str) -> None:
    """Refuse (401) a provider-API call without `Authorization: Bearer <expected>`."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip().encode(), expected.encode()):
        raise ApiKeyRejected(f"send Authorization: Bearer <your {provider} API key>")


class Strict(BaseModel):
    """A request body: unknown fields are refused (422 naming them), text is stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Receiver(Strict):
    name: str = Field(min_length=1, max_length=200)
    phone: str = Field(min_length=1, max_length=50)
    region: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=100)
    address: str = Field(min_length=1, max_length=500)


def error_response(status: int, code: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """Refusals and invalid requests (422 `invalid_request` naming each field) in the error shape."""

    async def on_refused(_request: Request, exc: ProviderError) -> JSONResponse:
        return error_response(exc.status, exc.code, str(exc), **exc.extra)

    async def on_invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [{"field": ".".join(str(p) for p in e["loc"][1:]), "message": e["msg"]} for e in exc.errors()]
        return error_response(422, "invalid_request", "the request is invalid", fields=fields)

    app.add_exception_handler(ProviderError, on_refused)
    app.add_exception_handler(RequestValidationError, on_invalid)


def health_router(service: str) -> APIRouter:
    router = APIRouter()

    @router.get("/health", include_in_schema=False)
    async def health() -> JSONResponse:
        return JSONResponse({"status": "ok", "service": service})

    return router

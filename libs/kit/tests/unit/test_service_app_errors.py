"""The app every service serves (`create_http_app`) answers an unhandled exception itself: a
500 problem that keeps the correlation id, logged with its trace; bad path input is a 422."""

from types import SimpleNamespace

import httpx
from fastapi import APIRouter
from structlog.testing import capture_logs

from tradeflow_kit.http import create_http_app

router = APIRouter()


@router.get("/things/{thing_id}")
async def thing(thing_id: str) -> dict:
    if thing_id == "bug":
        raise KeyError("internal detail")
    return {"id": thing_id}


async def _get(path: str, **headers: str) -> httpx.Response:
    app = create_http_app(SimpleNamespace(name="test", tokens=None), routers=[router])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get(path, headers=headers)


async def test_an_unhandled_exception_is_a_500_problem_logged_with_its_trace_and_correlation_id():
    with capture_logs() as logs:
        response = await _get("/things/bug", **{"X-Correlation-ID": "corr-1"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-correlation-id"] == "corr-1"
    assert "internal detail" not in response.text
    (logged,) = [entry for entry in logs if entry["event"] == "http.unhandled_error"]
    assert isinstance(logged["exc_info"], KeyError)


async def test_a_nul_byte_in_a_path_parameter_is_a_422_problem():
    response = await _get("/things/a%00")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "thing_id",
                                          "message": "must not contain control characters (found U+0000)"}]
    assert (await _get("/things/a")).json() == {"id": "a"}


async def test_every_answer_carries_a_correlation_id_and_is_counted_by_route_template():
    from tradeflow_kit.metrics import HTTP_REQUESTS

    def served() -> float:
        return HTTP_REQUESTS.labels("GET", "/things/{thing_id}", "200")._value.get()

    before = served()
    given, generated = await _get("/things/a", **{"X-Request-ID": "req-7"}), await _get("/things/b")
    assert given.headers["x-correlation-id"] == "req-7"
    assert len(generated.headers["x-correlation-id"]) == 36  # a new uuid when the caller sent none
    assert served() == before + 2

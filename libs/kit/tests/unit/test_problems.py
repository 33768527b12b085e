import httpx
from fastapi import FastAPI
from pydantic import BaseModel, Field

from tradeflow_kit.problems import Problem, install_problem_handlers


class Line(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class Cart(BaseModel):
    lines: list[Line]


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/carts")
    def create(cart: Cart) -> dict:
        return {"lines": len(cart.lines)}

    @app.post("/conflict")
    def conflict() -> dict:
        raise Problem(409, "illegal-transition", "Illegal transition", detail="cannot ship a cancelled order")

    return app


async def _post(path: str, json: dict) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as c:
        return await c.post(path, json=json)


async def test_validation_errors_are_422_with_field_level_detail():
    response = await _post("/carts", {"lines": [{"sku": "A", "quantity": 0}]})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/validation-failed")
    assert {"field": "lines.0.quantity", "message": "Input should be greater than 0"} in body["errors"]


async def test_domain_problem_keeps_its_stable_type_and_status():
    response = await _post("/conflict", {})
    assert response.status_code == 409
    assert response.json()["type"].endswith("/illegal-transition")
    assert response.json()["detail"] == "cannot ship a cancelled order"


async def test_unknown_route_is_a_404_problem():
    response = await _post("/nowhere", {})
    assert response.status_code == 404
    assert response.json()["status"] == 404

import httpx
import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from tradeflow_kit.problems import Problem, install_problem_handlers, validation_problem


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


@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "42", "null"])
async def test_a_body_that_is_not_a_json_object_is_a_422_problem(body):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as c:
        response = await c.post("/carts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "body"


async def test_invalid_json_is_a_422_problem_on_the_body():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=_app()), base_url="http://t") as c:
        response = await c.post("/carts", content='{"lines": [', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "body", "message": "JSON decode error at position 11"}]


def test_an_error_on_the_whole_body_has_a_field_even_without_a_location():
    """`model_validate_json` of a JSON array gives an error with an empty `loc` (was IndexError)."""
    with pytest.raises(ValidationError) as caught:
        Cart.model_validate_json("[]")
    problem = validation_problem(RequestValidationError(caught.value.errors()))
    assert problem.status == 422 and problem.errors[0]["field"] == "body"


def test_invalid_json_met_by_model_validate_json_is_a_problem_on_the_body():
    with pytest.raises(ValidationError) as caught:
        Cart.model_validate_json("{not json")
    problem = validation_problem(RequestValidationError(caught.value.errors()))
    assert problem.errors[0]["field"] == "body" and problem.errors[0]["message"].startswith("Invalid JSON")

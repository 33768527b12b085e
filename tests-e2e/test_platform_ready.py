"""The running platform, through its gateway, as a client sees it."""

import httpx
import pytest
from platform_client import auth

STAFF = auth("staff-e2e", "staff")  # /ops/* through the gateway is for staff only

SERVICES = ["order", "payment", "inventory", "fulfillment", "after-sales", "channel-adapter"]


@pytest.mark.parametrize("service", SERVICES)
async def test_every_service_reports_ready_through_the_gateway(gateway_url, service):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        response = await client.get(f"/ops/{service}/ready", headers=STAFF)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["service"] == service
    assert body["checks"] == {"database": "ok", "kafka": "ok"}


@pytest.mark.parametrize(("prefix", "service"), [
    ("/orders", "order"), ("/catalog", "order"), ("/payments", "payment"), ("/inventory", "inventory"),
    ("/fulfillment", "fulfillment"), ("/entitlements", "fulfillment"), ("/after-sales", "after-sales"),
    ("/channels", "channel-adapter"),
])
async def test_gateway_routes_each_prefix_to_its_service(gateway_url, prefix, service):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        response = await client.get(f"{prefix}/no-such-resource")
    # The service (not the gateway) answers — unknown path or no token — and names the path.
    assert response.status_code in (401, 404)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json().get("instance") == f"{prefix}/no-such-resource"


async def test_unrouted_paths_get_a_problem_from_the_gateway(gateway_url):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        response = await client.get("/admin")
    assert response.status_code == 404
    assert response.json()["detail"] == "no Tradeflow API is routed at this path"


async def test_correlation_id_travels_through_the_gateway_to_the_service(gateway_url):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        response = await client.get("/ops/order/health", headers=STAFF | {"X-Correlation-ID": "corr-e2e-1"})
    assert response.status_code == 200
    assert response.headers["x-correlation-id"] == "corr-e2e-1"


async def test_each_service_publishes_its_openapi_and_asyncapi_documents(gateway_url):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        for service in SERVICES:
            openapi = await client.get(f"/ops/{service}/openapi.json", headers=STAFF)
            asyncapi = await client.get(f"/ops/{service}/asyncapi.json", headers=STAFF)
            assert openapi.status_code == 200 and openapi.json()["openapi"].startswith("3.")
            assert asyncapi.status_code == 200 and asyncapi.json()["asyncapi"].startswith("3.")


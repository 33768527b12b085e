"""The gateway answers every error it produces itself as application/problem+json — malformed
requests, oversized headers and bodies, TRACE, unrouted paths, a service that is down — and
lets only staff through to `/ops/<service>/*`. All through the real nginx of the running stack."""

import asyncio
import json
import os
from urllib.parse import urlsplit

import httpx
import pytest
from platform_client import auth
from stack_parts import kill9, status, wait_restarted

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET
from tradeflow_testing.polling import poll_until

PROBLEM = "application/problem+json"


async def raw(gateway_url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (no client normalising the URL) and read the whole answer."""
    where = urlsplit(gateway_url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    try:
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
        body = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", 0))), 10)
        return int(lines[0].split()[1]), headers, body
    finally:
        writer.close()


def get(path: str, extra: str = "", method: str = "GET") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: gateway\r\n{extra}Connection: close\r\n\r\n".encode("latin-1")


@pytest.mark.parametrize(("request_bytes", "status"), [
    (get("/orders/%00"), 400),
    (get("/orders/..%2F..%2F..%2Fetc%2Fpasswd"), 400),
    (b"NOT A REQUEST\r\n\r\n", 400),
    (get("/orders", method="TRACE"), 405),
    (get("/orders", extra=f"X-Big: {'a' * 20_000}\r\n"), 431),
    (get("/orders?" + "a" * 20_000), 414),
    (get("/orders", method="POST", extra="Content-Type: application/json\r\nContent-Length: 11000000\r\n"), 413),
    (get("/admin"), 404),
], ids=["nul-byte", "dot-dot-slash", "malformed-line", "trace", "huge-header", "huge-uri", "huge-body",
        "unrouted"])
async def test_the_gateways_own_errors_are_problems(gateway_url, request_bytes, status):
    code, headers, body = await raw(gateway_url, request_bytes)
    assert code == status
    assert headers["content-type"] == PROBLEM
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"].startswith("https://tradeflow.example/problems/")
    assert problem["title"] and problem["detail"]


async def test_ops_routes_need_a_staff_token(gateway_url):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        anonymous = await client.get("/ops/order/metrics")
        forged = await client.get("/ops/payment/openapi.json", headers={"Authorization": "Bearer not-a-jwt"})
        buyer = await client.get("/ops/inventory/docs", headers=auth("buyer-ops", "buyer"))
        merchant = await client.get("/ops/order/metrics", headers={"Authorization": "Bearer " + TokenCodec(
            os.environ.get("TRADEFLOW_JWT_SECRET", DEV_JWT_SECRET)).mint("m-ops", ["merchant"], merchant_id="m-ops")})
        staff = await client.get("/ops/order/metrics", headers=auth("staff-ops", "staff"))
    for refused, code in ((anonymous, 401), (forged, 401), (buyer, 403), (merchant, 403)):
        assert refused.status_code == code, refused.text
        assert refused.headers["content-type"] == PROBLEM and refused.json()["status"] == code
    assert "bearer" in anonymous.headers["www-authenticate"].lower()
    assert staff.status_code == 200 and "# TYPE" in staff.text


async def test_services_keep_their_metrics_on_their_own_port():
    from tradeflow_devstack.catalog import SERVICES

    async with httpx.AsyncClient(timeout=10) as client:
        for spec in SERVICES:
            response = await client.get(f"http://127.0.0.1:{spec.port}/metrics")
            assert response.status_code == 200, spec.name


@pytest.mark.serial  # kills a service
async def test_a_service_that_is_down_is_a_503_problem_with_retry_after(gateway_url):
    before = (await status())["fulfillment"]
    old_pid = kill9("fulfillment")
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        down = await poll_until(lambda: client.get("/fulfillment/shipments"), lambda r: r.status_code == 503, 10,
                                "the gateway's 503 while fulfillment is down")
        ops = await client.get("/ops/fulfillment/health", headers=auth("staff-ops", "staff"))
        assert down.headers["content-type"] == PROBLEM
        assert int(down.headers["retry-after"]) > 0
        assert down.json()["status"] == 503 and "retry" in down.json()["detail"]
        if ops.status_code != 200:  # unless it is already back: the guard's failure is a 503 too
            assert ops.status_code == 503 and ops.headers["content-type"] == PROBLEM
        await wait_restarted("fulfillment", old_pid, before["restarts"])
        back = await client.get("/fulfillment/shipments", headers=auth("staff-ops", "staff"))
        assert back.status_code != 503 and back.headers["content-type"] != "text/html"

"""Supervision of the running stack: a part killed with SIGKILL comes back by itself while the
others keep serving; services ride out a PostgreSQL or Kafka restart without exiting and without
a failed request once their `/ready` is back; `tradeflow-stack restart <part>` restarts one part."""

import httpx
import pytest
from platform_client import auth, line, order_body, unique
from stack_parts import (
    SERVICES,
    kill9,
    pid_of,
    service_of,
    service_parts,
    status,
    tradeflow_stack,
    wait_all_running,
    wait_restarted,
)

from tradeflow_devstack.catalog import replicas
from tradeflow_testing.polling import poll_until

pytestmark = pytest.mark.serial  # kills parts of the stack

STAFF = auth("staff-supervision", "staff")


async def ready(client: httpx.AsyncClient, service: str) -> httpx.Response:
    return await client.get(f"/ops/{service}/ready", headers=STAFF)


async def order_and_pay(platform) -> dict:
    """A whole flow on the first try of each request: order → reserved → paid (through Kafka)."""
    sku = await platform.product("m-sup", 1500, on_hand=5, prefix="SKU-SUP", warehouse=unique("WH-SUP"))
    buyer = unique("buyer-sup")
    placed = await platform.place(buyer, order_body([line(sku)]))
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    await platform.wait_step(order_id, "awaiting_payment", timeout=60)
    payment = await platform.start_payment(buyer, order_id)
    await platform.psp_decides(payment["psp_reference"], "succeed")
    return await platform.wait_order(order_id, lambda o: o["status"] == "awaiting_shipment", "paid", timeout=60)


async def test_status_names_every_part_with_its_current_pid():
    code, out = await tradeflow_stack("status", "--json")
    assert code == 0, out
    parts = await status()
    assert {"psp-simulator", "gateway", *SERVICES} <= set(parts)
    assert {r.name for r in replicas()} <= set(parts), "every replica (`<SERVICE>_REPLICAS`) is a part"
    for name, part in parts.items():
        assert part["state"] == "running" and part["pid"] == pid_of(name)
    assert {service_of(name) for name in parts} - {None} == set(SERVICES)


@pytest.mark.parametrize("part", ["order", "psp-simulator", "gateway"])
async def test_a_killed_part_is_restarted_while_the_others_keep_serving(gateway_url, part):
    before = await status()
    old_pid = kill9(part)
    if part != "gateway":
        async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
            for other in ("payment", "inventory"):
                assert (await ready(client, other)).status_code == 200
    await wait_restarted(part, old_pid, before[part]["restarts"])
    after = await status()
    assert all(after[name]["pid"] == before[name]["pid"] for name in before if name != part), \
        "no other part was restarted"


async def test_the_restart_command_restarts_one_part_and_waits_until_it_is_up(gateway_url):
    before = await status()
    code, out = await tradeflow_stack("restart", "payment")
    assert code == 0, out
    after = await status()
    assert after["payment"]["state"] == "running" and after["payment"]["pid"] != before["payment"]["pid"]
    assert after["payment"]["restarts"] == before["payment"]["restarts"] + 1
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        assert (await ready(client, "payment")).status_code == 200  # up means ready: no waiting here
    code, out = await tradeflow_stack("restart", "no-such-part")
    assert code != 0 and "no part" in out


async def _rides_out(part: str, dependency: str, gateway_url: str, platform) -> None:
    parts = await status()
    if part not in parts:
        pytest.skip(f"{part} is external to this stack (not supervised here)")
    old_pid = kill9(part)
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as client:
        seen = await poll_until(lambda: ready(client, "order"), lambda r: r.status_code == 503, 30,
                                f"order's /ready naming {dependency} while {part} is down")
        assert dependency in seen.json()["detail"]
        await wait_restarted(part, old_pid, parts[part]["restarts"])
        for service in SERVICES:
            await poll_until(lambda s=service: ready(client, s), lambda r: r.status_code == 200, 60,
                             f"{service} ready again")
    after = await wait_all_running()
    services = service_parts(parts)
    assert all(after[s]["pid"] == parts[s]["pid"] for s in services), f"no service exited (of {services})"
    await order_and_pay(platform)


async def test_services_ride_out_a_postgres_kill(gateway_url, platform):
    await order_and_pay(platform)  # every pool holds connections the kill will break
    await _rides_out("postgres", "database", gateway_url, platform)


async def test_services_ride_out_a_kafka_kill(gateway_url, platform):
    await _rides_out("kafka", "kafka", gateway_url, platform)

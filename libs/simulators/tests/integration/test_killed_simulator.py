"""The warehouse simulator run as the stack runs it (`python -m tradeflow_simulators.wms`, its book
in `$TRADEFLOW_HOME/.local/wms-sim/`), killed with signal 9 while its webhooks cannot be
delivered: started again, it knows the dispatch and delivers them, under the same event ids."""

import asyncio
import os
import signal
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from simulator_calls import API_KEY, dispatch_body

from tradeflow_simulators.serving import bound_socket, url_of
from tradeflow_testing.polling import poll_until, poll_within


@asynccontextmanager
async def _process(env: dict[str, str], log: Path):
    """The simulator in its own process; killed -9 on the way out if still running."""
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tradeflow_simulators.wms", env=env,
                                                    stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out)
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def _up(url: str) -> None:
    async def health() -> int:
        try:
            async with httpx.AsyncClient() as http:
                return (await http.get(f"{url}/health")).status_code
        except httpx.HTTPError:
            return 0
    took, _ = await poll_within(health, lambda status: status == 200, 30, pause=0.1)
    assert took, f"the simulator at {url} did not come up"


async def test_a_warehouse_killed_with_signal_9_comes_back_with_its_dispatch_and_undelivered_webhooks(
        receiver, tmp_path):
    sock = bound_socket()
    url, port = url_of(sock), sock.getsockname()[1]
    sock.close()  # the process binds it
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("WMS_SIM_")}  # not a stack's settings
    env = {**inherited, "TRADEFLOW_HOME": str(tmp_path), "WMS_SIM_PORT": str(port), "TRADEFLOW_WMS_API_KEY": API_KEY,
           "WMS_SIM_CALLBACK_URL": receiver.url, "WMS_SIM_WEBHOOK_BACKOFF_SECONDS": "0.05",
           "WMS_SIM_WEBHOOK_MAX_BACKOFF_SECONDS": "0.2"}
    receiver.failures = 10**9  # every webhook fails until the restart
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {API_KEY}"}) as sim:
        async with _process(env, tmp_path / "wms-1.log") as first:
            await _up(url)
            assert (await sim.post("/wms/dispatches", json=dispatch_body("D-K1"))).status_code == 201
            await sim.post("/sim/dispatches/D-K1", json={"outcome": "ship"})
            before = await poll_until(lambda: _webhooks(sim), lambda items: len(items) == 3 and items[0]["attempts"],
                                      10, "three webhooks, the first tried")
            first.send_signal(signal.SIGKILL)
            assert await first.wait() == -signal.SIGKILL
        assert (tmp_path / ".local" / "wms-sim" / "wms.sqlite3").is_file()

        receiver.failures = 0
        async with _process(env, tmp_path / "wms-2.log"):
            await _up(url)
            dispatch = (await sim.get("/wms/dispatches/D-K1")).json()
            after = await poll_until(lambda: _webhooks(sim),
                                     lambda items: [d["state"] for d in items] == ["delivered"] * 3, 10,
                                     "the three webhooks delivered after the restart")
    assert dispatch["status"] == "shipped"
    assert [(d["type"], d["event_id"]) for d in after] == [(d["type"], d["event_id"]) for d in before]
    assert [e["event_id"] for e in receiver.events(dispatch_number="D-K1")] == [d["event_id"] for d in before]


async def _webhooks(sim: httpx.AsyncClient) -> list[dict]:
    return (await sim.get("/sim/webhooks", params={"dispatch_number": "D-K1"})).json()["items"]

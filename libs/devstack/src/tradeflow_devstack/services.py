"""The six services as processes: migrate each database, start each, wait until ready."""

import asyncio
import os
import sys

import httpx

from tradeflow_devstack.catalog import SERVICES, SIMULATORS, ServiceSpec
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.procs import ManagedProcess
from tradeflow_devstack.waiting import StackError, port_open, wait_until


async def migrate(layout: Layout, spec: ServiceSpec, env: dict[str, str]) -> None:
    ini = layout.root / "services" / spec.name / "alembic.ini"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    if proc.returncode != 0:
        raise StackError(f"migrations of {spec.name} failed:\n{output.decode(errors='replace')[-3000:]}")


async def migrate_all(layout: Layout, env: dict[str, str]) -> None:
    await asyncio.gather(*(migrate(layout, s, env) for s in SERVICES))


def service_process(layout: Layout, spec: ServiceSpec, env: dict[str, str], echo: bool, index: int) -> ManagedProcess:
    own = env | {f"{spec.env_prefix}HTTP_PORT": str(spec.port), f"{spec.env_prefix}HTTP_HOST": "127.0.0.1"}
    return ManagedProcess(spec.name, [sys.executable, "-m", f"{spec.package}.main"], layout,
                          env=own, echo=echo, color=3 + index)


async def is_ready(url: str) -> bool:
    async with httpx.AsyncClient(timeout=3) as client:
        return (await client.get(url)).status_code == 200


async def start_services(layout: Layout, env: dict[str, str], echo: bool) -> list[ManagedProcess]:
    procs = [service_process(layout, s, env, echo, i) for i, s in enumerate(SERVICES)]
    for p in procs:
        await p.start()
    timeout = float(os.environ.get("TRADEFLOW_READY_TIMEOUT", 90))
    await asyncio.gather(*(
        wait_until(f"{s.name} /ready", lambda s=s: is_ready(f"http://127.0.0.1:{s.port}/ready"), timeout, p)
        for s, p in zip(SERVICES, procs, strict=True)))
    return procs


async def start_simulators(layout: Layout, env: dict[str, str], echo: bool) -> list[ManagedProcess]:
    """Start the outside-system simulators; each must accept connections before services start."""
    procs = []
    for index, sim in enumerate(SIMULATORS):
        own = env | {"PSP_SIM_HOST": "127.0.0.1", "PSP_SIM_PORT": str(sim.port)}
        proc = ManagedProcess(sim.name, [sys.executable, "-m", sim.module], layout, env=own, echo=echo,
                              color=9 + index)
        await proc.start()
        procs.append(proc)
        await wait_until(sim.name, lambda sim=sim: port_open("127.0.0.1", sim.port), 30, proc)
        env[sim.url_var] = f"http://127.0.0.1:{sim.port}"
    return procs

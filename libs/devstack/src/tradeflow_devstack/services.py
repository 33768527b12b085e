"""The six services and the simulators as supervised parts: migrate each database (once per
service, at stack start — never on a part restart, never per replica), start each replica, and
know when it is up (`/ready` on its own port)."""

import asyncio
import os
import sys

import asyncpg
import httpx
from alembic.config import Config
from alembic.script import ScriptDirectory

from tradeflow_devstack.catalog import SERVICES, SIMULATORS, Replica, ServiceSpec, SimulatorSpec, replicas
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.procs import ManagedProcess
from tradeflow_devstack.supervisor import Part
from tradeflow_devstack.waiting import StackError, port_open

SIMULATOR_TIER, SERVICE_TIER = 1, 2


async def at_head(layout: Layout, spec: ServiceSpec, env: dict[str, str]) -> bool:
    """True when the service's database is already at its migrations' head(s): then the stack
    skips `alembic upgrade` (a Python process per service, ~15 s of a 2-core machine)."""
    url = env.get(f"{spec.env_prefix}DATABASE_URL")
    if not url:
        return False
    try:
        config = Config(str(layout.root / "services" / spec.name / "alembic.ini"))
        heads = set(await asyncio.to_thread(lambda: ScriptDirectory.from_config(config).get_heads()))
        conn = await asyncpg.connect(url.replace("+asyncpg", ""), timeout=5)
        try:
            current = {r[0] for r in await conn.fetch("select version_num from alembic_version")}
        finally:
            await conn.close()
    except Exception:  # noqa: BLE001 — no version table yet, unreadable scripts…: migrate
        return False
    return bool(heads) and current == heads


async def migrate(layout: Layout, spec: ServiceSpec, env: dict[str, str]) -> None:
    if await at_head(layout, spec, env):
        return
    ini = layout.root / "services" / spec.name / "alembic.ini"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await proc.communicate()
    if proc.returncode != 0:
        raise StackError(f"migrations of {spec.name} failed:\n{output.decode(errors='replace')[-3000:]}")


async def migrate_all(layout: Layout, env: dict[str, str]) -> None:
    await asyncio.gather(*(migrate(layout, s, env) for s in SERVICES))


def service_process(layout: Layout, replica: Replica, env: dict[str, str], echo: bool, index: int) -> ManagedProcess:
    """One replica: the service's settings, with the replica's own HTTP port."""
    spec = replica.service
    own = env | {f"{spec.env_prefix}HTTP_PORT": str(replica.port), f"{spec.env_prefix}HTTP_HOST": "127.0.0.1"}
    return ManagedProcess(replica.name, [sys.executable, "-m", f"{spec.package}.main"], layout,
                          env=own, echo=echo, color=3 + index)


async def is_ready(url: str) -> bool:
    async with httpx.AsyncClient(timeout=3) as client:
        return (await client.get(url)).status_code == 200


def service_parts(layout: Layout, env: dict[str, str], echo: bool) -> list[Part]:
    """One part per replica of each service (`order`, `order-2`, …); up = `GET /ready` on the
    replica's port answers 200 (database and Kafka reachable)."""
    timeout = float(os.environ.get("TRADEFLOW_READY_TIMEOUT", 90))
    colors = {s.name: i for i, s in enumerate(SERVICES)}
    return [Part(service_process(layout, r, env, echo, colors[r.service.name]),
                 check=lambda r=r: is_ready(f"http://127.0.0.1:{r.port}/ready"),
                 start_timeout=timeout, tier=SERVICE_TIER)
            for r in replicas()]


def simulator_part(layout: Layout, sim: SimulatorSpec, env: dict[str, str], echo: bool, index: int) -> Part:
    """An outside-system simulator; up = it accepts connections. Its callback URL (through the
    gateway) and its peers' URLs are defaults: the environment may set its own."""
    defaults = {setting: env[url_var] for setting, url_var in sim.peers}
    if sim.callback_path:
        defaults[f"{sim.env_prefix}CALLBACK_URL"] = f"http://127.0.0.1:{layout.gateway_port}{sim.callback_path}"
    own = defaults | env | {f"{sim.env_prefix}HOST": "127.0.0.1", f"{sim.env_prefix}PORT": str(sim.port)}
    process = ManagedProcess(sim.name, [sys.executable, "-m", sim.module], layout, env=own, echo=echo,
                             color=9 + index)
    return Part(process, check=lambda: port_open("127.0.0.1", sim.port), start_timeout=30, tier=SIMULATOR_TIER)


def simulator_parts(layout: Layout, env: dict[str, str], echo: bool) -> list[Part]:
    """Every simulator; sets each one's URL (`url_var`) in `env` first, so they can name each other."""
    for sim in SIMULATORS:
        env[sim.url_var] = f"http://127.0.0.1:{sim.port}"
    return [simulator_part(layout, sim, env, echo, i) for i, sim in enumerate(SIMULATORS)]

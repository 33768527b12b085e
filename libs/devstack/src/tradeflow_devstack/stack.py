"""Bring the whole platform up, keep it up (supervision), and bring it down.

Start order, with everything that can overlap started side by side:
1. PostgreSQL, Kafka and the gateway (nginx needs no service up: it answers 503 for them);
2. databases + migrations, topics, and the simulators;
3. the six services at once — every replica of each (`<SERVICE>_REPLICAS`, catalog.py) — each
   up when its `/ready` answers 200.
Migrations and topics run once per stack start (once per service, whatever its replicas), never
on a part's restart. When
`TRADEFLOW_POSTGRES_URL`, every `<SERVICE>_DATABASE_URL`, or `KAFKA_BOOTSTRAP_SERVERS` is set,
that part is used as given and nothing local is started (or supervised) for it.
"""

import asyncio
import os

from tradeflow_contracts.topics import all_topics
from tradeflow_devstack.catalog import SERVICES, SIMULATORS, replicas
from tradeflow_devstack.control import ControlServer, write_state
from tradeflow_devstack.gateway import LocalGateway
from tradeflow_devstack.kafka import LocalKafka
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.postgres import LocalPostgres, admin_url, ensure_databases
from tradeflow_devstack.procs import claim_stack, release_stack
from tradeflow_devstack.services import migrate_all, service_parts, simulator_parts
from tradeflow_devstack.supervisor import Supervisor
from tradeflow_kit.settings import database_name
from tradeflow_kit.topics import ensure_topics


def asyncpg_url(server_url: str, database: str) -> str:
    scheme, rest = server_url.split("://", 1)
    return f"{scheme.split('+')[0]}+asyncpg://{rest.rstrip('/')}/{database}"


async def _all(*steps) -> list:
    """Run steps side by side; the first failure cancels the others and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(step) for step in steps]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [t.result() for t in tasks]


class Stack:
    def __init__(self, layout: Layout, echo: bool) -> None:
        self.layout, self.echo = layout, echo
        self.supervisor = Supervisor(on_change=self._state_changed)
        self.control = ControlServer(layout.run, self.supervisor)
        self.endpoints: dict[str, str] = {}
        self._claimed = False

    @property
    def processes(self) -> list:
        return [p.process for p in self.supervisor.parts.values()]

    def _state_changed(self, parts: list[dict]) -> None:
        if self._claimed:
            write_state(self.layout.run, parts)

    async def up(self, with_services: bool = True) -> dict[str, str]:
        """Start everything; returns the environment that clients of the stack (tests) need."""
        replicas()  # a bad `<SERVICE>_REPLICAS` is refused before anything starts
        self.layout.prepare()
        claim_stack(self.layout.run)
        self._claimed = True
        write_state(self.layout.run, [])
        await self.control.start()
        env = dict(os.environ)
        pg_url, bootstrap, _ = await _all(self._postgres(), self._kafka(),
                                          self._gateway(env) if with_services else asyncio.sleep(0))
        env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
        if pg_url:
            env["TRADEFLOW_POSTGRES_URL"] = pg_url
            for s in SERVICES:
                env.setdefault(f"{s.env_prefix}DATABASE_URL", asyncpg_url(pg_url, database_name(s.name)))
        await _all(self._databases(pg_url, env, migrate=with_services), self._topics(bootstrap),
                   self._simulators(env) if with_services else asyncio.sleep(0))
        if with_services:
            await self._services(env)
        return env

    async def _postgres(self) -> str | None:
        if url := os.environ.get("TRADEFLOW_POSTGRES_URL"):
            self.endpoints["postgres"] = f"{url} (external)"
            return url
        if all(f"{s.env_prefix}DATABASE_URL" in os.environ for s in SERVICES):
            self.endpoints["postgres"] = "per-service DATABASE_URLs (external)"
            return None
        pg = LocalPostgres(self.layout, self.echo)
        await self.supervisor.launch(pg.part())
        self.endpoints["postgres"] = f"{admin_url(self.layout)}  data: {pg.data}"
        return admin_url(self.layout)

    async def _kafka(self) -> str:
        if bootstrap := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            self.endpoints["kafka"] = f"{bootstrap} (external)"
            return bootstrap
        kafka = LocalKafka(self.layout, self.echo)
        await self.supervisor.launch(kafka.part())
        self.endpoints["kafka"] = f"{kafka.bootstrap}  data: {kafka.data}"
        return kafka.bootstrap

    async def _gateway(self, env: dict[str, str]) -> None:
        gateway = LocalGateway(self.layout, self.echo)
        await self.supervisor.launch(gateway.part())
        self.endpoints["gateway"] = gateway.url
        env["TRADEFLOW_GATEWAY_URL"] = gateway.url

    async def _databases(self, pg_url: str | None, env: dict[str, str], migrate: bool) -> None:
        if pg_url:
            await ensure_databases(pg_url, [database_name(s.name) for s in SERVICES])
        if migrate:
            await migrate_all(self.layout, env)

    async def _topics(self, bootstrap: str) -> None:
        created = await ensure_topics(bootstrap, all_topics())
        self.endpoints["topics"] = f"{len(all_topics())} ({len(created)} created now)"

    async def _simulators(self, env: dict[str, str]) -> None:
        parts = simulator_parts(self.layout, env, self.echo)
        await _all(*(self.supervisor.launch(p) for p in parts))
        for sim in SIMULATORS:
            self.endpoints[sim.name] = env[sim.url_var]

    async def _services(self, env: dict[str, str]) -> None:
        for sim in SIMULATORS:  # PAYMENT_PSP_BASE_URL, FULFILLMENT_WMS_URL, FULFILLMENT_TMS_URL
            env.setdefault(sim.service_var, env[sim.url_var])
        # The services' own setting, not exported to `exec`'s command (tests read the default).
        services_env = {"PAYMENT_PUBLIC_CALLBACK_URL":
                        f"http://127.0.0.1:{self.layout.gateway_port}/payments/psp/callbacks"} | env
        await _all(*(self.supervisor.launch(p) for p in service_parts(self.layout, services_env, self.echo)))
        for r in replicas():
            self.endpoints[r.name] = f"http://127.0.0.1:{r.port}  (docs: /docs, asyncapi: /asyncapi)"

    async def down(self) -> None:
        """Stop everything this stack started (nothing, if it never claimed the checkout)."""
        await self.control.stop()
        await self.supervisor.down()
        if self._claimed:
            release_stack(self.layout.run)
            self.layout.run.joinpath("stack.json").unlink(missing_ok=True)
            self._claimed = False

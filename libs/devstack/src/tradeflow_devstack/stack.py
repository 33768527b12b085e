"""Bring the whole platform up in dependency order, and down in reverse.

PostgreSQL and Kafka start side by side; then databases, topics and migrations; then the six
services (each must report ready); then the gateway. When `TRADEFLOW_POSTGRES_URL`, every
`<SERVICE>_DATABASE_URL`, or `KAFKA_BOOTSTRAP_SERVERS` is set, that part is used as given and
nothing local is started for it.
"""

import asyncio
import os

from tradeflow_contracts.topics import all_topics
from tradeflow_devstack.catalog import SERVICES, SIMULATORS
from tradeflow_devstack.gateway import LocalGateway
from tradeflow_devstack.kafka import LocalKafka
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.postgres import LocalPostgres, admin_url, ensure_databases
from tradeflow_devstack.procs import ManagedProcess, claim_stack, release_stack
from tradeflow_devstack.services import migrate_all, start_services, start_simulators
from tradeflow_kit.settings import database_name
from tradeflow_kit.topics import ensure_topics


def asyncpg_url(server_url: str, database: str) -> str:
    scheme, rest = server_url.split("://", 1)
    return f"{scheme.split('+')[0]}+asyncpg://{rest.rstrip('/')}/{database}"


class Stack:
    def __init__(self, layout: Layout, echo: bool) -> None:
        self.layout, self.echo = layout, echo
        self.processes: list[ManagedProcess] = []
        self.endpoints: dict[str, str] = {}

    async def up(self, with_services: bool = True) -> dict[str, str]:
        """Start everything; returns the environment that clients of the stack (tests) need."""
        self.layout.prepare()
        claim_stack(self.layout.run)
        env = dict(os.environ)
        pg_url, bootstrap = await self._infrastructure()
        if pg_url:
            await ensure_databases(pg_url, [database_name(s.name) for s in SERVICES])
            env["TRADEFLOW_POSTGRES_URL"] = pg_url
            for s in SERVICES:
                env.setdefault(f"{s.env_prefix}DATABASE_URL", asyncpg_url(pg_url, database_name(s.name)))
        created = await ensure_topics(bootstrap, all_topics())
        self.endpoints["topics"] = f"{len(all_topics())} ({len(created)} created now)"
        env["KAFKA_BOOTSTRAP_SERVERS"] = bootstrap
        if with_services:
            await self._services(env)
        return env

    async def _infrastructure(self) -> tuple[str | None, str]:
        """PostgreSQL and Kafka side by side; if one fails, the other is cancelled too."""
        try:
            async with asyncio.TaskGroup() as group:
                postgres = group.create_task(self._postgres())
                kafka = group.create_task(self._kafka())
        except BaseExceptionGroup as failed:
            raise failed.exceptions[0] from None
        return postgres.result(), kafka.result()

    async def _postgres(self) -> str | None:
        if url := os.environ.get("TRADEFLOW_POSTGRES_URL"):
            self.endpoints["postgres"] = f"{url} (external)"
            return url
        if all(f"{s.env_prefix}DATABASE_URL" in os.environ for s in SERVICES):
            self.endpoints["postgres"] = "per-service DATABASE_URLs (external)"
            return None
        pg = LocalPostgres(self.layout, self.echo)
        self.processes.append(pg.process)
        await pg.start()
        self.endpoints["postgres"] = f"{admin_url(self.layout)}  data: {pg.data}"
        return admin_url(self.layout)

    async def _kafka(self) -> str:
        if bootstrap := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
            self.endpoints["kafka"] = f"{bootstrap} (external)"
            return bootstrap
        kafka = LocalKafka(self.layout, self.echo)
        self.processes.append(kafka.process)
        await kafka.start()
        self.endpoints["kafka"] = f"{kafka.bootstrap}  data: {kafka.data}"
        return kafka.bootstrap

    async def _services(self, env: dict[str, str]) -> None:
        await migrate_all(self.layout, env)
        self.processes.extend(await start_simulators(self.layout, env, self.echo))
        for sim in SIMULATORS:
            self.endpoints[sim.name] = env[sim.url_var]
        env.setdefault("PAYMENT_PSP_BASE_URL", env["TRADEFLOW_PSP_SIMULATOR_URL"])
        env.setdefault("PAYMENT_PUBLIC_CALLBACK_URL",
                       f"http://127.0.0.1:{self.layout.gateway_port}/payments/psp/callbacks")
        self.processes.extend(await start_services(self.layout, env, self.echo))
        for s in SERVICES:
            self.endpoints[s.name] = f"http://127.0.0.1:{s.port}  (docs: /docs, asyncapi: /asyncapi)"
        gateway = LocalGateway(self.layout, self.echo)
        self.processes.append(gateway.process)
        await gateway.start()
        self.endpoints["gateway"] = gateway.url
        env["TRADEFLOW_GATEWAY_URL"] = gateway.url

    def exited(self) -> list[ManagedProcess]:
        return [p for p in self.processes if p.proc is not None and not p.running]

    async def down(self) -> None:
        for process in reversed(self.processes):
            await process.stop()
        self.processes.clear()
        release_stack(self.layout.run)

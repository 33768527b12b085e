"""A service process's long-lived parts, built once in the composition root (never at import)."""

import asyncio
from dataclasses import dataclass

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tradeflow_kit.auth import TokenCodec
from tradeflow_kit.db import create_engine, ping_database, session_factory
from tradeflow_kit.kafka import BrokerConnection, create_broker
from tradeflow_kit.settings import ServiceSettings


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: KafkaBroker
    kafka: BrokerConnection
    tokens: TokenCodec

    @property
    def name(self) -> str:
        return self.settings.service_name

    async def start(self) -> None:
        self.kafka.start()

    async def stop(self) -> None:
        await self.kafka.stop()
        await self.engine.dispose()

    async def readiness(self) -> dict[str, str]:
        """Each dependency → "ok" or the reason it is not usable (checked concurrently)."""
        timeout = self.settings.ready_timeout_seconds
        db, kafka = await asyncio.gather(self._check_database(timeout), self.kafka.ping(timeout))
        return {"database": db or "ok", "kafka": kafka or "ok"}

    async def _check_database(self, timeout: float) -> str | None:
        try:
            async with asyncio.timeout(timeout):
                await ping_database(self.engine)
        except TimeoutError:
            return f"database: no answer within {timeout}s"
        except Exception as exc:  # noqa: BLE001 — any failure is the reason we report
            return f"database: {type(exc).__name__}: {exc}"
        return None


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    engine = create_engine(settings.database_url)
    broker = create_broker(settings.kafka_bootstrap_servers, client_id=f"tradeflow-{settings.service_name}")
    return ServiceRuntime(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        broker=broker,
        kafka=BrokerConnection(broker),
        tokens=TokenCodec(settings.jwt_secret.get_secret_value(), settings.jwt_issuer),
    )

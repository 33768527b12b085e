"""Run a service under uvicorn with graceful shutdown (SIGTERM/SIGINT drain in-flight work).

The app is built inside the running event loop: the Kafka clients it holds need one.
"""

import asyncio
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from tradeflow_kit.logging import configure_logging
from tradeflow_kit.settings import ServiceSettings


def serve(settings: ServiceSettings, build_app: Callable[[ServiceSettings], FastAPI]) -> None:
    configure_logging(settings.service_name, settings.log_format, settings.log_level)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(_serve(settings, build_app))


def _loop_factory():
    """uvloop when installed (uvicorn[standard] brings it): a faster loop for the same code."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


async def _serve(settings: ServiceSettings, build_app: Callable[[ServiceSettings], FastAPI]) -> None:
    config = uvicorn.Config(
        build_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
    )
    await uvicorn.Server(config).serve()

"""Run a service under uvicorn with graceful shutdown (SIGTERM/SIGINT drain in-flight work)."""

from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from tradeflow_kit.logging import configure_logging
from tradeflow_kit.settings import ServiceSettings


def serve(settings: ServiceSettings, build_app: Callable[[ServiceSettings], FastAPI]) -> None:
    configure_logging(settings.service_name, settings.log_format, settings.log_level)
    app = build_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
    )
    uvicorn.Server(config).run()

"""Serve an ASGI app on a real local port inside the running event loop (tests, demos)."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import uvicorn


@asynccontextmanager
async def serving(app, *, host: str = "127.0.0.1", port: int = 0,
                  lifespan: Literal["auto", "on", "off"] = "auto") -> AsyncIterator[str]:
    """Yield the base URL of `app` served by uvicorn; port 0 picks a free one (no race: we bind it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    server = uvicorn.Server(uvicorn.Config(app, lifespan=lifespan, log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"serving-{sock.getsockname()[1]}")
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the server stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()

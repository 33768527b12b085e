"""Serve an ASGI app on a real local port inside the running event loop (tests, demos)."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Literal

import uvicorn


def bound_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket bound to `host:port` (0: a free port), to learn the URL before serving on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{host}:{port}"


@asynccontextmanager
async def serving(app, *, sock: socket.socket | None = None,
                  lifespan: Literal["auto", "on", "off"] = "auto") -> AsyncIterator[str]:
    """Yield the base URL of `app` served by uvicorn on `sock` (default: a free local port)."""
    sock = sock or bound_socket()
    server = uvicorn.Server(uvicorn.Config(app, lifespan=lifespan, log_level="warning", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"serving-{sock.getsockname()[1]}")
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the server stopped before it started")
            await asyncio.sleep(0.01)
        yield url_of(sock)
    finally:
        server.should_exit = True
        await task
        sock.close()

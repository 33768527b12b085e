"""Serve an ASGI app on a real local port inside the running event loop (tests, demos)."""

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Literal

import uvicorn

from tradeflow_simulators.stopping import cancel_all

STOP_SECONDS = 10.0  # how long a served app may take to stop before it is stopped by force


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
async def serving(app, *, sock: socket.socket | None = None, lifespan: Literal["auto", "on", "off"] = "auto",
                  stop_seconds: float = STOP_SECONDS) -> AsyncIterator[str]:
    """Yield the base URL of `app` served by uvicorn on `sock` (default: a free local port); on
    leaving, stop it within `stop_seconds` (see `_stopped`)."""
    sock = sock or bound_socket()
    server = uvicorn.Server(uvicorn.Config(app, lifespan=lifespan, log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=stop_seconds / 2))
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
        try:
            await _stopped(server, task, stop_seconds)
        finally:
            sock.close()


async def _stopped(server: uvicorn.Server, task: asyncio.Task, seconds: float) -> None:
    """Wait for `server` to stop: its requests may take half of the `seconds` to end, its app's
    shutdown the rest. Past that it is stopped by force (its connections dropped, its task
    cancelled) and TimeoutError says so: a stop never waits for ever, and one that had to be
    forced fails the test rather than passing unnoticed."""
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        task.result()
        return
    server.force_exit = True
    await cancel_all([task])
    raise TimeoutError(f"the app served on {task.get_name()} did not stop within {seconds} s; stopped by force")


class RestartableServer:
    """An app served on a fixed local port that can be stopped and started again on the same port
    (an outage, then a restart); `make_app` builds the app anew at each start."""

    def __init__(self, make_app: Callable[[], object]) -> None:
        self.make_app, self.sock = make_app, bound_socket()
        self.url, self.port = url_of(self.sock), self.sock.getsockname()[1]
        self._serving = None

    async def start(self) -> None:
        sock, self.sock = self.sock or bound_socket(port=self.port), None
        self._serving = serving(self.make_app(), sock=sock)
        await self._serving.__aenter__()

    async def stop(self) -> None:
        serving_now, self._serving = self._serving, None
        if serving_now is not None:
            await serving_now.__aexit__(None, None, None)

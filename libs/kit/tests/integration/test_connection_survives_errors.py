"""A real uvicorn server and one raw keep-alive TCP connection: a request that raises must not
close the connection, or the next request a proxy sends on it — anyone's — fails (a 502)."""

import asyncio
import socket
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI

from tradeflow_kit.errors_middleware import UnhandledErrors
from tradeflow_kit.problems import install_problem_handlers
from tradeflow_testing.polling import eventually


def _app(guarded: bool) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    if guarded:
        app.add_middleware(UnhandledErrors)

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("a bug")

    @app.get("/fine")
    async def fine() -> dict:
        return {"ok": True}

    return app


async def _started(server: uvicorn.Server) -> bool:
    return server.started


@asynccontextmanager
async def serving(app: FastAPI):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        await eventually(lambda: _started(server), timeout=10, what="uvicorn to listen")
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def _exchange(reader, writer, path: str) -> tuple[int, bytes, bytes]:
    """One request on the open connection; (status, headers, body), or (0, b"", b"") if closed."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: service\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5) if not reader.at_eof() else b""
    if not head:
        return 0, b"", b""
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length"))
    return int(head.split(b" ")[1]), head, await asyncio.wait_for(reader.readexactly(length), 5)


async def _after_an_error(app: FastAPI) -> tuple[int, bytes, int]:
    async with serving(app) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            status, head, _ = await _exchange(reader, writer, "/boom")
            try:
                following, _, _ = await _exchange(reader, writer, "/fine")
            except (asyncio.IncompleteReadError, ConnectionError):
                following = 0
            return status, head, following
        finally:
            writer.close()


async def test_a_request_that_raises_leaves_the_keep_alive_connection_usable():
    status, head, following = await _after_an_error(_app(guarded=True))
    assert status == 500 and b"application/problem+json" in head
    assert b"connection: close" not in head.lower()
    assert following == 200


async def test_without_the_guard_the_connection_is_closed_and_the_next_request_fails():
    """The defect the guard fixes: Starlette re-raises after its 500 and uvicorn hangs up."""
    status, _, following = await _after_an_error(_app(guarded=False))
    assert status == 500
    assert following == 0

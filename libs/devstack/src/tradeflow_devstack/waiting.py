"""Waiting for a process to become usable: poll with a deadline, never a fixed sleep."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from tradeflow_devstack.procs import ManagedProcess


class StackError(RuntimeError):
    """The stack could not be brought up; the message says which part and why."""


async def wait_until(what: str, check: Callable[[], Awaitable[bool]], timeout: float,
                     proc: ManagedProcess | None = None, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.proc is not None and not proc.running:
            raise StackError(f"{proc.name} exited with code {proc.proc.returncode} while waiting for {what}; "
                             f"last lines of {proc.log_path}:\n{proc.tail()}")
        try:
            if await check():
                return
        except Exception:  # noqa: BLE001, S110 — not ready yet; the deadline bounds the wait
            pass
        if time.monotonic() > deadline:
            tail = f"; last lines of {proc.log_path}:\n{proc.tail()}" if proc else ""
            raise StackError(f"{what} not ready after {timeout:.0f}s{tail}")
        await asyncio.sleep(interval)


async def port_open(host: str, port: int) -> bool:
    try:
        _reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 1.0)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True

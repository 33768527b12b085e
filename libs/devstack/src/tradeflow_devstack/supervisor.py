"""Supervision: every part of the stack is restarted when it exits, while the others keep serving.

Rules:
* A part is one process group (PostgreSQL, Kafka, a simulator, a service, the gateway). Its
  `.local/run/<name>.pid` always holds the pid of the current group leader.
* The first start is strict: a part that exits three times in a row, or does not pass its
  check in time, fails the whole start-up (with the tail of its log) — a broken configuration
  must not loop silently.
* Afterwards, a part that exits is restarted: its whole process group is killed first (the
  PostgreSQL backends a killed postmaster leaves, nginx workers, a JVM's children), then it is
  started again after a backoff of 0.5 s doubling to 10 s; the backoff resets once the part has
  stayed up for `STABLE_AFTER` seconds. It is `running` again when its check passes (a port, or
  `/ready` for services) — with no deadline: a service waiting for its database stays `starting`.
* `restart(name)` (the `tradeflow-stack restart` command) stops a part gracefully, starts it and
  waits until it is up. Only `down()` (Ctrl-C, SIGTERM, `make stop`) stops everything.
"""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tradeflow_devstack.procs import ManagedProcess, kill_group
from tradeflow_devstack.waiting import StackError, wait_until

MIN_BACKOFF, MAX_BACKOFF, STABLE_AFTER = 0.5, 10.0, 10.0
CHECK_INTERVAL = 0.2

RUNNING, STARTING, RESTARTING, STOPPED = "running", "starting", "restarting", "stopped"


@dataclass(eq=False)
class Part:
    """One supervised process: how to prepare its start, and how to tell that it is up."""

    process: ManagedProcess
    check: Callable[[], Awaitable[bool]]
    prepare: Callable[[], Awaitable[None]] | None = None
    start_timeout: float = 60.0
    tier: int = 0  # stopped after every part of a higher tier (infrastructure 0 … gateway 3)
    state: str = STOPPED
    restarts: int = 0
    since: float = field(default_factory=time.time)
    running_since: float | None = None
    _requests: list[asyncio.Future] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def name(self) -> str:
        return self.process.name

    @property
    def pid(self) -> int | None:
        return self.process.proc.pid if self.process.proc else None

    def describe(self) -> dict:
        return {"name": self.name, "pid": self.pid, "state": self.state, "restarts": self.restarts,
                "since": datetime.fromtimestamp(self.since, UTC).isoformat(timespec="seconds")}


class Supervisor:
    def __init__(self, on_change: Callable[[list[dict]], None] | None = None) -> None:
        self.parts: dict[str, Part] = {}
        self._watchers: dict[str, asyncio.Task] = {}
        self._on_change = on_change
        self.stopping = False

    def snapshot(self) -> list[dict]:
        return [p.describe() for p in self.parts.values()]

    def _set(self, part: Part, state: str) -> None:
        part.state, part.since = state, time.time()
        part.running_since = time.monotonic() if state == RUNNING else None
        if self._on_change:
            self._on_change(self.snapshot())

    async def launch(self, part: Part, attempts: int = 3) -> None:
        """First start of a part: strict (see the module rules), except that a part that exits
        at once is tried `attempts` times — its port may be briefly held (e.g. as another
        connection's ephemeral port). Then it is supervised."""
        self.parts[part.name] = part
        for attempt in range(1, attempts + 1):
            if part.prepare:
                await part.prepare()
            await part.process.start()
            self._set(part, STARTING)
            try:
                await wait_until(part.name, part.check, part.start_timeout, part.process)
                break
            except StackError:
                if attempt == attempts or part.process.running:  # a timeout, or the last try
                    raise
                part.process.announce(f"exited while starting (try {attempt} of {attempts}); trying again")
                kill_group(part.process)
                await asyncio.sleep(MIN_BACKOFF * attempt)
        self._set(part, RUNNING)
        self._watchers[part.name] = asyncio.create_task(self._watch(part), name=f"supervise-{part.name}")

    async def restart(self, name: str) -> float:
        """Stop `name` gracefully, start it, wait until it is up; returns the seconds it took."""
        part = self.parts.get(name)
        if part is None:
            raise KeyError(name)
        began = time.monotonic()
        done: asyncio.Future = asyncio.get_running_loop().create_future()
        part._requests.append(done)
        part._wake.set()
        await done
        return time.monotonic() - began

    async def _watch(self, part: Part) -> None:
        backoff = MIN_BACKOFF
        while not self.stopping:
            exited = asyncio.create_task(part.process.exited())
            woken = asyncio.create_task(part._wake.wait())
            await asyncio.wait({exited, woken}, return_when=asyncio.FIRST_COMPLETED)
            woken.cancel()
            if self.stopping:
                exited.cancel()
                return
            if part._wake.is_set():  # a restart was asked for
                part._wake.clear()
                requests, part._requests = part._requests, []
                exited.cancel()
                self._set(part, RESTARTING)
                await part.process.stop()
                part.restarts += 1
                await self._start_until_up(part)
                for request in requests:
                    if not request.done():
                        request.set_result(part.state == RUNNING)
                continue
            stable = part.running_since is not None and time.monotonic() - part.running_since >= STABLE_AFTER
            if stable:
                backoff = MIN_BACKOFF
            code = part.process.proc.returncode if part.process.proc else None
            self._set(part, RESTARTING)
            part.process.announce(f"exited with code {code}; restarting in {backoff:.1f}s")
            kill_group(part.process)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            part.restarts += 1
            await self._start_until_up(part)

    async def _start_until_up(self, part: Part) -> None:
        """Start the part and poll its check until it passes, or until the process exits."""
        if part.prepare:
            try:
                await part.prepare()
            except Exception as exc:  # noqa: BLE001 — reported; the start below fails and is retried
                part.process.announce(f"preparing the start failed: {exc}")
        await part.process.start()
        self._set(part, STARTING)
        while part.process.running and not self.stopping:
            with contextlib.suppress(Exception):
                if await part.check():
                    self._set(part, RUNNING)
                    part.process.announce("up again")
                    return
            await asyncio.sleep(CHECK_INTERVAL)

    async def down(self) -> None:
        """Stop supervising, then stop every part in the reverse order of their start."""
        self.stopping = True
        for task in self._watchers.values():
            task.cancel()
        await asyncio.gather(*self._watchers.values(), return_exceptions=True)
        for tier in sorted({p.tier for p in self.parts.values()}, reverse=True):
            await asyncio.gather(*(self._stop(p) for p in self.parts.values() if p.tier == tier))
        self._watchers.clear()

    async def _stop(self, part: Part) -> None:
        await part.process.stop()
        for request in part._requests:
            if not request.done():
                request.set_result(False)
        self._set(part, STOPPED)

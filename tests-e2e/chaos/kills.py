"""The kill schedule: which part dies when, killed -9 as a crash would, and how long it took to come back.

Relies on the stack's supervision (`tradeflow-stack`): `.local/run/<part>.pid` holds the part's
current pid (a process-group leader, so the whole group is killed with `os.killpg`), the
supervisor restarts a dead part with backoff, and `tradeflow-stack status --json` lists every part
with `name`, `pid`, `state` (running | starting | restarting | stopped) and `restarts`.

Schedules: `in_turn` (each part once, in order), `two_at_a_time` (each part once, a service killed
together with a simulator or another service, Kafka and PostgreSQL alone — the test in `make test`:
seven recoveries to wait for instead of eleven) and `at_random` (`make chaos`: one at a time).
A schedule names a part, or a tuple of parts killed at the same moment.
The warehouse and carrier simulators are parts too: they keep their books in SQLite and come back
with them (`Kills.down` keeps when each part was down, for the invariants to tell a shipment a
restart stranded from a stuck one, should one ever be), and in its start-up mode (`unleash`
calls `revived` with each part back, so the chaos can switch auto mode on again).
Replicas (`ORDER_REPLICAS=2` …) are parts too (`order-2`): `with_replicas` adds the ones the
stack lists, so `make chaos` kills them as well.
"""

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stack_parts import service_of

from tradeflow_devstack.control import read_state
from tradeflow_devstack.procs import alive
from tradeflow_testing.polling import poll_within

SERVICES = ("order", "payment", "inventory", "fulfillment", "after-sales", "channel-adapter")
SIMULATORS = ("psp-simulator", "wms-simulator", "tms-simulator")  # not the market one: its shops live in memory
INFRASTRUCTURE = ("kafka", "postgres")
PARTS = (*SERVICES, *SIMULATORS, *INFRASTRUCTURE)
BACK_MARGIN = 5.0  # seconds after the supervisor saw a part running that it may still refuse connections
HOME = Path(os.environ.get("TRADEFLOW_HOME") or Path(__file__).resolve().parents[2])
STACK = str(Path(sys.executable).parent / "tradeflow-stack")


def with_replicas(parts: tuple[str, ...], listed: dict[str, dict] | None) -> tuple[str, ...]:
    """`parts`, each service followed by its replicas that the stack lists (`order`, `order-2`, …)."""
    replicas = [name for name in (listed or {}) if name not in parts and service_of(name)]
    return tuple(p for part in parts for p in (part, *(r for r in replicas if service_of(r) == part)))


def in_turn(parts: tuple[str, ...] = PARTS) -> Iterator[str]:
    yield from parts


def two_at_a_time(parts: tuple[str, ...] = PARTS) -> Iterator[tuple[str, ...]]:
    """Every part once: the services each with a simulator while simulators last (order with the PSP,
    payment with the WMS, …), the other services two together, then Kafka alone and PostgreSQL alone."""
    services = [p for p in parts if p not in SIMULATORS and p not in INFRASTRUCTURE]
    simulators = [p for p in parts if p in SIMULATORS]
    mixed = [p for pair in zip(services, simulators, strict=False) for p in pair]
    rest = services[len(simulators):] + simulators[len(services):]
    for group in (mixed, rest):
        yield from (tuple(group[i:i + 2]) for i in range(0, len(group), 2))
    yield from ((p,) for p in parts if p in INFRASTRUCTURE)


def at_random(parts: tuple[str, ...] = (*PARTS, "gateway"), seed: int | None = None) -> Iterator[str]:
    """Every part once per round, each round in a new random order: a long run kills every part,
    and never the same one twice in a row."""
    rng = random.Random(seed)
    last = None
    while True:
        round_ = list(parts)
        rng.shuffle(round_)
        if len(round_) > 1 and round_[0] == last:
            round_.append(round_.pop(0))
        yield from round_
        last = round_[-1]


def status() -> dict[str, dict] | None:
    """The supervisor's view of every part, or None when this stack has no supervision."""
    try:
        done = subprocess.run([STACK, "status", "--json"], capture_output=True, text=True, timeout=30,
                              env=os.environ | {"TRADEFLOW_HOME": str(HOME)}, cwd=HOME, check=False)
        listed = json.loads(done.stdout)  # exit code 1 only says a part is not running
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    if isinstance(listed, dict):
        listed = listed.get("parts", listed)
    if isinstance(listed, dict):
        listed = list(listed.values())
    if not isinstance(listed, list):
        return None
    return {part["name"]: part for part in listed}


def supervised() -> dict[str, dict]:
    """What `status()` lists, read from the file `tradeflow-stack status` reads (`.local/run/stack.json`,
    the supervisor's pid and every part, rewritten on each change); empty when the supervisor is gone.
    For polling while parts come back: a `tradeflow-stack` process per look costs a core's worth of
    start-up on a small machine, taken from the parts restarting."""
    state = read_state(HOME / ".local" / "run") or {}
    supervisor = state.get("supervisor")
    if not supervisor or not alive(int(supervisor)):
        return {}
    return {part["name"]: part for part in state.get("parts", [])}


def kill(part: str) -> int:
    """SIGKILL the part's process group; its pid."""
    pid = int((HOME / ".local" / "run" / f"{part}.pid").read_text().strip())
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # died on its own meanwhile: the supervisor deals with it either way
    return pid


async def back(part: str, old_pid: int, timeout: float) -> float | None:
    """Seconds until the supervisor shows the part running again under a new pid; None if it never did."""
    started = time.monotonic()

    async def seen() -> dict:
        return supervised().get(part, {})

    running, _ = await poll_within(
        seen, lambda now: now.get("state") == "running" and now.get("pid") not in (None, old_pid),
        timeout, pause=0.2, max_pause=1.0)
    return time.monotonic() - started if running else None


@dataclass
class Kills:
    """What the chaos did: kills per part and how long each part took to be back."""

    recovered: dict[str, list[float]] = field(default_factory=dict)
    not_recovered: list[str] = field(default_factory=list)
    down: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # (killed, back) epoch seconds

    def killed_since(self, part: str, at: float) -> bool:
        return any(killed >= at for killed, _ in self.down.get(part, []))

    def down_at(self, part: str, at: float) -> bool:
        """Killed and not answering yet at `at` (with a margin: a part the supervisor sees running
        may not have opened its port yet)."""
        return any(killed <= at <= back + BACK_MARGIN for killed, back in self.down.get(part, []))

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.recovered.values()) + len(self.not_recovered)

    def summary(self) -> str:
        per_part = ", ".join(f"{part} {len(times)} (back in {max(times):.1f}s max)"
                             for part, times in self.recovered.items() if times)
        lost = f"; NOT back: {', '.join(self.not_recovered)}" if self.not_recovered else ""
        return f"kills {self.count}: {per_part or 'none'}{lost}"


async def unleash(schedule: Iterable[str | tuple[str, ...]], kills: Kills, stop: asyncio.Event, pause: float,
                  recovery_timeout: float = 120, revived: Callable[[str], Awaitable[None]] | None = None) -> None:
    """Kill the parts `schedule` names (a tuple: all of them at the same moment), one step at a time:
    wait until each is back (and `revived` it), then `pause` seconds of steady load, until `stop` is
    set or the schedule ends."""
    for step in schedule:
        if stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)  # the load runs undisturbed for `pause` seconds
            return
        group = (step,) if isinstance(step, str) else tuple(step)
        killed_at = time.time()
        await asyncio.gather(*(_come_back(part, kill(part), killed_at, kills, recovery_timeout, revived)
                               for part in group))


async def _come_back(part: str, old_pid: int, killed_at: float, kills: Kills, timeout: float,
                     revived: Callable[[str], Awaitable[None]] | None) -> None:
    """Wait until the killed `part` is back, note how long it took, and revive it (at once: a part
    killed with a slower one does not wait for it)."""
    took = await back(part, old_pid, timeout)
    kills.down.setdefault(part, []).append((killed_at, time.time() if took is None else killed_at + took))
    if took is None:
        kills.not_recovered.append(part)
        return
    kills.recovered.setdefault(part, []).append(took)
    if revived is not None:
        await revived(part)

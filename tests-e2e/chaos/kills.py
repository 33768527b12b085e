"""The kill schedule: which part dies when, killed -9 as a crash would, and how long it took to come back.

Relies on the stack's supervision (`tradeflow-stack`): `.local/run/<part>.pid` holds the part's
current pid (a process-group leader, so the whole group is killed with `os.killpg`), the
supervisor restarts a dead part with backoff, and `tradeflow-stack status --json` lists every part
with `name`, `pid`, `state` (running | starting | restarting | stopped) and `restarts`.

Schedules: `in_turn` (each part once, in order — the test) and `at_random` (`make chaos`).
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
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from stack_parts import service_of

from tradeflow_testing.polling import poll_within

SERVICES = ("order", "payment", "inventory", "fulfillment", "after-sales", "channel-adapter")
SIMULATORS = ("psp-simulator", "wms-simulator", "tms-simulator")
PARTS = (*SERVICES, *SIMULATORS, "kafka", "postgres")
BACK_MARGIN = 5.0  # seconds after the supervisor saw a part running that it may still refuse connections
HOME = Path(os.environ.get("TRADEFLOW_HOME") or Path(__file__).resolve().parents[2])
STACK = str(Path(sys.executable).parent / "tradeflow-stack")


def with_replicas(parts: tuple[str, ...], listed: dict[str, dict] | None) -> tuple[str, ...]:
    """`parts`, each service followed by its replicas that the stack lists (`order`, `order-2`, …)."""
    replicas = [name for name in (listed or {}) if name not in parts and service_of(name)]
    return tuple(p for part in parts for p in (part, *(r for r in replicas if service_of(r) == part)))


def in_turn(parts: tuple[str, ...] = PARTS) -> Iterator[str]:
    yield from parts


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
        return ((await asyncio.to_thread(status)) or {}).get(part, {})

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


async def unleash(schedule: Iterator[str], kills: Kills, stop: asyncio.Event, pause: float,
                  recovery_timeout: float = 120, revived: Callable[[str], Awaitable[None]] | None = None) -> None:
    """Kill the parts `schedule` names, one at a time: wait until each is back (and `revived` it),
    then `pause` seconds of steady load, until `stop` is set or the schedule ends."""
    for part in schedule:
        if stop.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pause)  # the load runs undisturbed for `pause` seconds
            return
        killed_at, old_pid = time.time(), kill(part)
        took = await back(part, old_pid, recovery_timeout)
        kills.down.setdefault(part, []).append((killed_at, time.time() if took is None else killed_at + took))
        if took is None:
            kills.not_recovered.append(part)
            continue
        kills.recovered.setdefault(part, []).append(took)
        if revived is not None:
            await revived(part)

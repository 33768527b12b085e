"""The supervised parts of the running stack, as tests see them: `.local/run/<part>.pid` and
`tradeflow-stack status --json` (the interface the chaos and supervision tests rely on)."""

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

from tradeflow_testing.polling import poll_until

SERVICES = ("order", "payment", "inventory", "fulfillment", "after-sales", "channel-adapter")
PARTS = ("postgres", "kafka", "psp-simulator", *SERVICES, "gateway")
REPLICA = re.compile(rf"(?P<service>{'|'.join(map(re.escape, SERVICES))})-(?P<index>[2-9])")


def service_of(part: str) -> str | None:
    """The service a part runs: `order` for `order` and for its replicas `order-2`, `order-3`…;
    None for postgres, kafka, the simulators and the gateway."""
    if part in SERVICES:
        return part
    found = REPLICA.fullmatch(part)
    return found["service"] if found else None


def service_parts(parts: dict[str, dict]) -> list[str]:
    """The parts of `parts` that run a service, replicas included (`order`, …, `order-2`)."""
    return [name for name in parts if service_of(name)]


def run_dir() -> Path:
    home = os.environ.get("TRADEFLOW_HOME") or str(Path(__file__).resolve().parents[1])
    return Path(home) / ".local" / "run"


def stack_command() -> str:
    return str(Path(sys.executable).with_name("tradeflow-stack"))


async def tradeflow_stack(*args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(stack_command(), *args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode, out.decode(errors="replace")


async def status() -> dict[str, dict]:
    """Each supervised part by name (a stack using external PostgreSQL/Kafka has fewer parts)."""
    _code, out = await tradeflow_stack("status", "--json")
    return {p["name"]: p for p in json.loads(out)["parts"]}


def pid_of(part: str) -> int:
    return int((run_dir() / f"{part}.pid").read_text().strip())


def kill9(part: str) -> int:
    """SIGKILL the part's current process (its group leader), as a crash would; returns its pid."""
    pid = pid_of(part)
    os.kill(pid, signal.SIGKILL)
    return pid


async def wait_restarted(part: str, old_pid: int, restarts_before: int, timeout: float = 90) -> dict:
    """Until the part runs again as a new process, counted as one more restart."""
    def back(parts: dict[str, dict]) -> bool:
        p = parts.get(part, {})
        return p.get("state") == "running" and p.get("pid") not in (None, old_pid) \
            and p.get("restarts", 0) > restarts_before
    parts = await poll_until(status, back, timeout, f"{part} running again")
    assert pid_of(part) == parts[part]["pid"], "the pid file holds the part's current pid"
    return parts[part]


async def wait_all_running(timeout: float = 120) -> dict[str, dict]:
    return await poll_until(status, lambda ps: all(p["state"] == "running" for p in ps.values()), timeout,
                            "every part running")

"""The control channel of a running stack, for `tradeflow-stack status` and `restart`.

* `.local/run/stack.json` — the supervisor's pid and every part (name, pid, state, restarts,
  since), rewritten atomically on each change. `status` only reads it (and checks the
  supervisor is alive), so it works even while the supervisor is busy.
* `.local/run/stack.sock` — a unix socket taking one JSON line per connection,
  `{"command": "restart", "part": "order"}`, answered with one JSON line once done:
  `{"ok": true, "part": "order", "seconds": 2.4}` or `{"ok": false, "error": "…"}`.
"""

import asyncio
import json
import os
import time
from pathlib import Path

from tradeflow_devstack.supervisor import Supervisor


def state_path(run_dir: Path) -> Path:
    return run_dir / "stack.json"


def socket_path(run_dir: Path) -> Path:
    return run_dir / "stack.sock"


def write_state(run_dir: Path, parts: list[dict]) -> None:
    target = state_path(run_dir)
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({"supervisor": os.getpid(), "updated": time.time(), "parts": parts}, indent=1))
    temporary.replace(target)


def read_state(run_dir: Path) -> dict | None:
    try:
        return json.loads(state_path(run_dir).read_text())
    except (OSError, ValueError):
        return None


class ControlServer:
    def __init__(self, run_dir: Path, supervisor: Supervisor) -> None:
        self.path, self.supervisor = socket_path(run_dir), supervisor
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self.path.unlink(missing_ok=True)
        self._server = await asyncio.start_unix_server(self._serve, path=str(self.path))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            answer = await self._answer(await reader.readline())
            writer.write(json.dumps(answer).encode() + b"\n")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def _answer(self, line: bytes) -> dict:
        try:
            request = json.loads(line)
            command, part = request["command"], request.get("part")
        except (ValueError, KeyError, TypeError):
            return {"ok": False, "error": "send one JSON object with a `command`"}
        if command == "status":
            return {"ok": True, "parts": self.supervisor.snapshot()}
        if command != "restart":
            return {"ok": False, "error": f"unknown command {command!r} (status, restart)"}
        if part not in self.supervisor.parts:
            return {"ok": False, "error": f"no part {part!r}; parts: {', '.join(self.supervisor.parts)}"}
        up = await self.supervisor.restart(part)
        return {"ok": up > 0 and self.supervisor.parts[part].state == "running", "part": part,
                "seconds": round(up, 2), "state": self.supervisor.parts[part].state}

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()  # not wait_closed(): a restart being answered must not hold us
        self.path.unlink(missing_ok=True)


async def send(run_dir: Path, request: dict, timeout: float) -> dict:
    """One request to the running stack's supervisor; its answer."""
    reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(socket_path(run_dir))), 5)
    try:
        writer.write(json.dumps(request).encode() + b"\n")
        await writer.drain()
        return json.loads(await asyncio.wait_for(reader.readline(), timeout))
    finally:
        writer.close()

"""The supervisor with real child processes: a part killed with SIGKILL is restarted (its whole
process group first), the pid file follows it, a restart on request waits until it is up, and
only `down()` stops it. Parts here are small Python programs listening on a port."""

import asyncio
import itertools
import json
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from tradeflow_devstack.control import ControlServer, read_state, send, write_state
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.procs import ManagedProcess, alive
from tradeflow_devstack.supervisor import RUNNING, Part, Supervisor
from tradeflow_devstack.waiting import StackError, port_open
from tradeflow_testing.polling import poll_until

# Listens on a port, and leaves a grandchild in its process group (like nginx workers).
PROGRAM = """
import socket, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
print("child", child.pid, flush=True)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
time.sleep(600)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    layout = Layout(tmp_path)
    layout.prepare()
    return layout


def listener(layout: Layout, name: str = "echo") -> tuple[Part, int]:
    port = free_port()
    process = ManagedProcess(name, [sys.executable, "-c", PROGRAM, str(port)], layout)
    return Part(process, check=lambda: port_open("127.0.0.1", port), start_timeout=20), port


def grandchild(layout: Layout, name: str = "echo") -> int:
    lines = [ln for ln in (layout.logs / f"{name}.log").read_text().splitlines() if ln.startswith("child ")]
    return int(lines[-1].split()[1])


async def test_a_killed_part_is_restarted_with_its_group_cleared_and_its_pid_file_current(layout):
    supervisor = Supervisor(on_change=lambda parts: write_state(layout.run, parts))
    part, port = listener(layout)
    try:
        await supervisor.launch(part)
        first = int((layout.run / "echo.pid").read_text())
        orphan = grandchild(layout)
        os.kill(first, signal.SIGKILL)
        await poll_until(lambda: _state(layout), lambda s: s["state"] == RUNNING and s["pid"] != first, 20,
                         "restarted")
        state = await _state(layout)
        assert state["restarts"] == 1 and int((layout.run / "echo.pid").read_text()) == state["pid"]
        assert await port_open("127.0.0.1", port)
        await poll_until(lambda: _alive(orphan), lambda a: not a, 5, "the dead leader's group killed")
    finally:
        await supervisor.down()
    assert not part.process.running and part.state == "stopped"


async def test_a_part_that_keeps_crashing_backs_off(layout):
    supervisor = Supervisor()
    part, _port = listener(layout)
    try:
        await supervisor.launch(part)
        starts = []
        for _ in range(3):
            pid = part.pid
            os.kill(pid, signal.SIGKILL)
            await poll_until(lambda: _same(part.pid), lambda p, old=pid: p not in (None, old), 30, "a new start")
            starts.append(asyncio.get_running_loop().time())
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        assert gaps[-1] >= 1.9, f"the backoff doubles (0.5 s, 1 s, 2 s): gaps {gaps}"
    finally:
        await supervisor.down()


async def test_restart_on_request_over_the_control_socket(layout):
    supervisor = Supervisor(on_change=lambda parts: write_state(layout.run, parts))
    control = ControlServer(layout.run, supervisor)
    part, port = listener(layout)
    try:
        await control.start()
        await supervisor.launch(part)
        before = part.pid
        answer = await send(layout.run, {"command": "restart", "part": "echo"}, 30)
        assert answer["ok"] is True and answer["state"] == RUNNING
        assert part.pid != before and not alive(before) and part.restarts == 1
        assert await port_open("127.0.0.1", port)
        unknown = await send(layout.run, {"command": "restart", "part": "nope"}, 5)
        assert unknown["ok"] is False and "echo" in unknown["error"]
    finally:
        await control.stop()
        await supervisor.down()
    assert not (layout.run / "stack.sock").exists()


async def _state(layout: Layout) -> dict:
    state = read_state(layout.run) or {"parts": [{}]}
    return state["parts"][0] if state["parts"] else {}


async def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for init to reap it)."""
    return alive(pid) and _stat(pid) != "Z"


def _stat(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0]
    except OSError:
        return "Z"


async def _same(value):
    return value


def test_state_file_round_trip(layout):
    write_state(layout.run, [{"name": "x", "pid": 1, "state": "running", "restarts": 0, "since": "now"}])
    assert read_state(layout.run)["parts"][0]["name"] == "x"
    assert json.loads((layout.run / "stack.json").read_text())["supervisor"] == os.getpid()


async def test_a_part_that_cannot_start_fails_the_first_start_after_three_tries(layout):
    supervisor = Supervisor()
    process = ManagedProcess("broken", [sys.executable, "-c", "print('no config'); raise SystemExit(3)"], layout)
    part = Part(process, check=lambda: port_open("127.0.0.1", free_port()), start_timeout=20)
    try:
        with pytest.raises(StackError, match="broken exited with code 3"):
            await supervisor.launch(part)
    finally:
        await supervisor.down()
    assert (layout.logs / "broken.log").read_text().count("no config") == 3

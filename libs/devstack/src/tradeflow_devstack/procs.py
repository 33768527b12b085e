"""Child processes of the local stack: started, their output kept, stopped cleanly.

Each child's stdout and stderr go to `.local/logs/<name>.log` and, when `echo` is on (`make
run`), to the console with a `name |` prefix. Each child leads its own process group; its pid
file (`.local/run/<name>.pid`) always holds the current leader, so the next start — or the
next run after a killed one — can clear the whole group.
"""

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

from tradeflow_devstack.layout import Layout

COLORS = ("36", "32", "33", "35", "34", "31", "96", "92", "93", "95")


class ManagedProcess:
    def __init__(self, name: str, argv: list[str], layout: Layout, *, env: dict[str, str] | None = None,
                 cwd: Path | None = None, user: str | None = None, stop_signal: int = signal.SIGTERM,
                 echo: bool = False, color: int = 0) -> None:
        self.name, self.argv, self.layout = name, argv, layout
        self.env, self.cwd, self.user, self.stop_signal, self.echo = env, cwd, user, stop_signal, echo
        self.color = COLORS[color % len(COLORS)]
        self.proc: asyncio.subprocess.Process | None = None
        self._pump: asyncio.Task | None = None

    @property
    def log_path(self) -> Path:
        return self.layout.logs / f"{self.name}.log"

    @property
    def pid_path(self) -> Path:
        return self.layout.run / f"{self.name}.pid"

    async def start(self) -> None:
        kill_leftover(self.pid_path)
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, env=self.env, cwd=self.cwd, user=self.user,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us only; we stop children in order
        )
        self.pid_path.write_text(str(self.proc.pid))
        self._pump = asyncio.create_task(self._pump_output(), name=f"pump-{self.name}")

    @property
    def _prefix(self) -> str:
        return f"\x1b[{self.color}m{self.name:>15} |\x1b[0m " if sys.stdout.isatty() else f"{self.name:>15} | "

    async def _pump_output(self) -> None:
        assert self.proc and self.proc.stdout
        with self.log_path.open("ab") as log:
            async for line in self.proc.stdout:
                log.write(line)
                log.flush()
                if self.echo:
                    sys.stdout.write(self._prefix + line.decode(errors="replace"))
                    sys.stdout.flush()

    def announce(self, message: str) -> None:
        """A line from the supervisor about this part: in its log, and on the console when echoing."""
        line = f"[tradeflow-stack] {self.name} {message}\n"
        with contextlib.suppress(OSError), self.log_path.open("a") as log:
            log.write(line)
        if self.echo:
            sys.stdout.write(self._prefix + line)
            sys.stdout.flush()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def wait(self) -> int:
        assert self.proc
        code = await self.proc.wait()
        if self._pump:
            await asyncio.gather(self._pump, return_exceptions=True)
        return code

    async def stop(self, timeout: float = 20.0) -> None:
        """Gracefully (the part's stop signal), else SIGKILL after `timeout`; then whatever is
        left of its process group is killed too."""
        if self.proc is None:
            return
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(self.stop_signal)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                pass
        kill_group(self)
        await self.wait()
        self.pid_path.unlink(missing_ok=True)

    def tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_stack(run_dir: Path) -> None:
    """One stack per checkout: refuse to start beside a live one (its supervisor's pid file)."""
    pid_file = run_dir / "stack.pid"
    if pid_file.exists():
        try:
            other = int(pid_file.read_text().strip())
        except ValueError:
            other = 0
        if other and other != os.getpid() and alive(other):
            raise RuntimeError(f"a Tradeflow stack of this checkout is already running (pid {other}); "
                               "stop it (Ctrl-C, or `make stop`) or use it")
    pid_file.write_text(str(os.getpid()))


def release_stack(run_dir: Path) -> None:
    pid_file = run_dir / "stack.pid"
    if pid_file.exists() and pid_file.read_text().strip() == str(os.getpid()):
        pid_file.unlink()


def kill_group(process: ManagedProcess) -> None:
    """SIGKILL the process group `process` leads (what a dead leader left behind)."""
    if process.proc is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.proc.pid, signal.SIGKILL)


def kill_leftover(pid_path: Path) -> None:
    """Stop a process a previous, killed run left running (its whole process group)."""
    if not pid_path.exists():
        return
    try:
        pid = int(pid_path.read_text().strip())
        os.killpg(pid, signal.SIGKILL)
    except (ValueError, ProcessLookupError, PermissionError):
        pass
    pid_path.unlink(missing_ok=True)

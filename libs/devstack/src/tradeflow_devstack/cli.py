"""`tradeflow-stack`: run the whole platform locally, or run a command against it."""

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time

import typer
from rich.console import Console
from rich.table import Table

from tradeflow_devstack.layout import layout
from tradeflow_devstack.procs import alive, kill_leftover
from tradeflow_devstack.stack import Stack
from tradeflow_devstack.waiting import StackError

# aiokafka reports every refused connection while we poll for the broker; the wait says enough.
logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

app = typer.Typer(help="Run the Tradeflow platform on this machine.", no_args_is_help=True)
console = Console()


@app.command()
def run() -> None:
    """Start everything in the foreground; Ctrl-C stops it all cleanly."""
    raise typer.Exit(asyncio.run(_run()))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec(ctx: typer.Context, infra_only: bool = typer.Option(False, help="Start PostgreSQL and Kafka only.")) -> None:
    """Start the stack, run the given command against it (its env names every endpoint), stop it."""
    if not ctx.args:
        raise typer.BadParameter("give the command to run after --")
    raise typer.Exit(asyncio.run(_exec(ctx.args, infra_only)))


@app.command()
def stop() -> None:
    """Stop this checkout's stack: the running supervisor gracefully, then anything a killed run left."""
    run_dir = layout().run
    supervisor = run_dir / "stack.pid"
    if supervisor.exists() and (pid := int(supervisor.read_text().strip() or 0)) and alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        console.print(f"stopped the stack (pid {pid})")
    supervisor.unlink(missing_ok=True)
    for pid_file in sorted(run_dir.glob("*.pid")):
        kill_leftover(pid_file)
        console.print(f"stopped a leftover {pid_file.stem}")


async def _run() -> int:
    stack = Stack(layout(), echo=True)
    stop_requested = _stop_on_signals()
    if not await _up(stack, stop_requested):
        return 1
    _print_endpoints(stack)
    while not stop_requested.is_set() and not stack.exited():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop_requested.wait(), 1.0)
    code = 0
    for dead in stack.exited():
        console.print(f"[red]{dead.name} exited with code {dead.proc.returncode}; stopping everything[/]")
        code = 1
    console.print("stopping …")
    await stack.down()
    console.print("stopped.")
    return code


async def _exec(argv: list[str], infra_only: bool) -> int:
    stack = Stack(layout(), echo=False)
    stop_requested = _stop_on_signals()
    env = await _up(stack, stop_requested, with_services=not infra_only)
    if env is None:
        return 1
    try:
        child = await asyncio.create_subprocess_exec(*argv, env=env)
        return await _wait_child(child, stop_requested)
    finally:
        await stack.down()


async def _wait_child(child: asyncio.subprocess.Process, stop_requested: asyncio.Event) -> int:
    """The child's exit code; a SIGINT/SIGTERM to us is passed on to it first."""
    exited = asyncio.create_task(child.wait())
    stopping = asyncio.create_task(stop_requested.wait())
    await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not exited.done():
        child.terminate()
    return await exited


async def _up(stack: Stack, stop_requested: asyncio.Event, with_services: bool = True) -> dict | None:
    """Start the stack; on failure or Ctrl-C, stop what did start — never a half-started stack."""
    starting = asyncio.create_task(stack.up(with_services))
    interrupted = asyncio.create_task(stop_requested.wait())
    await asyncio.wait({starting, interrupted}, return_when=asyncio.FIRST_COMPLETED)
    interrupted.cancel()
    if not starting.done():
        starting.cancel()
    try:
        return await starting
    except (Exception, asyncio.CancelledError) as exc:  # noqa: BLE001 — any failure stops the stack
        reason = _reason(exc)
        console.print(f"[red]tradeflow-stack: could not start: {reason}[/]", highlight=False)
        await stack.down()
        return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.CancelledError):
        return "interrupted"
    return str(exc) if isinstance(exc, StackError) else f"{type(exc).__name__}: {exc}"


def _stop_on_signals() -> asyncio.Event:
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, event.set)
    return event


def _print_endpoints(stack: Stack) -> None:
    table = Table(title="Tradeflow is running — Ctrl-C stops everything", title_justify="left")
    table.add_column("part")
    table.add_column("listens at")
    for part, where in stack.endpoints.items():
        table.add_row(part, where)
    table.add_row("logs", str(stack.layout.logs))
    console.print(table)
    sys.stdout.flush()

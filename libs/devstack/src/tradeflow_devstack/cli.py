"""`tradeflow-stack`: run the whole platform locally, or run a command against it."""

import asyncio
import json
import logging
import os
import signal
import sys
import time
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.table import Table

from tradeflow_devstack.control import read_state, send
from tradeflow_devstack.layout import layout
from tradeflow_devstack.procs import alive, kill_leftover
from tradeflow_devstack.stack import Stack
from tradeflow_devstack.waiting import StackError

# aiokafka reports every refused connection while we poll for the broker; the wait says enough.
logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

STARTED = time.monotonic()
app = typer.Typer(help="Run the Tradeflow platform on this machine.", no_args_is_help=True)
console = Console()


@app.command()
def run() -> None:
    """Start everything in the foreground and keep it up (a part that exits is restarted);
    Ctrl-C or SIGTERM stops it all cleanly."""
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


@app.command()
def status(as_json: bool = typer.Option(False, "--json", help="One JSON object: supervisor pid and parts.")) -> None:
    """Each part of the running stack: pid, state, restarts, since. Exits 0 when all are running."""
    run_dir = layout().run
    state = read_state(run_dir)
    supervisor = state.get("supervisor") if state else None
    if not state or not supervisor or not alive(int(supervisor)):
        parts = [{**p, "state": "stopped", "pid": None} for p in (state or {}).get("parts", [])]
        state = {"supervisor": None, "parts": parts}
    if as_json:
        print(json.dumps(state))
    else:
        table = Table(title=f"Tradeflow stack (supervisor pid {state['supervisor'] or '—'})", title_justify="left")
        for column in ("part", "pid", "state", "restarts", "since"):
            table.add_column(column)
        for part in state["parts"]:
            table.add_row(part["name"], str(part["pid"] or "—"), part["state"], str(part["restarts"]), part["since"])
        console.print(table)
    all_running = bool(state["supervisor"]) and all(p["state"] == "running" for p in state["parts"])
    raise typer.Exit(0 if all_running else 1)


@app.command()
def restart(part: str = typer.Argument(..., help="e.g. order, kafka, postgres, gateway, psp-simulator"),
            timeout: float = typer.Option(180, help="Seconds to wait until the part is up again.")) -> None:
    """Restart one part of the running stack (graceful stop, start, wait until it is up)."""
    run_dir = layout().run
    try:
        answer = asyncio.run(send(run_dir, {"command": "restart", "part": part}, timeout))
    except (OSError, TimeoutError) as exc:
        console.print(f"[red]no answer from a running stack of this checkout ({type(exc).__name__}: {exc})[/]")
        raise typer.Exit(2) from None
    if not answer.get("ok"):
        console.print(f"[red]{part}: {answer.get('error') or 'not up again: ' + str(answer.get('state'))}[/]")
        raise typer.Exit(1)
    console.print(f"{part} restarted and up in {answer['seconds']:.1f}s "
                  f"({datetime.now(UTC).isoformat(timespec='seconds')})")


async def _run() -> int:
    stack = Stack(layout(), echo=True)
    stop_requested = _stop_on_signals()
    if not await _up(stack, stop_requested):
        return 1
    _print_endpoints(stack)
    await stop_requested.wait()
    console.print("stopping …")
    await stack.down()
    console.print("stopped.")
    return 0


async def _exec(argv: list[str], infra_only: bool) -> int:
    stack = Stack(layout(), echo=False)
    stop_requested = _stop_on_signals()
    env = await _up(stack, stop_requested, with_services=not infra_only)
    if env is None:
        return 1
    console.print(f"tradeflow-stack: up in {time.monotonic() - STARTED:.1f}s; running {' '.join(argv)}",
                  highlight=False)
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
    title = f"Tradeflow is up in {time.monotonic() - STARTED:.1f}s — Ctrl-C stops everything"
    table = Table(title=title, title_justify="left")
    table.add_column("part")
    table.add_column("listens at")
    for part, where in stack.endpoints.items():
        table.add_row(part, where)
    table.add_row("logs", str(stack.layout.logs))
    console.print(table)
    sys.stdout.flush()

"""A private PostgreSQL cluster from Debian's `postgresql` package, under `.local/pg`.

PostgreSQL refuses to run as root, so when we are root the cluster belongs to the
unprivileged `postgres` user the package creates. It listens on 127.0.0.1 only, on its own
port, with trust authentication for the `tradeflow` role — a developer cluster, never exposed.
"""

import asyncio
import glob
import os
import pwd
import shutil
import signal
import subprocess
from pathlib import Path

import asyncpg

from tradeflow_devstack.layout import Layout
from tradeflow_devstack.procs import ManagedProcess
from tradeflow_devstack.supervisor import Part
from tradeflow_devstack.waiting import StackError

SUPERUSER = "tradeflow"
RUN_AS = "postgres"


def bindir() -> Path:
    if configured := os.environ.get("TRADEFLOW_PG_BINDIR"):
        return Path(configured)
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if versions:
        return Path(versions[-1]).parent
    if found := shutil.which("postgres"):
        return Path(found).parent
    raise StackError("PostgreSQL server binaries not found: install Debian's `postgresql` package (make setup does)")


def run_as() -> str | None:
    """The user to run PostgreSQL as: `postgres` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(RUN_AS)
    except KeyError:
        raise StackError("running as root, but there is no `postgres` user to run PostgreSQL as "
                         "(install Debian's `postgresql` package)") from None
    return RUN_AS


def admin_url(layout: Layout) -> str:
    return f"postgresql://{SUPERUSER}@127.0.0.1:{layout.postgres_port}"


class LocalPostgres:
    def __init__(self, layout: Layout, echo: bool) -> None:
        self.layout, self.user = layout, run_as()
        self.data = layout.pg_home / "data"
        self.sockets = layout.pg_home / "sockets"
        self.process = ManagedProcess(
            "postgres",
            [str(bindir() / "postgres"), "-D", str(self.data), "-p", str(layout.postgres_port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.sockets}",
             "-c", "max_connections=300", "-c", "log_min_messages=warning",
             # statement counts for `make bench` (pg_stat_statements, contrib; about 1% of CPU)
             "-c", "shared_preload_libraries=pg_stat_statements"],
            layout, user=self.user, stop_signal=signal.SIGINT, echo=echo, color=0)

    def _own(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)
            path.chmod(0o700)

    def init_cluster(self) -> None:
        self._own(self.layout.pg_home)
        self._own(self.sockets)
        if (self.data / "PG_VERSION").exists():
            return
        self._own(self.data)
        argv = [str(bindir() / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8"]
        done = subprocess.run(argv, user=self.user, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StackError(f"initdb failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")

    async def prepare(self) -> None:
        await asyncio.to_thread(kill_strays, self.data)
        await asyncio.to_thread(self.init_cluster)

    def part(self) -> Part:
        """Up = it accepts a connection. A restart after kill -9 recovers from the WAL on its own,
        once the backends the dead postmaster left are gone (`kill_strays`)."""
        return Part(self.process, check=lambda: can_connect(admin_url(self.layout)), prepare=self.prepare,
                    start_timeout=60)


def kill_strays(data: Path) -> list[int]:
    """SIGKILL every process still working in `data` (its cwd): the backends a killed postmaster
    leaves. They each call setsid(), so killing the postmaster's process group misses them, and
    while they hold the old shared memory a new postmaster refuses to start."""
    killed = []
    target = data.resolve()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) != target:
                continue
            os.kill(int(entry.name), signal.SIGKILL)
            killed.append(int(entry.name))
        except (OSError, ValueError):
            continue
    return killed


async def can_connect(url: str) -> bool:
    conn = await asyncpg.connect(url + "/postgres", timeout=2)
    await conn.close()
    return True


async def ensure_databases(url: str, names: list[str]) -> None:
    """Create each database that does not exist yet (idempotent)."""
    conn = await asyncpg.connect(url + "/postgres", timeout=10)
    try:
        existing = {r["datname"] for r in await conn.fetch("select datname from pg_database")}
        for name in names:
            if name not in existing:
                await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()

"""Where the local stack keeps its files, and which ports it uses (README: "Ports and files")."""

import os
from dataclasses import dataclass, field
from pathlib import Path


def project_root() -> Path:
    """The checkout: `TRADEFLOW_HOME`, else the first parent of cwd holding `services/` and a Makefile."""
    if home := os.environ.get("TRADEFLOW_HOME"):
        return Path(home).resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / "services").is_dir() and (candidate / "Makefile").is_file():
            return candidate
    raise SystemExit("tradeflow-stack: run it inside the Tradeflow checkout (or set TRADEFLOW_HOME)")


def _port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def local(self) -> Path:
        return self.root / ".local"

    @property
    def logs(self) -> Path:
        return self.local / "logs"

    @property
    def run(self) -> Path:
        return self.local / "run"

    @property
    def kafka_home(self) -> Path:
        return self.local / "kafka"

    @property
    def pg_home(self) -> Path:
        return self.local / "pg"

    @property
    def gateway_dir(self) -> Path:
        return self.root / "deploy" / "gateway"

    postgres_port: int = field(default_factory=lambda: _port("TRADEFLOW_PG_PORT", 55432))
    kafka_port: int = field(default_factory=lambda: _port("TRADEFLOW_KAFKA_PORT", 19092))
    kafka_controller_port: int = field(default_factory=lambda: _port("TRADEFLOW_KAFKA_CONTROLLER_PORT", 19093))
    gateway_port: int = field(default_factory=lambda: _port("TRADEFLOW_GATEWAY_PORT", 8080))

    def prepare(self) -> None:
        for d in (self.local, self.logs, self.run):
            d.mkdir(parents=True, exist_ok=True)


def layout() -> Layout:
    return Layout(project_root())

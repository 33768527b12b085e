"""The API gateway: Debian's nginx with the route file docker-compose uses too."""

import os
import shutil
from string import Template

from tradeflow_devstack.catalog import SERVICES, ServiceSpec
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.procs import ManagedProcess
from tradeflow_devstack.supervisor import Part
from tradeflow_devstack.waiting import StackError, port_open

GATEWAY_TIER = 3


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if not found:
        raise StackError("nginx not found: install Debian's `nginx` package (make setup does)")
    return found


def upstream_servers(spec: ServiceSpec, host: str = "127.0.0.1") -> str:
    """The value of `${<SERVICE>_UPSTREAM}` in `server ${…};`: one address per replica, joined
    by `; server ` so that each replica is a `server` of the service's upstream block."""
    return "; server ".join(f"{host}:{r.port}" for r in spec.replicas)


def render(layout: Layout, upstream_host: str = "127.0.0.1") -> None:
    """Write `.local/run/default.conf` (the routes) and `.local/run/nginx.conf` (the main file).
    A service with replicas has every replica in its upstream (round robin; see the template
    for what nginx retries on another replica)."""
    values = {s.upstream_var: upstream_servers(s, upstream_host) for s in SERVICES}
    values |= {"GATEWAY_PORT": f"127.0.0.1:{layout.gateway_port}", "RUN_DIR": str(layout.run),
               "LOG_DIR": str(layout.logs),
               "USER_DIRECTIVE": "user root root;" if os.geteuid() == 0 else ""}
    for source, target in (("templates/default.conf.template", "default.conf"), ("nginx.local.conf", "nginx.conf")):
        text = Template((layout.gateway_dir / source).read_text())
        (layout.run / target).write_text(text.safe_substitute(values))


class LocalGateway:
    def __init__(self, layout: Layout, echo: bool) -> None:
        self.layout = layout
        self.process = ManagedProcess(
            "gateway", [nginx_binary(), "-e", "stderr", "-p", str(layout.run), "-c", str(layout.run / "nginx.conf")],
            layout, echo=echo, color=2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.layout.gateway_port}"

    async def prepare(self) -> None:
        render(self.layout)

    def part(self) -> Part:
        """Up = it accepts connections. It needs no service to be up: it answers 503 problems
        for the ones that are not."""
        return Part(self.process, check=lambda: port_open("127.0.0.1", self.layout.gateway_port),
                    prepare=self.prepare, start_timeout=30, tier=GATEWAY_TIER)

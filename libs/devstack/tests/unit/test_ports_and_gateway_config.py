"""TRADEFLOW_PORT_OFFSET moves every service and simulator port, and the gateway config that
`tradeflow-stack` renders (the same routes docker-compose uses) is valid for nginx."""

import subprocess
from pathlib import Path

import pytest

from tradeflow_devstack.catalog import SERVICES, SIMULATORS
from tradeflow_devstack.gateway import nginx_binary, render
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.waiting import StackError

REPO = Path(__file__).resolve().parents[4]


def test_the_offset_is_added_to_every_service_and_simulator_port(monkeypatch):
    monkeypatch.delenv("TRADEFLOW_PORT_OFFSET", raising=False)
    defaults = [s.port for s in (*SERVICES, *SIMULATORS)]
    assert defaults == [8101, 8102, 8103, 8104, 8105, 8106, 8190]
    monkeypatch.setenv("TRADEFLOW_PORT_OFFSET", "1000")
    assert [s.port for s in (*SERVICES, *SIMULATORS)] == [p + 1000 for p in defaults]


def test_the_rendered_gateway_config_passes_nginx_t(monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEFLOW_PORT_OFFSET", "1000")
    monkeypatch.setenv("TRADEFLOW_GATEWAY_PORT", "9080")
    (tmp_path / "deploy").symlink_to(REPO / "deploy")
    layout = Layout(tmp_path)
    layout.prepare()
    render(layout)
    routes = (layout.run / "default.conf").read_text()
    assert "server 127.0.0.1:9101;" in routes and "listen 127.0.0.1:9080;" in routes
    directives = [ln for ln in routes.splitlines() if not ln.lstrip().startswith("#")]
    assert not [ln for ln in directives if "${" in ln], "every template variable is filled in"
    try:
        nginx = nginx_binary()
    except StackError:
        pytest.skip("nginx is not installed")
    done = subprocess.run([nginx, "-t", "-p", str(layout.run), "-c", str(layout.run / "nginx.conf")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr

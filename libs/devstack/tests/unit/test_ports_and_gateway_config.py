"""TRADEFLOW_PORT_OFFSET moves every service and simulator port, and the gateway config that
`tradeflow-stack` renders (the same routes docker-compose uses) is valid for nginx."""

import subprocess
from pathlib import Path

import pytest

from tradeflow_devstack.catalog import SERVICES, SIMULATORS, replicas
from tradeflow_devstack.gateway import nginx_binary, render
from tradeflow_devstack.layout import Layout
from tradeflow_devstack.services import service_parts, simulator_parts
from tradeflow_devstack.waiting import StackError

REPO = Path(__file__).resolve().parents[4]


@pytest.fixture(autouse=True)
def one_replica_unless_set_here(monkeypatch):
    """`make test` runs with ORDER_REPLICAS=2 …: each test here sets the replicas it means."""
    for spec in SERVICES:
        monkeypatch.delenv(spec.replicas_var, raising=False)


def test_the_offset_is_added_to_every_service_and_simulator_port(monkeypatch):
    monkeypatch.delenv("TRADEFLOW_PORT_OFFSET", raising=False)
    defaults = [s.port for s in (*SERVICES, *SIMULATORS)]
    assert defaults == [8101, 8102, 8103, 8104, 8105, 8106, 8190, 8191, 8192, 8193]
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


def test_replicas_are_named_and_placed_ten_ports_apart(monkeypatch):
    monkeypatch.setenv("TRADEFLOW_PORT_OFFSET", "4000")
    monkeypatch.setenv("ORDER_REPLICAS", "3")
    monkeypatch.setenv("AFTER_SALES_REPLICAS", "2")
    order, after_sales = SERVICES[0], SERVICES[4]
    assert [(r.name, r.port) for r in order.replicas] == [("order", 12101), ("order-2", 12111), ("order-3", 12121)]
    assert [(r.name, r.port) for r in after_sales.replicas] == [("after-sales", 12105), ("after-sales-2", 12115)]
    every = replicas()
    assert [r.name for r in every[:len(SERVICES)]] == [s.name for s in SERVICES], "replica 1 of each first"
    assert len(every) == len(SERVICES) + 3
    ports = [r.port for r in every] + [s.port for s in SIMULATORS]
    assert len(set(ports)) == len(ports), "no two processes share a port"


@pytest.mark.parametrize("value", ["0", "10", "two", "-1", "1.5"])
def test_a_replica_count_outside_one_to_nine_is_refused(monkeypatch, value):
    monkeypatch.setenv("INVENTORY_REPLICAS", value)
    with pytest.raises(StackError, match="INVENTORY_REPLICAS"):
        replicas()


def test_the_gateway_upstream_lists_every_replica_and_passes_nginx_t(monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEFLOW_PORT_OFFSET", "1000")
    monkeypatch.setenv("ORDER_REPLICAS", "2")
    monkeypatch.setenv("INVENTORY_REPLICAS", "3")
    (tmp_path / "deploy").symlink_to(REPO / "deploy")
    layout = Layout(tmp_path)
    layout.prepare()
    render(layout)
    routes = (layout.run / "default.conf").read_text()
    upstreams = {line.split()[1]: line for line in routes.splitlines() if line.startswith("upstream ")}
    assert "server 127.0.0.1:9101; server 127.0.0.1:9111;" in upstreams["order"]
    assert "server 127.0.0.1:9103; server 127.0.0.1:9113; server 127.0.0.1:9123;" in upstreams["inventory"]
    assert upstreams["payment"].count("server ") == 1
    directives = [ln.strip() for ln in routes.splitlines() if not ln.lstrip().startswith("#")]
    assert "proxy_next_upstream error timeout;" in directives
    assert not [ln for ln in directives if "non_idempotent" in ln], "a POST is never sent to a second replica"
    try:
        nginx = nginx_binary()
    except StackError:
        pytest.skip("nginx is not installed")
    done = subprocess.run([nginx, "-t", "-p", str(layout.run), "-c", str(layout.run / "nginx.conf")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_each_replica_is_a_part_of_its_own_with_its_own_port_and_the_services_settings(monkeypatch, tmp_path):
    monkeypatch.delenv("TRADEFLOW_PORT_OFFSET", raising=False)
    monkeypatch.setenv("ORDER_REPLICAS", "2")
    env = {"ORDER_DATABASE_URL": "postgresql+asyncpg://db/tradeflow_order", "KAFKA_BOOTSTRAP_SERVERS": "k:1"}
    parts = {p.name: p for p in service_parts(Layout(tmp_path), env, echo=False)}
    assert list(parts) == [s.name for s in SERVICES] + ["order-2"]
    first, second = parts["order"].process, parts["order-2"].process
    assert (first.env["ORDER_HTTP_PORT"], second.env["ORDER_HTTP_PORT"]) == ("8101", "8111")
    assert first.argv == second.argv and first.env["ORDER_DATABASE_URL"] == second.env["ORDER_DATABASE_URL"]
    assert second.pid_path.name == "order-2.pid" and second.log_path.name == "order-2.log"


def test_each_simulator_is_a_part_on_its_own_port_reporting_through_the_gateway(monkeypatch, tmp_path):
    monkeypatch.setenv("TRADEFLOW_PORT_OFFSET", "3000")
    monkeypatch.setenv("TRADEFLOW_GATEWAY_PORT", "11080")
    env = {"TRADEFLOW_HOME": str(tmp_path)}
    parts = {p.name: p.process for p in simulator_parts(Layout(tmp_path), env, echo=False)}
    assert list(parts) == ["psp-simulator", "wms-simulator", "tms-simulator", "market-simulator"]
    assert {k: env[k] for k in ("TRADEFLOW_PSP_SIMULATOR_URL", "TRADEFLOW_WMS_SIMULATOR_URL",
                                "TRADEFLOW_TMS_SIMULATOR_URL")} == {
        "TRADEFLOW_PSP_SIMULATOR_URL": "http://127.0.0.1:11190", "TRADEFLOW_WMS_SIMULATOR_URL": "http://127.0.0.1:11191",
        "TRADEFLOW_TMS_SIMULATOR_URL": "http://127.0.0.1:11192"}
    wms, tms = parts["wms-simulator"].env, parts["tms-simulator"].env
    assert parts["wms-simulator"].argv[-2:] == ["-m", "tradeflow_simulators.wms"]
    assert (wms["WMS_SIM_HOST"], wms["WMS_SIM_PORT"], tms["TMS_SIM_PORT"]) == ("127.0.0.1", "11191", "11192")
    assert wms["WMS_SIM_CALLBACK_URL"] == "http://127.0.0.1:11080/fulfillment/wms/callbacks"
    assert tms["TMS_SIM_CALLBACK_URL"] == "http://127.0.0.1:11080/fulfillment/tms/callbacks"
    assert wms["WMS_SIM_CARRIER_URL"] == "http://127.0.0.1:11192", "the warehouse hands parcels to the carrier"
    assert parts["psp-simulator"].env["PSP_SIM_PORT"] == "11190"
    market = parts["market-simulator"].env
    assert (env["TRADEFLOW_MARKET_SIMULATOR_URL"], market["MARKET_SIM_PORT"]) == ("http://127.0.0.1:11193", "11193")
    assert market["MARKET_SIM_CALLBACK_URL"] == "http://127.0.0.1:11080/channels/{code}/webhooks"


def test_a_simulator_callback_url_set_in_the_environment_is_kept(tmp_path):
    env = {"WMS_SIM_CALLBACK_URL": "http://elsewhere/callbacks"}
    parts = {p.name: p.process for p in simulator_parts(Layout(tmp_path), env, echo=False)}
    assert parts["wms-simulator"].env["WMS_SIM_CALLBACK_URL"] == "http://elsewhere/callbacks"

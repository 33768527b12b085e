"""The six services and the simulators as the local stack runs them.

Their ports are the defaults below plus `TRADEFLOW_PORT_OFFSET` (0 unless set), so a second
stack (another checkout) can run beside the first: e.g. an offset of 1000 puts order on 9101.

Replicas: `<SERVICE>_REPLICAS` (e.g. `ORDER_REPLICAS=2`, `AFTER_SALES_REPLICAS=3`; default 1,
at most 9) runs a service as that many processes. Replica 1 is the part named after the service
on its port; replica i ≥ 2 is the part `<service>-<i>` on port + 10·(i−1) (order-2 on 8111,
order-3 on 8121 — at most 9 keeps them below the simulators' 8190). Every replica of a service
has the same settings otherwise: the same database and the same Kafka consumer group.
"""

import os
from dataclasses import dataclass

from tradeflow_devstack.waiting import StackError
from tradeflow_kit.settings import env_prefix

MAX_REPLICAS, REPLICA_PORT_STEP = 9, 10


def port_offset() -> int:
    """`TRADEFLOW_PORT_OFFSET`, added to every service and simulator port."""
    return int(os.environ.get("TRADEFLOW_PORT_OFFSET", "0") or 0)


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    base_port: int

    @property
    def port(self) -> int:
        return self.base_port + port_offset()

    @property
    def package(self) -> str:
        return "tradeflow_" + self.name.replace("-", "_")

    @property
    def env_prefix(self) -> str:
        return env_prefix(self.name)

    @property
    def upstream_var(self) -> str:
        return self.env_prefix + "UPSTREAM"

    @property
    def replicas_var(self) -> str:
        return self.env_prefix + "REPLICAS"

    @property
    def replica_count(self) -> int:
        """`<SERVICE>_REPLICAS` (1 unless set); a value that is not 1…9 is refused, never guessed."""
        raw = os.environ.get(self.replicas_var, "").strip() or "1"
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_REPLICAS:
            raise StackError(f"{self.replicas_var}={raw!r}: give a number of processes from 1 to {MAX_REPLICAS}")
        return int(raw)

    @property
    def replicas(self) -> "tuple[Replica, ...]":
        return tuple(Replica(self, i) for i in range(1, self.replica_count + 1))


@dataclass(frozen=True)
class Replica:
    """One process of a service: replica 1 is `order` on the service's port, replica i is
    `order-<i>` on the port + 10·(i−1)."""

    service: ServiceSpec
    index: int

    @property
    def name(self) -> str:
        return self.service.name if self.index == 1 else f"{self.service.name}-{self.index}"

    @property
    def port(self) -> int:
        return self.service.port + REPLICA_PORT_STEP * (self.index - 1)


SERVICES = (
    ServiceSpec("order", 8101),
    ServiceSpec("payment", 8102),
    ServiceSpec("inventory", 8103),
    ServiceSpec("fulfillment", 8104),
    ServiceSpec("after-sales", 8105),
    ServiceSpec("channel-adapter", 8106),
)


@dataclass(frozen=True)
class SimulatorSpec:
    """A stand-in for an outside system (PSP, WMS, carrier…), speaking real HTTP.

    Its own settings are `<env_prefix>HOST`, `<env_prefix>PORT`, …; its URL is exported as
    `url_var` (to the services and to `exec`'s command) and handed to the service that calls it
    as `service_var`. One that reports to a configured URL gets `<env_prefix>CALLBACK_URL` =
    the gateway + `callback_path`; `peers` point its settings at other simulators' URLs."""

    name: str
    module: str
    base_port: int
    url_var: str
    env_prefix: str
    service_var: str
    callback_path: str = ""
    peers: tuple[tuple[str, str], ...] = ()  # (its setting, the url_var of the simulator it names)

    @property
    def port(self) -> int:
        return self.base_port + port_offset()


def replicas() -> tuple[Replica, ...]:
    """Every service process of the stack, replica 1 of each service first (catalog order)."""
    every = [r for s in SERVICES for r in s.replicas]
    return tuple(sorted(every, key=lambda r: r.index))


SIMULATORS = (
    SimulatorSpec("psp-simulator", "tradeflow_simulators.psp", 8190, "TRADEFLOW_PSP_SIMULATOR_URL", "PSP_SIM_",
                  "PAYMENT_PSP_BASE_URL"),
    SimulatorSpec("wms-simulator", "tradeflow_simulators.wms", 8191, "TRADEFLOW_WMS_SIMULATOR_URL", "WMS_SIM_",
                  "FULFILLMENT_WMS_URL", "/fulfillment/wms/callbacks",
                  peers=(("WMS_SIM_CARRIER_URL", "TRADEFLOW_TMS_SIMULATOR_URL"),)),  # it hands parcels over
    SimulatorSpec("tms-simulator", "tradeflow_simulators.tms", 8192, "TRADEFLOW_TMS_SIMULATOR_URL", "TMS_SIM_",
                  "FULFILLMENT_TMS_URL", "/fulfillment/tms/callbacks"),
    # two marketplace shops; a push shop's webhooks go to the gateway's /channels/{code}/webhooks
    SimulatorSpec("market-simulator", "tradeflow_simulators.market", 8193, "TRADEFLOW_MARKET_SIMULATOR_URL",
                  "MARKET_SIM_", "CHANNEL_ADAPTER_MARKET_URL", "/channels/{code}/webhooks"),
)

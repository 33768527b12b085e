"""The six services and the simulators as the local stack runs them.

Their ports are the defaults below plus `TRADEFLOW_PORT_OFFSET` (0 unless set), so a second
stack (another checkout) can run beside the first: e.g. an offset of 1000 puts order on 9101.
"""

import os
from dataclasses import dataclass

from tradeflow_kit.settings import env_prefix


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
    """A stand-in for an outside system (PSP, WMS, carrier…), speaking real HTTP."""

    name: str
    module: str
    base_port: int
    url_var: str

    @property
    def port(self) -> int:
        return self.base_port + port_offset()


SIMULATORS = (
    SimulatorSpec("psp-simulator", "tradeflow_simulators.psp", 8190, "TRADEFLOW_PSP_SIMULATOR_URL"),
)

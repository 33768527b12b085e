"""The six services as the local stack runs them."""

from dataclasses import dataclass

from tradeflow_kit.settings import env_prefix


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    port: int

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
    port: int
    url_var: str


SIMULATORS = (
    SimulatorSpec("psp-simulator", "tradeflow_simulators.psp", 8190, "TRADEFLOW_PSP_SIMULATOR_URL"),
)

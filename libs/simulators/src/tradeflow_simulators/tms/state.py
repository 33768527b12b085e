"""What one running carrier simulator holds: its settings, its book, its webhooks, its auto mode."""

from fastapi import Request

from tradeflow_simulators.runtime import SimulatorRuntime
from tradeflow_simulators.signing import SignatureScheme
from tradeflow_simulators.tms.carriers import Carriers
from tradeflow_simulators.tms.settings import TmsSimSettings

TMS_SIGNATURE = SignatureScheme("TMS")


class TmsState(SimulatorRuntime):
    settings: TmsSimSettings

    def __init__(self, settings: TmsSimSettings) -> None:
        super().__init__(settings, TMS_SIGNATURE)
        self.carriers = Carriers()

    async def auto_step(self) -> None:
        self.report(self.carriers.auto_step())


def tms_state(request: Request) -> TmsState:
    return request.app.state.tms

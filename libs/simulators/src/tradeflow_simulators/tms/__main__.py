"""`python -m tradeflow_simulators.tms`: the carrier simulator under uvicorn (TMS_SIM_HOST, TMS_SIM_PORT)."""

import uvicorn

from tradeflow_simulators.tms.app import create_app
from tradeflow_simulators.tms.settings import TmsSimSettings


def main() -> None:
    settings = TmsSimSettings.for_process()  # its book in a file under .local/tms-sim
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()

"""`python -m tradeflow_simulators.wms`: the warehouse simulator under uvicorn (WMS_SIM_HOST, WMS_SIM_PORT)."""

import uvicorn

from tradeflow_simulators.wms.app import create_app
from tradeflow_simulators.wms.settings import WmsSimSettings


def main() -> None:
    settings = WmsSimSettings.for_process()  # its book in a file under .local/wms-sim
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()

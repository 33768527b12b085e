"""`python -m tradeflow_simulators.psp`: the PSP simulator under uvicorn (PSP_SIM_HOST, PSP_SIM_PORT)."""

import uvicorn

from tradeflow_simulators.psp.app import create_app
from tradeflow_simulators.psp.settings import PspSimSettings


def main() -> None:
    settings = PspSimSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()

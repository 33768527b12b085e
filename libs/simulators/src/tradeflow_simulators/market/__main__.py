"""`python -m tradeflow_simulators.market`: the marketplace simulator under uvicorn (MARKET_SIM_HOST, _PORT)."""

import uvicorn

from tradeflow_simulators.market.app import create_app
from tradeflow_simulators.market.settings import MarketSimSettings


def main() -> None:
    settings = MarketSimSettings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                timeout_graceful_shutdown=5)


if __name__ == "__main__":
    main()

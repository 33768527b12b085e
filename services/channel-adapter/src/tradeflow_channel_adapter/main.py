from tradeflow_channel_adapter.bootstrap import build_app
from tradeflow_channel_adapter.settings import Settings
from tradeflow_kit.serve import serve


def main() -> None:
    serve(Settings(), build_app)


if __name__ == "__main__":
    main()

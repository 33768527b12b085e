from tradeflow_inventory.bootstrap import build_app
from tradeflow_inventory.settings import Settings
from tradeflow_kit.serve import serve


def main() -> None:
    serve(Settings(), build_app)


if __name__ == "__main__":
    main()

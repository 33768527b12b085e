from tradeflow_after_sales.bootstrap import build_app
from tradeflow_after_sales.settings import Settings
from tradeflow_kit.serve import serve


def main() -> None:
    serve(Settings(), build_app)


if __name__ == "__main__":
    main()

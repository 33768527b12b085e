from tradeflow_kit.serve import serve
from tradeflow_order.bootstrap import build_app
from tradeflow_order.settings import Settings


def main() -> None:
    serve(Settings(), build_app)


if __name__ == "__main__":
    main()

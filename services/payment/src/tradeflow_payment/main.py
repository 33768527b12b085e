from tradeflow_kit.serve import serve
from tradeflow_payment.bootstrap import build_app
from tradeflow_payment.settings import Settings


def main() -> None:
    serve(Settings(), build_app)


if __name__ == "__main__":
    main()

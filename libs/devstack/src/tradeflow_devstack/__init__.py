"""The local Tradeflow stack: everything `make run` and `make test` start, as processes."""

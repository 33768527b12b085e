"""The `tradeflow` command line."""

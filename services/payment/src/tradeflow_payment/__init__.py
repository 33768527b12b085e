"""Tradeflow payment service: Payments and refunds through the PSP adapter, PSP callbacks, reconciliation."""

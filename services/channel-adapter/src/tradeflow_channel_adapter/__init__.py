"""Tradeflow channel-adapter service: channel configs, SKU maps,
account links, the external order ledger and sync-back."""

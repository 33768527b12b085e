"""Tradeflow inventory service: Stock per SKU and warehouse, reservations and warehouse allocation."""

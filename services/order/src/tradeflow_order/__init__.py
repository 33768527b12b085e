"""Tradeflow order service: orders, sub-orders and lines, their amounts and
state, the order saga, risk hold and payment timeouts."""

"""Tradeflow after-sales service: After-sales cases and the reverse saga: refund, return, exchange."""

"""Tradeflow service kit: what every service process is built from."""

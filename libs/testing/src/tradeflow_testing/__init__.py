"""Test harness for Tradeflow: real Kafka and PostgreSQL, never in-memory stand-ins."""

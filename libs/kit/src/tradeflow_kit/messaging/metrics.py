"""Prometheus counters and gauges of the messaging kit (exposed on each service's /metrics)."""

from prometheus_client import Counter, Gauge

CONSUMED = Counter("tradeflow_messages_consumed_total", "Messages consumed, by outcome",
                   ["topic", "group", "outcome"])
RETRIED = Counter("tradeflow_messages_retried_total", "Handler attempts that failed and were retried",
                  ["topic", "group"])
DEAD_LETTERED = Counter("tradeflow_messages_dead_lettered_total", "Messages sent to a dead-letter topic",
                        ["topic", "group", "kind"])
PUBLISHED = Counter("tradeflow_outbox_published_total", "Outbox messages published to Kafka", ["producer"])
RELAY_ERRORS = Counter("tradeflow_outbox_relay_errors_total", "Failed relay batches (retried)", ["producer"])
OUTBOX_PENDING = Gauge("tradeflow_outbox_pending", "Outbox messages not yet published", ["producer"])
OUTBOX_LAG = Gauge("tradeflow_outbox_lag_seconds", "Age of the oldest unpublished outbox message", ["producer"])

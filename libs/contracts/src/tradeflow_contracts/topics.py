"""The Kafka topics of the platform.

Each service publishes its events on `<service>.events` and receives commands on
`<service>.commands`; every topic has a dead-letter twin `<topic>.dlq`. Messages are keyed by
aggregate id (the order id for everything about one order), so per-key order is kept.
"""

SERVICES = ("order", "payment", "inventory", "fulfillment", "after-sales", "channel")
DLQ_SUFFIX = ".dlq"


def events_topic(service: str) -> str:
    return f"{service}.events"


def commands_topic(service: str) -> str:
    return f"{service}.commands"


def dlq_topic(topic: str) -> str:
    return topic + DLQ_SUFFIX


def business_topics() -> list[str]:
    return [t for s in SERVICES for t in (events_topic(s), commands_topic(s))]


AUDIT_TOPIC = "ops.audit"
"""Every ops action on dead letters (replay, purge): who, when, what. Kept forever."""


def all_topics() -> list[str]:
    """Every topic the platform needs: business topics, their dead-letter twins, the audit log."""
    return [t for topic in business_topics() for t in (topic, dlq_topic(topic))] + [AUDIT_TOPIC]


def topic_configs(topic: str) -> dict[str, str]:
    """Broker settings a topic is created with (beyond partitions and replicas)."""
    if topic == AUDIT_TOPIC:
        return {"retention.ms": "-1", "retention.bytes": "-1"}
    if topic.endswith(DLQ_SUFFIX):
        return {"retention.ms": str(90 * 24 * 3600 * 1000)}  # 90 days to inspect and replay
    return {}

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


def all_topics() -> list[str]:
    """Every topic the platform needs, dead-letter topics included."""
    return [t for topic in business_topics() for t in (topic, dlq_topic(topic))]

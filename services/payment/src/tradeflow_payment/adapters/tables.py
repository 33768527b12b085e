"""The payment service's tables (SQLAlchemy Core metadata, the source of its migrations)."""

from sqlalchemy import MetaData

from tradeflow_kit.messaging.schema import messaging_tables

metadata = MetaData()
outbox, inbox = messaging_tables(metadata)

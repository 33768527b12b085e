"""The channel-adapter service's tables (SQLAlchemy Core metadata, the source of its migrations)."""

from sqlalchemy import MetaData

metadata = MetaData()

"""Migration steps for tables the kit defines: a service's migration creates a frozen version
of them by calling these with the table builder of that version."""

from collections.abc import Callable

from sqlalchemy import MetaData


def create_tables(bind, build: Callable[[MetaData], object]) -> None:
    metadata = MetaData()
    build(metadata)
    metadata.create_all(bind)


def drop_tables(bind, build: Callable[[MetaData], object]) -> None:
    metadata = MetaData()
    build(metadata)
    metadata.drop_all(bind)

from tradeflow_kit.migrations import run_migrations
from tradeflow_order.adapters.tables import metadata
from tradeflow_order.settings import Settings

run_migrations(Settings(), metadata)

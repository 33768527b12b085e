from tradeflow_after_sales.adapters.tables import metadata
from tradeflow_after_sales.settings import Settings
from tradeflow_kit.migrations import run_migrations

run_migrations(Settings(), metadata)

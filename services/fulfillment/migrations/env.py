from tradeflow_fulfillment.adapters.tables import metadata
from tradeflow_fulfillment.settings import Settings
from tradeflow_kit.migrations import run_migrations

run_migrations(Settings(), metadata)

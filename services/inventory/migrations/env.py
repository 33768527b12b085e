from tradeflow_inventory.adapters.tables import metadata
from tradeflow_inventory.settings import Settings
from tradeflow_kit.migrations import run_migrations

run_migrations(Settings(), metadata)

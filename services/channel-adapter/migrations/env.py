from tradeflow_channel_adapter.adapters.tables import metadata
from tradeflow_channel_adapter.settings import Settings
from tradeflow_kit.migrations import run_migrations

run_migrations(Settings(), metadata)

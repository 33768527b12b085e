from tradeflow_kit.migrations import run_migrations
from tradeflow_payment.adapters.tables import metadata
from tradeflow_payment.settings import Settings

run_migrations(Settings(), metadata)

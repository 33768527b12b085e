from tradeflow_testing.migrations import assert_migration_stairway


async def test_migrations_upgrade_downgrade_and_upgrade_again(fresh_database_url):
    await assert_migration_stairway("payment", fresh_database_url)

import pytest
from pydantic import ValidationError

from tradeflow_kit.settings import settings_class


def test_each_service_reads_its_own_prefixed_database_url(monkeypatch):
    monkeypatch.setenv("AFTER_SALES_DATABASE_URL", "postgresql+asyncpg://u@db:5432/as")
    monkeypatch.setenv("ORDER_DATABASE_URL", "postgresql+asyncpg://u@db:5432/orders")
    assert settings_class("after-sales")().database_url.endswith("/as")
    assert settings_class("order")().database_url.endswith("/orders")


def test_defaults_point_at_the_local_stack(monkeypatch):
    monkeypatch.delenv("INVENTORY_DATABASE_URL", raising=False)
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    settings = settings_class("inventory")()
    assert settings.database_url == "postgresql+asyncpg://tradeflow@127.0.0.1:55432/tradeflow_inventory"
    assert settings.kafka_bootstrap_servers == "127.0.0.1:19092"


def test_production_refuses_the_public_dev_jwt_secret(monkeypatch):
    monkeypatch.setenv("TRADEFLOW_ENV", "production")
    monkeypatch.delenv("TRADEFLOW_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="TRADEFLOW_JWT_SECRET"):
        settings_class("payment")()

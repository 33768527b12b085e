"""Service settings, read from the environment with defaults that run the local stack."""

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "tradeflow-local-dev-secret-change-me"
LOCAL_POSTGRES = "postgresql+asyncpg://tradeflow@127.0.0.1:55432"
LOCAL_KAFKA = "127.0.0.1:19092"


def database_name(service: str) -> str:
    """The database a service owns: `tradeflow_<service>` (dashes become underscores)."""
    return "tradeflow_" + service.replace("-", "_")


def env_prefix(service: str) -> str:
    """The environment prefix of a service's own settings, e.g. `AFTER_SALES_`."""
    return service.replace("-", "_").upper() + "_"


class ServiceSettings(BaseSettings):
    """Settings every service shares; a service subclass sets `env_prefix` and its database.

    Shared infrastructure (Kafka, JWT secret, logging) uses unprefixed `TRADEFLOW_*` /
    `KAFKA_BOOTSTRAP_SERVERS` variables; the database URL and HTTP port are per service.
    """

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str
    database_url: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    kafka_bootstrap_servers: str = Field(LOCAL_KAFKA, validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    jwt_secret: SecretStr = Field(SecretStr(DEV_JWT_SECRET), validation_alias="TRADEFLOW_JWT_SECRET")
    jwt_issuer: str = Field("tradeflow", validation_alias="TRADEFLOW_JWT_ISSUER")
    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias="TRADEFLOW_ENV"
    )
    log_format: Literal["console", "json"] = Field("console", validation_alias="TRADEFLOW_LOG_FORMAT")
    log_level: str = Field("INFO", validation_alias="TRADEFLOW_LOG_LEVEL")
    ready_timeout_seconds: float = 2.0
    consumer_batch_max_records: int = 100  # records handled in one transaction, at most
    consumer_batch_wait_ms: int = 500  # how long one poll waits for records when none is ready (ends as one comes)
    consumer_max_attempts: int = 5
    consumer_backoff_seconds: float = 0.1
    shutdown_grace_seconds: float = 10.0

    @model_validator(mode="after")
    def _defaults_and_production_guards(self) -> "ServiceSettings":
        if not self.database_url:
            self.database_url = f"{LOCAL_POSTGRES}/{database_name(self.service_name)}"
        if self.environment == "production" and self.jwt_secret.get_secret_value() == DEV_JWT_SECRET:
            raise ValueError("TRADEFLOW_JWT_SECRET must be set in production (the dev secret is public)")
        return self


def settings_class(service: str) -> type[ServiceSettings]:
    """A settings class for `service`, reading `<SERVICE>_DATABASE_URL`, `<SERVICE>_HTTP_PORT`…"""

    class _Settings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix=env_prefix(service), extra="ignore")
        service_name: str = service

    _Settings.__name__ = _Settings.__qualname__ = env_prefix(service).title().replace("_", "") + "Settings"
    return _Settings

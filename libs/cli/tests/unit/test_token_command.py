from typer.testing import CliRunner

from tradeflow_cli.main import app
from tradeflow_kit.auth import Role, TokenCodec
from tradeflow_kit.settings import DEV_JWT_SECRET


def test_token_command_prints_a_token_the_services_accept(monkeypatch):
    monkeypatch.delenv("TRADEFLOW_JWT_SECRET", raising=False)
    result = CliRunner().invoke(app, ["token", "--role", "buyer", "--role", "staff", "--sub", "buyer-1"])
    assert result.exit_code == 0, result.output
    principal = TokenCodec(DEV_JWT_SECRET).verify(result.output.strip())
    assert principal.sub == "buyer-1"
    assert principal.roles == {Role.BUYER, Role.STAFF}


def test_token_command_rejects_an_unknown_role():
    result = CliRunner().invoke(app, ["token", "--role", "admin", "--sub", "x"])
    assert result.exit_code != 0
    assert "admin" in result.output


def test_a_merchant_token_names_its_merchant(monkeypatch):
    monkeypatch.delenv("TRADEFLOW_JWT_SECRET", raising=False)
    refused = CliRunner().invoke(app, ["token", "--role", "merchant", "--sub", "m-1"])
    assert refused.exit_code != 0 and "--merchant-id" in refused.output
    result = CliRunner().invoke(app, ["token", "--role", "merchant", "--sub", "u-7", "--merchant-id", "m-1"])
    assert result.exit_code == 0, result.output
    assert TokenCodec(DEV_JWT_SECRET).verify(result.output.strip()).merchant_id == "m-1"

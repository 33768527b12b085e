"""The marketplace simulator's settings: its shops and where their pushes go, from the environment."""

from tradeflow_simulators.market import MarketSimSettings


def test_the_defaults_are_the_stacks_two_shops_pushing_to_the_gateway():
    settings = MarketSimSettings()
    assert (settings.port, settings.push_code, settings.pull_code) == (8193, "shopa", "shopb")
    assert settings.webhook_url("shopa") == "http://127.0.0.1:8080/channels/shopa/webhooks"


def test_the_environment_names_the_shops_their_secrets_and_the_callback(monkeypatch):
    monkeypatch.setenv("MARKET_SIM_CALLBACK_URL", "http://127.0.0.1:11080/channels/{code}/webhooks")
    monkeypatch.setenv("MARKET_SIM_PUSH_CODE", "tmall")
    monkeypatch.setenv("MARKET_SIM_PULL_SECRET", "pull-secret")
    settings = MarketSimSettings()
    assert settings.webhook_url("tmall") == "http://127.0.0.1:11080/channels/tmall/webhooks"
    assert (settings.push_code, settings.pull_secret.get_secret_value()) == ("tmall", "pull-secret")

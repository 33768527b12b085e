from tradeflow_kit.settings import settings_class

Settings = settings_class("order")

"""Why the channel adapter domain refuses something. Every domain error of the service derives from
`ChannelAdapterError`: the kit dead-letters it at once in message handlers (bootstrap passes it to
`build_runtime(domain_errors=…)`) and `api/problems.py` maps it to a problem."""


class ChannelAdapterError(Exception):
    """A channel adapter rule was broken; the message says which and why."""


class BadNews(ChannelAdapterError):
    """What a channel sent cannot be read: `field` says where (a dotted path in the channel's own
    shape), the message what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message

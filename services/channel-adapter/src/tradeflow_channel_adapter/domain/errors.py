"""Why the channel adapter domain refuses something. Every domain error of the service derives from
`ChannelAdapterError`: the kit dead-letters it at once in message handlers (bootstrap passes it to
`build_runtime(domain_errors=…)`) and `api/problems.py` maps it to a problem."""


class ChannelAdapterError(Exception):
    """A channel adapter rule was broken; the message says which and why."""

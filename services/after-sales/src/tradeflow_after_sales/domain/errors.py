"""Why the after sales domain refuses something. Every domain error of the service derives from
`AfterSalesError`: the kit dead-letters it at once in message handlers (bootstrap passes it to
`build_runtime(domain_errors=…)`) and `api/problems.py` maps it to a problem."""


class AfterSalesError(Exception):
    """A after sales rule was broken; the message says which and why."""

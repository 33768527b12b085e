"""The service's one error map: its refusals as problem+json (RFC 9457, stable `type` slugs,
API.md), installed on the app by bootstrap. Add a row per refusal a route can meet, most
specific first."""

from tradeflow_after_sales.domain.errors import AfterSalesError
from tradeflow_kit.problems import ErrorMap, Refusal

PROBLEMS = ErrorMap(
    Refusal(AfterSalesError, 409, "After sales rule violated", "after-sales-rule-violated"),
)

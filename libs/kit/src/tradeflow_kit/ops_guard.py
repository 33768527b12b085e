"""The guard the gateway asks before it proxies `/ops/<service>/*` (metrics, docs, openapi.json,
asyncapi, health, ready) from outside.

Rule: only staff may read a service's operational routes through the gateway. nginx sends the
caller's request headers to `GET /_ops/authorize` (its `auth_request`): 204 lets the request
through; 401 (no or invalid token) and 403 (a valid token without the staff role) refuse it.
The service's own port keeps serving `/metrics` etc. unguarded, for Prometheus on the host.
"""

from fastapi import APIRouter, Depends, Response

from tradeflow_kit.auth import Principal, Role, require_roles

OPS_AUTHORIZE_PATH = "/_ops/authorize"


def ops_guard_router() -> APIRouter:
    router = APIRouter(tags=["operations"], include_in_schema=False)

    @router.get(OPS_AUTHORIZE_PATH, status_code=204)
    async def authorize(_staff: Principal = Depends(require_roles(Role.STAFF))) -> Response:
        return Response(status_code=204)

    return router

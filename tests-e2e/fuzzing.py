"""Fuzz every service's API through the gateway with schemathesis, and tally what came back.

Rules checked on every answer (API.md, CONVENTIONS.md):
* never a 5xx — bad input is the client's fault, a 4xx;
* every 4xx/5xx is RFC 9457 `application/problem+json` with `type` (str), `title` (str) and
  `status` (the HTTP status), whoever answered: a service or the gateway itself.

Each service's OpenAPI is fetched through the gateway (`/ops/<service>/openapi.json`, with a staff
token: ops routes need one). A service's own routes (`/health`, `/ready`, …) are reached through
the gateway as `/ops/<service>/<path>`; its API routes (`/orders…`) as they are. Every operation
is called with valid tokens of each principal that may use it (staff and a buyer), with data
that fits the schema (positive) and data that does not (negative). Used by
`test_fuzz_api.py` (a bounded number of examples per operation, in `make test`) and by
`fuzz/run.py` (`make fuzz`: many more, with the figures per operation).
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis.errors import Unsatisfiable
from platform_client import auth
from schemathesis import GenerationMode
from schemathesis.core import NotSet

SERVICES = ("order", "payment", "inventory", "fulfillment", "after-sales", "channel-adapter")
API_PREFIXES = ("/orders", "/catalog", "/payments", "/inventory", "/fulfillment", "/entitlements", "/after-sales",
                "/channels")
PRINCIPALS = {"staff": ("fuzz-staff", "staff"), "buyer": ("fuzz-buyer", "buyer")}
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def problem_violation(status: int, content_type: str, body: bytes) -> str | None:
    """Why an answer breaks the error rules, or None when it keeps them."""
    if status >= 500:
        return f"{status} server error"
    if status < 400:
        return None
    if not content_type.startswith("application/problem+json"):
        return f"{status} answered as {content_type or 'no content type'}, not application/problem+json"
    try:
        problem = json.loads(body)
    except ValueError:
        return f"{status} problem+json body is not JSON"
    if not isinstance(problem, dict):
        return f"{status} problem+json body is not an object"
    if not (isinstance(problem.get("type"), str) and isinstance(problem.get("title"), str)
            and problem.get("status") == status):
        return f"{status} problem lacks type/title/status={status}: {problem}"
    return None


@dataclass
class Tally:
    """What one operation answered: counts, and the first few rule breaks with a curl to repeat them."""

    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    server_errors: int = 0
    non_problem: int = 0
    transport_errors: int = 0
    unsendable: int = 0
    failures: list[str] = field(default_factory=list)

    def record(self, status: int, violation: str | None, repeat: str) -> None:
        self.requests += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        if violation is None:
            return
        if status >= 500:
            self.server_errors += 1
        else:
            self.non_problem += 1
        self._keep(f"{violation}\n    {repeat}")

    def broken_connection(self, error: Exception, repeat: str) -> None:
        self.requests += 1
        self.transport_errors += 1
        self._keep(f"connection error {type(error).__name__}: {error}\n    {repeat}")

    def _keep(self, failure: str) -> None:
        if len(self.failures) < 5:
            self.failures.append(failure)

    @property
    def broken(self) -> int:
        return self.server_errors + self.non_problem + self.transport_errors


def load_api(gateway: str, service: str) -> schemathesis.schemas.BaseSchema:
    """A service's OpenAPI, fetched through the gateway, with paths as the gateway routes them."""
    r = httpx.get(f"{gateway}/ops/{service}/openapi.json", headers=auth(*PRINCIPALS["staff"]), timeout=30)
    r.raise_for_status()
    document = r.json()
    document["paths"] = {(p if p.startswith(API_PREFIXES) else f"/ops/{service}{p}"): item
                         for p, item in document["paths"].items()}
    document["servers"] = [{"url": gateway}]
    return schemathesis.openapi.from_dict(document)


def operations(api: schemathesis.schemas.BaseSchema) -> list:
    return [result.ok() for result in api.get_all_operations()]


def fuzz_operation(operation, gateway: str, examples: int, session: requests.Session,
                   principals: Iterable[str] = PRINCIPALS, modes: Iterable[GenerationMode] = MODES) -> Tally:
    """Call `operation` with `examples` generated cases per principal and mode; what it answered."""
    tally = Tally()
    for principal in principals:
        headers = auth(*PRINCIPALS[principal])
        for mode in modes:
            _run_cases(operation.as_strategy(generation_mode=mode), examples,
                       lambda case, headers=headers: _send(case, gateway, headers, session, tally))
    return tally


def _run_cases(strategy, examples: int, send) -> None:
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), verbosity=Verbosity.quiet)
    @given(case=strategy)
    def run(case) -> None:
        send(case)

    try:
        run()
    except Unsatisfiable:
        pass  # no data breaks this operation's schema (e.g. negative cases of a route without input)


def _send(case, gateway: str, headers: dict, session: requests.Session, tally: Tally) -> None:
    repeat = _repeat(case)
    try:
        response = case.call(base_url=gateway, session=session, headers=headers, timeout=30)
    except (requests.exceptions.InvalidHeader, requests.exceptions.InvalidURL, UnicodeError, ValueError):
        tally.unsendable += 1  # the client library refuses to put it on the wire: nothing to test
        return
    except requests.exceptions.RequestException as exc:
        tally.broken_connection(exc, repeat)
        return
    content_type = response.headers.get("content-type") or [""]  # schemathesis: lower-cased name → values
    violation = problem_violation(response.status_code, content_type[0], response.content)
    tally.record(response.status_code, violation, repeat)


def _repeat(case) -> str:
    """The request in a line, enough to send it again by hand (tokens left out)."""
    parts = [case.method, case.formatted_path]
    if case.query:
        parts.append(f"query={case.query!r}")
    if case.headers:
        parts.append(f"headers={case.headers!r}")
    if case.body is not None and not isinstance(case.body, NotSet):
        parts.append(f"body={json.dumps(case.body, default=repr)[:300]}")
    return " ".join(parts)

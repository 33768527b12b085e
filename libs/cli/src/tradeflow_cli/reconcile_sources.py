"""Reading both sides of the reconciliation: the payment service's database (read only) and the
PSP's merchant API (its paged listing, and a status query for what the listing lacks)."""

from datetime import datetime, timedelta

import asyncpg
import httpx

from tradeflow_cli.reconcile_match import Attempt

SLACK = timedelta(minutes=10)  # the two sides stamp creation a moment apart: read the PSP wider


def plain_postgres_url(url: str) -> str:
    """asyncpg wants `postgresql://…`; accept SQLAlchemy's `postgresql+asyncpg://…` too."""
    scheme, sep, rest = url.partition("://")
    return f"{scheme.split('+')[0]}{sep}{rest}"


async def our_attempts(database_url: str, start: datetime, end: datetime) -> list[Attempt]:
    """Our attempts at the PSP created in [start, end) (zero-amount payments never reach it)."""
    connection = await asyncpg.connect(plain_postgres_url(database_url))
    try:
        rows = await connection.fetch(
            "SELECT psp_reference, order_id, amount, currency, status, created_at FROM payments "
            "WHERE psp_reference IS NOT NULL AND created_at >= $1 AND created_at < $2", start, end)
    finally:
        await connection.close()
    return [Attempt(r["psp_reference"], r["order_id"], r["amount"], r["currency"], r["status"], r["created_at"])
            for r in rows]


def _attempt(item: dict) -> Attempt:
    return Attempt(item["psp_reference"], item["merchant_reference"], int(item["amount"]), item["currency"],
                   item["status"], datetime.fromisoformat(item["created_at"]))


class PspReader:
    def __init__(self, base_url: str, api_key: str, timeout: float = 10.0) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=timeout,
                                        headers={"Authorization": f"Bearer {api_key}"})

    async def created_between(self, start: datetime, end: datetime) -> list[Attempt]:
        found, cursor = [], None
        while True:
            params = {"created_from": start.isoformat(), "created_to": end.isoformat(), "limit": 500}
            response = await self.client.get("/v1/payments", params=params | ({"starting_after": cursor}
                                                                               if cursor else {}))
            response.raise_for_status()
            page = response.json()
            found += [_attempt(item) for item in page["items"]]
            if not (cursor := page.get("next_cursor")):
                return found

    async def one(self, psp_reference: str) -> Attempt | None:
        response = await self.client.get(f"/v1/payments/{psp_reference}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return _attempt(response.json())

    async def aclose(self) -> None:
        await self.client.aclose()

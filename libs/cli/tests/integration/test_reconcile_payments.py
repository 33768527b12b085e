"""`tradeflow reconcile payments` on a real payment database (migrated to head) and the real PSP
simulator on a local port: the exit status and the totals tell what matches and what does not."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest
from typer.testing import CliRunner, Result

from tradeflow_cli.main import app
from tradeflow_cli.reconcile_sources import plain_postgres_url
from tradeflow_simulators.psp import PspSimSettings, create_app
from tradeflow_simulators.serving import serving
from tradeflow_testing.migrations import migrate_to_head

KEY = {"Authorization": "Bearer psp-dev-key"}


@pytest.fixture
async def database_url(fresh_database_url):
    await migrate_to_head("payment", fresh_database_url)
    return fresh_database_url


@pytest.fixture
async def psp(tmp_path):
    settings = PspSimSettings(data_file=str(tmp_path / "psp.sqlite3"))
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url, headers=KEY) as client:
        yield client


async def _at_psp(psp: httpx.AsyncClient, order_id: str, amount: int, paid: bool = False) -> str:
    created = await psp.post("/v1/payments", json={"merchant_reference": order_id, "amount": amount,
                                                   "currency": "CNY", "notify_url": "http://127.0.0.1:9/cb"})
    reference = created.json()["psp_reference"]
    if paid:
        await psp.post(f"/sim/payments/{reference}", json={"outcome": "succeed", "notify": False})
    return reference


async def _ours(database_url: str, order_id: str, reference: str, amount: int, status: str = "pending") -> None:
    now = datetime.now(UTC)
    connection = await asyncpg.connect(plain_postgres_url(database_url))
    try:
        await connection.execute("INSERT INTO payables (order_id, buyer_id, amount, currency, deadline, created_at) "
                                 "VALUES ($1, 'buyer-1', $2, 'CNY', $3, $4)", order_id, amount,
                                 now + timedelta(minutes=30), now)
        await connection.execute("INSERT INTO payments (id, order_id, amount, currency, status, psp_reference, "
                                 "created_at) VALUES ($1, $2, $3, 'CNY', $4, $5, $6)",
                                 f"pay-{uuid.uuid4().hex[:8]}", order_id, amount, status, reference, now)
    finally:
        await connection.close()


async def _run(*args: str) -> Result:
    return await asyncio.to_thread(CliRunner().invoke, app, ["reconcile", "payments", *args])


def _order() -> str:
    return f"order-{uuid.uuid4().hex[:8]}"


async def test_reports_each_kind_of_difference_with_totals_and_exits_1(database_url, psp):
    today = datetime.now(UTC).date().isoformat()
    common = ["--date", today, "--psp-url", str(psp.base_url), "--database-url", database_url]

    both = _order()
    await _ours(database_url, both, await _at_psp(psp, both, 1000), 1000)
    paid_both = _order()
    await _ours(database_url, paid_both, await _at_psp(psp, paid_both, 2000, paid=True), 2000, "succeeded")
    clean = await _run(*common)
    assert clean.exit_code == 0, clean.output
    assert "All payments match." in clean.output and all(len(line) <= 80 for line in clean.output.splitlines())

    lost_webhook, wrong_amount, unknown_to_us = _order(), _order(), _order()
    await _ours(database_url, lost_webhook, await _at_psp(psp, lost_webhook, 3000, paid=True), 3000)
    await _ours(database_url, wrong_amount, await _at_psp(psp, wrong_amount, 500), 700)
    await _at_psp(psp, unknown_to_us, 400, paid=True)
    await _ours(database_url, _order(), "psp_ghost", 900)

    result = await _run(*common, "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["totals"] == {
        "matched": {"count": 2, "amount": 3000},
        "missing_ours": {"count": 1, "amount": 400},
        "missing_psp": {"count": 1, "amount": 900},
        "amount_mismatch": {"count": 1, "amount": 500},
        "status_mismatch": {"count": 1, "amount": 3000},
    }
    assert report["captured"] == {"ours": 2000, "psp": 2000 + 3000 + 400}
    [status] = [d for d in report["differences"] if d["outcome"] == "status_mismatch"]
    assert status["order_id"] == lost_webhook and (status["ours"]["status"], status["psp"]["status"]) == (
        "pending", "succeeded")
    table = await _run(*common)
    assert table.exit_code == 1 and "missing on our side" in table.output and "psp_ghost" in table.output


async def test_another_day_has_nothing_to_match(database_url, psp):
    order = _order()
    await _ours(database_url, order, await _at_psp(psp, order, 1000), 1000)
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    result = await _run("--date", yesterday, "--psp-url", str(psp.base_url), "--database-url", database_url, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["totals"]["matched"]["count"] == 0


async def test_bad_input_or_an_unreadable_side_exits_2(database_url):
    bad_date = await _run("--date", "22/11/2026", "--database-url", database_url)
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    no_psp = await _run("--date", "2026-11-22", "--psp-url", "http://127.0.0.1:9", "--database-url", database_url)
    assert no_psp.exit_code == 2 and "could not read" in no_psp.output

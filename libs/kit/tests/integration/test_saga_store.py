"""The saga store on the real PostgreSQL: what is saved is what is read back, the listing pages
newest first, and claiming due deadlines never hands one saga to two transactions."""

import asyncio
from datetime import timedelta

from sqlalchemy import delete, select, text

from tradeflow_kit.db import create_engine
from tradeflow_kit.sagas.definition import SagaState
from tradeflow_kit.sagas.instance import FailurePolicy, SagaMove, failed, move, park
from tradeflow_kit.sagas.schema import create_saga_tables_v1, drop_saga_tables_v1

from ..saga_fixtures import CHECKOUT, T0
from .saga_support import add_all, checkout_in, saga_moves_table, sagas_table


async def test_a_saga_and_its_moves_round_trip(saga_transactions):
    saga = checkout_in("o-1", "awaiting_payment", T0)
    async with saga_transactions.begin() as tx:
        await tx.sagas.add(saga)
    assert saga.moves == []  # pulled and written

    later = T0 + timedelta(minutes=2)
    async with saga_transactions.begin() as tx:
        loaded = await tx.sagas.get("o-1", lock=True)
        assert loaded == saga  # every field, time zones included
        failed(loaded, "RuntimeError: psp down", later, FailurePolicy())
        move(CHECKOUT, loaded, "cancelling", "payment deadline passed", later)
        park(loaded, "stuck", later)
        await tx.sagas.save(loaded)

    async with saga_transactions.begin() as tx:
        again = await tx.sagas.get("o-1")
        history = await tx.sagas.history("o-1")
        assert await tx.sagas.get("o-404") is None
    assert (again.step, again.state, again.attention, again.attempts) == (
        "cancelling", SagaState.NEEDS_ATTENTION, "stuck", 0)
    assert (again.started_at, again.updated_at, again.deadline_at) == (T0, later, later + timedelta(minutes=1))
    assert history == [SagaMove(T0, None, "reserving", "started"),
                       SagaMove(T0, "reserving", "awaiting_payment", "to awaiting_payment"),
                       SagaMove(later, "awaiting_payment", "cancelling", "payment deadline passed")]


async def test_find_pages_newest_first_and_filters(saga_transactions):
    sagas = [checkout_in(f"o-{i}", "paid" if i % 2 else "awaiting_payment", T0 + timedelta(seconds=i // 2))
             for i in range(7)]  # pairs share updated_at: the id breaks the tie
    await add_all(saga_transactions, *sagas)
    expected = sorted(sagas, key=lambda s: (s.updated_at, s.id), reverse=True)

    seen, after = [], None
    async with saga_transactions.begin() as tx:
        while True:
            page = await tx.sagas.find(name=None, state=None, step=None, limit=3, after=after)
            if not page:
                break
            seen += page
            after = (page[-1].updated_at, page[-1].id)
        assert [s.id for s in seen] == [s.id for s in expected]
        completed = await tx.sagas.find(name="checkout", state=SagaState.COMPLETED, step=None, limit=10, after=None)
        assert [s.id for s in completed] == ["o-5", "o-3", "o-1"]
        waiting = await tx.sagas.find(name=None, state=None, step="awaiting_payment", limit=10, after=None)
        assert {s.id for s in waiting} == {"o-0", "o-2", "o-4", "o-6"}
        assert await tx.sagas.find(name="returns", state=None, step=None, limit=10, after=None) == []


async def test_claim_due_takes_running_sagas_past_their_deadline_oldest_first(saga_transactions):
    now = T0 + timedelta(hours=1)
    early, late = checkout_in("o-early", "awaiting_payment", T0), checkout_in("o-late", "awaiting_payment", T0)
    late.deadline_at = now  # due exactly now
    not_due = checkout_in("o-not-due", "awaiting_payment", now)
    parked = checkout_in("o-parked", "awaiting_payment", T0)
    park(parked, "stuck", T0)
    finished = checkout_in("o-paid", "paid", T0)
    await add_all(saga_transactions, late, early, not_due, parked, finished)

    async with saga_transactions.begin() as tx:
        assert [s.id for s in await tx.sagas.claim_due("checkout", now, 10)] == ["o-early", "o-late"]
        assert await tx.sagas.claim_due("returns", now, 10) == []


async def test_concurrent_claims_never_take_the_same_saga(saga_transactions):
    sagas = [checkout_in(f"o-{i}", "awaiting_payment", T0 + timedelta(seconds=i)) for i in range(6)]
    await add_all(saga_transactions, *sagas)
    now = T0 + timedelta(hours=1)
    all_claimed = asyncio.Barrier(4)

    async def claimer() -> list[str]:
        async with saga_transactions.begin() as tx:
            claimed = [s.id for s in await tx.sagas.claim_due("checkout", now, 2)]
            await asyncio.wait_for(all_claimed.wait(), 10)  # hold the locks until every claimer has claimed
        return claimed

    claims = await asyncio.gather(*(claimer() for _ in range(4)))
    flat = [saga_id for claim in claims for saga_id in claim]
    assert len(flat) == len(set(flat)) == 6  # all six, none twice


async def test_deleting_a_saga_deletes_its_moves(saga_transactions):
    await add_all(saga_transactions, checkout_in("o-1", "paid", T0))
    async with saga_transactions.begin() as tx:
        await tx.session.execute(delete(sagas_table).where(sagas_table.c.id == "o-1"))
        left = (await tx.session.execute(select(saga_moves_table.c.id))).all()
    assert left == []


async def test_the_migration_step_creates_the_tables_with_their_indexes_and_drops_them(fresh_database_url):
    engine = create_engine(fresh_database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(create_saga_tables_v1)
            indexes = dict((await conn.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('sagas', 'saga_moves')"))).all())
        assert "WHERE ((state = 'running'::text) AND (deadline_at IS NOT NULL))" in indexes["sagas_due"]
        assert "(name, deadline_at)" in indexes["sagas_due"]
        assert "(updated_at DESC, id DESC)" in indexes["sagas_recent"]
        assert "(saga_id)" in indexes["ix_saga_moves_saga_id"]
        async with engine.begin() as conn:
            await conn.run_sync(drop_saga_tables_v1)
            left = (await conn.execute(text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'saga%'"))).scalar()
        assert left == 0
    finally:
        await engine.dispose()

"""A consumer process killed mid-transaction loses no effect and doubles none after restart —
consuming one record per transaction or a batch per transaction."""

import asyncio
import pathlib
import signal
import sys
import uuid

import pytest

from tradeflow_contracts.envelope import new_envelope
from tradeflow_testing.polling import eventually

from .messaging_support import ItemCounted, effect_counts

SCRIPT = pathlib.Path(__file__).with_name("consumer_process.py")


async def _spawn(args: list[str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, str(SCRIPT), *args,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


@pytest.mark.parametrize("max_records", [1, 50], ids=["one-per-transaction", "batched"])
async def test_consumer_killed_mid_transaction_neither_loses_nor_doubles(
        infra, engine, fresh_database_url, producer, topic_with_dlq, tmp_path, max_records):
    items = ["first", "slow", "third", "fourth"]
    for item in items:
        envelope = new_envelope(ItemCounted.TYPE, 1, {"item": item}, producer="test", correlation_id="c")
        await producer.send_and_wait(topic_with_dlq, envelope.to_bytes(), key=b"order-1", headers=envelope.headers())
    flag = tmp_path / "paused"
    common = ["--bootstrap", infra.kafka_bootstrap, "--db", fresh_database_url, "--topic", topic_with_dlq,
              "--group", f"kill-{uuid.uuid4().hex[:6]}", "--flag", str(flag), "--max-records", str(max_records)]

    first = await _spawn([*common, "--pause", "slow"])
    try:
        await eventually(lambda: _exists(flag), timeout=60, what="the consumer to pause inside its transaction")
        committed = await effect_counts(engine)  # "slow" is written but not committed
        # one per transaction: "first" committed alone; batched: "first" waits in slow's transaction
        assert committed == ({"first": 1} if max_records == 1 else {})
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()

    second = await _spawn(common)
    try:
        await eventually(lambda: _count_is(engine, len(items)), timeout=90, what="the restarted consumer")
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()
    assert await effect_counts(engine) == dict.fromkeys(items, 1)


async def _exists(path: pathlib.Path) -> bool:
    return path.exists()


async def _count_is(engine, n: int) -> bool:
    return len(await effect_counts(engine)) == n

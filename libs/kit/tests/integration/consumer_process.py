"""A consumer process for the kill test: counts items, `--max-records` per transaction; pauses
forever inside its transaction (after writing its effect, before commit) on the item named by
--pause, once."""

import argparse
import asyncio
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from faststream.kafka import KafkaBroker
from messaging_support import ItemCounted, effects, inbox_table, outbox_table, test_contracts
from sqlalchemy import insert

from tradeflow_kit.db import create_engine, session_factory
from tradeflow_kit.kafka import create_producer
from tradeflow_kit.messaging.deadletters import DeadLetterPublisher
from tradeflow_kit.messaging.outbox import Outbox
from tradeflow_kit.messaging.processor import MessageProcessor
from tradeflow_kit.messaging.subscriptions import subscribe


def handler(pause_item: str | None, paused_flag: pathlib.Path):
    async def handle(message: ItemCounted, ctx) -> None:
        await ctx.session.execute(insert(effects).values(message_id=ctx.envelope.message_id, item=message.item))
        await ctx.session.flush()
        if message.item == pause_item:
            paused_flag.write_text("in transaction")
            await asyncio.Event().wait()  # killed here

    return handle


async def main(args: argparse.Namespace) -> None:
    engine = create_engine(args.db)
    producer = create_producer(args.bootstrap, "kill-test")
    await producer.start()
    broker = KafkaBroker(args.bootstrap)
    processor = MessageProcessor(
        group=args.group, handlers={ItemCounted: handler(args.pause, pathlib.Path(args.flag))},
        sessions=session_factory(engine), inbox=inbox_table, outbox=Outbox(outbox_table, "test"),
        dead_letters=DeadLetterPublisher(producer), contracts=test_contracts)
    subscribe(broker, processor, args.topic, max_records=args.max_records)
    await broker.start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    for name in ("--bootstrap", "--db", "--topic", "--group", "--flag"):
        parser.add_argument(name, required=True)
    parser.add_argument("--pause")
    parser.add_argument("--max-records", type=int, default=1)
    asyncio.run(main(parser.parse_args()))

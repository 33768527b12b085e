"""`make chaos`: the long chaos run — steady order load through the gateway while parts chosen at
random (each service — the channel adapter too — and each of its replicas, the PSP, WMS and TMS
simulators, Kafka, PostgreSQL, the gateway; never the market simulator, whose shops live in memory)
are killed -9, one at a time, each after `--pause` seconds of calm once the previous
one is back; the WMS and TMS simulators in auto mode carry paid orders on to completed.
Prints the figures: flows offered and accepted per plan, final states, kills per part and
recovery times, and the verdict of every invariant (chaos/invariants.py, chaos/delivery.py).
Exit code 1 when an invariant is broken or a part did not come back.

    make chaos CHAOS_ARGS="--minutes 10 --rate 4 --pause 10 --seed 3"
"""

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from chaos.kills import PARTS, at_random, status, with_replicas
from chaos.scenario import run_chaos


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0, help="how long the load and the kills go on")
    parser.add_argument("--rate", type=float, default=3.0, help="order flows offered per second")
    parser.add_argument("--pause", type=float, default=8.0, help="seconds of calm before each kill")
    parser.add_argument("--seed", type=int, default=None, help="seed of the random kill order")
    parser.add_argument("--settle", type=float, default=180.0, help="seconds the invariants may take to hold")
    parser.add_argument("--no-gateway", action="store_true", help="never kill the gateway")
    args = parser.parse_args()
    listed = status()
    if listed is None:
        print("chaos: this stack has no supervision (`tradeflow-stack status --json`); nothing would restart")
        return 1
    parts = with_replicas(PARTS if args.no_gateway else (*PARTS, "gateway"), listed)  # order-2, … too
    outcome = asyncio.run(run_chaos(at_random(parts, args.seed), rate=args.rate, pause=args.pause,
                                    max_seconds=args.minutes * 60, settle_timeout=args.settle))
    print(outcome.summary())
    return 0 if outcome.report.ok and not outcome.kills.not_recovered else 1


if __name__ == "__main__":
    sys.exit(main())

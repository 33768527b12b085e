"""`make fuzz`: the long fuzz run — schemathesis over every service's API through the gateway,
many examples per operation, principal (staff, buyer) and mode (positive, negative), with the
figures per operation: requests tried, answers by status, 5xx, errors that are not problem+json,
broken connections. Exit code 1 when any rule was broken (the first cases are printed to repeat).

    make fuzz FUZZ_ARGS="--examples 500 --service order"
"""

import argparse
import os
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from fuzzing import SERVICES, Tally, fuzz_operation, load_api, operations


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=200, help="examples per operation, principal and mode")
    parser.add_argument("--service", action="append", choices=SERVICES, help="only these services (repeatable)")
    args = parser.parse_args()
    gateway = os.environ["TRADEFLOW_GATEWAY_URL"]
    started, rows = time.monotonic(), []
    with requests.Session() as session:
        for service in args.service or SERVICES:
            for operation in operations(load_api(gateway, service)):
                began = time.monotonic()
                tally = fuzz_operation(operation, gateway, args.examples, session)
                rows.append((service, operation.label, tally, time.monotonic() - began))
                print(_row(service, operation.label, tally, rows[-1][3]), flush=True)
    total = Tally()
    for _, _, tally, _ in rows:
        total.requests += tally.requests
        total.server_errors += tally.server_errors
        total.non_problem += tally.non_problem
        total.transport_errors += tally.transport_errors
        total.unsendable += tally.unsendable
    print(f"\nfuzz: {len(rows)} operations, {total.requests} requests in {time.monotonic() - started:.0f}s → "
          f"{total.server_errors} 5xx, {total.non_problem} non-problem errors, "
          f"{total.transport_errors} broken connections ({total.unsendable} cases the client could not send)")
    for service, label, tally, _ in rows:
        for failure in tally.failures:
            print(f"  {service} {label}: {failure}")
    return 1 if total.broken else 0


def _row(service: str, label: str, tally: Tally, seconds: float) -> str:
    statuses = " ".join(f"{code}×{n}" for code, n in sorted(tally.by_status.items()))
    return (f"{service:16} {label:42} {tally.requests:6} req  5xx {tally.server_errors:<4} "
            f"non-problem {tally.non_problem:<4} conn {tally.transport_errors:<3} {seconds:5.1f}s  [{statuses}]")


if __name__ == "__main__":
    sys.exit(main())

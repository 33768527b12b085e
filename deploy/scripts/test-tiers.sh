#!/usr/bin/env bash
# make test's pytest, run by `tradeflow-stack exec` against the stack it started (README "Tests").
# With arguments it is one pytest session with them (`make test PYTEST_ARGS="-k ready -x"`). Without,
# three sessions, each run even when one before failed; the exit code is the first failure's:
#   1. unit and integration tests (libs, services), one process;
#   2. the e2e tests that may run side by side, in TRADEFLOW_E2E_WORKERS processes (pytest-xdist, default
#      4: they mostly wait on the platform's deadlines), a test module per worker;
#   3. the e2e tests marked `serial` (they kill parts of the stack, arm a simulator's global switch or call
#      every staff route), one process, last.
set -uo pipefail
cd "$(dirname "$0")/../.."
pytest=.venv/bin/pytest
if [ "$#" -gt 0 ]; then
  exec "$pytest" "$@"
fi
status=0
run() {
  echo "== make test: $1"
  shift
  "$pytest" "$@"
  local code=$?
  if [ "$code" -ne 0 ] && [ "$status" -eq 0 ]; then status=$code; fi
}
run "unit and integration tests" libs services
run "e2e tests side by side" tests-e2e -m "not serial" -n "${TRADEFLOW_E2E_WORKERS:-4}" --dist loadfile
run "e2e tests that run alone" tests-e2e -m serial
exit "$status"

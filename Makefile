# Tradeflow — everything runs from here. `make run` starts the platform, `make test` tests it.
# See README.md for ports, data and logs.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export TRADEFLOW_HOME := $(CURDIR)

PYPROJECTS := $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
SERVICE_DIRS := $(patsubst %/,%,$(wildcard services/*/))

.PHONY: setup system run test test-replicas lint stop status restart bench bench-lifecycle fuzz chaos token clean

## setup: install what is missing (Debian packages, .venv, Kafka jars); a no-op when warm
setup: system $(VENV)/.installed .local/kafka/libs/.installed

system:
	@deploy/scripts/ensure-system.sh

$(VENV)/.installed: $(PYPROJECTS) requirements-dev.txt deploy/scripts/ensure-venv.sh
	@deploy/scripts/ensure-venv.sh

.local/kafka/libs/.installed: deploy/kafka/pom.xml deploy/scripts/ensure-kafka.sh
	@deploy/scripts/ensure-kafka.sh

## run: the whole platform in the foreground; Ctrl-C stops it
run: setup
	@$(BIN)/tradeflow-stack run

## test: lint, then unit, integration and e2e tests against the real broker and database
# Three pytest sessions (deploy/scripts/test-tiers.sh): unit and integration; the e2e tests side by side in
# 4 processes; the e2e tests marked `serial` alone. With PYTEST_ARGS, one session with them.
# The chaos and fuzz suites run short here — every part killed once (two at a time), 1 flow/s, every plan and
# every invariant; 5 schemathesis examples per operation × principal × mode — while `make chaos` and `make fuzz`
# are their long runs (README "Tests"). Short payment and review deadlines let the e2e tests see unpaid and
# unreviewed orders time out (and received orders auto-confirmed); short after-sales deadlines and retries let
# them see a return never sent close its case, a course's after-sales window close, and a refund that keeps
# failing park its case. Order and inventory run
# as two replicas each (README "Replicas"), so every e2e test runs against replicas;
# ORDER_REPLICAS=1 INVENTORY_REPLICAS=1 make test runs one of each (test_replicas.py then skips).
TEST_REPLICAS := ORDER_REPLICAS=$${ORDER_REPLICAS:-2} INVENTORY_REPLICAS=$${INVENTORY_REPLICAS:-2}
SHORT_DEADLINES := ORDER_PAYMENT_TIMEOUT_SECONDS=$${ORDER_PAYMENT_TIMEOUT_SECONDS:-10} \
	ORDER_REVIEW_TIMEOUT_SECONDS=$${ORDER_REVIEW_TIMEOUT_SECONDS:-20} \
	FULFILLMENT_MERGE_WINDOW_SECONDS=$${FULFILLMENT_MERGE_WINDOW_SECONDS:-2} \
	ORDER_AUTO_CONFIRM_SECONDS=$${ORDER_AUTO_CONFIRM_SECONDS:-5} \
	FULFILLMENT_INTERCEPT_DEADLINE_SECONDS=$${FULFILLMENT_INTERCEPT_DEADLINE_SECONDS:-8} \
	AFTER_SALES_RETURN_DEADLINE_SECONDS=$${AFTER_SALES_RETURN_DEADLINE_SECONDS:-20} \
	AFTER_SALES_WINDOW_SECONDS_BY_TYPE=$${AFTER_SALES_WINDOW_SECONDS_BY_TYPE:-virtual=10} \
	AFTER_SALES_RETRY_MAX_ATTEMPTS=$${AFTER_SALES_RETRY_MAX_ATTEMPTS:-3} \
	AFTER_SALES_RETRY_FIRST_BACKOFF_SECONDS=$${AFTER_SALES_RETRY_FIRST_BACKOFF_SECONDS:-0.5} \
	AFTER_SALES_RETRY_MAX_BACKOFF_SECONDS=$${AFTER_SALES_RETRY_MAX_BACKOFF_SECONDS:-2}
test: setup lint
	@$(SHORT_DEADLINES) $(TEST_REPLICAS) \
		$(BIN)/tradeflow-stack exec -- deploy/scripts/test-tiers.sh $(PYTEST_ARGS)

## test-replicas: only the replica tests (two order and two inventory processes), ~1.5 min
test-replicas: setup
	@$(SHORT_DEADLINES) $(TEST_REPLICAS) \
		$(BIN)/tradeflow-stack exec -- $(BIN)/pytest tests-e2e/test_replicas.py $(PYTEST_ARGS)

## lint: ruff, and each service's import-linter layer contract
lint: $(VENV)/.installed
	@$(BIN)/ruff check libs services tests-e2e
	@for d in $(SERVICE_DIRS); do (cd $$d && ../../$(BIN)/lint-imports --no-cache) || exit 1; done

## bench: throughput benchmarks on the local stack (numbers, not pass/fail)
BENCH_ARGS ?= --rates 10,60,120 --seconds 15 --warmup 5
bench: setup
	@$(BIN)/tradeflow-stack exec --infra-only -- $(BIN)/python libs/kit/bench/outbox_relay.py
	@$(BIN)/tradeflow-stack exec -- $(BIN)/python tests-e2e/bench/place_and_pay.py $(BENCH_ARGS)

## bench-lifecycle: orders/s to completed — WMS and TMS simulators auto-advance, buyers confirm receipt
# A short merge window, or every shipment waits the default 10 min before dispatch.
BENCH_LIFECYCLE_ARGS ?= --rates 10,30 --seconds 15 --warmup 5
bench-lifecycle: setup
	@FULFILLMENT_MERGE_WINDOW_SECONDS=$${FULFILLMENT_MERGE_WINDOW_SECONDS:-1} \
		$(BIN)/tradeflow-stack exec -- $(BIN)/python tests-e2e/bench/place_and_pay.py --lifecycle $(BENCH_LIFECYCLE_ARGS)

## fuzz: the long fuzz run over every service's API through the gateway, with figures per operation
# (200 examples per operation × principal × mode; make test tries 5)
fuzz: setup
	@$(BIN)/tradeflow-stack exec -- $(BIN)/python tests-e2e/fuzz/run.py $(FUZZ_ARGS)

## chaos: the long chaos run — order load while random parts are killed -9; prints flows, kills, invariants
# One part at a time (replicas and the gateway too), 5 min at 3 flows/s; make test kills each part once.
# e.g. make chaos CHAOS_ARGS="--minutes 10 --rate 4"
chaos: setup
	@$(SHORT_DEADLINES) \
		$(BIN)/tradeflow-stack exec -- $(BIN)/python tests-e2e/chaos/run.py $(CHAOS_ARGS)

## stop: stop the running stack of this checkout, or what a killed one left behind
stop:
	@$(BIN)/tradeflow-stack stop

## status: each part of the running stack (pid, state, restarts); exits 0 when all are running
status:
	@$(BIN)/tradeflow-stack status

## restart: restart one part of the running stack, e.g. make restart PART=payment (or PART=order-2)
restart:
	@$(BIN)/tradeflow-stack restart $(PART)

## token: a local dev token, e.g. make token ROLE=buyer SUB=buyer-1
token:
	@$(BIN)/tradeflow token --role $(or $(ROLE),buyer) --sub $(or $(SUB),$(or $(ROLE),buyer)-1)

clean:
	rm -rf .local $(VENV)

# One image for all six Tradeflow services, with the `tradeflow` ops CLI, the outside-system
# simulators (`python -m tradeflow_simulators.psp`) and each service's Alembic migrations. Build it from the repository root:
#   docker build -f deploy/docker/service.Dockerfile -t tradeflow-service .
# The command picks the service (docker-compose.yml does this per container):
#   python -m tradeflow_order.main        (…_payment, _inventory, _fulfillment, _after_sales, _channel_adapter)
#   alembic -c services/order/alembic.ini upgrade head
# Every service listens on 0.0.0.0:8000 inside its container.

# --- build: wheels of the Tradeflow packages and of all their dependencies -------------------
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY libs/contracts libs/contracts
COPY libs/kit libs/kit
COPY libs/cli libs/cli
COPY libs/simulators libs/simulators
COPY services services
# Local paths named together satisfy the services' `tradeflow-kit`/`tradeflow-contracts`
# requirements; everything else comes from PyPI.
RUN pip wheel --wheel-dir /wheels ./libs/contracts ./libs/kit ./libs/cli ./libs/simulators ./services/*
# What Alembic reads besides the installed packages: each service's alembic.ini and migrations/.
RUN set -eu; \
    for dir in services/*/; do \
        name=$(basename "$dir"); \
        mkdir -p "/dist/services/$name"; \
        cp -r "$dir/alembic.ini" "$dir/migrations" "/dist/services/$name/"; \
    done

# --- runtime ----------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index /wheels/*.whl

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin tradeflow
WORKDIR /app
COPY --from=build /dist/services /app/services

# Listen on all interfaces, one port for every service (settings: <SERVICE>_HTTP_HOST/_PORT).
ENV ORDER_HTTP_HOST=0.0.0.0 \
    ORDER_HTTP_PORT=8000 \
    PAYMENT_HTTP_HOST=0.0.0.0 \
    PAYMENT_HTTP_PORT=8000 \
    INVENTORY_HTTP_HOST=0.0.0.0 \
    INVENTORY_HTTP_PORT=8000 \
    FULFILLMENT_HTTP_HOST=0.0.0.0 \
    FULFILLMENT_HTTP_PORT=8000 \
    AFTER_SALES_HTTP_HOST=0.0.0.0 \
    AFTER_SALES_HTTP_PORT=8000 \
    CHANNEL_ADAPTER_HTTP_HOST=0.0.0.0 \
    CHANNEL_ADAPTER_HTTP_PORT=8000
EXPOSE 8000

USER 10001:10001
# No service by default: the command names one (see the top of this file).
CMD ["tradeflow", "--help"]

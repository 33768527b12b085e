#!/usr/bin/env bash
# The project's Python environment (.venv): every library and service installed editable, with
# the test and lint tools. uv (from PyPI) installs it in seconds; a warm rerun is a no-op.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
"$python" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' \
  || { echo "tradeflow setup: Python 3.11+ is needed ($python is $("$python" --version))" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $python"
  "$python" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  fetch_or_die "PyPI" "install uv" .venv/bin/python -m pip install --quiet "uv>=0.5"
fi
say "installing the Python packages into .venv"
editable=()
for p in libs/*/pyproject.toml services/*/pyproject.toml; do editable+=(-e "$(dirname "$p")"); done
fetch_or_die "PyPI" "install the Python dependencies" \
  .venv/bin/uv pip install --python .venv/bin/python -r requirements-dev.txt "${editable[@]}"
touch .venv/.installed

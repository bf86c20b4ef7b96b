#!/usr/bin/env bash
# Not CI's gate: the whole suite against the newest releases that pyproject.toml allows, ignoring
# the lock, to see an upstream release coming before the lock is refreshed (a scheduled job runs
# it; see .github/workflows/newest.yml). Uses .venv-newest and leaves .venv and uv.lock alone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/steps.sh
bash scripts/setup.sh
export UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
[ -d .venv-newest ] || quietly .uv/bin/uv venv --quiet --python "${PYTHON:-python3}" .venv-newest
step "installing the newest allowed releases into .venv-newest (no lock)"
quietly .uv/bin/uv pip install --quiet --upgrade --python .venv-newest/bin/python -e . --group test
exec .venv-newest/bin/python -m pytest -n "$(nproc)" -p no:cacheprovider "$@"

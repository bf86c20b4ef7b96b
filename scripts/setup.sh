#!/usr/bin/env bash
# Install atlasgen, its test tools and its benchmarks into .venv, at the exact versions of uv.lock
# (idempotent; an upstream release changes nothing here). Run by generate.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/steps.sh
source scripts/steps.sh
PYTHON=${PYTHON:-python3}
export UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1

if [ ! -x .uv/bin/uv ] || ! grep -q "$(.uv/bin/uv --version | cut -d' ' -f2)" requirements/uv.txt; then
  step "installing uv (pinned with its hash in requirements/uv.txt)"
  rm -rf .uv
  quietly "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-warn-script-location \
    --require-hashes --target .uv -r requirements/uv.txt
fi
[ -d .venv ] || step "creating the virtual environment .venv ($("$PYTHON" --version))"
step "installing $(locked_count) locked packages into .venv (uv sync --frozen)"
quietly .uv/bin/uv sync --frozen --quiet --python "$PYTHON" --group test

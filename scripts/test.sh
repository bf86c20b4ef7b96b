#!/usr/bin/env bash
# Fresh machine -> every test run: Python deps from uv.lock, the Prism mock server from
# tests/servers/package-lock.json (npm), Chromium with CJK fonts (for the docs screenshot
# tests) and Go (gofmt and go vet check the docs' Go samples) are installed first; nothing is
# skipped. Then the whole suite, and the generated client's and CLI's tests once more with the
# lowest httpx, pydantic and click the generated package declares (requirements/lowest.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/steps.sh
bash scripts/setup.sh
step "installing Prism (npm ci in tests/servers)"
(cd tests/servers && quietly npm ci --no-audit --no-fund --loglevel=error)
if ! dpkg -s chromium fonts-noto-cjk golang-go >/dev/null 2>&1; then
  step "installing Chromium, CJK fonts and Go (Debian packages)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  quietly $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive quietly $SUDO apt-get install -y -qq chromium fonts-noto-cjk golang-go
fi
cores=$(nproc)
step "running the test suite on $cores cores"
if [ $# -gt 0 ]; then  # a chosen part of the suite: that part alone
  exec .venv/bin/python -m pytest -n "$cores" "$@"
fi
.venv/bin/python -m pytest -n "$cores"
step "creating .venv-lowest: the lock, with $(grep -c '^[a-z]' requirements/lowest.in) packages at the generated package's floors"
UV_PROJECT_ENVIRONMENT=.venv-lowest quietly .uv/bin/uv sync --frozen --quiet --python "${PYTHON:-python3}" --group test
quietly .uv/bin/uv pip install --quiet --python .venv-lowest/bin/python --require-hashes -r requirements/lowest.txt
step "running the generated client's and CLI's tests with the lowest supported versions"
exec .venv-lowest/bin/python -m pytest -n "$cores" -p no:cacheprovider tests/client tests/cli

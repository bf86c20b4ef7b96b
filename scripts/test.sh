#!/usr/bin/env bash
# Fresh machine -> every test run: Python deps from uv.lock, the Prism mock server from
# tests/servers/package-lock.json (npm), Chromium with CJK fonts (for the docs screenshot
# tests) and Go (gofmt and go vet check the docs' Go samples) are installed first; nothing is
# skipped.
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
step "running the test suite on $(nproc) cores"
exec .venv/bin/python -m pytest -n "$(nproc)" "$@"

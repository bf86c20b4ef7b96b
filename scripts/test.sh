#!/usr/bin/env bash
# Fresh machine -> every test run: Python deps, the Prism mock server (npm) and Chromium
# with CJK fonts (for the docs screenshot tests) are installed first; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
(cd tests/servers && npm ci --no-audit --no-fund --loglevel=error)
if ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
exec .venv/bin/python -m pytest -n 2 "$@"

#!/usr/bin/env bash
# Refresh the locks on purpose, in a commit of their own: uv.lock (everything our set-up
# installs) and requirements/lowest.txt (the generated package's floors, with what they need).
set -euo pipefail
cd "$(dirname "$0")/.."
.uv/bin/uv lock --upgrade
.uv/bin/uv pip compile --quiet --upgrade --generate-hashes --python-version 3.11 \
  requirements/lowest.in -o requirements/lowest.txt

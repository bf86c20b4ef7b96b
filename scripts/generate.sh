#!/usr/bin/env bash
# Fresh machine -> generated/ regenerated from specs/ (the main job).
set -euo pipefail
cd "$(dirname "$0")/.."
ATLASGEN_EXTRAS=test bash scripts/setup.sh
.venv/bin/atlasgen generate "$@"

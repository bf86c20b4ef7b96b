"""One run against Prism: what the CLI sends passes the spec's own request validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli_support import ACCESS_HISTORY, run_in


def test_cli_request_passes_prism_validation(cli_path: Path, prism: Any) -> None:
    env = {"MONGODB_ATLAS_BASE_URL": prism.url, "MONGODB_ATLAS_ACCESS_TOKEN": "contract-test"}
    before = prism.log.count("Request received")
    words = [*ACCESS_HISTORY, "--clusterName", "Cluster0", "--nLogs", "5"]
    result = run_in(cli_path, words, env)
    assert result.returncode == 0, result.stderr.decode() + prism.log[-2000:]
    assert isinstance(json.loads(result.stdout), dict)
    assert prism.log.count("Request received") == before + 1
    assert "The request passed the validation rules" in prism.log.rsplit("Request received", 1)[-1]

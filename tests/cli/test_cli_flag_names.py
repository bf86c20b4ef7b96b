"""A parameter whose wire name a shell would split gets a lowerCamel flag (``$filter`` ->
``--filter``); the CLI's errors about it name that flag, the one the user typed.

No shipped parameter has such a name, so this generates the CLI from the shipped spec with a
``$filter`` query parameter (a pattern, so a bad value is refused before anything is sent)
added to ``getGroupAuditLog``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cli_support import GROUP, ROOT, generate_cli, run_in

COMMAND = ["api", "auditing", "getGroupAuditLog", "--groupId", GROUP]
# Nothing listens there: a request that got out would fail with another message and exit code.
OFFLINE = {
    "MONGODB_ATLAS_ACCESS_TOKEN": "token",
    "MONGODB_ATLAS_OPS_MANAGER_URL": "http://127.0.0.1:9/",
}


@pytest.fixture(scope="module")
def filter_cli(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("flag-names")
    spec = yaml.safe_load((ROOT / "specs" / "atlas-admin.yaml").read_text(encoding="utf-8"))
    operation = spec["paths"]["/api/atlas/v2/groups/{groupId}/auditLog"]["get"]
    operation["parameters"].append(
        {
            "name": "$filter",
            "in": "query",
            "description": "Only entries whose name matches.",
            "schema": {"type": "string", "pattern": "^[a-z]+$"},
        }
    )
    (folder / "spec.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return generate_cli(folder / "out", folder / "spec.yaml")


def test_the_flag_is_lower_camel_and_documented(filter_cli: Path) -> None:
    result = run_in(filter_cli, [*COMMAND[:3], "--help"])
    assert result.returncode == 0, result.stderr.decode()
    assert "--filter" in result.stdout.decode()


def test_a_bad_value_names_the_flag_the_user_typed(filter_cli: Path) -> None:
    result = run_in(filter_cli, [*COMMAND, "--filter", "NOT-LOWER"], OFFLINE)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "'--filter'" in stderr and "$filter" not in stderr

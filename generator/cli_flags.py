"""The flags the generated command line gives its commands besides their parameters, named
once, below every stage: the CLI target adds them, and validation (rule ``cli-flag-free``)
refuses a parameter whose flag, its own name, would be one of them."""

from __future__ import annotations

OWN_FLAGS = ("version", "file", "output", "outputFile", "all", "watch", "watchTimeout", "profile")
# --projectId is the Atlas CLI's alias of --groupId on every command that has groupId.
PROJECT_PARAMETER, PROJECT_ALIAS = "groupId", "projectId"

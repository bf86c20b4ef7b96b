"""Compile the ECMA-262 ``pattern`` strings of a spec with Python engines.

Atlas patterns use what Python's ``re`` lacks (``\\p{L}``, ``(?<name>...)``); the ``regex``
package reads both, so a pattern is valid when either engine accepts it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

import regex


class Pattern(Protocol):
    def search(self, string: str) -> object: ...


class InvalidPattern(ValueError):
    """Neither ``regex`` nor ``re`` accepts the pattern; the message is ``regex``'s."""


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Pattern:
    try:
        compiled: Pattern = regex.compile(pattern)
    except regex.error as regex_error:
        try:
            compiled = re.compile(pattern)
        except re.error:
            raise InvalidPattern(str(regex_error)) from None
    return compiled

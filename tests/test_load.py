"""The loader reads YAML as OpenAPI 3 means it (YAML 1.2, JSON's values) and refuses, with the
place, what a spec must not be: repeated keys, unreadable integers."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from atlasgen.load import SpecLoadError, parse_spec_text


def scalar(text: str) -> Any:
    return parse_spec_text(f"value: {text}\n", Path("s.yaml")).data["value"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3e+06", 3_000_000.0),  # YAML 1.1 (PyYAML) reads a string: no dot
        ("1e3", 1000.0),
        ("-2.5E-3", -0.0025),
        (".5", 0.5),
        ("1.", 1.0),
        ("017", 17),  # YAML 1.1: octal 15
        ("0o17", 15),  # YAML 1.1: not a number
        ("0x1F", 31),
        ("+12", 12),
        ("-0", 0),
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("Null", None),
        ("", None),
        # strings in YAML 1.2, not in 1.1
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("Off", "Off"),
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("12:30", "12:30"),
        ("=", "="),
        # JSON text, whatever YAML's timestamp type says
        ("2024-01-01", "2024-01-01"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ('"3e+06"', "3e+06"),
    ],
)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, value: Any) -> None:
    read = scalar(text)
    assert read == value and type(read) is type(value)


def test_infinities_and_nan_are_floats() -> None:
    assert scalar(".inf") == math.inf and scalar("-.Inf") == -math.inf
    assert math.isnan(scalar(".NaN"))


def test_merge_keys_still_merge_and_may_be_overridden() -> None:
    text = "base: &base {a: 1, b: 2}\nmerged:\n  <<: *base\n  b: 3\n"
    assert parse_spec_text(text, Path("m.yaml")).data["merged"] == {"a": 1, "b": 3}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "d.yaml:3:1: duplicate key 'a' (first written on line 1)"),
        ("top:\n  x: {k: 1, k: 2}\n", "d.yaml:2:13: duplicate key 'k' (first written on line 2)"),
        (
            "n: " + "7" * 5000 + "\n",
            "d.yaml:1:4: the integer 777777777777... has 5000 digits; Python reads at most 4300",
        ),
        ("n: !!int twelve\n", "d.yaml:1:4: 'twelve' is not an integer"),
    ],
    ids=["duplicate-key", "nested-duplicate-key", "int-digit-limit", "tagged-non-integer"],
)
def test_what_a_spec_must_not_be_is_refused_with_its_place(text: str, message: str) -> None:
    with pytest.raises(SpecLoadError) as refused:
        parse_spec_text(text, Path("d.yaml"))
    assert str(refused.value) == message

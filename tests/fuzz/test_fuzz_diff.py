"""``atlasgen diff`` on mutated specs: whatever the old or new side holds (a format that is a
list, a dangling $ref, a renamed key...), it reports findings in every format, never a
traceback. A pinned example keeps the first crash this found."""

from __future__ import annotations

from pathlib import Path

from fuzzlib import BASES, FUZZ, Mutated, dump, examples, mutated_specs
from hypothesis import given
from hypothesis import settings as hsettings

from atlasgen.diff import RENDERERS, diff_specs
from atlasgen.load import LoadedSpec, SpecLoadError, parse_spec_text


def _diff_every_way(old: LoadedSpec, new: LoadedSpec) -> None:
    for before, after in ((old, new), (new, old), (new, new)):
        findings = diff_specs(before, after)
        for render in RENDERERS.values():
            render(findings)


@hsettings(FUZZ, max_examples=examples(100))
@given(mutated_specs())
def test_diff_of_a_mutated_spec_never_crashes(mutated: Mutated) -> None:
    try:
        new = parse_spec_text(mutated.text, Path("new.yaml"))
    except SpecLoadError:
        return  # the loader's one-line error is tested with the pipeline
    _diff_every_way(parse_spec_text(dump(BASES[mutated.base]), Path("old.yaml")), new)


def test_a_format_that_is_not_a_string() -> None:
    spec = BASES["shipped"]
    old = parse_spec_text(dump(spec), Path("old.yaml"))
    text = dump(spec).replace("format: int32", "format: []", 1)
    assert text != dump(spec)
    _diff_every_way(old, parse_spec_text(text, Path("new.yaml")))

"""Many cheap examples: mutated specs through load, validate, model, targets and render, in
memory (black and the disk write are left to ``test_fuzz_generate.py``).

Every example either fails with one of atlasgen's own errors, whose message is one line
per problem, or renders Python that compiles and TOML/YAML/JSON that parse. Anything else
(another exception: ``atlasgen`` would exit 70) fails the test with the mutated spec.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fuzzlib import (
    FUZZ,
    ROOT,
    Mutated,
    compile_problems,
    corrupted_yaml,
    examples,
    mutated_specs,
    note,
    seeded,
    text_problems,
)
from hypothesis import given
from hypothesis import settings as hsettings

from atlasgen import pipeline
from atlasgen.config import ConfigError, load_settings
from atlasgen.load import SpecLoadError
from atlasgen.model import ModelError
from atlasgen.output import OutputError

# The spec's faults. RenderError and FormatError are not among them: a template failing, or
# rendering Python black cannot parse, on a spec that passed validation is atlasgen's bug.
OWN_ERRORS = (SpecLoadError, ConfigError, ModelError, OutputError)


def check_in_memory(mutated: Mutated, work: Path) -> str:
    """Run the pipeline on ``mutated`` up to (not including) black; the outcome's name."""
    note(f"mutations: {mutated.steps}")
    note(f"spec:\n{mutated.text[:6000]}")
    spec = work / "spec.yaml"
    spec.write_text(mutated.text, encoding="utf-8")
    settings = load_settings(ROOT).with_overrides(spec=str(spec), out=str(work / "never-written"))
    try:
        generated = pipeline.generate_files(settings, use_cache=False)
    except pipeline.ValidationFailed as exc:
        from atlasgen.validate import format_problem

        errors = [p for p in exc.problems if p.severity == "error"]
        assert errors, "ValidationFailed without an error"
        for problem in exc.problems:
            line = format_problem(problem)
            assert (
                line.strip() and "\n" not in line and "\r" not in line
            ), f"a problem spans lines: {line!r}"
        return "invalid"
    except OWN_ERRORS as exc:
        message = str(exc)
        assert message.strip(), f"{type(exc).__name__} without a message"
        assert (
            "\n" not in message.strip() and "\r" not in message
        ), f"{type(exc).__name__} spans lines: {message!r}"
        return type(exc).__name__
    python = {
        name: content.decode("utf-8", "replace")
        for name, content in generated.files.items()
        if name.endswith(".py")
    }
    broken = compile_problems(python)
    assert not broken, "rendered Python that does not compile:\n" + "\n".join(broken[:5])
    unparsable = text_problems(generated.files)
    assert not unparsable, "rendered files that do not parse:\n" + "\n".join(unparsable[:5])
    return "ok"


@pytest.fixture
def without_black(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered Python is checked with ``compile`` instead of formatted."""
    monkeypatch.setattr(
        pipeline, "format_python", lambda sources, templates, cache_dir: dict(sources)
    )


@pytest.mark.usefixtures("without_black")
def test_mutated_specs_fail_cleanly_or_render_valid_code(tmp_path: Path) -> None:
    outcomes: dict[str, int] = {}

    @seeded
    @hsettings(FUZZ, max_examples=examples(1500))
    @given(mutated_specs())
    def one(mutated: Mutated) -> None:
        outcome = check_in_memory(mutated, tmp_path)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    one()
    print(f"outcomes: {outcomes}", file=sys.stderr)


@pytest.mark.usefixtures("without_black")
def test_mutated_synthetic_specs_fail_cleanly_or_render_valid_code(tmp_path: Path) -> None:
    """The synthetic base alone: polymorphic schemas, downloads, several versions."""

    @seeded
    @hsettings(FUZZ, max_examples=examples(400))
    @given(mutated_specs(bases=("synthetic",)))
    def one(mutated: Mutated) -> None:
        check_in_memory(mutated, tmp_path)

    one()


@pytest.mark.usefixtures("without_black")
def test_damaged_yaml_fails_cleanly_or_renders_valid_code(tmp_path: Path) -> None:
    @seeded
    @hsettings(FUZZ, max_examples=examples(400))
    @given(corrupted_yaml())
    def one(mutated: Mutated) -> None:
        check_in_memory(mutated, tmp_path)

    one()

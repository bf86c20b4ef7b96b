"""Formatting: templates write black's style, ruff finds what they missed, black has the last word.

The cold-run speed of atlasgen rests on one claim: for the files the fast check passes,
black would change nothing. These tests hold that claim to black itself, on every fixture's
output, on a synthetic Atlas-shaped spec, and on random layouts.
"""

from __future__ import annotations

import ast
import importlib.util
import keyword
from pathlib import Path

import black
import pytest
import yaml
from black.strings import char_width
from hypothesis import assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from atlasgen import format as formatting
from atlasgen import pipeline, pysource
from atlasgen.config import load_settings
from atlasgen.pysource import black_repr

ROOT = Path(__file__).resolve().parent.parent
MODE = black.Mode(target_versions={black.TargetVersion.PY310}, line_length=pysource.LINE_LENGTH)
CANONICAL = "def f(a: int) -> int:\n    return a\n"
UNFORMATTED = "def f( a:int )->int :\n  return(a)\n"


def black_changes(files: dict[str, str]) -> list[str]:
    return sorted(name for name, text in files.items() if black.format_str(text, mode=MODE) != text)


def python_files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text("utf-8") for p in sorted(folder.rglob("*.py"))
    }


@pytest.mark.parametrize("folder", ["generated", "tests/golden"])
def test_committed_output_is_what_black_writes(folder: Path) -> None:
    files = python_files(ROOT / folder)
    assert len(files) > 20
    assert black_changes(files) == []


def _synthetic_spec(tmp_path: Path, operations: int) -> Path:
    location = ROOT / "bench" / "scale" / "synth.py"
    module_spec = importlib.util.spec_from_file_location("atlasgen_bench_synth", location)
    assert module_spec is not None and module_spec.loader is not None
    synth = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(synth)
    return Path(synth.write_spec(operations, tmp_path / "synthetic.yaml"))


@pytest.fixture
def sent_to_black(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources the pipeline hands to black (the rest passed ruff's check)."""
    sent: list[str] = []
    real = formatting._format_all

    def recording(sources: list[str]) -> list[str]:
        sent.extend(sources)
        return real(sources)

    monkeypatch.setattr(formatting, "_format_all", recording)
    return sent


def _with_long_aliases(path: Path) -> Path:
    """``path`` with its aliased operations renamed long: their alias lines cannot fit."""
    spec = yaml.safe_load(path.read_text("utf-8"))
    suffix = "AndEveryOtherDetailOfIt"
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "x-xgen-operation-id-override" in operation:
                operation["operationId"] += suffix
                operation["x-xgen-operation-id-override"] += suffix
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), "utf-8")
    return path


@pytest.mark.parametrize("spec", ["shipped", "synthetic", "synthetic-long-aliases"])
def test_templates_write_black_style_so_black_never_runs(
    spec: str, tmp_path: Path, sent_to_black: list[str]
) -> None:
    """The shipped spec, and a synthetic one with Atlas's shapes and long names: no file
    needs black, and black agrees with every file as written."""
    if spec == "shipped":
        path = ROOT / "specs" / "atlas-admin.yaml"
    elif spec == "synthetic":
        path = _synthetic_spec(tmp_path, 60)
    else:
        path = _with_long_aliases(_synthetic_spec(tmp_path, 60))
    settings = load_settings(ROOT).with_overrides(spec=str(path), out=str(tmp_path / "out"))
    generated = pipeline.generate_files(settings, use_cache=False)
    files = {n: c.decode("utf-8") for n, c in generated.files.items() if n.endswith(".py")}
    assert len(files) > 30
    assert sent_to_black == []
    assert black_changes(files) == []


def test_a_file_ruff_would_change_is_formatted_by_black(sent_to_black: list[str]) -> None:
    result = formatting.format_python(
        {"a.py": UNFORMATTED, "b.py": CANONICAL}, {"a.py": "t.j2", "b.py": "t.j2"}, None
    )
    assert result == {"a.py": black.format_str(UNFORMATTED, mode=MODE), "b.py": CANONICAL}
    assert sent_to_black == [UNFORMATTED]


def test_black_formats_everything_without_ruff(
    monkeypatch: pytest.MonkeyPatch, sent_to_black: list[str]
) -> None:
    monkeypatch.setattr(formatting, "_ruff", lambda: None)
    result = formatting.format_python({"a.py": UNFORMATTED, "b.py": CANONICAL}, {}, None)
    assert result == {"a.py": black.format_str(UNFORMATTED, mode=MODE), "b.py": CANONICAL}
    assert sorted(sent_to_black) == sorted([UNFORMATTED, CANONICAL])


def test_black_output_is_cached_and_read_back(tmp_path: Path, sent_to_black: list[str]) -> None:
    first = formatting.format_python({"a.py": UNFORMATTED}, {}, tmp_path)
    second = formatting.format_python({"a.py": UNFORMATTED}, {}, tmp_path)
    assert first == second
    assert sent_to_black == [UNFORMATTED]  # the second run read the cache


def test_code_ruff_cannot_parse_is_reported_by_black() -> None:
    with pytest.raises(
        formatting.FormatError, match=r"black cannot format x\.py \(rendered from templates/t\.j2\)"
    ):
        formatting.format_python(
            {"x.py": "def broken(:\n", "y.py": CANONICAL}, {"x.py": "t.j2"}, None
        )


# --------------------------------------------------------------------- layout, against black
def test_bracketed_is_one_line_when_it_fits_else_one_item_a_line() -> None:
    assert pysource.call("f", ["a", "b"], 0, "x = ") == "x = f(a, b)"
    long = [f"argument_number_{i:02d}" for i in range(6)]
    assert (
        pysource.call("f", long, 0, "x = ")
        == "x = f(\n" + "".join(f"    {a},\n" for a in long) + ")"
    )
    # what follows the bracket on its line counts too
    wide = "n" * 93  # f(...) ends at column 100; the comma after it would not fit
    assert pysource.call("f", [wide], 4, after=",") == f"f(\n        {wide},\n    )"
    assert pysource.tuple_of(["a"], 0) == "(a,)" and pysource.tuple_of([], 0, "x=") == "x=()"


def test_assignment_parenthesises_a_long_plain_value() -> None:
    target, value = "self." + "t" * 50, "self." + "v" * 50
    assert pysource.assignment(target, value, 8) == f"{target} = (\n            {value}\n        )"
    assert pysource.assignment("a", "b", 8) == "a = b"
    called = value + "()"  # black splits inside its own brackets instead
    assert pysource.assignment(target, called, 8) == f"{target} = {called}"


def test_width_counts_wide_characters_twice() -> None:
    assert pysource.width("ção") == 3
    assert pysource.width("数据库 감사") == 11
    assert pysource.fits("x" * 94 + "数据库") and not pysource.fits("x" * 95 + "数据库")


def test_assigned_call_goes_in_parentheses_when_even_its_head_is_too_long() -> None:
    target, func = "self." + "t" * 60, "f" * 40
    laid_out = pysource.assigned_call(target, func, lambda _: ["a"], 4)
    assert laid_out == f"{target} = (\n        {func}(a)\n    )"
    source = f"def g(self: object) -> None:\n    {laid_out}\n"
    assert black.format_str(source, mode=MODE) == source
    assert pysource.assigned_call("x", "f", lambda _: ["a"], 4) == "x = f(a)"


identifiers = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=40)
    .map(lambda s: "n" + s)
    .filter(lambda name: not keyword.iskeyword(name))  # "not", "nonlocal"
)
# Any character, with Chinese, Korean, Portuguese and emoji often: black counts the wide
# ones as two columns. Left out: the few hundred symbols whose width Python's Unicode
# database (what layout reads) and black's newer table disagree on.
characters = st.one_of(st.characters(), st.sampled_from("数据库访问历史감사로그ção🚀")).filter(
    lambda char: pysource.width(char) == char_width(char)
)
values = st.one_of(
    identifiers,
    st.text(characters, max_size=60).map(black_repr),
    st.integers().map(str),
)


@hsettings(max_examples=300, deadline=None)
@given(
    func=identifiers,
    arguments=st.lists(values, max_size=8),
    mapping=st.lists(
        st.tuples(st.text(characters, max_size=30).map(black_repr), values), max_size=6
    ),
    items=st.lists(values, max_size=6),
    depth=st.integers(min_value=0, max_value=3),
)
def test_layouts_are_left_alone_by_black(
    func: str, arguments: list[str], mapping: list[tuple[str, str]], items: list[str], depth: int
) -> None:
    """Whatever the lengths, black keeps what layout wrote, at any indentation."""
    indent = 4 * depth
    inner = indent + 4
    arguments = [
        *arguments,
        pysource.dictionary(mapping, inner, "mapping=", ","),
        pysource.tuple_of(items, inner, "items=", ","),
    ]
    lines = [
        pysource.call(func, arguments, indent, "result = "),
        pysource.assignment("self." + func, "self." + func + "_value", indent),
        # long enough, at times, that not even ``target = func(`` fits
        pysource.assigned_call(
            f"self.{func}_{func}",
            func + "_wrapper",
            lambda column: [
                pysource.dictionary(mapping, column, "mapping=", ","),
                pysource.tuple_of(items, column, "items=", ","),
            ],
            indent,
        ),
    ]
    source = ""
    for level in range(depth):
        source += " " * (4 * level) + f"def level_{level}(self: object) -> None:\n"
    body = "\n".join(" " * indent + line for line in lines) + "\n"
    source += body
    assert black.format_str(source, mode=MODE) == source, source


@hsettings(max_examples=300, deadline=None)
@given(
    target=identifiers,
    members=st.lists(
        st.one_of(identifiers, identifiers.map(lambda name: f"OpenEnum[{name}]")),
        min_size=1,
        max_size=4,
    ),
    checked=st.booleans(),
    value=st.sampled_from(["None", "Field(default_factory=list)", '"a default"']),
    depth=st.integers(min_value=1, max_value=3),
)
def test_annotated_assignments_are_left_alone_by_black(
    target: str, members: list[str], checked: bool, value: str, depth: int
) -> None:
    """A model field with its default: on one line, split after ``= (``, or the annotation
    (a union) in parentheses, on one line or one member a line, as black chooses."""
    indent = 4 * depth
    annotation = " | ".join(members + ["None"])
    if checked:
        annotation = f'Annotated[{members[0]}, Check(pattern="^[a-f0-9]{{24}}$")] | None'
    source = "".join(f"{' ' * (4 * level)}class Level{level}:\n" for level in range(depth))
    laid_out = pysource.annotated_assignment(target, annotation, value, indent)
    # A member too long for a line of its own is left to black (format.py sends it there).
    assume("\n" in laid_out or pysource.fits(" " * indent + laid_out))
    source += " " * indent + laid_out + "\n"
    assert black.format_str(source, mode=MODE) == source, source


def test_discriminated_union_layout_matches_black() -> None:
    """The alias written for ``oneOf`` + ``discriminator``: on one line, with the members on
    one line, and with one member a line."""
    from atlasgen.targets.python.models import _discriminated_union

    for count, width in ((2, 1), (2, 12), (6, 30)):
        names = [f"Variant{i}" + "X" * width for i in range(count)]
        mapping = {f"V{i}": name for i, name in enumerate(names)}
        value = _discriminated_union(
            names, "providerName", "provider_name", mapping, nullable=False
        )
        source = pysource.assign(f"Alias{'Y' * width}", value, 0) + "\n"
        assert black.format_str(source, mode=MODE) == source, source


@hsettings(max_examples=500, deadline=None)
@given(st.text())
def test_string_literals_are_quoted_as_black_quotes_them(text: str) -> None:
    source = f"x = {black_repr(text)}\n"
    assert black.format_str(source, mode=MODE) == source
    assert ast.literal_eval(black_repr(text)) == text

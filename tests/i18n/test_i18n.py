"""Translations of the spec's texts (specs/i18n/<lang>.yaml) and of the docs' fixed labels."""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from atlasgen.i18n import (
    LABELS,
    Translation,
    Translations,
    catalog_path,
    current_texts,
    dump_translations,
    load_catalog,
    load_translation_file,
    load_translations,
    translatable_texts,
    translate,
    translation_problems,
)
from atlasgen.load import LoadedSpec, load_spec, parse_spec_text
from atlasgen.paths import translations_path
from atlasgen.render import make_environment, translator

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "specs" / "atlas-admin.yaml"
LANGUAGES = ("zh", "pt", "ko")
AUDIT_SUMMARY = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1auditLog/get/summary"
GROUP_ID = "/components/parameters/groupId/description"


@pytest.fixture(scope="module")
def spec() -> LoadedSpec:
    return load_spec(SPEC)


@pytest.fixture(scope="module")
def shipped(spec: LoadedSpec) -> Translations:
    return load_translations(SPEC, ("en", *LANGUAGES))


def _with_english(spec: LoadedSpec, pointer: str, english: str) -> LoadedSpec:
    data = copy.deepcopy(spec.data)
    node = data
    *parents, last = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    node[last] = english
    return replace(spec, data=data)


# --------------------------------------------------------------------- the shipped files
def test_english_is_the_source_and_has_no_file(shipped: Translations) -> None:
    assert sorted(shipped) == sorted(LANGUAGES)


def test_every_text_of_the_shipped_spec_is_translated_and_current(
    spec: LoadedSpec, shipped: Translations
) -> None:
    assert translation_problems(spec, shipped) == []
    english = translatable_texts(spec.data)
    for language in LANGUAGES:
        assert set(shipped[language]) == set(english)
        texts = current_texts(spec.data, shipped)[language]
        assert set(texts) == set(english), language


def test_translatable_texts_cover_every_kind_of_text(spec: LoadedSpec) -> None:
    texts = translatable_texts(spec.data)
    assert texts["/info/description"].startswith("A hand-written fragment")
    assert texts[AUDIT_SUMMARY] == "Return the Auditing Configuration for One Project"
    assert "\n\n**NOTE**: Groups and projects" in texts[GROUP_ID]  # folded scalar, joined
    for pointer in (
        "/tags/0/description",
        "/components/parameters/pretty/schema/externalDocs/description",
        "/components/responses/tooManyRequests/headers/Retry-After/description",
        "/components/securitySchemes/ServiceAccounts/description",
        "/components/schemas/S3LogIntegrationResponse/allOf/1/properties/id/description",
        "/components/schemas/FieldViolation/properties/description/description",
        "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1logIntegrations/post/requestBody/description",
        "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1streams~1{tenantName}~1auditLogs/get/"
        + "x-rolesRequirements/2",
    ):
        assert pointer in texts, pointer
    assert not any("/example" in pointer for pointer in texts)


def test_translation_files_are_canonical() -> None:
    """Sorted keys, literal UTF-8 characters: the files are exactly what dump writes."""
    for language in LANGUAGES:
        path = translations_path(SPEC, language)
        text = path.read_text(encoding="utf-8")
        assert text == dump_translations(language, load_translation_file(path)), language
        assert "\\u" not in text and "\\x" not in text


# Code-like tokens a translation keeps verbatim: code spans, bold parameter names (**end**),
# query strings, tier and log type names, media types, endpoints.
_CODE = re.compile(
    r"`[^`]*`|\*\*[a-z]\w*\*\*|\b\w+=\w+\b|\bM\d+\b|\bMONGO[DS](?:_AUDIT)?\b|\bS3_LOG_EXPORT\b"
    r"|application/vnd\.atlas\.[\w.+-]+|/groups\b|\bISO 8601\b|\bOAuth 2\.0\b"
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_markup_and_code_tokens_survive_translation(language: str, shipped: Translations) -> None:
    for pointer, entry in shipped[language].items():
        for token in set(_CODE.findall(entry.source)):
            assert token in entry.text, (language, pointer, token)
        for markup in ("\n\n", "**", "`"):  # paragraphs, bold (**NOTE** is prose), code
            assert entry.source.count(markup) == entry.text.count(markup), (language, pointer)


def test_seed_terminology_and_seed_typos_corrected(shipped: Translations) -> None:
    zh, pt, ko = (shipped[language] for language in LANGUAGES)
    create = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1logIntegrations/post/description"
    assert "服务帐户或API密钥" in zh[create].text
    assert zh[create].text.startswith("创建由唯一ID标识的新日志集成配置。")
    streams = "/paths/~1api~1atlas~1v2~1groups~1{groupId}~1streams~1{tenantName}~1auditLogs/get"
    assert pt[f"{streams}/summary"].text == (
        "Baixar registros de auditoria para um espaço de trabalho de Atlas Stream Processing"
    )
    assert ko[AUDIT_SUMMARY].text == "1개의 프로젝트에 대해 감사 구성 반환"
    assert "서비스 계정 또는 API 키" in ko[AUDIT_SUMMARY.replace("summary", "description")].text
    every = [e.text for entries in shipped.values() for e in entries.values()]
    assert not any("MNGOS" in t or "Envelope=true" in t or "Aceitar" in t for t in every)


# --------------------------------------------------------------------- staleness and fallback
def test_changed_english_makes_translations_stale_and_fall_back(
    spec: LoadedSpec, shipped: Translations
) -> None:
    changed = _with_english(spec, AUDIT_SUMMARY, "Return the Audit Settings of One Project")
    problems = translation_problems(changed, shipped)
    assert [(p.severity, p.rule, p.language, p.pointer) for p in problems] == [
        ("warning", "i18n-stale", language, AUDIT_SUMMARY) for language in LANGUAGES
    ]
    severity, rule, language, pointer, message = problems[0]
    assert (severity, rule, language, pointer) == ("warning", "i18n-stale", "zh", AUDIT_SUMMARY)
    assert "Return the Audit Settings" in message
    for language in LANGUAGES:
        new = "Return the Audit Settings of One Project"
        assert translate(AUDIT_SUMMARY, new, language, shipped) == new
        old = spec.data["paths"]["/api/atlas/v2/groups/{groupId}/auditLog"]["get"]["summary"]
        assert translate(AUDIT_SUMMARY, old, language, shipped) != old
        assert AUDIT_SUMMARY not in current_texts(changed.data, shipped)[language]
    assert translate(AUDIT_SUMMARY, "x", "en", shipped) == "x"


def test_missing_entry_is_reported_and_falls_back(spec: LoadedSpec, shipped: Translations) -> None:
    partial = {language: dict(entries) for language, entries in shipped.items()}
    del partial["ko"][GROUP_ID]
    partial["pt"][GROUP_ID] = Translation(source=partial["pt"][GROUP_ID].source, text="  ")
    problems = translation_problems(spec, partial)
    assert [(p.rule, p.language, p.pointer) for p in problems] == [
        ("i18n-missing", "pt", GROUP_ID),
        ("i18n-missing", "ko", GROUP_ID),
    ]
    english = translatable_texts(spec.data)[GROUP_ID]
    assert translate(GROUP_ID, english, "ko", partial) == english
    assert translate(GROUP_ID, english, "pt", partial) == english
    assert translate(GROUP_ID, english, "zh", partial).startswith("用于标识项目的唯一")


def test_orphaned_translation_is_reported(spec: LoadedSpec, shipped: Translations) -> None:
    extra = {language: dict(entries) for language, entries in shipped.items()}
    extra["zh"]["/paths/~1gone/get/summary"] = Translation(source="Gone", text="已删除")
    problems = translation_problems(spec, extra)
    assert [(p.rule, p.language, p.pointer) for p in problems] == [
        ("i18n-orphan", "zh", "/paths/~1gone/get/summary")
    ]


def test_missing_file_means_no_translations(tmp_path: Path, spec: LoadedSpec) -> None:
    copied = tmp_path / "atlas-admin.yaml"
    shutil.copy(SPEC, copied)
    translations = load_translations(copied, ["en", "zh"])
    assert translations == {"zh": {}}
    problems = translation_problems(load_spec(copied), translations)
    assert {p.rule for p in problems} == {"i18n-missing"}
    assert len(problems) == len(translatable_texts(spec.data))


def test_malformed_translation_file_is_a_clear_error(tmp_path: Path) -> None:
    from atlasgen.i18n import TranslationLoadError

    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "zh.yaml").write_text("/info/description: just text\n", "utf-8")
    with pytest.raises(TranslationLoadError, match="zh.yaml: /info/description"):
        load_translations(tmp_path / "spec.yaml", ["zh"])


def test_walk_skips_data_values_but_not_names_and_escapes_pointers() -> None:
    spec = parse_spec_text(
        """
openapi: 3.0.1
info: {title: t, version: "1", description: Top.}
paths:
  /a~b/{id}:
    get:
      summary: >-
        Folded
        summary.
      responses:
        default:
          description: Default response.
          content:
            application/json:
              example: {description: not prose}
              examples:
                one: {summary: not prose either, value: {summary: x}}
components:
  schemas:
    example:
      type: object
      description: A schema called example.
      default: {description: data}
      properties:
        example: {type: string, description: A property called example.}
        description: {type: string, description: A property called description.}
      enum: [{summary: data}]
""",
        Path("inline.yaml"),
    )
    assert translatable_texts(spec.data) == {
        "/components/schemas/example/description": "A schema called example.",
        "/components/schemas/example/properties/description/description": (
            "A property called description."
        ),
        "/components/schemas/example/properties/example/description": (
            "A property called example."
        ),
        "/info/description": "Top.",
        "/paths/~1a~0b~1{id}/get/responses/default/description": "Default response.",
        "/paths/~1a~0b~1{id}/get/summary": "Folded summary.",
    }


# --------------------------------------------------------------------- label catalogs
EXPECTED_PATH_PARAMETERS = {"zh": "路径参数", "pt": "Parâmetros de caminho", "ko": "경로 매개변수"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_loads_and_translates_labels(language: str) -> None:
    catalog = load_catalog(language)
    assert catalog.gettext("Path parameters") == EXPECTED_PATH_PARAMETERS[language]
    for label in LABELS:
        assert catalog.gettext(label) != label, (language, label)
    assert "3" in catalog.gettext("at least %(min)s") % {"min": 3}


def test_english_and_unknown_languages_translate_nothing() -> None:
    for language in ("en", "xx"):
        assert load_catalog(language).gettext("Path parameters") == "Path parameters"


@pytest.mark.parametrize("language", LANGUAGES)
def test_po_file_parses_cleanly(language: str) -> None:
    path = catalog_path(language)
    with path.open("rb") as handle:
        po = read_po(handle, locale=language, abort_invalid=True)
    assert str(po.locale) == language
    assert not po.fuzzy
    for message in list(po)[1:]:
        assert message.string and not message.fuzzy, (language, message.id)
    assert not [(m.id, errors) for m, errors in po.check()]  # placeholders match the msgid
    assert set(LABELS) <= {m.id for m in po}


def _template_msgids() -> Iterator[str]:
    for template in sorted((ROOT / "templates" / "docs").glob("*.j2")):
        with template.open("rb") as handle:
            options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}
            for _, _, message, _ in babel_extract(handle, ("_", "gettext"), [], options):
                msgid = message if isinstance(message, str) else (message or (None,))[0]
                if msgid:
                    yield msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_label_the_docs_templates_use_is_translated(language: str) -> None:
    with catalog_path(language).open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.string}
    untranslated = sorted(set(_template_msgids()) - translated)
    assert not untranslated, f"{language}: add to specs/i18n/messages: {untranslated}"


def test_catalog_fills_the_renderers_labels() -> None:
    """``_()`` in templates: the label in the job's language, values filled in, and ``%%``
    a percent sign, as with Jinja's newstyle gettext."""
    env = make_environment()
    env.globals["_"] = translator("ko", load_catalog)
    template = env.from_string(
        '{{ _("Default value is %(value)s.", value="`false`") }} {{ _("100%% of it") }}'
    )
    assert template.render() == "기본값은 `false`입니다. 100% of it"
    assert translator(None)("Default value is %(value)s.", value=1) == "Default value is 1."

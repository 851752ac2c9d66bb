"""Messages to editors follow the site's language through gettext catalogs; English stays complete."""

from __future__ import annotations

import ast
import io
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from feuillet.messages import LANGUAGES, catalog_path, editor_language
from tests.conftest import run
from tests.test_errors import ARTICLE, GOOD

PACKAGE = Path(__file__).resolve().parent.parent / "feuillet"
MARKERS = {"message", "template", "translate"}


def templates_in_code() -> set[str]:
    """The first argument of every message(…), template(…) and translate(…) call in feuillet."""
    found = set()
    for module in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def catalog(language: str) -> dict[str, str]:
    parsed = read_po(io.StringIO(catalog_path(language).read_text(encoding="utf-8")), locale=language)
    return {str(entry.id): str(entry.string) for entry in parsed if entry.id}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_code_has_messages() -> None:
    assert len(templates_in_code()) > 80


def test_every_message_has_a_french_translation() -> None:
    french = catalog("fr")
    missing = sorted(templates_in_code() - {msgid for msgid, text in french.items() if text})
    assert missing == []


def test_french_translations_keep_every_placeholder() -> None:
    for msgid, text in catalog("fr").items():
        assert fields(text) == fields(msgid), msgid


def test_the_catalog_has_no_message_the_code_lost() -> None:
    assert sorted(set(catalog("fr")) - templates_in_code()) == []


@pytest.mark.parametrize(("option", "environ", "site", "expected"), [
    ("en", {"LANG": "fr_FR.UTF-8"}, "language: fr\n", "en"),
    (None, {"LANG": "en_GB.UTF-8"}, "language: fr\n", "en"),
    (None, {"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "language: en\n", "fr"),
    (None, {"LANG": "C.UTF-8"}, "language: en\n", "en"),
    (None, {"LANG": "de_DE.UTF-8"}, "title: T\n", "fr"),
    (None, {}, "title: T\n", "fr"),
    (None, {}, "language: 'en'\n", "en"),
])
def test_the_editor_language(option: str | None, environ: dict[str, str], site: str, expected: str,
                             tmp_path: Path) -> None:
    config = tmp_path / "site.yaml"
    config.write_text(site, encoding="utf-8")
    assert editor_language(option, environ, config) == expected
    assert expected in LANGUAGES


BROKEN = {
    ARTICLE: GOOD.replace("2024-06-19", "2024-02-30").replace("title: Un titre", "titel: Un titre"),
    "content/articles/b.md": "---\ntitle: B\ndate: 2024-06-19\n---\nTexte <script>x</script>.\n",
}
TRANSCRIPTS = {
    "en": [
        "content/articles/a.yaml:1: titel: unknown key; did you mean 'title'?",
        "content/articles/a.yaml:1: title: required key is missing",
        "content/articles/a.yaml:2: date: '2024-02-30' is not a date of the calendar (day is out of range "
        "for month)",
        "content/articles/b.md:5: body: warning: removed <script> and what it holds: this HTML element is "
        "not allowed in content",
        "feuillet: 3 problems, 1 warning; nothing was written",
    ],
    "fr": [
        "content/articles/a.yaml:1: titel: clé inconnue ; vouliez-vous dire « title » ?",
        "content/articles/a.yaml:1: title: clé obligatoire absente",
        "content/articles/a.yaml:2: date: « 2024-02-30 » n’est pas une date du calendrier (ce jour "
        "n’existe pas dans ce mois)",
        "content/articles/b.md:5: body: avertissement : <script> retiré avec son contenu : cet élément "
        "HTML n’est pas autorisé dans le contenu",
        "feuillet: 3 problèmes, 1 avertissement ; rien n’a été écrit",
    ],
}


@pytest.mark.parametrize("language", sorted(TRANSCRIPTS))
def test_the_same_errors_in_french_and_in_english(language: str, site: Callable[..., Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = site(BROKEN)
    assert run(root, "--lang", language, "check") == 1
    assert capsys.readouterr().err.splitlines() == TRANSCRIPTS[language]


def test_a_french_site_speaks_french_unless_the_locale_says_otherwise(
        site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = site(BROKEN)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines() == TRANSCRIPTS["fr"]
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines() == TRANSCRIPTS["en"]

"""Corrections and updates (issue 11): the front matter fields, read and checked at their lines.

These tests cover the model and the editor's error messages; the rendering (notes at the end,
dateline times, dateModified, the /corrections/ page) is tested in tests/test_revisions_render.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feuillet.content import load_article
from feuillet.errors import Problems
from feuillet.model import Revision, SiteConfig
from tests.conftest import run

PARIS = ZoneInfo("Europe/Paris")
CONFIG = SiteConfig(title="Site", url="https://example.org/")
BODY = "## Une partie\n\nDu texte.\n"
MARKDOWN = (
    "---\n"
    "title: Un titre\n"
    "date: 2024-06-19 10:00\n"
    "corrections:\n"
    "  - date: 2024-06-20\n"
    "    text: Le sommet a eu lieu *mercredi*.\n"
    "updates:\n"
    "  - date: 2024-06-21 15:30\n"
    "    text: Ajout de la réaction de Séoul.\n"
    "---\n" + BODY
)
YAML = (
    "title: Un titre\n"
    "date: 2024-06-19 10:00\n"
    "corrections:\n"
    "  - date: 2024-06-20\n"
    "    text: Le sommet a eu lieu *mercredi*.\n"
    "updates:\n"
    "  - date: 2024-06-21 15:30\n"
    "    text: Ajout de la réaction de Séoul.\n"
    "sections:\n"
    "  - title: Une partie\n"
    "    blocks:\n"
    "      - Du texte.\n"
)


def test_corrections_and_updates_are_read_in_both_forms_alike() -> None:
    problems = Problems()
    markdown = load_article(MARKDOWN, "content/articles/a.md", CONFIG, problems)
    yaml = load_article(YAML, "content/articles/a.yaml", CONFIG, problems)
    assert not problems.items
    assert markdown is not None and markdown == yaml
    assert markdown.corrections == (
        Revision(datetime(2024, 6, 20, tzinfo=PARIS), "Le sommet a eu lieu *mercredi*.", False),)
    assert markdown.updates == (
        Revision(datetime(2024, 6, 21, 15, 30, tzinfo=PARIS), "Ajout de la réaction de Séoul.", True),)
    assert markdown.corrections[0].line == 5 and markdown.updates[0].line == 8


@pytest.mark.parametrize(("written", "timed"), [
    ("2024-06-19", False), ("2024-06-19 10:00", True), ("2024-06-19T00:00", True),
    ("2024-06-19 00:00+02:00", True), ("2024-06-19 10:00:00", True),
])
def test_the_article_knows_whether_its_date_has_a_time(written: str, timed: bool) -> None:
    problems = Problems()
    article = load_article(f"---\ntitle: T\ndate: {written}\nupdated: {written}\n---\n{BODY}",
                           "content/articles/a.md", CONFIG, problems)
    assert not problems.items
    assert article is not None and article.timed is timed and article.updated_timed is timed


def errors_of(site: Callable[..., Path], front: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    root = site({"content/articles/a.md": f"---\ntitle: Un titre\ndate: 2024-06-19 10:00\n{front}---\n{BODY}"})
    assert run(root, "--lang", "en", "check") == 1
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("content/")]


def test_a_correction_dated_before_the_article_is_an_error(site: Callable[..., Path],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    front = "corrections:\n  - date: 2024-06-18\n    text: Un texte.\n"
    assert errors_of(site, front, capsys) == [
        "content/articles/a.md:5: corrections[1].date: 2024-06-18 is before the article's date "
        "(2024-06-19 10:00)"]


def test_an_update_timed_before_the_article_is_an_error(site: Callable[..., Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    front = "updates:\n  - text: Un texte.\n    date: 2024-06-19 09:59\n"
    assert errors_of(site, front, capsys) == [
        "content/articles/a.md:6: updates[1].date: 2024-06-19 09:59 is before the article's date "
        "(2024-06-19 10:00)"]


def test_updated_before_the_article_is_an_error(site: Callable[..., Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert errors_of(site, "updated: 2024-06-01\n", capsys) == [
        "content/articles/a.md:4: updated: 2024-06-01 is before the article's date (2024-06-19 10:00)"]


def test_a_date_alone_on_the_day_of_publication_is_not_before_it() -> None:
    problems = Problems()
    article = load_article(MARKDOWN.replace("2024-06-20", "2024-06-19"), "content/articles/a.md",
                           CONFIG, problems)
    assert not problems.items and article is not None


def test_a_correction_without_text_is_an_error(site: Callable[..., Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    front = "corrections:\n  - date: 2024-06-20\n"
    assert errors_of(site, front, capsys) == [
        "content/articles/a.md:5: corrections[1].text: required key is missing"]


def test_a_correction_with_empty_text_is_an_error(site: Callable[..., Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    front = "corrections:\n  - date: 2024-06-20\n    text: ''\n"
    assert errors_of(site, front, capsys) == [
        "content/articles/a.md:6: corrections[1].text: expected text, got an empty value"]


def test_corrections_that_are_no_list_are_an_error(site: Callable[..., Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert errors_of(site, "corrections: Une erreur.\n", capsys) == [
        "content/articles/a.md:4: corrections: expected a list of notes, each with a date and a text"]


def test_the_error_messages_are_french_by_default(site: Callable[..., Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": "---\ntitle: T\ndate: 2024-06-19\ncorrections: x\n"
                 "updated: 2024-06-18\n---\n" + BODY})
    assert run(root, "--lang", "fr", "check") == 1
    err = capsys.readouterr().err
    assert "a.md:4: corrections: attendu : une liste de notes, chacune avec une date et un texte" in err
    assert "a.md:5: updated: 2024-06-18 est antérieur à la date de l’article (2024-06-19)" in err

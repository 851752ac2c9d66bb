"""``check --format github|json``: problems in the shapes CI systems read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet.cli import github_annotation
from feuillet.errors import SourceError
from tests.conftest import run
from tests.test_errors import ARTICLE, GOOD

LINK = "---\ntitle: A\ndate: 2024-06-20\n---\nVoir [rien](/rien/).\n"


def test_github_annotations_for_warnings(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/b.md": LINK})
    assert run(root, "check", "--format", "github") == 0
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "::warning file=content/articles/b.md,line=5,title=link::the link /rien/ leads to no page of the site",
        "feuillet: 1 warning in 1 article(s) and 0 page(s)"]
    assert out.err == ""


def test_github_annotations_for_errors_and_strict(site: Callable[..., Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD.replace("2024-06-19", "hier"), "content/articles/b.md": LINK})
    assert run(root, "check", "--strict", "--format", "github") == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "::error file=content/articles/a.yaml,line=2,title=date::expected a date such as 2024-06-19 or a "
        "date-time such as 2024-06-19 10:00, got 'hier'",
    ]
    assert out.err.splitlines() == ["feuillet: 1 problem; nothing was written"]


def test_annotation_escaping() -> None:
    problem = SourceError("a, b:c.md", 0, "k:1", "100% sûr\nligne 2", "warning")
    assert github_annotation(problem, lambda text: text) == (
        "::warning file=a%2C b%3Ac.md,title=k%3A1::100%25 sûr%0Aligne 2")


def test_json_report(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/b.md": LINK})
    assert run(root, "check", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {
        "ok": True, "articles": 1, "pages": 0, "errors": 0, "warnings": 1,
        "problems": [{"path": "content/articles/b.md", "line": 5, "key": "link", "severity": "warning",
                      "message": "the link /rien/ leads to no page of the site"}],
    }



def test_json_report_of_errors(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD.replace("2024-06-19", "hier")})
    assert run(root, "check", "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["errors"] == 1
    assert report["problems"][0]["path"] == ARTICLE and report["problems"][0]["line"] == 2


def test_an_unknown_format_is_a_usage_error(site: Callable[..., Path]) -> None:
    assert run(site({ARTICLE: GOOD}), "check", "--format", "xml") == 2

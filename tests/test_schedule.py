"""Scheduled publishing: an article dated in the future waits for its time (embargo)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feuillet.content import publication
from feuillet.model import Article, Prose, Section
from tests.conftest import run

PARIS = ZoneInfo("Europe/Paris")


def article(slug: str, when: datetime, draft: bool = False) -> Article:
    return Article(slug, slug.title(), when, (Section(None, (Prose("Texte."),)),), draft=draft)


def test_what_is_published_at_an_instant() -> None:
    past = article("passe", datetime(2024, 6, 19, 8, tzinfo=PARIS))
    due = article("pile", datetime(2024, 6, 20, 8, tzinfo=PARIS))
    later = article("plus-tard", datetime(2024, 6, 21, 8, tzinfo=PARIS))
    soon = article("bientot", datetime(2024, 6, 20, 9, tzinfo=PARIS))
    draft = article("brouillon", datetime(2024, 6, 1, tzinfo=PARIS), draft=True)
    now = datetime(2024, 6, 20, 8, tzinfo=PARIS)
    chosen = publication([past, due, later, soon, draft], now)
    assert [a.slug for a in chosen.published] == ["pile", "passe"]  # the instant itself is published
    assert [a.slug for a in chosen.scheduled] == ["bientot", "plus-tard"]
    assert chosen.next_publication == soon.date
    assert [a.slug for a in chosen.drafts] == ["brouillon"]
    everything = publication([past, due, later, soon, draft], now, drafts=True, future=True)
    assert len(everything.published) == 5 and everything.next_publication is None


@pytest.mark.parametrize(("written", "before", "at"), [
    # A date alone is midnight in Paris: 22:00 UTC the day before, in summer.
    ("2024-06-20", "2024-06-19T21:59:59+00:00", "2024-06-19T22:00:00+00:00"),
    # In winter, midnight in Paris is 23:00 UTC.
    ("2024-01-15", "2024-01-14T22:59:59+00:00", "2024-01-14T23:00:00+00:00"),
    # 02:30 does not exist on 31 March 2024 in Paris (clocks jump from 02:00 to 03:00): it is read
    # with the offset before the change, +01:00, so 01:30 UTC.
    ("2024-03-31 02:30", "2024-03-31T01:29:59+00:00", "2024-03-31T01:30:00+00:00"),
    # 02:30 happens twice on 27 October 2024: the first one (+02:00), 00:30 UTC.
    ("2024-10-27 02:30", "2024-10-27T00:29:59+00:00", "2024-10-27T00:30:00+00:00"),
    # An explicit offset wins over the site's time zone.
    ("2024-06-20 08:00+00:00", "2024-06-20T07:59:59+00:00", "2024-06-20T08:00:00+00:00"),
])
def test_the_moment_of_publication_in_europe_paris(written: str, before: str, at: str,
                                                   site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.md": f"---\ntitle: A\ndate: {written}\n---\nTexte.\n",
                 "content/articles/b.md": "---\ntitle: B\ndate: 2020-01-01\n---\nTexte.\n"})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out), "--now", before) == 0
    assert not (out / "a").exists()
    assert run(root, "build", "--output", str(out), "--now", at) == 0
    assert (out / "a" / "index.html").is_file()


FUTURE = "---\ntitle: Sous embargo\ndate: 2030-01-01 08:00\n---\nTexte.\n"
PAST = "---\ntitle: Déjà publié\ndate: 2024-06-19\n---\nTexte.\n"


def test_a_scheduled_article_is_nowhere_in_a_production_build(site: Callable[..., Path], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/embargo.md": FUTURE, "content/articles/passe.md": PAST})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out), "--next-publication", str(tmp_path / "next.json")) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "feuillet: next publication: 2030-01-01T08:00:00+01:00"
    assert not (out / "embargo").exists()
    for name in ("index.html", "feed.xml", "sitemap.xml"):
        text = (out / name).read_text(encoding="utf-8")
        assert "embargo" not in text and "Sous embargo" not in text
        assert "passe" in text
    assert json.loads((tmp_path / "next.json").read_text()) == {"next_publication": "2030-01-01T08:00:00+01:00"}


def test_future_publishes_it_now(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/embargo.md": FUTURE, "content/articles/passe.md": PAST})
    assert run(root, "build", "--output", str(tmp_path / "out"), "--future",
               "--next-publication", str(tmp_path / "next.json")) == 0
    assert (tmp_path / "out" / "embargo" / "index.html").is_file()
    assert json.loads((tmp_path / "next.json").read_text()) == {"next_publication": None}


def test_source_date_epoch_is_the_clock_of_a_reproducible_build(
        site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({"content/articles/embargo.md": FUTURE, "content/articles/passe.md": PAST})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2030, 1, 1, 7, tzinfo=UTC).timestamp())))
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    assert (tmp_path / "out" / "embargo" / "index.html").is_file()


def test_a_no_op_build_still_publishes_when_the_time_comes(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/embargo.md": FUTURE, "content/articles/passe.md": PAST})
    out = tmp_path / "out"
    for _ in range(2):  # the second build has nothing to do
        assert run(root, "build", "--output", str(out), "--now", "2029-12-31T12:00:00+00:00") == 0
    assert not (out / "embargo").exists()
    assert run(root, "build", "--output", str(out), "--now", "2030-01-01T07:00:00+00:00") == 0
    assert (out / "embargo" / "index.html").is_file()


def test_list_shows_drafts_and_scheduled_articles(site: Callable[..., Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/embargo.md": FUTURE, "content/articles/passe.md": PAST,
                 "content/articles/ebauche.md": "---\ntitle: Ébauche\ndate: 2024-06-01\ndraft: true\n---\nX.\n"})
    assert run(root, "list", "--now", "2024-07-01T00:00+02:00") == 0
    assert capsys.readouterr().out.splitlines() == [
        "feuillet: scheduled 2030-01-01T08:00:00+01:00: content/articles/embargo.md (Sous embargo)",
        "feuillet: draft: content/articles/ebauche.md (Ébauche)",
        "feuillet: 1 scheduled, 1 draft(s), 1 published",
    ]


def test_a_wrong_now_is_a_usage_error(site: Callable[..., Path], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/passe.md": PAST})
    assert run(root, "build", "--output", str(tmp_path / "out"), "--now", "demain") == 2
    assert "expected a date-time such as 2024-06-19T08:00" in capsys.readouterr().err

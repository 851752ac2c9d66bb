"""Dates, times, numbers and interface strings, through Babel and the message catalogs."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from feuillet import i18n
from feuillet.typography import typeset
from tests.conftest import REPO, run, soup
from tests.test_errors import GOOD

NB = "\u00a0"
PARIS = "Europe/Paris"
UTC = UTC


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 6, 19, 10, tzinfo=UTC), "19 juin 2024"),
        (datetime(2024, 6, 1, 10, tzinfo=UTC), "1er juin 2024"),
        (datetime(2024, 1, 1, 10, tzinfo=UTC), "1er janvier 2024"),
        (datetime(2024, 2, 29, 23, 30, tzinfo=UTC), "1er mars 2024"),  # already March in Paris
    ],
)
def test_long_date_in_french(moment: datetime, expected: str) -> None:
    assert i18n.long_date(moment, PARIS, "fr") == expected


def test_weekday_in_lowercase() -> None:
    assert i18n.long_date(datetime(2024, 6, 19, 10, tzinfo=UTC), PARIS, "fr", weekday=True) == "mercredi 19 juin 2024"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 1, 15, 9, 0, tzinfo=UTC), "2024-01-15T10:00:00+01:00"),  # winter time
        (datetime(2024, 7, 15, 9, 0, tzinfo=UTC), "2024-07-15T11:00:00+02:00"),  # summer time
        (datetime(2024, 6, 18, 23, 30, tzinfo=UTC), "2024-06-19T01:30:00+02:00"),  # next day in Paris
    ],
)
def test_iso_datetime_carries_the_offset_of_that_date(moment: datetime, expected: str) -> None:
    assert i18n.iso(moment, PARIS) == expected


@pytest.mark.parametrize(
    ("hour", "minute", "expected"), [(14, 30, f"14{NB}h{NB}30"), (9, 5, f"9{NB}h{NB}05"), (18, 0, f"18{NB}h")]
)
def test_clock_time_in_french(hour: int, minute: int, expected: str) -> None:
    moment = datetime(2024, 1, 15, hour, minute, tzinfo=UTC)
    assert i18n.clock_time(moment, "UTC", "fr") == expected


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (1, 1), (230, 1), (231, 2), (2300, 10)])
def test_reading_minutes(words: int, minutes: int) -> None:
    assert i18n.reading_minutes(words, 230) == minutes


def test_word_count_keeps_elisions_and_compounds_whole() -> None:
    assert i18n.word_count("aujourd’hui, les nord-coréens l’ont dit !") == 5


def test_numbers_through_babel() -> None:
    assert i18n.number(1234567.5, "fr") == "1\u202f234\u202f567,5"
    assert i18n.percent(0.35, "fr") == f"35{NB}%"
    assert i18n.names(["Claire", "Paul", "Jeanne"], "fr") == "Claire, Paul et Jeanne"


def catalog(language: str) -> object:
    with (REPO / "locales" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_template_string_is_translated(language: str) -> None:
    with (REPO / "locales" / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    translated = catalog(language)
    for message in template:
        if not message.id:
            continue
        entry = translated.get(message.id)  # type: ignore[attr-defined]
        assert entry is not None, f"{language}: missing {message.id!r}"
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(strings), f"{language}: untranslated {message.id!r}"


def test_french_catalog_is_typeset() -> None:
    for message in catalog("fr"):  # type: ignore[attr-defined]
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert typeset(string) == string, string


def test_messages_pot_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "--no-location",
         "--omit-header", "--sort-output", "-o", str(fresh), "."],
        cwd=REPO, check=True, capture_output=True,
    )
    with fresh.open("rb") as new, (REPO / "locales" / "messages.pot").open("rb") as old:
        assert {m.id for m in read_po(new)} == {m.id for m in read_po(old)}, "run pybabel extract (see README)"


def test_plural_reading_time(site: Callable[..., Path], tmp_path: Path) -> None:
    long_text = " ".join(["mot"] * 600)
    root = site({
        "content/articles/court.yaml": GOOD,
        "content/articles/long.yaml": GOOD.replace("Du texte.", long_text),
    })
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    short = soup(tmp_path / "out" / "court" / "index.html").select_one(".reading-time")
    long = soup(tmp_path / "out" / "long" / "index.html").select_one(".reading-time")
    assert short is not None and short.get_text() == f"1{NB}min de lecture"
    assert long is not None and long.get_text() == f"3{NB}min de lecture"


FRENCH_UI = ["Sommaire", "Publié le", "min de lecture", "Retour au sommaire", "Aller au contenu", "Par "]


def test_english_site_from_the_same_templates(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({
        "site.yaml": "title: Feuillet\nurl: https://example.org/\nlanguage: en\ntimezone: Europe/London\n",
        "content/articles/a.yaml": GOOD.replace("2024-06-19", "2024-06-01"),
    })
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    page = soup(tmp_path / "out" / "a" / "index.html")
    assert page.html is not None and page.html["lang"] == "en"
    text = page.get_text()
    for french in FRENCH_UI:
        assert french not in text, french
    nav = page.select_one("nav.toc summary")
    assert nav is not None and nav.get_text().strip() == "Contents"
    time = page.select_one(".dateline time")
    assert time is not None and time.get_text() == "June 1, 2024"
    reading = page.select_one(".reading-time")
    assert reading is not None and re.fullmatch(r"1 minute read", reading.get_text())


def test_english_plural_of_the_reading_time(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({
        "site.yaml": "title: Feuillet\nurl: https://example.org/\nlanguage: en\n",
        "content/articles/a.yaml": GOOD.replace("Du texte.", " ".join(["word"] * 600)),
    })
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    reading = soup(tmp_path / "out" / "a" / "index.html").select_one(".reading-time")
    assert reading is not None and reading.get_text() == "3 minutes read"


def test_typography_opt_out_per_article_and_per_site(site: Callable[..., Path], tmp_path: Path) -> None:
    raw = GOOD.replace("title: Un titre", 'title: "Vraiment ?"').replace("Du texte.", "'Un « mot » : ici.'")
    root = site({
        "content/articles/on.yaml": raw,
        "content/articles/off.yaml": raw + "typography: false\n",
    })
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    on = soup(tmp_path / "out" / "on" / "index.html")
    off = soup(tmp_path / "out" / "off" / "index.html")
    assert on.h1 is not None and on.h1.get_text() == "Vraiment\u202f?"
    assert off.h1 is not None and off.h1.get_text() == "Vraiment ?"
    prose = off.select_one(".prose p")
    assert prose is not None and prose.get_text() == "Un « mot » : ici."
    (root / "site.yaml").write_text("title: Feuillet test\nurl: https://exemple.fr/\ntypography: false\n")
    assert run(root, "build", "--output", str(tmp_path / "out2")) == 0
    page = soup(tmp_path / "out2" / "on" / "index.html")
    assert page.h1 is not None and page.h1.get_text() == "Vraiment ?"

"""Corrections and updates as readers see them (issue 11): the notes at the end of an article,
the dateline's times, ``dateModified``/feed ``updated``/sitemap ``lastmod``, the /corrections/
page and its footer link."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from bs4 import BeautifulSoup, Tag

from feuillet import publish
from feuillet.model import Article, Revision
from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import make_site, run, soup
from tests.test_incremental import without_index

NB = "\u00a0"
PARIS = ZoneInfo("Europe/Paris")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def article(title: str = "Un titre", date: str = "2024-06-19 10:00", extra: str = "") -> str:
    return (f"title: {title}\ndate: {date}\n{extra}sections:\n  - title: Une partie\n"
            "    blocks:\n      - Du texte.\n")


NOTES = (
    "corrections:\n"
    "  - date: 2024-06-20\n"
    "    text: Le sommet a eu lieu *mercredi*, pas mardi.\n"
    "  - date: 2024-06-22 09:05\n"
    "    text: \"Le nom du ministre : mal orthographié.\"\n"
    "updates:\n"
    "  - date: 2024-06-21 15:30\n"
    "    text: Ajout de la réaction de Séoul.\n"
)


def text(element: Tag | None) -> str:
    assert element is not None
    return re.sub(r"[ \t\r\n]+", " ", element.get_text()).strip()


def built(site: Callable[..., Path], tmp_path: Path, files: dict[str, str], *args: str) -> Path:
    root = site(files)
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out), *args) == 0
    return out


@pytest.fixture
def noted(site: Callable[..., Path], tmp_path: Path) -> Path:
    return built(site, tmp_path, {
        "content/articles/a.yaml": article(extra=NOTES),
        "content/articles/b.yaml": article("Autre titre", "2024-06-10", "corrections:\n"
                                           "  - date: 2024-06-21 08:00\n    text: Un chiffre corrigé.\n"),
        "content/articles/c.yaml": article("Sans note", "2024-06-01"),
        "content/pages/a-propos.md": "---\ntitle: À propos\n---\nUne page.\n",
    })


# --- The notes at the end of the article -------------------------------------------------


def test_notes_are_a_section_with_a_heading_after_the_text(noted: Path) -> None:
    page = soup(noted / "a" / "index.html")
    section = page.select_one(".article-body > section.revisions")
    assert section is not None and section["aria-labelledby"] == "revisions-title"
    heading = section.find("h2")
    assert heading is not None and heading["id"] == "revisions-title"
    assert text(heading) == "Corrections et mises à jour"
    body = page.select_one(".article-body")
    assert body is not None
    assert body.find_all(["section", "div"], recursive=False)[-1] is section


def test_notes_read_as_a_newsroom_writes_them_oldest_first(noted: Path) -> None:
    notes = soup(noted / "a" / "index.html").select("section.revisions p.revision")
    assert [(note["id"], text(note)) for note in notes] == [
        ("correction-1", f"Correction du 20 juin 2024{NB}: Le sommet a eu lieu mercredi, pas mardi."),
        ("mise-a-jour-1", f"Mise à jour du 21 juin 2024 à 15{NB}h{NB}30{NB}: Ajout de la réaction de Séoul."),
        ("correction-2", f"Correction du 22 juin 2024 à 9{NB}h{NB}05{NB}: Le nom du ministre{NB}: mal orthographié."),
    ]


def test_each_note_has_its_moment_in_a_time_element(noted: Path) -> None:
    notes = soup(noted / "a" / "index.html").select("section.revisions p.revision")
    assert [note.select_one(".revision-label time")["datetime"] for note in notes] == [  # type: ignore[index]
        "2024-06-20T00:00:00+02:00", "2024-06-21T15:30:00+02:00", "2024-06-22T09:05:00+02:00"]


def test_the_note_text_is_inline_markdown(noted: Path) -> None:
    note = soup(noted / "a" / "index.html").select_one("#correction-1")
    assert note is not None
    emphasis = note.find("em")
    assert emphasis is not None and emphasis.get_text() == "mercredi"
    assert note.find("p") is None  # inline: no paragraph inside the note's paragraph


def test_an_article_without_notes_has_no_section(noted: Path) -> None:
    assert soup(noted / "c" / "index.html").select_one(".revisions") is None


# --- The dateline ------------------------------------------------------------------------


def dateline(site: Callable[..., Path], tmp_path: Path, date: str, extra: str = "") -> Tag:
    out = built(site, tmp_path, {"content/articles/a.yaml": article(date=date, extra=extra)}, "--future")
    found = soup(out / "a" / "index.html").select_one(".dateline")
    assert found is not None
    return found


def test_a_timed_date_shows_its_time(site: Callable[..., Path], tmp_path: Path) -> None:
    line = dateline(site, tmp_path, "2024-06-19 10:00")
    time = line.select_one("span:first-child time")
    assert time is not None and time["datetime"] == "2024-06-19T10:00:00+02:00"
    assert text(line.select_one("span:first-child")) == f"Publié le 19 juin 2024 à 10{NB}h{NB}00"


def test_a_date_alone_shows_no_time(site: Callable[..., Path], tmp_path: Path) -> None:
    line = dateline(site, tmp_path, "2024-06-19")
    assert text(line.select_one("span:first-child")) == "Publié le 19 juin 2024"


def test_the_update_shows_its_time_when_written(site: Callable[..., Path], tmp_path: Path) -> None:
    line = dateline(site, tmp_path, "2024-06-19 10:00", "updated: 2024-06-21 15:30\n")
    updated = line.select_one(".updated")
    assert text(updated) == f"Mis à jour le 21 juin 2024 à 15{NB}h{NB}30"
    time = updated.find("time") if updated else None
    assert time is not None and time["datetime"] == "2024-06-21T15:30:00+02:00"


def test_an_update_without_time_shows_its_date(site: Callable[..., Path], tmp_path: Path) -> None:
    line = dateline(site, tmp_path, "2024-06-19 10:00", "updated: 2024-06-21\n")
    assert text(line.select_one(".updated")) == "Mis à jour le 21 juin 2024"


@pytest.mark.parametrize(("written", "iso", "shown"), [
    # Just after midnight in Paris: the day before in UTC, the day written here.
    ("2024-06-19 00:05", "2024-06-19T00:05:00+02:00", f"19 juin 2024 à 0{NB}h{NB}05"),
    ("2024-01-15 23:45", "2024-01-15T23:45:00+01:00", f"15 janvier 2024 à 23{NB}h{NB}45"),
    # The first of the month is an ordinal; winter time is UTC+1.
    ("2024-03-01 08:00", "2024-03-01T08:00:00+01:00", f"1er mars 2024 à 8{NB}h{NB}00"),
    # After the spring change, summer time; on the autumn night, 2:30 is first the summer one.
    ("2024-03-31 03:00", "2024-03-31T03:00:00+02:00", f"31 mars 2024 à 3{NB}h{NB}00"),
    ("2024-10-27 02:30", "2024-10-27T02:30:00+02:00", f"27 octobre 2024 à 2{NB}h{NB}30"),
    ("2024-10-27 03:30", "2024-10-27T03:30:00+01:00", f"27 octobre 2024 à 3{NB}h{NB}30"),
])
def test_dateline_around_midnight_and_daylight_saving(site: Callable[..., Path], tmp_path: Path,
                                                      written: str, iso: str, shown: str) -> None:
    time = dateline(site, tmp_path, written).select_one("span:first-child time")
    assert time is not None and time["datetime"] == iso
    assert text(time) == shown


def test_an_english_site_writes_the_time_its_way(site: Callable[..., Path], tmp_path: Path) -> None:
    out = built(site, tmp_path, {
        "site.yaml": "title: Feuillet\nurl: https://example.org/\nlanguage: en\n",
        "content/articles/a.yaml": article(extra=NOTES),
    })
    page = soup(out / "a" / "index.html")
    assert text(page.select_one(".dateline span:first-child")) == "Published on June 19, 2024 at 10:00"
    assert text(page.select_one("#mise-a-jour-1")) == (
        "Update of June 21, 2024 at 15:30: Ajout de la réaction de Séoul.")


# --- When the article last changed -------------------------------------------------------


def test_latest_change_is_the_latest_of_date_updated_and_notes() -> None:
    def at(day: int) -> datetime:
        return datetime(2024, 6, day, tzinfo=PARIS)

    plain = Article("a", "T", at(19), ())
    assert publish.changed(plain) == at(19)
    assert publish.changed(Article("a", "T", at(19), (), updated=at(25),
                                   corrections=(Revision(at(20), "x"),))) == at(25)
    assert publish.changed(Article("a", "T", at(19), (), updated=at(21),
                                   corrections=(Revision(at(23), "x"),),
                                   updates=(Revision(at(22), "y"),))) == at(23)
    assert publish.changed(Article("a", "T", at(19), (), updates=(Revision(at(24), "y"),))) == at(24)


def jsonld(page: BeautifulSoup) -> Any:
    script = page.find("script", type="application/ld+json")
    assert script is not None and script.string is not None
    return json.loads(script.string)


def test_json_ld_date_modified_is_the_latest_note(noted: Path) -> None:
    page = soup(noted / "a" / "index.html")
    news = next(node for node in jsonld(page)["@graph"] if node["@type"] == "NewsArticle")
    assert news["datePublished"] == "2024-06-19T10:00:00+02:00"
    assert news["dateModified"] == "2024-06-22T09:05:00+02:00"
    modified = page.find("meta", property="article:modified_time")
    assert modified is not None and modified["content"] == "2024-06-22T09:05:00+02:00"


def test_feed_entry_updated_is_the_latest_note_and_its_content_ends_with_the_notes(noted: Path) -> None:
    feed = feedparser.parse((noted / "feed.xml").read_bytes())
    entry = next(entry for entry in feed.entries if entry.link.endswith("/a/"))
    assert entry.updated == "2024-06-22T09:05:00+02:00"
    assert feed.feed.updated == "2024-06-22T09:05:00+02:00"
    content = BeautifulSoup(entry.content[0].value, "html5lib")
    headings = content.find_all("h2")
    assert text(headings[-1]) == "Corrections et mises à jour"
    notes = headings[-1].find_all_next("p")
    assert [text(note) for note in notes] == [
        f"Correction du 20 juin 2024{NB}: Le sommet a eu lieu mercredi, pas mardi.",
        f"Mise à jour du 21 juin 2024 à 15{NB}h{NB}30{NB}: Ajout de la réaction de Séoul.",
        f"Correction du 22 juin 2024 à 9{NB}h{NB}05{NB}: Le nom du ministre{NB}: mal orthographié.",
    ]
    assert notes[0].find("time")["datetime"] == "2024-06-20T00:00:00+02:00"  # type: ignore[index]
    plain = next(entry for entry in feed.entries if entry.link.endswith("/c/"))
    assert "Corrections" not in plain.content[0].value


def sitemap(out: Path) -> dict[str, str | None]:
    root = ET.parse(out / "sitemap.xml").getroot()
    return {url.findtext(SITEMAP + "loc") or "": url.findtext(SITEMAP + "lastmod")
            for url in root.iter(SITEMAP + "url")}


def test_sitemap_lastmod_is_the_latest_note_and_lists_the_corrections_page(noted: Path) -> None:
    found = sitemap(noted)
    assert found["https://exemple.fr/a/"] == "2024-06-22T09:05:00+02:00"
    assert found["https://exemple.fr/b/"] == "2024-06-21T08:00:00+02:00"
    assert found["https://exemple.fr/c/"] == "2024-06-01T00:00:00+02:00"
    assert found["https://exemple.fr/"] == "2024-06-22T09:05:00+02:00"
    assert found["https://exemple.fr/corrections/"] == "2024-06-22T09:05:00+02:00"


# --- /corrections/ -----------------------------------------------------------------------


def test_corrections_page_lists_every_correction_newest_first(noted: Path) -> None:
    page = soup(noted / "corrections" / "index.html")
    assert page.title is not None and page.title.string == "Corrections – Feuillet test"
    h1 = page.find("h1")
    assert h1 is not None and text(h1) == "Corrections"
    items = page.select("ol.corrections-list > li")
    assert [(text(item.find("h2")), item.select_one(".corrections-article a")["href"],  # type: ignore[index]
             text(item.select_one(".corrections-article")), text(item.select_one(".corrections-text")))
            for item in items] == [
        (f"Correction du 22 juin 2024 à 9{NB}h{NB}05", "/a/#correction-2", "Un titre",
         f"Le nom du ministre{NB}: mal orthographié."),
        (f"Correction du 21 juin 2024 à 8{NB}h{NB}00", "/b/#correction-1", "Autre titre", "Un chiffre corrigé."),
        ("Correction du 20 juin 2024", "/a/#correction-1", "Un titre", "Le sommet a eu lieu mercredi, pas mardi."),
    ]
    assert "Correction du" in (noted / "corrections" / "index.html").read_text(encoding="utf-8")
    assert "Ajout de la réaction" not in page.get_text()  # updates are no corrections


def test_corrections_page_dates_are_time_elements(noted: Path) -> None:
    times = soup(noted / "corrections" / "index.html").select(".corrections-date time")
    assert [time["datetime"] for time in times] == [
        "2024-06-22T09:05:00+02:00", "2024-06-21T08:00:00+02:00", "2024-06-20T00:00:00+02:00"]


def test_every_page_links_to_the_corrections_page_in_its_footer(noted: Path) -> None:
    for path in ("index.html", "a/index.html", "c/index.html", "a-propos/index.html", "404.html",
                 "corrections/index.html"):
        link = soup(noted / path).select_one("footer .footer-corrections a")
        assert link is not None and link["href"] == "/corrections/", path
        assert text(link) == "Corrections"
    current = soup(noted / "corrections" / "index.html").select_one("footer .footer-corrections a")
    assert current is not None and current["aria-current"] == "page"


def test_no_correction_no_page_no_link_no_sitemap_entry(site: Callable[..., Path], tmp_path: Path) -> None:
    out = built(site, tmp_path, {"content/articles/a.yaml": article(extra=(
        "updates:\n  - date: 2024-06-21\n    text: Une mise à jour.\n"))})
    assert not (out / "corrections").exists()
    assert soup(out / "a" / "index.html").select_one("footer .footer-corrections") is None
    assert soup(out / "index.html").select_one("footer .footer-corrections") is None
    assert "https://exemple.fr/corrections/" not in sitemap(out)


def test_a_drafts_corrections_stay_out_of_a_preview_corrections_page(site: Callable[..., Path],
                                                                     tmp_path: Path) -> None:
    out = built(site, tmp_path, {
        "content/articles/a.yaml": article(extra="draft: true\n" + NOTES),
        "content/articles/b.yaml": article("Autre titre", "2024-06-10", "corrections:\n"
                                           "  - date: 2024-06-21\n    text: Un chiffre corrigé.\n"),
    }, "--base-path", "/pr-3/", "--drafts")
    page = soup(out / "corrections" / "index.html")
    links = [link["href"] for link in page.select(".corrections-article a")]
    assert links == ["/pr-3/b/#correction-1"]
    # The draft itself shows its notes, under the preview's base path.
    assert soup(out / "a" / "index.html").select_one("#correction-1") is not None
    footer = soup(out / "a" / "index.html").select_one("footer .footer-corrections a")
    assert footer is not None and footer["href"] == "/pr-3/corrections/"


# --- Incremental builds ------------------------------------------------------------------


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_adding_a_correction_incrementally_equals_a_clean_build(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {
        "content/articles/a.yaml": article(),
        "content/articles/b.yaml": article("Autre titre", "2024-06-10"),
    })
    out = tmp_path / "out"
    build(Project(root), out, BuildOptions(jobs=1))
    (root / "content/articles/a.yaml").write_text(article(extra=NOTES), encoding="utf-8")
    build(Project(root), out, BuildOptions(jobs=1))
    clean = tmp_path / "clean"
    build(Project(root), clean, BuildOptions(jobs=1, cache=False))
    assert files(out) == files(clean)
    assert (out / "corrections" / "index.html").exists()
    # And removing it again removes the page and the footer link everywhere.
    (root / "content/articles/a.yaml").write_text(article(), encoding="utf-8")
    build(Project(root), out, BuildOptions(jobs=1))
    shutil.rmtree(clean)
    build(Project(root), clean, BuildOptions(jobs=1, cache=False))
    assert files(out) == files(clean)
    assert not (out / "corrections").exists()


def test_editing_a_correction_rewrites_only_what_shows_it(tmp_path: Path) -> None:
    notes = "corrections:\n  - date: 2024-06-20\n    text: Premier texte.\n"
    root = make_site(tmp_path / "site", {
        "content/articles/a.yaml": article(extra=notes),
        "content/articles/b.yaml": article("Autre titre", "2024-06-10"),
    })
    out = tmp_path / "out"
    build(Project(root), out, BuildOptions(jobs=1))
    before = files(out)
    (root / "content/articles/a.yaml").write_text(article(extra=notes.replace("Premier", "Second")),
                                                  encoding="utf-8")
    build(Project(root), out, BuildOptions(jobs=1))
    after = files(out)
    changed = sorted(without_index({path for path in after if before.get(path) != after[path]}))
    assert changed == ["a/index.html", "corrections/index.html", "feed.xml"]


# --- Links in the notes ------------------------------------------------------------------


def test_a_broken_link_in_a_note_is_reported_at_its_line(site: Callable[..., Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": article(extra=(
        "corrections:\n"
        "  - date: 2024-06-20\n"
        "    text: Voir [la partie](#une-partie) et [rien](/rien/).\n"))})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    # At the note's line (Revision.line: where its item starts).
    assert capsys.readouterr().err.splitlines() == [
        "content/articles/a.yaml:4: link: warning: the link /rien/ leads to no page of the site"]


def test_a_link_to_a_note_of_the_same_article_leads_somewhere(site: Callable[..., Path], tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": article(extra=(
        "corrections:\n"
        "  - date: 2024-06-20\n"
        "    text: Voir la [mise à jour](#mise-a-jour-1).\n"
        "updates:\n"
        "  - date: 2024-06-21\n"
        "    text: Voir la [correction](#correction-1).\n"))})
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict") == 0
    assert capsys.readouterr().err == ""


def test_templates_without_the_notes_partial_still_make_the_feed(site: Callable[..., Path],
                                                                 tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": article(extra=NOTES)})
    (root / "templates/partials/revisions.html").unlink()
    (root / "templates/article.html").write_text(
        (root / "templates/article.html").read_text(encoding="utf-8")
        .replace('{% include "partials/revisions.html" %}\n', ""), encoding="utf-8")
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    feed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert "Correction du" not in feed.entries[0].content[0].value
    assert (tmp_path / "out" / "corrections" / "index.html").exists()

"""Subjects (tags), rubriques (kickers) and authors: their pages, lists, feeds and links."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup

from feuillet.pipeline import BuildOptions, Project, build
from feuillet.taxonomy import collation_key
from tests.conftest import SITE_YAML, make_site, soup
from tests.test_incremental import clean_build, files
from tests.test_publish import graph

ATOM = "{http://www.w3.org/2005/Atom}"


def article(title: str, day: int, tags: str = "[Corée du Nord]", kicker: str = "Analyse",
            authors: str = "") -> str:
    return (f"title: {title!r}\ndate: 2024-06-{day:02d}\nkicker: {kicker}\ntags: {tags}\n{authors}"
            f"standfirst: Le chapô de {title}.\nsections:\n  - title: Contexte\n    blocks: [Un texte.]\n")


def built(tmp_path: Path, articles: dict[str, str], settings: str = "social_cards: false\n",
          base_path: str | None = None) -> Path:
    root = make_site(tmp_path / "site", {
        "site.yaml": SITE_YAML + settings,
        **{f"content/articles/{name}.yaml": text for name, text in articles.items()},
    })
    out = tmp_path / "out"
    build(Project(root), out, BuildOptions(jobs=1, base_path=base_path) if base_path else BuildOptions(jobs=1))
    return out


def cards(page: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in page.select("main article.card h2")]


def jsonld(page: BeautifulSoup) -> dict[str, Any]:
    return graph(page, "NewsArticle")


# --- Subjects --------------------------------------------------------------------------


def test_the_article_page_links_each_subject(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, tags="[Corée du Nord, Russie]")})
    nav = soup(out / "a/index.html").select_one("nav.article-subjects")
    assert nav is not None and nav.select_one("p").get_text(strip=True) == "Sujets"
    assert [(a.get_text(), a["href"]) for a in nav.select("a")] == [
        ("Corée du Nord", "/sujets/coree-du-nord/"), ("Russie", "/sujets/russie/")]


def test_an_article_without_tags_has_no_subjects_list(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, tags="[]")})
    assert soup(out / "a/index.html").select("nav.article-subjects") == []
    assert not (out / "sujets").exists()


def test_a_subject_page_lists_its_articles_newest_first(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1), "b": article("Titre B", 3),
                           "c": article("Titre C", 2, tags="[Russie]")})
    page = soup(out / "sujets/coree-du-nord/index.html")
    assert page.select_one("h1").get_text(strip=True) == "Corée du Nord"
    assert cards(page) == ["Titre B", "Titre A"]
    assert cards(soup(out / "sujets/russie/index.html")) == ["Titre C"]


def test_a_subject_page_is_paginated_like_the_home_page(tmp_path: Path) -> None:
    out = built(tmp_path, {f"a{n}": article(f"Titre {n}", n + 1) for n in range(5)},
                "social_cards: false\npage_size: 2\n")
    assert cards(soup(out / "sujets/coree-du-nord/index.html")) == ["Titre 4", "Titre 3"]
    second = soup(out / "sujets/coree-du-nord/page/2/index.html")
    assert cards(second) == ["Titre 2", "Titre 1"]
    assert cards(soup(out / "sujets/coree-du-nord/page/3/index.html")) == ["Titre 0"]
    assert [a["href"] for a in second.select("nav.pagination a[rel=prev]")] == ["/sujets/coree-du-nord/"]
    assert [a["href"] for a in second.select("nav.pagination a[rel=next]")] == ["/sujets/coree-du-nord/page/3/"]
    assert not (out / "sujets/coree-du-nord/page/4").exists()


def test_the_subjects_page_lists_every_subject_alphabetically_with_counts(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("A", 1, tags="[Fiscalité, Écologie]"),
                           "b": article("B", 2, tags="[Dette, Écologie]")})
    items = [li.get_text(" ", strip=True) for li in soup(out / "sujets/index.html").select("ul.terms-list li")]
    assert items == ["Dette 1 article", "Écologie 2 articles", "Fiscalité 1 article"]


def test_the_french_collation_key_ignores_accents_and_case() -> None:
    names = ["fiscalité", "Écologie", "Dette", "état", "Europe"]
    assert sorted(names, key=collation_key) == ["Dette", "Écologie", "état", "Europe", "fiscalité"]


def test_two_spellings_of_one_slug_are_one_subject_spelt_as_the_newest_article(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Ancien", 1, tags="[coree du nord]"),
                           "b": article("Récent", 2, tags="[Corée du Nord]")})
    page = soup(out / "sujets/coree-du-nord/index.html")
    assert page.select_one("h1").get_text(strip=True) == "Corée du Nord"
    assert cards(page) == ["Récent", "Ancien"]
    assert [li.get_text(" ", strip=True) for li in soup(out / "sujets/index.html").select("ul.terms-list li")] \
        == ["Corée du Nord 2 articles"]
    assert soup(out / "a/index.html").select_one("nav.article-subjects a")["href"] == "/sujets/coree-du-nord/"


def test_a_subject_has_its_own_feed_with_its_name(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1), "c": article("Titre C", 2, tags="[Russie]")})
    feed = ET.fromstring((out / "sujets/coree-du-nord/atom.xml").read_bytes())
    assert feed.findtext(ATOM + "title") == "Feuillet test – Corée du Nord"
    assert [e.findtext(ATOM + "title") for e in feed.iter(ATOM + "entry")] == ["Titre A"]
    self_link = next(link for link in feed.findall(ATOM + "link") if link.get("rel") == "self")
    assert self_link.get("href") == "https://exemple.fr/sujets/coree-du-nord/atom.xml"
    page = soup(out / "sujets/coree-du-nord/index.html")
    assert page.select_one("head link[type='application/atom+xml'][href='/sujets/coree-du-nord/atom.xml']")


def test_tags_are_categories_of_the_feeds_entries(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, tags="[Corée du Nord, Russie]")})
    entry = ET.fromstring((out / "feed.xml").read_bytes()).find(ATOM + "entry")
    assert entry is not None
    categories = [(c.get("term"), c.get("label")) for c in entry.findall(ATOM + "category") if c.get("label")]
    assert categories == [("coree-du-nord", "Corée du Nord"), ("russie", "Russie")]


def test_json_ld_has_keywords_and_section(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, tags="[Corée du Nord, Russie]", kicker="Décryptage")})
    news = jsonld(soup(out / "a/index.html"))
    assert news["keywords"] == ["Corée du Nord", "Russie"]
    assert news["articleSection"] == "Décryptage"


# --- Rubriques -------------------------------------------------------------------------


def test_a_rubrique_page_lists_its_articles_with_a_feed(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, kicker="Décryptage"), "b": article("Titre B", 2)})
    page = soup(out / "rubriques/decryptage/index.html")
    assert page.select_one("h1").get_text(strip=True) == "Décryptage"
    assert cards(page) == ["Titre A"]
    assert page.select_one(".listing-kind a")["href"] == "/rubriques/"
    feed = ET.fromstring((out / "rubriques/decryptage/atom.xml").read_bytes())
    assert feed.findtext(ATOM + "title") == "Feuillet test – Décryptage"


def test_the_kicker_links_to_its_rubrique_on_the_article_and_the_cards(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, kicker="Décryptage")})
    assert soup(out / "a/index.html").select_one("p.kicker a")["href"] == "/rubriques/decryptage/"
    assert soup(out / "index.html").select_one("article.lead .kicker a")["href"] == "/rubriques/decryptage/"


# --- Authors and bylines ---------------------------------------------------------------


def test_a_byline_of_two_people_links_both_joined_the_french_way(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, authors="authors: [Claire Martin, Paul Durand]\n")})
    byline = soup(out / "a/index.html").select_one("p.byline")
    assert byline.get_text(" ", strip=True) == "Par Claire Martin et Paul Durand"
    assert [a["href"] for a in byline.select("a")] == ["/auteurs/claire-martin/", "/auteurs/paul-durand/"]


def test_the_newsroom_is_no_link_no_page_and_an_organization(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1)})
    page = soup(out / "a/index.html")
    assert page.select_one("p.byline").get_text(" ", strip=True) == "Par La rédaction"
    assert page.select("p.byline a") == []
    assert jsonld(page)["author"] == [{"@type": "Organization", "name": "La rédaction", "url": "https://exemple.fr/"}]
    assert not (out / "auteurs").exists()


def test_the_publisher_signing_is_an_organisation_too(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, authors="authors: [Les Échos du Nord]\n")},
                "social_cards: false\npublisher:\n  name: Les Échos du Nord\n")
    assert soup(out / "a/index.html").select("p.byline a") == []
    assert not (out / "auteurs").exists()


def test_a_person_is_a_person_with_the_url_of_their_page(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, authors="authors: [Claire Martin]\n")})
    assert jsonld(soup(out / "a/index.html"))["author"] == [
        {"@type": "Person", "name": "Claire Martin", "url": "https://exemple.fr/auteurs/claire-martin/"}]


def test_an_author_page_lists_their_articles(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, authors="authors: [Claire Martin]\n"),
                           "b": article("Titre B", 2, authors="authors: [Paul Durand, Claire Martin]\n"),
                           "c": article("Titre C", 3)})
    page = soup(out / "auteurs/claire-martin/index.html")
    assert page.select_one("h1").get_text(strip=True) == "Claire Martin"
    assert cards(page) == ["Titre B", "Titre A"]
    assert not (out / "auteurs/claire-martin/atom.xml").exists()
    names = [a.get_text() for a in soup(out / "auteurs/index.html").select("ul.terms-list a")]
    assert names == ["Claire Martin", "Paul Durand"]


# --- Home page strip, sitemap, base path -----------------------------------------------


def test_the_home_page_shows_the_most_used_subjects_and_a_link_to_all(tmp_path: Path) -> None:
    tags = [f"Sujet {chr(65 + n)}" for n in range(10)]
    articles = {f"a{n}": article(f"Titre {n}", n + 1, tags="[" + ", ".join(tags[: n + 1]) + "]") for n in range(10)}
    out = built(tmp_path, articles)
    strip = soup(out / "index.html").select_one("nav.subjects-strip")
    assert strip is not None and strip.select_one("p").get_text(strip=True) == "Sujets"
    links = [(a.get_text(), a["href"]) for a in strip.select("a")]
    assert links == [(f"Sujet {chr(65 + n)}", f"/sujets/sujet-{chr(97 + n)}/") for n in range(8)] \
        + [("Tous les sujets", "/sujets/")]


def test_a_site_without_tags_has_no_strip(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, tags="[]")})
    assert soup(out / "index.html").select("nav.subjects-strip") == []


def test_the_sitemap_lists_the_first_page_of_each_list(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, authors="authors: [Claire Martin]\n")})
    text = (out / "sitemap.xml").read_text(encoding="utf-8")
    for path in ("sujets/", "sujets/coree-du-nord/", "rubriques/analyse/", "auteurs/claire-martin/"):
        assert f"<loc>https://exemple.fr/{path}</loc>" in text


def test_a_base_path_build_keeps_every_new_link_under_its_prefix(tmp_path: Path) -> None:
    out = built(tmp_path, {"a": article("Titre A", 1, authors="authors: [Claire Martin]\n")},
                base_path="/pr-7/")
    for path in ("a/index.html", "index.html", "sujets/index.html", "sujets/coree-du-nord/index.html",
                 "auteurs/claire-martin/index.html", "rubriques/analyse/index.html"):
        hrefs = [a["href"] for a in soup(out / path).select("main a[href^='/']")]
        assert hrefs and all(href.startswith("/pr-7/") for href in hrefs), (path, hrefs)


# --- Incremental builds ----------------------------------------------------------------


def test_editing_tags_rewrites_exactly_the_affected_subject_pages(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {
        "site.yaml": SITE_YAML + "social_cards: false\n",
        "content/articles/a.yaml": article("Titre A", 1, tags="[Russie]"),
        "content/articles/b.yaml": article("Titre B", 2, tags="[Ukraine, Sanctions]"),
        "content/articles/c.yaml": article("Titre C", 3, tags="[Chine]"),
    })
    out = tmp_path / "out"
    build(Project(root), out)
    old = files(out)
    (root / "content/articles/b.yaml").write_text(article("Titre B", 2, tags="[Ukraine, Russie]"), encoding="utf-8")
    build(Project(root), out)
    new = files(out)
    changed = {path for path in new.keys() | old.keys() if new.get(path) != old.get(path)}
    assert changed == {
        "b/index.html", "index.html", "feed.xml", "sitemap.xml", "rubriques/analyse/atom.xml", "sujets/index.html",
        "sujets/russie/index.html", "sujets/russie/atom.xml", "sujets/ukraine/atom.xml",
        "sujets/sanctions/index.html", "sujets/sanctions/atom.xml",
    }
    assert new == clean_build(root, tmp_path / "clean")

"""The shipped article, built from content/, read back as a reader's browser would parse it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag

from tests.conftest import soup

NB, NNB = "\u00a0", "\u202f"
SECTIONS = [
    ("un-rapprochement-strategique-entre-deux-parias-de-la-scene-internationale",
     f"Un rapprochement stratégique entre deux «{NB}parias{NB}» de la scène internationale"),
    ("une-cooperation-militaire-renforcee", f"Une coopération militaire renforcée{NNB}?"),
    ("des-interets-economiques-convergents", "Des intérêts économiques convergents"),
    ("quelle-portee-pour-cette-visite", f"Quelle portée pour cette visite{NNB}?"),
]


def text(element: Tag | None) -> str:
    assert element is not None
    # Collapse source line breaks but keep the no-break spaces typography put there.
    return re.sub(r"[ \t\r\n]+", " ", element.get_text()).strip()


@pytest.fixture(scope="module")
def page(seed_site: Path) -> BeautifulSoup:
    return soup(seed_site / "poutine-en-coree-du-nord" / "index.html")


def test_page_is_french(page: BeautifulSoup) -> None:
    assert page.html is not None and page.html["lang"] == "fr"


def test_title_and_kicker(page: BeautifulSoup) -> None:
    h1s = page.find_all("h1")
    assert len(h1s) == 1
    assert text(h1s[0]) == f"Poutine à Pyongyang{NB}: une alliance de circonstance face à l’Occident"
    assert text(page.select_one(".kicker")) == "Analyse"
    assert page.title is not None
    assert page.title.string == (
        f"Poutine à Pyongyang{NB}: une alliance de circonstance face à l’Occident – Feuillet"
    )


def test_standfirst_is_the_opening_paragraph(page: BeautifulSoup) -> None:
    standfirst = text(page.select_one(".standfirst"))
    assert standfirst.startswith("En ce mois de juin 2024, le président russe Vladimir Poutine")
    assert standfirst.endswith("en quête de soutiens face à la pression occidentale.")


def test_byline_date_and_reading_time(page: BeautifulSoup) -> None:
    assert text(page.select_one(".byline")) == "Par La rédaction"
    time = page.select_one(".dateline time")
    assert time is not None and time["datetime"] == "2024-06-19T10:00:00+02:00"
    assert text(time) == f"19 juin 2024 à 10{NB}h{NB}00"  # the source writes a time of day
    assert text(page.select_one(".dateline > span:first-child")) == f"Publié le 19 juin 2024 à 10{NB}h{NB}00"
    assert text(page.select_one(".reading-time")) == f"3{NB}min de lecture"


def test_four_sections_in_order_with_their_ids(page: BeautifulSoup) -> None:
    headings = [section.find("h2") for section in page.select("article section")]
    assert [(h["id"], text(h)) for h in headings if h is not None] == SECTIONS


def test_every_section_heading_has_a_visible_permalink(page: BeautifulSoup) -> None:
    for section_id, _ in SECTIONS:
        heading = page.find("h2", id=section_id)
        assert heading is not None
        links = heading.find_parent("section").select(f'a.permalink[href="#{section_id}"]')
        assert len(links) == 1


def test_navigation_links_exactly_the_sections(page: BeautifulSoup) -> None:
    nav = page.select_one("nav.toc")
    assert nav is not None
    assert text(nav.select_one("summary")) == "Sommaire"
    links = nav.select("ol > li > a")
    assert [link["href"] for link in links] == [f"#{section_id}" for section_id, _ in SECTIONS]
    assert [text(link) for link in links] == [title for _, title in SECTIONS]


def test_quote_keeps_its_attribution(page: BeautifulSoup) -> None:
    figures = page.select("figure")
    assert len(figures) == 1
    figure = figures[0]
    assert text(figure.blockquote) == "«\u00a0Le conflit en Ukraine a été une véritable aubaine pour la Corée du Nord.\u00a0»"
    caption = figure.figcaption
    assert caption is not None
    assert text(caption) == f"–{NB}Peter Ward, membre du groupe de réflexion Sejong"
    assert text(caption.select_one(".quote-author")) == "Peter Ward"
    assert text(caption.select_one(".quote-role")) == "membre du groupe de réflexion Sejong"
    # The quote sits in the first section, after its two paragraphs.
    assert figure.find_parent("section").h2["id"] == SECTIONS[0][0]


def test_both_lists_are_lists_with_their_items(page: BeautifulSoup) -> None:
    lists = page.select("article section ul")
    assert [[text(li) for li in ul.find_all("li")] for ul in lists] == [
        [
            "Les secteurs de l’énergie, des matières premières et de la construction pourraient "
            "faire l’objet d’accords.",
            "Moscou souhaite attirer des travailleurs nord-coréens sur ses grands chantiers "
            "d’infrastructures, notamment en Sibérie orientale.",
        ],
        [
            "L’aide militaire nord-coréenne resterait limitée et ne changerait pas fondamentalement "
            "la donne sur le champ de bataille ukrainien.",
            "Les échanges économiques russo-nord-coréens, bridés par les sanctions, conserveraient "
            "un caractère marginal.",
        ],
    ]
    assert lists[0].find_parent("section").h2["id"] == SECTIONS[2][0]
    assert lists[1].find_parent("section").h2["id"] == SECTIONS[3][0]


def test_french_typography_in_the_body(page: BeautifulSoup) -> None:
    body = text(page.select_one(".article-body"))
    assert f"l’«{NB}opération militaire spéciale{NB}»" in body
    assert f"sa portée concrète{NB}:" in body


def test_home_lists_the_article(seed_site: Path) -> None:
    home = soup(seed_site / "index.html")
    cards = home.select("main article")
    assert len(cards) == 1
    link = cards[0].select_one("h2 a")
    assert link is not None and link["href"] == "/poutine-en-coree-du-nord/"
    assert text(cards[0].select_one(".kicker")) == "Analyse"
    assert text(cards[0].select_one("time")) == "19 juin 2024"


def test_about_page_and_404(seed_site: Path) -> None:
    about = soup(seed_site / "a-propos" / "index.html")
    assert text(about.find("h1")) == "À propos"
    not_found = soup(seed_site / "404.html")
    assert text(not_found.find("h1")) == "Page introuvable"
    assert not_found.select_one('main a[href="/"]') is not None


def test_stylesheet_and_script_are_fingerprinted(seed_site: Path, page: BeautifulSoup) -> None:
    stylesheet = page.select_one('link[rel="stylesheet"]')
    script = page.select_one("script[src]")
    assert stylesheet is not None and script is not None
    for url in (stylesheet["href"], script["src"]):
        name = Path(url).name
        assert len(name.split(".")) == 3 and len(name.split(".")[1]) == 10
        assert (seed_site / url.lstrip("/")).is_file()

"""The home page opens on a lead story (issue 11): the newest article marked ``featured: true``,
else the newest article; it is shown larger, labelled « À la une », and not listed again."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import SITE_YAML, make_site, soup
from tests.test_incremental import article, clean_build, files


def featured(title: str, day: int) -> str:
    return article(title, day) + "featured: true\n"


def home(tmp_path: Path, sources: dict[str, str], page_size: int = 3) -> Path:
    root = make_site(tmp_path / "site", {
        "site.yaml": SITE_YAML + f"page_size: {page_size}\nsocial_cards: false\n", **sources})
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    return tmp_path / "out"


def lead_title(page: BeautifulSoup) -> str:
    leads = page.select("main article.lead")
    assert len(leads) == 1
    return leads[0].select_one("h2").get_text(strip=True)


def card_titles(page: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in page.select("main article.card h2")]


def five(featured_day: int | None = None) -> dict[str, str]:
    return {f"content/articles/a{n}.yaml": (featured if n == featured_day else article)(f"Titre {n}", n + 1)
            for n in range(5)}


def test_without_a_featured_article_the_newest_leads(tmp_path: Path) -> None:
    page = soup(home(tmp_path, five()) / "index.html")
    assert lead_title(page) == "Titre 4"
    assert card_titles(page) == ["Titre 3", "Titre 2"]


def test_the_featured_article_leads_and_is_not_listed_again(tmp_path: Path) -> None:
    out = home(tmp_path, five(featured_day=1))
    first, second = soup(out / "index.html"), soup(out / "page/2/index.html")
    assert lead_title(first) == "Titre 1"
    assert card_titles(first) == ["Titre 4", "Titre 3"]
    assert card_titles(second) == ["Titre 2", "Titre 0"]
    assert second.select("article.lead") == []


def test_of_two_featured_articles_the_newest_leads(tmp_path: Path) -> None:
    sources = five(featured_day=1)
    sources["content/articles/a3.yaml"] = featured("Titre 3", 4)
    assert lead_title(soup(home(tmp_path, sources) / "index.html")) == "Titre 3"


def test_the_lead_story_shows_its_label_kicker_standfirst_and_date(tmp_path: Path) -> None:
    lead = soup(home(tmp_path, five()) / "index.html").select_one("article.lead")
    assert lead is not None
    assert lead.select_one(".lead-label").get_text() == "À la une"
    assert lead.select_one(".kicker").get_text() == "Analyse"
    assert lead.select_one("h2 a")["href"] == "/a4/"
    assert lead.select_one(".lead-standfirst").get_text() == "Le chapô de Titre 4."
    assert lead.select_one("time")["datetime"].startswith("2024-06-05")
    assert lead["aria-labelledby"] == lead.select_one("h2")["id"]


def test_an_incremental_build_after_featuring_an_article_equals_a_clean_build(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + "page_size: 3\nsocial_cards: false\n",
                                         **five()})
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    (root / "content/articles/a1.yaml").write_text(featured("Titre 1", 2), encoding="utf-8")
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    assert files(tmp_path / "out") == clean_build(root, tmp_path / "clean")
    assert lead_title(soup(tmp_path / "out" / "index.html")) == "Titre 1"

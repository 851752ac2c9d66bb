"""Links and images written in content must lead somewhere: warnings at their source line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet.errors import SourceError
from feuillet.links import MESSAGES, check_links, site_target
from feuillet.views import Link, Outline
from tests.conftest import run

SITE = "https://exemple.fr/analyses/"


@pytest.mark.parametrize(("address", "expected"), [
    ("/analyses/autre/", ("autre/", "")),
    ("/analyses/autre/#contexte", ("autre/", "contexte")),
    ("../autre/", ("autre/", "")),
    ("autre/", ("article/autre/", "")),
    ("#contexte", ("article/", "contexte")),
    ("https://exemple.fr/analyses/autre/", ("autre/", "")),
    ("HTTPS://EXEMPLE.FR/analyses/", ("", "")),
    ("/analyses/static/img/carte%20nord.png", ("static/img/carte nord.png", "")),
    ("https://ailleurs.fr/analyses/autre/", None),
    ("mailto:redaction@exemple.fr", None),
    ("/ailleurs/", ("ailleurs/", "")),  # root-relative: from the site's root, as pages are built
])
def test_where_an_address_leads(address: str, expected: tuple[str, str] | None) -> None:
    assert site_target(address, "article/", SITE) == expected


FILES = {"index.html", "article/index.html", "autre/index.html", "static/img/carte.png", "feed.xml"}


def outline(*links: Link, ids: frozenset[str] = frozenset({"debut"})) -> Outline:
    return Outline("content/articles/article.md", "article/", ids, links)


def warnings_of(*links: Link) -> list[SourceError]:
    other = Outline("content/articles/autre.md", "autre/", frozenset({"contexte"}), ())
    return check_links([outline(*links), other], FILES, SITE, {"sommaire"})


def warning(line: int, key: str, message: str) -> SourceError:
    return SourceError("content/articles/article.md", line, key, message, "warning")


def test_links_that_lead_somewhere_pass() -> None:
    assert warnings_of(
        Link(3, "a", "/analyses/autre/#contexte"), Link(4, "a", "../autre/"), Link(5, "a", "#debut"),
        Link(6, "a", "#sommaire"), Link(7, "img", "/analyses/static/img/carte.png"),
        Link(8, "a", "/analyses/feed.xml"), Link(9, "a", "https://ailleurs.fr/"), Link(9, "a", "/analyses/"),
        Link(10, "a", "/analyses/autre"),
    ) == []


def test_a_link_to_no_page() -> None:
    assert warnings_of(Link(3, "a", "/analyses/rien/")) == [
        warning(3, "link", MESSAGES["page"].format(address="/analyses/rien/"))]
    assert MESSAGES["page"] == "the link {address} leads to no page of the site"


def test_a_link_to_a_missing_anchor_of_another_page() -> None:
    assert warnings_of(Link(3, "a", "../autre/#nulle-part")) == [warning(
        3, "link", "the link ../autre/#nulle-part leads to content/articles/autre.md, which has no id "
        "'nulle-part'")]


def test_a_link_to_a_missing_anchor_of_the_same_page() -> None:
    assert warnings_of(Link(5, "a", "#ailleurs")) == [
        warning(5, "link", "the link #ailleurs leads to no heading or id of this page")]


def test_an_image_that_is_not_there() -> None:
    assert warnings_of(Link(7, "img", "/analyses/static/img/manque.png")) == [warning(
        7, "image", "the image /analyses/static/img/manque.png is not a file of the site (images go "
        "under static/ or beside the article, in its folder)")]


ARTICLE = (
    "---\ntitle: Liens\ndate: 2024-06-20\n---\n"
    "Voir [l’autre](/b/) et\n[rien](/rien/).\n\n"
    "## Une partie\n\n"
    "![carte](/static/img/carte.png) et [ici](#une-partie), [là](#ailleurs).\n"
)


def test_a_build_reports_each_link_at_its_line(site: Callable[..., Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": ARTICLE,
                 "content/articles/b.md": "---\ntitle: B\ndate: 2024-06-19\n---\nTexte.\n"})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    assert capsys.readouterr().err.splitlines()[:3] == [
        "content/articles/a.md:6: link: warning: the link /rien/ leads to no page of the site",
        "content/articles/a.md:10: image: warning: the image /static/img/carte.png is not a file of "
        "the site (images go under static/ or beside the article, in its folder)",
        "content/articles/a.md:10: link: warning: the link #ailleurs leads to no heading or id of this page",
    ]
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict") == 1


def test_a_link_to_a_draft_is_broken_unless_drafts_are_built(site: Callable[..., Path], tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": "---\ntitle: A\ndate: 2024-06-20\n---\nVoir [b](/b/).\n",
                 "content/articles/b.md": "---\ntitle: B\ndate: 2024-06-19\ndraft: true\n---\nTexte.\n"})
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/articles/a.md:5: link: the link /b/ leads to no page of the site")
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict", "--drafts") == 0


def test_the_shipped_site_is_clean_under_strict() -> None:
    assert run(Path(__file__).resolve().parent.parent, "check", "--strict") == 0


ROOT_RELATIVE = (
    "---\ntitle: A\ndate: 2024-06-20\n---\n"
    "Voir [b](/b/), [sa partie](/b/#suite), ![logo](/static/img/logo.png), [ailleurs](https://exemple.org/x/)"
    " et [ici](#toc-title).\n"
)


def test_root_relative_links_follow_the_base_path(site: Callable[..., Path], tmp_path: Path) -> None:
    from tests.conftest import soup

    root = site({"content/articles/a.md": ROOT_RELATIVE,
                 "content/articles/b.md": "---\ntitle: B\ndate: 2024-06-19\n---\n## Suite\n\nTexte.\n"})
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-7/", "--strict") == 0
    prose = soup(tmp_path / "pr" / "a" / "index.html").select_one(".prose")
    assert [a["href"] for a in prose.find_all("a")] == ["/pr-7/b/", "/pr-7/b/#suite", "https://exemple.org/x/", "#toc-title"]
    assert prose.find("img")["src"] == "/pr-7/static/img/logo.png"
    assert run(root, "build", "--output", str(tmp_path / "prod")) == 0
    prose = soup(tmp_path / "prod" / "a" / "index.html").select_one(".prose")
    assert [a["href"] for a in prose.find_all("a")][:2] == ["/b/", "/b/#suite"]

"""``aliases:`` keep an article's old URLs, ``anchor_aliases:`` its old section anchors, and
``check --against`` fails when a published URL or anchor would disappear without them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet.compare import compare
from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import run, soup
from tests.test_incremental import clean_build, files

A = "content/articles/a.md"
B = "content/articles/b.yaml"


def markdown(front: str = "", second: str = "## Seconde partie {#seconde}") -> str:
    return (f"---\ntitle: Titre A\ndate: 2024-06-01\n{front}---\n## Première partie\n\nTexte.\n\n"
            f"{second}\n\nSuite.\n")


def yaml(front: str = "") -> str:
    return ("title: Titre B\ndate: 2024-06-02\n" + front
            + "sections:\n  - title: Contexte\n    blocks: [Un texte.]\n")


def built(site: Callable[..., Path], tmp_path: Path, sources: dict[str, str], *options: str) -> Path:
    root = site(sources)
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out), "--quiet", *options) == 0
    return out


def test_an_alias_is_a_redirect_page(site: Callable[..., Path], tmp_path: Path) -> None:
    out = built(site, tmp_path, {A: markdown("slug: nouveau\naliases: [/ancien/, 2019/06/a.html]\n")})
    page = soup(out / "ancien/index.html")
    assert page.html["lang"] == "fr"
    assert page.find("link", rel="canonical")["href"] == "https://exemple.fr/nouveau/"
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/nouveau/"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    moved = page.find("main").find("a")
    assert (moved.get_text(), moved["href"]) == ("Cet article a été déplacé", "/nouveau/")
    assert page.find("h1").get_text() == "Titre A"
    assert (out / "2019/06/a.html").is_file()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "ancien" not in sitemap and "ancien" not in feed and "/nouveau/" in sitemap


def test_a_redirect_follows_the_base_path_and_keeps_the_production_canonical(
        site: Callable[..., Path], tmp_path: Path) -> None:
    out = built(site, tmp_path, {B: yaml("aliases:\n  - ancien\n")}, "--base-path", "/pr-7/")
    page = soup(out / "ancien/index.html")
    assert page.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/pr-7/b/"
    assert page.find("main").find("a")["href"] == "/pr-7/b/"
    assert page.find("link", rel="canonical")["href"] == "https://exemple.fr/b/"


def test_an_anchor_alias_lands_at_the_start_of_its_section(site: Callable[..., Path], tmp_path: Path) -> None:
    out = built(site, tmp_path, {A: markdown("anchor_aliases: {ancienne: seconde}\n"),
                                 B: yaml("anchor_aliases:\n  vieux: contexte\n")})
    section = soup(out / "a/index.html").find(id="ancienne").parent
    assert section.name == "section" and section["aria-labelledby"] == "seconde"
    assert next(iter(section.find_all(True))).get("id") == "ancienne"  # its first element
    assert soup(out / "b/index.html").find(id="vieux").find_next("h2")["id"] == "contexte"


@pytest.mark.parametrize(("sources", "expected"), [
    ({A: markdown("aliases: [/an cien/]\n")},
     "content/articles/a.md:4: aliases: '/an cien/' is not a clean path of the site: use segments of letters, "
     "digits and hyphens, such as /ancien-slug/"),
    ({B: yaml("aliases:\n  - /x/\n  - x\n")}, "content/articles/b.yaml:5: aliases: 'x' is given twice"),
    ({A: markdown("aliases: [a]\n")}, "content/articles/a.md:4: aliases: 'a' is the article's own address"),
    ({A: markdown("aliases: [/b/]\n"), B: yaml()},
     "content/articles/a.md:4: aliases: '/b/' is already the address of content/articles/b.yaml"),
    ({A: markdown("aliases: [/x/]\n"), B: yaml("aliases: [x]\n")},
     "content/articles/a.md:4: aliases: '/x/' is already the address of content/articles/b.yaml"),
    ({A: markdown("aliases: [/static/x/]\n")},
     "content/articles/a.md:4: aliases: '/static/x/' is inside static/, the folder of the site's files"),
    ({A: markdown("aliases: [/404.html]\n")},
     "content/articles/a.md:4: aliases: '/404.html' is already a file of the site (404.html)"),
    ({A: markdown("anchor_aliases: {ancienne: rien}\n")},
     "content/articles/a.md:4: anchor_aliases: 'rien' is not the anchor of a section of this article "
     "(its sections: premiere-partie, seconde)"),
    ({A: markdown("anchor_aliases: {premiere-partie: seconde}\n")},
     "content/articles/a.md:4: anchor_aliases: 'premiere-partie' is already an id of this article"),
    ({A: markdown("anchor_aliases: {Ancienne: seconde}\n")},
     "content/articles/a.md:4: anchor_aliases: 'Ancienne' is not a safe anchor: use a-z, 0-9 and hyphens"),
    ({A: markdown("anchor_aliases: [ancienne]\n")},
     "content/articles/a.md:4: anchor_aliases: expected a mapping of old anchors to section anchors, such as "
     "{ancien-id: nouvel-id}, got a list"),
])
def test_alias_errors(sources: dict[str, str], expected: str, site: Callable[..., Path],
                      capsys: pytest.CaptureFixture[str]) -> None:
    assert run(site(sources), "check") == 1
    assert capsys.readouterr().err.splitlines()[0] == expected


def test_an_alias_keeps_a_moved_article_and_its_anchors(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({A: markdown(second="## Seconde partie")})
    old, new = tmp_path / "old", tmp_path / "new"
    assert run(root, "build", "--output", str(old), "--quiet") == 0
    (root / A).write_text(markdown("slug: nouveau\n", "## Deuxième partie"), encoding="utf-8")
    assert run(root, "build", "--output", str(new), "--quiet") == 0
    assert [(b.kind, b.url) for b in compare(old, new).breaks] == [("url", "/a/")]
    (root / A).write_text(markdown("slug: nouveau\naliases: [a]\n", "## Deuxième partie"), encoding="utf-8")
    assert run(root, "build", "--output", str(new), "--quiet") == 0
    assert [(b.kind, b.url, b.anchor) for b in compare(old, new).breaks] == [("anchor", "/a/", "seconde-partie")]
    (root / A).write_text(markdown("slug: nouveau\naliases: [a]\nanchor_aliases: {seconde-partie: deuxieme-partie}\n",
                                   "## Deuxième partie"), encoding="utf-8")
    assert run(root, "build", "--output", str(new), "--quiet") == 0
    assert compare(old, new).breaks == ()


def test_check_against_fails_on_a_removed_anchor(site: Callable[..., Path], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = site({A: markdown(second="## Seconde partie"), B: yaml()})
    old = tmp_path / "old"
    assert run(root, "build", "--output", str(old), "--quiet") == 0
    assert run(root, "check", "--against", str(old)) == 0
    capsys.readouterr()
    (root / A).write_text(markdown(second="## Deuxième partie"), encoding="utf-8")
    assert run(root, "check", "--against", str(old), "--format", "github") == 1
    assert capsys.readouterr().out.splitlines() == [
        "::error file=content/articles/a.md,line=1,title=anchor_aliases::the section #seconde-partie of the "
        "published article /a/ (Titre A) is gone; keep it with anchor_aliases: {seconde-partie: new-id}"]
    (root / A).write_text(markdown("anchor_aliases: {seconde-partie: deuxieme-partie}\n", "## Deuxième partie"),
                          encoding="utf-8")
    assert run(root, "check", "--against", str(old)) == 0


def test_check_against_names_the_moved_article(site: Callable[..., Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = site({A: markdown(), B: yaml()})
    old = tmp_path / "old"
    assert run(root, "build", "--output", str(old), "--quiet") == 0
    (root / B).write_text(yaml("slug: nouveau\n"), encoding="utf-8")
    assert run(root, "check", "--against", str(old)) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/articles/b.yaml:1: aliases: the published article /b/ (Titre B) is gone; keep its address "
        "with aliases: [/b/] in the article that replaces it",
        "feuillet: 1 problem; nothing was written"]
    assert run(root, "check", "--against", str(tmp_path / "rien")) == 2


def test_an_incremental_build_after_adding_an_alias_equals_a_clean_one(site: Callable[..., Path],
                                                                        tmp_path: Path) -> None:
    root = site({A: markdown(), B: yaml()})
    out = tmp_path / "out"
    build(Project(root), out, BuildOptions(jobs=1))
    (root / B).write_text(yaml("aliases: [ancien]\nanchor_aliases: {vieux: contexte}\n"), encoding="utf-8")
    build(Project(root), out, BuildOptions(jobs=1))
    assert (out / "ancien/index.html").is_file()
    assert files(out) == clean_build(root, tmp_path / "clean")
    (root / B).write_text(yaml("title: Titre B2\naliases: [ancien]\n").replace("title: Titre B\n", ""),
                          encoding="utf-8")
    build(Project(root), out, BuildOptions(jobs=1))
    assert soup(out / "ancien/index.html").find("h1").get_text() == "Titre B2"
    assert files(out) == clean_build(root, tmp_path / "clean")

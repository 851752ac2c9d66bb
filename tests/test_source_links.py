"""Links written by source file (``[texte](autre.md#partie)``) lead to that article's or page's URL."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet.files import linked_source
from feuillet.links import MESSAGES
from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import run, soup


@pytest.mark.parametrize(("address", "expected"), [
    ("autre.md", ("content/articles/autre.md", "")),
    ("autre.md#partie", ("content/articles/autre.md", "partie")),
    ("./autre.yaml", ("content/articles/autre.yaml", "")),
    ("../pages/a-propos.md", ("content/pages/a-propos.md", "")),
    ("../articles/autre.md", ("content/articles/autre.md", "")),
    ("autre%20nom.md#l%C3%A0", ("content/articles/autre nom.md", "là")),
    ("/a-propos/", None),
    ("https://exemple.org/lisez-moi.md", None),
    ("mailto:moi@exemple.md", None),
    ("#partie", None),
    ("carte.png", None),
    ("autre.md?x=1", None),
])
def test_which_addresses_name_a_source_file(address: str, expected: tuple[str, str] | None) -> None:
    assert linked_source(address, "content/articles/a.md") == expected


def md(title: str, body: str, front: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2024-06-19\n{front}---\n{body}"


TARGET = md("Cible", "Texte.\n\n## La suite\n\nFin.\n", "slug: la-cible\n")
LINKER = md("Lien", "Voir [la cible](cible.md), [sa suite](cible.md#la-suite),\n"
                    "[l’autre](../articles/yaml.yaml) et [à propos](../pages/a-propos.md).\n")
YAML = ("title: Y\ndate: 2024-06-18\nsections:\n  - title: Partie\n    blocks:\n"
        "      - Retour à [la cible](cible.md#la-suite).\n")
PAGE = "---\ntitle: À propos\n---\nNos [analyses](../articles/cible.md) et <a href=\"../articles/lien.md\">le lien</a>.\n"


def linked(site: Callable[..., Path]) -> Path:
    return site({"content/articles/cible.md": TARGET, "content/articles/lien.md": LINKER,
                 "content/articles/yaml.yaml": YAML, "content/pages/a-propos.md": PAGE})


def hrefs(path: Path, selector: str = ".prose") -> list[str]:
    return [a["href"] for block in soup(path).select(selector) for a in block.find_all("a")]


def test_links_by_source_lead_to_the_urls_of_articles_and_pages(site: Callable[..., Path], tmp_path: Path) -> None:
    root = linked(site)
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict") == 0
    assert hrefs(tmp_path / "out/lien/index.html") == ["/la-cible/", "/la-cible/#la-suite", "/yaml/", "/a-propos/"]
    assert hrefs(tmp_path / "out/yaml/index.html") == ["/la-cible/#la-suite"]
    assert hrefs(tmp_path / "out/a-propos/index.html", "main .prose, main article") [:2] == ["/la-cible/", "/lien/"]


def test_links_by_source_follow_the_base_path(site: Callable[..., Path], tmp_path: Path) -> None:
    root = linked(site)
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-12/", "--strict") == 0
    assert hrefs(tmp_path / "pr/lien/index.html") == [
        "/pr-12/la-cible/", "/pr-12/la-cible/#la-suite", "/pr-12/yaml/", "/pr-12/a-propos/"]
    assert "/pr-12/lien/" in hrefs(tmp_path / "pr/a-propos/index.html", "main")


def test_a_link_to_no_source_file_is_an_error_at_its_line(site: Callable[..., Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/lien.md": md("Lien", "Un texte.\n\nVoir [l’autre](autre.md#partie).\n")})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/articles/lien.md:7: link: the link autre.md#partie leads to no article or page: "
        "no file content/articles/autre.md")
    assert not (tmp_path / "out").exists()
    assert MESSAGES["source"] == "the link {address} leads to no article or page: no file {file}"


def test_check_reports_a_link_to_no_source_file(site: Callable[..., Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/pages/a-propos.md": "---\ntitle: À propos\n---\nVoir [rien](../articles/rien.md).\n"})
    assert run(root, "check") == 1
    assert "content/pages/a-propos.md:4: link: the link ../articles/rien.md leads to no article or page: " \
        "no file content/articles/rien.md" in capsys.readouterr().err


def test_a_missing_anchor_of_a_source_is_named_as_written(site: Callable[..., Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/cible.md": TARGET,
                 "content/articles/lien.md": md("Lien", "Voir [la fin](cible.md#nulle-part).\n")})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/articles/lien.md:5: link: warning: the link cible.md#nulle-part leads to "
        "content/articles/cible.md, which has no id 'nulle-part'")
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict") == 1


def test_a_link_by_source_to_a_draft_leads_to_no_page_in_production(site: Callable[..., Path], tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/cible.md": md("Cible", "Texte.\n", "draft: true\n"),
                 "content/articles/lien.md": md("Lien", "Voir [la cible](cible.md).\n")})
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/articles/lien.md:5: link: the link cible.md leads to no page of the site")
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-3/", "--strict") == 0
    assert hrefs(tmp_path / "pr/lien/index.html") == ["/pr-3/cible/"]


def test_raw_html_links_follow_the_base_path_too(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/cible.md": TARGET, "content/articles/lien.md": md(
        "Lien", 'Voir <a href="/la-cible/" class="x">ici</a>.\n\n'
                '<div><a href="cible.md#la-suite">la suite</a> <img src="/static/img/logo.png" alt=""></div>\n')})
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-7/", "--strict") == 0
    page = soup(tmp_path / "pr/lien/index.html")
    assert [a["href"] for a in page.select(".prose a")] == ["/pr-7/la-cible/", "/pr-7/la-cible/#la-suite"]
    assert page.select_one(".prose img")["src"] == "/pr-7/static/img/logo.png"


def test_other_addresses_ending_like_a_source_are_left_alone(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/lien.md": md(
        "Lien", "Lire [le guide](https://exemple.org/guide.md) ou [le code](#toc-title).\n")})
    assert run(root, "build", "--output", str(tmp_path / "out"), "--strict") == 0
    assert hrefs(tmp_path / "out/lien/index.html") == ["https://exemple.org/guide.md", "#toc-title"]


def test_renaming_a_target_makes_the_linking_page_again(site: Callable[..., Path], tmp_path: Path) -> None:
    root = linked(site)
    out = tmp_path / "out"
    build(Project(root), out)
    target = root / "content/articles/cible.md"
    target.write_text(TARGET.replace("slug: la-cible", "slug: nouvelle-cible"), encoding="utf-8")
    build(Project(root), out)
    assert hrefs(out / "lien/index.html")[:2] == ["/nouvelle-cible/", "/nouvelle-cible/#la-suite"]
    assert hrefs(out / "yaml/index.html") == ["/nouvelle-cible/#la-suite"]
    clean = tmp_path / "clean"
    build(Project(root), clean, BuildOptions(jobs=1, cache=False))
    made = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    fresh = {p.relative_to(clean).as_posix(): p.read_bytes() for p in sorted(clean.rglob("*")) if p.is_file()}
    assert made == fresh
    shutil.rmtree(clean)

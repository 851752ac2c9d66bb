"""« Lire aussi » follows the editor's ``related`` list when one is given (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import SITE_YAML, make_site, run, soup
from tests.test_incremental import article, clean_build, files


def sources(related: str = "") -> dict[str, str]:
    made = {f"content/articles/a{n}.yaml": article(f"Titre {n}", n + 1) for n in range(5)}
    made["content/articles/a0.yaml"] += related
    return {"site.yaml": SITE_YAML + "social_cards: false\n", **made}


def read_also(out: Path, slug: str) -> list[str]:
    return [a["href"] for a in soup(out / slug / "index.html").select("aside.read-also a")]


def test_without_a_list_the_most_related_articles_are_shown(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", sources())
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    shown = read_also(tmp_path / "out", "a0")
    assert shown and "/a0/" not in shown and shown[0] == "/a1/"


def test_the_editors_list_is_shown_in_its_order(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", sources("related: [a4, a2]\n"))
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    assert read_also(tmp_path / "out", "a0") == ["/a4/", "/a2/"]


def test_a_draft_in_the_list_is_left_out_of_a_production_build(tmp_path: Path) -> None:
    made = sources("related: [a3, a2]\n")
    made["content/articles/a3.yaml"] += "draft: true\n"
    root = make_site(tmp_path / "site", made)
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    assert read_also(tmp_path / "out", "a0") == ["/a2/"]


def test_an_incremental_build_after_editing_the_list_equals_a_clean_build(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", sources())
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    (root / "content/articles/a0.yaml").write_text(article("Titre 0", 1) + "related: [a3]\n", encoding="utf-8")
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    assert files(tmp_path / "out") == clean_build(root, tmp_path / "clean")
    assert read_also(tmp_path / "out", "a0") == ["/a3/"]


def errors_of(site: Callable[..., Path], related: str, capsys: pytest.CaptureFixture[str],
              lang: str = "en") -> list[str]:
    root = site({"content/articles/a.md": f"---\ntitle: Un titre\ndate: 2024-06-19\n{related}---\n## Partie\n\nTexte.\n",
                 "content/articles/b.md": "---\ntitle: Autre\ndate: 2024-06-18\n---\n## Partie\n\nTexte.\n"})
    assert run(root, "--lang", lang, "check") == 1
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("content/")]


def test_an_unknown_slug_is_an_error_at_its_line(site: Callable[..., Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert errors_of(site, "related:\n  - b\n  - nulle-part\n", capsys) == [
        "content/articles/a.md:6: related: 'nulle-part' is no article of the site"]


def test_the_article_itself_is_an_error(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert errors_of(site, "related: [a]\n", capsys) == [
        "content/articles/a.md:4: related: an article cannot be related to itself: remove 'a'"]


def test_a_slug_listed_twice_is_an_error(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert errors_of(site, "related:\n  - b\n  - b\n", capsys) == [
        "content/articles/a.md:6: related: 'b' is listed twice"]


def test_the_errors_are_french_by_default(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert errors_of(site, "related: [nulle-part]\n", capsys, lang="fr") == [
        "content/articles/a.md:4: related: « nulle-part » n’est pas un article du site"]

"""Search (feuillet/search.py): the Pagefind index of the article pages, the /recherche/ page and the
header's form; built in the staging folder (a failure leaves the old site), never by ``serve``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from feuillet import search
from feuillet.errors import BuildFailed
from tests.conftest import run, soup

ARTICLE = """title: La guerre d’usure
date: 2024-06-19 10:00
kicker: Analyse
standfirst: Le soutien à l'Ukraine.
sections:
  - title: Un front figé
    blocks:
      - Le soutien militaire à l'Ukraine s'essouffle.
"""
OTHER = """title: Un autre article
date: 2024-06-20 10:00
sections:
  - blocks:
      - Rien à voir.
"""
FRENCH = "title: Feuillet test\nurl: https://exemple.fr/\nlanguage: fr\n"


@pytest.fixture
def built(site: Callable[..., Path]) -> Path:
    root = site({"site.yaml": FRENCH, "content/articles/guerre.yaml": ARTICLE,
                 "content/articles/autre.yaml": OTHER})
    assert run(root, "build", "--quiet") == 0
    return root / "_site"


def text(node: object) -> str:
    assert node is not None
    return re.sub(r"[ \t\r\n]+", " ", node.get_text()).strip()  # type: ignore[attr-defined]


def test_the_index_is_in_the_output(built: Path) -> None:
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["fr"]
    assert entry["languages"]["fr"]["page_count"] == 2  # the two articles, no listing
    assert (built / "pagefind" / "pagefind.js").is_file()
    assert list((built / "pagefind" / "fragment").iterdir())


def test_pagefind_own_interfaces_are_left_out(built: Path) -> None:
    names = {path.name for path in (built / "pagefind").iterdir()}
    assert not {name for name in names if name.startswith(("pagefind-ui", "pagefind-component-ui",
                                                           "pagefind-modular-ui", "pagefind-highlight"))}


def test_article_body_and_metadata_are_marked(built: Path) -> None:
    page = soup(built / "guerre" / "index.html")
    body = page.select("[data-pagefind-body]")
    assert len(body) == 1 and body[0].name == "article"
    assert body[0]["data-pagefind-meta"] == "datetime:2024-06-19T10:00:00+02:00"
    assert text(page.select_one('[data-pagefind-meta="title"]')) == "La guerre d’usure"
    assert text(page.select_one('[data-pagefind-meta="kicker"]')) == "Analyse"
    assert text(page.select_one('time[data-pagefind-meta="date"]')) == "19 juin 2024 à 10\u00a0h\u00a000"
    for ignored in (".byline", ".dateline", "nav.toc", ".permalink", ".back-to-toc"):
        assert page.select_one(ignored).has_attr("data-pagefind-ignore"), ignored


def test_listings_are_not_indexed(built: Path) -> None:
    for path in ("index.html", "recherche/index.html", "404.html"):
        assert not soup(built / path).select("[data-pagefind-body]"), path


def test_elisions_are_indexed_with_the_straight_apostrophe() -> None:
    html = "<p>Le soutien à l’Ukraine, aujourd’hui ; « l’ » seul reste.</p>".encode()
    assert search.for_index(html).decode() == "<p>Le soutien à l'Ukraine, aujourd'hui ; « l’ » seul reste.</p>"


def test_the_published_page_keeps_its_typographic_apostrophe(built: Path) -> None:
    assert "l’Ukraine" in (built / "guerre" / "index.html").read_text(encoding="utf-8")


def test_the_index_holds_the_word_after_the_elision(built: Path) -> None:
    # Pagefind's fragments are gzipped JSON: the indexed text of each page.
    import gzip

    fragments = [gzip.decompress(path.read_bytes()) for path in (built / "pagefind" / "fragment").iterdir()]
    contents = [json.loads(data[data.index(b"{"):])["content"] for data in fragments]
    assert any("l'Ukraine" in content for content in contents)


def test_search_page_structure(built: Path) -> None:
    page = soup(built / "recherche" / "index.html")
    assert text(page.select_one("h1")) == "Rechercher"
    form = page.select_one("main form[role=search]")
    assert form["action"] == "/recherche/" and form["method"] == "get"
    field = form.select_one("input[type=search][name=q]")
    label = form.select_one(f"label[for={field['id']}]")
    assert text(label) == "Rechercher dans les articles"
    assert field["placeholder"] == "Ukraine, élections, énergie…"
    assert form["data-none"] == "Aucun résultat"
    assert form["data-one"] == "{count} résultat" and form["data-other"] == "{count} résultats"
    assert form["data-bundle"] == "/pagefind/" and form["data-base"] == "/"
    status = page.select_one("#search-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    assert page.select_one("ol#search-results")["aria-labelledby"] == "search-status"
    script = page.select("script[src]")
    assert next(s["src"] for s in script if "search" in s["src"]).startswith("/static/js/search.")
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def test_search_page_without_javascript_links_to_the_subjects(built: Path) -> None:
    noscript = BeautifulSoup((built / "recherche" / "index.html").read_text(encoding="utf-8"),
                             "html.parser").select_one("noscript")
    assert "La recherche a besoin de JavaScript" in text(noscript)
    assert noscript.select_one("a")["href"] == "/sujets/"


def test_the_header_has_a_get_form_to_the_search_page(built: Path) -> None:
    for path in ("index.html", "guerre/index.html", "404.html"):
        form = soup(built / path).select_one("header form.site-search")
        assert form["action"] == "/recherche/" and form["method"] == "get", path
        field = form.select_one("input[type=search][name=q]")
        assert text(form.select_one(f"label[for={field['id']}]")) == "Rechercher dans les articles"
        assert text(form.select_one("button[type=submit]")) == "Rechercher"


def test_the_search_page_has_one_search_form(built: Path) -> None:
    assert len(soup(built / "recherche" / "index.html").select("form[role=search]")) == 1


def test_base_path(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"site.yaml": FRENCH, "content/articles/guerre.yaml": ARTICLE})
    output = tmp_path / "pr"
    assert run(root, "build", "--quiet", "--output", str(output), "--base-path", "/pr-7/") == 0
    assert (output / "pagefind" / "pagefind-entry.json").is_file()
    form = soup(output / "recherche" / "index.html").select_one("main form")
    assert form["action"] == "/pr-7/recherche/"
    assert form["data-bundle"] == "/pr-7/pagefind/" and form["data-base"] == "/pr-7/"
    assert soup(output / "index.html").select_one("header form")["action"] == "/pr-7/recherche/"


def test_no_article_no_index(site: Callable[..., Path]) -> None:
    root = site({"site.yaml": FRENCH})
    assert run(root, "build", "--quiet") == 0
    assert not (root / "_site" / "pagefind").exists()
    assert (root / "_site" / "recherche" / "index.html").is_file()


def test_a_failed_index_leaves_the_previous_output(site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"site.yaml": FRENCH, "content/articles/guerre.yaml": ARTICLE})
    assert run(root, "build", "--quiet") == 0
    before = {p.relative_to(root / "_site"): p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    (root / "content/articles/guerre.yaml").write_text(ARTICLE.replace("s'essouffle", "tient"), encoding="utf-8")
    monkeypatch.setattr(search, "executable", lambda: Path("/bin/false"))
    assert run(root, "build", "--quiet") == 1
    err = capsys.readouterr().err
    assert "pagefind: search: cannot build the search index: Pagefind stopped with code 1" in err
    after = {p.relative_to(root / "_site"): p.read_bytes() for p in (root / "_site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in root.iterdir() if ".staging-" in p.name]


def test_a_missing_pagefind_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Path:
        raise FileNotFoundError("no pagefind binary")

    monkeypatch.setattr(search, "executable", missing)
    with pytest.raises(BuildFailed) as failed:
        search.build_index([("a/index.html", b"<html lang=fr><body data-pagefind-body>x</body></html>")])
    assert str(failed.value.errors[0]) == "pagefind: search: cannot build the search index: no pagefind binary"


def test_an_unchanged_article_set_reuses_the_index(site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    about = "---\ntitle: À propos\n---\nQui sommes-nous.\n"
    root = site({"site.yaml": FRENCH, "content/articles/guerre.yaml": ARTICLE, "content/pages/a-propos.md": about})
    assert run(root, "build", "--quiet") == 0
    entry = root / "_site" / "pagefind" / "pagefind-entry.json"
    inode = entry.stat().st_ino
    calls: list[int] = []
    real = search.build_index
    monkeypatch.setattr(search, "build_index", lambda pages: calls.append(len(pages)) or real(pages))
    (root / "content/pages/a-propos.md").write_text(about.replace("Qui", "Où"), encoding="utf-8")
    assert run(root, "build", "--quiet") == 0  # a page's text, no article page: the index is kept
    assert calls == [] and entry.stat().st_ino == inode
    (root / "content/articles/guerre.yaml").write_text(ARTICLE.replace("s'essouffle", "tient"), encoding="utf-8")
    assert run(root, "build", "--quiet") == 0
    assert calls == [1]


def test_serve_does_not_build_the_index(site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from feuillet.pipeline import DevSite, Project

    root = site({"site.yaml": FRENCH, "content/articles/guerre.yaml": ARTICLE})
    monkeypatch.setattr(search, "build_index", lambda pages: pytest.fail("serve built the index"))
    dev = DevSite(Project(root))
    try:
        snapshot = dev.rebuild()
        assert snapshot.errors == ()
        assert not (dev.site / "pagefind").exists()
        page = soup(dev.site / "recherche" / "index.html")
        assert text(page.select_one(".search-unbuilt")) == (
            "La recherche fonctionne sur le site construit (python build.py)\u00a0: "
            "l’aperçu en direct ne construit pas son index.")
        assert page.select_one("main a")["href"] == "/sujets/"
        assert not page.select("script[src*=search]")
    finally:
        dev.close()

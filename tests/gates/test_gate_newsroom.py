"""Gate 6: the newsroom-sized site (newsroom.py: 52 articles, subjects, rubriques, authors,
every editorial block, a page bundle, corrections) passes the gates of the seed site on every
page type: axe-core in light, dark and at 390 px, section navigation without JavaScript. The
Nu Html Checker and the link check cover all its pages (test_gate_vnu.py, test_gate_links.py).

The first test proves the site holds what the gates claim to check, so none passes vacuously.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from linkcheck import html_pages
from test_gate_axe import NAV_TIMEOUT_MS, format_violations, run_axe
from test_gate_nojs import section_nav_links

pytestmark = pytest.mark.gates

# Articles whose blocks together cover every kind (see newsroom._body and _front_matter).
BLOCK_ARTICLES = [f"article-{n:02d}/index.html" for n in range(8)] + ["rade-en-images/index.html"]
PER_TYPE = 2  # pages checked per page type (listing pages look alike past the first ones)


def page_type(rel: str) -> str:
    """'article', or the listing a page belongs to: 'index', 'page', 'sujets', 'sujets/*/page'…"""
    parts = rel.split("/")[:-1]
    if not parts:
        return "index" if rel == "index.html" else rel
    if len(parts) == 1 and parts[0] not in {
        "sujets",
        "rubriques",
        "auteurs",
        "corrections",
        "recherche",
        "page",
    }:
        return "article" if parts[0].startswith(("article-", "rade-")) else f"page:{parts[0]}"
    kind = parts[0] + ("/*" if len(parts) > 1 else "") + ("/page" if "page" in parts[1:] else "")
    return kind


def sample(root: Path) -> list[str]:
    """Every page type, PER_TYPE pages each, plus the articles that hold the blocks."""
    chosen: dict[str, list[str]] = {}
    for rel in html_pages(root):
        kind = page_type(rel)
        if kind != "article" and len(chosen.setdefault(kind, [])) < PER_TYPE:
            chosen[kind].append(rel)
    return sorted({*(r for rels in chosen.values() for r in rels), *BLOCK_ARTICLES})


def test_the_newsroom_site_has_what_the_gates_check(newsroom_site: Path) -> None:
    text = {rel: (newsroom_site / rel).read_text("utf-8") for rel in html_pages(newsroom_site)}
    assert sum("data-feuillet-article" in t for t in text.values()) >= 50
    kinds = {page_type(rel) for rel in text}
    for listing in ("sujets", "sujets/*", "rubriques/*", "auteurs/*", "corrections", "page/*"):
        assert listing in kinds, sorted(kinds)
    blocks = "".join(text[rel] for rel in BLOCK_ARTICLES)
    for css_class in ("essentiel", "encadre", "chiffre", "note", "lire-aussi", "revisions"):
        assert re.search(rf'class="[^"]*\b{css_class}\b', blocks), css_class
    assert "<figure" in text["rade-en-images/index.html"]
    assert "Correction du" in text["corrections/index.html"]


@pytest.mark.parametrize(
    ("mode", "scheme", "width"), [("light", "light", 1280), ("dark", "dark", 1280), ("phone", "light", 390)]
)
def test_axe_on_every_page_type(
    mode: str,
    scheme: str,
    width: int,
    new_context: Callable[..., Any],
    newsroom_server: Any,
    newsroom_site: Path,
    axe_js: Path,
    gate_note: Callable[[str, str], None],
) -> None:
    context, watch = new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    context.set_default_timeout(NAV_TIMEOUT_MS)
    page = context.new_page()
    failures: list[str] = []
    pages = sample(newsroom_site)
    for rel in pages:
        where = f"[newsroom {mode}] /{rel}"
        watch.current = where
        page.goto(newsroom_server.url(rel), wait_until="load")
        failures += format_violations(where, run_axe(page, axe_js)["violations"])
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            failures.append(f"{where}: the page is {wide} px wide in a {width} px window")
    gate_note(f"axe-core on the newsroom site ({mode})", f"{len(pages)} pages: {len(failures)} problems")
    if failures or watch.problems:
        pytest.fail("\n".join(failures + watch.problems), pytrace=False)


def test_section_navigation_without_javascript(
    new_context: Callable[..., Any], newsroom_server: Any, newsroom_site: Path
) -> None:
    context, watch = new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    failures = []
    for rel in BLOCK_ARTICLES:
        page.goto(newsroom_server.url(rel), wait_until="load")
        nav, links = section_nav_links(page)
        if nav is None or not links:
            failures.append(f"/{rel}: no visible Sommaire of same-page links without JavaScript")
            continue
        target = links[-1].rsplit("#", 1)[1]
        nav.locator(f'a[href$="#{target}"]').click()
        if page.evaluate("location.hash") != f"#{target}":
            failures.append(f"/{rel}: following the Sommaire's last link did not reach #{target}")
    if failures or watch.problems:
        pytest.fail("\n".join(failures + watch.problems), pytrace=False)

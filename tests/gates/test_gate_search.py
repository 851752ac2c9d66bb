"""Gate: search in headless Chromium. A query on /recherche/ lists the expected article (elisions
included: « l'Ukraine », « d’Ukraine »), the results are reached with the keyboard, the live region
announces the count, axe finds no violation on the page with results, and the site under a base
path searches from under it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_gate_axe import format_violations, run_axe

pytestmark = pytest.mark.gates

REPO = Path(__file__).resolve().parents[2]
WAR = """title: Le soutien à l’Ukraine s’essouffle
date: 2024-06-19 10:00
kicker: Analyse
sections:
  - title: Un front figé
    blocks:
      - Les alliés de l’Ukraine hésitent, et Kiev attend des obus.
"""
OTHER = """title: La Corée du Nord et la Russie
date: 2024-06-18 10:00
kicker: Décryptage
sections:
  - title: Une alliance
    blocks:
      - Pyongyang et Moscou signent un traité.
"""
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def search_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search") / "project"
    for folder in ("templates", "locales", "static"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "content" / "articles").mkdir(parents=True)
    (root / "site.yaml").write_text("title: Feuillet\nurl: https://exemple.fr/\nlanguage: fr\n", encoding="utf-8")
    (root / "content/articles/soutien.yaml").write_text(WAR, encoding="utf-8")
    (root / "content/articles/coree.yaml").write_text(OTHER, encoding="utf-8")
    return root


def _build(root: Path, out: Path, *extra: str) -> Path:
    done = subprocess.run([sys.executable, "build.py", "--root", str(root), "build", "--quiet", "--output",
                           str(out), *extra], cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def search_server(search_project: Path, serve: Callable[..., Any]) -> Any:
    return serve(_build(search_project, search_project.parent / "site"), "/")


def _results(page: Any) -> list[str]:
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    return page.locator("#search-results .search-result-title a").all_inner_texts()  # type: ignore[no-any-return]


@pytest.mark.parametrize("query", ["Ukraine", "l'Ukraine", "l’Ukraine", "d’Ukraine", "ukraine obus"])
def test_a_query_finds_the_article(query: str, new_context: Callable[..., Any], search_server: Any) -> None:
    context, watch = new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(search_server.url("recherche/index.html"), wait_until="load")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    assert _results(page) == ["Le soutien à l’Ukraine s’essouffle"]
    assert page.locator("#search-status").inner_text() == "1 résultat"
    assert page.locator("#search-results .kicker").text_content() == "Analyse"
    assert page.locator("#search-results time").get_attribute("datetime") == "2024-06-19T10:00:00+02:00"
    assert page.locator("#search-results time").inner_text() == "19 juin 2024 à 10\u00a0h\u00a000"
    assert "Ukraine" in page.locator("#search-results .search-excerpt mark").first.inner_text()
    assert not watch.problems, watch.problems


def test_no_result_is_announced(new_context: Callable[..., Any], search_server: Any) -> None:
    context, _ = new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(search_server.url("recherche/index.html") + "?q=zanzibar", wait_until="load")
    assert _results(page) == []
    assert page.locator("#search-status").inner_text() == "Aucun résultat"


def test_the_header_form_leads_to_results_and_the_keyboard_reaches_them(
    new_context: Callable[..., Any], search_server: Any
) -> None:
    context, _ = new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(search_server.url("index.html"), wait_until="load")
    page.fill("#site-search-query", "Pyongyang")
    page.press("#site-search-query", "Enter")
    page.wait_for_url("**/recherche/?q=Pyongyang")
    assert _results(page) == ["La Corée du Nord et la Russie"]
    page.focus("#search-query")
    page.keyboard.press("Tab")  # the submit button
    page.keyboard.press("Tab")  # the first result
    assert page.evaluate("document.activeElement.textContent") == "La Corée du Nord et la Russie"
    page.keyboard.press("Enter")
    page.wait_for_url("**/coree/")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_on_the_page_with_results(scheme: str, new_context: Callable[..., Any], search_server: Any,
                                      axe_js: Path) -> None:
    context, watch = new_context(color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(search_server.url("recherche/index.html") + "?q=Ukraine", wait_until="load")
    assert _results(page)
    failures = format_violations(f"[{scheme}] /recherche/?q=Ukraine", run_axe(page, axe_js)["violations"])
    assert not failures, "\n".join(failures)
    assert not watch.problems, watch.problems


def test_search_under_a_base_path(search_project: Path, serve: Callable[..., Any],
                                  new_context: Callable[..., Any]) -> None:
    server = serve(_build(search_project, search_project.parent / "pr", "--base-path", "/pr-7/"), "/pr-7/")
    context, watch = new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(server.url("recherche/index.html") + "?q=Ukraine", wait_until="load")
    assert _results(page) == ["Le soutien à l’Ukraine s’essouffle"]
    assert page.locator("#search-results a").first.get_attribute("href") == "/pr-7/soutien/"
    assert not watch.problems, watch.problems

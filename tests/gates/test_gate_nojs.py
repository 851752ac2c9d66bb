"""Gate 4: without JavaScript, each article page shows its section navigation —
a visible <nav> of same-page links — and following its first link lands on an
existing, visible section heading (location.hash set, target scrolled into view).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

import pytest

pytestmark = pytest.mark.gates

HEADINGS = "h1, h2, h3, h4, h5, h6"


def section_nav_links(page: Any) -> tuple[Any, list[str]]:
    """The first visible <nav> whose links point into the page itself; and their hrefs."""
    here = urldefrag(page.url).url
    navs = page.locator("nav")
    for i in range(navs.count()):
        nav = navs.nth(i)
        if not nav.is_visible():
            continue
        hrefs = [a.get_attribute("href") or "" for a in nav.locator("a[href]").all()]
        in_page = [
            h
            for h in hrefs
            if urldefrag(urljoin(page.url, h)).url == here and urldefrag(urljoin(page.url, h)).fragment
        ]
        if in_page and len(in_page) == len(hrefs):
            return nav, in_page
    return None, []


def test_section_nav_works_without_javascript(
    new_context: Callable[..., Any],
    site_server: Any,
    built_site: Path,
    article_pages: list[str],
    gate_note: Callable[[str, str], None],
) -> None:
    context, watch = new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    failures: list[str] = []
    checked = []
    for rel in article_pages:
        url = site_server.url(rel)
        where = url.removeprefix(site_server.origin)
        watch.current = f"[no-js] {where}"
        page.goto(url, wait_until="load")
        nav, links = section_nav_links(page)
        if nav is None:
            failures.append(f"{where}: no visible <nav> made only of same-page #links")
            continue
        first = nav.locator("a[href]").first
        if not first.is_visible():
            failures.append(f"{where}: the first section-nav link is not visible")
            continue
        first.click()
        page.wait_for_load_state("load")
        hash_ = page.evaluate("location.hash")
        expected = "#" + urldefrag(urljoin(url, links[0])).fragment
        if unquote(hash_) != unquote(expected):
            failures.append(f"{where}: after the click location.hash is {hash_!r}, not {expected!r}")
            continue
        target_id = unquote(hash_[1:])
        target = page.locator(f"[id={target_id!r}]")
        if target.count() != 1:
            failures.append(f"{where}: {target.count()} elements with id={target_id!r}")
            continue
        heading = (
            target if target.evaluate(f"e => e.matches({HEADINGS!r})") else target.locator(HEADINGS).first
        )
        if heading.count() == 0:
            failures.append(f"{where}: #{target_id} is neither a heading nor holds one")
            continue
        if not heading.is_visible():
            failures.append(f"{where}: the heading of #{target_id} is not visible")
            continue
        box = target.bounding_box()
        height = page.viewport_size["height"]
        if box is None or not (-box["height"] - 1 <= box["y"] < height):
            failures.append(f"{where}: #{target_id} was not scrolled into view (box {box})")
            continue
        checked.append(f"{where} -> {hash_}")
    gate_note("No-JS section navigation", "\n".join(checked) or "nothing passed")
    if failures or watch.problems:
        pytest.fail("\n".join(failures + watch.problems), pytrace=False)

"""Gate 5: page-weight budget. For each article page, the HTML plus every
stylesheet and script it references, each gzip-compressed at level 9, plus the
web fonts Chromium actually fetches to draw it (WOFF2 files are already
compressed: counted as sent, or gzipped if smaller), add up to at most 60 KiB.
Images are not counted."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from linkcheck import ORIGIN, SiteChecker, page_url_path

pytestmark = pytest.mark.gates

BUDGET = 60 * 1024


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        rel = set(a.get("rel", "").lower().split())
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif (
            tag == "link"
            and a.get("href")
            and (
                "stylesheet" in rel
                or "modulepreload" in rel
                or ("preload" in rel and a.get("as") in ("style", "script"))
            )
        ):
            self.urls.append(a["href"])


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def font_size(path: Path) -> int:
    return min(path.stat().st_size, gzip_size(path))


def fonts_used(new_context: Callable[..., Any], server: Any, rel: str) -> list[str]:
    """The URL paths of the fonts Chromium fetches to draw ``rel`` at a desktop width."""
    context, watch = new_context(viewport={"width": 1280, "height": 800})
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url)
               if request.resource_type == "font" else None)
    page = context.new_page()
    page.goto(server.url(rel), wait_until="load")
    page.evaluate("document.fonts.ready.then(function () { return true; })")
    page.close()
    if watch.problems:
        pytest.fail("\n".join(watch.problems), pytrace=False)
    return [url.removeprefix(server.origin) for url in requested]


def page_weight(root: Path, rel: str, fonts: Sequence[str] = ()) -> tuple[int, list[tuple[str, int]]]:
    """Total size of a page, its CSS/JS (gzip) and ``fonts`` (URLs), and the parts (file, size)."""
    checker = SiteChecker(root)
    parser = _Assets()
    parser.feed((root / rel).read_text("utf-8", "replace"))
    parts = [(rel, gzip_size(root / rel))]
    seen = {rel}
    for url in parser.urls:
        absolute = urljoin(ORIGIN + page_url_path(rel, "/"), url)
        if not absolute.startswith(ORIGIN + "/"):
            pytest.fail(f"{rel}: references external CSS/JS {url}", pytrace=False)
        target, reason = checker.resolve(urlsplit(absolute).path)
        if target is None:
            pytest.fail(f"{rel}: CSS/JS {url} does not resolve: {reason}", pytrace=False)
        if target not in seen:
            seen.add(target)
            parts.append((target, gzip_size(root / target)))
    for url in fonts:
        target, reason = checker.resolve(urlsplit(urljoin(ORIGIN + "/", url)).path)
        if target is None:
            pytest.fail(f"{rel}: font {url} does not resolve: {reason}", pytrace=False)
        if target not in seen:
            seen.add(target)
            parts.append((target, font_size(root / target)))
    return sum(size for _, size in parts), parts


def test_article_weight_budget(
    built_site: Path, article_pages: list[str], gate_note: Callable[[str, str], None],
    new_context: Callable[..., Any], site_server: Any,
) -> None:
    lines, over = [], []
    for rel in article_pages:
        total, parts = page_weight(built_site, rel, fonts_used(new_context, site_server, rel))
        detail = " + ".join(f"{Path(f).name} {s / 1024:.1f}" for f, s in parts)
        lines.append(f"{rel}: {total / 1024:.1f} KiB gz of {BUDGET // 1024} ({detail})")
        if total > BUDGET:
            over.append(lines[-1])
    gate_note("Article page weight (HTML+CSS+JS gzip -9, fonts used)", "\n".join(lines))
    print("\n".join(lines))
    if over:
        pytest.fail(f"over the {BUDGET // 1024} KiB budget:\n" + "\n".join(over), pytrace=False)

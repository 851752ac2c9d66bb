"""Gate: no layout shift. In headless Chromium, at a phone's width (390 px) and a desktop's
(1280 px), the article, the home page and a standalone page have a Cumulative Layout Shift of 0
(every ``layout-shift`` entry, from the first paint until the fonts are in and the page is
still); and their text is set in the site's own face, « Feuillet Text », loaded from the site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.gates

WIDTHS = (390, 1280)
FAMILY = "Feuillet Text"

# Registered before any of the page's own scripts: records every shift, including those before load.
OBSERVE = """
window.__shifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) {
    if (!entry.hadRecentInput) window.__shifts.push(entry.value);
  });
}).observe({type: "layout-shift", buffered: true});
"""

SETTLE = """async () => {
  await document.fonts.ready;
  await new Promise(function (done) { setTimeout(done, 500); });
  await new Promise(function (done) { requestAnimationFrame(function () { requestAnimationFrame(done); }); });
  const body = getComputedStyle(document.body).fontFamily;
  const faces = [];
  document.fonts.forEach(function (face) { faces.push([face.family.replace(/"/g, ""), face.style, face.weight, face.status]); });
  return {shifts: window.__shifts, body: body, check: document.fonts.check('1em "Feuillet Text"'), faces: faces};
}"""


@pytest.fixture(scope="module")
def pages(built_site: Path, article_pages: list[str]) -> list[str]:
    standalone = sorted(str(p.relative_to(built_site)) for p in built_site.glob("a-propos/index.html"))
    assert article_pages and standalone, "the seed site has an article and the page a-propos"
    return [article_pages[0], "index.html", standalone[0]]


def test_no_layout_shift_and_the_web_font_is_used(
    new_context: Callable[..., Any], site_server: Any, pages: list[str],
    gate_note: Callable[[str, str], None],
) -> None:
    failures, lines = [], []
    for width in WIDTHS:
        context, watch = new_context(viewport={"width": width, "height": 844 if width < 600 else 800})
        context.set_default_timeout(15_000)
        context.add_init_script(OBSERVE)
        fonts: list[str] = []
        context.on("request", lambda request, fonts=fonts: fonts.append(request.url)
                   if request.resource_type == "font" else None)
        page = context.new_page()
        for rel in pages:
            fonts.clear()
            watch.current = f"[{width}px] {rel}"
            page.goto(site_server.url(rel), wait_until="load")
            result = page.evaluate(SETTLE)
            cls = round(sum(result["shifts"]), 4)
            lines.append(f"{width}px {rel}: CLS {cls}, fonts {[urlsplit(u).path for u in fonts]}")
            if cls != 0:
                failures.append(f"{width}px {rel}: CLS {cls} ({result['shifts']})")
            if not result["body"].startswith(f'"{FAMILY}"'):
                failures.append(f"{width}px {rel}: body font-family is {result['body']}")
            loaded = [face for face in result["faces"] if face[0] == FAMILY and face[3] == "loaded"]
            if not result["check"] or not loaded:
                failures.append(f"{width}px {rel}: {FAMILY} is not loaded ({result['faces']})")
            if not fonts:
                failures.append(f"{width}px {rel}: no font was requested")
            for url in fonts:
                if not url.startswith(site_server.origin + "/"):
                    failures.append(f"{width}px {rel}: font from another host: {url}")
        failures.extend(watch.problems)
        page.close()
    gate_note("Layout shift (CLS) and web font", "\n".join(lines))
    print("\n".join(lines))
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)

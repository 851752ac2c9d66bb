"""Gate 2: axe-core finds no WCAG 2.2 AA violation on any page, in light and dark
colour schemes; and no page makes a request to a host other than 127.0.0.1.

One headless Debian Chromium is shared by all pages (session fixture ``browser``);
the site is served by a local static server like a static host would serve it.
Every request is watched: third-party requests are blocked and reported, as are
failed local requests, HTTP errors (4xx/5xx) and uncaught JavaScript errors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from linkcheck import html_pages

pytestmark = pytest.mark.gates

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return {
    version: axe.version,
    violations: result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
    })),
  };
}"""

NAV_TIMEOUT_MS = 20_000


def run_axe(page: Any, axe_js: Path) -> dict[str, Any]:
    page.evaluate("document.fonts.ready.then(() => true)")
    page.add_script_tag(path=str(axe_js))
    return page.evaluate(AXE_RUN, AXE_TAGS)  # type: ignore[no-any-return]


def format_violations(where: str, violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            target = " ".join(" >>> ".join(t) if isinstance(t, list) else t for t in node["target"])
            snippet = node["html"].replace("\n", " ")
            snippet = snippet if len(snippet) <= 160 else snippet[:157] + "..."
            lines.append(f"    target {target}  {snippet}")
            summary = (node.get("summary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more nodes")
    return lines


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_wcag22aa(
    scheme: str,
    new_context: Callable[..., Any],
    site_server: Any,
    built_site: Path,
    axe_js: Path,
    gate_note: Callable[[str, str], None],
) -> None:
    context, watch = new_context(color_scheme=scheme)
    context.set_default_timeout(NAV_TIMEOUT_MS)
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    failures: list[str] = []
    pages = html_pages(built_site)
    version = "?"
    for rel in pages:
        where = f"[{scheme}] {site_server.url(rel).removeprefix(site_server.origin)}"
        watch.current = where
        page.goto(site_server.url(rel), wait_until="load")
        scheme_now = page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
        assert scheme_now, f"{where}: colour scheme emulation did not apply"
        result = run_axe(page, axe_js)
        version = result["version"]
        failures += format_violations(where, result["violations"])
    gate_note(
        f"axe-core {version} ({scheme})",
        f"{len(pages)} pages, tags {','.join(AXE_TAGS)}: {'VIOLATIONS' if failures else 'clean'}",
    )
    message = []
    if failures:
        message += ["axe-core violations:", *failures]
    if watch.problems:
        message += ["requests / page errors:", *watch.problems]
    if message:
        pytest.fail("\n".join(message), pytrace=False)


def test_prefixed_build_loads_cleanly(
    new_context: Callable[..., Any],
    site_server_prefixed: Any,
    built_site_prefixed: Path,
) -> None:
    """Served under /pr-12/, every page loads all its resources from under /pr-12/:
    no 404 (a root-relative URL that forgot the prefix), no third-party request."""
    context, watch = new_context()
    context.set_default_timeout(NAV_TIMEOUT_MS)
    page = context.new_page()
    for rel in html_pages(built_site_prefixed):
        url = site_server_prefixed.url(rel)
        watch.current = url.removeprefix(site_server_prefixed.origin)
        page.goto(url, wait_until="networkidle")  # late requests (favicon) included
    if watch.problems:
        pytest.fail("\n".join(watch.problems), pytrace=False)

"""Gate 3: every internal link/resource of both builds resolves to an output file,
every #fragment names an id of its target page, and under /pr-12/ no internal URL
leaves the prefix. External URLs are listed, never fetched (see linkcheck.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from linkcheck import check_site

pytestmark = pytest.mark.gates

PREFIX = "/pr-12/"  # the same sub-path conftest builds built_site_prefixed for


def _check(root: Path, base: str, note: Callable[[str, str], None]) -> None:
    report = check_site(root, base)
    summary = (
        f"{len(report.pages)} pages, {report.checked} internal references, "
        f"{len(report.problems)} problems, {len(report.external)} external URLs (not fetched)"
    )
    note(
        f"Links under {base}",
        summary + ("\n" + report.format_external() if report.external else ""),
    )
    if not report.pages:
        pytest.fail(f"no HTML page in {root}", pytrace=False)
    if not report.ok:
        pytest.fail(
            f"{len(report.problems)} broken internal reference(s) (base path {base}):\n"
            + report.format_problems(),
            pytrace=False,
        )


def test_links_root_build(built_site: Path, gate_note: Callable[[str, str], None]) -> None:
    _check(built_site, "/", gate_note)


def test_links_prefixed_build(built_site_prefixed: Path, gate_note: Callable[[str, str], None]) -> None:
    _check(built_site_prefixed, PREFIX, gate_note)


def test_links_newsroom(newsroom_site: Path, gate_note: Callable[[str, str], None]) -> None:
    _check(newsroom_site, "/", gate_note)


def test_links_newsroom_prefixed(newsroom_site_prefixed: Path, gate_note: Callable[[str, str], None]) -> None:
    _check(newsroom_site_prefixed, PREFIX, gate_note)

"""Gate 1: the Nu Html Checker (vnu.jar) finds no error in any page of the site.

Every HTML file of both builds (``/`` and ``/pr-12/``) of the site and of the 52-article
newsroom test site (newsroom.py) goes through ONE java
invocation (the JVM start costs seconds). A known-bad canary page rides along to
prove the checker really ran and reports errors.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from linkcheck import html_pages

Message = dict[str, object]

pytestmark = pytest.mark.gates

# Warnings that are accepted. Key: regular expression matched against the message;
# value: WHY it is accepted. Keep this empty unless a warning is a checker
# limitation, not a defect of the site.
ALLOWED_WARNINGS: dict[str, str] = {}

CANARY = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>canari</title></head>
<body><p>Un <span><div>bloc dans une ligne</div></span></p><img src="x.png"></body></html>
"""


def _location(msg: Message, roots: dict[Path, str]) -> str:
    path = Path(unquote(urlsplit(str(msg.get("url", ""))).path))
    shown = str(path)
    for root, label in roots.items():
        if path.is_relative_to(root):
            shown = f"{label}{path.relative_to(root).as_posix()}"
    line = msg.get("lastLine", msg.get("firstLine", "?"))
    col = msg.get("firstColumn", msg.get("lastColumn", "?"))
    extract = str(msg.get("extract", "")).replace("\n", "⏎")
    return f"{shown}:{line}:{col}: {msg.get('message')}" + (f"\n      «{extract}»" if extract else "")


@dataclass
class VnuRun:
    messages: list[Message]
    canary: Path
    roots: dict[Path, str]  # build directory -> label
    seconds: float

    def is_canary(self, msg: Message) -> bool:
        return Path(unquote(urlsplit(str(msg.get("url", ""))).path)) == self.canary

    def site_messages(self) -> list[Message]:
        return [m for m in self.messages if not self.is_canary(m)]


@pytest.fixture(scope="session")
def vnu_run(
    vnu_command: list[str],
    built_site: Path,
    built_site_prefixed: Path,
    newsroom_site: Path,
    newsroom_site_prefixed: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> VnuRun:
    canary = tmp_path_factory.mktemp("vnu-canary") / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    roots = {
        built_site.resolve(): "/",
        built_site_prefixed.resolve(): "/pr-12/",
        newsroom_site.resolve(): "[newsroom] /",
        newsroom_site_prefixed.resolve(): "[newsroom] /pr-12/",
    }
    files = [str(root / rel) for root in roots for rel in html_pages(root)]
    cmd = [*vnu_command, "--format", "json", "--stdout", "--exit-zero-always", str(canary), *files]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    elapsed = time.monotonic() - started
    try:
        messages = json.loads(proc.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as exc:
        pytest.fail(
            f"vnu.jar gave no JSON ({exc}); exit {proc.returncode}\n"
            f"stdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}",
            pytrace=False,
        )
    return VnuRun(messages, canary.resolve(), roots, elapsed)


def test_vnu_really_runs(vnu_run: VnuRun) -> None:
    canary_errors = [m for m in vnu_run.messages if vnu_run.is_canary(m) and m["type"] == "error"]
    assert len(canary_errors) >= 2, f"vnu.jar did not flag the known-bad canary: {vnu_run.messages}"


def test_vnu_no_errors(vnu_run: VnuRun, gate_note: Callable[[str, str], None]) -> None:
    errors = [m for m in vnu_run.site_messages() if m.get("type") in ("error", "non-document-error")]
    checked = sum(len(html_pages(r)) for r in vnu_run.roots)
    gate_note(
        "Nu Html Checker",
        f"{checked} pages (site and newsroom, both builds), one JVM run, {vnu_run.seconds:.1f}s: {len(errors)} errors",
    )
    if errors:
        pytest.fail(
            f"{len(errors)} Nu Html Checker error(s):\n"
            + "\n".join("  " + _location(m, vnu_run.roots) for m in errors),
            pytrace=False,
        )


def test_vnu_no_warnings(vnu_run: VnuRun, gate_note: Callable[[str, str], None]) -> None:
    roots = vnu_run.roots
    warnings = [
        m for m in vnu_run.site_messages() if m.get("type") == "info" and m.get("subType") == "warning"
    ]
    allowed = [m for m in warnings if any(re.search(p, str(m.get("message", ""))) for p in ALLOWED_WARNINGS)]
    refused = [m for m in warnings if m not in allowed]
    if warnings:
        gate_note(
            "Nu Html Checker warnings",
            "\n".join(("(allowed) " if m in allowed else "") + _location(m, roots) for m in warnings),
        )
    if refused:
        pytest.fail(
            f"{len(refused)} Nu Html Checker warning(s) (not allow-listed):\n"
            + "\n".join("  " + _location(m, roots) for m in refused),
            pytrace=False,
        )

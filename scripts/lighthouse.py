#!/usr/bin/env python3
"""Lighthouse scores of the built site (not a CI gate: a report for humans).

Builds the site into a temporary directory (or takes ``--site DIR``), serves it on
127.0.0.1, runs Lighthouse on the home page and on every article page (or the
``--page`` paths given), mobile (Lighthouse's default) and desktop
(``--preset=desktop``), and prints the four category scores.

Lighthouse is not in package.json: it runs through ``npx`` at a pinned version
(12.x: Lighthouse 13 needs Node >= 22), with install scripts disabled, driving
Debian's Chromium (``CHROME_PATH=/usr/bin/chromium``). Needs Node/npm and
``apt-get install chromium``.

    .venv/bin/python scripts/lighthouse.py [--site DIR] [--page /slug/ ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
LIGHTHOUSE = "lighthouse@12.8.2"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
OG_ARTICLE = re.compile(
    r"""<meta\s[^>]*property=["']?og:type["']?\s[^>]*content=["']?article["']?""", re.I
)


class Handler(SimpleHTTPRequestHandler):
    """Static host behaviour: clean URLs, 404.html with status 404."""

    extensions_map = {  # noqa: RUF012
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
    }

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == HTTPStatus.NOT_FOUND and page.is_file():
            body = page.read_bytes()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, *args: object) -> None:
        pass


def build(out: Path) -> None:
    cmd = [sys.executable, "build.py", "--output", str(out)]
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=REPO_ROOT, check=True)


def default_pages(site: Path) -> list[str]:
    """The home page, then each article page: one that declares itself an article
    (og:type=article), or <slug>/index.html of a file of content/articles/."""
    slugs = set()
    for src in (REPO_ROOT / "content" / "articles").glob("*"):
        if src.suffix in (".yaml", ".yml", ".md", ".markdown"):
            m = re.search(r"^slug:\s*[\"']?([\w.-]+)", src.read_text("utf-8", "replace"), re.M)
            slugs.add(m.group(1) if m else src.stem)
    pages = ["/"]
    for index in sorted(site.glob("*/index.html")):
        slug = index.parent.name
        if slug in slugs or OG_ARTICLE.search(index.read_text("utf-8", "replace")):
            pages.append(f"/{slug}/")
    return pages


def lighthouse(url: str, preset: str) -> tuple[dict[str, float | None], list[str]]:
    """Category scores, and the weighted audits that lost points."""
    cmd = [
        "npx", "--yes", LIGHTHOUSE, url,
        "--output=json", "--output-path=stdout", "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
    ]  # fmt: skip
    if preset == "desktop":
        cmd.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": CHROME, "npm_config_ignore_scripts": "true"}
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300, check=False
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"lighthouse failed on {url} ({preset}), exit {proc.returncode}:\n{proc.stderr}")
    if report.get("runtimeError"):
        print(f"  lighthouse runtime error: {report['runtimeError']}", file=sys.stderr)
    scores = {c: report["categories"].get(c, {}).get("score") for c in CATEGORIES}
    lost = []
    for cat in CATEGORIES:
        for ref in report["categories"].get(cat, {}).get("auditRefs", []):
            audit = report["audits"].get(ref["id"], {})
            score = audit.get("score")
            if ref.get("weight", 0) > 0 and score is not None and score < 1:
                value = audit.get("displayValue", "")
                lost.append(f"{cat}: {ref['id']} ({score:.2f}) {audit.get('title', '')} {value}")
                for item in (audit.get("details") or {}).get("items", [])[:3]:
                    node = item.get("node") if isinstance(item.get("node"), dict) else {}
                    what = " ".join(
                        str(x)
                        for x in (
                            item.get("url") or (item.get("sourceLocation") or {}).get("url"),
                            item.get("description"),
                            node.get("snippet"),
                        )
                        if x
                    )
                    if what:
                        lost.append(f"    {str(what)[:160]}")
    return scores, lost


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--site", type=Path, help="an already built site (default: build one)")
    ap.add_argument("--page", action="append", help="URL path to audit (repeatable)")
    ap.add_argument("--json", type=Path, help="also write the scores as JSON here")
    args = ap.parse_args()
    if not (Path(CHROME).is_file() and shutil.which("npx")):
        sys.exit(f"needs {CHROME} (apt-get install chromium) and npx (Node.js + npm)")
    with tempfile.TemporaryDirectory(prefix="feuillet-lh-") as tmp:
        site = args.site.resolve() if args.site else Path(tmp) / "site"
        if not args.site:
            build(site)
        handler = functools.partial(Handler, directory=str(site))
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        origin = f"http://127.0.0.1:{httpd.server_address[1]}"
        rows = []
        details: list[str] = []
        try:
            for path in args.page or default_pages(site):
                for preset in ("mobile", "desktop"):
                    print(f"lighthouse {preset:7} {path}", file=sys.stderr, flush=True)
                    scores, lost = lighthouse(origin + path, preset)
                    rows.append((path, preset, scores))
                    details += [f"{path} {preset}: {line}" for line in lost]
        finally:
            httpd.shutdown()
    width = max(4, *(len(p) for p, _, _ in rows))
    header = f"| {'page':{width}} | preset  | " + " | ".join(CATEGORIES) + " |"
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.strip("|").split("|")) + "|")
    for path, preset, scores in rows:
        cells = [
            f"{'-' if (score := scores[c]) is None else round(score * 100):>{len(c)}}" for c in CATEGORIES
        ]
        print(f"| {path:{width}} | {preset:7} | " + " | ".join(cells) + " |")
    if details:
        print("\nAudits that cost points:")
        print("\n".join(f"  {line}" for line in details))
    if args.json:
        args.json.write_text(
            json.dumps([{"page": p, "preset": s, **sc} for p, s, sc in rows], indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared fixtures of the web-standards gates (tests/gates/).

The gates check the site that ``build.py`` really produces: it is built once per
session into a temporary directory (``built_site``) and once more for the preview
sub-path ``/pr-12/`` (``built_site_prefixed``).

Tools: Java + ``node_modules/vnu-jar`` (Nu Html Checker), ``node_modules/axe-core``,
Debian's ``/usr/bin/chromium`` driven by the ``playwright`` Python package (never a
browser downloaded by Playwright). When one is missing the tests that need it are
skipped with a message saying what to install; with ``CI=true`` they fail instead.

Environment overrides (for debugging; never needed in CI):
``FEUILLET_GATES_SITE`` / ``FEUILLET_GATES_SITE_PREFIXED``: check an already built
directory instead of running build.py; ``FEUILLET_CHROMIUM``: another Chromium binary.
"""

from __future__ import annotations

import html.parser
import os
import posixpath
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from linkcheck import html_pages, page_url_path
from newsroom import make_newsroom

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path(os.environ.get("FEUILLET_CHROMIUM", "/usr/bin/chromium"))
PREFIX = "/pr-12/"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

INSTALL_HINTS = {
    "java": "install a Java 17+ runtime: apt-get install -y default-jre-headless",
    "node_modules": "install the Node tools: npm ci --ignore-scripts (from the repo root)",
    "chromium": "install Debian's Chromium: apt-get install -y chromium (no `playwright install`)",
    "playwright": "install the Python gates extra: .venv/bin/pip install -e '.[test,gates]'",
    "build.py": "build.py does not exist yet: the gates test the real generator's output",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def missing(what: str, detail: str = "") -> None:
    """Skip (locally) or fail (CI=true) because a tool or input is missing."""
    msg = f"{what} missing: {INSTALL_HINTS.get(what, '')}{(' — ' + detail) if detail else ''}"
    if in_ci():
        pytest.fail(f"{msg} [CI=true: missing tools fail the gates]", pytrace=False)
    pytest.skip(msg)


# --------------------------------------------------------------------------- report
# Figures the gates print at the end of the run (page weights, warnings, external links).
_NOTES: list[tuple[str, str]] = []


@pytest.fixture(scope="session")
def gate_note() -> Callable[[str, str], None]:
    def note(title: str, text: str) -> None:
        _NOTES.append((title, text))

    return note


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _NOTES:
        return
    terminalreporter.section("feuillet gates: figures")
    for title, text in _NOTES:
        terminalreporter.write_line(f"--- {title}")
        for line in text.splitlines():
            terminalreporter.write_line(f"    {line}")


# --------------------------------------------------------------------------- build
def _build(
    tmp_path_factory: pytest.TempPathFactory, name: str, extra: list[str], root: Path | None = None
) -> Path:
    override = (
        "" if root else os.environ.get("FEUILLET_GATES_SITE_PREFIXED" if extra else "FEUILLET_GATES_SITE", "")
    )
    if override:
        return Path(override).resolve()
    if not (REPO_ROOT / "build.py").is_file():
        missing("build.py")
    out = tmp_path_factory.mktemp(name) / "site"
    project = ["--root", str(root)] if root else []
    cmd = [sys.executable, "build.py", *project, "build", "--output", str(out), *extra]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(cmd)}` exited {proc.returncode} after "
            f"{time.monotonic() - started:.1f}s\n--- stdout\n{proc.stdout[-4000:]}"
            f"\n--- stderr\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    if not (out / "index.html").is_file():
        pytest.fail(f"`{' '.join(cmd)}` succeeded but wrote no {out}/index.html", pytrace=False)
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `python build.py --output DIR` writes it."""
    return _build(tmp_path_factory, "site", [])


@pytest.fixture(scope="session")
def built_site_prefixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built for the preview sub-path /pr-12/."""
    return _build(tmp_path_factory, "site-pr12", ["--base-path", PREFIX])


@pytest.fixture(scope="session")
def newsroom_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 52-article project of newsroom.py (subjects, authors, every block, corrections)."""
    return make_newsroom(tmp_path_factory.mktemp("newsroom") / "project")


@pytest.fixture(scope="session")
def newsroom_site(tmp_path_factory: pytest.TempPathFactory, newsroom_project: Path) -> Path:
    return _build(tmp_path_factory, "newsroom-site", [], newsroom_project)


@pytest.fixture(scope="session")
def newsroom_site_prefixed(tmp_path_factory: pytest.TempPathFactory, newsroom_project: Path) -> Path:
    return _build(tmp_path_factory, "newsroom-site-pr12", ["--base-path", PREFIX], newsroom_project)


class _ArticleSniffer(html.parser.HTMLParser):
    """Finds the machine-readable "this is an article" markers of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.og_type: str | None = None
        self.in_jsonld = False
        self.jsonld = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("property") == "og:type":
            self.og_type = (a.get("content") or "").strip()
        self.in_jsonld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self.in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self.in_jsonld:
            self.jsonld += data


def is_article_page(path: Path) -> bool:
    """Declared an article: Open Graph ``og:type=article`` or a schema.org *Article."""
    sniffer = _ArticleSniffer()
    sniffer.feed(path.read_text("utf-8", "replace"))
    return sniffer.og_type == "article" or bool(
        re.search(r'"@type"\s*:\s*(\[[^]]*)?"\w*Article"', sniffer.jsonld)
    )


def content_article_slugs() -> set[str]:
    """Slugs of content/articles/* (front-matter ``slug`` or the file name)."""
    slugs = set()
    for src in (REPO_ROOT / "content" / "articles").glob("*"):
        if src.suffix not in (".yaml", ".yml", ".md", ".markdown"):
            continue
        text = src.read_text("utf-8", "replace")
        if src.suffix in (".md", ".markdown"):
            m = re.match(r"---\r?\n(.*?)\r?\n---", text, re.S)
            text = m.group(1) if m else ""
        m = re.search(r"^slug:\s*[\"']?([\w.-]+)", text, re.M)
        slugs.add(m.group(1) if m else src.stem)
    return slugs


@pytest.fixture(scope="session")
def article_pages(built_site: Path) -> list[str]:
    """Output-relative paths of the article pages: those that declare themselves
    articles (og:type / schema.org), plus <slug>/index.html for each source in
    content/articles/ (when built). At least one, or the article gates fail."""
    declared = {p for p in html_pages(built_site) if is_article_page(built_site / p)}
    from_sources = {
        f"{slug}/index.html"
        for slug in content_article_slugs()
        if (built_site / slug / "index.html").is_file()
    }
    pages = sorted(declared | from_sources)
    if not pages:
        pytest.fail(
            "no article page found in the build (no og:type=article / schema.org Article, "
            "no <slug>/index.html for content/articles/*); the article gates would check nothing",
            pytrace=False,
        )
    return pages


# --------------------------------------------------------------------------- tools
@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing("java")
    if not VNU_JAR.is_file():
        missing("node_modules", f"no {VNU_JAR.relative_to(REPO_ROOT)}")
    return [java, "-Xss16m", "-jar", str(VNU_JAR)]  # type: ignore[list-item]


@pytest.fixture(scope="session")
def axe_js() -> Path:
    if not AXE_JS.is_file():
        missing("node_modules", f"no {AXE_JS.relative_to(REPO_ROOT)}")
    return AXE_JS


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing("chromium", f"no executable {CHROMIUM}")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


# --------------------------------------------------------------------------- server
class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves ``root`` at URL prefix ``prefix`` like a static host (GitHub Pages):
    clean URLs, /x -> /x/ redirect, 404.html with status 404 for anything missing."""

    root: Path
    prefix: str
    extensions_map = {  # noqa: RUF012 - class attribute as in the stdlib
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".woff2": "font/woff2",
        ".xml": "application/xml",
        ".webmanifest": "application/manifest+json",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(self.root), **kwargs)

    def translate_path(self, path: str) -> str:
        url_path = unquote(urlsplit(path).path)
        if not url_path.startswith(self.prefix):
            if url_path + "/" == self.prefix:
                return str(self.root)  # directory: the stdlib redirects to add the slash
            return str(self.root / ".outside-the-base-path" / "-")
        rel = posixpath.normpath("/" + url_path[len(self.prefix) :]).lstrip("/")
        if url_path.endswith("/") and rel not in ("", "."):
            rel += "/"
        return str(self.root / rel) if rel not in ("", ".", "/") else str(self.root)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self.root / "404.html"
        if code == HTTPStatus.NOT_FOUND and page.is_file():
            body = page.read_bytes()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class SiteServer:
    def __init__(self, root: Path, prefix: str = "/") -> None:
        handler = type("Handler", (_SiteHandler,), {"root": root, "prefix": prefix})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.root = root
        self.prefix = prefix
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, rel: str) -> str:
        """URL of an output-relative file."""
        return self.origin + page_url_path(rel, self.prefix)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path, str], SiteServer]]:
    """Factory: serve a directory at a URL prefix on 127.0.0.1 for the rest of the session."""
    servers: list[SiteServer] = []

    def start(root: Path, prefix: str = "/") -> SiteServer:
        server = SiteServer(root, prefix).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


@pytest.fixture(scope="session")
def site_server(serve: Callable[[Path, str], SiteServer], built_site: Path) -> SiteServer:
    return serve(built_site, "/")


@pytest.fixture(scope="session")
def newsroom_server(serve: Callable[[Path, str], SiteServer], newsroom_site: Path) -> SiteServer:
    return serve(newsroom_site, "/")


@pytest.fixture(scope="session")
def site_server_prefixed(serve: Callable[[Path, str], SiteServer], built_site_prefixed: Path) -> SiteServer:
    return serve(built_site_prefixed, PREFIX)


# --------------------------------------------------------------------------- browser
LOCAL_HOSTS = {"127.0.0.1"}


class PageWatch:
    """Records, for one browser context, third-party requests (blocked), failed
    requests, HTTP errors and uncaught JavaScript errors."""

    def __init__(self, context: Any) -> None:
        self.problems: list[str] = []
        self.current = "?"
        context.route("**/*", self._route)
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("weberror", self._weberror)

    def _route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.problems.append(f"{self.current}: third-party request blocked: {url}")
            route.abort("blockedbyclient")

    def _failed(self, request: Any) -> None:
        # ERR_ABORTED: cancelled, typically a late request (the favicon) cut off by the
        # next navigation; an HTTP error status is reported by _response anyway.
        if urlsplit(request.url).hostname in LOCAL_HOSTS and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"{self.current}: request failed: {request.url} ({request.failure})")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"{self.current}: HTTP {response.status} for {response.url}")

    def _weberror(self, error: Any) -> None:
        self.problems.append(f"{self.current}: uncaught JavaScript error: {error.error}")


@pytest.fixture(scope="session")
def new_context(browser: Any) -> Iterator[Callable[..., tuple[Any, PageWatch]]]:
    """Factory: a fresh browser context (kwargs as for browser.new_context) with a
    PageWatch attached; all contexts are closed at the end of the session."""
    contexts: list[Any] = []

    def make(**kwargs: Any) -> tuple[Any, PageWatch]:
        context = browser.new_context(**{"bypass_csp": True, **kwargs})
        contexts.append(context)
        return context, PageWatch(context)

    yield make
    for context in contexts:
        context.close()

"""Offline link checker for a built feuillet site (pure Python, stdlib only).

For every ``*.html`` file of the output directory it checks that each internal
reference (``a``/``area`` href, ``link`` href, ``script``/``img``/``iframe``/
``audio``/``video``/``source`` src, ``img``/``source`` srcset, ``video`` poster)
resolves to a file of the output, following the clean-URL convention of static
hosts (``/x/`` serves ``x/index.html``), and that each ``#fragment``, on the same
page or another one, names an ``id`` (or ``<a name>``) of the target page.
Stylesheets of the site are scanned too: their ``url(...)`` and ``@import``
references must resolve to files.

When the site is built for a sub-path (``--base-path /pr-12/``), every internal
URL must stay under that prefix, whether written root-relative or relative.

``404.html`` is served by static hosts at any missing URL, however deep, so its
relative references are resolved as if it were served at a deep missing path:
only root-relative (or absolute) URLs work there.

External references (another scheme or host) are never fetched, only listed.

Command line::

    python tests/gates/linkcheck.py DIR [--base-path /pr-12/]
"""

from __future__ import annotations

import argparse
import posixpath
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# The checked site is given this made-up origin; anything else is external.
ORIGIN = "http://site.invalid"

# (tag, attribute) pairs holding a single URL.
URL_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "source": ("src",),
    "track": ("src",),
    "input": ("src",),
    "object": ("data",),
    "form": ("action",),
}
SRCSET_TAGS = ("img", "source")

# Fragments a browser handles without a matching id (HTML "scroll to the fragment").
IMPLICIT_FRAGMENTS = {"", "top"}

NOT_FOUND_PAGE = "404.html"
# Where 404.html is pretended to be served when its relative URLs are resolved.
DEEP_MISSING_PATH = "page-qui-n-existe-pas/ni/ici/"

CSS_URL_RE = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)"""
    r"""|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)
CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Reference:
    """One URL found in a page or stylesheet."""

    source: str  # output-relative path of the file holding it
    tag: str  # e.g. "a[href]", "img[srcset]", "css url()"
    url: str  # as written
    line: int


@dataclass(frozen=True)
class Problem:
    ref: Reference
    message: str

    def __str__(self) -> str:
        r = self.ref
        return f"{r.source}:{r.line}: {r.tag} {r.url!r}: {self.message}"


@dataclass
class Report:
    root: Path
    base_path: str
    pages: list[str] = field(default_factory=list)
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    # external URL -> output-relative paths of the files that reference it
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @property
    def ok(self) -> bool:
        return not self.problems

    def format_problems(self, limit: int = 200) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more")
        return "\n".join(lines)

    def format_external(self) -> str:
        return "\n".join(
            f"{url}  (in {', '.join(sorted(pages)[:3])}{', ...' if len(pages) > 3 else ''})"
            for url, pages in sorted(self.external.items())
        )


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, int]] = []  # (tag[attr], url, line)
        self.base_href: str | None = None
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        line = self.getpos()[0]
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "base" and "href" in a and self.base_href is None:
            self.base_href = a["href"].strip()
            return
        for attr in URL_ATTRS.get(tag, ()):
            if attr in a:
                self.refs.append((f"{tag}[{attr}]", a[attr].strip(), line))
        if tag in SRCSET_TAGS and "srcset" in a:
            for url in parse_srcset(a["srcset"]):
                self.refs.append((f"{tag}[srcset]", url, line))
        # SVG <use href="#icon"> / <image href=...> inline in HTML.
        if tag in ("use", "image") and ("href" in a or "xlink:href" in a):
            self.refs.append((f"{tag}[href]", (a.get("href") or a["xlink:href"]).strip(), line))

    handle_startendtag = handle_starttag


def parse_srcset(value: str) -> list[str]:
    """URLs of a srcset attribute (HTML's 'parse a srcset attribute', simplified)."""
    urls: list[str] = []
    pos, n = 0, len(value)
    while pos < n:
        while pos < n and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        if pos >= n:
            break
        start = pos
        while pos < n and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            # skip the descriptors up to the next comma
            while pos < n and value[pos] != ",":
                pos += 1
        if url:
            urls.append(url)
    return urls


def normalise_base_path(base_path: str) -> str:
    base = "/" + base_path.strip("/") + "/"
    return "/" if base == "//" else base


def page_url_path(rel: str, base_path: str) -> str:
    """URL path at which the output file ``rel`` is served."""
    if rel == "index.html":
        return base_path
    if rel.endswith("/index.html"):
        return base_path + rel[: -len("index.html")]
    return base_path + rel


def html_pages(root: Path | str) -> list[str]:
    """Output-relative paths of every HTML file of a built site (index.html first)."""
    root = Path(root)
    pages = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    return sorted(pages, key=lambda p: (p != "index.html", p))


class SiteChecker:
    def __init__(self, root: Path | str, base_path: str = "/") -> None:
        self.root = Path(root).resolve()
        self.base_path = normalise_base_path(base_path)
        self._parsed: dict[str, _PageParser] = {}

    # -- parsing --------------------------------------------------------------
    def parsed(self, rel: str) -> _PageParser:
        if rel not in self._parsed:
            parser = _PageParser()
            parser.feed((self.root / rel).read_text(encoding="utf-8", errors="replace"))
            parser.close()
            self._parsed[rel] = parser
        return self._parsed[rel]

    # -- resolution -----------------------------------------------------------
    def resolve(self, url_path: str) -> tuple[str | None, str | None]:
        """Map an absolute URL path to an output file.

        Returns ``(relative file, None)`` or ``(None, reason)``.
        """
        if not url_path.startswith(self.base_path):
            if url_path + "/" == self.base_path:
                return None, f"missing trailing slash: use {self.base_path!r}"
            return None, f"outside the base path {self.base_path!r}"
        decoded = unquote(url_path[len(self.base_path) :])
        normal = posixpath.normpath("/" + decoded).lstrip("/")
        if normal.startswith("..") or ".." in Path(normal).parts:
            return None, "escapes the output directory"
        rel = normal if normal not in ("", ".") else ""
        if decoded.endswith("/") or rel == "":
            candidate = (rel + "/index.html").lstrip("/")
            if (self.root / candidate).is_file():
                return candidate, None
            return None, f"no {candidate} in the output"
        if (self.root / rel).is_file():
            return rel, None
        if (self.root / rel / "index.html").is_file():
            return None, f"missing trailing slash (host would redirect): use '{url_path}/'"
        return None, f"no {rel} in the output"

    def _check_url(
        self,
        ref: Reference,
        page_url: str,
        page_rel: str,
        report: Report,
    ) -> str | None:
        """Check one reference; returns the resolved output file, if any."""
        raw = ref.url
        if raw == "":
            report.problems.append(Problem(ref, "empty URL"))
            return None
        if raw.startswith("#"):
            # Same-document reference: never leaves the page, wherever it is served
            # (this matters for 404.html, served at arbitrary URLs).
            report.checked += 1
            self._check_fragment(ref, raw[1:], page_rel, page_rel, report)
            return None
        absolute = urljoin(page_url, raw)
        parts = urlsplit(absolute)
        if parts.scheme in ("data", "blob", "about", "javascript"):
            if parts.scheme == "javascript":
                report.problems.append(Problem(ref, "javascript: URL"))
            return None
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != ORIGIN:
            report.external[raw].add(ref.source)
            return None
        report.checked += 1
        target, reason = self.resolve(parts.path or "/")
        if target is None:
            report.problems.append(Problem(ref, reason or "does not resolve"))
            return None
        if target.endswith(".html"):
            self._check_fragment(ref, parts.fragment, target, page_rel, report)
        return target

    def _check_fragment(
        self, ref: Reference, fragment: str, target: str, page_rel: str, report: Report
    ) -> None:
        if fragment.startswith(":~:"):  # text fragment
            return
        decoded = unquote(fragment)
        if decoded.lower() in IMPLICIT_FRAGMENTS:
            return
        ids = self.parsed(target).ids
        if fragment in ids or decoded in ids:
            return
        where = "this page" if target == page_rel else target
        report.problems.append(Problem(ref, f"no id={decoded!r} in {where}"))

    # -- main -----------------------------------------------------------------
    def check(self) -> Report:
        report = Report(self.root, self.base_path)
        report.pages = html_pages(self.root)
        stylesheets: dict[str, str] = {}  # output-relative css file -> its URL
        for rel in report.pages:
            parser = self.parsed(rel)
            served_at = page_url_path(rel, self.base_path)
            if rel == NOT_FOUND_PAGE:
                served_at = self.base_path + DEEP_MISSING_PATH
            page_url = ORIGIN + served_at
            if parser.base_href is not None:
                page_url = urljoin(page_url, parser.base_href)
            for tag, url, line in parser.refs:
                ref = Reference(rel, tag, url, line)
                target = self._check_url(ref, page_url, rel, report)
                if target and target.endswith(".css"):
                    stylesheets.setdefault(target, urljoin(page_url, url).split("#")[0])
        # Stylesheets (and those they @import).
        seen: set[str] = set()
        queue = list(stylesheets.items())
        while queue:
            css_rel, css_url = queue.pop()
            if css_rel in seen:
                continue
            seen.add(css_rel)
            text = CSS_COMMENT_RE.sub("", (self.root / css_rel).read_text("utf-8", "replace"))
            for m in CSS_URL_RE.finditer(text):
                url = next(g for g in m.groups() if g is not None).strip()
                if not url or url.startswith("#"):  # url(#svg-filter) is document-relative
                    continue
                line = text.count("\n", 0, m.start()) + 1
                kind = "css @import" if m.group(0).startswith("@") else "css url()"
                ref = Reference(css_rel, kind, url, line)
                target = self._check_url(ref, css_url, css_rel, report)
                if target and target.endswith(".css"):
                    queue.append((target, urljoin(css_url, url)))
        return report


def check_site(root: Path | str, base_path: str = "/") -> Report:
    return SiteChecker(root, base_path).check()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("root", type=Path, help="built site directory")
    ap.add_argument("--base-path", default="/", help="sub-path the site was built for")
    args = ap.parse_args(argv)
    report = check_site(args.root, args.base_path)
    print(
        f"{len(report.pages)} pages, {report.checked} internal references checked, "
        f"{len(report.external)} distinct external URLs, {len(report.problems)} problems"
    )
    if report.external:
        print("\nExternal (not fetched):\n" + report.format_external())
    if report.problems:
        print("\nProblems:\n" + report.format_problems(limit=10_000))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

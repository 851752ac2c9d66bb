"""After rendering: every URL of every output made stays under the build's base path.

A preview under ``/pr-12/`` must keep its readers under ``/pr-12/``: a template that writes
``href="/x/"`` instead of ``{{ url('x/') }}`` would send them to production. Each output made by a
build (HTML, CSS, the Atom feed, the sitemaps, robots.txt; cached outputs were checked when they
were made) is scanned for the URLs it holds, and one that leaves the base path fails the build.

Allowed besides the addresses under the base path: addresses that leave the site (another host,
``mailto:``, ``data:``), and the production URLs that name a page for the outside world, which must
stay absolute (:data:`PRODUCTION`). A production URL anywhere else is allowed only when the
editor wrote it in content (a deliberate link to the live site).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

# Where an absolute production URL is expected, not a link a reader follows inside the preview.
PRODUCTION = (
    "<link rel=canonical href>",
    "<meta content> of og:* and twitter:* (og:url, og:image, twitter:image)",
    "JSON-LD (<script type=application/ld+json>)",
    "the Atom feed's ids, links, author URI and logo",
    "the sitemaps' <loc>",
    "robots.txt's Sitemap line",
)

# Attributes that may hold addresses, found with their values wherever they are inside a tag.
_ADDRESS = re.compile(
    r"""\s(href|src|srcset|action|formaction|poster|cite|data|background|longdesc|manifest|icon|ping"""
    r"""|xlink:href|content|style)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")  # lower case, as
# templates and the sanitiser write them (ignoring case makes the search four times slower)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.IGNORECASE)
_REFRESH = re.compile(r"""^\s*\d+\s*[;,]\s*url\s*=\s*['"]?([^'"]*)""", re.IGNORECASE)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.DOTALL | re.IGNORECASE)
_JSON_LD = re.compile(r"<script\b[^>]*application/ld\+json[^>]*>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_FEED_TEXT = re.compile(r"<(id|uri|logo|icon)>([^<]*)</\1>")
_FEED_LINK = re.compile(r"<link\b[^>]*?\bhref=\"([^\"]*)\"")
_FEED_HTML = re.compile(r"<(content|summary) type=\"html\">([^<]*)</\1>")
_LOC = re.compile(r"<loc>([^<]*)</loc>")


@dataclass(frozen=True)
class Scope:
    """What one build's URLs must stay within."""

    site_url: str  # site.yaml's url: its host and path are production's
    base_path: str  # the build's URL prefix, such as /pr-12/
    written: frozenset[str] = frozenset()  # addresses the editors wrote in content

    @property
    def host(self) -> str:
        return urlsplit(self.site_url).netloc.lower()

    @property
    def root(self) -> str:
        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"


def _under(path: str, prefix: str) -> bool:
    return path.startswith(prefix) or path + "/" == prefix


def leaves(url: str, page: str, scope: Scope, production: bool = False) -> bool:
    """True when ``url``, found in the output at site path ``page``, leads out of the base path
    to elsewhere on the site (``production``: an absolute production URL is expected there)."""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    parts = urlsplit(url)
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return False  # mailto:, tel:, data:, javascript: … leave the site, or are no address
    if parts.netloc:
        if parts.netloc.lower() != scope.host:
            return False  # another site
        path = parts.path or "/"
        if _under(path, scope.base_path):
            return False
        return not ((production or url in scope.written) and _under(path, scope.root))
    if parts.scheme:  # "http:x": no host, nothing to follow
        return False
    path = urljoin(scope.base_path + page, parts.path) if parts.path else scope.base_path
    return not _under(path, scope.base_path)


def _css_urls(text: str) -> Iterator[str]:
    for match in _CSS_URL.finditer(text):
        yield next(group for group in match.groups() if group is not None)


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _looks_like_url(value: str) -> bool:
    return value.startswith(("/", "./", "../", "http:", "https:", "HTTP:", "HTTPS:"))


def _attributes(text: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for match in _ATTRIBUTE.finditer(text):
        name, *values = match.groups()
        value = next((v for v in values if v is not None), None)
        found.setdefault(name.lower(), unescape(value) if value is not None else None)
    return found


def _expected(text: str, start: int) -> bool:
    """Whether the tag around ``start`` is one where a production URL is expected: the
    canonical link, and the Open Graph and Twitter ``<meta>`` (read only for the rare absolute
    URL of the site, so a page is not parsed tag by tag)."""
    opening = text.rfind("<", 0, start)
    end = text.find(">", start)
    tag = text[opening + 1 : end if end >= 0 else len(text)]
    name = tag.split(None, 1)[0].lower() if tag.strip() else ""
    attributes = _attributes(tag[len(name):])
    if name == "link":
        return "canonical" in (attributes.get("rel") or "").lower().split()
    if name == "meta":
        named = (attributes.get("property") or attributes.get("name") or "").lower()
        return named.startswith(("og:", "twitter:"))
    return False


def html_urls(text: str) -> Iterator[tuple[str, int]]:
    """Each address of an HTML document and where it is (-1: a ``<style>`` or JSON-LD, where
    production is expected for JSON-LD only: see :func:`escapes`).

    Attributes are found by one search over the page, kept when they are inside a tag (the last
    ``<`` before them is after the last ``>``; templates escape ``>`` in values), so a page is
    read at the speed of the regular-expression engine, not tag by tag."""
    for match in _ADDRESS.finditer(text):
        start = match.start()
        if text.rfind("<", 0, start) <= text.rfind(">", 0, start):
            continue  # in text, such as code showing HTML
        name = match.group(1).lower()
        value = unescape(next(v for v in match.groups()[1:] if v is not None))
        if name == "srcset":
            for candidate in value.split(","):
                yield candidate.strip().split(" ", 1)[0], start
        elif name == "style":
            yield from ((url, start) for url in _css_urls(value))
        elif name == "content":
            refresh = _REFRESH.match(value)
            if refresh:
                yield refresh.group(1), start
            elif _looks_like_url(value):
                yield value, start
        else:
            yield value, start
    if "<style" in text:
        for block in _STYLE.finditer(text):
            yield from ((url, -1) for url in _css_urls(block.group(1)))


def _json_ld_urls(text: str) -> Iterator[str]:
    if "ld+json" not in text:
        return
    for block in _JSON_LD.finditer(text):
        try:
            data = json.loads(block.group(1))
        except ValueError:
            continue
        yield from (value for value in _json_strings(data) if _looks_like_url(value))


def feed_urls(text: str) -> Iterator[tuple[str, bool]]:
    """The Atom feed: its metadata names production; its entries' HTML is checked as HTML."""
    for match in _FEED_TEXT.finditer(text):
        yield unescape(match.group(2)), True
    for match in _FEED_LINK.finditer(text):
        yield unescape(match.group(1)), True
    for match in _FEED_HTML.finditer(text):
        yield from ((url, False) for url, _ in html_urls(unescape(match.group(2))))


def urls_of(path: str, content: bytes) -> Iterator[tuple[str, bool]]:
    """Each URL of an output that is not a page (pages: :func:`escapes`), with whether a
    production URL is expected there; nothing for images, scripts and fonts."""
    name = path.rsplit("/", 1)[-1]
    if not name.endswith((".css", ".xml", ".txt")):
        return
    text = content.decode("utf-8", errors="replace")
    if name.endswith(".css"):
        yield from ((url, False) for url in _css_urls(text))
    elif "<feed" in text[:400]:
        yield from feed_urls(text)
    elif name.endswith(".xml"):
        yield from ((unescape(match.group(1)), True) for match in _LOC.finditer(text))
    elif name == "robots.txt":
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap":
                yield value.strip(), True


class Checker:
    """The check of one build's outputs, remembering the verdict on each address already seen
    (the pages of a site share most of their addresses: stylesheet, menu, logo)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._verdicts: dict[tuple[str, bool], bool] = {}

    def leaves(self, url: str, page: str, production: bool = False) -> bool:
        if not url.startswith(("/", "http:", "https:", "#")):  # relative: depends on the page
            return leaves(url, page, self.scope, production)
        key = (url, production)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = leaves(url, page, self.scope, production)
        return verdict

    def escapes(self, path: str, content: bytes) -> list[str]:
        """The URLs of the output ``path`` that leave the base path, in order, once each."""
        page = path.removesuffix("index.html")
        found: list[str] = []
        if path.endswith(".html"):
            text = content.decode("utf-8", errors="replace")
            for url, start in html_urls(text):
                if url not in found and self.leaves(url, page) and (
                        start < 0 or not _expected(text, start) or self.leaves(url, page, True)):
                    found.append(url)
            for url in _json_ld_urls(text):
                if url not in found and self.leaves(url, page, True):
                    found.append(url)
            return found
        for url, production in urls_of(path, content):
            if url not in found and self.leaves(url, page, production):
                found.append(url)
        return found


def escapes(path: str, content: bytes, scope: Scope) -> list[str]:
    """The URLs of the output ``path`` that leave the base path (see :class:`Checker`)."""
    return Checker(scope).escapes(path, content)

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

# Attributes that hold one URL (srcset holds several, style and <meta content> may hold one).
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite", "data", "background",
                             "longdesc", "manifest", "icon", "ping", "xlink:href"})
_MAYBE = re.compile(r"(?:href|src|srcset|action|poster|cite|data|background|longdesc|manifest|icon|ping"
                    r"|content|style)\s*=", re.IGNORECASE)
_TOKENS = re.compile(
    r"<!--.*?-->"
    r"|<(script|style)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</\1\s*>"
    r"|<([a-zA-Z][\w:-]*)(\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*)?/?>",
    re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
                      re.IGNORECASE)
_REFRESH = re.compile(r"^\s*\d+\s*[;,]\s*url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)
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


def html_urls(text: str) -> Iterator[tuple[str, bool]]:
    """Each URL of an HTML document, and whether an absolute production URL is expected there."""
    for match in _TOKENS.finditer(text):
        raw_tag, raw_attributes, body, tag, attributes_text = match.groups()
        if raw_tag is not None:  # <script> or <style>, with its content
            attributes = _attributes(raw_attributes or "")
            if raw_tag.lower() == "style":
                yield from ((url, False) for url in _css_urls(body))
            elif (attributes.get("type") or "").lower() == "application/ld+json":
                try:
                    data = json.loads(body)
                except ValueError:
                    data = None
                yield from ((value, True) for value in _json_strings(data) if _looks_like_url(value))
            if attributes.get("src"):
                yield str(attributes["src"]), False
            continue
        if tag is None or not attributes_text or not _MAYBE.search(attributes_text):
            continue  # a comment, or a tag without any address
        yield from _tag_urls(tag.lower(), _attributes(attributes_text))


def _tag_urls(tag: str, attributes: dict[str, str | None]) -> Iterator[tuple[str, bool]]:
    rel = (attributes.get("rel") or "").lower().split()
    for name, value in attributes.items():
        if not value:
            continue
        if name in _URL_ATTRIBUTES:
            yield value, name == "href" and tag == "link" and "canonical" in rel
        elif name == "srcset":
            yield from ((candidate.strip().split(" ", 1)[0], False) for candidate in value.split(","))
        elif name == "style":
            yield from ((url, False) for url in _css_urls(value))
        elif name == "content" and tag == "meta":
            refreshing = (attributes.get("http-equiv") or "").lower() == "refresh"
            refresh = _REFRESH.match(value) if refreshing else None
            if refresh:
                yield refresh.group(1), False
            elif _looks_like_url(value):
                named = (attributes.get("property") or attributes.get("name") or "").lower()
                yield value, named.startswith(("og:", "twitter:"))


def feed_urls(text: str) -> Iterator[tuple[str, bool]]:
    """The Atom feed: its metadata names production; its entries' HTML is checked as HTML."""
    for match in _FEED_TEXT.finditer(text):
        yield unescape(match.group(2)), True
    for match in _FEED_LINK.finditer(text):
        yield unescape(match.group(1)), True
    for match in _FEED_HTML.finditer(text):
        yield from html_urls(unescape(match.group(2)))


def urls_of(path: str, content: bytes) -> Iterator[tuple[str, bool]]:
    """Each URL an output holds, with whether a production URL is expected there; nothing for
    the outputs that hold none (images, scripts, fonts)."""
    name = path.rsplit("/", 1)[-1]
    if not name.endswith((".html", ".css", ".xml", ".txt")):
        return
    text = content.decode("utf-8", errors="replace")
    if name.endswith(".html"):
        yield from html_urls(text)
    elif name.endswith(".css"):
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


def escapes(path: str, content: bytes, scope: Scope) -> list[str]:
    """The URLs of the output ``path`` that leave the base path, in order, once each."""
    page = path.removesuffix("index.html")
    found: list[str] = []
    for url, production in urls_of(path, content):
        if url not in found and leaves(url, page, scope, production):
            found.append(url)
    return found

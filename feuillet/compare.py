"""What changed between two built sites, and what a change breaks (``feuillet diff``).

Both sides are output folders as ``build`` writes them, read as files: a page is an HTML file
(``x/index.html`` is the URL ``/x/``), its title is the page's ``og:title`` (else its
``<title>``), and two pages are the same when their bytes are, once the content hash in the names
of fingerprinted assets (``site.0123456789.css``, see ``render.fingerprint``) is taken out: a
stylesheet edit renames the stylesheet in every page but changes no page. Other files (feed,
sitemap, assets, cards) are compared the same way and listed apart.

A **break** is what the outside world may link to and the new site loses: the URL of a published
article (one that is neither a draft nor scheduled: ``data-feuillet-article`` on the page's
``<article>``, else ``og:type=article`` or a schema.org ``*Article``) that the new site no longer
has, nor redirects (an ``aliases:`` page, found by its ``meta refresh``), or a section anchor (the
``id`` of a heading) of a published article that is no longer an ``id`` of the article (or of the
article its old URL redirects to). Build both sides with the same options (``--base-path``,
``--preview``), or every page differs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feuillet.errors import Message, Translate, message, say, template

MARKER_COMMENT = "<!-- feuillet-diff -->"  # the first line of the Markdown: a CI script finds its comment
# A fingerprinted name: ``site.0123456789.css`` (ten hex digits of the content's hash).
_FINGERPRINT_RE = re.compile(rb"\.[0-9a-f]{10}(\.(?:css|js))(?![\w.])")
_FINGERPRINT_PATH_RE = re.compile(r"\.[0-9a-f]{10}(\.(?:css|js))$")
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
_REFRESH_RE = re.compile(r"^\s*\d+\s*;\s*url\s*=\s*['\"]?([^'\"]*)['\"]?\s*$", re.IGNORECASE)

# Messages (editor's language, via feuillet.po).
URL_GONE = template("the published article {url} ({title}) is gone; keep its address with "
                    "aliases: [{url}] in the article that replaces it")
URL_UNPUBLISHED = template("the published article {url} ({title}) would no longer be published "
                           "(it is a draft or scheduled now)")
ANCHOR_GONE = template("the section #{anchor} of the published article {url} ({title}) is gone; "
                       "keep it with anchor_aliases: {{{anchor}: new-id}}")
NOT_A_FOLDER = template("{path} is not a folder of a built site")


@dataclass(frozen=True)
class Page:
    """One HTML page of a built site, as far as a comparison needs it."""

    url: str  # root-relative site path: '/', '/slug/', '/404.html'
    path: str  # the file in the folder: 'index.html', 'slug/index.html'
    title: str
    article: str  # 'published', 'draft', 'scheduled', or '' when the page is no article
    anchors: frozenset[str]  # ids of its headings
    ids: frozenset[str]  # every id of the page
    redirect: str | None  # site path ('/slug/') a redirect page (an alias) leads to


@dataclass(frozen=True)
class Break:
    """A URL or an anchor of a published article of the old site that the new one loses."""

    kind: str  # 'url' or 'anchor'
    url: str
    title: str
    anchor: str | None = None
    unpublished: bool = False  # the page is still there, but as a draft or scheduled article

    @property
    def message(self) -> Message:
        if self.kind == "anchor":
            return message(ANCHOR_GONE, anchor=self.anchor, url=self.url, title=self.title)
        return message(URL_UNPUBLISHED if self.unpublished else URL_GONE, url=self.url, title=self.title)


@dataclass(frozen=True)
class Changes:
    """Pages added, changed and removed (by URL), other files by path, and the breaks."""

    added: tuple[Page, ...] = ()
    changed: tuple[Page, ...] = ()  # as in the new site
    removed: tuple[Page, ...] = ()  # as in the old site
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)  # added/changed/removed → paths
    breaks: tuple[Break, ...] = ()


class _Reader(HTMLParser):
    """Titles, ids, the article marker and the redirect of one page (the standard library's
    parser: no dependency, tolerant of any HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.og_title: str | None = None
        self.og_type: str | None = None
        self.title: list[str] = []
        self.in_title = False
        self.in_jsonld = False
        self.jsonld: list[str] = []
        self.marker: str | None = None
        self.ids: set[str] = set()
        self.anchors: set[str] = set()
        self.refresh: str | None = None
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if values.get("id"):
            self.ids.add(values["id"])
            if tag in _HEADINGS:
                self.anchors.add(values["id"])
        if tag == "article" and "data-feuillet-article" in values and self.marker is None:
            self.marker = values["data-feuillet-article"]
        elif tag == "meta":
            if values.get("property") == "og:title":
                self.og_title = values.get("content", "")
            elif values.get("property") == "og:type":
                self.og_type = values.get("content", "")
            elif values.get("http-equiv", "").lower() == "refresh":
                found = _REFRESH_RE.match(values.get("content", ""))
                self.refresh = found.group(1) if found else None
        elif tag == "link" and "canonical" in values.get("rel", "").split():
            self.canonical = values.get("href")
        elif tag == "title":
            self.in_title = True
        elif tag == "script" and values.get("type") == "application/ld+json":
            self.in_jsonld = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "script":
            self.in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif self.in_jsonld:
            self.jsonld.append(data)

    def is_article(self) -> bool:
        if self.og_type == "article":
            return True
        try:
            data = json.loads("".join(self.jsonld)) if self.jsonld else None
        except ValueError:
            return False
        return any(str(node.get("@type", "")).endswith("Article") for node in _nodes(data))


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, dict):
        yield data
        yield from (node for value in data.get("@graph", []) for node in _nodes(value))
    elif isinstance(data, list):
        yield from (node for value in data for node in _nodes(value))


def url_of(path: str) -> str:
    """``slug/index.html`` → ``/slug/``; ``404.html`` → ``/404.html``."""
    if path == "index.html":
        return "/"
    if path.endswith("/index.html"):
        return "/" + path.removesuffix("index.html")
    return "/" + path


def normalise(content: bytes) -> bytes:
    """The bytes with fingerprinted names put back to their plain names."""
    return _FINGERPRINT_RE.sub(rb"\1", content)


def plain_path(path: str) -> str:
    """``static/css/site.0123456789.css`` → ``static/css/site.css``."""
    return _FINGERPRINT_PATH_RE.sub(r"\1", path)


def _files(folder: Path) -> dict[str, Path]:
    """Every file of a built site by its path, hidden ones (``.feuillet``, ``.git``…) left out."""
    found = {}
    for file in folder.rglob("*"):
        relative = file.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in relative.split("/")) or not file.is_file():
            continue
        found[relative] = file
    return found


def _digest(file: Path) -> str:
    return hashlib.sha256(normalise(file.read_bytes())).hexdigest()


def read_page(file: Path, path: str, root: str) -> Page:
    """One page; ``root`` is the path of the production site (``/`` or ``/analyses/``), which
    turns a redirect's canonical URL into a site path."""
    reader = _Reader()
    reader.feed(file.read_text(encoding="utf-8", errors="replace"))
    reader.close()
    title = reader.og_title or "".join(reader.title).strip()
    article = ""
    if reader.marker is not None:
        article = reader.marker or "published"
    elif reader.is_article():
        article = "published"
    redirect = None
    if reader.refresh is not None:
        target = urlsplit(reader.canonical or "").path or urlsplit(reader.refresh).path
        redirect = "/" + target.removeprefix(root) if target.startswith(root) else target
    return Page(url_of(path), path, " ".join(title.split()), article, frozenset(reader.anchors),
                frozenset(reader.ids), redirect)


def _site_root(folder: Path) -> str:
    """The path of the production site, from the home page's canonical link (else ``/``)."""
    home = folder / "index.html"
    if home.is_file():
        reader = _Reader()
        reader.feed(home.read_text(encoding="utf-8", errors="replace"))
        if reader.canonical:
            path = urlsplit(reader.canonical).path or "/"
            return path if path.endswith("/") else path + "/"
    return "/"


def compare(old: Path, new: Path) -> Changes:
    """The changes from the built site ``old`` to the built site ``new``."""
    old_files, new_files = _files(old), _files(new)
    old_root, new_root = _site_root(old), _site_root(new)
    old_pages = {path for path in old_files if path.endswith(".html")}
    new_pages = {path for path in new_files if path.endswith(".html")}
    cache: dict[tuple[str, str], Page] = {}

    def page(side: str, path: str) -> Page:
        if (side, path) not in cache:
            files, root = (old_files, old_root) if side == "old" else (new_files, new_root)
            cache[side, path] = read_page(files[path], path, root)
        return cache[side, path]

    same: set[str] = set()
    changed: list[Page] = []
    for path in sorted(old_pages & new_pages):
        if _digest(old_files[path]) == _digest(new_files[path]):
            same.add(path)
        else:
            changed.append(page("new", path))
    added = [page("new", path) for path in sorted(new_pages - old_pages)]
    removed = [page("old", path) for path in sorted(old_pages - new_pages)]
    breaks = _breaks([page("old", path) for path in sorted(old_pages - same)],
                     {url_of(path): path for path in new_pages}, lambda path: page("new", path))
    return Changes(tuple(added), tuple(changed), tuple(removed),
                   _other_files(old_files, new_files), tuple(breaks))


def _breaks(old_pages: Sequence[Page], new_urls: dict[str, str],
            new_page: Callable[[str], Page]) -> list[Break]:
    """Breaks among the old pages that differ in the new site (an identical page breaks nothing)."""
    breaks = []
    for old in old_pages:
        if old.article != "published":
            continue
        path = new_urls.get(old.url)
        current = new_page(path) if path is not None else None
        seen: set[str] = set()
        while current is not None and current.redirect is not None and current.url not in seen:
            seen.add(current.url)  # an alias: the anchors must be on the page it leads to
            target = new_urls.get(current.redirect)
            current = new_page(target) if target is not None else None
        if current is None:
            breaks.append(Break("url", old.url, old.title))
            continue
        if current.article in ("draft", "scheduled"):
            breaks.append(Break("url", old.url, old.title, unpublished=True))
            continue
        gone = sorted(old.anchors - current.ids)
        breaks += [Break("anchor", old.url, old.title, anchor) for anchor in gone]
    return breaks


def _other_files(old: dict[str, Path], new: dict[str, Path]) -> dict[str, tuple[str, ...]]:
    """Files that are not pages, by their plain names (a renamed fingerprinted file is one file)."""
    def plain(files: dict[str, Path]) -> dict[str, Path]:
        return {plain_path(path): file for path, file in files.items() if not path.endswith(".html")}

    before, after = plain(old), plain(new)
    return {
        "added": tuple(sorted(set(after) - set(before))),
        "changed": tuple(sorted(path for path in set(before) & set(after)
                                if _digest(before[path]) != _digest(after[path]))),
        "removed": tuple(sorted(set(before) - set(after))),
    }


# --- Reports -------------------------------------------------------------------------------

SUMMARY = template("{added} page(s) added, {changed} changed, {removed} removed")
NO_CHANGE = template("no page changed")
HEADING = template("Pages changed by this change")
ADDED = template("Added")
CHANGED = template("Changed")
REMOVED = template("Removed")
FILES = template("Other files: {added} added, {changed} changed, {removed} removed")
BREAKS = template("Broken links from outside")
BREAKS_SUMMARY = template("{count} break(s): published addresses or anchors that would disappear")
LINE_ADDED = template("added: {url} ({title})")
LINE_CHANGED = template("changed: {url} ({title})")
LINE_REMOVED = template("removed: {url} ({title})")
LINE_BREAK = template("break: {problem}")


def link(preview_url: str | None, url: str) -> str | None:
    """The preview's address of a site path, when the preview's address is known."""
    return preview_url.rstrip("/") + url if preview_url else None


def _summary(changes: Changes) -> Message:
    if not (changes.added or changes.changed or changes.removed):
        return message(NO_CHANGE)
    return message(SUMMARY, added=len(changes.added), changed=len(changes.changed),
                   removed=len(changes.removed))


def text_report(changes: Changes, translate: Translate) -> list[str]:
    """One line per page and per break (``feuillet diff``'s default)."""
    lines = []
    for template_, pages in ((LINE_ADDED, changes.added), (LINE_CHANGED, changes.changed),
                             (LINE_REMOVED, changes.removed)):
        lines += [say(message(template_, url=page.url, title=page.title), translate) for page in pages]
    lines += [say(message(LINE_BREAK, problem=b.message), translate) for b in changes.breaks]
    lines.append("feuillet: " + say(_summary(changes), translate))
    return lines


_MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>#|!~])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL_RE.sub(r"\\\1", text)


def markdown_report(changes: Changes, translate: Translate, preview_url: str | None = None) -> str:
    """A pull-request comment: the marker, a summary line, then lists of pages and breaks."""
    def say_(value: Message) -> str:
        return say(value, translate)

    lines = [MARKER_COMMENT, f"### {say_(message(HEADING))}", "", f"**{say_(_summary(changes))}**"]
    for heading, pages, linked in ((ADDED, changes.added, True), (CHANGED, changes.changed, True),
                                   (REMOVED, changes.removed, False)):
        if not pages:
            continue
        lines += ["", f"**{say_(message(heading))}**", ""]
        for page in pages:
            address = link(preview_url, page.url) if linked else None
            title = _escape(page.title or page.url)
            shown = f"[{title}]({address})" if address else title
            lines.append(f"- {shown} — `{page.url}`")
    if changes.breaks:
        lines += ["", f"**{say_(message(BREAKS))}**", "",
                  say_(message(BREAKS_SUMMARY, count=len(changes.breaks))), ""]
        lines += [f"- {_escape(say_(b.message))}" for b in changes.breaks]
    files = changes.files
    if any(files.values()):
        lines += ["", say_(message(FILES, added=len(files["added"]), changed=len(files["changed"]),
                                   removed=len(files["removed"])))]
    return "\n".join(lines) + "\n"


def json_report(changes: Changes, translate: Translate, preview_url: str | None = None) -> str:
    """The changes as one JSON document (see the README for its shape)."""
    def entry(page: Page, linked: bool = True) -> dict[str, Any]:
        return {"url": page.url, "path": page.path, "title": page.title,
                "link": link(preview_url, page.url) if linked else None}

    return json.dumps({
        "added": [entry(page) for page in changes.added],
        "changed": [entry(page) for page in changes.changed],
        "removed": [entry(page, False) for page in changes.removed],
        "files": {kind: list(paths) for kind, paths in changes.files.items()},
        "breaks": [{"kind": b.kind, "url": b.url, "anchor": b.anchor, "title": b.title,
                    "message": say(b.message, translate)} for b in changes.breaks],
    }, ensure_ascii=False, indent=2) + "\n"

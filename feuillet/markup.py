"""Markdown to HTML through one Python-Markdown extension: heading anchors and French typography.

Python-Markdown (and its extensions, pymdown-extensions included) is used only here. Typography
runs on the element tree's text nodes, never on serialised HTML, so code, attributes, raw HTML
and passages in another language stay untouched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteBlockProcessor, FootnoteExtension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, AtomicString

from feuillet.files import linked_source
from feuillet.model import BOX_KINDS
from feuillet.sanitise import clean
from feuillet.slugs import slugify
from feuillet.typography import superscript_runs, typeset_runs

# Priorities of our tree processors among Python-Markdown's own (higher runs first):
#   inline (20) turns *emphasis*, links and `code` into elements; attr_list (8) applies {#id};
#   ANCHORS (7) then sees explicit ids and derives the others;
#   TYPOGRAPHY (6) sees the final text nodes, before prettify (10 runs first; it only adds
#   newlines between block elements, which typography ignores);
#   UNWRAP (1) runs last so inline rendering drops the single <p> wrapper.
ANCHORS_PRIORITY = 7
TYPOGRAPHY_PRIORITY = 6
LINKS_PRIORITY = 5  # after the ids are final
BASE_PATH_PRIORITY = 4  # after the links are noted as written
SOURCE_LINKS_PRIORITY = 3  # links by source file get URLs already under the base path
UNWRAP_PRIORITY = 1
# Postprocessors: raw HTML is put back at 30; the allow-list (feuillet.sanitise) runs after all.
SANITISE_PRIORITY = 0

LISTS_PRIORITY = 19  # preprocessor: after raw HTML blocks (20) and fenced code are stashed
QUOTE_MARKS_PRIORITY = 7.5  # on the final text nodes, before typography spaces the marks
TABLES_PRIORITY = 3  # after the links and ids are noted: the wrapper is ours, not the editor's

# Python-Markdown's own extensions, then pymdown-extensions': superfences keeps tabs in fenced
# code (Python-Markdown expands every tab before any extension sees the text), magiclink turns
# bare https://… and www.… addresses into links (never inside code).
_EXTENSIONS = ["attr_list", "tables", "sane_lists", "def_list", "pymdownx.highlight",
               "pymdownx.superfences", "pymdownx.magiclink"]
_EXTENSION_CONFIGS: dict[str, dict[str, object]] = {
    "pymdownx.superfences": {"preserve_tabs": True},
    "pymdownx.highlight": {"use_pygments": False, "css_class": ""},  # <pre><code class="language-x">
    "pymdownx.magiclink": {"hide_protocol": False},
    "tables": {"use_align_attribute": True},  # align="right": the allow-list drops style=""
}
# The accessible name of a table's scrolling wrapper: a hidden element of the page template
# (its text comes from the interface catalog).
TABLE_LABEL_ID = "table-label"
NOTES_TITLE_ID = "notes-title"  # the heading « Notes » of the page template
# Elements whose text is never typeset: code and preformatted text, scripts and styles.
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "math", "svg"})
# Raw HTML elements that open nothing (``<br>`` has no end tag to wait for).
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
# Elements whose text forms one run of typography context (a paragraph, a heading, an item…).
_TEXT_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption",
     "blockquote", "div", "caption", "summary"}
)
# Python-Markdown hides raw HTML behind placeholders like "\x02wzxhzdk:3\x03".
_PLACEHOLDER_RE = re.compile("(\x02wzxhzdk:\\d+\x03)")
# A character reference as Python-Markdown writes it in text (an e-mail autolink's letters).
_SUBSTITUTED_REFERENCE_RE = re.compile(f"({re.escape(AMP_SUBSTITUTE)}(?:#[0-9]+|[A-Za-z][A-Za-z0-9]*);)")
_CHARACTER_REFERENCE_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


# An explicit id on an ATX heading line: "### Titre {#mon-id}" (attr_list's syntax).
_EXPLICIT_ID_RE = re.compile(r"^#{1,6}[ \t].*?\{[ \t]*#([^\s}]+)[^}]*\}[ \t]*$", re.MULTILINE)


def explicit_ids(markdown_text: str) -> set[str]:
    """The ids an editor wrote on headings (``{#id}``), to claim before any derived one."""
    return set(_EXPLICIT_ID_RE.findall(markdown_text)) if "{" in markdown_text else set()


@dataclass
class Anchors:
    """The ids already used on one page, so headings of later blocks get unique ones.

    ``reserved`` holds the page's explicit ids: a derived id never takes one of them (the rule
    of ``slugs.unique_slugs``), so an editor's ``{#a-2}`` stays ``a-2`` even when an earlier
    heading derives ``a`` twice.
    """

    taken: set[str] = field(default_factory=set)
    reserved: set[str] = field(default_factory=set)
    # The last number tried for each derived id: every lower one is taken, so a page with
    # thousands of identical subheads does not try them all again for each (that is quadratic).
    tried: dict[str, int] = field(default_factory=dict)

    def reset(self, reserved: set[str] | None = None) -> None:
        """Start a new page, whose explicit ids are ``reserved``."""
        self.taken.clear()
        self.tried.clear()
        self.reserved = reserved or set()

    def claim(self, wanted: str, explicit: bool = False) -> str:
        number = 1 if explicit else self.tried.get(wanted, 1)
        candidate = wanted if number == 1 else f"{wanted}-{number}"
        while candidate in self.taken or (not explicit and candidate in self.reserved):
            number += 1
            candidate = f"{wanted}-{number}"
        self.taken.add(candidate)
        if not explicit:
            self.tried[wanted] = number
        return candidate


class _AnchorProcessor(Treeprocessor):
    """Give every subhead a stable, unique id (an explicit ``{#id}`` wins)."""

    def __init__(self, md: markdown.Markdown, anchors: Anchors) -> None:
        super().__init__(md)
        self.anchors = anchors

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                explicit = element.get("id")
                text = "".join(element.itertext())
                if explicit:
                    element.set("id", self.anchors.claim(explicit, explicit=True))
                else:
                    element.set("id", self.anchors.claim(slugify(text)))


@dataclass
class _Slot:
    """One text node: ``element.text`` or ``element.tail``."""

    element: etree.Element
    attribute: str  # "text" or "tail"
    protected: bool


class _TypographyProcessor(Treeprocessor):
    """Apply French typography to each block's text nodes, seen together for context."""

    def run(self, root: etree.Element) -> None:
        for block in [e for e in root.iter() if e is root or e.tag in _TEXT_BLOCKS]:
            slots = list(_slots(block, protected=_foreign(block)))
            if not slots:
                continue
            runs = [(getattr(s.element, s.attribute) or "", s.protected) for s in slots]
            split = [_split_placeholders(text, protected) for text, protected in runs]
            flat = self._protect_raw_foreign([piece for pieces in split for piece in pieces])
            # Typography sees a stashed or substituted character reference as typed ("&nbsp;"),
            # which it never changes but reads as the character it stands for.
            typeset = typeset_runs([(self._reference(text) if protected else text, protected)
                                    for text, protected in flat])
            typeset = [original if protected else text
                       for text, (original, protected) in zip(typeset, flat, strict=True)]
            position = 0
            for slot, pieces in zip(slots, split, strict=True):
                text = "".join(typeset[position : position + len(pieces)])
                position += len(pieces)
                setattr(slot.element, slot.attribute, text)
                if not slot.protected:
                    _superscript(slot, block)

    def _reference(self, text: str) -> str:
        """The character reference a protected piece stands for, else the piece itself."""
        if text.startswith(AMP_SUBSTITUTE):
            return "&" + text[len(AMP_SUBSTITUTE):]
        match = _PLACEHOLDER_RE.fullmatch(text)
        if match:
            raw = self.md.htmlStash.rawHtmlBlocks[int(text[len("\x02wzxhzdk:") : -1])]
            if isinstance(raw, str) and _CHARACTER_REFERENCE_RE.fullmatch(raw):
                return raw
        return text

    def _protect_raw_foreign(self, pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        """Text between a raw ``<span lang="en">`` (or ``<code>``, ``<kbd>``, ``<samp>``, ``<pre>``,
        ``<var>``) and its end tag is protected too."""
        open_tags: list[str] = []
        result = []
        for text, protected in pieces:
            match = _PLACEHOLDER_RE.fullmatch(text)
            if match:
                index = int(text[len("\x02wzxhzdk:") : -1])
                raw = self.md.htmlStash.rawHtmlBlocks[index]
                tag = _RawTag(raw if isinstance(raw, str) else "")
                if tag.start in _VOID:
                    pass
                elif tag.start and (open_tags or tag.foreign or tag.start in _VERBATIM):
                    open_tags.append(tag.start)
                elif tag.end and open_tags and open_tags[-1] == tag.end:
                    open_tags.pop()
            result.append((text, protected or bool(open_tags)))
        return result


class _RawTag(HTMLParser):
    """The first start or end tag of one raw HTML snippet, and whether it sets a foreign ``lang``."""

    def __init__(self, raw: str) -> None:
        super().__init__()
        self.start = ""
        self.end = ""
        self.foreign = False
        self.feed(raw)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.start and not self.end:
            self.start = tag
            lang = dict(attrs).get("lang")
            self.foreign = lang is not None and not lang.lower().startswith("fr")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # a void element opens nothing

    def handle_endtag(self, tag: str) -> None:
        if not self.start and not self.end:
            self.end = tag


def _foreign(element: etree.Element) -> bool:
    """Text marked with another language than French keeps that language's punctuation."""
    lang = element.get("lang")
    return lang is not None and not lang.lower().startswith("fr")


def _slots(block: etree.Element, protected: bool) -> list[_Slot]:
    """The text nodes of ``block`` in reading order, stopping at nested text blocks."""
    slots = [_Slot(block, "text", protected)] if block.text else []
    for child in block:
        if child.tag in _TEXT_BLOCKS:
            if child.tail:
                slots.append(_Slot(child, "tail", protected))
            continue
        inner = protected or child.tag in _VERBATIM or _foreign(child) or child.get("class") == "footnote-ref"
        slots.extend(_slots(child, inner))
        if child.tail:
            slots.append(_Slot(child, "tail", protected))
    return slots


def _split_placeholders(text: str, protected: bool) -> list[tuple[str, bool]]:
    """Raw HTML placeholders and substituted character references are protected pieces."""
    if protected:
        return [(text, True)]
    pattern = _PLACEHOLDER_RE
    if AMP_SUBSTITUTE in text:
        pattern = re.compile(f"{_PLACEHOLDER_RE.pattern}|{_SUBSTITUTED_REFERENCE_RE.pattern}")
    parts = [part for part in pattern.split(text) if part]
    return [(part, bool(pattern.fullmatch(part))) for part in parts] or [("", False)]


def _superscript(slot: _Slot, block: etree.Element) -> None:
    """Put ordinal suffixes (1er, XXIe) in <sup> by splitting the text node around them."""
    text = getattr(slot.element, slot.attribute) or ""
    runs = superscript_runs(text)
    if len(runs) <= 1:
        return
    sups: list[etree.Element] = []
    head = ""
    for piece, is_sup in runs:
        if is_sup:
            sup = etree.Element("sup")
            sup.text = piece
            sups.append(sup)
        elif sups:
            sups[-1].tail = (sups[-1].tail or "") + piece
        else:
            head += piece
    setattr(slot.element, slot.attribute, head)
    if slot.attribute == "text":
        parent, index = slot.element, 0
    else:
        parent = _parent_of(block, slot.element)
        index = list(parent).index(slot.element) + 1
    for offset, sup in enumerate(sups):
        parent.insert(index + offset, sup)


def _parent_of(root: etree.Element, child: etree.Element) -> etree.Element:
    for element in root.iter():
        if child in list(element):
            return element
    raise LookupError("element not in tree")


class _UnwrapProcessor(Treeprocessor):
    """In inline mode, lift the content of a lone <p> to the root so no wrapper is output."""

    def run(self, root: etree.Element) -> None:
        children = list(root)
        if len(children) == 1 and children[0].tag == "p" and not (root.text or "").strip():
            paragraph = children[0]
            root.remove(paragraph)
            root.text = paragraph.text
            for child in list(paragraph):
                root.append(child)


class _SanitisePostprocessor(Postprocessor):
    """The finished fragment, raw HTML included, through the allow-list of ``feuillet.sanitise``."""

    def run(self, text: str) -> str:
        return clean(text)


@dataclass
class Found:
    """What one conversion links to and which ids it defines, for the site's link check."""

    links: list[tuple[str, str]] = field(default_factory=list)  # (element, address): a href, img src
    ids: list[str] = field(default_factory=list)
    # Links written by source (``autre.md#x``): address → (the content file, its site path and
    # fragment such as ``'autre/#x'``, or None when no article or page has that file).
    sources: dict[str, tuple[str, str | None]] = field(default_factory=dict)


@dataclass
class SourceLinks:
    """What links written by source resolve against on one page: the page's own source file
    and the site path of each content file it may name (None: no such article or page)."""

    source: str = ""
    targets: Mapping[str, str | None] = field(default_factory=dict)

    def reset(self, source: str, targets: Mapping[str, str | None]) -> None:
        self.source = source
        self.targets = targets


class _LinkProcessor(Treeprocessor):
    """Note every link, image and id of the converted text (raw HTML included)."""

    def __init__(self, md: markdown.Markdown, found: Found) -> None:
        super().__init__(md)
        self.found = found

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            _note(self.found, element.tag if isinstance(element.tag, str) else "", element.attrib)
        for raw in self.md.htmlStash.rawHtmlBlocks:
            if isinstance(raw, str) and "<" in raw:
                _RawLinks(self.found).feed(raw)


def _note(found: Found, tag: str, attributes: dict[str, str] | dict[str, str | None]) -> None:
    if attributes.get("id"):
        found.ids.append(str(attributes["id"]))
    attribute = "href" if tag == "a" else "src" if tag == "img" else None
    value = attributes.get(attribute) if attribute else None
    if value:
        found.links.append((tag, value))


class _RawLinks(HTMLParser):
    def __init__(self, found: Found) -> None:
        super().__init__()
        self.found = found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _note(self.found, tag, dict(attrs))

    handle_startendtag = handle_starttag


def rebase(address: str, site_root: str, base_path: str) -> str:
    """A root-relative address (``/a-propos/``) under the build's base path (``/pr-12/a-propos/``).

    Such an address names a page of the site from the site's root (``site_root``, the path of
    site.yaml's url): one already written under that root keeps the rest of its path.
    Addresses with a scheme, ``//host``, relative paths and ``#anchors`` are left as they are.
    """
    if not address.startswith("/") or address.startswith("//"):
        return address
    rest = address[len(site_root):] if address.startswith(site_root) else address[1:]
    return base_path + rest


Rewrite = Callable[[str], str]  # an address as written → the address to publish


def _rewritten(attribute: str, value: str, rewrite: Rewrite) -> str:
    if attribute != "srcset":
        return rewrite(value)
    candidates = [candidate.strip().split(" ", 1) for candidate in value.split(",")]
    return ", ".join(" ".join([rewrite(parts[0]), *parts[1:]]) for parts in candidates)


def _rewrite_all(md: markdown.Markdown, root: etree.Element, attributes: tuple[str, ...],
                 rewrite: Rewrite) -> None:
    """``rewrite`` the addresses of ``attributes`` in the tree and in the raw HTML it holds."""
    for element in root.iter():
        for attribute in attributes:
            value = element.get(attribute)
            if value:
                element.set(attribute, _rewritten(attribute, value, rewrite))
    blocks = md.htmlStash.rawHtmlBlocks
    for index, raw in enumerate(blocks):
        if isinstance(raw, str) and "<" in raw and any(name in raw for name in attributes):
            blocks[index] = _RawRewriter(raw, attributes, rewrite).result()


class _RawRewriter(HTMLParser):
    """One raw HTML snippet with the addresses of some attributes rewritten: each start tag that
    changes is written again from its parsed attributes (the sanitiser writes all of it again)."""

    def __init__(self, raw: str, attributes: tuple[str, ...], rewrite: Rewrite) -> None:
        super().__init__(convert_charrefs=True)
        self.raw = raw
        self.attributes = attributes
        self.rewrite = rewrite
        self.starts = [0]  # offset of each line
        for line in raw.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.edits: list[tuple[int, int, str]] = []  # start, end, new text

    def result(self) -> str:
        self.feed(self.raw)
        self.close()
        text = self.raw
        for start, end, new in reversed(self.edits):
            text = text[:start] + new + text[end:]
        return text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._edit(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._edit(tag, attrs, True)

    def _edit(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        written = self.get_starttag_text()
        changed = [(name, _rewritten(name, value, self.rewrite) if value and name in self.attributes
                    else value) for name, value in attrs]
        if written is None or changed == attrs:
            return
        line, column = self.getpos()
        start = self.starts[line - 1] + column
        parts = [f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in changed]
        self.edits.append((start, start + len(written), f"<{tag}{''.join(parts)}{' /' if closed else ''}>"))


class _BasePathProcessor(Treeprocessor):
    """Root-relative links, images and ``srcset`` candidates follow the build's base path, so a
    preview under ``/pr-12/`` keeps its readers under ``/pr-12/`` (raw HTML included)."""

    def __init__(self, md: markdown.Markdown, site_root: str, base_path: str) -> None:
        super().__init__(md)
        self.site_root = site_root
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        _rewrite_all(self.md, root, ("href", "src", "srcset"),
                     lambda address: rebase(address, self.site_root, self.base_path))


class _SourceLinkProcessor(Treeprocessor):
    """A link written by source (``autre.md#section``, resolved from the folder of the page's own
    source) becomes the URL of that article or page under the build's base path."""

    def __init__(self, md: markdown.Markdown, links: SourceLinks, found: Found, base_path: str) -> None:
        super().__init__(md)
        self.links = links
        self.found = found
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        _rewrite_all(self.md, root, ("href",), self.resolve)

    def resolve(self, address: str) -> str:
        named = linked_source(address, self.links.source) if self.links.source else None
        if named is None:
            return address
        file, fragment = named
        path = self.links.targets.get(file)
        target = None if path is None else path + ("#" + fragment if fragment else "")
        self.found.sources[address] = (file, target)
        return address if target is None else self.base_path + target


# --- Lists as editors write them -------------------------------------------------------------

_STASHED_BLOCK_RE = re.compile("^\x02wzxhzdk:\\d+\x03$")  # a block put aside (fenced code, HTML)
_LIST_ITEM_RE = re.compile(r"^( *)([-*+]|(\d{1,9})[.)])( +)(\S.*)?$")


class _ListPreprocessor(Preprocessor):
    """Lists as CommonMark reads them, for Python-Markdown, which needs a blank line before a
    list and 4 spaces of indent to nest one.

    - A bullet list, or a numbered list that starts at 1, may follow a paragraph line without a
      blank line (the CommonMark rule: a wrapped line starting « 2024. » stays in its paragraph).
    - An item indented under another item's text (2 spaces under « - », 3 under « 1. ») is
      nested: nesting is re-indented to Python-Markdown's 4 spaces, its continuations with it.
    - Fenced code may touch the paragraph or item line before or after it.

    Runs after raw HTML blocks and fenced code are stashed, so neither is ever touched.
    """

    def run(self, lines: list[str]) -> list[str]:
        result: list[str] = []
        # Open items, outermost first: (marker column as written, content column as written,
        # marker column as re-indented).
        items: list[tuple[int, int, int]] = []
        previous = ""
        for line in _apart(lines):
            match = _LIST_ITEM_RE.match(line)
            indent = len(line) - len(line.lstrip(" "))
            if not line.strip():
                result.append(line)
            elif match and (items or indent < 4):
                if not items and previous.strip():
                    if not _interrupts(previous, match):
                        result.append(line)  # a paragraph's wrapped line that looks like an item
                        previous = line
                        continue
                    result.append("")  # the list interrupts the paragraph
                while items and indent < items[-1][0] + 2:
                    items.pop()
                target = items[-1][2] + 4 if items else 0
                content = indent + len(match.group(2)) + len(match.group(4))
                items.append((indent, content, target))
                result.append(" " * target + line.lstrip(" "))
            elif items and indent > 0:
                # A continuation inside the deepest item whose text it is under.
                while len(items) > 1 and indent < items[-1][1]:
                    items.pop()
                _, content, target = items[-1]
                result.append(" " * (target + 4 + max(0, indent - content)) + line.lstrip(" "))
            else:
                if not previous.strip():
                    items.clear()  # a paragraph after a blank line ends the lists
                result.append(line)
            previous = line
        return result


def _apart(lines: list[str]) -> list[str]:
    """A block put aside (fenced code, stashed by now) may touch a paragraph or an item line:
    blank lines around it keep both what they are."""
    result: list[str] = []
    for line in lines:
        before = result[-1].strip() if result else ""
        stashed = bool(_STASHED_BLOCK_RE.match(line.strip()))
        if before and line.strip() and (stashed or _STASHED_BLOCK_RE.match(before)):
            result.append("")
        result.append(line)
    return result


def _interrupts(previous: str, item: re.Match[str]) -> bool:
    """Whether ``item`` may start a list right after the line ``previous`` (a paragraph's)."""
    if previous[:1] in (" ", "\t", "|", "<", ">", "\x02") or _LIST_ITEM_RE.match(previous):
        return False
    number = item.group(3)
    return (number is None or int(number) == 1) and item.group(5) is not None


# --- Footnotes, numbered once per page -------------------------------------------------------

_FENCE_LINE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def note_labels(texts: list[str]) -> list[str]:
    """The footnote labels defined (``[^label]: …``) in a page's Markdown texts, in order."""
    labels: list[str] = []
    for text in texts:
        if "[^" not in text:
            continue
        fence = ""
        for line in text.split("\n"):
            opening = _FENCE_LINE_RE.match(line)
            if fence:
                if line.strip().startswith(fence):
                    fence = ""
                continue
            if opening:
                fence = opening.group(1)[0] * 3
                continue
            match = FootnoteBlockProcessor.RE.match(line)
            if match and match.group(1) not in labels:
                labels.append(match.group(1))
    return labels


@dataclass(frozen=True)
class Note:
    """One footnote of a page: its number, its id, its text as HTML, the ids of its references."""

    number: int
    id: str
    html: str
    refs: tuple[str, ...]


class _NoteState:
    """The footnotes of the page being rendered, shared by its block and inline converters."""

    def __init__(self) -> None:
        self.definitions: dict[str, str] = {}
        self.order: list[str] = []  # labels in the order of their first reference
        self.found_refs: dict[str, int] = {}
        self.used_refs: set[str] = set()

    def start(self, labels: list[str]) -> None:
        self.definitions.clear()
        self.definitions.update((label, "") for label in labels)  # so references resolve early
        self.order.clear()
        self.found_refs.clear()
        self.used_refs.clear()

    def number(self, label: str) -> int:
        if label in self.order:
            return self.order.index(label) + 1
        unreferenced = [other for other in self.definitions if other not in self.order]
        return len(self.order) + unreferenced.index(label) + 1


class _PageFootnotes(FootnoteExtension):
    """Python-Markdown's footnotes, kept across the conversions of one page: its sections and
    blocks are converted one by one, and a note may be defined in any of them. Numbered by first
    reference; ids by number (``fn-1``, ``fnref-1``); the notes are rendered once, by the page."""

    def __init__(self, state: _NoteState) -> None:
        super().__init__(SEPARATOR="-", USE_DEFINITION_ORDER=False)
        self.state = state
        self.footnotes = state.definitions  # type: ignore[assignment]
        self.footnote_order = state.order
        self.found_refs = state.found_refs
        self.used_refs = state.used_refs

    def reset(self) -> None:
        """Each conversion resets its extensions; a page's notes outlive them (``_NoteState``)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        super().extendMarkdown(md)
        for name in ("footnote", "footnote-reorder", "footnote-duplicate"):
            if name in md.treeprocessors:
                md.treeprocessors.deregister(name)  # no list of notes after each block
        md.treeprocessors.register(_NoteRefProcessor(md), "feuillet-note-refs", ANCHORS_PRIORITY + 0.5)

    def makeFootnoteId(self, id: str) -> str:
        return f"fn-{self.state.number(id)}"

    def makeFootnoteRefId(self, id: str, found: bool = False) -> str:
        return self.unique_ref(f"fnref-{self.state.number(id)}", found)


class _NoteRefProcessor(Treeprocessor):
    """A note's reference is described by the heading of the page's notes (« Notes »)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter("a"):
            if element.get("class") == "footnote-ref":
                element.set("aria-describedby", NOTES_TITLE_ID)


def reserved_note_ids(count: int) -> set[str]:
    """The ids a page with ``count`` notes gives them, kept from derived heading ids."""
    ids = {NOTES_TITLE_ID, TABLE_LABEL_ID}
    for number in range(1, count + 1):
        ids |= {f"fn-{number}", f"fnref-{number}"}
    return ids


# --- Quotes and tables -----------------------------------------------------------------------

_OPENING_MARKS = "«“„‹\"'‘"
_CLOSING_MARKS = "»”“›\"'’"


class _QuoteMarksProcessor(Treeprocessor):
    """Put quotation marks around a quote's words, as characters of the text (they survive copy,
    feeds and screen readers), unless the editor typed them."""

    def __init__(self, md: markdown.Markdown, marks: list[tuple[str, str]]) -> None:
        super().__init__(md)
        self.marks = marks  # empty, or the one pair to add in this conversion

    def run(self, root: etree.Element) -> None:
        if not self.marks:
            return
        opening, closing = self.marks[0]
        words = "".join(root.itertext()).strip()
        if words[:1] in _OPENING_MARKS and words[-1:] in _CLOSING_MARKS:
            return
        paragraphs = [child for child in root if child.tag == "p"]
        if not paragraphs:
            return
        first, last = paragraphs[0], paragraphs[-1]
        first.text = opening + (first.text or "").lstrip()
        if len(last):
            last[-1].tail = (last[-1].tail or "").rstrip() + closing
        else:
            last.text = (last.text or "").rstrip() + closing


class _TableProcessor(Treeprocessor):
    """A table scrolls sideways in its own focusable region on a narrow screen (instead of
    widening the page), named by the page's hidden « Tableau » label (axe: a scrollable region
    must be reachable with the keyboard). A column's alignment (``|---:|``), which the tables
    extension writes as the obsolete ``align`` attribute, becomes a class (``align-right``)."""

    def run(self, root: etree.Element) -> None:
        for cell in (element for element in root.iter() if element.tag in {"th", "td"}):
            align = cell.attrib.pop("align", None)
            if align in {"left", "center", "right"}:
                cell.set("class", " ".join(filter(None, (cell.get("class"), "align-" + align))))
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "table" or parent.get("class") == "table-scroll":
                    continue
                wrapper = etree.Element("div", {"class": "table-scroll", "role": "region",
                                                "tabindex": "0", "aria-labelledby": TABLE_LABEL_ID})
                wrapper.tail, child.tail = child.tail, None
                parent.remove(child)
                wrapper.append(child)
                parent.insert(index, wrapper)


# --- Editorial blocks: ``::: kind argument`` … ``:::`` ----------------------------------------

BOXES_PRIORITY = 95  # block processor: before indented code (90), so a container's lines are ours
_BOX_OPEN_RE = re.compile(r"^:::[ \t]*([^\s:]\S*)(?:[ \t]+(.*?))?[ \t]*$")
_BOX_CLOSE_RE = re.compile(r"^:::[ \t]*$")
_BOX_FIGURE_RE = re.compile(r"^([+\-−]?\d(?:[\d \u00a0\u202f.,]*\d)?)[ \t\u00a0\u202f]*(.*)$")
_BOX_SOURCE_RE = re.compile(r"^Source[ \t\u00a0\u202f]*:", re.IGNORECASE)


@dataclass(frozen=True)
class BoxCard:
    """What a « Lire aussi » block shows of the article it names."""

    path: str  # its site path, ``'slug/'``
    title: str
    kicker: str | None
    iso: str  # its date, for ``<time datetime>``
    date: str  # and as a reader reads it


@dataclass
class Boxes:
    """What editorial blocks need on one page: the labels (from the site's catalog) and the
    articles its « Lire aussi » blocks name, by slug."""

    labels: Mapping[str, str] = field(default_factory=dict)
    cards: Mapping[str, BoxCard] = field(default_factory=dict)

    def reset(self, cards: Mapping[str, BoxCard]) -> None:
        self.cards = cards


class _BoxProcessor(BlockProcessor):
    """An editorial block: an ``<aside>`` named by its label (« L'essentiel », an encadré's
    title…), a paragraph rather than a heading, so no heading level is skipped wherever the
    block stands; the container's Markdown is rendered inside it as any other."""

    def __init__(self, parser: markdown.blockparser.BlockParser, boxes: Boxes, anchors: Anchors,
                 site_root: str) -> None:
        super().__init__(parser)
        self.boxes = boxes
        self.anchors = anchors
        self.site_root = site_root

    def test(self, parent: etree.Element, block: str) -> bool:
        opening = _BOX_OPEN_RE.match(block.split("\n", 1)[0])
        return opening is not None and opening.group(1) in BOX_KINDS

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        first, *rest = blocks.pop(0).split("\n")
        opening = _BOX_OPEN_RE.match(first)
        assert opening is not None
        kind, argument = opening.group(1), (opening.group(2) or "").strip()
        lines = [*rest, *(line for block in blocks for line in ("", *block.split("\n")))]
        depth, end = 0, len(lines)
        for index, line in enumerate(lines):
            if _BOX_CLOSE_RE.match(line):
                if depth == 0:
                    end = index
                    break
                depth -= 1
            elif _BOX_OPEN_RE.match(line):
                depth += 1
        after = "\n".join(lines[end + 1:])
        blocks[:] = [block for block in after.split("\n\n") if block.strip()]
        self._box(parent, kind, argument, "\n".join(lines[:end]).strip("\n"))

    def _box(self, parent: etree.Element, kind: str, argument: str, body: str) -> None:
        label_id = self.anchors.claim(f"bloc-{kind}")
        aside = etree.SubElement(parent, "aside", {"class": f"box box-{kind}", "aria-labelledby": label_id})
        label = etree.SubElement(etree.SubElement(aside, "p", {"class": "box-label", "id": label_id}),
                                 "strong")
        label.text = argument if kind == "encadre" else self.boxes.labels.get(kind, kind)
        source = None
        if kind == "chiffre":
            number = _BOX_FIGURE_RE.match(argument)
            value, unit = (number.group(1), number.group(2)) if number else (argument, "")
            figure = etree.SubElement(aside, "p", {"class": "box-figure"})
            strong = etree.SubElement(figure, "strong", {"class": "box-value"})
            strong.text = value
            if unit:
                strong.tail = " "
                etree.SubElement(figure, "span", {"class": "box-unit"}).text = unit
            paragraphs = body.split("\n\n")
            if len(paragraphs) > 1 and _BOX_SOURCE_RE.match(paragraphs[-1].strip()):
                body, source = "\n\n".join(paragraphs[:-1]), paragraphs[-1].strip()
        if kind == "lire-aussi":
            self._card(aside, argument)
        if body.strip():
            self.parser.parseChunk(aside, body)
        if source is not None:
            etree.SubElement(aside, "p", {"class": "box-source"}).text = source

    def _card(self, aside: etree.Element, slug: str) -> None:
        card = self.boxes.cards.get(slug)
        if card is None:  # the build reports it (content.check_cards); a page's is left as text
            etree.SubElement(aside, "p").text = slug
            return
        if card.kicker:
            etree.SubElement(aside, "p", {"class": "box-kicker"}).text = AtomicString(card.kicker)
        title = etree.SubElement(aside, "p", {"class": "box-title"})
        link = etree.SubElement(title, "a", {"href": self.site_root + card.path})
        link.text = AtomicString(card.title)
        date = etree.SubElement(aside, "p", {"class": "box-date"})
        etree.SubElement(date, "time", {"datetime": card.iso}).text = AtomicString(card.date)


class FeuilletExtension(Extension):
    """Anchors for subheads and French typography, registered at named priorities."""

    def __init__(self, anchors: Anchors, typography: bool, inline: bool, found: Found,
                 site_root: str = "/", base_path: str = "/", links: SourceLinks | None = None,
                 quote_marks: list[tuple[str, str]] | None = None, boxes: Boxes | None = None) -> None:
        super().__init__()
        self.boxes = boxes or Boxes()
        self.links = links or SourceLinks()
        self.quote_marks = quote_marks if quote_marks is not None else []
        self.site_root = site_root
        self.base_path = base_path
        self.anchors = anchors
        self.found = found
        self.typography = typography
        self.inline = inline

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(_ListPreprocessor(md), "feuillet-lists", LISTS_PRIORITY)
        md.parser.blockprocessors.register(_BoxProcessor(md.parser, self.boxes, self.anchors, self.site_root),
                                           "feuillet-boxes", BOXES_PRIORITY)
        md.treeprocessors.register(_QuoteMarksProcessor(md, self.quote_marks), "feuillet-quote-marks",
                                   QUOTE_MARKS_PRIORITY)
        md.treeprocessors.register(_TableProcessor(md), "feuillet-tables", TABLES_PRIORITY)
        md.treeprocessors.register(_AnchorProcessor(md, self.anchors), "feuillet-anchors",
                                   ANCHORS_PRIORITY)
        if self.typography:
            md.treeprocessors.register(_TypographyProcessor(md), "feuillet-typography",
                                       TYPOGRAPHY_PRIORITY)
        if self.inline:
            md.treeprocessors.register(_UnwrapProcessor(md), "feuillet-unwrap", UNWRAP_PRIORITY)
        md.treeprocessors.register(_LinkProcessor(md, self.found), "feuillet-links", LINKS_PRIORITY)
        if self.site_root != self.base_path or self.site_root != "/":
            md.treeprocessors.register(_BasePathProcessor(md, self.site_root, self.base_path),
                                       "feuillet-base-path", BASE_PATH_PRIORITY)
        md.treeprocessors.register(_SourceLinkProcessor(md, self.links, self.found, self.base_path),
                                   "feuillet-source-links", SOURCE_LINKS_PRIORITY)
        md.postprocessors.register(_SanitisePostprocessor(md), "feuillet-sanitise", SANITISE_PRIORITY)


@dataclass
class Renderer:
    """Markdown converters for one page: block and inline, sharing the page's anchors."""

    typography: bool
    anchors: Anchors = field(default_factory=Anchors)
    found: Found = field(default_factory=Found)  # links and ids since the last ``take_found``
    site_root: str = "/"  # the path of site.yaml's url
    base_path: str = "/"  # the build's URL prefix (``--base-path``; default the site root)
    links: SourceLinks = field(default_factory=SourceLinks)  # reset for each page
    boxes: Boxes = field(default_factory=Boxes)  # labels; the « Lire aussi » cards, for each page

    def take_found(self) -> Found:
        """The links and ids of the conversions since the last call, and start afresh."""
        taken = Found(list(self.found.links), list(self.found.ids), dict(self.found.sources))
        self.found.links.clear()
        self.found.ids.clear()
        self.found.sources.clear()
        return taken

    def __post_init__(self) -> None:
        self._notes = _NoteState()
        self._quote_marks: list[tuple[str, str]] = []
        self._block = self._make(inline=False)
        self._inline = self._make(inline=True)
        # Plain text is never typeset, and its links are not the page's (they are noted once,
        # by ``inline``): a converter of its own, with its own anchors and findings.
        self._plain = markdown.Markdown(
            extensions=[*_EXTENSIONS, FeuilletExtension(Anchors(), False, True, Found())],
            output_format="html",
        )

    def _make(self, inline: bool) -> markdown.Markdown:
        return markdown.Markdown(
            extensions=[*_EXTENSIONS, _PageFootnotes(self._notes),
                        FeuilletExtension(self.anchors, self.typography, inline, self.found,
                                          self.site_root, self.base_path, self.links,
                                          None if inline else self._quote_marks, self.boxes)],
            extension_configs=_EXTENSION_CONFIGS,
            output_format="html",
        )

    def start_notes(self, texts: list[str]) -> int:
        """Start a page whose Markdown ``texts`` may define footnotes; how many they define.

        References resolve in any of the page's conversions that follow, wherever the note is
        defined; :meth:`take_notes` renders the notes once, numbered in order of first reference.
        """
        labels = note_labels(texts)
        self._notes.start(labels)
        return len(labels)

    def take_notes(self) -> tuple[Note, ...]:
        """The page's footnotes, rendered (each one's text inline when it is one paragraph)."""
        state = self._notes
        labels = [*state.order, *(label for label in state.definitions if label not in state.order)]
        defined = [(label, state.definitions[label]) for label in labels if state.definitions[label]]
        notes = []
        for label, text in defined:
            number = state.number(label)
            first = f"fnref-{number}"
            count = state.found_refs.get(first, 0)
            refs = [first, *(f"fnref{copy}-{number}" for copy in range(2, count + 1))] if count else []
            notes.append(Note(number, f"fn-{number}", self.inline(text), tuple(refs)))
        return tuple(notes)

    def block(self, text: str) -> str:
        """Markdown paragraphs, lists and subheads as HTML."""
        return self._block.reset().convert(text)

    def quote(self, text: str, marks: tuple[str, str]) -> str:
        """A quote's words as HTML, between ``marks`` unless the editor typed quotation marks."""
        self._quote_marks.append(marks)
        try:
            return self._block.reset().convert(text)
        finally:
            self._quote_marks.clear()

    def inline(self, text: str) -> str:
        """One paragraph of Markdown as inline HTML, without a <p> around it."""
        return self._inline.reset().convert(text)

    def plain(self, text: str) -> str:
        """One line of inline Markdown as the plain text a reader sees, before typography.

        Marks and tags are dropped and character references decoded (``&nbsp;`` is a no-break
        space), so a section's anchor and its Sommaire entry come from the words alone.
        """
        return plain_text(self._plain.reset().convert(text))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment: tags dropped, references decoded, runs of blanks made one
    space (no-break spaces are kept: they are the text's)."""
    parser = _TextParser()
    parser.feed(fragment)
    parser.close()
    return re.sub(r"[ \t\r\n]+", " ", "".join(parser.parts)).strip(" ")

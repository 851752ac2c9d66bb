"""Markdown to HTML through one Python-Markdown extension: heading anchors and French typography.

Python-Markdown is used only here. Typography runs on the element tree's text nodes, never on
serialised HTML, so code, attributes, raw HTML and passages in another language stay untouched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

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
UNWRAP_PRIORITY = 1
# Postprocessors: raw HTML is put back at 30; the allow-list (feuillet.sanitise) runs after all.
SANITISE_PRIORITY = 0

_EXTENSIONS = ["attr_list", "fenced_code", "tables", "sane_lists"]
# Elements whose text is never typeset: code and preformatted text, scripts and styles.
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math", "svg"})
# Elements whose text forms one run of typography context (a paragraph, a heading, an item…).
_TEXT_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption",
     "blockquote", "div", "caption", "summary"}
)
# Python-Markdown hides raw HTML behind placeholders like "\x02wzxhzdk:3\x03".
_PLACEHOLDER_RE = re.compile("(\x02wzxhzdk:\\d+\x03)")


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
            typeset = typeset_runs(flat)
            position = 0
            for slot, pieces in zip(slots, split, strict=True):
                text = "".join(typeset[position : position + len(pieces)])
                position += len(pieces)
                setattr(slot.element, slot.attribute, text)
                if not slot.protected:
                    _superscript(slot, block)


    def _protect_raw_foreign(self, pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        """Text between a raw ``<span lang="en">`` and its end tag is protected too."""
        open_tags: list[str] = []
        result = []
        for text, protected in pieces:
            match = _PLACEHOLDER_RE.fullmatch(text)
            if match:
                index = int(text[len("\x02wzxhzdk:") : -1])
                raw = self.md.htmlStash.rawHtmlBlocks[index]
                tag = _RawTag(raw if isinstance(raw, str) else "")
                if tag.start and (open_tags or tag.foreign):
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
        inner = protected or child.tag in _VERBATIM or _foreign(child)
        slots.extend(_slots(child, inner))
        if child.tail:
            slots.append(_Slot(child, "tail", protected))
    return slots


def _split_placeholders(text: str, protected: bool) -> list[tuple[str, bool]]:
    if protected:
        return [(text, True)]
    parts = [part for part in _PLACEHOLDER_RE.split(text) if part]
    return [(part, bool(_PLACEHOLDER_RE.fullmatch(part))) for part in parts] or [("", False)]


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


class _BasePathProcessor(Treeprocessor):
    """Root-relative links, images and ``srcset`` candidates follow the build's base path, so a
    preview under ``/pr-12/`` keeps its readers under ``/pr-12/``."""

    def __init__(self, md: markdown.Markdown, site_root: str, base_path: str) -> None:
        super().__init__(md)
        self.site_root = site_root
        self.base_path = base_path

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value:
                    element.set(attribute, rebase(value, self.site_root, self.base_path))
            srcset = element.get("srcset")
            if srcset:
                candidates = [candidate.strip().split(" ", 1) for candidate in srcset.split(",")]
                element.set("srcset", ", ".join(
                    " ".join([rebase(parts[0], self.site_root, self.base_path), *parts[1:]])
                    for parts in candidates))


class FeuilletExtension(Extension):
    """Anchors for subheads and French typography, registered at named priorities."""

    def __init__(self, anchors: Anchors, typography: bool, inline: bool, found: Found,
                 site_root: str = "/", base_path: str = "/") -> None:
        super().__init__()
        self.site_root = site_root
        self.base_path = base_path
        self.anchors = anchors
        self.found = found
        self.typography = typography
        self.inline = inline

    def extendMarkdown(self, md: markdown.Markdown) -> None:
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
        md.postprocessors.register(_SanitisePostprocessor(md), "feuillet-sanitise", SANITISE_PRIORITY)


@dataclass
class Renderer:
    """Markdown converters for one page: block and inline, sharing the page's anchors."""

    typography: bool
    anchors: Anchors = field(default_factory=Anchors)
    found: Found = field(default_factory=Found)  # links and ids since the last ``take_found``
    site_root: str = "/"  # the path of site.yaml's url
    base_path: str = "/"  # the build's URL prefix (``--base-path``; default the site root)

    def take_found(self) -> Found:
        """The links and ids of the conversions since the last call, and start afresh."""
        taken = Found(list(self.found.links), list(self.found.ids))
        self.found.links.clear()
        self.found.ids.clear()
        return taken

    def __post_init__(self) -> None:
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
            extensions=[*_EXTENSIONS, FeuilletExtension(self.anchors, self.typography, inline, self.found,
                                                        self.site_root, self.base_path)],
            output_format="html",
        )

    def block(self, text: str) -> str:
        """Markdown paragraphs, lists and subheads as HTML."""
        return self._block.reset().convert(text)

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

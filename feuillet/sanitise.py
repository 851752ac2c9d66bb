"""Raw HTML in content goes through an allow-list: what an editor legitimately writes, nothing else.

Two halves share the same lists, so what is removed is what is reported:

- :func:`clean` enforces them on every HTML fragment rendered from content, with nh3 (the
  binding to Ammonia, the Rust sanitiser built on html5ever's browser-grade parser). It runs as
  the last postprocessor of Python-Markdown, after the raw HTML is put back into the page.
- :func:`audit` reads the Markdown *source* and names what :func:`clean` will remove, with its
  file line, so the editor gets a warning at the place to fix rather than a silent change.

Nothing here imports Markdown or Jinja; nh3 is imported only by :func:`clean`'s callers' stage.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any

from feuillet.errors import message, template

# Elements an editor may write in an article or a page: inline formatting, structure, tables,
# figures, and what Python-Markdown itself produces.
TAGS: frozenset[str] = frozenset({
    "a", "abbr", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
})
# Removed with everything inside them (the others lose their tags and keep their text).
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "template", "noscript",
                                                  "iframe", "object", "embed", "textarea",
                                                  "select", "title", "svg", "math"})
_GENERIC = frozenset({"id", "lang", "title", "dir", "class", "translate"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": _GENERIC,
    # aria-describedby: a footnote reference names the notes' heading (feuillet.markup).
    "a": frozenset({"href", "hreflang", "aria-describedby"}),
    # A table's scrolling region (feuillet.markup): focusable, named by its caption or a label.
    "div": frozenset({"role", "tabindex", "aria-labelledby"}),
    # An editorial block (feuillet.markup) is named by its label.
    "aside": frozenset({"aria-labelledby"}),
    "img": frozenset({"src", "alt", "width", "height", "srcset", "sizes", "loading"}),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "time": frozenset({"datetime"}),
    "abbr": frozenset({"title"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "details": frozenset({"open"}),
    "bdo": frozenset({"dir"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "srcset"})
# Links may be http, https or mailto, or relative (a path, ?query or #fragment: no scheme).
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

MESSAGES = {
    "element": template("removed <{tag}>: this HTML element is not allowed in content"),
    "element_content": template("removed <{tag}> and what it holds: this HTML element is not allowed "
                                "in content"),
    "handler": template("removed the {attribute} attribute of <{tag}>: event handlers are not allowed"),
    "attribute": template("removed the {attribute} attribute of <{tag}>: this attribute is not allowed"),
    "scheme": template("removed a {scheme}: address: only http, https and mailto links, paths and "
                       "#anchors are allowed"),
}

_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")  # browsers ignore these inside a URL's scheme
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
# Markdown autolinks, <https://…> and <nom@example.org> (Python-Markdown's two patterns): links,
# not HTML elements.
_AUTOLINK_RE = re.compile(r"<(?:(?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*|[^<> !]+@[^@<> ]+)>")
# Markdown link and image destinations: ](url), ](<url>), and reference definitions.
_INLINE_LINK_RE = re.compile(r"\]\(\s*(<[^>\n]*>|[^\s)]+)")
# (A footnote definition, ``[^1]: text``, is no link.)
_REFERENCE_RE = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(<[^>\n]*>|\S+)", re.MULTILINE)


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (entities decoded, blanks ignored), lower-case."""
    text = _CONTROL_RE.sub("", html.unescape(url))
    match = _SCHEME_RE.match(text)
    return match.group(1).lower() if match else None


def dangerous_url(url: str) -> str | None:
    """The scheme of ``url`` when it is not allowed (``javascript``, ``data``…), else None."""
    scheme = url_scheme(url)
    return scheme if scheme is not None and scheme not in URL_SCHEMES else None


@cache
def _cleaner() -> Any:
    import nh3

    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


def clean(fragment: str) -> str:
    """``fragment`` with everything outside the allow-list removed."""
    # html5ever writes U+00A0 as "&nbsp;": put back the character typography chose (same HTML).
    return str(_cleaner().clean(fragment)).replace("&nbsp;", "\u00a0")


@dataclass(frozen=True)
class Finding:
    """Something :func:`clean` will remove, at a line of the audited text (1 is its first)."""

    line: int
    message: str


def audit(markdown: str) -> list[Finding]:
    """What the sanitiser will remove from this Markdown source, line by line.

    Code (fenced, indented, or in backticks) is shown as written, never as HTML, so it is
    left out of the search.
    """
    if "<" not in markdown and "](" not in markdown and "]:" not in markdown:
        return []  # the common case: nothing that could be HTML or a link
    text = _blank_code(markdown)
    findings: list[Finding] = []
    if "<" in text:
        parser = _Auditor()
        parser.feed(text)
        parser.close()
        findings.extend(parser.findings)
    for pattern in (_INLINE_LINK_RE, _REFERENCE_RE):
        for match in pattern.finditer(text):
            scheme = dangerous_url(match.group(1).strip("<>"))
            if scheme is not None:
                line = text.count("\n", 0, match.start(1)) + 1
                findings.append(Finding(line, message(MESSAGES["scheme"], scheme=scheme)))
    return sorted(set(findings), key=lambda finding: (finding.line, finding.message))


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[Finding] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag not in TAGS:
            kind = "element_content" if tag in DROPPED_WITH_CONTENT else "element"
            self.findings.append(Finding(line, message(MESSAGES[kind], tag=tag)))
            return
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, frozenset())
        for attribute, value in attrs:
            if attribute not in allowed:
                kind = "handler" if attribute.startswith("on") else "attribute"
                self.findings.append(Finding(line, message(MESSAGES[kind], attribute=attribute, tag=tag)))
            elif attribute in URL_ATTRIBUTES and value:
                for url in (value.split(",") if attribute == "srcset" else [value]):
                    scheme = dangerous_url(url.strip().split(" ")[0] if attribute == "srcset" else url)
                    if scheme is not None:
                        self.findings.append(Finding(line, message(MESSAGES["scheme"], scheme=scheme)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _blank_code(markdown: str) -> str:
    """The text with code and autolinks replaced by spaces, line breaks kept so line numbers
    stay true."""
    lines = markdown.split("\n")
    fence: str | None = None
    previous_blank = True
    kept: list[str] = []
    for line in lines:
        opening = _FENCE_RE.match(line)
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            kept.append("")
        elif opening:
            fence = opening.group(1)[0] * 3
            kept.append("")
        elif previous_blank and line.startswith(("    ", "\t")) and line.strip():
            kept.append("")  # an indented code block
            continue
        else:
            kept.append(line)
        previous_blank = not line.strip()
    text = "\n".join(kept)
    if "`" in text:
        text = _CODE_SPAN_RE.sub(lambda match: re.sub(r"[^\n]", " ", match.group(0)), text)
    if "<" in text:
        text = _AUTOLINK_RE.sub(lambda match: " " * len(match.group(0)), text)
    return text

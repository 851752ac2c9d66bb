"""Split a Markdown article body into sections and blocks at the source level.

An article in Markdown form (and each prose block of the YAML form) is cut here into the model's
blocks: attributed quotes, simple lists and prose. Doing it on source lines rather than on
Python-Markdown's output is what lets error messages carry file lines and lets both content forms
load into equal models.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from feuillet.errors import Message, message, template
from feuillet.model import BOX_KINDS, Block, Figure, ItemList, Prose, Quote

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ITEM_RE = re.compile(r"^([-*+]|(\d{1,9})[.)])[ \t]+(\S.*)$")
# Headings as Python-Markdown reads them: "## Titre ##" (no space needed after the marks), and a
# setext underline of "=" or "-" alone; a thematic break ("---", "* * *") also ends a block.
_ATX_RE = re.compile(r"^(#{1,6})(?!#)[ \t]*(.*?)[ \t]*#*[ \t]*$")
_UNDERLINE_RE = re.compile(r"^(?:=+|-+)[ ]*$")
_RULE_RE = re.compile(r"^[ ]{0,3}(?:(?:-[ ]{0,2}){3,}|(?:_[ ]{0,2}){3,}|(?:\*[ ]{0,2}){3,})$")
_ANCHOR_RE = re.compile(r"[ \t]*\{[ \t]*#([^\s}]+)[ \t]*\}$")
# An attribution opens with an en dash, an em dash or a keyboard "--".
_ATTRIBUTION_RE = re.compile(r"^(?:—|–|--)[ \t\u00a0\u202f]*(\S.*)$", re.DOTALL)
# An image alone on its line: ![texte](adresse "Légende"), the title in "", '' or ().
_IMAGE_RE = re.compile(
    r"""^!\[((?:[^\]\\]|\\.)*)\]\([ \t]*(<[^<>\n]*>|[^\s()<>]+)"""
    r"""(?:[ \t]+("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*\)[ \t]*$""")
_ESCAPED_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
# A credit ends a caption after an em dash: « Le port de Nampo — Photo : AFP ».
_CREDIT_RE = re.compile(r"(?:^|[ \t\u00a0\u202f])—[ \t\u00a0\u202f]*(\S[^—]*)$")


@dataclass(frozen=True)
class RawSection:
    """A section as found in a Markdown body, before validation."""

    title: str | None
    anchor: str | None
    blocks: tuple[Block, ...]
    line: int


@dataclass(frozen=True)
class BodyIssue:
    """A problem found while splitting a body, with its file line."""

    line: int
    message: str


@dataclass(frozen=True)
class _Heading:
    """A heading of a body: ATX (``## Titre``) or setext (a line underlined with ``===``/``---``)."""

    index: int  # the index of its text line
    level: int
    text: str  # what follows the marks, an explicit ``{#id}`` included
    setext: bool


def _headings(lines: list[str], numbered: list[tuple[int, str | None]]) -> list[_Heading]:
    """The headings Python-Markdown would see at the top level of a body, outside fenced code.

    An ATX heading is any line opening with one to six ``#``; a setext heading is the first line
    of a block (after a blank line, a heading, a rule or a fence) underlined with ``=`` (level 1)
    or ``-`` (level 2), as Python-Markdown reads them.
    """
    headings: list[_Heading] = []
    block_start = True
    index = 0
    while index < len(lines):
        visible = numbered[index][1]
        if visible is None:
            block_start = True  # a fence is a block of its own
            index += 1
            continue
        atx = _ATX_RE.match(visible)
        if atx:
            headings.append(_Heading(index, len(atx.group(1)), atx.group(2), setext=False))
            block_start = True
            index += 1
            continue
        following = numbered[index + 1][1] if index + 1 < len(lines) else None
        if (block_start and visible.strip() and not visible.startswith(("    ", "\t"))
                and following is not None and _UNDERLINE_RE.match(following)):
            level = 1 if following.startswith("=") else 2
            headings.append(_Heading(index, level, visible.strip(), setext=True))
            index += 2
            continue
        block_start = not visible.strip() or _RULE_RE.match(visible) is not None
        index += 1
    return headings


def _comparable(text: str) -> str:
    """A heading or a title reduced to what a reader would compare: no marks, case or quotes."""
    text = html.unescape(re.sub(r"<[^>]*>", "", _heading_anchor(text)[0]))
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = re.sub(r"[*_`~\\«»“”\"]", "", text)
    return " ".join(text.split()).rstrip(" .").casefold()


def split_sections(text: str, first_line: int, title: str | None = None
                   ) -> tuple[list[RawSection], list[BodyIssue]]:
    """Cut a body at each heading of its top level; prose before the first is an untitled section.

    The top level is the smallest one the body uses: ``##`` for feuillet's own convention, ``#``
    (or ``===`` underlines) for Markdown written elsewhere. A first heading of that level whose
    text repeats ``title`` is dropped. Deeper headings stay in their section as subheads, renumbered
    so the first level below the sections' is ``###`` (the sections' titles are ``<h2>``).
    """
    lines = text.split("\n")
    numbered = _outside_fences(lines, first_line)
    headings = _headings(lines, numbered)
    if headings and title is not None:
        first = headings[0]
        top = min(heading.level for heading in headings)
        leading = not "".join(lines[: first.index]).strip()
        if first.level == top and leading and _comparable(first.text) == _comparable(title):
            span = 2 if first.setext else 1
            lines[first.index : first.index + span] = [""] * span
            headings = headings[1:]
    top = min((heading.level for heading in headings), default=2)
    issues: list[BodyIssue] = []
    chunks: list[tuple[str | None, str | None, int, int]] = []  # title, anchor, heading line, start
    section_title: str | None = None
    anchor: str | None = None
    heading_line = first_line
    start = first_line
    for heading in headings:
        number = first_line + heading.index
        if heading.level == top:
            chunks.append((section_title, anchor, heading_line, start))
            section_title, anchor = _heading_anchor(heading.text)
            heading_line, start = number, number + (2 if heading.setext else 1)
            if not section_title:
                issues.append(BodyIssue(number, message("a section heading has no text")))
        elif heading.setext or top != 2:
            # A subhead keeps its place; its level moves with the sections' (``#`` bodies: ``##``
            # becomes ``###``), as an ATX heading so that ``{#id}`` keeps working.
            marks = "#" * min(6, heading.level - top + 2)
            lines[heading.index] = f"{marks} {heading.text}"
            if heading.setext:
                lines[heading.index + 1] = ""
    chunks.append((section_title, anchor, heading_line, start))
    boundaries = [chunk[2] for chunk in chunks[1:]] + [first_line + len(lines)]
    sections: list[RawSection] = []
    for (section_title, anchor, heading_line, start), end in zip(chunks, boundaries, strict=True):
        body_lines = lines[start - first_line : end - first_line]
        blocks = split_blocks("\n".join(body_lines), start)
        if section_title is None and not blocks:
            continue  # nothing before the first heading
        sections.append(RawSection(section_title or None, anchor, tuple(blocks), heading_line))
    return sections, issues


def _heading_anchor(heading: str) -> tuple[str, str | None]:
    match = _ANCHOR_RE.search(heading)
    if match:
        return heading[: match.start()].strip(), match.group(1)
    return heading.strip(), None


def _outside_fences(lines: list[str], first_line: int) -> list[tuple[int, str | None]]:
    """Number lines; lines inside fenced code come back as None so no rule looks inside."""
    numbered: list[tuple[int, str | None]] = []
    fence: str | None = None
    for offset, line in enumerate(lines):
        match = _FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            numbered.append((first_line + offset, None))
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            numbered.append((first_line + offset, None))
        else:
            numbered.append((first_line + offset, line))
    return numbered


def split_blocks(text: str, first_line: int) -> list[Block]:
    """Cut Markdown into blocks: attributed quotes and simple lists become their own blocks."""
    lines = text.split("\n")
    numbered = _outside_fences(lines, first_line)
    blocks: list[Block] = []
    prose: list[str] = []
    prose_line = first_line
    index = 0
    after_blank = True

    def flush() -> None:
        chunk = "\n".join(prose).strip("\n")
        if chunk.strip():
            blocks.append(Prose(_normalise(chunk), prose_line))
        prose.clear()

    while index < len(lines):
        number, visible = numbered[index]
        line = lines[index]
        if visible is not None and after_blank and BOX_OPEN_RE.match(visible):
            # An editorial block stays whole in the prose: Markdown renders it (feuillet.markup).
            end = _container_end(numbered, index)
            if not prose:
                prose_line = number
            prose.extend(lines[index:end])
            index = end
            after_blank = True
            continue
        if visible is not None and after_blank and visible.startswith(">"):
            end = _quote_end(lines, numbered, index)
            quote = _attributed_quote(lines[index:end], number)
            if quote is None:
                end, quote = _quote_then_attribution(lines, numbered, index, end)
            if quote is not None:
                flush()
                blocks.append(quote)
                index = end
                after_blank = True
                continue
        if visible is not None and after_blank and visible.startswith("![") and _alone(lines, index):
            found = figure(visible, number)
            if found is not None:
                flush()
                blocks.append(found)
                index += 1
                continue
        if visible is not None and (after_blank or _interrupts(lines[index - 1], visible)) \
                and _ITEM_RE.match(visible):
            end, item_list = _simple_list(lines, numbered, index)
            if item_list is not None:
                flush()
                blocks.append(item_list)
                index = end
                after_blank = True
                continue
        if not prose and line.strip():
            prose_line = number
        if prose or line.strip():
            prose.append(line)
        after_blank = not line.strip()
        index += 1
    flush()
    return merge_prose(blocks)


def _container_end(numbered: list[tuple[int, str | None]], start: int) -> int:
    """The index after the ``:::`` that closes the container opened at ``start`` (or the end)."""
    depth = 0
    for index in range(start, len(numbered)):
        visible = numbered[index][1]
        if visible is None:
            continue
        if BOX_CLOSE_RE.match(visible):
            depth -= 1
            if depth == 0:
                return index + 1
        elif BOX_OPEN_RE.match(visible):
            depth += 1
    return len(numbered)


def split_credit(caption: str | None) -> tuple[str | None, str | None]:
    """A caption and the credit after its last em dash (``Légende — Photo : AFP``)."""
    if not caption:
        return None, None
    match = _CREDIT_RE.search(caption)
    if match is None:
        return caption.strip() or None, None
    return caption[: match.start()].strip() or None, match.group(1).strip()


def figure(line: str, number: int) -> Figure | None:
    """The figure a line holding only a Markdown image makes, or None."""
    match = _IMAGE_RE.match(line)
    if match is None:
        return None
    alt, address, title = match.groups()
    if address.startswith("<"):
        address = address[1:-1].strip()
    if not address:
        return None
    caption, credit = split_credit(_ESCAPED_RE.sub(r"\1", title[1:-1]) if title else None)
    return Figure(address, " ".join(_ESCAPED_RE.sub(r"\1", alt).split()), caption, credit, number)


def _alone(lines: list[str], index: int) -> bool:
    """The line at ``index`` is a paragraph by itself: the next line is blank or there is none."""
    return index + 1 >= len(lines) or not lines[index + 1].strip()
def _interrupts(previous: str, line: str) -> bool:
    """A list may start right after a paragraph's line, without a blank line (CommonMark's rule:
    a bullet, or a number 1, so that a wrapped line starting « 2024. » stays in its paragraph)."""
    match = _ITEM_RE.match(line)
    if match is None or previous[:1] in ("", " ", "\t", "|", "<", ">", "#") or _ITEM_RE.match(previous):
        return False
    return match.group(2) is None or int(match.group(2)) == 1


def _quote_then_attribution(
    lines: list[str], numbered: list[tuple[int, str | None]], start: int, end: int
) -> tuple[int, Quote | None]:
    """A blockquote followed by a paragraph « — Nom, qualité » (right after it or after one
    blank line) is an attributed quote, as if the attribution were its last paragraph."""
    at = end + 1 if end < len(lines) and not lines[end].strip() else end
    if at >= len(lines) or numbered[at][1] is None or not _ATTRIBUTION_RE.match(lines[at].strip()):
        return start, None
    stop = at
    while stop < len(lines) and lines[stop].strip() and numbered[stop][1] is not None:
        stop += 1
    attribution = " ".join(line.strip() for line in lines[at:stop])
    quote = _attributed_quote([*lines[start:end], ">", "> " + attribution], numbered[start][0])
    return (stop, quote) if quote is not None else (start, None)


def _quote_end(lines: list[str], numbered: list[tuple[int, str | None]], start: int) -> int:
    """The index after the last line of the blockquote starting at ``start``."""
    end = start
    while end < len(lines) and numbered[end][1] is not None and lines[end].startswith(">"):
        end += 1
    return end


def _attributed_quote(lines: list[str], line: int) -> Quote | None:
    """A blockquote whose last paragraph starts with a dash is a quote with an attribution."""
    inner = [re.sub(r"^> ?", "", text) for text in lines]
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n", "\n".join(inner)) if p.strip()]
    if len(paragraphs) >= 2 and _ATTRIBUTION_RE.match(paragraphs[-1]):
        words, attribution = paragraphs[:-1], paragraphs[-1]
    elif paragraphs and "\n" in paragraphs[-1]:
        *head, last = paragraphs[-1].split("\n")
        if not _ATTRIBUTION_RE.match(last.strip()):
            return None
        words, attribution = [*paragraphs[:-1], "\n".join(head)], last.strip()
    else:
        return None
    match = _ATTRIBUTION_RE.match(attribution)
    assert match is not None
    author, _, role = " ".join(match.group(1).split()).partition(",")
    return Quote(
        text=_normalise("\n\n".join(words)),
        author=author.strip(),
        role=role.strip() or None,
        line=line,
    )


def _simple_list(
    lines: list[str], numbered: list[tuple[int, str | None]], start: int
) -> tuple[int, ItemList | None]:
    """A list whose items are single paragraphs becomes a list block; anything richer stays prose."""
    first = _ITEM_RE.match(lines[start])
    assert first is not None
    ordered = first.group(2) is not None
    if ordered and int(first.group(2)) != 1:
        return start, None  # a list that starts elsewhere than 1 keeps its number in prose
    items: list[list[str]] = []
    index = start
    while index < len(lines):
        line = lines[index]
        match = _ITEM_RE.match(line)
        if numbered[index][1] is None:
            return start, None
        if match and (match.group(2) is not None) == ordered:
            items.append([match.group(3).strip()])
        elif line.strip() and line[:1] in (" ", "\t") and items:
            if _ITEM_RE.match(line.strip()) or line.strip().startswith(">"):
                return start, None  # a nested list or quote: richer than a simple list
            items[-1].append(line.strip())
        elif not line.strip():
            following = index + 1
            if following < len(lines) and lines[following][:1] in (" ", "\t") and lines[following].strip():
                return start, None  # a second paragraph inside an item
            if following < len(lines) and _ITEM_RE.match(lines[following]):
                index += 1
                continue
            break
        else:
            break
        index += 1
    return index, ItemList(
        items=tuple(" ".join(parts) for parts in items),
        ordered=ordered,
        line=numbered[start][0],
    )


def _normalise(markdown: str) -> str:
    """One canonical spelling of a prose chunk: no trailing spaces, single blank lines.

    Fenced code keeps every byte (its spaces, tabs and blank lines are the code's).
    """
    kept: list[str] = []
    source = markdown.strip("\n").split("\n")
    for (_, visible), line in zip(_outside_fences(source, 0), source, strict=True):
        if visible is None:
            kept.append(line)
        elif visible.strip() or (kept and kept[-1].strip()):
            kept.append(visible.rstrip())
    return "\n".join(kept).strip()


def merge_prose(blocks: list[Block]) -> list[Block]:
    """Adjacent prose blocks are one block, so splitting text differently yields equal models."""
    merged: list[Block] = []
    for block in blocks:
        previous = merged[-1] if merged else None
        if isinstance(block, Prose) and isinstance(previous, Prose):
            merged[-1] = Prose(previous.markdown + "\n\n" + block.markdown, previous.line)
        else:
            merged.append(block)
    return merged


# --- Editorial blocks: « ::: essentiel » … « ::: » containers --------------------------------

BOX_OPEN_RE = re.compile(r"^:::[ \t]*([^\s:]\S*)(?:[ \t]+(.*?))?[ \t]*$")
BOX_CLOSE_RE = re.compile(r"^:::[ \t]*$")
# A key figure's opening line: the number (digits, group spaces, a decimal mark), then its unit.
_FIGURE_RE = re.compile(r"^([+\-−]?\d(?:[\d \u00a0\u202f.,]*\d)?)[ \t\u00a0\u202f]*(.*)$")

BOX_MESSAGES = {
    "kind": template("unknown block kind '{kind}': expected one of {kinds}"),
    "unclosed": template("the block '{kind}' is not closed: end it with a line ':::'"),
    "list": template("the block 'essentiel' has no list item: write its key points as a list (- un point)"),
    "title": template("the block 'encadre' has no title: write it after the kind (::: encadre Le titre)"),
    "number": template("the block 'chiffre' has no number: write it after the kind, with its unit "
              "(::: chiffre 11 000 soldats)"),
    "slug": template("the block 'lire-aussi' names no article: write the article's slug after the kind "
            "(::: lire-aussi autre-article)"),
    "unknown_slug": template("the block 'lire-aussi' names '{slug}', which is no article of the site"),
    "own_slug": template("the block 'lire-aussi' names the article itself"),
}


@dataclass(frozen=True)
class Container:
    """A ``::: kind argument`` … ``:::`` container of a Markdown text, as written."""

    kind: str
    argument: str
    body: str
    line: int
    closed: bool


def key_figure(argument: str) -> tuple[str, str] | None:
    """``11 000 soldats`` → (``11 000``, ``soldats``); None when it opens with no number."""
    match = _FIGURE_RE.match(argument.strip())
    return (match.group(1), match.group(2).strip()) if match else None


def containers(text: str, first_line: int) -> list[Container]:
    """Every container of ``text`` (nested ones too, never inside fenced code), in order."""
    if ":::" not in text:
        return []
    lines = text.split("\n")
    found: list[Container] = []
    stack: list[tuple[str, str, int, int]] = []  # kind, argument, line, index of its first line
    for index, (number, visible) in enumerate(_outside_fences(lines, first_line)):
        if visible is None:
            continue
        if BOX_CLOSE_RE.match(visible):
            if stack:
                kind, argument, line, start = stack.pop()
                found.append(Container(kind, argument, "\n".join(lines[start:index]), line, True))
            continue
        opening = BOX_OPEN_RE.match(visible)
        if opening:
            stack.append((opening.group(1), opening.group(2) or "", number, index + 1))
    found += [Container(kind, argument, "\n".join(lines[start:]), line, False)
              for kind, argument, line, start in stack]
    return sorted(found, key=lambda container: container.line)


def container_issue(container: Container) -> Message | None:
    """What is wrong with a container as written (its slug is checked against the site later)."""
    kind, argument = container.kind, container.argument.strip()
    if kind not in BOX_KINDS:
        return message(BOX_MESSAGES["kind"], kind=kind, kinds=", ".join(BOX_KINDS))
    if not container.closed:
        return message(BOX_MESSAGES["unclosed"], kind=kind)
    if kind == "essentiel" and not any(_ITEM_RE.match(line.strip())
                                       for line in container.body.split("\n")):
        return message(BOX_MESSAGES["list"])
    if kind == "encadre" and not argument:
        return message(BOX_MESSAGES["title"])
    if kind == "chiffre" and key_figure(argument) is None:
        return message(BOX_MESSAGES["number"])
    if kind == "lire-aussi" and not argument:
        return message(BOX_MESSAGES["slug"])
    return None


def box_markdown(kind: str, argument: str, body: str) -> str:
    """The container a typed block of form 1 is: the same text a Markdown article would hold."""
    opening = f"::: {kind} {argument}".rstrip() if argument else f"::: {kind}"
    return "\n".join(filter(None, (opening, _normalise(body) if body.strip() else "", ":::")))

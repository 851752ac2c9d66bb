"""Bounds on pathological input, checked at load time so that every input builds or fails fast.

Python-Markdown is quadratic on a few shapes of text and recursive on nesting: a paragraph of a
megabyte, thousands of ``[`` or ``](`` left open, code spans never closed, ``<`` opening no tag,
blocks of thousands of lines (each heading or rule splits the rest of its block again), quotes
and lists nested hundreds deep, emphasis opened hundreds of times; and each element it builds
costs tens of microseconds, so a file of nothing but marks, cells or one-word paragraphs is slow
too. PyYAML recurses on nesting, and its aliases (``*name``) can repeat one text a million times.

Each function here measures one source file's texts (every string of its YAML, and a Markdown
body) in linear time with regular expressions, never with Markdown, against a *cost model* of
what the library would do, and names the line where a bound is passed. Ordinary articles stay
far below every bound: a quote nests one level, a paragraph holds a few thousand characters, a
link's brackets close a few words later, and an article has dozens of blocks, not thousands.

Pure functions of strings and plain containers, no I/O: the build reports what they return.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from feuillet.errors import message, template

# --- the bounds -------------------------------------------------------------------------------

MAX_PARAGRAPH = 100_000  # characters between two blank lines (inline parsing is quadratic in it)
MAX_BLOCKS = 5_000  # paragraphs, list items, table cells ('|') and other texts in one file (each costs)
MAX_MARKS = 10_000  # '*', '_', '`', '[', '<', '&' and '\\' in one file (each element costs ~50 µs)
BLOCK_WORK = 4_000_000  # sum over blocks of lines² (headings, rules and rows split blocks line by line)
BRACKET_WORK = 1_000_000  # characters Markdown scans from each '[' to its ']' (or the paragraph's end)
PAREN_WORK = 1_000_000  # the same from each '](' to the ')' that closes the link's address
BACKTICK_WORK = 1_000_000  # the same from each run of '`' to the run that closes it
MAX_OPEN_TAGS = 100  # '<' that open no complete HTML tag (each is scanned to the end of the text)
TAG_WORK = 5_000_000  # characters the HTML parser scans from each of those to the end of its text
MAX_TAG = 2_000  # characters one HTML tag may have to count as complete
MAX_NESTING = 20  # quotes ('>') and indented lists, one inside the other
MAX_EMPHASIS = 50  # '*' or '_' opened one inside the other in one paragraph
MAX_YAML_DEPTH = 50  # mappings and lists, one inside the other
YAML_GROWTH = 10  # aliases may make a YAML document this many times its size, no more
YAML_SLACK = 10_000  # ... plus this many values and characters

# --- the messages: templates of feuillet's catalogs, with named placeholders ---------------------

PARAGRAPH = template("a paragraph of {length:,} characters (the limit is {limit:,}): break it up with "
                     "blank lines")
BLOCK_LINES = template("{lines:,} lines without a blank line between them: Markdown slows down on long "
               "blocks, and this file has too many long ones; put blank lines between paragraphs, headings "
               "and list items")
BLOCKS = template("more than {limit:,} paragraphs, list items, table cells and other texts in one file: "
          "split it into several")
MARKS = template("more than {limit:,} Markdown marks ('*', '_', '`', '[', '<', '&' and '\\') in one file, "
         "which Markdown reads slowly: split it into several")
BRACKETS = template("{count:,} '[' in this paragraph are left open or nested deep, which Markdown reads very "
            "slowly: close each with ']' or write it as \\[")
PARENS = template("{count:,} links in this paragraph open an address with '](' that is not closed with ')', "
          "which Markdown reads very slowly: close each or write the '(' as \\(")
BACKTICKS = template("{count:,} runs of '`' in this paragraph open code that is not closed soon, which "
             "Markdown reads very slowly: close each or write it as \\`")
TAGS = template("{count:,} '<' that open no complete HTML tag, which Markdown reads very slowly: write a '<' "
        "that starts no tag as &lt;")
NESTING = template("nested {depth:,} levels deep with quotes ('>'), list items and indentation (the limit is "
           "{limit}): nest quotes and lists less")
EMPHASIS = template("emphasis ('*' or '_') opened {depth:,} levels deep (the limit is {limit}): close each "
            "emphasis before opening another, or write a lone '*' as \\*")
YAML_DEEP = template("the YAML is nested more than {limit} levels deep here: feuillet's files need only a "
             "few levels")
YAML_ALIASES = template("the aliases (*name) in this YAML expand it to more than {limit:,} values and "
                "characters: write the text out instead of repeating it")


@dataclass(frozen=True)
class Text:
    """One text of a source file that Markdown or typography will read."""

    text: str
    line: int  # the file line of its first line
    key: str  # how messages name it: ``body``, ``standfirst``, ``sections[1].blocks[2]``…


@dataclass(frozen=True)
class Excess:
    """A bound exceeded: where, and what to do about it."""

    line: int
    key: str
    message: str


# --- Markdown ---------------------------------------------------------------------------------

_BREAK_RE = re.compile(r"\n(?:[ \t]*\n)+")
# A list item that does not start a paragraph (those are counted as paragraphs). These start
# with a literal "\n", found much faster than "^" with MULTILINE.
_ITEM_RE = re.compile(r"(?<=[^\n])\n[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]")
# Searched in "\n" + text, for the same reason.
_LIST_MARK = r"(?:[-*+]|\d{1,9}[.)])(?=[ \t])"  # a list item's bullet or number
_DEEP_RE = re.compile(rf"\n(?:[ \t>]|{_LIST_MARK}){{{MAX_NESTING + 1},}}")
_LIST_MARK_RE = re.compile(_LIST_MARK)
_FENCE_RE = re.compile(r"^[ \t>]*(`{3,}|~{3,})", re.MULTILINE)
# What Python-Markdown's HTML parser reads as a whole tag, comment or declaration, quickly.
_COMPLETE_TAG_RE = re.compile(
    r"""<(?:[A-Za-z][A-Za-z0-9:-]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>
         |/[A-Za-z][A-Za-z0-9:-]*\s*>
         |!--.*?-->
         |!\[CDATA\[.*?\]\]>
         |![A-Za-z][^<>]*>
         |\?[^<>]*>
         |[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*>
         |[^\s<>@]+@[^\s<>]+>)""",
    re.VERBOSE | re.DOTALL,
)
_MARK_RE = re.compile(r"[*_`\[<&\\]")  # what makes Markdown build an element (or try to)
_MARKS_RE = re.compile(r"[\n\[`*_<&\\|]")  # what any bound below is about
_INDENT = frozenset(" \t>-+0123456789")  # how a quote, a list item or indented text starts
_SPACE = frozenset(" \t\n\r\f\v\u00a0\u202f")


Report = Callable[[str, "Excess"], None]  # (rule, excess): keeps the first excess of each rule


@dataclass
class _Worst:
    """The paragraph where one cost model is highest (local to one check)."""

    cost: int = 0
    line: int = 0
    key: str = ""
    count: int = 0

    def offer(self, cost: int, item: Text, offset: int, count: int) -> None:
        """Keep the paragraph of ``item`` starting at ``offset`` if it costs the most so far."""
        if cost > self.cost:
            self.cost, self.line, self.key, self.count = cost, _line_at(item, offset), item.key, count


@dataclass
class _Tally:
    """The running totals of one file's texts (local to :func:`markdown_problems`)."""

    blocks: int = 0
    marks: int = 0
    block_work: int = 0
    bracket_work: int = 0
    backtick_work: int = 0
    open_tags: int = 0
    tag_work: int = 0


def markdown_problems(texts: Iterable[Text]) -> list[Excess]:
    """The bounds one file's Markdown texts exceed (at most one problem per bound)."""
    every = list(texts)
    items = [item for item in every if not _plain(item.text)]
    plain = len(every) - len(items)
    found: dict[str, Excess] = {}

    def report(rule: str, excess: Excess) -> None:
        found.setdefault(rule, excess)

    # First what each text can cost at most, cheaply: where that stays within every bound, the
    # exact measures below are not needed (an ordinary file never needs them).
    tally = _Tally()
    blocks = work = bracket_bound = paren_bound = backtick_bound = 0
    exact = False
    for item in items:
        text = item.text
        size = len(text)
        tally.marks += len(_MARK_RE.findall(text))
        if tally.marks > MAX_MARKS:
            report("marks", Excess(item.line, item.key, message(MARKS, limit=MAX_MARKS)))
        lines = text.count("\n") + 1
        blocks += lines + text.count("|")  # each line starts at most one block
        work += lines * lines
        exact = exact or size > MAX_PARAGRAPH or text.count("*") + text.count("_") > MAX_EMPHASIS
        if "\n" in text or text[:1] in _INDENT:
            _nesting(item, report)
        if "<" in text and "tags" not in found:
            _tags(item, tally, report)
        bracket_bound += text.count("[") * size  # each mark is scanned at most to the text's end
        paren_bound += text.count("](") * size
        backtick_bound += text.count("`") * size
    if exact or plain + blocks > MAX_BLOCKS or plain + work > BLOCK_WORK:
        _blocks(items, plain, tally, report)
    brackets, parens, backticks = _Worst(), _Worst(), _Worst()
    if bracket_bound > BRACKET_WORK and sum(_bracket_cost(i, brackets) for i in items) > BRACKET_WORK:
        report("brackets", Excess(brackets.line, brackets.key, message(BRACKETS, count=brackets.count)))
    if paren_bound > PAREN_WORK and sum(_paren_cost(i, parens) for i in items) > PAREN_WORK:
        report("parens", Excess(parens.line, parens.key, message(PARENS, count=parens.count)))
    if backtick_bound > BACKTICK_WORK and sum(_backtick_cost(i, backticks) for i in items) > BACKTICK_WORK:
        report("backticks", Excess(backticks.line, backticks.key, message(BACKTICKS, count=backticks.count)))
    return sorted(found.values(), key=lambda excess: excess.line)


def _plain(text: str) -> bool:
    """A few plain words (a title, a name, a sentence): nothing any bound is about."""
    return len(text) < 1_000 and text[:1] not in _INDENT and not _MARKS_RE.search(text, 0, len(text.rstrip()))


def _blocks(items: Sequence[Text], plain: int, tally: _Tally, report: Report) -> None:
    """The exact measures of blocks: how many, how long, their lines², their emphasis."""
    tally.blocks = tally.block_work = plain  # a plain text is one block of one line
    longest = _Worst()
    for item in items:
        text = item.text
        end = len(text.rstrip("\n"))
        tally.blocks += (1 + len(_BREAK_RE.findall(text, 0, end)) + len(_ITEM_RE.findall(text, 0, end))
                         + text.count("|"))
        if tally.blocks > MAX_BLOCKS:
            report("blocks", Excess(item.line, item.key, message(BLOCKS, limit=MAX_BLOCKS)))
        _paragraphs(item, tally, longest, report)
    if tally.block_work > BLOCK_WORK:
        report("block lines", Excess(longest.line, longest.key, message(BLOCK_LINES, lines=longest.count)))


def _paragraphs(item: Text, tally: _Tally, longest: _Worst, report: Report) -> None:
    """Per paragraph: its length, its emphasis, and the lines² of its block (fenced code counts
    as one line)."""
    text, start, line = item.text, 0, item.line
    fences = "```" in text or "~~~" in text
    emphasis = text.count("*") + text.count("_") > MAX_EMPHASIS
    for end, after, newlines in _breaks(text):
        length = end - start
        if length > MAX_PARAGRAPH:
            too_long = message(PARAGRAPH, length=length, limit=MAX_PARAGRAPH)
            report("paragraph", Excess(line, item.key, too_long))
        lines = text.count("\n", start, end) + 1
        if fences and lines > 1:
            lines = _outside_fences(text[start:end])
        tally.block_work += lines * lines
        if lines > longest.cost:
            longest.cost, longest.line, longest.key, longest.count = lines, line, item.key, lines
        if emphasis and text.count("*", start, end) + text.count("_", start, end) > MAX_EMPHASIS:
            _emphasis(item, start, end, line, report)
        line += newlines
        start = after


def _breaks(text: str) -> list[tuple[int, int, int]]:
    """(end of the paragraph, start of the next, newlines from one start to the next)."""
    found = []
    start = 0
    end = len(text.rstrip("\n"))  # a last line end starts no line
    for match in _BREAK_RE.finditer(text, 0, end):
        found.append((match.start(), match.end(), text.count("\n", start, match.end())))
        start = match.end()
    found.append((end, end, 0))
    return found


def _outside_fences(block: str) -> int:
    """Lines of a block that are not inside fenced code (which Markdown sets aside first)."""
    count, fence = 0, ""
    for line in block.split("\n"):
        match = _FENCE_RE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
        elif match:
            fence = match.group(1)
            count += 1
        else:
            count += 1
    return count


def _line_at(item: Text, offset: int) -> int:
    return item.line + item.text.count("\n", 0, offset)


def _nesting(item: Text, report: Report) -> None:
    """Lines that start with more than MAX_NESTING levels of quotes ('>'), list items (one inside
    the other on one line, such as ``1. 1. 1.``) and indentation (four columns a level)."""
    text = item.text
    for match in _DEEP_RE.finditer("\n" + text):
        start, end = match.start(), match.end() - 1  # in ``text``
        prefix = text[start:end].expandtabs(4)
        quotes = prefix.count(">")
        marks = len(_LIST_MARK_RE.findall(text, start, end + 1))
        if not quotes and not marks and text[end : end + 1] in ("", "\n"):
            continue  # a blank line, however many spaces it holds
        spaces = len(prefix) - quotes - sum(len(mark) for mark in _LIST_MARK_RE.findall(text, start, end + 1))
        depth = quotes + marks + max(0, spaces - prefix.count("> ") - marks) // 4
        if depth > MAX_NESTING and not _in_fence(text, start):
            line = _line_at(item, start)
            report("nesting", Excess(line, item.key, message(NESTING, depth=depth, limit=MAX_NESTING)))
            return


def _in_fence(text: str, offset: int) -> bool:
    """Whether ``offset`` is inside fenced code (then Markdown does not parse it)."""
    fence = ""
    for match in _FENCE_RE.finditer(text, 0, offset):
        mark = match.group(1)
        if not fence:
            fence = mark
        elif mark[0] == fence[0] and len(mark) >= len(fence):
            fence = ""
    return bool(fence)


_BRACKET_RE = re.compile(r"\\.|[\[\]]|\n(?:[ \t]*\n)+", re.DOTALL)
_PAREN_RE = re.compile(r"\\.|\]\(|[()]|\n(?:[ \t]*\n)+", re.DOTALL)
_BACKTICK_RE = re.compile(r"\\.|`+|\n(?:[ \t]*\n)+", re.DOTALL)
_EMPHASIS_RE = re.compile(r"\\.|[*_]+", re.DOTALL)
_TAG_START_RE = re.compile(r"<[A-Za-z/!?]")



def _bracket_cost(item: Text, worst: _Worst) -> int:
    """How far Markdown scans for links: from each '[' to the ']' that closes it, or to the end
    of its paragraph when none does (then every later '[' is scanned as far: quadratic)."""
    text = item.text
    total = paragraph = marks = start = 0
    opened: list[int] = []
    for match in _BRACKET_RE.finditer(text):
        token, at = match.group(), match.start()
        if token == "[":
            opened.append(at)
            marks += 1
        elif token == "]":
            if opened:
                paragraph += at - opened.pop()
        elif token[0] == "\n":
            paragraph += len(opened) * at - sum(opened)
            worst.offer(paragraph, item, start, marks)
            total += paragraph
            paragraph = marks = 0
            start = match.end()
            opened.clear()
    paragraph += len(opened) * len(text) - sum(opened)
    worst.offer(paragraph, item, start, marks)
    return total + paragraph


def _paren_cost(item: Text, worst: _Worst) -> int:
    """How far Markdown scans for link addresses: from each '](' to the ')' that closes it
    (parentheses inside count in pairs), or to the end of its paragraph."""
    text = item.text
    total = paragraph = marks = start = 0
    opened: list[tuple[int, bool]] = []  # where each '(' is, and whether it opens an address
    for match in _PAREN_RE.finditer(text):
        token, at = match.group(), match.start()
        if token == "](":
            opened.append((at + 1, True))
            marks += 1
        elif token == "(":
            opened.append((at, False))
        elif token == ")":
            if opened:
                where, address = opened.pop()
                paragraph += at - where if address else 0
        elif token[0] == "\n":
            paragraph += sum(at - where for where, address in opened if address)
            worst.offer(paragraph, item, start, marks)
            total += paragraph
            paragraph = marks = 0
            start = match.end()
            opened.clear()
    paragraph += sum(len(text) - where for where, address in opened if address)
    worst.offer(paragraph, item, start, marks)
    return total + paragraph


def _backtick_cost(item: Text, worst: _Worst) -> int:
    """How far Markdown scans for code spans: from each run of backticks to the next run of the
    same length, or to the end of its paragraph."""
    text = item.text
    total = paragraph = marks = start = 0
    opened: dict[int, int] = {}  # length of a run → where it opened
    for match in _BACKTICK_RE.finditer(text):
        token, at = match.group(), match.start()
        if token[0] == "`":
            marks += 1
            if len(token) in opened:
                paragraph += at - opened.pop(len(token))
            else:
                opened[len(token)] = at
        elif token[0] == "\n":
            paragraph += len(opened) * at - sum(opened.values())
            worst.offer(paragraph, item, start, marks)
            total += paragraph
            paragraph = marks = 0
            start = match.end()
            opened.clear()
    paragraph += len(opened) * len(text) - sum(opened.values())
    worst.offer(paragraph, item, start, marks)
    return total + paragraph


def _emphasis(item: Text, start: int, end: int, line: int, report: Report) -> None:
    """Emphasis opened inside emphasis in one paragraph: a run of '*' or '_' closes the innermost
    one, opens one, or (between spaces, or a list's bullet) neither."""
    text = item.text
    depth = deepest = 0
    for match in _EMPHASIS_RE.finditer(text, start, end):
        at, after_at = match.start(), match.end()
        if text[at] == "\\":
            continue
        before = text[at - 1] if at else " "
        after = text[after_at] if after_at < len(text) else " "
        opens = after not in _SPACE and (before in _SPACE or not before.isalnum())
        closes = before not in _SPACE and (after in _SPACE or not after.isalnum())
        if closes and depth:
            depth -= 1
        elif opens:
            depth += 1
            deepest = max(deepest, depth)
    if deepest > MAX_EMPHASIS:
        report("emphasis", Excess(line, item.key, message(EMPHASIS, depth=deepest, limit=MAX_EMPHASIS)))


def _tags(item: Text, tally: _Tally, report: Report) -> None:
    """'<' that opens no complete tag: Python-Markdown's HTML parser scans on from each one."""
    text = item.text
    end = len(text)
    for match in _TAG_START_RE.finditer(text):
        at = match.start()
        if _COMPLETE_TAG_RE.match(text, at, min(end, at + MAX_TAG)) is None:
            tally.open_tags += 1
            tally.tag_work += end - at
            if tally.open_tags > MAX_OPEN_TAGS or tally.tag_work > TAG_WORK:
                report("tags", Excess(_line_at(item, at), item.key, message(TAGS, count=tally.open_tags)))
                return


# --- the texts of a YAML document -------------------------------------------------------------


def texts_of(data: Any, line: int = 1, key: str = "") -> list[Text]:
    """Every string in parsed YAML (mappings with ``key_lines``, lists with ``item_lines``), with
    its line and key; a string with a line end is taken as a block scalar (``|`` or ``>``), whose
    text starts on the line after its key."""
    found: list[Text] = []
    pending: list[tuple[Any, int, str]] = [(data, line, key)]
    while pending:
        value, at, name = pending.pop()
        if isinstance(value, str):
            block = value.endswith("\n") or "\n" in value.rstrip("\n")  # a block scalar: | or >
            first = at + 1 if block else at
            found.append(Text(value, first, name or "document"))
        elif isinstance(value, dict):
            lines = getattr(value, "key_lines", {})
            for child, item in value.items():
                pending.append((item, lines.get(child, at), f"{name}.{child}" if name else str(child)))
        elif isinstance(value, list):
            lines = getattr(value, "item_lines", [])
            for index, item in enumerate(value):
                item_line = lines[index] if index < len(lines) else at
                pending.append((item, item_line, f"{name}[{index + 1}]"))
    found.reverse()
    return found


# --- YAML -------------------------------------------------------------------------------------


def yaml_problem(data: Any, size: int, first_line: int = 1) -> Excess | None:
    """Nesting deeper than MAX_YAML_DEPTH, or aliases that repeat too much (counted with their
    repetitions, stopping as soon as the bound is passed: a "billion laughs" costs nothing)."""
    limit = YAML_GROWTH * size + YAML_SLACK
    weight = 0
    pending: list[tuple[Any, int, int]] = [(data, 1, first_line)]
    while pending:
        value, depth, line = pending.pop()
        weight += 1
        if isinstance(value, str):
            weight += len(value)
        elif isinstance(value, dict | list):
            line = getattr(value, "line", line) or line
            if depth > MAX_YAML_DEPTH:
                return Excess(line, "yaml", message(YAML_DEEP, limit=MAX_YAML_DEPTH))
            children: Sequence[Any] = list(value.values()) if isinstance(value, dict) else value
            weight += len(children)
            pending.extend((child, depth + 1, line) for child in children)
        if weight > limit:
            return Excess(first_line, "yaml", message(YAML_ALIASES, limit=limit))
    return None

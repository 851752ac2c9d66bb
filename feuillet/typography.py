"""Apply French typographic conventions to the plain text of a paragraph.

The rules follow the *Lexique des règles typographiques en usage à
l'Imprimerie nationale* and French press usage:

* U+202F (narrow no-break space) before ``;``, ``!`` and ``?``; U+00A0 before
  ``:`` and inside « » guillemets.  An ordinary space typed there is replaced,
  an existing no-break space of either kind is kept, a missing one is added.
* Straight double quotes become « » (or “ ” when nested in an open « »),
  every ``'`` becomes the apostrophe ``’`` and ``...`` becomes ``…``.
* A spaced hyphen (`` - `` or `` -- ``) becomes an en dash ``–``.  Incise
  dashes get a no-break space on their inner side (``mot –\u00a0incise\u00a0– suite``);
  within a sentence the first spaced dash opens and the second closes, and a
  lone or leading (attribution) dash is an opening one.
* Ordinal suffixes are normalised (``1ère`` → ``1re``, ``2ème`` → ``2e``,
  ``XXème`` → ``XXe``) and a no-break space binds ``M.``, ``Mme``, ``Dr``…
  to the capitalised name that follows and ``n°``, ``p.``, ``art.`` to their
  number.
* Numbers: a no-break space binds a number to its unit or sign
  (``35\u00a0%``, ``12\u00a0km``, ``3\u00a0millions``) and hours are written
  ``14\u00a0h\u00a030``; clock times ``10:30`` and ratios ``16:9`` are left alone.

House style for digit grouping (U+202F every three digits):

* Integers of five digits or more are grouped; four-digit numbers are *not*
  (the Imprimerie nationale allows both; not grouping avoids any confusion
  with years).  Only the integer part of a decimal is grouped.
* Digit runs that look like identifiers are never grouped: a leading ``0``
  (phone numbers, postcodes such as ``01000``), more than twelve digits
  (ISBN, EAN), a five-digit number followed by a capitalised word or preceded
  by "code postal"/"CP" (postcodes such as ``75001 Paris``), a number after
  ``n°``, numbers glued to letters (``A320``), signs (``+33…``) or other
  digits by ``.``, ``:`` or ``/`` (versions, times, ratios, dates).
* A number typed with ordinary spaces (``10 000``) gets U+202F separators only
  when its groups are 1–3 digits then exactly three digits, the first group
  does not start with ``0``, no digit group precedes it (``en 2024 100
  personnes``) or follows it (phone numbers), and a word or a unit/currency
  sign follows it.

URLs, e-mail addresses and bare domain names are never modified; callers
protect code, raw HTML and passages in other languages by passing them as
protected runs.  Every rule is idempotent, so typeset text comes out
unchanged.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from typing import NamedTuple

_NBSP = "\u00a0"
_NNBSP = "\u202f"

# Characters after which a straight double quote opens a quotation.
_OPENING_CONTEXT = frozenset("([{«“‘’'-–—/")
# Characters before which a straight double quote closes a quotation.
_CLOSING_CONTEXT = frozenset(".,;:!?…)]}»”")


class _Edit(NamedTuple):
    """Replace ``text[start:end]`` (an insertion when both are equal)."""

    start: int
    end: int
    text: str
    # For an insertion at a run boundary: whether it belongs to the run on
    # the right (the punctuation it is attached to) rather than the left.
    right: bool = False


class _View:
    """The paragraph as one string, knowing which positions are protected."""

    __slots__ = ("protected_segments", "starts", "text")

    def __init__(self, texts: Sequence[str], protected: Sequence[bool]) -> None:
        self.text = "".join(texts)
        self.protected_segments = protected
        starts: list[int] = []
        position = 0
        for chunk in texts:
            starts.append(position)
            position += len(chunk)
        self.starts = starts

    def segment(self, position: int) -> int:
        """Index of the segment holding ``position`` (0 <= position < len)."""
        # Empty segments share their start with the next one; bisect_right
        # skips past them to the segment that really holds the character.
        return bisect_right(self.starts, position) - 1

    def protected(self, position: int) -> bool:
        return self.protected_segments[self.segment(position)]

    def char(self, position: int) -> str:
        """The character at ``position``, or "" outside the text."""
        if 0 <= position < len(self.text):
            return self.text[position]
        return ""


# --------------------------------------------------------------------------
# URLs and e-mail addresses

_URL_CHARS = r"[^\s<>\"«»“”‘’…]"
_URL = re.compile(
    r"(?<![\w@.+\-])(?:"
    rf"[a-zA-Z][a-zA-Z0-9+.\-]*://{_URL_CHARS}*"
    rf"|(?:mailto|tel):{_URL_CHARS}+"
    rf"|www\.{_URL_CHARS}+"
    r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
    r"|(?:[a-z0-9\-]+\.)+(?:fr|com|org|net|eu|io|info|gouv|be|ch|ca|uk|de)"
    rf"(?:/{_URL_CHARS}*)?(?![\w@\-])"
    r")"
)


def _trim_url(url: str) -> str:
    """Drop the sentence punctuation that follows a URL in running text."""
    while url:
        last = url[-1]
        if last in ".,;:!?'" or (last in ")]" and url.count("(" if last == ")" else "[") < url.count(last)):
            url = url[:-1]
        else:
            break
    return url


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _URL.finditer(text):
        end = match.start() + len(_trim_url(match.group()))
        if end > match.start():
            spans.append((match.start(), end))
    return spans


def _split_segments(
    runs: Sequence[tuple[str, bool]],
) -> tuple[list[str], list[bool], list[int]]:
    """Cut unprotected runs around URLs, which then count as protected."""
    spans = _url_spans("".join(text for text, _ in runs))
    texts: list[str] = []
    protected: list[bool] = []
    origins: list[int] = []

    def add(text: str, is_protected: bool, origin: int) -> None:
        if text:
            texts.append(text)
            protected.append(is_protected)
            origins.append(origin)

    offset = 0
    for index, (text, is_protected) in enumerate(runs):
        start, end = offset, offset + len(text)
        offset = end
        if is_protected:
            add(text, True, index)
            continue
        cursor = start
        for span_start, span_end in spans:
            if span_end <= cursor or span_start >= end:
                continue
            span_start = max(span_start, cursor)
            span_end = min(span_end, end)
            add(text[cursor - start : span_start - start], False, index)
            add(text[span_start - start : span_end - start], True, index)
            cursor = span_end
        add(text[cursor - start :], False, index)
    return texts, protected, origins


# --------------------------------------------------------------------------
# Applying edits to segments


def _insertion_segment(view: _View, edit: _Edit) -> int | None:
    """Pick the unprotected segment that receives an insertion."""
    left = view.segment(edit.start - 1) if edit.start > 0 else None
    right = view.segment(edit.start) if edit.start < len(view.text) else None
    order = (right, left) if edit.right else (left, right)
    for candidate in order:
        if candidate is not None and not view.protected_segments[candidate]:
            return candidate
    return None


def _apply(view: _View, texts: list[str], edits: list[_Edit]) -> list[str]:
    per_segment: dict[int, list[tuple[int, int, str]]] = {}
    last_end = -1
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < last_end:
            continue  # Overlapping edits: the first one wins.
        if edit.start < edit.end:
            segment = view.segment(edit.start)
            # A replacement never crosses a run boundary, so characters never
            # move from one run to another.
            if view.protected_segments[segment] or view.segment(edit.end - 1) != segment:
                continue
        else:
            found = _insertion_segment(view, edit)
            if found is None:
                continue
            segment = found
        base = view.starts[segment]
        per_segment.setdefault(segment, []).append((edit.start - base, edit.end - base, edit.text))
        last_end = edit.end
    result = list(texts)
    for segment, operations in per_segment.items():
        source = texts[segment]
        pieces = []
        cursor = 0
        for start, end, replacement in operations:
            pieces.append(source[cursor:start])
            pieces.append(replacement)
            cursor = end
        pieces.append(source[cursor:])
        result[segment] = "".join(pieces)
    return result


# --------------------------------------------------------------------------
# Rules.  Each takes the current view and yields edits on unprotected text.

_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
_ORDINAL = re.compile(
    r"(?<!\w)(?:(?P<first>1)(?P<re>ère|ere|ière|iere)"
    r"|(?P<number>[0-9]+|[IVXLCDM]+)(?P<e>ème|eme|ième|ieme|è))(?=s?(?!\w))"
)
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# Single letters that are far more often words (Ce, De, Le, Me) than numerals.
_AMBIGUOUS_ROMAN = frozenset("CDLM")


def _is_roman(numeral: str) -> bool:
    return bool(numeral) and numeral not in _AMBIGUOUS_ROMAN and _ROMAN.fullmatch(numeral) is not None


def _characters(view: _View) -> Iterator[_Edit]:
    """Apostrophes, ellipses and ordinal suffixes."""
    text = view.text
    position = text.find("'")
    while position != -1:
        yield _Edit(position, position + 1, "’")
        position = text.find("'", position + 1)
    for match in _ELLIPSIS.finditer(text):
        yield _Edit(match.start(), match.end(), "…")
    for match in _ORDINAL.finditer(text):
        if match.group("re") is not None:
            yield _Edit(match.start("re"), match.end("re"), "re")
            continue
        number = match.group("number")
        if number[0].isdigit() or _is_roman(number):
            yield _Edit(match.start("e"), match.end("e"), "e")


_QUOTE = re.compile(r"[\"«»“”]")
_PAIRS = {"«": "»", "“": "”"}


def _quotes(view: _View) -> Iterator[_Edit]:
    """Straight double quotes become guillemets, or English quotes when nested."""
    text = view.text
    stack: list[str] = []
    for match in _QUOTE.finditer(text):
        position = match.start()
        if view.protected(position):
            continue
        mark = match.group()
        if mark in _PAIRS:
            stack.append(mark)
            continue
        if mark != '"':
            # An existing closing mark ends the innermost quotation of its kind.
            opening = "«" if mark == "»" else "“"
            if opening in stack:
                while stack.pop() != opening:
                    pass
            continue
        before = view.char(position - 1)
        after = view.char(position + 1)
        opens_here = before == "" or before.isspace() or before in _OPENING_CONTEXT
        closes_here = after == "" or after.isspace() or after in _CLOSING_CONTEXT
        if opens_here and not closes_here:
            opening = "“" if stack else "«"
            stack.append(opening)
            yield _Edit(position, position + 1, opening)
        elif stack:
            yield _Edit(position, position + 1, _PAIRS[stack.pop()])
        # Otherwise a closing quote with nothing open (e.g. inches): left alone.


_SPACED_DASH = re.compile(r"(?<!\S)(?:--|-|–|—)(?=\s)")
# Not "?" nor "!": an incise may ask or exclaim ("mot – n’est-ce pas ? – suite").
# "M." (a single capital then a period) is an abbreviation, not a sentence end.
_SENTENCE_END = re.compile(r"(?:(?<!\b[A-Z])\.|…)[»”)\]]*\s|\n")


def _dashes(view: _View) -> Iterator[_Edit]:
    """Spaced hyphens become en dashes with a no-break space on the inner side."""
    text = view.text
    is_open = False
    previous_end = 0
    for match in _SPACED_DASH.finditer(text):
        start, end = match.span()
        if any(view.protected(p) for p in range(start, end)):
            continue
        # A spaced dash between digits is arithmetic or a range, not an incise.
        if view.char(start - 2).isdigit() and view.char(end + 1).isdigit():
            continue
        if _SENTENCE_END.search(text, previous_end, start):
            is_open = False  # Incises do not span sentences.
        previous_end = end
        if match.group() in ("-", "--"):
            yield _Edit(start, end, "–")
        if is_open:
            if view.char(start - 1) == " ":
                yield _Edit(start - 1, start, _NBSP)
        elif view.char(end) == " ":
            yield _Edit(end, end + 1, _NBSP)
        is_open = not is_open


_SPACED_PUNCTUATION = re.compile(r"[;!?:«»]")
# No-break spaces are allowed inside so that spaces added by later rules
# ("&14h30;") cannot turn a non-spaced semicolon into a spaced one.
_ENTITY_BEFORE = re.compile(r"&#?[A-Za-z0-9\u00a0\u202f]+\Z")
# After these a high punctuation mark is not separated: "?!", "(?)", "::".
_NO_SPACE_AFTER = frozenset("!?;:([{«“")
# A closing guillemet is separated from everything but an opening bracket.
_NO_SPACE_BEFORE_CLOSING = frozenset("([{«“")


def _space_before(
    view: _View, position: int, space: str, glued_after: frozenset[str] = _NO_SPACE_AFTER
) -> _Edit | None:
    """Edit putting ``space`` before the punctuation mark at ``position``."""
    before = view.char(position - 1)
    if before == " ":
        return _Edit(position - 1, position, space)
    if before == "" or before.isspace() or before in glued_after:
        # Existing no-break spaces of either kind are kept as typed.
        return None
    return _Edit(position, position, space, right=True)


def _punctuation_spacing(view: _View) -> Iterator[_Edit]:
    """No-break spaces around ; ! ? : and inside « »."""
    text = view.text
    for match in _SPACED_PUNCTUATION.finditer(text):
        position = match.start()
        if view.protected(position):
            continue
        mark = match.group()
        after = view.char(position + 1)
        edit: _Edit | None
        if mark == "«":
            if after == " ":
                edit = _Edit(position + 1, position + 2, _NBSP)
            elif after == "" or after.isspace() or after == "»":
                edit = None
            else:
                edit = _Edit(position + 1, position + 1, _NBSP)
        elif mark == "»":
            edit = _space_before(view, position, _NBSP, _NO_SPACE_BEFORE_CLOSING)
        elif mark == ":":
            # Only a colon that ends a clause: "http://", "a:b", "10:30" and
            # "16:9" have no space after them.  "2024:" would read as a time.
            # A closing guillemet counts as a clause end, as it will be spaced.
            ends_clause = after == "" or after.isspace() or after in "»”"
            if not ends_clause or view.char(position - 1).isdigit():
                edit = None
            else:
                edit = _space_before(view, position, _NBSP)
        elif after.isalnum() or after == "_":
            edit = None  # Glued to a following word: not sentence punctuation.
        elif mark == ";" and _ENTITY_BEFORE.search(text, max(0, position - 12), position):
            edit = None  # "&amp;" and the like.
        else:
            edit = _space_before(view, position, _NNBSP)
        if edit is not None:
            yield edit


# Units that may be typed glued to the number ("35%", "12km"); single-letter
# units only count when spaced, so that "5m" in a code name is left alone.
_GLUED_SIGNS = ("%", "‰", "€", "$", "£", "¥", "M€", "Md€", "k€", "°C", "°F")
_GLUED_MEASURES = ("km", "km/h", "km²", "kg", "mg", "cm", "mm", "m²", "m³", "min", "kWh", "kW", "MW", "GW")
_GLUED_DATA = ("ko", "Mo", "Go", "To")
_GLUED_UNITS = frozenset((*_GLUED_SIGNS, *_GLUED_MEASURES, *_GLUED_DATA))
_SPACED_MEASURES = ("°", "m", "g", "t", "l", "L", "s", "ha", "m/s")
_SPACED_WORDS = ("Mds", "millions", "million", "milliards", "milliard", "euros", "dollars")
_SPACED_UNITS = frozenset((*_SPACED_MEASURES, *_SPACED_WORDS))


def _alternatives(words: frozenset[str]) -> str:
    """Regex alternation of ``words``, longest first so "km/h" beats "km"."""
    return "|".join(re.escape(word) for word in sorted(words, key=lambda w: (-len(w), w)))


# The unit must be a whole token: "5 m" but not "5 mai" nor "2 t-shirts".
_UNIT_END = r"(?![\w'’\-])"
_UNIT = re.compile(
    r"(?<=[0-9])(?P<space>[ \u00a0\u202f]?)"
    rf"(?P<unit>{_alternatives(_GLUED_UNITS | _SPACED_UNITS)}){_UNIT_END}"
)
# A glued unit will be spaced by the unit rule; the digit-grouping rules
# must accept it now, or a second pass would group what the first did not.
_GLUED_UNIT_AHEAD = rf"(?=(?:{_alternatives(_GLUED_UNITS)}){_UNIT_END})"
# Digits next to other digit groups ("12345 678", "06 12345") are ambiguous.
_LONG_NUMBER = re.compile(
    r"(?<![\w.,/:+#@&=°º'’])(?<!\w-)(?<![0-9][ \u00a0\u202f])[0-9]{5,}"
    rf"(?:{_GLUED_UNIT_AHEAD}|(?!\w|[.:/][0-9]|[ \u00a0\u202f][0-9]))"
)
_POSTCODE_AFTER = re.compile(r"[ \u00a0]+(\w+)")
_IDENTIFIER_BEFORE = re.compile(r"(?:\b(?:code postal|CP)\s*:?|\b[nN][°º]|\bno\.?)\s*\Z", re.IGNORECASE)
_SPACED_NUMBER = re.compile(
    r"(?<![\w.,])(?<![0-9][ \u00a0\u202f])"
    r"[1-9][0-9]{0,2}(?P<groups>(?:[ \u00a0\u202f][0-9]{3})+)(?:,[0-9]+)?"
    rf"(?:{_GLUED_UNIT_AHEAD}|(?![\w]|[.,:/][0-9]|[ \u00a0\u202f][0-9])"
    r"(?=[ \u00a0\u202f]?(?:[^\W\d_]|[%‰€$£¥°])))"
)
_MAX_GROUPED_DIGITS = 12


def _numbers(view: _View) -> Iterator[_Edit]:
    """Group the digits of large numbers with narrow no-break spaces."""
    text = view.text
    for match in _LONG_NUMBER.finditer(text):
        start, digits = match.start(), match.group()
        if view.protected(start) or digits[0] == "0" or len(digits) > _MAX_GROUPED_DIGITS:
            continue
        if len(digits) == 5:
            following = _POSTCODE_AFTER.match(text, match.end())
            word = following.group(1) if following is not None else ""
            if word[:1].isupper() and word not in _GLUED_UNITS | _SPACED_UNITS:
                continue  # "75001 Paris", but "10000 Mo" is a quantity.
        if _IDENTIFIER_BEFORE.search(text, max(0, start - 16), start):
            continue
        first = len(digits) % 3 or 3
        for offset in range(first, len(digits), 3):
            yield _Edit(start + offset, start + offset, _NNBSP)
    for match in _SPACED_NUMBER.finditer(text):
        groups_start = match.start("groups")
        for offset, char in enumerate(match.group("groups")):
            if char == " ":
                yield _Edit(groups_start + offset, groups_start + offset + 1, _NNBSP)


_HOUR = re.compile(
    r"(?<![\w.,:])(?:[01]?[0-9]|2[0-4])(?P<space1>[ \u00a0\u202f]?)h"
    # Minutes followed by a digit group start a number; followed by "h"
    # they are the next hour ("14 h 15 h").  Either way, not minutes.
    rf"(?:(?P<space2>[ \u00a0\u202f]?)[0-5][0-9]"
    rf"(?:{_GLUED_UNIT_AHEAD}|(?![\w'’]|[ \u00a0\u202f](?:[0-9]|h(?![\w'’]))))"
    r"|(?![\w'’]))"
)
_TITLE = re.compile(r"(?<![\w.])(?:MM?\.|Mmes?\.?|Mlles?\.?|Dr\.?|Pr\.?|Me) (?=\w)")
_NUMBER_ABBREVIATION = re.compile(r"(?<!\w)(?:[nN][°º]|pp?\.|art\.)(?P<space> ?)(?=[0-9])")


def _bind(space_start: int, space: str) -> _Edit | None:
    """Edit making the (possibly empty) ``space`` at ``space_start`` a no-break space."""
    if space == " ":
        return _Edit(space_start, space_start + 1, _NBSP)
    if space == "":
        return _Edit(space_start, space_start, _NBSP)
    return None  # Already a no-break space of either kind.


def _units_and_abbreviations(view: _View) -> Iterator[_Edit]:
    """No-break spaces after numbers (units, hours) and after abbreviations."""
    text = view.text
    edits: list[_Edit | None] = []
    for match in _UNIT.finditer(text):
        space = match.group("space")
        if space or match.group("unit") in _GLUED_UNITS:
            edits.append(_bind(match.start("space"), space))
    for match in _HOUR.finditer(text):
        edits.append(_bind(match.start("space1"), match.group("space1")))
        if match.group("space2") is not None:
            edits.append(_bind(match.start("space2"), match.group("space2")))
    for match in _TITLE.finditer(text):
        if text[match.end()].isupper():
            edits.append(_Edit(match.end() - 1, match.end(), _NBSP))
    for match in _NUMBER_ABBREVIATION.finditer(text):
        edits.append(_bind(match.start("space"), match.group("space")))
    yield from (edit for edit in edits if edit is not None)


# Order matters for idempotence: a rule must run after every rule that adds
# spaces its context depends on, or a second pass would see new word
# boundaries.  Quotes need apostrophes resolved; spacing needs the final
# quote marks; dashes come after spacing ("-?" -> "-\u202f?" looks spaced);
# digit grouping comes last ("14h30 000" -> "14\u00a0h\u00a030 000").
_RULES = (
    _characters,
    _quotes,
    _punctuation_spacing,
    _dashes,
    _units_and_abbreviations,
    _numbers,
)


# --------------------------------------------------------------------------
# Public API


def typeset_runs(runs: Sequence[tuple[str, bool]]) -> list[str]:
    """Typeset a paragraph given as (text, protected) runs in document order.

    The rules see the whole paragraph, but protected runs come back unchanged
    and characters never move between runs; a space added at a run boundary
    goes to the unprotected side.
    """
    texts, protected, origins = _split_segments(runs)
    for rule in _RULES:
        view = _View(texts, protected)
        edits = list(rule(view))
        if edits:
            texts = _apply(view, texts, edits)
    pieces: list[list[str]] = [[] for _ in runs]
    for text, origin in zip(texts, origins, strict=True):
        pieces[origin].append(text)
    return [
        text if is_protected else "".join(parts)
        for (text, is_protected), parts in zip(runs, pieces, strict=True)
    ]


def typeset(text: str) -> str:
    """Typeset one piece of plain French text."""
    return typeset_runs([(text, False)])[0]


_SUPERSCRIPT = re.compile(
    r"(?<![\w.,])(?:(?P<first>1)(?P<first_suffix>ers?|res?)"
    r"|(?P<number>[0-9]+)(?P<number_suffix>es?)"
    r"|(?P<roman>[IVXLCDM]+)(?P<roman_suffix>ers?|res?|es?))(?![\w'’])"
)


def _ordinal_suffix(match: re.Match[str]) -> str | None:
    """Group name of the suffix to superscript, if the match is an ordinal."""
    if match.group("first") is not None:
        return "first_suffix"
    if match.group("number") is not None:
        return "number_suffix"
    roman, suffix = match.group("roman"), match.group("roman_suffix")
    if not _is_roman(roman):
        return None
    # "Ier"/"Ire" but never "Ver": only I takes the first/première suffix.
    if (roman == "I") != suffix.startswith(("er", "re")):
        return None
    return "roman_suffix"


def superscript_runs(text: str) -> list[tuple[str, bool]]:
    """Split typeset text into runs, True marking ordinal suffixes for <sup>.

    "XXIe siècle" gives [("XXI", False), ("e", True), (" siècle", False)].
    """
    runs: list[tuple[str, bool]] = []
    cursor = 0
    for match in _SUPERSCRIPT.finditer(text):
        group = _ordinal_suffix(match)
        if group is None:
            continue
        start, end = match.span(group)
        if start > cursor:
            runs.append((text[cursor:start], False))
        runs.append((text[start:end], True))
        cursor = end
    if cursor < len(text):
        runs.append((text[cursor:], False))
    return runs

"""Apply French typographic conventions to the plain text of a paragraph.

The rules follow the *Lexique des règles typographiques en usage à
l'Imprimerie nationale* and French press usage:

* U+202F (narrow no-break space) before ``;``, ``!`` and ``?``; U+00A0 before
  ``:`` and inside « » guillemets.  A run of spaces typed there becomes the one
  right space (a typed U+00A0 before ``; ! ?`` becomes U+202F; before ``:`` and
  inside « » either no-break space is kept), a missing one is added.  A
  character reference (``&nbsp;``, ``&#8239;``) counts as the character it
  stands for and is never changed itself.
* Straight double quotes become « » (or “ ” when nested in an open « »), a
  ``'`` becomes ‘ when it opens a quotation, a prime ′ after a digit (``5′``,
  ``2′33″``) and the apostrophe ``’`` otherwise; three dots or more become
  ``…``; ``1920x1080`` becomes ``1920×1080``.
* No space before ``,``, ``.`` and ``…``, nor just inside ( ) and [ ].
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
from html import unescape
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


# A character reference (``&nbsp;``, ``&#8239;``, ``&#x202F;``): never typeset itself, but the
# rules see the character it stands for, so ``&nbsp;:`` counts as a spaced colon.
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _seen(reference: str) -> str:
    """What the rules see of a protected run: the character a lone reference stands for."""
    if reference[:1] == "&" and _CHARACTER_REFERENCE.fullmatch(reference):
        decoded = unescape(reference)
        return decoded if decoded else reference
    return reference


def _split_segments(
    runs: Sequence[tuple[str, bool]],
) -> tuple[list[str], list[bool], list[int], dict[int, str]]:
    """Cut unprotected runs around URLs and character references, which then count as protected.

    Returns the segments as the rules see them (references decoded), whether each is protected,
    the run each comes from, and the typed text of the segments seen otherwise.
    """
    spans = _url_spans("".join(text for text, _ in runs))
    texts: list[str] = []
    protected: list[bool] = []
    origins: list[int] = []
    typed: dict[int, str] = {}

    def add(text: str, is_protected: bool, origin: int) -> None:
        if not text:
            return
        if not is_protected and "&" in text:
            cursor = 0
            for match in _CHARACTER_REFERENCE.finditer(text):
                add(text[cursor : match.start()], False, origin)
                add(match.group(), True, origin)
                cursor = match.end()
            if cursor:
                add(text[cursor:], False, origin)
                return
        if is_protected:
            seen = _seen(text)
            if seen != text:
                typed[len(texts)] = text
                text = seen
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
    return texts, protected, origins, typed


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

_ELLIPSIS = re.compile(r"(?<!\.)\.{3,}")
# Primes after a digit: 5' (minutes, feet) and 2'33" (minutes and seconds, inches).
_PRIME = re.compile(r"(?<=[0-9])'(?![\w'’])|(?<=[0-9])'(?=[0-9]{1,2}\")")
_DOUBLE_PRIME = re.compile(r"(?<=[0-9]['′][0-9])\"|(?<=[0-9]['′][0-9]{2})\"")
# An opening single quote: after a space, the start or an opening bracket, before a letter.
_OPENING_SINGLE = re.compile(r"(?:^|(?<=[\s(\[{«“—–]))'(?=[^\W\d_])")
# 4×3, 1920×1080: digits on both sides, a first number not starting with 0 (0x1F is hex).
_TIMES = re.compile(r"(?<![\w.,])[1-9][0-9]*(?P<x>x)[0-9]+(?=[^\W\d_]*(?!\w))")
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
    if "'" in text:
        special: dict[int, str] = {}
        for match in _PRIME.finditer(text):
            special[match.start()] = "′"
        for match in _OPENING_SINGLE.finditer(text):
            special.setdefault(match.start(), "‘")
        position = text.find("'")
        while position != -1:
            yield _Edit(position, position + 1, special.get(position, "’"))
            position = text.find("'", position + 1)
        for match in _DOUBLE_PRIME.finditer(text):
            yield _Edit(match.start(), match.end(), "″")
    if "x" in text:
        for match in _TIMES.finditer(text):
            yield _Edit(match.start("x"), match.end("x"), "×")
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
        elif before.isdigit():
            yield _Edit(position, position + 1, "″")  # Inches or seconds: a double prime.
        # Otherwise a closing quote with nothing open: left alone.


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


_SPACES = " \u00a0\u202f"


def _spacing(view: _View, start: int, end: int, space: str, accepted: str) -> Iterator[_Edit]:
    """Edits making the run of spaces ``text[start:end]`` the one ``space`` a mark needs.

    A run that is exactly one of the ``accepted`` no-break spaces is kept as typed.  Typed
    character references (protected) are never removed: when the run holds one, the other
    spaces of the run go, so ``mot &nbsp;:`` loses its ordinary space and keeps the reference.
    """
    run = view.text[start:end]
    if any(view.protected(p) for p in range(start, end)):
        for position in range(start, end):
            if not view.protected(position):
                yield _Edit(position, position + 1, "")
        return
    if run in accepted:
        return
    yield _Edit(start, end, space)


def _space_before(
    view: _View, position: int, space: str, glued_after: frozenset[str] = _NO_SPACE_AFTER,
    accepted: str = _NBSP + _NNBSP,
) -> Iterator[_Edit]:
    """Edits putting ``space`` (and only it) before the punctuation mark at ``position``."""
    start = position
    while start > 0 and view.text[start - 1] in _SPACES:
        start -= 1
    if start < position:
        if position - start == 1 and view.text[start] != " " and view.char(start - 1) in glued_after:
            return  # "«\u00a0!": the space belongs to the guillemet.
        yield from _spacing(view, start, position, space, accepted)
        return
    before = view.char(position - 1)
    if before == "" or before.isspace() or before in glued_after:
        return
    yield _Edit(position, position, space, right=True)


def _space_after_opening(view: _View, position: int) -> Iterator[_Edit]:
    """Edits putting one U+00A0 after the opening guillemet at ``position``."""
    end = position + 1
    while end < len(view.text) and view.text[end] in _SPACES:
        end += 1
    if end > position + 1:
        yield from _spacing(view, position + 1, end, _NBSP, _NBSP + _NNBSP)
        return
    after = view.char(position + 1)
    if after == "" or after.isspace() or after == "»":
        return
    yield _Edit(position + 1, position + 1, _NBSP)


def _punctuation_spacing(view: _View) -> Iterator[_Edit]:
    """No-break spaces around ; ! ? : and inside « »."""
    text = view.text
    for match in _SPACED_PUNCTUATION.finditer(text):
        position = match.start()
        if view.protected(position):
            continue
        mark = match.group()
        after = view.char(position + 1)
        if mark == "«":
            yield from _space_after_opening(view, position)
        elif mark == "»":
            yield from _space_before(view, position, _NBSP, _NO_SPACE_BEFORE_CLOSING)
        elif mark == ":":
            # Only a colon that ends a clause: "http://", "a:b", "10:30" and
            # "16:9" have no space after them.  "2024:" would read as a time.
            # A closing guillemet counts as a clause end, as it will be spaced.
            ends_clause = after == "" or after.isspace() or after in "»”"
            if ends_clause and not view.char(position - 1).isdigit():
                yield from _space_before(view, position, _NBSP)
        elif after.isalnum() or after == "_":
            continue  # Glued to a following word: not sentence punctuation.
        elif mark == ";" and _ENTITY_BEFORE.search(text, max(0, position - 12), position):
            continue  # "&amp;" and the like.
        else:
            # House style: a typed U+00A0 before ; ! ? becomes the narrow U+202F.
            yield from _space_before(view, position, _NNBSP, accepted=_NNBSP)


# Spaces typed before , . … or just inside brackets are removed ("mot ," -> "mot,").  A period
# or comma followed by a word is no punctuation (".NET", " .fr", ",5"); a bracket holding only
# spaces is left alone ("[ ]"), and so is a smiley's bracket (":( ").
_SPACE_BEFORE_POINT = re.compile(r"(?<=[\w»”)\]%€’])[ \u00a0\u202f]+(?=(?:[,.](?![\w.])|…))")
_SPACE_AFTER_OPENING = re.compile(r"(?:^|(?<=[\s(\[«“]))[(\[][ \u00a0\u202f]+(?=[^\s)\]])")
_SPACE_BEFORE_CLOSING = re.compile(r"(?<=[^\s(\[:;])[ \u00a0\u202f]+[)\]]")


def _stray_spaces(view: _View) -> Iterator[_Edit]:
    """No space before , . … nor just inside ( ) [ ]."""
    text = view.text
    for match in _SPACE_BEFORE_POINT.finditer(text):
        yield from _removal(view, match.start(), match.end())
    for match in _SPACE_AFTER_OPENING.finditer(text):
        yield from _removal(view, match.start() + 1, match.end())
    for match in _SPACE_BEFORE_CLOSING.finditer(text):
        yield from _removal(view, match.start(), match.end() - 1)


def _removal(view: _View, start: int, end: int) -> Iterator[_Edit]:
    """Edits removing the spaces ``text[start:end]`` (typed references are kept)."""
    for position in range(start, end):
        if not view.protected(position):
            yield _Edit(position, position + 1, "")


# Units that may be typed glued to the number ("35%", "12km"); single-letter
# units only count when spaced, so that "5m" in a code name is left alone.
_GLUED_SIGNS = ("%", "‰", "€", "$", "£", "¥", "M€", "Md€", "k€", "°C", "°F")
_GLUED_MEASURES = ("km", "km/h", "km²", "kg", "mg", "cm", "mm", "m²", "m³", "min", "kWh", "kW", "MW", "GW",
                   "kPa", "hPa", "MPa", "µm", "μm", "nm", "µg", "μg", "mL", "ml", "cl", "cL", "px",
                   "Ω", "kΩ", "Hz", "kHz", "MHz", "GHz", "dB", "ms")
_GLUED_DATA = ("ko", "Ko", "Mo", "Go", "To", "kbit/s", "Mbit/s", "Gbit/s")
_GLUED_UNITS = frozenset((*_GLUED_SIGNS, *_GLUED_MEASURES, *_GLUED_DATA))
_SPACED_MEASURES = ("°", "m", "g", "t", "l", "L", "s", "ha", "m/s", "Pa", "W", "V")
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
    _stray_spaces,
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
    texts, protected, origins, typed = _split_segments(runs)
    for rule in _RULES:
        view = _View(texts, protected)
        edits = list(rule(view))
        if edits:
            texts = _apply(view, texts, edits)
    pieces: list[list[str]] = [[] for _ in runs]
    for index, (text, origin) in enumerate(zip(texts, origins, strict=True)):
        pieces[origin].append(typed.get(index, text))
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

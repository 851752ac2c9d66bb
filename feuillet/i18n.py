"""Locale-dependent formatting with Babel (never the OS locale) and gettext catalogs.

Babel is used only here. Catalogs are ``.po`` files compiled in memory at build time, so no
``.mo`` file is committed and a translator's edit shows on the next build.
"""

from __future__ import annotations

import gettext
import io
import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_date_format, tokenize_pattern, untokenize_pattern
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

_WORD_RE = re.compile(r"[^\W_]+(?:[’'-][^\W_]+)*")


def translations(po_text: str | None, language: str) -> gettext.NullTranslations:
    """Compile a ``.po`` catalog in memory; without one, messages stay as written (msgid)."""
    if po_text is None:
        return gettext.NullTranslations()
    catalog = read_po(io.StringIO(po_text), locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def local(moment: datetime, timezone: str) -> datetime:
    """The moment in the site's time zone (daylight saving time applies)."""
    return moment.astimezone(ZoneInfo(timezone))


def iso(moment: datetime, timezone: str) -> str:
    """ISO 8601 with the offset of the site's time zone at that date, for <time datetime>."""
    return local(moment, timezone).isoformat(timespec="seconds")


def long_date(moment: datetime, timezone: str, language: str, weekday: bool = False) -> str:
    """``19 juin 2024``, ``1er juin 2024``, or ``mercredi 19 juin 2024`` with ``weekday``."""
    day = local(moment, timezone)
    pattern = get_date_format("long", locale=language).pattern
    if weekday:
        pattern = "EEEE " + pattern if language == "fr" else "EEEE, " + pattern
    if language == "fr" and day.day == 1:
        # French writes the first of the month as an ordinal; Babel's pattern has a plain "d".
        tokens = [
            ("chars", "1er") if token == ("field", ("d", 1)) else token
            for token in tokenize_pattern(pattern)
        ]
        pattern = untokenize_pattern(tokens)  # Babel quotes the literal "1er" itself
    return format_date(day, pattern, locale=language)


def clock_time(moment: datetime, timezone: str, language: str) -> str:
    """``14 h 30`` (``14 h`` on the hour) in French; the locale's short time elsewhere."""
    time = local(moment, timezone)
    if language == "fr":
        minutes = f"\u00a0{time.minute:02d}" if time.minute else ""
        return f"{time.hour}\u00a0h{minutes}"
    return format_time(time, "short", locale=language)


def number(value: float, language: str) -> str:
    return format_decimal(value, locale=language)


def percent(value: float, language: str) -> str:
    return format_percent(value, locale=language)


def names(values: list[str], language: str) -> str:
    """« A, B et C »: a list of names joined the way the language does."""
    return format_list(values, locale=language) if values else ""


def word_count(text: str) -> int:
    """Words as a reader counts them: « aujourd’hui » and « nord-coréens » are one word each."""
    return len(_WORD_RE.findall(text))


def reading_minutes(words: int, words_per_minute: int) -> int:
    """Minutes to read ``words`` words, rounded up, at least 1."""
    return max(1, math.ceil(words / words_per_minute))

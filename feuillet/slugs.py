"""Turn headings and titles into stable, URL-safe slugs for anchors and paths.

The slug algorithm is STABLE: published anchors and article URLs depend on
it, so any change must keep every existing output identical.  In order:

1. NFKC-normalise (compatibility forms such as "ﬁ" or "²"; U+00A0 and U+202F
   become ordinary spaces) and lowercase;
2. replace "&" with " et ";
3. map letters that do not decompose: œ→oe, æ→ae, ß→ss, ø→o, đ→d, ł→l;
4. NFKD-decompose and drop combining marks (é→e, ç→c);
5. turn every run of characters other than [a-z0-9] into one hyphen, so
   apostrophes separate words ("l’État" → "l-etat") and guillemets and
   punctuation disappear, then strip leading and trailing hyphens;
6. truncate to at most 80 characters at a hyphen boundary;
7. use "section" when nothing is left.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MAX_SLUG_LENGTH = 80
MAX_SAFE_LENGTH = 100
FALLBACK_SLUG = "section"

# Letters with no Unicode decomposition to a base letter (applied after
# lowercasing, so the capitals are covered too).
_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SAFE_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """Return the stable slug of ``text`` (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("&", " et ").translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    slug = _NOT_SLUG.sub("-", text).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        cut = slug[: MAX_SLUG_LENGTH + 1]
        # Cut at the last hyphen so no word is split; a single overlong word
        # has no boundary and is cut hard.
        boundary = cut.rfind("-")
        slug = cut[:boundary] if boundary > 0 else slug[:MAX_SLUG_LENGTH]
        slug = slug.strip("-")
    return slug or FALLBACK_SLUG


def unique_slugs(slugs: Sequence[str]) -> list[str]:
    """Make repeated slugs unique with -2, -3… suffixes, in order.

    The first occurrence keeps its slug; a suffixed slug never takes a value
    that appears anywhere in the input, so an explicit "a-2" keeps its id.
    """
    reserved = set(slugs)
    used: set[str] = set()
    result = []
    for slug in slugs:
        candidate = slug
        if candidate in used:
            number = 2
            while f"{slug}-{number}" in used or f"{slug}-{number}" in reserved:
                number += 1
            candidate = f"{slug}-{number}"
        used.add(candidate)
        result.append(candidate)
    return result


def is_safe_slug(slug: str) -> bool:
    """Whether ``slug`` is a safe path segment: lowercase words joined by hyphens."""
    return len(slug) <= MAX_SAFE_LENGTH and _SAFE_SLUG.fullmatch(slug) is not None

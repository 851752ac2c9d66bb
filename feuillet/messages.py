"""The editor's language: feuillet's own messages (errors, warnings, summaries) in French or English.

Messages are written in English in the code (``errors.message``) and translated when the command
line prints them, through gettext catalogs shipped in the package
(``feuillet/locales/<lang>/LC_MESSAGES/feuillet.po``), compiled in memory by Babel as the site's
catalogs are. The language is, in order: ``--lang``; the ``LC_ALL``, ``LC_MESSAGES`` or ``LANG``
environment variable when it names a language feuillet speaks; the ``language`` of ``site.yaml``
(French by default). English needs no catalog.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from feuillet.errors import Translate

CATALOGS = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("fr", "en")
_SITE_LANGUAGE_RE = re.compile(r"^language:[ \t]*[\"']?([A-Za-z]{2})\b", re.MULTILINE)


def _from_locale(value: str) -> str | None:
    """``fr_FR.UTF-8`` → ``fr``; None for C, POSIX or a language feuillet does not speak."""
    language = value.split(".")[0].split("_")[0].split("-")[0].lower()
    return language if language in LANGUAGES else None


def editor_language(option: str | None, environ: Mapping[str, str], config: Path | None) -> str:
    """The language of messages for this run (see the module's docstring)."""
    if option:
        return option
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            found = _from_locale(value)
            if found:
                return found
            break  # a set but foreign locale (C.UTF-8): the site decides
    try:
        text = config.read_text(encoding="utf-8") if config is not None else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    match = _SITE_LANGUAGE_RE.search(text)
    found = match.group(1).lower() if match else "fr"
    return found if found in LANGUAGES else "en"


def catalog_path(language: str) -> Path:
    return CATALOGS / language / "LC_MESSAGES" / "feuillet.po"


@cache
def translator(language: str) -> Translate:
    """``gettext`` for ``language``'s catalog; English (or a missing catalog) says the msgid."""
    path = catalog_path(language)
    if language == "en" or not path.is_file():
        return lambda text: text
    from babel.messages.mofile import write_mo  # only when a translation is needed
    from babel.messages.pofile import read_po

    catalog = read_po(io.StringIO(path.read_text(encoding="utf-8")), locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer).gettext

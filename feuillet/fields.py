"""Editor-facing field definitions: one table per kind of mapping drives validation and schemas.

The same :class:`Field` tuples validate ``site.yaml``, articles and blocks and generate the JSON
Schemas editors' YAML language servers use, so the two never drift apart.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from feuillet.errors import Message, Problems, message, template
from feuillet.sources import ImpossibleDate, YList, YMap

# Accepted date spellings besides YAML's own timestamps: ISO 8601 with a space or a "T".
_DATE_HINT = "expected a date such as 2024-06-19 or a date-time such as 2024-06-19 10:00, got {value}"
_DATE_SHAPE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL_RE = re.compile(r"^(?:https?://[^\s]+|/[^\s]*)$")
# An old URL of an article (``aliases``): a path of the site, each segment of letters, digits and
# ``-_.~`` (not starting with a dot), with or without its first and last "/", or ending in .html.
ALIAS_PATTERN = r"^/?([A-Za-z0-9_~-][A-Za-z0-9._~-]*/)*[A-Za-z0-9_~-][A-Za-z0-9._~-]*/?$"
# A well-formed BCP 47 language tag (RFC 5646 §2.1, without the grandfathered irregular tags):
# language, then optional script, region, variants, extensions and private use.
_LANGUAGE_RE = re.compile(
    r"^[a-z]{2,3}(?:-[a-z]{3}){0,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?"
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[\da-wy-z](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?$",
    re.IGNORECASE)
# A relative path inside a folder: not absolute, no '..' segment (JSON Schema's ECMA dialect).
_RELATIVE_PATH_PATTERN = r"^(?!/)(?!(.*/)?\.\.(/|$)).+$"


@dataclass(frozen=True)
class Field:
    """One key an editor may write: its kind of value, whether it is required, what it means."""

    name: str
    # text | markdown | date | bool | int | texts | slug | url | language | paths | mapping | blocks
    # | sections
    kind: str
    description: str
    required: bool = False


def kind_name(value: Any) -> Message:
    """How an editor would call the kind of ``value``: text, a number, a list…"""
    if isinstance(value, bool):
        return message("true/false")
    if isinstance(value, (int, float)):
        return message("a number")
    if isinstance(value, (date, datetime)):
        return message("a date")
    if isinstance(value, list):
        return message("a list")
    if isinstance(value, dict):
        return message("a mapping")
    if value is None:
        return message("nothing")
    return message("text")


class Reader:
    """Validates the keys of one mapping against a field table, reporting into ``problems``."""

    def __init__(self, path: str, problems: Problems, timezone: ZoneInfo) -> None:
        self.path = path
        self.problems = problems
        self.timezone = timezone

    def error(self, line: int, key: str, text: str) -> None:
        self.problems.add(self.path, line, key, text)

    def warn(self, line: int, key: str, text: str) -> None:
        self.problems.warn(self.path, line, key, text)

    def mapping(
        self, data: Any, fields: Sequence[Field], prefix: str = "", line: int = 1
    ) -> YMap | None:
        """Check that ``data`` is a mapping with known keys and every required one present."""
        if not isinstance(data, YMap):
            self.error(line, prefix or "document",
                       message("expected a mapping of keys, got {kind}", kind=kind_name(data)))
            return None
        known = {field.name for field in fields}
        for key, key_line in data.duplicates:
            self.error(key_line, _join(prefix, key), message("this key is given twice; keep one"))
        for key in data:
            if key not in known:
                self.error(data.key_lines[key], _join(prefix, key), _unknown_key(key, known))
        for field in fields:
            if field.required and field.name not in data:
                self.error(data.line, _join(prefix, field.name), message("required key is missing"))
        return data

    def value(self, data: YMap, field: Field, prefix: str = "") -> Any:
        """The converted value of one key, or None when absent or invalid (then reported)."""
        if field.name not in data:
            return None
        raw = data[field.name]
        line = data.key_lines[field.name]
        key = _join(prefix, field.name)
        converted, problem = self.convert(field.kind, raw)
        if problem:
            self.error(line, key, problem)
            return None
        return converted

    def convert(self, kind: str, raw: Any) -> tuple[Any, Message | None]:
        """Convert one raw YAML value to the field's kind, or explain why it cannot be."""
        if kind in ("text", "markdown"):
            if isinstance(raw, (int, float)) and not isinstance(raw, bool):
                raw = str(raw)  # title: 1984 is the text « 1984 »
            if not isinstance(raw, str):
                if isinstance(raw, (int, float, date)):
                    return None, message("expected text, got {kind}; put it in quotes", kind=kind_name(raw))
                return None, message("expected text, got {kind}", kind=kind_name(raw))
            if not raw.strip():
                return None, message("expected text, got an empty value")
            return raw.strip(), None
        if kind == "bool":
            if not isinstance(raw, bool):
                return None, message("expected true or false, got {value}", value=_describe(raw))
            return raw, None
        if kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
                return None, message("expected a whole number above 0, got {value}", value=_describe(raw))
            return raw, None
        if kind == "date":
            return self._date(raw)
        if kind == "anchors":
            return _anchor_pairs(raw)
        if kind in ("texts", "aliases"):
            items = [raw] if isinstance(raw, str) else raw
            if not isinstance(items, list):
                return None, message("expected a list of texts, got {value}", value=_describe(raw))
            for index, item in enumerate(items):
                if not isinstance(item, str) or not item.strip():
                    what = message("empty") if isinstance(item, str) else kind_name(item)
                    return None, message("expected a list of texts, but item {number} is {what}",
                                         number=index + 1, what=what)
            return tuple(item.strip() for item in items), None
        if kind == "slug":
            if not isinstance(raw, str) or not _SLUG_RE.match(raw) or len(raw) > 100:
                return None, message(
                    "{value} is not a safe URL segment: use lowercase letters a-z, "
                    "digits and single hyphens, such as poutine-en-coree-du-nord", value=_describe(raw))
            return raw, None
        if kind == "url":
            if not isinstance(raw, str) or not _URL_RE.match(raw.strip()):
                return None, message("expected a URL starting with https:// or /, got {value}",
                                     value=_describe(raw))
            return raw.strip(), None
        if kind == "language":
            if not isinstance(raw, str) or not _LANGUAGE_RE.match(raw.strip()):
                return None, message("{value} is not a language tag: use a BCP 47 tag such as fr, en "
                                     "or pt-BR", value=_describe(raw))
            return language_tag(raw.strip()), None
        raise ValueError(f"unknown field kind {kind!r}")  # a programming error, not input

    def _date(self, raw: Any) -> tuple[datetime | None, Message | None]:
        if isinstance(raw, datetime):
            value = raw
        elif isinstance(raw, date):
            value = datetime.combine(raw, time(0, 0))
        elif isinstance(raw, str):
            try:
                value = datetime.fromisoformat(raw.strip())
            except ValueError as error:
                if isinstance(raw, ImpossibleDate) or _DATE_SHAPE_RE.match(raw.strip()):
                    return None, message("{value} is not a date of the calendar ({reason})",
                                         value=_describe(str(raw)), reason=_date_reason(str(error)))
                return None, message(_DATE_HINT, value=_describe(raw))
        else:
            return None, message(_DATE_HINT, value=_describe(raw))
        if not 1000 <= value.year <= 9000:
            # Far-off years overflow when moved between time zones; no article is dated there.
            return None, message("the year {year} is out of range (1000 to 9000)", year=value.year)
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        return value, None


ANCHORS_HINT = template("expected a mapping of old anchors to section anchors, such as "
                        "{{ancien-id: nouvel-id}}, got {value}")
UNSAFE_ANCHOR = template("'{anchor}' is not a safe anchor: use a-z, 0-9 and hyphens")


def has_time(raw: Any) -> bool:
    """Whether a date as written holds a time of day (``2024-06-19 10:00``, not ``2024-06-19``)."""
    if isinstance(raw, datetime):
        return True
    return isinstance(raw, str) and bool(re.search(r"\d[ T]\d", raw.strip()))


def _anchor_pairs(raw: Any) -> tuple[tuple[tuple[str, str], ...] | None, Message | None]:
    """``anchor_aliases``: old id → the id of a section, both safe anchors."""
    if not isinstance(raw, dict) or not raw:
        return None, message(ANCHORS_HINT, value=_describe(raw))
    pairs = []
    for old, new in raw.items():
        if not isinstance(old, str) or not isinstance(new, str):
            return None, message(ANCHORS_HINT, value=_describe(old if not isinstance(old, str) else new))
        for anchor in (old.strip(), new.strip()):
            if not _SLUG_RE.match(anchor):
                return None, message(UNSAFE_ANCHOR, anchor=anchor)
        pairs.append((old.strip(), new.strip()))
    return tuple(pairs), None
def language_tag(tag: str) -> str:
    """A language tag in its canonical case: ``EN-gb`` → ``en-GB``, ``zh-hant`` → ``zh-Hant``."""
    parts = tag.split("-")
    result = [parts[0].lower()]
    for part in parts[1:]:
        if result[-1] in ("x",) or len(result[-1]) == 1:
            result.append(part.lower())  # after a singleton (an extension), everything is lowercase
        elif len(part) == 2:
            result.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            result.append(part.title())
        else:
            result.append(part.lower())
    return "-".join(result)


def _describe(raw: Any) -> str:
    if isinstance(raw, str):
        return message("'{text}'", text=raw)  # French quotes it « like this »
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, float)):
        return str(raw)
    return kind_name(raw)


def _date_reason(reason: str) -> Message | str:
    """Python's reasons for an impossible date, as messages (others stay as Python says them)."""
    known = {"day is out of range for month": message("day is out of range for month"),
             "month must be in 1..12": message("month must be in 1..12"),
             "hour must be in 0..23": message("hour must be in 0..23"),
             "minute must be in 0..59": message("minute must be in 0..59"),
             "second must be in 0..59": message("second must be in 0..59")}
    return known.get(reason, reason)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _unknown_key(key: str, known: set[str]) -> Message:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    if close:
        return message("unknown key; did you mean '{key}'?", key=close[0])
    return message("unknown key; known keys: {keys}", keys=", ".join(sorted(known)))


def items(data: Any) -> list[tuple[int, Any]]:
    """The (line, item) pairs of a YAML list."""
    if isinstance(data, YList):
        return list(zip(data.item_lines, data, strict=True))
    return []


# --- JSON Schema, generated from the same tables -------------------------------------------

_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?$"


def json_schema_of(kind: str) -> dict[str, Any]:
    """The JSON Schema of one scalar field kind."""
    if kind in ("text", "markdown"):
        return {"type": "string", "minLength": 1}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "int":
        return {"type": "integer", "minimum": 1}
    if kind == "date":
        return {"type": "string", "pattern": _DATE_PATTERN}
    if kind == "texts":
        return {
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}},
            ]
        }
    if kind == "slug":
        return {"type": "string", "pattern": _SLUG_RE.pattern, "maxLength": 100}
    if kind == "url":
        return {"type": "string", "pattern": _URL_RE.pattern}
    if kind == "aliases":
        alias = {"type": "string", "minLength": 1, "pattern": ALIAS_PATTERN}
        return {"oneOf": [alias, {"type": "array", "items": alias}]}
    if kind == "anchors":
        anchor = {"type": "string", "pattern": _SLUG_RE.pattern}
        return {"type": "object", "minProperties": 1, "propertyNames": anchor, "additionalProperties": anchor}
    if kind == "language":
        return {"type": "string", "pattern": _LANGUAGE_RE.pattern.replace("[a-z", "[a-zA-Z")}
    if kind == "paths":
        path = {"type": "string", "minLength": 1, "pattern": _RELATIVE_PATH_PATTERN}
        return {"oneOf": [path, {"type": "array", "items": path}]}
    raise ValueError(f"no scalar schema for kind {kind!r}")


def object_schema(
    fields: Sequence[Field], nested: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An object schema that allows exactly ``fields``; ``nested`` gives non-scalar ones."""
    nested = nested or {}
    properties = {
        field.name: {
            **(nested[field.name] if field.name in nested else json_schema_of(field.kind)),
            "description": field.description,
        }
        for field in fields
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [field.name for field in fields if field.required],
        "properties": properties,
    }

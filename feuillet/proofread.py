"""Point editors at the places where French typography changed their text (``check --typography``).

The build fixes typography by itself; these warnings are for editors who prefer a clean source.
Each one names the file, the line, the key and the change.
"""

from __future__ import annotations

import re
from typing import Any

from feuillet.errors import Message, SourceError, message
from feuillet.files import is_markdown
from feuillet.sources import YList, YMap, load_yaml, split_front_matter
from feuillet.typography import typeset_runs

# Keys whose values are prose a reader sees; others (dates, slugs, URLs) are not typeset.
TEXT_KEYS = frozenset({"title", "standfirst", "kicker", "description", "text", "author", "role",
                       "source", "items", "blocks", "authors", "tags"})
_CODE_RE = re.compile(r"(`+[^`]*`+)")
# What the build does not typeset in a line: code spans, then raw HTML tags and autolinks.
_PROTECTED_RE = re.compile(r"(`+[^`]*`+|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<[^<>\s]+[@:][^<>\s]*>)")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_FOREIGN_LANG_RE = re.compile(r"""\blang\s*=\s*["']?(?!fr\b|fr-)[A-Za-z]""", re.IGNORECASE)
# Raw HTML whose text the build leaves alone (feuillet.markup does the same).
_VERBATIM = frozenset({"code", "kbd", "samp", "pre", "var", "script", "style"})
_VOID = frozenset({"br", "img", "hr", "wbr", "col", "source", "input"})
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _pieces(line: str) -> list[tuple[str, bool]]:
    """The line as (text, protected) runs: code, tags, and text inside verbatim or foreign tags."""
    pieces: list[tuple[str, bool]] = []
    open_tags: list[str] = []
    for piece in _PROTECTED_RE.split(line):
        if not piece:
            continue
        tag = _TAG_RE.fullmatch(piece)
        if tag is not None and tag.group(2).lower() not in _VOID:
            name = tag.group(2).lower()
            if tag.group(1):
                if open_tags and open_tags[-1] == name:
                    open_tags.pop()
            elif not tag.group(3).rstrip().endswith("/") and (
                open_tags or name in _VERBATIM or _FOREIGN_LANG_RE.search(tag.group(3))
            ):
                open_tags.append(name)
        protected = bool(_PROTECTED_RE.fullmatch(piece)) or bool(open_tags)
        pieces.append((piece, protected))
    return pieces


def _line_changes(line: str) -> str | None:
    """The typeset form of one source line, or None when typography leaves it alone."""
    if not line.strip():
        return None
    fixed = "".join(typeset_runs(_pieces(line)))
    return fixed if fixed != line else None


def _describe(before: str, after: str) -> Message:
    visible = {"\u00a0": "⍽", "\u202f": "⍽"}
    shown = "".join(visible.get(char, char) for char in after.strip())
    return message("typography changed this line to: {shown} (⍽ = no-break space)", shown=shown)


def _text_lines(text: str, first_line: int) -> list[tuple[int, str]]:
    lines, fence = [], None
    for offset, line in enumerate(text.split("\n")):
        match = _FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)[:3]
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            lines.append((first_line + offset, line))
    return lines


def _walk(value: Any, line: int, key: str, path: str, out: list[SourceError]) -> None:
    if isinstance(value, YMap):
        for name, item in value.items():
            if name in TEXT_KEYS or name == "sections":
                _walk(item, value.key_lines[name], _join(key, name), path, out)
    elif isinstance(value, YList):
        for index, (item_line, item) in enumerate(zip(value.item_lines, value, strict=True)):
            _walk(item, item_line, f"{key}[{index + 1}]", path, out)
    elif isinstance(value, str):
        first = line + 1 if "\n" in value.rstrip("\n") else line
        for number, text in _text_lines(value, first):
            fixed = _line_changes(text)
            if fixed is not None:
                out.append(SourceError(path, number, key, _describe(text, fixed), "warning"))


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def typography_warnings(text: str, path: str) -> list[SourceError]:
    """Warnings for one content file (YAML article, or Markdown article or page)."""
    out: list[SourceError] = []
    if is_markdown(path):
        document = split_front_matter(text)
        if document is None:
            return out
        data, _ = load_yaml(document.front_matter, path, document.front_matter_line)
        if _untypeset(data):
            return out
        _walk(data, 1, "", path, out)
        for number, line in _text_lines(document.body, document.body_line):
            fixed = _line_changes(line)
            if fixed is not None:
                out.append(SourceError(path, number, "body", _describe(line, fixed), "warning"))
    else:
        data, _ = load_yaml(text, path)
        if not _untypeset(data):
            _walk(data, 1, "", path, out)
    return out


def _untypeset(data: Any) -> bool:
    """A file the build does not typeset: ``typography: false``, or in another language."""
    if not isinstance(data, YMap):
        return False
    language = data.get("language")
    foreign = isinstance(language, str) and language.split("-")[0].strip().lower() not in ("", "fr")
    return data.get("typography") is False or foreign

"""Read source files: UTF-8 text, front matter, and YAML loaded safely with each key's line.

PyYAML is used only here. Mappings come back as :class:`YMap` (a dict that remembers the line of
every key) and sequences as :class:`YList`, so later stages can point an editor at a line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from feuillet import limits
from feuillet.errors import Message, SourceError, message
from feuillet.files import read_bytes
from feuillet.model import MAX_FILE_SIZE

# The C loader is several times faster; fall back to the pure-Python one where libyaml is absent.
_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.1 reads yes/no/on/off as booleans, which turns « no » into False in a title. Keep only
# the YAML 1.2 spellings, so anything else stays text.
_BOOL_TAG = "tag:yaml.org,2002:bool"
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class YMap(dict[str, Any]):
    """A YAML mapping with the line of the mapping itself and of each of its keys."""

    def __init__(self, *args: Any, line: int = 0) -> None:
        super().__init__(*args)
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.duplicates: list[tuple[str, int]] = []


class YList(list[Any]):
    """A YAML sequence with the line of each item."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that records line numbers and reads booleans the YAML 1.2 way."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [
            (tag, _BOOL_RE if tag == _BOOL_TAG else regexp) for tag, regexp in resolvers
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class ImpossibleDate(str):
    """A date-shaped value that is no date (``2024-02-30``): kept as text for the field to report."""


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return ImpossibleDate(node.value)


def _construct_map(loader: Any, node: yaml.MappingNode) -> Any:
    mapping = YMap(line=node.start_mark.line + 1)
    yield mapping
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        raw_key = loader.construct_object(key_node, deep=True)
        key = raw_key if isinstance(raw_key, str) else str(raw_key)
        line = key_node.start_mark.line + 1
        if key in mapping.key_lines:
            mapping.duplicates.append((key, line))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> Any:
    sequence = YList()
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield sequence
    sequence.extend(loader.construct_object(item, deep=True) for item in node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


# Where PyYAML's "context" mark is where the problem starts (the line that opened a quote or a
# key), the error is reported there rather than where the parser gave up.
_CONTEXT_FIRST = ("while scanning a quoted scalar", "while scanning a simple key",
                  "while parsing a flow sequence", "while parsing a flow mapping")


def _syntax_error(error: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> SourceError:
    context = error.context or ""
    mark = (error.context_mark if context in _CONTEXT_FIRST and error.context_mark else None) \
        or error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else first_line
    problem = error.problem or context or "invalid YAML"
    if isinstance(error, yaml.constructor.ConstructorError):
        return SourceError(path, line, "yaml", message("YAML tag not allowed: {problem}", problem=problem))
    lines = text.split("\n")
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = _hint(context, problem, source_line)
    return SourceError(path, line, "yaml", message("YAML syntax error: {problem}{hint}", problem=problem,
                                                    hint=hint))


def _hint(context: str, problem: str, source_line: str) -> Message | str:
    """What to do about the mistakes French editors make most often in YAML."""
    if context == "while scanning a quoted scalar":
        return message("; the quote opened on this line is never closed")
    if context.startswith("while parsing a flow"):
        bracket = "[" if "sequence" in context else "{"
        return message("; the {bracket} opened on this line is never closed "
                       "(text starting with {bracket} goes in quotes)", bracket=bracket)
    if "'\\t'" in problem or "\t" in source_line[: len(source_line) - len(source_line.lstrip())]:
        return message("; indent with spaces, not tabs")
    if problem.startswith("mapping values are not allowed"):
        return message(" (a value containing « : » must be put in quotes, such as "
                       "title: \"Corée : le retour\")")
    if context == "while scanning a simple key" or re.match(r"^\s*[\w-]+:[^\s/]", source_line):
        return message("; put a space after the colon, such as date: 2024-06-19")
    return ""


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its front matter and its body."""

    front_matter: str
    front_matter_line: int  # the file line of the front matter's first line
    body: str
    body_line: int  # the file line of the body's first line


def decode(data: bytes, path: str) -> tuple[str | None, SourceError | None]:
    """Decode UTF-8 (a leading byte-order mark is dropped, line ends become ``\\n``) into Unicode
    NFC, so an « é » typed on macOS (``e`` and a combining accent) is the « é » of every other
    text; or say where the first bad byte is."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        return None, SourceError(
            path, line, "encoding",
            message("the file is not UTF-8 (byte {byte}); save it as UTF-8", byte=f"0x{byte:02x}"),
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text, None


def read_text(file: Path | str, path: str, limit: int | None = MAX_FILE_SIZE
              ) -> tuple[str | None, SourceError | None]:
    """Read a regular file of at most ``limit`` bytes as text; ``path`` is how messages name it."""
    data, error = read_bytes(file, path, limit)
    if data is None:
        return None, error
    return decode(data, path)


def split_front_matter(text: str) -> Document | None:
    """Split ``---``-fenced YAML front matter from a Markdown body; None when there is none."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return Document(
                front_matter="\n".join(lines[1:index]),
                front_matter_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    return None


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, SourceError | None]:
    """Load YAML safely; lines in the result and in errors are file lines (``first_line`` on).

    Nesting deeper than ``limits.MAX_YAML_DEPTH`` and aliases that repeat too much are errors.
    """
    # Padding with blank lines makes every mark a file line without rewriting marks afterwards.
    padded = "\n" * (first_line - 1) + text
    loader = _LineLoader(padded)
    try:
        data = loader.get_single_data()
    except RecursionError:  # nested hundreds deep: say where it passes the bound
        return None, _too_deep(padded, path, first_line)
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in str(error.problem):  # libyaml's own bound (1,000 levels)
            return None, _too_deep(padded, path, first_line)
        return None, _syntax_error(error, padded, path, first_line)
    except yaml.reader.ReaderError as error:  # a control character, such as a NUL byte
        line = padded.count("\n", 0, error.position) + 1
        text = message("character {character} is not allowed in YAML", character=f"#x{error.character:04x}")
        return None, SourceError(path, line, "yaml", text)
    except yaml.YAMLError as error:
        return None, SourceError(path, first_line, "yaml",
                                 message("YAML error: {problem}", problem=" ".join(str(error).split())))
    finally:
        loader.dispose()
    excess = limits.yaml_problem(data, len(text), first_line)
    if excess is not None:
        return None, SourceError(path, excess.line, excess.key, excess.message)
    return data, None


def _too_deep(padded: str, path: str, first_line: int) -> SourceError:
    """The error for YAML nested too deep to load, at the line where it passes the bound."""
    depth, line = 0, first_line
    try:
        for event in yaml.parse(padded, Loader=_BaseLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.MAX_YAML_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else first_line
                    break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except (yaml.YAMLError, RecursionError):
        pass
    return SourceError(path, line, "yaml", message(limits.YAML_DEEP, limit=limits.MAX_YAML_DEPTH))

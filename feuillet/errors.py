"""Errors an editor can act on: every problem names a file, a line and a key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

Translate = Callable[[str], str]  # gettext: an English template → the editor's language


def _same(text: str) -> str:
    return text


class Message(str):
    """A message for an editor: its English text, plus the template (the gettext msgid) and the
    values it was made from, so the command line can say it in the editor's language.

    It *is* its English text (a ``str``), so stages and tests handle it as plain text.
    """

    template: str
    values: tuple[tuple[str, Any], ...]

    def __new__(cls, template: str, values: tuple[tuple[str, Any], ...] = ()) -> Message:
        made = super().__new__(cls, template.format(**dict(values)) if values else template)
        made.template = template
        made.values = values
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.values))

    def translated(self, translate: Translate = _same) -> str:
        values = {name: value.translated(translate) if isinstance(value, Message) else value
                  for name, value in self.values}
        return translate(self.template).format(**values) if values else translate(self.template)


def message(template: str, **values: Any) -> Message:
    """``message("got {value}", value=x)``: an editor message (extracted into the catalogs)."""
    return Message(template, tuple(sorted(values.items())))


def template(text: str) -> str:
    """Marks a template kept in a table for ``message`` (so the catalog extraction finds it)."""
    return text


def decimal(value: float, places: int = 2) -> Message:
    """A decimal number as the editor's language writes it (``0.25`` in English, ``0,25`` in French)."""
    whole, _, fraction = f"{value:.{places}f}".partition(".")
    return message("{whole}.{fraction}", whole=whole, fraction=fraction)


def say(value: Any, translate: Translate = _same) -> str:
    """``value`` in the editor's language when it is a :class:`Message`, else as it is."""
    return value.translated(translate) if isinstance(value, Message) else str(value)


@dataclass(frozen=True, order=True)
class SourceError:
    """One problem in one source file, printed as ``path:line: key: message``."""

    path: str
    line: int
    key: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return self.render()

    def render(self, translate: Translate = _same) -> str:
        """The line an editor reads, in the language of ``translate`` (English by default)."""
        location = f"{self.path}:{self.line}" if self.line > 0 else self.path
        prefix = "" if self.severity == "error" else translate("warning: ")
        key = f" {self.key}:" if self.key else ""
        return f"{location}:{key} {prefix}{say(self.message, translate)}"


class BuildFailed(Exception):
    """Raised by a stage when the sources hold problems; carries every one of them (and the
    warnings found so far, shown with them)."""

    def __init__(self, errors: list[SourceError], warnings: list[SourceError] | None = None) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = sorted(set(errors))
        self.warnings = sorted(set(warnings or []))


def as_errors(warnings: list[SourceError]) -> list[SourceError]:
    """``--strict``: every warning counts as an error."""
    return [SourceError(w.path, w.line, w.key, w.message) for w in warnings]


def display_path(path: PurePosixPath | str) -> str:
    """The path as an editor sees it in messages: POSIX separators, relative when given so."""
    return str(path).replace("\\", "/")


class Problems:
    """A list of problems gathered by one stage, so a build reports all of them at once.

    Each stage makes its own instance and hands it down explicitly: there is no global state.
    """

    def __init__(self) -> None:
        self.items: list[SourceError] = []  # errors: the build stops
        self.warnings: list[SourceError] = []  # the build goes on (``--strict``: it stops)

    def add(self, path: str, line: int, key: str, message: str) -> None:
        self.items.append(SourceError(path, line, key, message))

    def warn(self, path: str, line: int, key: str, message: str) -> None:
        self.warnings.append(SourceError(path, line, key, message, "warning"))

    def extend(self, errors: list[SourceError]) -> None:
        for error in errors:
            (self.warnings if error.severity == "warning" else self.items).append(error)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise BuildFailed(self.items, self.warnings)

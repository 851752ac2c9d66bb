"""Errors an editor can act on: every problem names a file, a line and a key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True, order=True)
class SourceError:
    """One problem in one source file, printed as ``path:line: key: message``."""

    path: str
    line: int
    key: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        location = f"{self.path}:{self.line}" if self.line > 0 else self.path
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        key = f" {self.key}:" if self.key else ""
        return f"{location}:{key} {prefix}{self.message}"


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

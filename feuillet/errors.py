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
    """Raised by a stage when the sources hold problems; carries every one of them."""

    def __init__(self, errors: list[SourceError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = sorted(set(errors))


def display_path(path: PurePosixPath | str) -> str:
    """The path as an editor sees it in messages: POSIX separators, relative when given so."""
    return str(path).replace("\\", "/")


class Problems:
    """A list of problems gathered by one stage, so a build reports all of them at once.

    Each stage makes its own instance and hands it down explicitly: there is no global state.
    """

    def __init__(self) -> None:
        self.items: list[SourceError] = []

    def add(self, path: str, line: int, key: str, message: str) -> None:
        self.items.append(SourceError(path, line, key, message))

    def extend(self, errors: list[SourceError]) -> None:
        self.items.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise BuildFailed(self.items)

"""What a build is asked to do: the project, the build options, and the report it gives back.

Plain values with no dependency on any stage, so the command line can check whether there is
anything to do at all before it imports the stages (see ``feuillet.stamp``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from feuillet.errors import SourceError

MARKER = ".feuillet"  # the file at the top of every output folder feuillet makes


def source_date(environ: Mapping[str, str] | None = None) -> datetime | None:
    """``SOURCE_DATE_EPOCH`` (seconds since 1970, the convention of reproducible builds), or None."""
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else None


def clock(environ: Mapping[str, str] | None = None) -> datetime:
    """Now, for whatever reaches an output or a source: ``SOURCE_DATE_EPOCH`` when it is set, else
    the system clock (UTC). The only place feuillet reads the time of day for that."""
    return source_date(environ) or datetime.now(UTC)


@dataclass(frozen=True)
class Project:
    """Where a site's sources are, relative to its root folder."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "site.yaml"

    @property
    def authors(self) -> Path:
        """The optional profiles of the authors (``feuillet.authors``)."""
        return self.root / "authors.yaml"

    @property
    def cache(self) -> Path:
        """Files kept between builds to save work, such as drawn social images (gitignored)."""
        return self.root / ".cache"

    @property
    def sources(self) -> tuple[Path, ...]:
        """Every folder (and file) a build reads: what ``serve`` watches and the stamp covers."""
        root = self.root
        return (root / "content", root / "templates", root / "static", root / "locales", root / "assets",
                self.config, self.authors)

    def relative(self, path: Path) -> str:
        """``path`` relative to the root, with ``/`` (string work: pathlib is slow on 10,000 files)."""
        text, root = str(path), str(self.root)
        if not text.startswith(root + os.sep):
            return path.relative_to(self.root).as_posix()  # raises if it is not inside
        return text[len(root) + 1 :].replace(os.sep, "/")


@dataclass(frozen=True)
class BuildOptions:
    """How to build, as opposed to what: none of these is a setting of the site or changes content."""

    base_path: str | None = None  # URL prefix of internal links; None: the path of site.yaml's url
    drafts: bool = False
    jobs: int = 0  # worker processes; 0: one per available core
    cache: bool = True  # False: start from an empty in-memory cache (``--no-cache``)
    detach: bool = False  # True: the replaced output folder is deleted in the background
    force: bool = False  # True: replace an output folder even if feuillet did not make it
    strict: bool = False  # True: every warning is an error (``--strict``)
    future: bool = False  # True: publish articles dated in the future too (``--future``)
    now: datetime | None = None  # the instant that decides what is published; None: the clock
    preview: bool = False  # a preview build: noindex, a banner, drafts and scheduled shown and marked
    preview_label: str | None = None  # shown in the banner, such as « PR 12 »

    def instant(self) -> datetime:
        """``now``, or the clock (``SOURCE_DATE_EPOCH``, else the system's) when none was given."""
        return self.now if self.now is not None else clock()


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    articles: int
    pages: int
    files: int
    seconds: float
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in pipeline order
    notes: tuple[str, ...] = ()  # one line each, such as a cache that had to be rebuilt
    written: int = 0  # files written; the others were kept from the previous output
    warnings: tuple[SourceError, ...] = ()  # shown, counted, and errors with --strict
    next_publication: datetime | None = None  # when a scheduled article comes out: rebuild then


Progress = Callable[[str, int, int], None]  # (stage, done, total)

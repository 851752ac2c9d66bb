"""What a build is asked to do: the project, the build options, and the report it gives back.

Plain values with no dependency on any stage, so the command line can check whether there is
anything to do at all before it imports the stages (see ``feuillet.stamp``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Project:
    """Where a site's sources are, relative to its root folder."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "site.yaml"

    @property
    def cache(self) -> Path:
        """Files kept between builds to save work, such as drawn social images (gitignored)."""
        return self.root / ".cache"

    @property
    def sources(self) -> tuple[Path, ...]:
        """Every folder (and file) a build reads: what ``serve`` watches and the stamp covers."""
        root = self.root
        return (root / "content", root / "templates", root / "static", root / "locales", self.config)

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


Progress = Callable[[str, int, int], None]  # (stage, done, total)

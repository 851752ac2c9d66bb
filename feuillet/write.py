"""Write the built files into the output folder atomically: all of them, or none.

The site is written into a staging folder beside the output and swapped in at the end, so a
failed or interrupted build leaves the previous site exactly as it was (Lektor's way; MkDocs,
Pelican and Zola clean the output first and can leave half a site behind).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from feuillet.model import Output


class UnsafeOutput(Exception):
    """The output folder or an output path would write outside where it should."""


def check_destination(destination: Path, project: Path) -> None:
    """Refuse to replace a folder that holds the project or is not a folder."""
    target = destination.resolve()
    if target == project.resolve() or target in project.resolve().parents:
        raise UnsafeOutput(f"refusing to replace {destination}: it contains the project")
    if target.exists() and not target.is_dir():
        raise UnsafeOutput(f"{destination} exists and is not a folder")


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise UnsafeOutput(f"output path {path!r} is not inside the site")
    return relative


def write_site(outputs: Sequence[Output], destination: Path) -> None:
    """Replace ``destination`` by a folder holding exactly ``outputs``."""
    destination = destination.absolute()
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.staging-", dir=destination.parent))
    try:
        for output in outputs:
            target = staging.joinpath(*_safe_relative(output.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.content)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site is readable
        _swap(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap(staging: Path, destination: Path) -> None:
    """Move the new site in place; the old one is removed only once the new one is there."""
    if not destination.exists():
        staging.rename(destination)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old-", dir=destination.parent))
    old.rmdir()
    destination.rename(old)
    try:
        staging.rename(destination)
    except BaseException:
        old.rename(destination)
        raise
    shutil.rmtree(old, ignore_errors=True)

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


def write_site(
    outputs: Sequence[Output],
    destination: Path,
    reuse: Sequence[str] = (),
    previous: Path | None = None,
    detach: bool = False,
) -> dict[str, tuple[int, int]]:
    """Replace ``destination`` by a folder holding exactly ``outputs`` and the ``reuse`` files.

    The reused files are those of ``previous`` (by default the destination itself) whose bytes
    would not change: they are hard-linked into the new folder (copied where the filesystem
    cannot link), so an incremental build writes only what changed and is still one atomic swap.
    Returns the size and modification time of every file written, by path, for the manifest.
    With ``detach``, the replaced folder is deleted by a background ``rm -rf`` that outlives
    this process (a command that exits at once); the next build removes it if that was killed.
    """
    destination = destination.absolute()
    source = (previous or destination).absolute()
    destination.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(destination)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.staging-{os.getpid()}-",
                                    dir=destination.parent))
    stats: dict[str, tuple[int, int]] = {}
    try:
        made: set[str] = {str(staging)}
        for path in reuse:
            target = _target(staging, path, made)
            _link(os.path.join(source, *path.split("/")), target)
            stats[path] = _stat(target)
        for output in outputs:
            target = _target(staging, output.path, made)
            with open(target, "wb") as file:
                file.write(output.content)
            stats[output.path] = _stat(target)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a published site is readable
        _swap(staging, destination, detach)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return stats


def _target(staging: Path, path: str, made: set[str]) -> str:
    target = os.path.join(staging, *_safe_relative(path).parts)
    parent = os.path.dirname(target)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)
    return target


def _link(existing: str, target: str) -> None:
    try:
        os.link(existing, target)
    except OSError:  # another filesystem, or one without hard links
        shutil.copy2(existing, target)


def _stat(path: str) -> tuple[int, int]:
    result = os.stat(path)
    return result.st_size, result.st_mtime_ns


def folder_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``folder`` (relative POSIX path → size and modification time)."""
    found: dict[str, tuple[int, int]] = {}
    root = str(folder)
    for directory, _, files in os.walk(folder):
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in files:
            try:
                result = os.stat(os.path.join(directory, name), follow_symlinks=False)
            except OSError:
                continue
            found[prefix + name] = (result.st_size, result.st_mtime_ns)
    return found


def remove_leftovers(destination: Path) -> None:
    """Remove staging and old folders that a killed build left beside ``destination``.

    Their names carry the process id of the build that made them; a folder whose build is
    still running (another build at the same time) is left alone.
    """
    parent = destination.parent
    if not parent.is_dir():
        return
    for kind in ("staging", "old"):
        for folder in parent.glob(f".{destination.name}.{kind}-*"):
            pid = folder.name.removeprefix(f".{destination.name}.{kind}-").split("-", 1)[0]
            if pid.isdigit() and _alive(int(pid)):
                continue
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap(staging: Path, destination: Path, detach: bool = False) -> None:
    """Move the new site in place; the old one is removed only once the new one is there."""
    if not destination.exists():
        staging.rename(destination)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{destination.name}.old-{os.getpid()}-", dir=destination.parent))
    old.rmdir()
    destination.rename(old)
    try:
        staging.rename(destination)
    except BaseException:
        old.rename(destination)
        raise
    if not (detach and _remove_in_background(old)):
        shutil.rmtree(old, ignore_errors=True)


def _remove_in_background(folder: Path) -> bool:
    """Start ``rm -rf`` on ``folder`` in its own session, not waited for; False if impossible."""
    rm = shutil.which("rm")
    if rm is None:
        return False
    import subprocess  # only here: most builds never need it

    try:
        subprocess.Popen([rm, "-rf", "--", str(folder)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False
    return True

"""Write the built files into the output folder atomically: all of them, or none.

The site is written into a staging folder beside the output and swapped in at the end, so a
failed or interrupted build leaves the previous site exactly as it was (Lektor's way; MkDocs,
Pelican and Zola clean the output first and can leave half a site behind).
"""

from __future__ import annotations

import contextlib
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


class Staging:
    """A new output folder filled file by file beside ``destination``, swapped in by ``commit``.

    ``keep`` hard-links a file of ``previous`` (default: the destination) whose bytes would not
    change (copied where the filesystem cannot link), ``write`` writes a new one as it is made,
    so a build holds no more than one output in memory and is still one atomic swap. ``abort``
    (or any exception in the ``with`` block) removes the staging folder and leaves the
    destination as it was. With ``detach``, the replaced folder is deleted by a background
    ``rm -rf`` that outlives this process; the next build removes it if that was killed.
    """

    def __init__(self, destination: Path, previous: Path | None = None, detach: bool = False) -> None:
        self.destination = destination.absolute()
        self.source = str((previous or destination).absolute())
        self.detach = detach
        self.destination.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(self.destination)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.destination.name}.staging-{os.getpid()}-",
                                            dir=self.destination.parent))
        self.made: set[str] = {str(self.folder)}
        self.stats: dict[str, tuple[int, int]] = {}  # path → size and mtime, for the manifest

    def keep(self, path: str) -> None:
        target = _target(self.folder, path, self.made)
        _link(os.path.join(self.source, *path.split("/")), target)
        self.stats[path] = _stat(target)

    def write(self, path: str, content: bytes) -> None:
        target = _target(self.folder, path, self.made)
        with open(target, "wb") as file:
            file.write(content)
        self.stats[path] = _stat(target)

    def commit(self) -> dict[str, tuple[int, int]]:
        os.chmod(self.folder, 0o755)  # mkdtemp makes it private; a published site is readable
        _swap(self.folder, self.destination, self.detach)
        return self.stats

    def abort(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:
            self.abort()


class InPlace:
    """Updates a private folder that a dev server is serving: new files are written under
    temporary names, then ``commit`` renames each over the old one (each file is replaced
    atomically, so a request reads the old bytes or the new ones, never half a file) and
    removes the files the site no longer has. ``abort`` removes the temporary files."""

    SUFFIX = ".feuillet-new"

    def __init__(self, folder: Path, previous: dict[str, tuple[int, int]]) -> None:
        self.folder = folder.absolute()
        self.previous = previous  # path → size and mtime of the files there now
        self.made: set[str] = {str(self.folder)}
        self.pending: list[tuple[str, str]] = []  # (temporary file, final path)
        self.stats: dict[str, tuple[int, int]] = {}

    def keep(self, path: str) -> None:
        self.stats[path] = self.previous[path]

    def write(self, path: str, content: bytes) -> None:
        target = _target(self.folder, path, self.made)
        with open(target + self.SUFFIX, "wb") as file:
            file.write(content)
        self.pending.append((target + self.SUFFIX, path))

    def commit(self) -> dict[str, tuple[int, int]]:
        # Stylesheets, scripts and images first: a page never names a file not there yet.
        for temporary, path in sorted(self.pending, key=lambda item: item[1].endswith(".html")):
            target = temporary.removesuffix(self.SUFFIX)
            os.replace(temporary, target)
            self.stats[path] = _stat(target)
        for path in sorted(set(self.previous) - set(self.stats)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.folder, *_safe_relative(path).parts))
        return self.stats

    def abort(self) -> None:
        for temporary, _ in self.pending:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)

    def __enter__(self) -> InPlace:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is not None:
            self.abort()


def write_site(
    outputs: Sequence[Output],
    destination: Path,
    reuse: Sequence[str] = (),
    previous: Path | None = None,
    detach: bool = False,
) -> dict[str, tuple[int, int]]:
    """Replace ``destination`` by a folder holding exactly ``outputs`` and the ``reuse`` files
    (see :class:`Staging`); returns the size and time of every file, for the manifest."""
    with Staging(destination, previous, detach) as staging:
        for path in reuse:
            staging.keep(path)
        for output in outputs:
            staging.write(output.path, output.content)
        return staging.commit()


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
    if not (detach and remove_in_background(old)):
        shutil.rmtree(old, ignore_errors=True)


def remove_in_background(folder: Path) -> bool:
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

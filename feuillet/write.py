"""Write the built files into the output folder atomically: all of them, or none.

The site is written into a staging folder beside the output and swapped in at the end, so a
failed or interrupted build leaves the previous site exactly as it was (Lektor's way; MkDocs,
Pelican and Zola clean the output first and can leave half a site behind).

The output folder is never a place to lose work: :func:`check_destination` refuses folders
that hold anything but a site (the filesystem root, a home, system folders, the project and
its sources), :func:`check_owner` refuses to replace a folder feuillet did not make (its
:data:`MARKER` file says it did), what belongs to the deployment (``.git`` and the ``keep:``
paths of ``site.yaml``) is carried into each new folder, and :func:`locked` keeps two builds
from writing into one folder at once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path, PurePosixPath

from feuillet.cache import Cache
from feuillet.errors import message, template
from feuillet.model import Output
from feuillet.project import MARKER, Project

# The file at the top of every output folder feuillet makes: a folder without it is not replaced.
MARKER_TEXT = b"made by feuillet; safe to replace\n"
# The list of what a staging folder holds of the deployment during a swap (see Staging.commit).
JOURNAL = ".feuillet-carried"
# Always carried from the old output folder into the new one: a git checkout or worktree.
ALWAYS_KEPT = (".git",)

# Folders that are never an output folder, nor inside one.
SYSTEM_FOLDERS: tuple[str, ...] = (
    "/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/var", "/opt", "/boot", "/dev", "/proc",
    "/sys", "/tmp", "/srv", "/root", "/home", "/Users", "/System", "/Library",
)
# Folders whose insides are the system's too (patterns, as in a shell).
SYSTEM_TREES: tuple[str, ...] = ("/usr", "/etc", "/bin", "/sbin", "/lib*", "/boot", "/dev", "/proc", "/sys")

# Messages: templates of feuillet's catalogs (feuillet/locales), with named placeholders.
REFUSE = template("refusing to use {folder} as the output folder: {reason}")
REASON_ROOT = template("it is the root of the filesystem")
REASON_HOME = template("it is your home folder")
REASON_CONTAINS_HOME = template("it contains your home folder {home}")
REASON_SYSTEM = template("it is a system folder")
REASON_INSIDE_SYSTEM = template("it is inside the system folder {system}")
REASON_PROJECT = template("it is the project folder")
REASON_CONTAINS_PROJECT = template("it contains the project")
REASON_SOURCE = template("it is the project's {source}")
REASON_INSIDE_SOURCE = template("it is inside the project's {source}")
REASON_NOT_FOLDER = template("it is a file, not a folder")
NOT_MADE_BY_FEUILLET = template("refusing to replace {folder}: it was not made by feuillet; "
                                "pass --force to replace it, or choose an empty or new folder")
OUTSIDE_SITE = template("output path {path} is not inside the site")


class UnsafeOutput(Exception):
    """The output folder or an output path would write outside where it should."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM stopped a build; ``written`` tells whether the new site was already in place."""

    def __init__(self, written: bool) -> None:
        super().__init__("interrupted")
        self.written = written


# --- Which folders may be an output folder ---


def homes() -> tuple[Path, ...]:
    """The user's home folder, as ``$HOME`` and as the password database give it."""
    found = [Path.home()]
    if os.environ.get("HOME"):
        found.append(Path(os.environ["HOME"]))
    if sys.platform != "win32":
        import pwd

        with contextlib.suppress(KeyError):
            found.append(Path(pwd.getpwuid(os.getuid()).pw_dir))
    return tuple(found)


def _shown(destination: Path, target: Path) -> str:
    """The folder as the editor gave it, with where it leads when a link hides that."""
    return str(destination) if destination.absolute() == target else f"{destination} ({target})"


def _within(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or inside it."""
    return path == folder or folder in path.parents


def _matching(target: Path, pattern: str) -> Path | None:
    """The folder of ``target`` or its parents that ``pattern`` names (resolved unless a pattern)."""
    wanted = pattern if "*" in pattern else str(Path(pattern).resolve())
    return next((folder for folder in (target, *target.parents) if folder.match(wanted)), None)


def _reason(
    target: Path, project: Path, sources: Sequence[Path], home: Sequence[Path],
    system: Sequence[str], trees: Sequence[str],
) -> str | None:
    """Why ``target`` (resolved) may not be an output folder, or None."""
    if target == Path(target.anchor):
        return message(REASON_ROOT)
    for folder in home:
        resolved = folder.resolve()
        if target == resolved:
            return message(REASON_HOME)
        if target in resolved.parents:
            return message(REASON_CONTAINS_HOME, home=folder)
    if any(target == Path(name).resolve() for name in system):
        return message(REASON_SYSTEM)
    for pattern in trees:
        system_folder = _matching(target, pattern)
        if system_folder is not None:
            return message(REASON_INSIDE_SYSTEM, system=system_folder)
    root = project.resolve()
    if target == root:
        return message(REASON_PROJECT)
    if target in root.parents:
        return message(REASON_CONTAINS_PROJECT)
    for source in sources:
        resolved = source.resolve()
        name = source.name + ("" if source.suffix else "/")
        if target == resolved:
            return message(REASON_SOURCE, source=name)
        if resolved in target.parents:
            return message(REASON_INSIDE_SOURCE, source=name)
    if target.exists() and not target.is_dir():
        return message(REASON_NOT_FOLDER)
    return None


def check_destination(
    destination: Path,
    project: Path,
    sources: Sequence[Path] = (),
    home: Sequence[Path] | None = None,
    system: Sequence[str] = SYSTEM_FOLDERS,
    trees: Sequence[str] = SYSTEM_TREES,
) -> None:
    """Refuse an output folder whose replacement would lose work: the filesystem root, the home
    folder (``home``, default :func:`homes`), a system folder or one inside ``trees``, the project,
    a folder holding it, or one of its ``sources`` and anything inside them. Paths are compared
    resolved, so a symbolic link leads to what it names."""
    target = destination.resolve()
    reason = _reason(target, project, sources, homes() if home is None else home, system, trees)
    if reason is not None:
        raise UnsafeOutput(message(REFUSE, folder=_shown(destination, target), reason=reason))


def check_owner(destination: Path, force: bool = False,
                recorded: Callable[[], Collection[str]] = frozenset) -> None:
    """Refuse to replace an existing folder that feuillet did not make, unless ``force``.

    A missing or empty folder is fine (nothing to lose), and so is one with feuillet's
    :data:`MARKER`. A folder written by a feuillet without markers is recognised by its files:
    every one of them is listed by ``recorded()``, the output manifest in the project's cache.
    """
    if force or not destination.is_dir():
        return
    with os.scandir(destination) as entries:
        names = {entry.name for entry in entries}
    if names <= set(ALWAYS_KEPT) or os.path.isfile(destination / MARKER):
        return
    files = folder_files(destination)
    if files and set(files) <= set(recorded()):
        return
    raise UnsafeOutput(message(NOT_MADE_BY_FEUILLET, folder=destination))


def add_marker(folder: Path) -> None:
    """Give a folder feuillet wrote its :data:`MARKER`, if it lacks it (one written before them)."""
    marker = folder / MARKER
    if folder.is_dir() and not marker.is_file():
        marker.write_bytes(MARKER_TEXT)


def check_output(project: Project, output: Path, force: bool = False) -> None:
    """Both checks for a build of ``project`` into ``output``: raises :class:`UnsafeOutput`."""
    protected = (*project.sources, project.cache, project.root / ".git")
    check_destination(output, project.root, protected)
    check_owner(output, force, lambda: Cache.recorded_files(project.cache, output))


# --- Writing a new output folder, swapped in whole ---


def carried_paths(keep: Sequence[str] = ()) -> tuple[str, ...]:
    """``.git`` and the ``keep`` paths, without repeats nor paths inside another one."""
    found: list[PurePosixPath] = []
    for path in sorted({PurePosixPath(item) for item in (*ALWAYS_KEPT, *keep)},
                       key=lambda item: (len(item.parts), str(item))):
        if not any(other in path.parents for other in found):
            found.append(path)
    return tuple(str(path) for path in found)


class Staging:
    """A new output folder filled file by file beside ``destination``, swapped in by ``commit``.

    ``keep`` hard-links a file of ``previous`` (default: the destination) whose bytes would not
    change (copied where the filesystem cannot link), ``write`` writes a new one as it is made,
    so a build holds no more than one output in memory and is still one atomic swap. ``abort``
    (or any exception in the ``with`` block) removes the staging folder and leaves the
    destination as it was. With ``detach``, the replaced folder is deleted by a background
    ``rm -rf`` that outlives this process; the next build removes it if that was killed.

    ``commit`` writes the :data:`MARKER`, then moves ``.git`` and the ``carry`` paths (the
    ``keep:`` of ``site.yaml``) from the destination into the staging folder just before the
    swap, and back if the swap fails; Ctrl-C and SIGTERM wait until that is done. While they
    are in the staging folder, its :data:`JOURNAL` lists them, so that if the build is killed
    right then, the next one puts them back (:func:`recover`).
    """

    def __init__(self, destination: Path, previous: Path | None = None, detach: bool = False,
                 carry: Sequence[str] = ()) -> None:
        self.destination = destination.absolute()
        self.source = str((previous or destination).absolute())
        self.detach = detach
        self.carried = carried_paths(carry)
        self.destination.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(self.destination)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.destination.name}.staging-{os.getpid()}-",
                                            dir=self.destination.parent))
        self.made: set[str] = {str(self.folder)}
        self.stats: dict[str, tuple[int, int]] = {}  # path → size and mtime, for the manifest
        self.holding: list[str] = []  # carried paths now in the staging folder, not yet swapped in
        self.committed = False  # the new site is in place

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
        with open(self.folder / MARKER, "wb") as file:
            file.write(MARKER_TEXT)
        with _signals_held():
            present = [path for path in self.carried
                       if os.path.lexists(os.path.join(self.destination, *PurePosixPath(path).parts))]
            if present:
                (self.folder / JOURNAL).write_text("".join(path + "\n" for path in present), "utf-8")
            try:
                for path in present:
                    _move(self.destination, self.folder, path)
                    self.holding.append(path)
                old = _swap(self.folder, self.destination)
            except BaseException:
                while self.holding:
                    _move(self.folder, self.destination, self.holding[-1])
                    self.holding.pop()
                raise
            self.holding = []
            self.committed = True
            with contextlib.suppress(FileNotFoundError):
                (self.destination / JOURNAL).unlink()
            trash = _to_trash(old, self.destination) if old is not None else None
        if trash is not None:
            _delete(trash, self.detach)
        return self.stats

    def abort(self) -> None:
        if self.holding:  # the deployment's files are still in here: the next build puts them back
            return
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
    carry: Sequence[str] = (),
) -> dict[str, tuple[int, int]]:
    """Replace ``destination`` by a folder holding exactly ``outputs`` and the ``reuse`` files
    (see :class:`Staging`); returns the size and time of every file, for the manifest."""
    with Staging(destination, previous, detach, carry) as staging:
        for path in reuse:
            staging.keep(path)
        for output in outputs:
            staging.write(output.path, output.content)
        return staging.commit()


def _safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise UnsafeOutput(message(OUTSIDE_SITE, path=repr(path)))
    return relative


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


def _move(source: Path, target: Path, path: str) -> bool:
    """Rename ``source/path`` to ``target/path`` (file, folder or link); False if there is none."""
    parts = _safe_relative(path).parts
    old, new = os.path.join(source, *parts), os.path.join(target, *parts)
    if not os.path.lexists(old):
        return False
    if os.path.lexists(new):
        raise FileExistsError(f"{new} already exists")
    os.makedirs(os.path.dirname(new), exist_ok=True)
    os.rename(old, new)
    return True


def folder_files(folder: Path, skip: Collection[str] = ()) -> dict[str, tuple[int, int]]:
    """Every file below ``folder`` (relative POSIX path → size and modification time), except
    the :data:`MARKER`, ``.git`` and the ``skip`` paths (files or folders): what a build wrote."""
    skipped = {MARKER, JOURNAL, *ALWAYS_KEPT, *(str(PurePosixPath(path)) for path in skip)}
    found: dict[str, tuple[int, int]] = {}
    root = str(folder)
    for directory, folders, files in os.walk(folder):
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        folders[:] = [name for name in folders if prefix + name not in skipped]
        for name in files:
            if prefix + name in skipped:
                continue
            try:
                result = os.stat(os.path.join(directory, name), follow_symlinks=False)
            except OSError:
                continue
            found[prefix + name] = (result.st_size, result.st_mtime_ns)
    return found


# --- What a killed build leaves beside the output folder ---

# staging: a new folder being filled; old: the replaced folder during the swap; trash: the
# replaced folder once the new one is in place, being deleted.
LEFTOVER_KINDS = ("old", "staging", "trash")


def _leftovers(destination: Path, kind: str) -> list[Path]:
    return sorted(destination.parent.glob(f".{destination.name}.{kind}-*"))


def has_leftovers(destination: Path) -> bool:
    """A folder of another build, running or killed, is beside ``destination``."""
    return destination.parent.is_dir() and any(_leftovers(destination, kind) for kind in LEFTOVER_KINDS)


def _dead(folder: Path, destination: Path, kind: str) -> bool:
    pid = folder.name.removeprefix(f".{destination.name}.{kind}-").split("-", 1)[0]
    return not (pid.isdigit() and _alive(int(pid)))


def recover(destination: Path) -> None:
    """Undo what a build killed halfway through its swap left, deleting nothing: after it,
    ``destination`` holds the old site or the new one, with what belongs to the deployment.

    A build killed between its two renames left no destination: its ``old`` folder, the previous
    site, is renamed back. A build killed while its staging folder held ``.git`` and the
    ``keep:`` paths gets them moved back, as its :data:`JOURNAL` lists them. The folders' names
    carry the process id of the build that made them; those of a running build are left alone.
    """
    if not destination.parent.is_dir():
        return
    if not os.path.lexists(destination):
        old = _dead_leftovers(destination, "old")
        if old:
            max(old, key=lambda folder: folder.stat().st_mtime_ns).rename(destination)
    if not destination.is_dir():
        return
    for staging in _dead_leftovers(destination, "staging"):
        for path in _journal(staging):
            with contextlib.suppress(OSError):
                _move(staging, destination, path)
    with contextlib.suppress(FileNotFoundError):
        (destination / JOURNAL).unlink()  # killed just after its swap: the paths are in place


def remove_leftovers(destination: Path) -> None:
    """:func:`recover`, then delete the folders killed builds left beside ``destination``
    (staging, old and trash). A staging folder still holding a path of the deployment that
    could not go back is left in place rather than lose it."""
    recover(destination)
    if not destination.parent.is_dir():
        return
    for staging in _dead_leftovers(destination, "staging"):
        if not any(os.path.lexists(os.path.join(staging, *PurePosixPath(path).parts))
                   for path in _journal(staging)):
            shutil.rmtree(staging, ignore_errors=True)
    for folder in _dead_leftovers(destination, "old") + _dead_leftovers(destination, "trash"):
        _delete(folder, detach=False)


def _dead_leftovers(destination: Path, kind: str) -> list[Path]:
    return [folder for folder in _leftovers(destination, kind) if _dead(folder, destination, kind)]


def _journal(staging: Path) -> list[str]:
    """The deployment's paths a staging folder holds, as its journal lists them (safe ones only)."""
    try:
        lines = (staging / JOURNAL).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for line in lines:
        path = PurePosixPath(line)
        if line and not path.is_absolute() and ".." not in path.parts:
            found.append(line)
    return found


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


def _fresh(destination: Path, kind: str) -> Path:
    """A name beside ``destination`` that nothing has, with this process's id in it."""
    prefix = f".{destination.name}.{kind}-{os.getpid()}-"
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=destination.parent))
    folder.rmdir()
    return folder


def _swap(staging: Path, destination: Path) -> Path | None:
    """Move the new site in place (two renames); returns the replaced folder, if there was one."""
    if not os.path.lexists(destination):
        staging.rename(destination)
        return None
    old = _fresh(destination, "old")
    destination.rename(old)
    try:
        staging.rename(destination)
    except BaseException:
        old.rename(destination)
        raise
    return old


def _to_trash(old: Path, destination: Path) -> Path:
    """Rename the replaced folder before deleting it, so no later build mistakes it for a site
    to restore (see :func:`recover`)."""
    trash = _fresh(destination, "trash")
    try:
        old.rename(trash)
    except OSError:
        return old
    return trash


def _delete(folder: Path, detach: bool) -> None:
    if folder.is_symlink():  # the output was a link to a folder: the link goes, not what it names
        folder.unlink()
    elif not (detach and remove_in_background(folder)):
        shutil.rmtree(folder, ignore_errors=True)


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


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Let Ctrl-C and SIGTERM take effect only once the block is done (the swap is never cut in
    two). Python runs signal handlers in the main thread only, so elsewhere nothing is needed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(number)
        if handler is not None:
            previous[number] = handler
            signal.signal(number, lambda received, _: caught.append(received))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if caught:
            signal.raise_signal(caught[0])


# --- One build at a time into one folder ---


def lock_path(destination: Path) -> Path:
    """The lock file of ``destination``: beside it, never inside it; removed when released."""
    destination = destination.absolute()
    return destination.parent / f".{destination.name}.lock"


@contextlib.contextmanager
def locked(destination: Path, waiting: Callable[[], None] | None = None,
           patience: float = 0.5) -> Iterator[None]:
    """Hold the exclusive lock of ``destination`` for the block; another build into the same
    folder waits for it (``waiting`` is called once if that takes longer than ``patience`` s).

    The lock file is removed on release; a build that then holds a lock on the removed file
    notices (its file is not the one at the path any more) and takes the new one.
    """
    if sys.platform == "win32":  # no flock: builds are not serialised there
        yield
        return
    import fcntl

    path = lock_path(destination)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    told = False
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if told else fcntl.LOCK_NB))
                    break
                except BlockingIOError:
                    if time.monotonic() - started < patience:
                        time.sleep(0.05)
                        continue
                    if waiting is not None:
                        waiting()
                    told = True
            if _same_file(descriptor, path):
                break
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(descriptor)


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)

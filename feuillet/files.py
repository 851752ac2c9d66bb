"""Which files a build reads, and reading one on purpose.

The folders a build reads (``content/articles``, ``content/pages``, ``templates``, ``static``,
``locales``, ``assets``) are listed here, with one rule each. A listing never opens a file and never drops
one silently:

* hidden files and folders (``.name``) and editors' litter (:data:`LITTER`) are left out;
* a link is followed when it leads to a file or folder inside the project; a link that leads
  out of it, a broken link, a link to a folder already read (a loop), a named pipe, a socket
  or a device is a problem naming the file, and is never opened (opening a pipe blocks);
* in ``content/articles`` and ``content/pages`` a file of another kind than the folder holds
  (``.txt``, ``.docx``…) is a problem too; extensions are compared in lower case (``.MD``);
* in ``content/articles`` a folder holding ``index.md`` (or ``index.yaml``, ``index.yml``) is
  a *page bundle*, as Hugo has them: that file is the article, named after the folder, and
  every other file in the folder and below it is one of its resources (its images), listed
  apart and published beside the article's page;
* paths are given in Unicode NFC, whatever the file system stores (macOS writes ``é`` as
  ``e`` and a combining accent), so slugs, messages and output paths are the same everywhere.

Only the standard library, the errors and the model, so the no-op check (``feuillet.stamp``)
can list the sources without importing the build stages. String work and ``os.scandir``: a
link or an unusual file costs a system call, an ordinary file none beyond the listing.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from feuillet.errors import SourceError, decimal, message, template

# Files editors, file managers and operating systems leave beside the real ones. Ignored
# silently in every source folder (and by the dev server's watcher), case-insensitively.
LITTER: tuple[str, ...] = (
    "*~",  # backup copies (Emacs, gedit, nano)
    "*.sw[a-p]",  # Vim swap files
    "*.swx",  # Vim's test that it may write a swap file
    "#*#",  # Emacs auto-save files
    ".#*",  # Emacs lock files
    "*.tmp",  # copies written before being renamed over the real file
    "4913",  # Vim's test that it may write into a folder
    ".DS_Store",  # macOS Finder
    "._*",  # macOS resource forks on non-Apple disks
    "Thumbs.db",  # Windows thumbnails
    "desktop.ini",  # Windows folder settings
)
_LITTER_RE = re.compile("|".join(fnmatch.translate(pattern) for pattern in LITTER), re.IGNORECASE)

KEY = "file"  # the key of every problem found here

# Messages: templates of feuillet's catalogs (feuillet/locales), with named placeholders.
NOT_ARTICLE = template("not an article: feuillet reads .md, .yaml and .yml files in content/articles; "
               "rename it or move it elsewhere")
NOT_PAGE = template("not a page: feuillet reads .md files in content/pages; rename it or move it elsewhere")
SPECIAL = template("{kind}, not a file: feuillet reads only files; remove it")
OUTSIDE = template("a link to {target}, outside the project: feuillet reads only files inside it; "
           "copy the file into the project instead")
BROKEN = template("a broken link to {target}: nothing is there; fix or remove the link")
UNREADABLE = template("cannot be read: {reason}")
LOOP = template("a link to {target}, a folder feuillet already reads here: the same files would be read "
        "twice; remove the link")
NOT_FOLDER = template("{kind}, not a folder: feuillet reads the files inside {folder}")
SAME_NAME = template("two files have this name, with its accents written two ways (composed and "
             "decomposed Unicode); keep one")
TOO_BIG = template("the file is {size}; the limit is {limit} (max_file_size in site.yaml)")

_KINDS = (
    (stat.S_ISFIFO, message("a named pipe (FIFO)")),
    (stat.S_ISSOCK, message("a socket")),
    (stat.S_ISBLK, message("a block device")),
    (stat.S_ISCHR, message("a character device")),
    (stat.S_ISDIR, message("a folder")),
)


@dataclass(frozen=True)
class Rule:
    """What one source folder holds."""

    folder: str  # relative to the project root, with ``/``
    suffixes: tuple[str, ...] | None  # lower-case extensions read; None: every file
    other: str | None  # the problem for a file with another extension; None: it is skipped
    bundles: bool = False  # a folder with an index file is a page bundle (see the module's doc)


ARTICLES = Rule("content/articles", (".md", ".yaml", ".yml"), NOT_ARTICLE, bundles=True)
PAGES = Rule("content/pages", (".md",), NOT_PAGE)
TEMPLATES = Rule("templates", None, None)
STATIC = Rule("static", None, None)
CATALOGS = Rule("locales", (".po",), None)  # beside them: the .pot template, compiled .mo files
ASSETS = Rule("assets", None, None)  # read by the build (the social cards' font), never copied
RULES = (ARTICLES, PAGES, TEMPLATES, STATIC, CATALOGS, ASSETS)
CONFIG = "site.yaml"
AUTHORS = "authors.yaml"  # optional, beside site.yaml


class Source(NamedTuple):
    """One file to read (a named tuple: a listing makes 10,000 of them)."""

    file: str  # where it is on disk, through its link if it is one
    path: str  # relative to the project, with ``/``, in NFC: how messages and outputs name it


@dataclass(frozen=True)
class Listing:
    """The files of one source folder, in a stable order, and the problems found listing it."""

    sources: tuple[Source, ...]
    problems: tuple[SourceError, ...]
    resources: tuple[Source, ...] = ()  # the files of page bundles beside their index file


INDEX_NAMES = ("index.md", "index.yaml", "index.yml")


def bundle_folder(path: str) -> str | None:
    """The folder of the page bundle whose article is at ``path`` (``content/articles/x/index.md``
    → ``content/articles/x``), or None for an article that is a file of its own."""
    folder, _, name = path.rpartition("/")
    if name.lower() not in INDEX_NAMES or not folder.startswith(ARTICLES.folder + "/"):
        return None
    return folder


def is_litter(name: str) -> bool:
    """True for a file name in :data:`LITTER` (a backup, swap or lock file, ``.DS_Store``…)."""
    return _LITTER_RE.match(name) is not None


def is_markdown(path: str) -> bool:
    """An article or page in Markdown (``.md``, in any case), not YAML."""
    return path[-3:].lower() == ".md"


def nfc(name: str) -> str:
    """``name`` in Unicode NFC (cheap for ASCII names, which are most)."""
    if name.isascii() or unicodedata.is_normalized("NFC", name):
        return name
    return unicodedata.normalize("NFC", name)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, for messages."""
    return next((kind for test, kind in _KINDS if test(mode)), "a special file")


def _inside(real: str, real_root: str) -> bool:
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def _overlaps(real: str, folders: list[str]) -> bool:
    return any(_inside(real, folder) or _inside(folder, real) for folder in folders)


def _shown(real: str, real_root: str) -> str:
    """A real path as messages show it: relative to the project when inside it."""
    if real == real_root:
        return "."
    if _inside(real, real_root):
        return real[len(real_root.rstrip(os.sep)) + 1 :].replace(os.sep, "/")
    return real


@dataclass
class _Walk:
    """The state of one listing (local to :func:`listing`)."""

    real_root: str
    rule: Rule
    found: list[Source]
    problems: list[SourceError]
    folders: list[str]  # real paths of the folders read, for the loop guard
    renamed: bool = False  # a name was not NFC: look for two files with one name
    resources: list[Source] = field(default_factory=list)  # files of page bundles

    def problem(self, path: str, message: str) -> None:
        self.problems.append(SourceError(path, 0, KEY, message))

    def file(self, file: str, path: str) -> None:
        suffixes = self.rule.suffixes
        if suffixes is None or os.path.splitext(path)[1].lower() in suffixes:
            self.found.append(Source(file, path))
        elif self.rule.other is not None:
            self.problem(path, self.rule.other)

    def link(self, file: str, path: str) -> str | None:
        """Where a link leads, when it may be followed (a folder's real path, or '' for a file)."""
        real = os.path.realpath(file)
        if not _inside(real, self.real_root):
            self.problem(path, message(OUTSIDE, target=real))
            return None
        try:
            info = os.stat(file)
        except FileNotFoundError:
            self.problem(path, message(BROKEN, target=_link_text(file)))
            return None
        except OSError as error:  # a loop of links, a folder it may not enter
            self.problem(path, message(UNREADABLE, reason=_reason(error)))
            return None
        if stat.S_ISREG(info.st_mode):
            return ""
        if not stat.S_ISDIR(info.st_mode):
            self.problem(path, message(SPECIAL, kind=kind_of(info.st_mode)))
            return None
        if _overlaps(real, self.folders):
            self.problem(path, message(LOOP, target=_shown(real, self.real_root)))
            return None
        self.folders.append(real)
        return real


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _entry_kind(entry: os.DirEntry[str]) -> str:
    try:
        return kind_of(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        return "a special file"


def _link_text(file: str) -> str:
    try:
        return os.readlink(file)
    except OSError:
        return "?"


def listing(root: Path | str, rule: Rule) -> Listing:
    """The files of ``rule.folder`` under the project ``root``, sorted by path parts."""
    root_text = str(root)
    real_root = os.path.realpath(root_text)
    walk = _Walk(real_root, rule, [], [], [])
    top = os.path.join(root_text, *rule.folder.split("/"))
    try:
        info = os.lstat(top)
    except (FileNotFoundError, NotADirectoryError):
        return Listing((), ())  # no such folder: nothing to read
    if stat.S_ISLNK(info.st_mode):
        real = walk.link(top, rule.folder)
        if not real:
            if real == "":
                walk.problem(rule.folder, message(NOT_FOLDER, kind=message("a file"), folder=rule.folder))
            return Listing((), tuple(walk.problems))
    elif stat.S_ISDIR(info.st_mode):
        real = os.path.realpath(top)
        walk.folders.append(real)
    else:
        kind = "a file" if stat.S_ISREG(info.st_mode) else kind_of(info.st_mode)
        walk.problem(rule.folder, message(NOT_FOLDER, kind=kind, folder=rule.folder))
        return Listing((), tuple(walk.problems))
    pending = [(top, rule.folder + "/", False)]
    suffixes, other = rule.suffixes, rule.other
    found = walk.found
    while pending:
        folder, prefix, bundled = pending.pop()
        try:
            entries = os.scandir(folder)
        except OSError as error:
            walk.problem(prefix.rstrip("/"), message(UNREADABLE, reason=_reason(error)))
            continue
        rare = []  # folders, links and the like: few, and taken in name order (the loop guard)
        with entries:
            listed = list(entries)
        # A page bundle: a folder below the top one with an index file, and all below it.
        index = None
        if rule.bundles and not bundled and prefix != rule.folder + "/":
            index = next((entry.name for entry in listed if entry.name.lower() in INDEX_NAMES
                          and entry.is_file()), None)
        inside = bundled or index is not None
        for entry in listed:
            name = entry.name
            if name[0] == "." or not entry.is_file(follow_symlinks=False):
                if name[0] != ".":
                    rare.append(entry)
                continue
            dot = name.rfind(".")
            suffix = name[dot:].lower() if dot > 0 else ""
            # A name ending with an extension the folder holds is litter only after '#'.
            if (suffixes is None or suffix not in suffixes or name[0] == "#") and is_litter(name):
                continue
            shown = name if name.isascii() else nfc(name)
            if inside and name != index:
                walk.resources.append(Source(entry.path, prefix + shown))
            elif suffixes is None or suffix in suffixes:
                found.append(Source(entry.path, prefix + shown))
            elif other is not None:
                walk.problem(prefix + shown, other)
            walk.renamed = walk.renamed or shown is not name
        subfolders = []
        for entry in sorted(rare, key=lambda entry: entry.name):
            name = entry.name
            if is_litter(name):
                continue
            shown = nfc(name)
            walk.renamed = walk.renamed or shown is not name
            path = prefix + shown
            if entry.is_dir(follow_symlinks=False):
                subfolders.append((entry.path, path + "/", inside))
            elif entry.is_symlink():
                target = walk.link(entry.path, path)
                if target == "" and inside and name != index:
                    walk.resources.append(Source(entry.path, path))
                elif target == "":
                    walk.file(entry.path, path)
                elif target:
                    subfolders.append((entry.path, path + "/", inside))
            else:
                walk.problem(path, message(SPECIAL, kind=_entry_kind(entry)))
        pending.extend(reversed(subfolders))
    # By path parts: "\0" sorts before any character of a name, and strings compare fast.
    found = sorted(found, key=lambda source: source.path.replace("/", "\0"))
    resources = sorted(walk.resources, key=lambda source: source.path.replace("/", "\0"))
    if walk.renamed:
        found = _one_per_name(found, walk)
        resources = _one_per_name(resources, walk)
    return Listing(tuple(found), tuple(walk.problems), tuple(resources))


def _one_per_name(found: list[Source], walk: _Walk) -> list[Source]:
    """Two files whose names are one name in NFC: a problem, and neither is read."""
    paths = [source.path for source in found]
    twice = {path for path in paths if paths.count(path) > 1}
    for path in sorted(twice):
        walk.problem(path, SAME_NAME)
    return [source for source in found if source.path not in twice]


def config_problem(root: Path | str) -> SourceError | None:
    """A problem with ``site.yaml`` as a file (a pipe, a link out of the project…), or None."""
    root_text = str(root)
    file = os.path.join(root_text, CONFIG)
    try:
        info = os.lstat(file)
    except FileNotFoundError:
        return None  # the loader says that there is no site.yaml
    walk = _Walk(os.path.realpath(root_text), Rule("", None, None), [], [], [])
    if stat.S_ISLNK(info.st_mode):
        if walk.link(file, CONFIG) is not None and os.path.isdir(file):
            walk.problem(CONFIG, message(SPECIAL, kind=message("a folder")))
    elif not stat.S_ISREG(info.st_mode):
        walk.problem(CONFIG, message(SPECIAL, kind=kind_of(info.st_mode)))
    return walk.problems[0] if walk.problems else None


def human_size(size: int) -> str:
    """``2000000`` → ``2 MB``, ``3140000`` → ``3.1 MB``, ``52000`` → ``52 kB`` (decimal units)."""
    for unit, scale in ((template("{number} MB"), 1_000_000), (template("{number} kB"), 1_000)):
        if size >= scale:
            tenths = round(size / scale, 1)
            number = str(int(tenths)) if tenths == int(tenths) else decimal(tenths, 1)
            return message(unit, number=number)
    return message("{count} bytes", count=size)


def too_big(size: int, limit: int) -> str:
    """The message for a file of ``size`` bytes over ``limit`` (exact bytes when rounding hides it)."""
    shown, allowed = human_size(size), human_size(limit)
    if shown == allowed:
        shown, allowed = message("{count:,} bytes", count=size), message("{count:,} bytes", count=limit)
    return message(TOO_BIG, size=shown, limit=allowed)


def read_bytes(file: str | Path, path: str, limit: int | None) -> tuple[bytes | None, SourceError | None]:
    """The bytes of a regular file of at most ``limit`` bytes, or the problem: the kind and the
    size are checked with ``stat`` before the file is opened, and again on the open file."""
    try:
        info = os.stat(file)
        if not stat.S_ISREG(info.st_mode):
            return None, SourceError(path, 0, KEY, message(SPECIAL, kind=kind_of(info.st_mode)))
        if limit is not None and info.st_size > limit:
            return None, SourceError(path, 0, KEY, too_big(info.st_size, limit))
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        descriptor = os.open(file, flags | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as opened:
            mode = os.fstat(opened.fileno()).st_mode
            if not stat.S_ISREG(mode):  # replaced between the two looks
                return None, SourceError(path, 0, KEY, message(SPECIAL, kind=kind_of(mode)))
            data = opened.read() if limit is None else opened.read(limit + 1)
    except FileNotFoundError:
        return None, SourceError(path, 0, KEY, message(UNREADABLE, reason=message("the file is gone")))
    except OSError as error:
        return None, SourceError(path, 0, KEY, message(UNREADABLE, reason=_reason(error)))
    if limit is not None and len(data) > limit:  # it grew while being read
        return None, SourceError(path, 0, KEY, too_big(len(data), limit))
    return data, None


# The extensions of content files, as a link written by source names them (``autre.md``).
SOURCE_SUFFIXES = (".md", ".yaml", ".yml")


def linked_source(address: str, source: str) -> tuple[str, str] | None:
    """The content file a link written by source names, and its fragment: ``autre.md#x`` in
    ``content/articles/a.md`` is ``("content/articles/autre.md", "x")``, resolved from the
    folder of ``source``. None for any other address (a URL, ``/a-propos/``, ``#x``, ``x.png``)."""
    path, _, fragment = address.partition("#")
    if not path or "?" in path or ":" in path.split("/", 1)[0] or path.startswith("/"):
        return None
    path = unquote(path)
    if not path.lower().endswith(SOURCE_SUFFIXES):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    return nfc(joined), unquote(fragment)

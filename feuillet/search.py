"""The search index: Pagefind run over the built article pages, before the new site is swapped in.

Pagefind (a Rust binary shipped in the ``pagefind_bin`` wheel: no network at build or read time)
reads the article pages (``data-pagefind-body`` on ``<article>``, ``data-pagefind-meta`` for the
title, the kicker and the date) and writes a static index under ``pagefind/``; the page
``recherche/`` queries it with ``static/js/search.js`` through Pagefind's ``pagefind.js``. This
module is the only one that runs Pagefind.

Elisions. Pagefind splits a word on the straight apostrophe (``d'Israël`` is found by ``Israël``)
but not on the typographic one that French typography writes (``l’Ukraine`` is one word, so
``Ukraine`` would not find it). The pages are therefore indexed from a copy where an apostrophe
between two letters is the straight one (:func:`for_index`); the published pages keep theirs,
and the script puts ’ back in what it shows, and drops an elision (``d’``, ``l'``, ``qu’``…) from
the query, since ``d’Ukraine`` is then no word of the index while ``Ukraine`` is.

Deterministic: Pagefind names its files by the digest of their bytes and writes the same bytes
for the same pages (checked by ``tests/test_reproducible.py``), so ``--verify`` and ``diff`` need
no exception for ``pagefind/``.

Incremental: the index is keyed by the digests of the article pages' steps and Pagefind's
version (:func:`index_key`); when the previous output holds an index of that key, intact, its
files are kept (hard-linked) and Pagefind does not run (:func:`reusable`).
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from feuillet.cache import ManifestRow, digest
from feuillet.errors import BuildFailed, SourceError, message, template

PREFIX = "pagefind/"  # where the index is published, under the base path
PAGE = "recherche/"  # the search page (publish.SEARCH_PATH)
ENTRY = PREFIX + "pagefind-entry.json"  # the file every index has
# Pagefind's own interfaces, not used (the page has its own small, French, accessible script).
UNUSED = re.compile(r"pagefind-(?:ui|component-ui|modular-ui|highlight)\.(?:js|css)$")
TIMEOUT = 600  # seconds: Pagefind indexes 10,000 pages in a few seconds
# An apostrophe between two letters (l’Ukraine, aujourd’hui, presqu’île).
_ELIDED = re.compile(r"(?<=\w)’(?=\w)")

NO_PAGEFIND = template("cannot build the search index: {reason}")
PAGEFIND_FAILED = template("cannot build the search index: Pagefind stopped with code {code}: {detail}")


def executable() -> Path:
    """Pagefind's binary, from the ``pagefind_bin`` wheel (FileNotFoundError when missing)."""
    import pagefind_bin  # type: ignore[import-untyped]

    found: Path = pagefind_bin.get_executable()
    return found


def version() -> str:
    """The version of the ``pagefind_bin`` wheel (part of the index's key), or '' without it."""
    from importlib import metadata

    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return ""


def index_key(salt: str, pages: Sequence[tuple[str, str]]) -> str:
    """The digest of what the index depends on: each article page (path, digest of its step)."""
    return digest(salt, "search", version(), sorted(pages))


def reusable(previous: Mapping[str, ManifestRow], on_disk: Mapping[str, tuple[int, int]], key: str
             ) -> tuple[str, ...] | None:
    """The files of the previous output's index when it was made with ``key`` and is intact."""
    paths = tuple(sorted(path for path in previous if path.startswith(PREFIX)))
    if ENTRY not in paths:
        return None
    for path in paths:
        row = previous[path]
        if row.digest != key or on_disk.get(path) != (row.size, row.mtime_ns):
            return None
    return paths


def for_index(html: bytes) -> bytes:
    """The page as Pagefind reads it: an apostrophe between letters is the straight one."""
    return _ELIDED.sub("'", html.decode("utf-8")).encode("utf-8")


def _failure(reason: object) -> BuildFailed:
    return BuildFailed([SourceError("pagefind", 0, "search", message(NO_PAGEFIND, reason=str(reason)))])


def build_index(pages: Sequence[tuple[str, bytes]], binary: Path | None = None) -> list[tuple[str, bytes]]:
    """Index ``pages`` (site path, bytes of the built page): the files of ``pagefind/``, in order.

    Raises :class:`BuildFailed` when Pagefind is missing or fails, so the build writes nothing."""
    try:
        program = binary or executable()
    except (ImportError, FileNotFoundError) as error:
        raise _failure(error) from None
    with tempfile.TemporaryDirectory(prefix="feuillet-search-") as folder:
        site, out = Path(folder) / "site", Path(folder) / "index"
        for path, content in pages:
            target = site.joinpath(*PurePosixPath(path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(for_index(content))
        site.mkdir(exist_ok=True)
        command = [str(program), "--site", str(site), "--output-path", str(out), "--silent"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False,
                                  env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError) as error:
            raise _failure(error) from None
        if done.returncode != 0 or not (out / "pagefind-entry.json").is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise BuildFailed([SourceError("pagefind", 0, "search", message(
                PAGEFIND_FAILED, code=done.returncode, detail=detail[-1] if detail else "-"))])
        made = []
        for file in sorted(out.rglob("*")):
            name = file.relative_to(out).as_posix()
            if file.is_file() and not UNUSED.search(name):
                made.append((PREFIX + name, file.read_bytes()))
        return made

"""The no-op check: has anything a build reads changed since it last wrote this output folder?

A *stamp* is the digest of the cache salt (feuillet's code and library versions), the build
options that change bytes (base path, drafts) and the path, size, modification time and identity
(device and inode) of every source file, listed as the build lists them (``feuillet.files``).
After a build writes a folder, its stamp is recorded beside the folder's manifest. The next
build into the same folder first computes the stamp again: when it is the recorded one and
every file of the folder still has the size and time the manifest recorded, the folder is exactly
what a build would write, and nothing is loaded, rendered or written (``make`` does the same
reasoning file by file; this is its shortcut for the whole site, as ``make`` itself uses file
times). A file modified less than two seconds ago is not trusted to be unchanged
(a clock tick can hide a second write), so such a source makes the stamp None: a full build.

This module imports only the standard library, the cache, the file lister and the writer, so
that a no-op ``build`` does not pay for importing Markdown, Jinja2, Babel and Pillow.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from feuillet import files
from feuillet.cache import Cache, digest, identity, salt
from feuillet.errors import SourceError
from feuillet.project import BuildOptions, BuildReport, Project
from feuillet.write import folder_files, has_leftovers

TRUSTED_AGE_NS = 2_000_000_000  # how old a modification time must be to mean "unchanged"


@dataclass(frozen=True)
class Recorded:
    """What the last build into a folder made, kept with its stamp."""

    stamp: str
    articles: int
    pages: int
    files: int
    base_path: str
    stylesheets: tuple[tuple[str, str], ...]
    warnings: tuple[SourceError, ...] = ()
    next_publication: datetime | None = None  # past it, a scheduled article is due: build again
    keep: tuple[str, ...] = ()  # the keep: paths of site.yaml, not files of the site


def source_files(project: Project) -> list[tuple[str, int, int, str]] | None:
    """(path, size, mtime, identity) of every file a build reads, listed as the build lists them
    (``feuillet.files``), in a stable order; None when one cannot be read on purpose (a pipe, a
    broken link…): then the build runs, and reports it."""
    found: list[tuple[str, int, int, str]] = []
    if files.config_problem(project.root) is not None:
        return None
    sources = [files.Source(str(project.config), files.CONFIG)] if project.config.is_file() else []
    if project.authors.is_file():
        sources.append(files.Source(str(project.authors), files.AUTHORS))
    for rule in files.RULES:
        listing = files.listing(project.root, rule)
        if listing.problems:
            return None
        sources.extend(listing.sources)
        sources.extend(listing.resources)  # a page bundle's images
    for source in sources:
        try:
            result = os.stat(source.file)
        except OSError:
            return None
        found.append((source.path, result.st_size, result.st_mtime_ns, identity(result)))
    return sorted(found)


def stamp(project: Project, options: BuildOptions, salt: str) -> str | None:
    """The stamp of the sources as they are now, or None when one was modified too recently."""
    found = source_files(project)
    if found is None:
        return None
    newest = max((mtime for _, _, mtime, _ in found), default=0)
    if time.time_ns() - newest < TRUSTED_AGE_NS:
        return None
    return digest(salt, options.base_path, options.drafts, options.future, options.preview,
                  options.preview_label, found)


def _key(output: Path) -> str:
    return "stamp:" + str(output.absolute())


def recorded(cache: Cache, output: Path) -> Recorded | None:
    found = cache.get(_key(output))
    return found if isinstance(found, Recorded) else None


def record(cache: Cache, output: Path, value: Recorded | None) -> None:
    """Remember (or, with None, forget) what was last built into ``output``."""
    if value is None:
        cache.forget(_key(output))
    else:
        cache.put(_key(output), value)


def unchanged(output: Path, current: str | None, cache: Cache,
              started: float, now: datetime | None = None) -> tuple[BuildReport, Recorded] | None:
    """The report of a build that has nothing to do, or None when something may have changed
    (a source, the output folder, or the time: an article scheduled before ``now``)."""
    last = recorded(cache, output)
    if current is None or last is None or last.stamp != current or not output.is_dir():
        return None
    if last.next_publication is not None and (now is None or now >= last.next_publication):
        return None
    if has_leftovers(output):  # another build is writing, or a killed one left work to finish
        return None
    rows = cache.manifest(output.absolute())
    on_disk = folder_files(output, last.keep)
    if not rows or on_disk != {path: (row.size, row.mtime_ns) for path, row in rows.items()}:
        return None
    report = BuildReport(last.articles, last.pages, last.files, time.perf_counter() - started,
                         timings=(("stamp", time.perf_counter() - started),),
                         notes=tuple(cache.notes), written=0, warnings=last.warnings,
                         next_publication=last.next_publication)
    return report, last


def skip(project: Project, output: Path, options: BuildOptions) -> BuildReport | None:
    """The report of a build into ``output`` with nothing to do, or None: build."""
    started = time.perf_counter()
    cache = Cache.peek(project.cache, salt()) if options.cache else None
    if cache is None:
        return None
    if options.now is not None and options.now.tzinfo is None:  # its time zone is the site's: build
        cache.close()
        return None
    try:
        found = unchanged(output, stamp(project, options, cache.salt), cache, started, options.instant())
    finally:
        cache.close()
    return found[0] if found else None

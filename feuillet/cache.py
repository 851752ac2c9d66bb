"""The build cache under ``.cache/``: parsed sources, article views, memos, and output manifests.

One SQLite file (the standard library's ``sqlite3``: transactions, locking between two builds,
and a format that detects truncation). Every value is keyed by everything that decides it, and
the whole file by a *salt*: feuillet's own source code and the versions of the libraries that
shape the bytes. A payload is stored with its checksum and checked when read. Anything wrong —
a missing, truncated, corrupt, foreign or older file, a bad payload — makes the cache start
empty (with one note saying so), so the cache can make a build faster but never different.
Deleting ``.cache/`` is always safe; ``build --no-cache`` uses an empty in-memory cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from feuillet.errors import message

FILE_NAME = "feuillet.sqlite"
FORMAT = "2"  # bump when the tables below change
# Libraries whose version can change the bytes of an output.
LIBRARIES = ("markdown", "pymdown-extensions", "jinja2", "babel", "markupsafe", "pyyaml", "feedgen",
             "pillow", "tzdata", "nh3")

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, identity TEXT, hash TEXT, context TEXT,
    checksum TEXT, payload BLOB);
CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, checksum TEXT, payload BLOB);
CREATE TABLE IF NOT EXISTS manifest (
    folder TEXT, path TEXT, digest TEXT, content TEXT, size INTEGER, mtime_ns INTEGER,
    PRIMARY KEY (folder, path));
"""


def digest(*parts: Any) -> str:
    """A stable digest of plain values (strings, numbers, tuples, frozen dataclasses)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def text_digest(*parts: str) -> str:
    """``digest`` for strings only, without ``repr``: the plan makes one per article and output."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _checksum(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def code_digest() -> str:
    """Digest of feuillet's own source files: any change to the code invalidates the cache."""
    package = Path(__file__).resolve().parent
    hasher = hashlib.sha256()
    for file in sorted(package.glob("*.py")):
        hasher.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return hasher.hexdigest()


def library_versions(names: Iterable[str] = LIBRARIES) -> tuple[tuple[str, str], ...]:
    found = []
    for name in names:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "-"))
    return tuple(found)


def salt() -> str:
    """What every cached value also depends on: the code, the libraries, the Python version."""
    return digest(FORMAT, code_digest(), library_versions(), sys.version_info[:3])


@dataclass(frozen=True)
class ManifestRow:
    """One file of a written output folder: the digest of its inputs and of its bytes, its stat."""

    digest: str
    content: str
    size: int
    mtime_ns: int


def identity(stat: os.stat_result) -> str:
    """Which file a stat is of (device and inode, as text: inodes may not fit SQLite's integers).

    With the size and the modification time, it tells a file left alone from one put in its
    place, such as a copy with the same size and time, or a link to another file."""
    return f"{stat.st_dev}:{stat.st_ino}"


@dataclass(frozen=True)
class SourceRow:
    size: int
    mtime_ns: int
    identity: str
    hash: str
    context: str
    payload: bytes


class Cache:
    """The cache of one project, or an empty in-memory one (``folder=None``).

    ``notes`` holds what went wrong with the file, for the one line the command prints.
    """

    def __init__(self, folder: Path | None, salt_value: str) -> None:
        self.salt = salt_value
        self.notes: list[str] = []
        self.path = folder / FILE_NAME if folder is not None else None
        self.db = self._open()

    @classmethod
    def peek(cls, folder: Path, salt_value: str) -> Cache | None:
        """The project's cache opened read-only, or None if it is missing, foreign or damaged:
        a quick look that leaves resetting (and saying so) to the build itself."""
        path = folder / FILE_NAME
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30,
                                 isolation_level=None)
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError:
            return None
        if rows.get("salt") != salt_value:
            db.close()
            return None
        cache = cls.__new__(cls)
        cache.salt, cache.notes, cache.path, cache.db = salt_value, [], path, db
        return cache

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            return self._fresh(":memory:")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_TABLES)
            rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if rows.get("salt") == self.salt:
                return db
            if rows:
                self.notes.append(message(
                    "cache made by another version of feuillet or its libraries: rebuilt"))
            db.close()
        except sqlite3.DatabaseError:
            self.notes.append(message("cache file {name} was unreadable: rebuilt", name=self.path.name))
        except OSError as error:
            self.notes.append(message("cache unusable ({reason}): building without it",
                                      reason=error.strerror))
            return self._fresh(":memory:")
        return self._reset()

    def _reset(self) -> sqlite3.Connection:
        assert self.path is not None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        try:
            return self._fresh(str(self.path))
        except (sqlite3.DatabaseError, OSError) as error:
            self.notes.append(message("cache unusable ({reason}): building without it", reason=str(error)))
            return self._fresh(":memory:")

    def _fresh(self, where: str) -> sqlite3.Connection:
        db = sqlite3.connect(where, timeout=30, isolation_level=None)
        if where != ":memory:":
            db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_TABLES)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('salt', ?)", (self.salt,))
        return db

    def _guard(self, query: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        """Run a query; a database error turns the cache into an empty in-memory one."""
        try:
            return self.db.execute(query, parameters).fetchall()
        except sqlite3.DatabaseError:
            self.notes.append(message("cache file damaged during the build: continuing without it"))
            self.path = None
            self.db = self._fresh(":memory:")
            return self.db.execute(query, parameters).fetchall()

    # --- sources ---

    def sources(self) -> dict[str, SourceRow]:
        rows = self._guard("SELECT path, size, mtime_ns, identity, hash, context, checksum, payload "
                           "FROM sources")
        return {
            path: SourceRow(size, mtime, identity, hashed, context, payload)
            for path, size, mtime, identity, hashed, context, checksum, payload in rows
            if isinstance(payload, bytes) and _checksum(payload) == checksum
        }

    def source(self, path: str) -> SourceRow | None:
        rows = self._guard("SELECT size, mtime_ns, identity, hash, context, checksum, payload "
                           "FROM sources WHERE path = ?", (path,))
        if not rows:
            return None
        size, mtime, identity, hashed, context, checksum, payload = rows[0]
        if not isinstance(payload, bytes) or _checksum(payload) != checksum:
            return None
        return SourceRow(size, mtime, identity, hashed, context, payload)

    def put_sources(self, rows: dict[str, SourceRow]) -> None:
        self._many(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(path, r.size, r.mtime_ns, r.identity, r.hash, r.context, _checksum(r.payload), r.payload)
             for path, r in rows.items()],
        )

    def forget_sources(self, paths: Iterable[str]) -> None:
        self._many("DELETE FROM sources WHERE path = ?", [(path,) for path in paths])

    # --- memo: any value by the digest of what decides it ---

    def get(self, key: str) -> Any | None:
        rows = self._guard("SELECT checksum, payload FROM memo WHERE key = ?", (key,))
        if not rows or not isinstance(rows[0][1], bytes) or _checksum(rows[0][1]) != rows[0][0]:
            return None
        return load(rows[0][1])

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        """Raw payloads by key (checked), fetched in batches."""
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            marks = ",".join("?" * len(batch))
            for key, checksum, payload in self._guard(
                f"SELECT key, checksum, payload FROM memo WHERE key IN ({marks})", tuple(batch)
            ):
                if isinstance(payload, bytes) and _checksum(payload) == checksum:
                    found[key] = payload
        return found

    def forget(self, key: str) -> None:
        self._guard("DELETE FROM memo WHERE key = ?", (key,))

    def put(self, key: str, value: Any) -> None:
        self.put_raw({key: dump(value)})

    def put_raw(self, payloads: dict[str, bytes]) -> None:
        self._many("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)",
                   [(key, _checksum(payload), payload) for key, payload in payloads.items()])

    # --- manifests of output folders ---

    def manifest(self, folder: Path) -> dict[str, ManifestRow]:
        rows = self._guard("SELECT path, digest, content, size, mtime_ns FROM manifest WHERE folder = ?",
                           (str(folder),))
        return {path: ManifestRow(d, c, s, m) for path, d, c, s, m in rows}

    def put_manifest(self, folder: Path, rows: dict[str, ManifestRow]) -> None:
        self.drop_manifest(folder)
        self._many("INSERT INTO manifest VALUES (?, ?, ?, ?, ?, ?)",
                   [(str(folder), path, r.digest, r.content, r.size, r.mtime_ns) for path, r in rows.items()])

    def drop_manifest(self, folder: Path) -> None:
        self._guard("DELETE FROM manifest WHERE folder = ?", (str(folder),))

    @staticmethod
    def recorded_files(folder: Path, output: Path) -> set[str]:
        """The paths the manifest lists for ``output``, whatever feuillet version wrote the cache
        (empty if there is none): how a folder written before output markers is recognised."""
        path = folder / FILE_NAME
        if not path.is_file():
            return set()
        try:
            db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
            try:
                rows = db.execute("SELECT path FROM manifest WHERE folder = ?", (str(output.absolute()),))
                return {str(row[0]) for row in rows.fetchall()}
            finally:
                db.close()
        except sqlite3.DatabaseError:
            return set()

    def _many(self, query: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        try:
            with self.db:
                self.db.execute("BEGIN")
                self.db.executemany(query, rows)
        except sqlite3.DatabaseError:
            self.notes.append(message("cache file could not be written: continuing without it"))
            self.path = None
            self.db = self._fresh(":memory:")

    def close(self) -> None:
        self.db.close()


def dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load(payload: bytes) -> Any | None:
    """A cached value, or None when the payload cannot be read back (the caller recomputes it)."""
    try:
        return pickle.loads(payload)
    except Exception:  # a payload from other code: any error means "not cached"
        return None

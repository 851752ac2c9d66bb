"""Identical input, identical bytes: whatever the checkout path, locale, time zone, hash seed,
number of workers and cache, and with ``SOURCE_DATE_EPOCH`` as the only clock."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, make_site, run

EPOCH = "1718784000"  # 2024-06-19T08:00:00Z


def corpus(root: Path) -> Path:
    """The shipped site plus articles that exercise dates, links by source and a scheduled piece."""
    make_site(root, {
        "site.yaml": (REPO / "site.yaml").read_text(encoding="utf-8"),
        **{f"content/{p.relative_to(REPO / 'content').as_posix()}": p.read_text(encoding="utf-8")
           for p in (REPO / "content").rglob("*") if p.is_file()},
        **{f"content/articles/n{n:02d}.md": (
            f"---\ntitle: Note {n} — « été » à Séoul\ndate: 2024-0{1 + n % 6}-{10 + n % 18}T23:30\n"
            f"tags: [Corée, {'Été' if n % 2 else 'Œuvre'}]\n---\n"
            f"Un chapô.\n\n## Contexte\n\nVoir [la suite](n{(n + 1) % 30:02d}.md#contexte) et [nous](../pages/a-propos.md).\n")
            for n in range(30)},
        "content/articles/embargo.md": "---\ntitle: Plus tard\ndate: 2030-01-01T08:00\n---\nTexte.\n",
    })
    shutil.copytree(REPO / "static", root / "static", dirs_exist_ok=True)
    return root


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_in(root: Path, out: Path, env: dict[str, str], *args: str) -> dict[str, bytes]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "LANG"))}
    environ |= {"SOURCE_DATE_EPOCH": EPOCH, **env}
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--output",
                           str(out), *args], env=environ, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return tree(out)


def test_the_bytes_do_not_depend_on_path_locale_time_zone_seed_workers_or_cache(tmp_path: Path) -> None:
    first = corpus(tmp_path / "a" / "site")
    other = tmp_path / "un chemin" / "tout à fait" / "autre"
    shutil.copytree(first, other)
    reference = build_in(first, tmp_path / "out-a", {"LC_ALL": "C", "TZ": "UTC", "PYTHONHASHSEED": "1"},
                         "--jobs", "2")
    assert "embargo/index.html" not in reference and "n05/index.html" in reference
    variants = [
        (other, {"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8", "TZ": "Pacific/Chatham", "PYTHONHASHSEED": "2"},
         ("--jobs", "1", "--no-cache")),
        (first, {"LC_ALL": "fr_FR.UTF-8", "TZ": "America/St_Johns", "PYTHONHASHSEED": "3"},
         ("--jobs", "2")),  # the cache of the first build, warm
        (other, {"LANG": "en_US.UTF-8", "TZ": "Asia/Kathmandu", "PYTHONHASHSEED": "random"}, ()),
    ]
    for number, (root, env, args) in enumerate(variants):
        made = build_in(root, tmp_path / f"out-{number}", env, *args)
        different = sorted(path for path in set(made) | set(reference) if made.get(path) != reference.get(path))
        assert different == [], (env, different[:5])


def test_a_preview_is_reproducible_too(tmp_path: Path) -> None:
    root = corpus(tmp_path / "site")
    one = build_in(root, tmp_path / "one", {"TZ": "UTC", "PYTHONHASHSEED": "1"}, "--base-path", "/pr-7/")
    two = build_in(root, tmp_path / "two", {"TZ": "Europe/Paris", "PYTHONHASHSEED": "2"}, "--base-path",
                   "/pr-7/", "--no-cache", "--jobs", "1")
    assert one == two and "embargo/index.html" in one


def test_source_date_epoch_dates_a_new_article(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = site({})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1718784000")
    assert run(root, "new", "Un titre") == 0
    assert "date: 2024-06-19" in (root / "content/articles/un-titre.yaml").read_text(encoding="utf-8")


# Where feuillet reads the clock. Only ``project.clock`` gives a time that reaches an output or a
# source (and it honours SOURCE_DATE_EPOCH); the others time the build or judge files' ages.
CLOCK_READS = {
    ("project", "datetime.now"),  # clock(), when SOURCE_DATE_EPOCH is not set
    ("cli", "date.today"),  # `new` without SOURCE_DATE_EPOCH
    ("cli", "time.monotonic"), ("write", "time.monotonic"),  # progress and waiting for a lock
    ("pipeline", "time.time_ns"), ("stamp", "time.time_ns"),  # is a file too recent to trust its mtime?
    ("pipeline", "time.perf_counter"), ("cli", "time.perf_counter"), ("serve", "time.perf_counter"),
    ("stamp", "time.perf_counter"),
    ("serve", "time.monotonic"),
}
CLOCKS = {"datetime.now", "datetime.utcnow", "datetime.today", "date.today", "time.time", "time.time_ns",
          "time.monotonic", "time.perf_counter", "time.localtime", "time.gmtime", "time.strftime"}


def test_every_clock_read_is_known() -> None:
    found = set()
    for module in (REPO / "feuillet").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(
                    node.func.value, ast.Name) and f"{node.func.value.id}.{node.func.attr}" in CLOCKS:
                found.add((module.stem, f"{node.func.value.id}.{node.func.attr}"))
    assert found <= CLOCK_READS, sorted(found - CLOCK_READS)
    assert ("project", "datetime.now") in found

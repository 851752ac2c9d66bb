"""The build plan, the cache and the workers may make a build faster, never different.

Every test compares an incremental or cached build with a clean one (``--no-cache`` into a new
folder) byte for byte, or checks which files a rebuild wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feuillet import cache as caching
from feuillet.pipeline import BuildOptions, DevSite, Project, build
from feuillet.write import MARKER
from tests.conftest import REPO, make_site, run, soup


def article(title: str, day: int, body: str = "Un texte.", tags: str = "[Corée]") -> str:
    return (f"title: {title!r}\ndate: 2024-06-{day:02d}\nkicker: Analyse\ntags: {tags}\n"
            f"standfirst: Le chapô de {title}.\nsections:\n  - title: Contexte\n    blocks: [{body!r}]\n")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def site_files(found: dict[str, bytes]) -> dict[str, bytes]:
    """The files of a build without its output marker, which the dev server's private folder lacks,
    nor the search index and page (the dev server builds no index: its page says so)."""
    return {path: content for path, content in found.items()
            if path != MARKER and not path.startswith(("pagefind/", "recherche/"))}


def without_index(paths: set[str]) -> set[str]:
    """The paths that are not the search index's (remade whenever an article page changes)."""
    return {path for path in paths if not path.startswith("pagefind/")}


def clean_build(root: Path, target: Path) -> dict[str, bytes]:
    """The reference: no cache, one process, a new folder."""
    shutil.rmtree(target, ignore_errors=True)
    build(Project(root), target, BuildOptions(jobs=1, cache=False))
    return files(target)


def three(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", {
        f"content/articles/a{n}.yaml": article(f"Titre {n}", n + 1) for n in range(3)
    })


def test_a_rebuild_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    first = build(Project(root), out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    second = build(Project(root), out)
    assert first.written == first.files and second.written == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_editing_a_body_rewrites_its_page_and_the_feed_only(tmp_path: Path) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    build(Project(root), out)
    source = root / "content/articles/a1.yaml"
    source.write_text(article("Titre 1", 2, body="Un autre texte."), encoding="utf-8")
    old = files(out)
    report = build(Project(root), out)
    new = files(out)
    # the feeds that hold its text: the site's, its subject's and its rubrique's (and the index)
    changed = {path for path in new if new[path] != old.get(path)}
    assert without_index(changed) == {
        "a1/index.html", "feed.xml", "sujets/coree/atom.xml", "rubriques/analyse/atom.xml"}
    assert report.written == len(changed)
    assert new == clean_build(root, tmp_path / "clean")


def test_editing_a_title_rewrites_the_pages_that_list_it(tmp_path: Path) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    build(Project(root), out)
    (root / "content/articles/a1.yaml").write_text(article("Nouveau titre", 2), encoding="utf-8")
    old = files(out)
    build(Project(root), out)
    new = files(out)
    changed = {path for path in new if new[path] != old.get(path)}
    # its page, its card, the home page, the feeds, the two pages whose « Lire aussi » shows it,
    # and the pages of its subject and rubrique
    assert {"a1/index.html", "a1/social.png", "index.html", "feed.xml", "a0/index.html",
            "a2/index.html", "sujets/coree/index.html", "sujets/coree/atom.xml",
            "rubriques/analyse/index.html", "rubriques/analyse/atom.xml"} == without_index(changed)
    assert new == clean_build(root, tmp_path / "clean")


def test_a_file_changed_by_hand_in_the_output_is_made_again(tmp_path: Path) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    build(Project(root), out)
    (out / "a0" / "index.html").write_text("abîmé", encoding="utf-8")
    (out / "extra.txt").write_text("pas à nous", encoding="utf-8")
    build(Project(root), out)
    assert files(out) == clean_build(root, tmp_path / "clean")


def test_a_leftover_staging_folder_of_a_killed_build_is_removed(tmp_path: Path) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    build(Project(root), out)
    dead = tmp_path / ".out.staging-999999999-abcd"  # no process has this id
    dead.mkdir()
    (dead / "index.html").write_text("moitié", encoding="utf-8")
    (root / "content/articles/a1.yaml").write_text(article("Titre 1", 2, body="Autre."), encoding="utf-8")
    build(Project(root), out)
    assert not dead.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


@pytest.mark.parametrize("damage", ["random", "truncated", "empty", "foreign"])
def test_a_damaged_cache_is_rebuilt_with_one_note(tmp_path: Path, damage: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    database = root / ".cache" / caching.FILE_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    if damage == "random":
        database.write_bytes(os.urandom(20_000))
    elif damage == "truncated":
        database.write_bytes(database.read_bytes()[:1500])
    elif damage == "empty":
        database.write_bytes(b"")
    else:
        with sqlite3.connect(database) as db:
            db.execute("UPDATE meta SET value = 'another version' WHERE key = 'salt'")
    (root / "content/articles/a1.yaml").write_text(article("Titre modifié", 2), encoding="utf-8")
    capsys.readouterr()
    assert run(root, "build", "--output", str(out)) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "cache" in line]
    assert len(notes) <= 1
    if damage in ("random", "foreign"):
        assert len(notes) == 1 and notes[0].endswith("rebuilt")
    assert files(out) == clean_build(root, tmp_path / "clean")
    assert run(root, "build", "--output", str(out)) == 0  # and the rebuilt cache is good again
    assert "cache" not in capsys.readouterr().err


def test_a_bad_payload_in_the_cache_is_never_used(tmp_path: Path) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    build(Project(root), out)
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:
        db.execute("UPDATE memo SET payload = X'00112233'")
        db.execute("UPDATE sources SET payload = X'00112233'")
        db.execute("DELETE FROM manifest")
    build(Project(root), out)
    assert files(out) == clean_build(root, tmp_path / "clean")


def test_two_projects_side_by_side_keep_their_own_caches(tmp_path: Path) -> None:
    first = make_site(tmp_path / "one", {"content/articles/a.yaml": article("Premier", 1)})
    second = make_site(tmp_path / "two", {"content/articles/a.yaml": article("Second", 1)})
    build(Project(first), tmp_path / "out1")
    build(Project(second), tmp_path / "out2")
    build(Project(first), tmp_path / "out1")
    assert soup(tmp_path / "out1/a/index.html").h1.get_text() == "Premier"
    assert soup(tmp_path / "out2/a/index.html").h1.get_text() == "Second"


def test_no_cache_ignores_the_cache(tmp_path: Path) -> None:
    root = three(tmp_path)
    out = tmp_path / "out"
    build(Project(root), out)
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:
        rows = db.execute("SELECT COUNT(*) FROM memo").fetchone()[0]
    report = build(Project(root), out, BuildOptions(cache=False))
    assert report.written == report.files  # nothing reused without the cache
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM memo").fetchone()[0] == rows


def test_a_preview_build_reuses_the_cached_views(tmp_path: Path) -> None:
    root = three(tmp_path)
    build(Project(root), tmp_path / "prod")
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:
        before = db.execute("SELECT COUNT(*) FROM memo").fetchone()[0]
    build(Project(root), tmp_path / "pr", BuildOptions(base_path="/pr-7/"))
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM memo").fetchone()[0] == before  # no new view
    link = soup(tmp_path / "pr/a0/index.html").select_one(".site-title")
    assert link is not None and link["href"] == "/pr-7/"



def test_a_preview_build_after_production_equals_a_clean_preview_build(tmp_path: Path) -> None:
    """A « Lire aussi » card links under the base path: its article's view is not reused from
    the production build (its feed entry once kept the production link)."""
    root = three(tmp_path)
    (root / "content/articles/a0.yaml").unlink()
    (root / "content/articles/a0.md").write_text(
        "---\ntitle: Titre 0\ndate: 2024-06-01\n---\n## Contexte\n\nUn texte.\n\n::: lire-aussi a1\n:::\n",
        encoding="utf-8")
    build(Project(root), tmp_path / "prod")
    build(Project(root), tmp_path / "pr", BuildOptions(base_path="/pr-7/"))
    shutil.rmtree(root / ".cache")
    build(Project(root), tmp_path / "clean", BuildOptions(base_path="/pr-7/", jobs=1, cache=False))
    assert files(tmp_path / "pr") == files(tmp_path / "clean")
    card = soup(tmp_path / "pr/a0/index.html").select_one(".box-lire-aussi a")
    assert card is not None and card["href"] == "/pr-7/a1/"

# --- Any sequence of edits: the incremental output is the clean build's ----------------------

TITLES = st.sampled_from(["Titre A", "Titre B", "Séoul et Moscou", "Un autre regard"])
EDITS = st.one_of(
    st.tuples(st.just("body"), st.integers(0, 5), st.sampled_from(["Texte un.", "Texte deux.", "Trois."])),
    st.tuples(st.just("title"), st.integers(0, 5), TITLES),
    st.tuples(st.just("date"), st.integers(0, 5), st.integers(1, 28)),
    st.tuples(st.just("tags"), st.integers(0, 5), st.sampled_from(["[Corée]", "[Russie]", "[Corée, Russie]", "[]"])),
    st.tuples(st.just("add"), st.integers(0, 5), TITLES),
    st.tuples(st.just("delete"), st.integers(0, 5), st.just("")),
    st.tuples(st.just("rename"), st.integers(0, 5), st.just("")),
    st.tuples(st.just("template"), st.integers(0, 5), st.sampled_from(["<!-- a -->", "<!-- b -->"])),
    st.tuples(st.just("settings"), st.integers(0, 5), st.sampled_from(["Titre du site", "Autre nom"])),
    st.tuples(st.just("page_size"), st.integers(1, 3), st.just("")),
)


def _apply(root: Path, edit: tuple[str, int, object], state: dict[str, dict[str, object]]) -> None:
    kind, index, value = edit
    folder = root / "content/articles"
    names = sorted(state)
    name = names[index % len(names)] if names else None

    def save(file: str) -> None:
        fields = state[file]
        (folder / file).write_text(article(str(fields["title"]), int(str(fields["day"])), str(fields["body"]),
                                           str(fields["tags"])), encoding="utf-8")

    if kind == "add" or name is None:
        file = f"n{len(state)}-{index}.yaml"
        while file in state:
            file = "x" + file
        state[file] = {"title": value if kind == "add" else "Nouveau", "day": index + 1, "body": "Texte.",
                       "tags": "[Corée]"}
        save(file)
    elif kind in ("body", "title", "tags"):
        state[name][kind] = value
        save(name)
    elif kind == "date":
        state[name]["day"] = value
        save(name)
    elif kind == "delete":
        (folder / name).unlink()
        del state[name]
    elif kind == "rename":
        new = "r" + name
        (folder / name).rename(folder / new)
        state[new] = state.pop(name)
    elif kind == "template":
        base = root / "templates/base.html"
        base.write_text(base.read_text(encoding="utf-8") + str(value) + "\n", encoding="utf-8")
    elif kind == "settings":
        (root / "site.yaml").write_text(f"title: {value}\nurl: https://exemple.fr/\n", encoding="utf-8")
    elif kind == "page_size":
        (root / "site.yaml").write_text(f"title: Site\nurl: https://exemple.fr/\npage_size: {index}\n",
                                        encoding="utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(EDITS, min_size=1, max_size=5))
def test_any_sequence_of_edits_gives_the_clean_build(tmp_path_factory: pytest.TempPathFactory,
                                                     edits: list[tuple[str, int, object]]) -> None:
    tmp = tmp_path_factory.mktemp("edits")
    state: dict[str, dict[str, object]] = {
        f"a{n}.yaml": {"title": f"Titre {n}", "day": n + 1, "body": "Texte.", "tags": "[Corée]"} for n in range(3)
    }
    root = make_site(tmp / "site", {"site.yaml": "title: Site\nurl: https://exemple.fr/\n"})
    for file in state:
        fields = state[file]
        (root / "content/articles").mkdir(parents=True, exist_ok=True)
        (root / "content/articles" / file).write_text(
            article(str(fields["title"]), int(str(fields["day"])), str(fields["body"]), str(fields["tags"])),
            encoding="utf-8")
    out = tmp / "out"
    build(Project(root), out)
    dev = DevSite(Project(root))  # the dev server's folder, updated in place, must agree too
    try:
        dev.rebuild()
        for edit in edits:
            _apply(root, edit, state)
            build(Project(root), out)
            expected = clean_build(root, tmp / "clean")
            assert files(out) == expected, edit
            snapshot = dev.rebuild()
            assert snapshot.errors == () and snapshot.root is not None
            assert site_files(files(snapshot.root)) == site_files(expected), edit
    finally:
        dev.close()


# --- Workers: the bytes do not depend on how many there are ----------------------------------


def test_the_output_is_the_same_with_one_or_two_workers_and_any_hash_seed(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {
        f"content/articles/a{n:02d}.yaml": article(f"Titre {n}", n % 28 + 1, tags="[Corée, Russie]" if n % 3 else "[Chine]")
        for n in range(60)
    })
    outputs = []
    for jobs, seed in (("1", "1"), ("2", "2"), ("2", "3")):
        out = tmp_path / f"out-{jobs}-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--no-cache",
                        "--jobs", jobs, "--output", str(out)], check=True, env=env, capture_output=True)
        outputs.append(files(out))
    assert outputs[0] == outputs[1] == outputs[2]
    pages = [path for path in outputs[0] if re.fullmatch(r"a\d\d/index\.html", path)]
    assert len(pages) == 60  # the work was really shared: every article page is there
    assert {"index.html", "page/2/index.html", "page/3/index.html"} <= set(outputs[0])


def test_jobs_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(REPO, "build", "--jobs", "0") == 2
    assert "expected a number of processes of 1 or more, got '0'" in capsys.readouterr().err


# --- The dev server's folder, updated in place --------------------------------------------------


def test_the_dev_folder_is_updated_in_place_with_only_what_changed(tmp_path: Path) -> None:
    root = three(tmp_path)
    dev = DevSite(Project(root))
    try:
        first = dev.rebuild()
        assert first.root is not None
        before = {p.relative_to(first.root).as_posix(): p.stat().st_mtime_ns for p in first.root.rglob("*")
                  if p.is_file()}
        (root / "content/articles/a1.yaml").write_text(article("Titre 1", 2, body="Autre."), encoding="utf-8")
        second = dev.rebuild(["content/articles/a1.yaml"])
        assert second.root == first.root and second.generation == first.generation + 1
        after = {p.relative_to(first.root).as_posix(): p.stat().st_mtime_ns for p in first.root.rglob("*")
                 if p.is_file()}
        assert {path for path in after if after[path] != before.get(path)} == {
            "a1/index.html", "feed.xml", "sujets/coree/atom.xml", "rubriques/analyse/atom.xml"}
        assert dev.last is not None and dev.last.written == 4
        assert site_files(files(first.root)) == site_files(clean_build(root, tmp_path / "clean"))
    finally:
        dev.close()


def test_the_dev_folder_loses_the_files_of_a_deleted_article_and_keeps_no_temporary_file(tmp_path: Path) -> None:
    root = three(tmp_path)
    dev = DevSite(Project(root))
    try:
        folder = dev.rebuild().root
        assert folder is not None
        (root / "content/articles/a2.yaml").unlink()
        dev.rebuild()
        assert not (folder / "a2" / "index.html").exists()
        assert [p for p in folder.rglob("*") if p.name.endswith(".feuillet-new")] == []
        assert site_files(files(folder)) == site_files(clean_build(root, tmp_path / "clean"))
    finally:
        dev.close()


def test_a_failed_dev_build_writes_nothing_into_the_served_folder(tmp_path: Path) -> None:
    root = three(tmp_path)
    dev = DevSite(Project(root))
    try:
        folder = dev.rebuild().root
        assert folder is not None
        before = files(folder)
        (root / "templates/article.html").write_text("{% block x %}", encoding="utf-8")
        (root / "content/articles/a1.yaml").write_text(article("Neuf", 2), encoding="utf-8")
        failed = dev.rebuild()
        assert failed.errors and failed.root == folder
        assert files(folder) == before
    finally:
        dev.close()


def test_only_articles_with_root_relative_links_get_a_view_per_base_path(tmp_path: Path) -> None:
    root = three(tmp_path)
    (root / "content" / "articles" / "lien.md").write_text(
        "---\ntitle: Lien\ndate: 2024-06-01\n---\nVoir [l’autre](/a0/).\n", encoding="utf-8")
    build(Project(root), tmp_path / "prod")
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:
        before = db.execute("SELECT COUNT(*) FROM memo").fetchone()[0]
    build(Project(root), tmp_path / "pr", BuildOptions(base_path="/pr-7/"))
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM memo").fetchone()[0] == before + 2  # its view, its summary
    assert soup(tmp_path / "pr/lien/index.html").select_one(".prose a")["href"] == "/pr-7/a0/"
    assert soup(tmp_path / "prod/lien/index.html").select_one(".prose a")["href"] == "/a0/"

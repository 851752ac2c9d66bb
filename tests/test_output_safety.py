"""The output folder is never a place to lose work (issue « Nothing lost »).

Which folders may be replaced at all, the marker of the folders feuillet makes, what is carried
from the old folder into the new one (``.git`` and ``keep:``), what a killed build leaves and
how the next one finishes it, Ctrl-C and SIGTERM, and one build at a time into one folder.
The guard is tested on ``/`` and the home folder without ever building there.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import jsonschema
import pytest

from feuillet import cache as caching
from feuillet import write
from feuillet.model import Output
from feuillet.pipeline import BuildOptions, Project, build
from feuillet.write import (
    JOURNAL,
    MARKER,
    MARKER_TEXT,
    SYSTEM_FOLDERS,
    Interrupted,
    Staging,
    UnsafeOutput,
    carried_paths,
    check_destination,
    check_output,
    lock_path,
    locked,
    recover,
    remove_leftovers,
    write_site,
)
from tests.conftest import REPO, SITE_YAML, make_site, run
from tests.test_errors import GOOD
from tests.test_incremental import article, clean_build, files
from tests.test_stamp import age, skipped

DEAD = 999_999_999  # no process has this id
PROGRESS = re.compile(r"feuillet: \w+ \d+/\d+")


def refusal(destination: Path, project: Path, **options: object) -> str:
    with pytest.raises(UnsafeOutput) as error:
        check_destination(destination, project, **options)  # type: ignore[arg-type]
    return str(error.value)


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


# --- Which folders may be an output folder -------------------------------------------------------


def test_refuses_the_filesystem_root(tmp_path: Path) -> None:
    assert refusal(Path("/"), tmp_path) == "refusing to use / as the output folder: it is the root of the filesystem"


def test_refuses_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path.home()
    assert refusal(home, tmp_path) == f"refusing to use {home} as the output folder: it is your home folder"
    elsewhere = tmp_path / "me"
    elsewhere.mkdir()
    monkeypatch.setenv("HOME", str(elsewhere))  # $HOME as the shell has it
    assert refusal(elsewhere, tmp_path / "project") == (
        f"refusing to use {elsewhere} as the output folder: it is your home folder")
    assert refusal(home, tmp_path) == f"refusing to use {home} as the output folder: it is your home folder"


def test_refuses_a_folder_that_contains_the_home_folder(tmp_path: Path) -> None:
    home = tmp_path / "users" / "me"
    assert refusal(tmp_path / "users", tmp_path / "project", home=[home]) == (
        f"refusing to use {tmp_path / 'users'} as the output folder: it contains your home folder {home}")


@pytest.mark.parametrize("folder", SYSTEM_FOLDERS)
def test_refuses_system_folders(folder: str, tmp_path: Path) -> None:
    assert refusal(Path(folder), tmp_path, home=()) == (
        f"refusing to use {_shown(folder)} as the output folder: it is a system folder")


def _shown(folder: str) -> str:
    resolved = Path(folder).resolve()
    return folder if resolved == Path(folder) else f"{folder} ({resolved})"


@pytest.mark.parametrize(("folder", "system"), [
    ("/usr/share/site", "/usr"), ("/etc/site", "/etc"), ("/proc/site", "/proc"), ("/boot/efi/site", "/boot"),
])
def test_refuses_folders_inside_system_folders(folder: str, system: str, tmp_path: Path) -> None:
    assert refusal(Path(folder), tmp_path, home=()) == (
        f"refusing to use {folder} as the output folder: it is inside the system folder {system}")


def test_system_folders_are_parameters(tmp_path: Path) -> None:
    assert refusal(tmp_path / "sys", tmp_path / "project", home=(), system=[str(tmp_path / "sys")]) == (
        f"refusing to use {tmp_path / 'sys'} as the output folder: it is a system folder")
    assert refusal(tmp_path / "lib32" / "x", tmp_path / "project", home=(), trees=[f"{tmp_path}/lib*"]) == (
        f"refusing to use {tmp_path / 'lib32' / 'x'} as the output folder: "
        f"it is inside the system folder {tmp_path / 'lib32'}")


@pytest.mark.parametrize("folder", ["/var/www/site", "/srv/site", "/tmp/site", "/opt/site/public"])
def test_allows_folders_below_the_system_folders_made_for_data(folder: str, tmp_path: Path) -> None:
    check_destination(Path(folder), tmp_path, home=())


@pytest.mark.parametrize(("output", "reason"), [
    ("content", "it is the project's content/"),
    ("templates", "it is the project's templates/"),
    ("static", "it is the project's static/"),
    ("locales", "it is the project's locales/"),
    (".cache", "it is the project's .cache/"),
    (".git", "it is the project's .git/"),
    ("site.yaml", "it is the project's site.yaml"),
    ("content/articles", "it is inside the project's content/"),
    ("static/img/public", "it is inside the project's static/"),
])
def test_refuses_the_sources_of_the_project_and_what_is_inside(output: str, reason: str,
                                                               site: Callable[..., Path]) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    with pytest.raises(UnsafeOutput) as error:
        check_output(Project(root), root / output)
    assert str(error.value) == f"refusing to use {root / output} as the output folder: {reason}"


def test_a_symbolic_link_is_judged_by_what_it_leads_to(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    link = tmp_path / "link"
    link.symlink_to(root / "content")
    with pytest.raises(UnsafeOutput) as error:
        check_output(Project(root), link)
    assert str(error.value) == (
        f"refusing to use {link} ({root / 'content'}) as the output folder: it is the project's content/")


def test_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    assert refusal(tmp_path / "file", tmp_path / "project") == (
        f"refusing to use {tmp_path / 'file'} as the output folder: it is a file, not a folder")


def test_a_refused_output_folder_exits_2_with_one_line(site: Callable[..., Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    before = files(root / "content")
    assert run(root, "build", "--output", str(root / "content")) == 2
    assert lines(capsys) == [
        f"feuillet: refusing to use {root / 'content'} as the output folder: it is the project's content/"]
    assert files(root / "content") == before


# --- The marker of the folders feuillet makes -----------------------------------------------------


def test_every_output_folder_gets_the_marker(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    assert (tmp_path / "out" / MARKER).read_bytes() == b"made by feuillet; safe to replace\n"
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0  # its own folder: replaced


def test_a_folder_not_made_by_feuillet_is_refused(site: Callable[..., Path], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mes notes")
    assert run(root, "build", "--output", str(out)) == 2
    assert lines(capsys) == [
        f"feuillet: refusing to replace {out}: it was not made by feuillet; "
        "pass --force to replace it, or choose an empty or new folder"]
    assert files(out) == {"notes.txt": b"mes notes"}


def test_force_replaces_a_folder_not_made_by_feuillet(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mes notes")
    assert run(root, "build", "--force", "--output", str(out)) == 0
    assert not (out / "notes.txt").exists() and (out / MARKER).is_file() and (out / "a/index.html").is_file()


def test_an_empty_folder_or_one_with_only_git_is_used(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    (tmp_path / "empty").mkdir()
    assert run(root, "build", "--output", str(tmp_path / "empty")) == 0
    (tmp_path / "worktree").mkdir()
    (tmp_path / "worktree" / ".git").write_text("gitdir: /elsewhere/.git/worktrees/site\n")
    assert run(root, "build", "--output", str(tmp_path / "worktree")) == 0
    assert (tmp_path / "worktree" / ".git").read_text() == "gitdir: /elsewhere/.git/worktrees/site\n"


def test_a_folder_of_a_feuillet_without_markers_is_known_by_its_manifest(site: Callable[..., Path],
                                                                        tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    (out / MARKER).unlink()  # as an older feuillet left it
    assert run(root, "build", "--output", str(out)) == 0
    assert (out / MARKER).read_bytes() == MARKER_TEXT  # given its marker, even with nothing to write
    (out / MARKER).unlink()
    with sqlite3.connect(root / ".cache" / caching.FILE_NAME) as db:  # a cache of another version
        db.execute("UPDATE meta SET value = 'an older feuillet' WHERE key = 'salt'")
    assert run(root, "build", "--output", str(out)) == 0
    (out / MARKER).unlink()
    (out / "notes.txt").write_text("pas à feuillet")  # a file the manifest does not list
    assert run(root, "build", "--output", str(out)) == 2
    assert (out / "notes.txt").is_file()


# --- What belongs to the deployment is carried into each new folder ------------------------------


@pytest.mark.parametrize("kind", ["folder", "worktree file"])
def test_git_is_carried_into_each_new_output(kind: str, tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/articles/a.yaml": article("Titre", 1)})
    out = tmp_path / "out"
    build(Project(root), out)
    if kind == "folder":
        (out / ".git" / "refs").mkdir(parents=True)
        (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    else:
        (out / ".git").write_text("gitdir: /elsewhere/.git/worktrees/out\n")
    git = files(out / ".git") if kind == "folder" else (out / ".git").read_bytes()
    (root / "content/articles/a.yaml").write_text(article("Nouveau titre", 1), encoding="utf-8")
    assert build(Project(root), out).written > 0
    assert (files(out / ".git") if kind == "folder" else (out / ".git").read_bytes()) == git
    assert "Nouveau titre" in (out / "a/index.html").read_text(encoding="utf-8")
    assert build(Project(root), out).written == 0  # .git is not a stale file of the site


KEEP = "keep:\n  - CNAME\n  - .nojekyll\n  - notes/\n  - .well-known/security.txt\n"


def test_keep_paths_are_carried_into_each_new_output(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + KEEP,
                                         "content/articles/a.yaml": article("Titre", 1)})
    out = tmp_path / "out"
    build(Project(root), out)
    kept = {"CNAME": b"analyses.example.fr\n", ".nojekyll": b"", "notes/a.txt": b"note",
            "notes/b/c.txt": b"autre", ".well-known/security.txt": b"Contact: x\n"}
    for path, content in kept.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    (out / "stray.txt").write_text("pas gardé")
    (root / "content/articles/a.yaml").write_text(article("Nouveau titre", 1), encoding="utf-8")
    assert build(Project(root), out).written > 0
    found = files(out)
    assert {path: found[path] for path in kept} == kept
    assert "stray.txt" not in found
    assert build(Project(root), out).written == 0  # kept paths are not stale files of the site


def test_a_no_op_build_with_kept_paths_does_nothing(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + "keep: [CNAME]\n",
                                         "content/articles/a.yaml": article("Titre", 1)})
    age(root)
    out = tmp_path / "out"
    build(Project(root), out)
    (out / "CNAME").write_text("analyses.example.fr\n")
    assert skipped(build(Project(root), out).timings)


@pytest.mark.parametrize(("keep", "error"), [
    ("keep: /etc/passwd\n",
     "site.yaml:3: keep: '/etc/passwd' is an absolute path; give a path inside the output folder, such as CNAME"),
    ("keep: [../voisin]\n",
     "site.yaml:3: keep: '../voisin' goes out of the output folder with '..'; give a path inside it, such as CNAME"),
    ("keep: ['.']\n",
     "site.yaml:3: keep: '.' is the whole output folder; give a file or folder inside it, such as CNAME"),
    ("keep: [.feuillet]\n", "site.yaml:3: keep: '.feuillet' is feuillet's own marker file; every build writes it"),
    ("keep: 3\n", "site.yaml:3: keep: expected a list of paths such as [CNAME, .nojekyll], got a number"),
    ("keep:\n  - CNAME\n  - 3\n", "site.yaml:5: keep: expected a path, but item 2 is a number"),
    ("keep: ['']\n", "site.yaml:3: keep: expected a path, but item 1 is empty"),
])
def test_keep_paths_are_checked(keep: str, error: str, site: Callable[..., Path], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"site.yaml": SITE_YAML + keep, "content/articles/a.yaml": GOOD})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 1
    assert lines(capsys) == [error, "feuillet: 1 problem; nothing was written"]


@pytest.mark.parametrize(("keep", "error"), [
    ("index.html", "site.yaml:3: keep: index.html is also a file of the site"),
    ("a", "site.yaml:3: keep: a is also a folder of the site"),
    ("robots.txt/x", "site.yaml:3: keep: robots.txt/x is inside robots.txt, a file of the site"),
])
def test_a_kept_path_the_site_writes_is_an_error(keep: str, error: str, site: Callable[..., Path],
                                                 tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"site.yaml": SITE_YAML + f"keep: [{keep}]\n", "content/articles/a.yaml": GOOD})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 1
    assert lines(capsys) == [error, "feuillet: 1 problem; nothing was written"]
    assert run(root, "check") == 1


def test_the_schema_accepts_relative_keep_paths_only() -> None:
    schema = json.loads((REPO / "schemas" / "site.schema.json").read_text(encoding="utf-8"))
    base = {"title": "T", "url": "https://exemple.fr/"}
    for good in (["CNAME", ".nojekyll", "notes/", ".well-known/security.txt"], "CNAME"):
        jsonschema.validate({**base, "keep": good}, schema)
    for bad in (["/etc/passwd"], ["../voisin"], ["notes/../.."], [""], 3):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**base, "keep": bad}, schema)


def test_carried_paths_have_no_repeats_nor_paths_inside_others() -> None:
    assert carried_paths(["notes/a", "CNAME", "notes", ".git", "CNAME"]) == (".git", "CNAME", "notes")


def test_carried_paths_go_back_when_the_swap_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_site([Output("index.html", b"old")], out)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / "CNAME").write_text("analyses.example.fr\n")

    def failing(staging: Path, destination: Path) -> Path | None:
        raise OSError("disk full")

    monkeypatch.setattr(write, "_swap", failing)
    with pytest.raises(OSError, match="disk full"):
        write_site([Output("index.html", b"new")], out, carry=["CNAME"])
    assert files(out) == {MARKER: MARKER_TEXT, "index.html": b"old", ".git/HEAD": b"ref: refs/heads/gh-pages\n",
                          "CNAME": b"analyses.example.fr\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- What a killed build leaves, and how the next one finishes it --------------------------------


def leftover(tmp_path: Path, kind: str, content: dict[str, str], pid: int = DEAD) -> Path:
    folder = tmp_path / f".out.{kind}-{pid}-test"
    for path, text in content.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text)
    folder.mkdir(exist_ok=True)
    return folder


def test_a_build_killed_between_its_two_renames_gets_the_old_site_back(tmp_path: Path) -> None:
    leftover(tmp_path, "old", {MARKER: MARKER_TEXT.decode(), "index.html": "ancien"})
    leftover(tmp_path, "staging", {MARKER: MARKER_TEXT.decode(), "index.html": "nouveau"})
    remove_leftovers(tmp_path / "out")
    assert files(tmp_path / "out") == {MARKER: MARKER_TEXT, "index.html": b"ancien"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_build_after_one_killed_mid_swap_keeps_the_old_site_even_if_it_fails(
        site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    before = files(out)
    out.rename(tmp_path / f".out.old-{DEAD}-test")  # killed right after its first rename
    (root / "content/articles/a.yaml").write_text(GOOD.replace("2024-06-19", "hier"))
    assert run(root, "build", "--output", str(out)) == 1
    assert files(out) == before


def test_a_build_killed_while_carrying_gets_git_and_keep_paths_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("ancien")
    leftover(tmp_path, "staging", {MARKER: MARKER_TEXT.decode(), "index.html": "nouveau",
                                   JOURNAL: ".git\nnotes\n", ".git/HEAD": "ref", "notes/a.txt": "note"})
    recover(out)  # what every build does first: moves back, deletes nothing
    assert files(out / ".git") == {"HEAD": b"ref"} and (out / "notes/a.txt").read_text() == "note"
    remove_leftovers(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_build_killed_just_after_its_swap_leaves_no_journal(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / JOURNAL).write_text(".git\n")
    recover(out)
    assert not (out / JOURNAL).exists()


def test_a_staging_folder_holding_what_cannot_go_back_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".git").mkdir(parents=True)  # already there: the one in the staging folder cannot go back
    staging = leftover(tmp_path, "staging", {JOURNAL: ".git\n", ".git/HEAD": "ref"})
    remove_leftovers(out)
    assert (staging / ".git" / "HEAD").read_text() == "ref"


def test_every_kind_of_leftover_of_a_dead_build_is_removed(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    for kind in ("staging", "old", "trash"):
        leftover(tmp_path, kind, {"index.html": "moitié"})
    running = leftover(tmp_path, "staging", {"index.html": "en cours"}, pid=os.getpid())
    remove_leftovers(tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, "out"])


def test_an_output_that_was_a_link_leaves_no_leftover(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    write_site([Output("index.html", b"old")], elsewhere)
    (tmp_path / "out").symlink_to(elsewhere)
    write_site([Output("index.html", b"new")], tmp_path / "out")
    assert files(tmp_path / "out") == {MARKER: MARKER_TEXT, "index.html": b"new"}
    assert files(elsewhere) == {MARKER: MARKER_TEXT, "index.html": b"old"}  # what it named is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "out"]


def test_a_no_op_build_is_not_taken_while_leftovers_remain(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/articles/a.yaml": article("Titre", 1)})
    age(root)
    out = tmp_path / "out"
    build(Project(root), out)
    dead = leftover(tmp_path, "trash", {"index.html": "moitié"})
    assert not skipped(build(Project(root), out).timings)
    assert not dead.exists()
    assert skipped(build(Project(root), out).timings)


# --- Ctrl-C and SIGTERM ---------------------------------------------------------------------------


def test_ctrl_c_during_the_swap_takes_effect_once_the_new_site_is_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_site([Output("index.html", b"old")], out)
    swap = write._swap

    def swap_with_ctrl_c(staging: Path, destination: Path) -> Path | None:
        signal.raise_signal(signal.SIGINT)  # pressed right between the two renames
        return swap(staging, destination)

    monkeypatch.setattr(write, "_swap", swap_with_ctrl_c)
    staging = Staging(out)
    staging.write("index.html", b"new")
    with pytest.raises(KeyboardInterrupt):
        staging.commit()
    assert staging.committed
    assert files(out) == {MARKER: MARKER_TEXT, "index.html": b"new"}
    assert not [p for p in tmp_path.iterdir() if ".old-" in p.name or ".staging-" in p.name]


def test_an_interruption_after_the_swap_says_the_new_site_is_in_place(
        site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": GOOD})

    def interrupted(*args: object, **options: object) -> None:
        raise Interrupted(written=True)

    monkeypatch.setattr("feuillet.pipeline.build", interrupted)
    assert run(root, "build", "--output", str(tmp_path / "out")) == 130
    assert lines(capsys) == ["feuillet: interrupted; the new site was already in place"]


def test_ctrl_c_during_another_command_says_interrupted(site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": GOOD})

    def interrupted(*args: object, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("feuillet.pipeline.check", interrupted)
    assert run(root, "check") == 130
    assert lines(capsys) == ["feuillet: interrupted"]


def many(tmp_path: Path, count: int = 200) -> Path:
    return make_site(tmp_path / "site", {
        f"content/articles/a{n:03d}.yaml": article(f"Titre {n}", n % 28 + 1) for n in range(count)
    })


def command(root: Path, out: Path, *options: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), "--root", str(root), "build", "--output", str(out), *options]


def until(condition: Callable[[], bool], limit: float = 120) -> None:
    """Wait for ``condition`` (a safety limit only: no test here measures time)."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.005)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Subprocesses a test starts, killed at the end if the test left one running."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def start(processes: list[subprocess.Popen[str]], arguments: list[str]) -> subprocess.Popen[str]:
    process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"},
                               start_new_session=True)
    processes.append(process)
    return process


def group_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture(scope="module")
def built_many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 articles and their site, built once for the interruption tests (each works on a copy)."""
    folder = tmp_path_factory.mktemp("many")
    assert run(many(folder), "build", "--quiet", "--output", str(folder / "out")) == 0
    return folder


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_an_interrupted_build_leaves_the_previous_site(stop: str, built_many: Path, tmp_path: Path,
                                                       processes: list[subprocess.Popen[str]]) -> None:
    root, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(built_many / "site", root)
    shutil.copytree(built_many / "out", out)
    before = files(out)
    # Without the cache every page is made again: the build is still writing when it is stopped.
    # On a loaded machine the build may end before the signal is sent: then start again (the
    # stop must land during the build, which is what is tested).
    for _attempt in range(5):
        process = start(processes, command(root, out, "--no-cache"))
        until(lambda child=process: any(tmp_path.glob(".out.staging-*")) or child.poll() is not None)
        if process.poll() is None:
            break
        process.communicate(timeout=120)
        shutil.rmtree(out)
        shutil.copytree(built_many / "out", out)
    if stop == "ctrl-c":
        os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to every process of the build
    else:
        process.terminate()  # a service manager or a CI runner stopping the build
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130
    assert [line for line in err.splitlines() if not PROGRESS.fullmatch(line)] == [
        "feuillet: interrupted; the previous site is unchanged"]
    assert files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]  # no staging folder, no lock
    until(lambda: group_gone(process.pid), limit=10)  # and no worker process left


# --- One build at a time into one folder ---------------------------------------------------------


def test_two_builds_at_once_give_the_bytes_of_a_clean_build(tmp_path: Path,
                                                            processes: list[subprocess.Popen[str]]) -> None:
    root = many(tmp_path, 60)
    out = tmp_path / "out"
    first, second = (start(processes, command(root, out, "--quiet")) for _ in range(2))
    for process in (first, second):
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert "Traceback" not in err
    assert files(out) == clean_build(root, tmp_path / "clean")
    assert not lock_path(out).exists()


def test_a_build_waits_for_another_one_and_says_so(site: Callable[..., Path], tmp_path: Path,
                                                   processes: list[subprocess.Popen[str]]) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    out = tmp_path / "out"
    with locked(out):  # another build is writing into the folder
        process = start(processes, command(root, out))
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], 120)
        assert ready
        assert process.stderr.readline() == f"feuillet: waiting for another build into {out}…\n"
        assert process.poll() is None
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert (out / "a/index.html").is_file()
    assert not lock_path(out).exists()


def test_the_lock_is_beside_the_output_and_gone_after_a_build(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    out = tmp_path / "out"
    assert lock_path(out) == tmp_path / ".out.lock"
    with locked(out):
        assert lock_path(out).is_file()
    assert not lock_path(out).exists()
    build(Project(root), out, BuildOptions())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]

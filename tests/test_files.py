"""Files are read on purpose: links, pipes, litter, extensions, accents in names, sizes."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet import files, stamp
from feuillet.files import human_size, kind_of, listing, read_bytes, too_big
from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import REPO, make_site, run
from tests.test_errors import GOOD
from tests.test_stamp import age, skipped

GUARD = 60  # seconds: only a guard against a hang (reading a pipe blocks), never a measure

ARTICLES = "content/articles"


def problems(root: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The problem lines of ``check`` on ``root``."""
    code = run(root, "check")
    captured = capsys.readouterr()
    assert code == 1, captured.out
    assert "Traceback" not in captured.err
    return captured.err.splitlines()[:-1]


def checked(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The summary line of a successful ``check``."""
    assert run(root, "check") == 0, capsys.readouterr().err
    return capsys.readouterr().out.strip()


def check_in_a_process(root: Path) -> subprocess.CompletedProcess[str]:
    """``check`` in a child process, so a hang (opening a pipe) fails the test instead of it."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), "check"],
                          capture_output=True, text=True, timeout=GUARD, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


# --- links -------------------------------------------------------------------------------------


def test_a_link_to_a_file_inside_the_project_is_read(site: Callable[..., Path],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"shared/une.yaml": GOOD})
    (root / ARTICLES).mkdir(parents=True)
    (root / ARTICLES / "une.yaml").symlink_to("../../shared/une.yaml")
    assert checked(root, capsys) == "feuillet: no problems in 1 article(s) and 0 page(s)"


def test_a_link_to_a_folder_inside_the_project_is_read(site: Callable[..., Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"shared/dossier/une.yaml": GOOD, f"{ARTICLES}/deux.yaml": GOOD})
    (root / ARTICLES / "dossier").symlink_to("../../shared/dossier")
    assert checked(root, capsys) == "feuillet: no problems in 2 article(s) and 0 page(s)"


def test_a_link_out_of_the_project_is_an_error(site: Callable[..., Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "ailleurs.yaml"
    outside.write_text(GOOD, encoding="utf-8")
    root = site({})
    (root / ARTICLES).mkdir(parents=True)
    (root / ARTICLES / "x.yaml").symlink_to(outside)
    assert problems(root, capsys) == [
        f"{ARTICLES}/x.yaml: file: a link to {outside.resolve()}, outside the project: feuillet reads "
        "only files inside it; copy the file into the project instead"]


def test_a_broken_link_is_an_error(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    (root / ARTICLES).mkdir(parents=True)
    (root / ARTICLES / "x.yaml").symlink_to("nulle-part.yaml")
    assert problems(root, capsys) == [
        f"{ARTICLES}/x.yaml: file: a broken link to nulle-part.yaml: nothing is there; fix or remove the link"]


def test_a_loop_of_links_is_an_error(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    folder = root / ARTICLES
    folder.mkdir(parents=True)
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    message = "file: cannot be read: Too many levels of symbolic links"
    assert problems(root, capsys) == [f"{ARTICLES}/a.yaml: {message}", f"{ARTICLES}/b.yaml: {message}"]


def test_a_link_to_a_folder_already_read_is_reported_once(site: Callable[..., Path],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD, "shared/deux.yaml": GOOD.replace("Un titre", "Deux")})
    folder = root / ARTICLES
    (folder / "sous").mkdir()
    (folder / "sous" / "retour").symlink_to("..")  # an ancestor: followed, it would never end
    (folder / "a").symlink_to("../../shared")
    (folder / "b").symlink_to("../../shared")  # the same folder a second time
    assert problems(root, capsys) == [
        f"{ARTICLES}/b: file: a link to shared, a folder feuillet already reads here: the same files "
        "would be read twice; remove the link",
        f"{ARTICLES}/sous/retour: file: a link to {ARTICLES}, a folder feuillet already reads here: "
        "the same files would be read twice; remove the link",
    ]


def test_a_top_folder_that_is_a_link_out_of_the_project_is_an_error(
        site: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "modeles"
    elsewhere.mkdir()
    root = site({f"{ARTICLES}/une.yaml": GOOD}, shared=False)
    (root / "templates").symlink_to(elsewhere)
    assert problems(root, capsys)[0] == (
        f"templates: file: a link to {elsewhere.resolve()}, outside the project: feuillet reads only "
        "files inside it; copy the file into the project instead")


# --- pipes, sockets, devices -------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_an_error_and_never_opened(site: Callable[..., Path]) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD})
    os.mkfifo(root / ARTICLES / "x.md")
    result = check_in_a_process(root)  # opening the pipe would block until the guard
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{ARTICLES}/x.md: file: a named pipe (FIFO), not a file: feuillet reads only files; remove it")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_as_site_yaml_is_an_error(site: Callable[..., Path]) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD})
    (root / "site.yaml").unlink()
    os.mkfifo(root / "site.yaml")
    result = check_in_a_process(root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "site.yaml: file: a named pipe (FIFO), not a file: feuillet reads only files; remove it")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets")
def test_a_socket_is_an_error(site: Callable[..., Path], capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD})
    monkeypatch.chdir(root / ARTICLES)  # a socket's path must be short
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("x.sock")
        assert problems(root, capsys) == [
            f"{ARTICLES}/x.sock: file: a socket, not a file: feuillet reads only files; remove it"]


def test_a_link_to_a_device_leaves_the_project(site: Callable[..., Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    (root / ARTICLES).mkdir(parents=True)
    (root / ARTICLES / "x.yaml").symlink_to(os.devnull)
    assert problems(root, capsys) == [
        f"{ARTICLES}/x.yaml: file: a link to {os.path.realpath(os.devnull)}, outside the project: "
        "feuillet reads only files inside it; copy the file into the project instead"]


def test_kinds_of_files_are_named() -> None:
    assert kind_of(stat.S_IFCHR) == "a character device"
    assert kind_of(stat.S_IFBLK) == "a block device"
    assert kind_of(stat.S_IFIFO) == "a named pipe (FIFO)"
    assert kind_of(stat.S_IFSOCK) == "a socket"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_reading_a_pipe_does_not_open_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(read_bytes(tmp_path / "pipe", "pipe", None)),
                              daemon=True)
    reader.start()
    reader.join(GUARD)
    assert result == [(None, files.SourceError(
        "pipe", 0, "file", "a named pipe (FIFO), not a file: feuillet reads only files; remove it"))]


# --- litter, hidden files, extensions ----------------------------------------------------------

LITTER = ["une.yaml~", ".#une.yaml", "#une.yaml#", "une.yaml.swp", ".une.yaml.swo", "une.swx", "une.tmp",
          "4913", ".DS_Store", "._une.yaml", "Thumbs.db", "desktop.ini", "DESKTOP.INI"]


def test_editors_litter_and_hidden_files_are_ignored(site: Callable[..., Path],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD, f"{ARTICLES}/.brouillon.yaml": "pas: [lu",
                 **{f"{ARTICLES}/{name}": "pas: [lu" for name in LITTER},
                 **{f"static/{name}": "x" for name in LITTER}})
    assert checked(root, capsys) == "feuillet: no problems in 1 article(s) and 0 page(s)"
    out = root / "_site"
    assert run(root, "build", "--output", str(out)) == 0
    assert not [path for path in out.rglob("*") if path.name in LITTER]


@pytest.mark.parametrize("name", LITTER)
def test_litter_names(name: str) -> None:
    assert files.is_litter(name)


@pytest.mark.parametrize("name", ["une.yaml", "4913.yaml", "thumbs.yaml", "swp.md", "a~b.md", "#titre.md"])
def test_ordinary_names_are_not_litter(name: str) -> None:
    assert not files.is_litter(name)


def test_an_upper_case_extension_is_read(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/une.MD": "---\ntitle: Une\ndate: 2024-06-19\n---\nTexte.\n",
                 f"{ARTICLES}/deux.Yaml": GOOD, "content/pages/info.Md": "---\ntitle: Info\n---\nTexte.\n"})
    assert checked(root, capsys) == "feuillet: no problems in 2 article(s) and 1 page(s)"


def test_an_unknown_extension_among_articles_is_an_error(site: Callable[..., Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD, f"{ARTICLES}/notes.txt": "x", f"{ARTICLES}/a.markdown": "x"})
    message = ("file: not an article: feuillet reads .md, .yaml and .yml files in content/articles; "
               "rename it or move it elsewhere")
    assert problems(root, capsys) == [f"{ARTICLES}/a.markdown: {message}", f"{ARTICLES}/notes.txt: {message}"]


def test_an_unknown_extension_among_pages_is_an_error(site: Callable[..., Path],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/pages/info.yaml": "title: Info\n"})
    assert problems(root, capsys) == [
        "content/pages/info.yaml: file: not a page: feuillet reads .md files in content/pages; rename it "
        "or move it elsewhere"]


def test_other_files_beside_the_catalogs_are_skipped(site: Callable[..., Path],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD, "locales/fr/LC_MESSAGES/messages.mo": "x"})
    assert checked(root, capsys) == "feuillet: no problems in 1 article(s) and 0 page(s)"


# --- accents in names --------------------------------------------------------------------------

DECOMPOSED = unicodedata.normalize("NFD", "été")


def test_a_name_with_decomposed_accents_is_given_in_nfc(site: Callable[..., Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/{DECOMPOSED}.yaml": GOOD})
    lines = problems(root, capsys)
    assert lines == [f"{ARTICLES}/été.yaml:1: slug: the file name 'été' is not a safe URL segment; rename "
                     "the file (for example ete.yaml) or set 'slug'"]
    assert unicodedata.is_normalized("NFC", lines[0])


def test_static_paths_are_nfc(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {f"static/img/caf{unicodedata.normalize('NFD', 'é')}.txt": "x"})
    assert "static/img/café.txt" in [source.path for source in listing(root, files.STATIC).sources]


def test_two_names_that_are_one_in_nfc_are_an_error(site: Callable[..., Path],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/été.yaml": GOOD, f"{ARTICLES}/{DECOMPOSED}.yaml": GOOD})
    if len(list((root / ARTICLES).iterdir())) < 2:
        pytest.skip("this file system keeps one name per NFC form")
    assert problems(root, capsys) == [
        f"{ARTICLES}/été.yaml: file: two files have this name, with its accents written two ways "
        "(composed and decomposed Unicode); keep one"]


def test_texts_are_nfc(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD.replace("Un titre", unicodedata.normalize("NFD", "Un été"))})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    page = (out / "une" / "index.html").read_text(encoding="utf-8")
    assert "Un été" in page and unicodedata.normalize("NFD", "été") not in page


# --- sizes -------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_an_error(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    big = GOOD + "description: " + "x" * 9_000 + "\n"
    root = site({"site.yaml": "title: T\nurl: https://exemple.fr/\nmax_file_size: 8000\n",
                 f"{ARTICLES}/une.yaml": big})
    shutil.rmtree(root / "locales")  # the catalogs are over 3 kB too: this test is about the article
    assert problems(root, capsys) == [
        f"{ARTICLES}/une.yaml: file: the file is {human_size(len(big))}; the limit is 8 kB "
        "(max_file_size in site.yaml)"]


def test_a_template_over_the_limit_is_an_error(site: Callable[..., Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"site.yaml": "title: T\nurl: https://exemple.fr/\nmax_file_size: 1000\n",
                 f"{ARTICLES}/une.yaml": GOOD})
    size = (root / "templates" / "base.html").stat().st_size
    assert f"templates/base.html: file: {too_big(size, 1000)}" in problems(root, capsys)


def test_the_size_limit_applies_to_a_cached_article(site: Callable[..., Path], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = site({f"{ARTICLES}/une.yaml": GOOD})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    capsys.readouterr()
    (root / "site.yaml").write_text("title: T\nurl: https://exemple.fr/\nmax_file_size: 50\n", encoding="utf-8")
    assert problems(root, capsys)[0] == (
        f"{ARTICLES}/une.yaml: file: the file is {len(GOOD.encode())} bytes; the limit is 50 bytes "
        "(max_file_size in site.yaml)")


def test_max_file_size_must_be_a_whole_number(site: Callable[..., Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"site.yaml": "title: T\nurl: https://exemple.fr/\nmax_file_size: 2 MB\n"})
    assert problems(root, capsys) == ["site.yaml:3: max_file_size: expected a whole number above 0, got '2 MB'"]


@pytest.mark.parametrize(("size", "limit", "message"), [
    (3_100_000, 2_000_000, "the file is 3.1 MB; the limit is 2 MB (max_file_size in site.yaml)"),
    (1_000_001, 1_000_000, "the file is 1,000,001 bytes; the limit is 1,000,000 bytes (max_file_size in site.yaml)"),
    (52_000, 50_000, "the file is 52 kB; the limit is 50 kB (max_file_size in site.yaml)"),
    (900, 800, "the file is 900 bytes; the limit is 800 bytes (max_file_size in site.yaml)"),
])
def test_sizes_in_messages(size: int, limit: int, message: str) -> None:
    assert too_big(size, limit) == message


# --- the cache and the no-op stamp -------------------------------------------------------------


def test_a_file_replaced_by_a_link_with_the_same_size_and_time_is_read_again(tmp_path: Path) -> None:
    first, second = GOOD.replace("Un titre", "Titre A"), GOOD.replace("Un titre", "Titre B")
    root = make_site(tmp_path / "site", {f"{ARTICLES}/une.yaml": first, "autres/une.yaml": second})
    age(root)  # both files: the same size and the same (trusted) time
    out = tmp_path / "out"
    build(Project(root), out)
    assert "Titre A" in (out / "une" / "index.html").read_text(encoding="utf-8")
    (root / ARTICLES / "une.yaml").unlink()
    (root / ARTICLES / "une.yaml").symlink_to("../../autres/une.yaml")
    report = build(Project(root), out)
    assert not skipped(report.timings)
    assert "Titre B" in (out / "une" / "index.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_cached_file_replaced_by_a_pipe_is_an_error(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {f"{ARTICLES}/une.yaml": GOOD})
    assert build(Project(root), tmp_path / "out").articles == 1
    (root / ARTICLES / "une.yaml").unlink()
    os.mkfifo(root / ARTICLES / "une.yaml")
    assert stamp.source_files(Project(root)) is None  # the shortcut does not apply: build
    result = check_in_a_process(root)
    assert result.stderr.splitlines()[0] == (
        f"{ARTICLES}/une.yaml: file: a named pipe (FIFO), not a file: feuillet reads only files; remove it")


def test_an_edit_inside_a_linked_folder_is_built(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"shared/une.yaml": GOOD})
    (root / ARTICLES).mkdir(parents=True)
    (root / ARTICLES / "dossier").symlink_to("../../shared")
    age(root)
    out = tmp_path / "out"
    build(Project(root), out)
    assert skipped(build(Project(root), out).timings)
    (root / "shared" / "une.yaml").write_text(GOOD.replace("Un titre", "Autre titre"), encoding="utf-8")
    age(root / "shared", 10**18)
    assert not skipped(build(Project(root), out, BuildOptions()).timings)
    assert "Autre titre" in (out / "une" / "index.html").read_text(encoding="utf-8")


def test_a_source_folder_that_is_a_file_is_an_error(site: Callable[..., Path],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/pages": "pas un dossier\n"})
    assert problems(root, capsys) == [
        "content/pages: file: a file, not a folder: feuillet reads the files inside content/pages"]

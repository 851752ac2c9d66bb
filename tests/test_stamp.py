"""The no-op shortcut: a build whose sources and output are as the last build left them does nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import make_site
from tests.test_incremental import article, clean_build, files, without_index

HOUR_AGO = time.time_ns() - 3600 * 10**9


def age(root: Path, when: int = HOUR_AGO) -> None:
    """Make every source look written long ago, so its modification time is trusted."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(when, when))


def site(tmp_path: Path) -> Path:
    root = make_site(tmp_path / "site", {
        f"content/articles/a{n}.yaml": article(f"Titre {n}", n + 1) for n in range(3)
    })
    age(root)
    return root


def skipped(report_timings: tuple[tuple[str, float], ...]) -> bool:
    return [stage for stage, _ in report_timings] == ["stamp"]


def test_a_second_build_with_nothing_changed_loads_nothing(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    first = build(Project(root), out)
    second = build(Project(root), out)
    assert not skipped(first.timings) and skipped(second.timings)
    assert (second.articles, second.pages, second.files, second.written) == (3, first.pages, first.files, 0)


def test_an_edited_source_is_built(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    build(Project(root), out)
    before = files(out)
    source = root / "content/articles/a1.yaml"
    source.write_text(article("Titre 1", 2, body="Un autre texte."), encoding="utf-8")
    age(source.parent, HOUR_AGO + 10**9)  # an old time, but not the recorded one
    report = build(Project(root), out)
    after = files(out)
    changed = {path for path in after if after[path] != before.get(path)}
    assert not skipped(report.timings) and report.written == len(changed)
    assert without_index(changed) == {
        "a1/index.html", "feed.xml", "sujets/coree/atom.xml", "rubriques/analyse/atom.xml"}
    assert files(out) == clean_build(root, tmp_path / "clean")


def test_a_template_edit_is_built(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    build(Project(root), out)
    template = root / "templates/base.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</body>", "<!-- x --></body>"),
                        encoding="utf-8")
    age(template.parent, HOUR_AGO + 10**9)
    assert not skipped(build(Project(root), out).timings)
    assert b"<!-- x -->" in (out / "index.html").read_bytes()


def test_a_source_saved_just_now_is_not_trusted(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    source = root / "content/articles/a1.yaml"
    source.touch()  # modified now: its time may hide a second write in the same tick
    build(Project(root), out)
    assert not skipped(build(Project(root), out).timings)


def test_an_output_file_changed_by_hand_is_made_again(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    build(Project(root), out)
    (out / "a0" / "index.html").write_text("abîmé", encoding="utf-8")
    assert not skipped(build(Project(root), out).timings)
    assert files(out) == clean_build(root, tmp_path / "clean")


def test_an_extra_file_in_the_output_is_removed(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    build(Project(root), out)
    (out / "extra.txt").write_text("pas à nous", encoding="utf-8")
    assert not skipped(build(Project(root), out).timings)
    assert not (out / "extra.txt").exists()


def test_another_base_path_or_drafts_is_built(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    build(Project(root), out)
    assert not skipped(build(Project(root), out, BuildOptions(base_path="/pr-12/")).timings)
    assert b'href="/pr-12/' in (out / "index.html").read_bytes()
    assert not skipped(build(Project(root), out, BuildOptions(base_path="/pr-12/", drafts=True)).timings)
    assert skipped(build(Project(root), out, BuildOptions(base_path="/pr-12/", drafts=True)).timings)


def test_another_output_folder_is_built(tmp_path: Path) -> None:
    root = site(tmp_path)
    build(Project(root), tmp_path / "one")
    assert not skipped(build(Project(root), tmp_path / "two").timings)
    assert files(tmp_path / "one") == files(tmp_path / "two")


def test_no_cache_never_takes_the_shortcut(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    build(Project(root), out)
    assert not skipped(build(Project(root), out, BuildOptions(cache=False)).timings)


def test_a_deleted_source_is_built(tmp_path: Path) -> None:
    root, out = site(tmp_path), tmp_path / "out"
    build(Project(root), out)
    (root / "content/articles/a2.yaml").unlink()
    report = build(Project(root), out)
    assert not skipped(report.timings) and report.articles == 2
    assert not (out / "a2").exists()

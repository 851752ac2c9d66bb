"""A build replaces the output folder whole, or not at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet.model import Output
from feuillet.write import MARKER, MARKER_TEXT, UnsafeOutput, check_destination, write_site
from tests.conftest import run
from tests.test_errors import GOOD


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_failed_build_leaves_the_previous_site_byte_identical(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    output = tmp_path / "public"
    assert run(root, "build", "--output", str(output)) == 0
    before = snapshot(output)
    (root / "content/articles/a.yaml").write_text(GOOD.replace("2024-06-19", "hier"))
    assert run(root, "build", "--output", str(output)) == 1
    assert snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]  # no staging left


def test_failed_template_leaves_the_previous_site(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    output = tmp_path / "public"
    assert run(root, "build", "--output", str(output)) == 0
    before = snapshot(output)
    (root / "templates/article.html").write_text("{{ nope }}")
    assert run(root, "build", "--output", str(output)) == 1
    assert snapshot(output) == before


def test_successful_build_removes_stale_files(tmp_path: Path) -> None:
    output = tmp_path / "out"
    write_site([Output("old/index.html", b"old")], output)
    write_site([Output("index.html", b"new")], output)
    assert snapshot(output) == {MARKER: MARKER_TEXT, "index.html": b"new"}


def test_interrupted_write_keeps_the_old_site(tmp_path: Path) -> None:
    output = tmp_path / "out"
    write_site([Output("index.html", b"old")], output)
    with pytest.raises(UnsafeOutput):
        write_site([Output("index.html", b"new"), Output("../escape.html", b"x")], output)
    assert snapshot(output) == {MARKER: MARKER_TEXT, "index.html": b"old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_refuses_to_replace_the_project(tmp_path: Path) -> None:
    with pytest.raises(UnsafeOutput) as error:
        check_destination(tmp_path, tmp_path)
    assert str(error.value) == f"refusing to use {tmp_path} as the output folder: it is the project folder"
    with pytest.raises(UnsafeOutput) as error:
        check_destination(tmp_path.parent, tmp_path)
    assert str(error.value) == f"refusing to use {tmp_path.parent} as the output folder: it contains the project"


def test_two_builds_are_byte_identical(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    assert run(root, "build", "--output", str(tmp_path / "one")) == 0
    assert run(root, "build", "--output", str(tmp_path / "two")) == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")

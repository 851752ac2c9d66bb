"""``build --verify``: the build is compared with a clean one in a fresh process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run
from tests.test_errors import ARTICLE, GOOD


def test_a_reproducible_build_is_verified(site: Callable[..., Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD, "site.yaml": "title: T\nurl: https://exemple.fr/\nkeep: [CNAME]\n"})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    (out / "CNAME").write_text("exemple.fr\n")  # the deployment's: carried, not compared
    assert run(root, "build", "--output", str(out), "--verify", "--base-path", "/pr-3/") == 0
    count = sum(1 for path in out.rglob("*") if path.is_file()) - 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "feuillet: verified: a clean build in a fresh process (no cache, one process, another hash seed "
        f"and time zone) gives the same {count} files")


def test_a_build_that_depends_on_its_process_is_caught(site: Callable[..., Path], tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # A template that prints the hash of a string: it changes with PYTHONHASHSEED.
    root = site({ARTICLE: GOOD})
    base = root / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("</footer>", '{{ "x".__hash__() }}</footer>'), encoding="utf-8")
    assert run(root, "build", "--output", str(tmp_path / "out"), "--verify") == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "feuillet: not reproducible: 404.html differs from a clean build in a fresh process")

"""The command line: build, check, new; exit codes 0, 1 and 2; a one-line summary."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, run, soup
from tests.test_errors import GOOD


def test_build_prints_a_one_line_summary(site: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    out = capsys.readouterr().out.strip()
    assert re.fullmatch(r"feuillet: built 1 article\(s\) and 0 page\(s\), \d+ files in .+ in \d+\.\d\d s", out)


def test_build_is_the_default_command(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    assert run(root, "--output", str(tmp_path / "out")) == 0
    assert (tmp_path / "out" / "a" / "index.html").is_file()


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(REPO, "build", "--no-such-flag") == 2
    assert "usage:" in capsys.readouterr().err


def test_check_writes_nothing(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    assert run(root, "check") == 0
    assert capsys.readouterr().out.strip() == "feuillet: no problems in 1 article(s) and 0 page(s)"
    assert not (root / "_site").exists()


def test_new_scaffolds_a_draft_that_builds(site: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({})
    assert run(root, "new", "L’État & la Corée : un essai") == 0
    created = root / "content/articles/l-etat-et-la-coree-un-essai.yaml"
    assert created.is_file()
    assert capsys.readouterr().out.strip() == (
        "feuillet: created content/articles/l-etat-et-la-coree-un-essai.yaml (a draft: set draft: false to publish)"
    )
    assert run(root, "new", "L’État & la Corée : un essai") == 1
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    assert not (tmp_path / "out" / "l-etat-et-la-coree-un-essai").exists()  # a draft
    assert run(root, "build", "--drafts", "--output", str(tmp_path / "out")) == 0
    page = soup(tmp_path / "out" / "l-etat-et-la-coree-un-essai" / "index.html")
    assert page.h1 is not None and page.h1.get_text() == "L’État & la Corée\u00a0: un essai"


def test_base_path_prefixes_every_internal_url(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": GOOD, "content/pages/info.md": "---\ntitle: Info\n---\nTexte.\n"})
    assert run(root, "build", "--base-path", "/pr-12/", "--output", str(tmp_path / "out")) == 0
    for page in (tmp_path / "out").rglob("*.html"):
        document = soup(page)
        urls = [a["href"] for a in document.select("a[href]")] + [s["src"] for s in document.select("script[src]")]
        urls += [link["href"] for link in document.select("link[href]") if link.get("rel") == ["stylesheet"]]
        internal = [url for url in urls if not url.startswith(("http", "#"))]
        assert internal and all(url.startswith("/pr-12/") for url in internal), (page, internal)


def test_python_build_py_runs_without_installing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "check"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("feuillet: no problems in 1 article(s) and 1 page(s)")


def test_unexpected_error_shows_no_traceback(site: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.yaml": GOOD})
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert run(root, "build", "--output", str(blocker / "out")) == 1  # its parent is a file
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("feuillet: ")

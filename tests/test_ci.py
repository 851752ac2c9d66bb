"""``scripts/ci.py``, what the workflows run: a pull request's preview walked through on a temporary
git repository (no network), and the commands that publish, remove and schedule previews."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import run

REPO = Path(__file__).resolve().parent.parent


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci", REPO / "scripts" / "ci.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ci"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


ci = _load()


# --- due: is a scheduled rebuild due? ---------------------------------------------------------

NOW = datetime(2030, 1, 1, 7, 0, tzinfo=UTC)  # 08:00 in Paris


@pytest.mark.parametrize(("document", "expected"), [
    ('{"next_publication": "2030-01-01T08:00:00+01:00"}', True),   # that very instant
    ('{"next_publication": "2030-01-01T07:59:59+01:00"}', True),   # passed
    ('{"next_publication": "2030-01-01T08:00:01+01:00"}', False),  # a second to go
    ('{"next_publication": null}', False),                         # nothing waits
    (None, True),                                                  # no record of a build: rebuild
    ("{not json", True),
    ('{"other": 1}', True),
    ('{"next_publication": "2030-01-01T08:00:00"}', True),         # no offset: rebuild, don't guess
])
def test_is_due(document: str | None, expected: bool) -> None:
    assert ci.is_due(document, NOW) is expected


def test_due_prints_a_github_output_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "next-publication.json"
    record.write_text('{"next_publication": "2030-01-01T08:00:00+01:00"}', encoding="utf-8")
    assert ci.main(["due", "--file", str(record), "--now", "2030-01-01T06:59:59"]) == 0
    assert capsys.readouterr().out == "due=false\n"
    assert ci.main(["due", "--file", str(record), "--now", "2030-01-01T08:00:00+01:00"]) == 0
    assert capsys.readouterr().out == "due=true\n"


def test_due_reads_source_date_epoch(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "next-publication.json"
    record.write_text('{"next_publication": "2030-01-01T08:00:00+01:00"}', encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp()) - 1))
    assert ci.main(["due", "--file", str(record)]) == 0
    assert capsys.readouterr().out == "due=false\n"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(NOW.timestamp())))
    assert ci.main(["due", "--file", str(record)]) == 0
    assert capsys.readouterr().out == "due=true\n"


def test_due_without_a_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ci.main(["due", "--file", str(tmp_path / "missing.json")]) == 0
    assert capsys.readouterr().out == "due=true\n"


# --- preview URLs -----------------------------------------------------------------------------

@pytest.mark.parametrize(("site", "url", "base_path"), [
    ("https://redaction.github.io/feuillet/", "https://redaction.github.io/feuillet/pr-7/", "/feuillet/pr-7/"),
    ("https://redaction.github.io/feuillet", "https://redaction.github.io/feuillet/pr-7/", "/feuillet/pr-7/"),
    ("https://feuillet.example.org/", "https://feuillet.example.org/pr-7/", "/pr-7/"),
    ("/", "/pr-7/", "/pr-7/"),
])
def test_preview_address(site: str, url: str, base_path: str) -> None:
    assert ci.preview_address(site, 7) == (url, base_path)


def test_a_pull_request_number_is_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ci.preview_folder(0)


# --- the previews branch ----------------------------------------------------------------------

def _built(folder: Path, text: str) -> Path:
    (folder / "a").mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / "a" / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_deploy_replaces_the_preview_and_keeps_the_others(tmp_path: Path) -> None:
    checkout = tmp_path / "previews"
    _built(checkout / "pr-7", "old")
    (checkout / "pr-7" / "gone.html").write_text("old", encoding="utf-8")
    _built(checkout / "pr-8", "other")
    site = _built(tmp_path / "site", "new")
    assert ci.main(["deploy-preview", "--site", str(site), "--checkout", str(checkout), "--number", "7"]) == 0
    assert sorted(p.relative_to(checkout).as_posix() for p in checkout.rglob("*.html")) == [
        "pr-7/a/index.html", "pr-7/index.html", "pr-8/a/index.html", "pr-8/index.html"]
    assert (checkout / "pr-7" / "index.html").read_text(encoding="utf-8") == "new"
    assert (checkout / "pr-8" / "index.html").read_text(encoding="utf-8") == "other"


def test_deploy_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    checkout = tmp_path / "previews"
    checkout.mkdir()
    assert ci.main(["deploy-preview", "--site", str(tmp_path / "nothing"), "--checkout", str(checkout),
                    "--number", "7"]) == 2
    assert list(checkout.iterdir()) == []


def test_remove_deletes_only_that_preview(tmp_path: Path) -> None:
    checkout = tmp_path / "previews"
    _built(checkout / "pr-7", "seven")
    _built(checkout / "pr-70", "seventy")
    assert ci.main(["remove-preview", "--checkout", str(checkout), "--number", "7"]) == 0
    assert sorted(p.name for p in checkout.iterdir()) == ["pr-70"]
    assert ci.main(["remove-preview", "--checkout", str(checkout), "--number", "7"]) == 0  # already gone


def test_assemble_serves_the_previews_beside_the_site(tmp_path: Path) -> None:
    site = _built(tmp_path / "site", "production")
    (site / "pr-9").mkdir()
    (site / "pr-9" / "index.html").write_text("an article whose slug is pr-9", encoding="utf-8")
    previews = tmp_path / "previews"
    _built(previews / "pr-7", "seven")
    _built(previews / "pr-9", "nine")
    _built(previews / "notes", "not a preview")
    (previews / "README.md").write_text("x", encoding="utf-8")
    assert ci.main(["assemble", "--site", str(site), "--previews", str(previews)]) == 0
    assert sorted(p.name for p in site.iterdir()) == ["a", "index.html", "pr-7", "pr-9"]
    assert (site / "pr-7" / "a" / "index.html").read_text(encoding="utf-8") == "seven"
    assert (site / "pr-9" / "index.html").read_text(encoding="utf-8") == "an article whose slug is pr-9"


def test_assemble_without_previews(tmp_path: Path) -> None:
    site = _built(tmp_path / "site", "production")
    assert ci.main(["assemble", "--site", str(site), "--previews", str(tmp_path / "none")]) == 0
    assert sorted(p.name for p in site.iterdir()) == ["a", "index.html"]


# --- a pull request's life, on a temporary repository ------------------------------------------

def git(repository: Path, *arguments: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Rédaction", "-c", "user.email=redaction@example.org",
                           "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false",
                           "-C", str(repository), *arguments],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A newsroom's repository: the project's site as its first commit."""
    root = tmp_path / "redaction"
    root.mkdir()
    for folder in ("content", "templates", "static", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    (root / ".gitignore").write_text(".cache/\n_site/\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "The site as published")
    return root


def test_the_next_publication_is_recorded_by_a_quiet_build_too(site: Callable[..., Path]) -> None:
    root = site({"content/articles/a.md": "---\ntitle: A\ndate: 2030-01-01 08:00\n---\nTexte.\n"})
    record = root / ".cache" / "next-publication.json"
    record.parent.mkdir()
    assert run(root, "build", "--quiet", "--now", "2029-12-31T12:00", "--output", str(root / "_site"),
               "--next-publication", str(record)) == 0
    assert json.loads(record.read_text(encoding="utf-8")) == {"next_publication": "2030-01-01T08:00:00+01:00"}
    assert ci.is_due(record.read_text(encoding="utf-8"), datetime(2030, 1, 1, 7, 0, tzinfo=UTC))

"""Shared fixtures: small sites written into a temporary folder, built, and parsed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from feuillet.cli import main

REPO = Path(__file__).resolve().parent.parent
SITE_YAML = "title: Feuillet test\nurl: https://exemple.fr/\n"


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read feuillet's messages in English unless they ask for another language
    (a French site would otherwise speak French: see ``feuillet.messages``)."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)


def make_site(root: Path, files: dict[str, str], *, shared: bool = True) -> Path:
    """Write a site: the repo's templates, catalogs, static files and build-only assets, plus ``files``."""
    if shared:
        for folder in ("templates", "locales", "static", "assets"):
            shutil.copytree(REPO / folder, root / folder)
    files = {"site.yaml": SITE_YAML, **files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Callable[..., Path]:
    """A factory: ``site({"content/articles/a.yaml": "..."})`` returns the site's root."""

    def factory(files: dict[str, str], shared: bool = True) -> Path:
        return make_site(tmp_path / "site", files, shared=shared)

    return factory


def run(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site, built once for the whole session."""
    output = tmp_path_factory.mktemp("seed") / "_site"
    assert main(["--root", str(REPO), "build", "--output", str(output)]) == 0
    return output

"""``check --typography`` warns, with file and line, where typography changed the source."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run


def test_typography_warnings_name_file_line_and_key(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({
        "content/articles/a.yaml": (
            "title: Vraiment?\n"
            "date: 2024-06-19\n"
            "sections:\n"
            "  - title: Bien\n"
            "    blocks:\n"
            "      - |\n"
            "        Une ligne correcte.\n"
            "        Il a dit \"oui\" avec `du \"code\"`.\n"
        ),
        "content/articles/b.md": "---\ntitle: B\ndate: 2024-06-19\n---\nTexte.\n\n## Partie\n\nDeux points : ici.\n",
    })
    assert run(root, "check", "--typography") == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "content/articles/a.yaml:1: title: warning: typography changed this line to: Vraiment⍽? (⍽ = no-break space)",
        "content/articles/a.yaml:8: sections[1].blocks[1]: warning: typography changed this line to: "
        "Il a dit «⍽oui⍽» avec `du \"code\"`. (⍽ = no-break space)",
        "content/articles/b.md:9: body: warning: typography changed this line to: Deux points⍽: ici. (⍽ = no-break space)",
    ]


def test_no_warnings_without_the_flag(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/b.md": "---\ntitle: B ?\ndate: 2024-06-19\n---\nDeux points : ici.\n"})
    assert run(root, "check") == 0
    assert capsys.readouterr().err == ""

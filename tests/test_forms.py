"""The YAML form and the Markdown form of one article load into equal models and equal pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from feuillet.content import load_article
from feuillet.errors import Problems
from feuillet.model import ItemList, Prose, Quote, SiteConfig
from tests.conftest import run

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
CONFIG = SiteConfig(title="T", url="https://exemple.fr/")


def load(name: str, slug_path: str) -> object:
    problems = Problems()
    article = load_article((FIXTURES / name).read_text(encoding="utf-8"), slug_path, CONFIG, problems)
    assert not problems.items, problems.items
    return article


def test_both_forms_give_equal_models() -> None:
    from_yaml = load("article.yaml", "content/articles/deux-formes.yaml")
    from_markdown = load("article.md", "content/articles/deux-formes.md")
    assert from_yaml == from_markdown


def test_the_model_has_the_expected_blocks() -> None:
    article = load("article.md", "content/articles/deux-formes.md")
    sections = article.sections  # type: ignore[attr-defined]
    assert [section.title for section in sections] == [None, "Première partie", "Deuxième partie"]
    assert sections[2].anchor == "seconde"
    kinds = [type(block) for block in sections[1].blocks]
    assert kinds == [Prose, Quote, ItemList, Prose]
    quote = sections[1].blocks[1]
    assert (quote.text, quote.author, quote.role) == ("Une phrase citée.", "Jeanne Dupont", "chercheuse")
    assert sections[2].blocks[0] == ItemList(("un", "deux"), ordered=True)


def test_both_forms_give_identical_pages(site: Callable[..., Path], tmp_path: Path) -> None:
    pages = []
    for name in ("article.yaml", "article.md"):
        root = site({}) if not pages else tmp_path / "site"
        target = root / "content" / "articles"
        for old in target.glob("*") if target.exists() else []:
            old.unlink()
        target.mkdir(parents=True, exist_ok=True)
        (target / ("deux-formes" + Path(name).suffix)).write_text((FIXTURES / name).read_text(encoding="utf-8"))
        output = tmp_path / f"out-{name}"
        assert run(root, "build", "--output", str(output)) == 0
        pages.append((output / "deux-formes" / "index.html").read_bytes())
    assert pages[0] == pages[1]

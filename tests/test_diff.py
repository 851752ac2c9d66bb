"""``feuillet diff OLD NEW``: the pages a change adds, changes and removes, and what it breaks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet.compare import MARKER_COMMENT, compare, normalise, plain_path, url_of
from tests.conftest import run


def article(title: str, date: str = "2024-06-01", body: str = "Un texte sur la Corée.", extra: str = "") -> str:
    return (f"---\ntitle: {title}\ndate: {date}\n{extra}---\n## Première partie\n\n{body}\n\n"
            "## Seconde partie\n\nLa suite.\n")


FILES = {
    "content/articles/a.md": article("Titre A", "2024-06-03"),
    "content/articles/b.md": article("Titre B", "2024-06-02"),
    "content/articles/c.md": article("Titre C", "2024-06-01"),
}


@pytest.fixture
def two(site: Callable[..., Path], tmp_path: Path) -> Callable[..., tuple[Path, Path]]:
    """``two(edit, *options)``: the site built, then ``edit(root)`` and built again."""

    def factory(edit: Callable[[Path], None], *options: str, files: dict[str, str] | None = None
                ) -> tuple[Path, Path]:
        root = site(files or FILES)
        old, new = tmp_path / "old", tmp_path / "new"
        assert run(root, "build", "--output", str(old), "--quiet", *options) == 0
        edit(root)
        assert run(root, "build", "--output", str(new), "--quiet", *options) == 0
        return old, new

    return factory


def write(root: Path, name: str, text: str) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")


def urls(pages: tuple[object, ...]) -> list[str]:
    return [page.url for page in pages]  # type: ignore[attr-defined]


def test_a_body_edit_changes_that_page_only(two: Callable[..., tuple[Path, Path]]) -> None:
    old, new = two(lambda root: write(root, "content/articles/b.md",
                                      article("Titre B", "2024-06-02", "Un texte sur la Chine.")))
    changes = compare(old, new)
    assert (urls(changes.added), urls(changes.changed), urls(changes.removed)) == ([], ["/b/"], [])
    assert changes.changed[0].title == "Titre B" and changes.changed[0].path == "b/index.html"
    # the search index (pagefind/) follows the article pages: it changes with them
    assert [f for f in changes.files["changed"] if not f.startswith("pagefind/")] == ["feed.xml"]
    assert changes.breaks == ()


def test_added_and_removed_pages_with_their_titles(two: Callable[..., tuple[Path, Path]]) -> None:
    def edit(root: Path) -> None:
        (root / "content/articles/c.md").unlink()
        write(root, "content/articles/d.md", article("Titre D", "2024-05-01"))
        write(root, "content/pages/a-propos.md", "---\ntitle: À propos\n---\nQui nous sommes.\n")

    old, new = two(edit)
    changes = compare(old, new)
    assert [(page.url, page.title) for page in changes.added] == [
        ("/a-propos/", "À propos"), ("/d/", "Titre D")]
    assert [(page.url, page.title) for page in changes.removed] == [("/c/", "Titre C")]
    assert "/" in urls(changes.changed) and "/404.html" in urls(changes.changed)  # the menu has a page more
    assert "c/social.png" in changes.files["removed"] and "d/social.png" in changes.files["added"]


def test_a_renamed_stylesheet_is_no_page_change(two: Callable[..., tuple[Path, Path]]) -> None:
    def edit(root: Path) -> None:
        css = root / "static/css/site.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n.x { color: red; }\n", encoding="utf-8")

    old, new = two(edit)
    names = [sorted(p.name for p in (side / "static/css").iterdir()) for side in (old, new)]
    assert names[0] != names[1]  # the stylesheet's name changed in every page
    changes = compare(old, new)
    assert (changes.added, changes.changed, changes.removed) == ((), (), ())
    assert changes.files == {"added": (), "changed": ("static/css/site.css",), "removed": ()}


def test_fingerprints_are_taken_out() -> None:
    assert normalise(b'<link href="/static/css/site.0123456789.css"><script src="toc.abcdef0123.js">') == (
        b'<link href="/static/css/site.css"><script src="toc.js">')
    assert normalise(b"site.0123456789.css.map") == b"site.0123456789.css.map"
    assert plain_path("static/js/toc.abcdef0123.js") == "static/js/toc.js"
    assert (url_of("index.html"), url_of("a/b/index.html"), url_of("404.html")) == ("/", "/a/b/", "/404.html")


def test_markdown_comment_with_preview_links(two: Callable[..., tuple[Path, Path]],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    def edit(root: Path) -> None:
        (root / "content/articles/c.md").unlink()
        write(root, "content/articles/b.md", article("Titre B [nouveau]", "2024-06-02"))

    old, new = two(edit)
    assert run(new.parent, "diff", str(old), str(new), "--format", "markdown",
               "--preview-url", "https://exemple.github.io/site/pr-7/") == 0
    comment = capsys.readouterr().out
    lines = comment.splitlines()
    assert lines[0] == MARKER_COMMENT
    assert "**0 page(s) added, 3 changed, 1 removed**" in lines  # home, b, and a (« Lire aussi » had c)
    assert "- [Feuillet test](https://exemple.github.io/site/pr-7/) — `/`" in lines
    assert "- [Titre B \\[nouveau\\]](https://exemple.github.io/site/pr-7/b/) — `/b/`" in lines
    assert "- Titre C — `/c/`" in lines  # a removed page links nowhere
    assert "**Broken links from outside**" in lines
    assert any(line.startswith("- the published article /c/ (Titre C) is gone") for line in lines)


def test_markdown_comment_in_the_editors_language(two: Callable[..., tuple[Path, Path]],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    old, new = two(lambda root: write(root, "content/articles/b.md",
                                      article("Titre B", "2024-06-02", "Un texte sur la Chine.")))
    assert run(new.parent, "--lang", "fr", "diff", str(old), str(new), "--format", "markdown") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [MARKER_COMMENT, "### Pages touchées par cette modification", "",
                         "**0 page(s) ajoutée(s), 1 modifiée(s), 0 supprimée(s)**"]
    assert "- Titre B — `/b/`" in lines  # no preview address given: no link


def test_json_document(two: Callable[..., tuple[Path, Path]], capsys: pytest.CaptureFixture[str]) -> None:
    def edit(root: Path) -> None:
        (root / "content/articles/c.md").unlink()

    old, new = two(edit)
    assert run(new.parent, "diff", str(old), str(new), "--format", "json", "--preview-url", "https://p.fr/x/") == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"added", "changed", "removed", "files", "breaks"}
    assert report["removed"] == [{"url": "/c/", "path": "c/index.html", "title": "Titre C", "link": None}]
    assert {"url": "/", "path": "index.html", "title": "Feuillet test", "link": "https://p.fr/x/"} in report["changed"]
    assert report["breaks"] == [{
        "kind": "url", "url": "/c/", "anchor": None, "title": "Titre C",
        "message": "the published article /c/ (Titre C) is gone; keep its address with aliases: [/c/] in the "
                   "article that replaces it"}]
    assert set(report["files"]) == {"added", "changed", "removed"}


def test_text_report_and_fail_on_break(two: Callable[..., tuple[Path, Path]],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    old, new = two(lambda root: (root / "content/articles/c.md").unlink())
    assert run(new.parent, "diff", str(old), str(new)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "removed: /c/ (Titre C)" in lines and lines[-1] == "feuillet: 0 page(s) added, 3 changed, 1 removed"
    assert run(new.parent, "diff", str(old), str(new), "--fail-on-break") == 1
    assert "break: the published article /c/ (Titre C) is gone; keep its address with aliases: [/c/] in the " \
           "article that replaces it" in capsys.readouterr().out.splitlines()
    assert run(new.parent, "diff", str(old), str(old), "--fail-on-break") == 0
    assert capsys.readouterr().out.splitlines() == ["feuillet: no page changed"]


def test_a_removed_section_anchor_is_a_break(two: Callable[..., tuple[Path, Path]]) -> None:
    def edit(root: Path) -> None:
        text = article("Titre B", "2024-06-02").replace("## Seconde partie", "## Deuxième partie")
        write(root, "content/articles/b.md", text)

    changes = compare(*two(edit))
    assert [(b.kind, b.url, b.anchor) for b in changes.breaks] == [("anchor", "/b/", "seconde-partie")]
    assert str(changes.breaks[0].message) == (
        "the section #seconde-partie of the published article /b/ (Titre B) is gone; keep it with "
        "anchor_aliases: {seconde-partie: new-id}")


def test_an_article_back_to_draft_is_a_break_in_a_preview(two: Callable[..., tuple[Path, Path]]) -> None:
    old, new = two(lambda root: write(root, "content/articles/b.md",
                                      article("Titre B", "2024-06-02", extra="draft: true\n")),
                   "--base-path", "/pr-7/")
    assert (new / "b/index.html").is_file()  # the preview shows the draft, marked
    changes = compare(old, new)
    assert [(b.kind, b.url, b.unpublished) for b in changes.breaks] == [("url", "/b/", True)]


def test_drafts_of_the_old_preview_are_not_published(two: Callable[..., tuple[Path, Path]]) -> None:
    files = {**FILES, "content/articles/b.md": article("Titre B", "2024-06-02", extra="draft: true\n")}
    old, new = two(lambda root: (root / "content/articles/b.md").unlink(), "--base-path", "/pr-7/", files=files)
    changes = compare(old, new)
    assert urls(changes.removed) == ["/b/"] and changes.breaks == ()


def test_a_missing_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "diff", str(tmp_path / "rien"), str(tmp_path)) == 2
    assert capsys.readouterr().err.strip().endswith("rien is not a folder of a built site")

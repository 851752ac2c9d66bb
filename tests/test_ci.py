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
from bs4 import BeautifulSoup

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
    for folder in ("content", "templates", "static", "locales", "assets"):
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


ARTICLE = "content/articles/poutine-en-coree-du-nord.yaml"
SLUG = "poutine-en-coree-du-nord"
OLD_ANCHOR, NEW_ANCHOR = "des-interets-economiques-convergents", "des-interets-economiques-partages"
PREVIEW_SITE = "https://feuillet.example.org/"
URL_ATTRIBUTES = ("href", "src", "action", "poster", "data")


def edit(repository: Path, path: str, *replacements: tuple[str, str]) -> None:
    file = repository / path
    text = file.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    file.write_text(text, encoding="utf-8")


def line_of(repository: Path, path: str, needle: str) -> int:
    lines = (repository / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def preview(repository: Path, base: str, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = ci.main(["preview", "--root", str(repository), "--base-ref", base, "--number", "7",
                    "--preview-site", PREVIEW_SITE, "--out", str(out), "--now", "2024-07-01T00:00",
                    "--jobs", "1"])
    printed = capsys.readouterr().out
    annotations = (out / "annotations.txt").read_text(encoding="utf-8")
    assert printed.startswith(annotations)  # in the step's output, where GitHub reads them
    return code, annotations


def urls(page: BeautifulSoup) -> list[str]:
    """Every URL a page's elements name (``srcset`` split into its candidates)."""
    found = [element[name] for name in URL_ATTRIBUTES for element in page.find_all(attrs={name: True})]
    for element in page.find_all(attrs={"srcset": True}):
        found += [candidate.split()[0] for candidate in element["srcset"].split(",") if candidate.strip()]
    found += [element["content"] for element in page.find_all("meta", attrs={"http-equiv": "refresh"})]
    return found


def test_a_pull_request_from_preview_to_merge(repository: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the feuillet under test builds the repository
    base = git(repository, "rev-parse", "HEAD").strip()
    # The pull request: one article edited, with a root-relative link, a broken link, and a
    # published section renamed (its anchor goes).
    edit(repository, ARTICLE,
         ("  - title: Des intérêts économiques convergents", "  - title: Des intérêts économiques partagés"),
         ("        Kim Jong-un apparaît comme un allié précieux pour Vladimir Poutine.\n",
          "        Kim Jong-un apparaît comme un allié précieux pour Vladimir Poutine.\n"
          "        Voir [qui nous sommes](/a-propos/) et [nos archives](/archives/).\n"))
    git(repository, "commit", "-qam", "Sections renamed, links added")
    out = tmp_path / "out"
    code, annotations = preview(repository, base, out, capsys)

    # It fails, with annotations on the source lines: the broken link and the lost anchor.
    assert code == 1
    link_line = line_of(repository, ARTICLE, "nos archives")
    assert annotations.splitlines() == [
        f"::error file={ARTICLE},line=1,title=anchor_aliases::the section #{OLD_ANCHOR} of the published "
        f"article /{SLUG}/ (Poutine à Pyongyang : une alliance de circonstance face à l’Occident) is gone; "
        f"keep it with anchor_aliases: {{{OLD_ANCHOR}: new-id}}",
        f"::error file={ARTICLE},line={link_line},title=link::the link /archives/ leads to no page of the site",
    ]

    # The preview, published into pr-7/ of the previews branch's checkout.
    checkout = tmp_path / "previews"
    checkout.mkdir()
    assert ci.main(["deploy-preview", "--site", str(out / "site"), "--checkout", str(checkout),
                    "--number", "7"]) == 0
    pages = sorted((checkout / "pr-7").rglob("*.html"))
    assert [p.relative_to(checkout).as_posix() for p in pages] == [
        "pr-7/404.html", "pr-7/a-propos/index.html", "pr-7/index.html", f"pr-7/{SLUG}/index.html",
        "pr-7/recherche/index.html", "pr-7/rubriques/analyse/index.html", "pr-7/rubriques/index.html",
        "pr-7/sujets/coree-du-nord/index.html", "pr-7/sujets/index.html", "pr-7/sujets/russie/index.html",
        "pr-7/sujets/sanctions/index.html", "pr-7/sujets/ukraine/index.html"]
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")
        assert [m["content"] for m in page.find_all("meta", attrs={"name": "robots"})] == ["noindex"], path
        banner = page.select("aside.preview-banner")
        assert len(banner) == 1 and banner[0].get_text(" ", strip=True).startswith("Aperçu · PR 7"), path
        for url in urls(page):
            assert not url.startswith("/") or url.startswith("/pr-7/"), (path, url)
            assert not url.startswith("//"), (path, url)
            if url.startswith(("http://", "https://")) and url.startswith(PREVIEW_SITE):
                assert url.startswith(PREVIEW_SITE + "pr-7/") or page.find(
                    attrs={"href": url, "rel": "canonical"}) or page.find("meta", attrs={"content": url}), (
                    path, url)  # the production URLs: canonical and og:url
    article = BeautifulSoup((checkout / "pr-7" / SLUG / "index.html").read_text(encoding="utf-8"), "html5lib")
    assert article.find("a", string="qui nous sommes")["href"] == "/pr-7/a-propos/"
    assert article.find("link", rel="canonical")["href"] == f"{PREVIEW_SITE}{SLUG}/"
    assert (checkout / "pr-7" / "robots.txt").read_text(encoding="utf-8").splitlines()[-1] == "Disallow: /"

    # The comment lists exactly the page the change touched, linked to its preview.
    comment = (out / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("<!-- feuillet-diff -->\n")
    changes = json.loads((out / "diff.json").read_text(encoding="utf-8"))
    assert (changes["added"], changes["removed"]) == ([], [])
    assert [(c["url"], c["link"]) for c in changes["changed"]] == [
        (f"/{SLUG}/", f"{PREVIEW_SITE}pr-7/{SLUG}/")]
    assert f"]({PREVIEW_SITE}pr-7/{SLUG}/)" in comment
    assert comment.count(f"]({PREVIEW_SITE}pr-7/") == 1
    assert [(b["kind"], b["anchor"]) for b in changes["breaks"]] == [("anchor", OLD_ANCHOR)]

    # The fix: the old anchor kept by an alias, the broken link mended. Now it passes.
    edit(repository, ARTICLE,
         ("tags: [", f"anchor_aliases: {{{OLD_ANCHOR}: {NEW_ANCHOR}}}\ntags: ["),
         ("[nos archives](/archives/)", f"[nos analyses](/{SLUG}/#{NEW_ANCHOR})"))
    git(repository, "commit", "-qam", "Keep the old anchor, mend the link")
    code, annotations = preview(repository, base, out, capsys)
    assert (code, annotations) == (0, "")
    changes = json.loads((out / "diff.json").read_text(encoding="utf-8"))
    assert changes["breaks"] == []
    assert [c["url"] for c in changes["changed"]] == [f"/{SLUG}/"]
    fixed = BeautifulSoup((out / "site" / SLUG / "index.html").read_text(encoding="utf-8"), "html5lib")
    assert fixed.find(id=OLD_ANCHOR) is not None
    assert fixed.find("a", string="nos analyses")["href"] == f"/pr-7/{SLUG}/#{NEW_ANCHOR}"

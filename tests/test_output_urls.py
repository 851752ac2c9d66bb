"""After each build, no URL of any output made leaves the base path (a preview stays a preview)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from feuillet import urls
from feuillet.errors import SourceError
from feuillet.pipeline import URL_INTERNAL, url_errors
from tests.conftest import REPO, run, soup

PR = urls.Scope("https://exemple.fr/", "/pr-12/", frozenset({"https://exemple.fr/ecrit/"}))


@pytest.mark.parametrize(("url", "production", "expected"), [
    ("/pr-12/a/", False, False),
    ("/pr-12", False, False),
    ("#main", False, False),
    ("../b/", False, False),  # from a/: /pr-12/b/
    ("../../b/", False, True),  # /b/
    ("/x/", False, True),
    ("/", False, True),
    ("https://exemple.fr/a/", True, False),  # canonical, og:url…
    ("https://exemple.fr/a/", False, True),  # a link a reader follows: out of the preview
    ("https://exemple.fr/ecrit/", False, False),  # written by an editor in content
    ("HTTPS://EXEMPLE.FR/pr-12/a/", False, False),
    ("https://ailleurs.fr/x/", False, False),
    ("//ailleurs.fr/x/", False, False),
    ("mailto:redaction@exemple.fr", False, False),
    ("data:image/png;base64,AAAA", False, False),
])
def test_which_urls_leave_the_base_path(url: str, production: bool, expected: bool) -> None:
    assert urls.leaves(url, "a/", PR, production) is expected


def test_the_urls_of_an_html_page_that_leave_the_base_path() -> None:
    html = (
        '<link rel="canonical" href="https://exemple.fr/a/"><link rel="stylesheet" href="/pr-12/s.css">'
        '<meta property="og:url" content="https://exemple.fr/a/"><meta name="description" content="Texte /x/">'
        '<meta http-equiv="refresh" content="0; url=/refresh/">'
        '<script type="application/ld+json">{"url": "https://exemple.fr/a/", "logo": "/logo.png"}</script>'
        '<style>body { background: url("/fond.png") }</style>'
        "<img srcset='/pr-12/a.png 1x, /b.png 2x' src=/pr-12/a.png style=\"background:url(/c.png)\">"
        '<pre><code>&lt;a href="/code/"&gt;</code></pre>'
        '<a href="/pr-12/x/?a=1&amp;b=2">x</a><a href="https://exemple.fr/b/">b</a><form action="/cherche/">'
    )
    assert urls.escapes("a/index.html", html.encode(), PR) == [
        "/refresh/", "/b.png", "/c.png", "https://exemple.fr/b/", "/cherche/", "/fond.png", "/logo.png"]


def test_the_feed_sitemap_robots_and_css_are_read_too() -> None:
    feed = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>https://exemple.fr/</id>'
            b'<link href="https://exemple.fr/feed.xml" rel="self"/><entry><content type="html">'
            b'&lt;a href="/x/"&gt;x&lt;/a&gt;</content></entry></feed>')
    assert urls.escapes("feed.xml", feed, PR) == ["/x/"]
    assert urls.escapes("sitemap.xml", b"<urlset><url><loc>https://exemple.fr/a/</loc></url></urlset>", PR) == []
    assert urls.escapes("robots.txt", b"User-agent: *\nSitemap: https://exemple.fr/sitemap.xml\n", PR) == []
    assert urls.escapes("static/css/a.css", b"@import '/b.css'; a { background: url(../img/c.png) }", PR) == [
        "/b.css"]


def test_the_shipped_site_built_as_a_preview_stays_under_its_prefix(tmp_path: Path) -> None:
    out = tmp_path / "pr"
    assert run(REPO, "build", "--output", str(out), "--base-path", "/pr-12/", "--no-cache") == 0
    for page in out.rglob("*.html"):
        tree = soup(page)
        for element in tree.find_all(href=True) + tree.find_all(src=True):
            address = element.get("href") or element.get("src")
            if element.name == "link" and "canonical" in element.get("rel", []):
                assert address.startswith("https://feuillet.example.org/")
            else:
                assert address.startswith(("/pr-12/", "#")), (page, address)


BROKEN = '<a class="x" href="/x/">x</a>\n'


def with_base(root: Path, extra: str) -> None:
    base = root / "templates/base.html"
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("</body>", extra + "</body>", 1), encoding="utf-8")


def test_a_template_that_leaves_the_base_path_fails_the_preview(site: Callable[..., Path], tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": "---\ntitle: A\ndate: 2024-06-19\n---\nTexte.\n"})
    with_base(root, BROKEN)
    line = (root / "templates/base.html").read_text(encoding="utf-8").splitlines().index(BROKEN.strip()) + 1
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-12/") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"templates/base.html:{line}: template: the URL /x/ in 404.html leaves the base path /pr-12/: "
        "write it with url() in the template, such as {{ url('a-propos/') }}")
    assert not (tmp_path / "pr").exists()
    assert run(root, "build", "--output", str(tmp_path / "prod")) == 0  # "/x/" is under "/"


def test_a_template_link_to_production_fails_the_preview(site: Callable[..., Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": "---\ntitle: A\ndate: 2024-06-19\n---\n"
                 "Voir [en ligne](https://exemple.fr/a/).\n"})  # an editor's choice: allowed
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-12/") == 0
    with_base(root, '<a href="{{ absolute_url(\'\') }}">en ligne</a>\n')
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-12/") == 1
    assert "404.html: url: internal error: the URL https://exemple.fr/ in 404.html leaves the base path " \
        "/pr-12/" in capsys.readouterr().err


def test_a_static_stylesheet_that_leaves_the_base_path_names_its_file(site: Callable[..., Path], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": "---\ntitle: A\ndate: 2024-06-19\n---\nTexte.\n"})
    css = root / "static/css/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { background: url(/static/img/logo.png) }\n",
                   encoding="utf-8")
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-12/") == 1
    err = capsys.readouterr().err
    assert "static/css/site.css: url: the URL /static/img/logo.png in static/css/site." in err
    assert "leaves the base path /pr-12/: write it relative to the file, such as ../img/carte.png" in err


def test_a_url_no_template_writes_is_an_internal_error() -> None:
    assert url_errors([("index.html", "/x/")], "/pr-12/", []) == [SourceError(
        "index.html", 0, "url", URL_INTERNAL.format(url="/x/", output="index.html", base="/pr-12/"))]
    assert URL_INTERNAL == ("internal error: the URL {url} in {output} leaves the base path {base} (a bug of "
                            "feuillet, or a template writes it without url())")


def test_only_the_outputs_made_by_a_build_are_read(site: Callable[..., Path], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from feuillet.pipeline import BuildOptions, Project, build

    root = site({f"content/articles/a{n}.md": f"---\ntitle: A{n}\ndate: 2024-06-1{n}\n---\nTexte.\n"
                 for n in range(3)})
    out = tmp_path / "out"
    build(Project(root), out, BuildOptions(jobs=1))
    read: list[str] = []
    escapes = urls.Checker.escapes
    monkeypatch.setattr(urls.Checker, "escapes", lambda self, path, content: read.append(path) or escapes(self, path, content))
    (root / "content/articles/a1.md").write_text("---\ntitle: A1\ndate: 2024-06-11\n---\nAutre.\n", encoding="utf-8")
    build(Project(root), out, BuildOptions(jobs=1))
    assert sorted(read) == ["a1/index.html", "feed.xml"]

"""Raw HTML goes through an allow-list; each removal is a warning at its source line."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feuillet.sanitise import ATTRIBUTES, TAGS, URL_SCHEMES, Finding, audit, clean, url_scheme
from tests.conftest import REPO, run, soup

# --- the allow-list itself -------------------------------------------------------------------

KEPT = [
    '<abbr title="Organisation du traité de l’Atlantique nord">OTAN</abbr>',
    "<sup>e</sup> et H<sub>2</sub>O",
    '<span lang="ko">조선</span>',
    "une ligne<br>une autre",
    "<kbd>Ctrl</kbd> <mark>important</mark> <cite>Le Monde</cite>",
    '<a href="https://exemple.fr/">https</a> <a href="http://exemple.fr/">http</a>',
    '<a href="mailto:redaction@exemple.fr">écrire</a> <a href="../autre/">relatif</a> '
    '<a href="#contexte">ancre</a> <a href="/a-propos/">absolu</a>',
    '<figure><img src="/static/img/carte.png" alt="Carte"><figcaption>Carte</figcaption></figure>',
    "<table><thead><tr><th>Pays</th></tr></thead><tbody><tr><td>Corée</td></tr></tbody></table>",
]


@pytest.mark.parametrize("fragment", KEPT)
def test_what_an_editor_writes_is_kept(fragment: str) -> None:
    assert clean(fragment) == fragment
    assert audit(fragment) == []


REMOVED = {
    "script": ("a<script>alert(1)</script>b", "ab",
               "removed <script> and what it holds: this HTML element is not allowed in content"),
    "style element": ("a<style>p{}</style>b", "ab",
                      "removed <style> and what it holds: this HTML element is not allowed in content"),
    "iframe": ('<iframe src="https://x.fr/">repli</iframe>', "",
               "removed <iframe> and what it holds: this HTML element is not allowed in content"),
    "object": ('<object data="x.swf"></object>', "",
               "removed <object> and what it holds: this HTML element is not allowed in content"),
    "form": ('<form action="/x"><b>x</b></form>', "<b>x</b>",
             "removed <form>: this HTML element is not allowed in content"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=https://x.fr/">', "",
                     "removed <meta>: this HTML element is not allowed in content"),
    "base": ('<base href="https://x.fr/">', "", "removed <base>: this HTML element is not allowed in content"),
    "link": ('<link rel="stylesheet" href="x.css">', "",
             "removed <link>: this HTML element is not allowed in content"),
    "event handler": ('<img src="x.png" alt="" onerror="alert(1)">', '<img src="x.png" alt="">',
                      "removed the onerror attribute of <img>: event handlers are not allowed"),
    "style attribute": ('<p style="color: red">x</p>', "<p>x</p>",
                        "removed the style attribute of <p>: this attribute is not allowed"),
}


@pytest.mark.parametrize("case", sorted(REMOVED))
def test_what_is_not_allowed_is_removed_and_reported(case: str) -> None:
    fragment, cleaned, message = REMOVED[case]
    assert clean(fragment) == cleaned
    assert audit(fragment) == [Finding(1, message)]


SCHEME_MESSAGE = ("removed a {}: address: only http, https and mailto links, paths and #anchors "
                  "are allowed")
OBFUSCATED = [
    ("javascript:alert(1)", "javascript"),
    ("JaVaScRiPt:alert(1)", "javascript"),
    (" javascript:alert(1)", "javascript"),
    ("jav\tascript:alert(1)", "javascript"),
    ("jav&#x09;ascript:alert(1)", "javascript"),
    ("jav&#9;ascript:alert(1)", "javascript"),
    ("&#106;avascript:alert(1)", "javascript"),
    ("&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)", "javascript"),
    ("javascript&colon;alert(1)", "javascript"),
    ("\x01javascript:alert(1)", "javascript"),
    ("vbscript:msgbox(1)", "vbscript"),
    ("VBScript:msgbox(1)", "vbscript"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data"),
    ("DATA:text/html,x", "data"),
]


@pytest.mark.parametrize(("url", "scheme"), OBFUSCATED)
def test_dangerous_links_in_every_spelling(url: str, scheme: str) -> None:
    assert url_scheme(url) == scheme
    html_link = f'<a href="{url}">x</a>'
    assert clean(html_link) == "<a>x</a>"
    assert audit(html_link) == [Finding(1, SCHEME_MESSAGE.format(scheme))]
    if url.isprintable() and " " not in url:  # a blank ends a Markdown link's address
        assert audit(f"[x]({url})") == [Finding(1, SCHEME_MESSAGE.format(scheme))]


def test_reference_links_and_images_are_audited() -> None:
    text = "Voir [ici][1] et ![carte](data:image/png;base64,xx).\n\n[1]: javascript:alert(1)\n"
    assert audit(text) == [Finding(1, SCHEME_MESSAGE.format("data")),
                           Finding(3, SCHEME_MESSAGE.format("javascript"))]


def test_code_is_not_audited() -> None:
    text = "Écrire `<script>` ou\n\n```html\n<script>alert(1)</script>\n```\n\n    <iframe></iframe>\n"
    assert audit(text) == []


def test_findings_carry_the_line_of_the_tag() -> None:
    text = "Un.\n\nDeux <b>gras</b>.\n\nTrois <script>x</script>.\n"
    assert audit(text) == [Finding(5, REMOVED["script"][2])]


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


HOSTILE_PIECES = ["<script>", "</script>", "<a href=", "javascript:", "jav&#x09;ascript:", "data:",
                  "<img src=x ", "onerror=", "onclick=", "\"", "'", ">", "<", " ", "<iframe>", "<svg>",
                  "<style>", "<p style=", "x", "é", "&#", "<!--", "-->", "<meta http-equiv=refresh>",
                  "<math>", "<object>", "<form>", "vbscript:", "\t", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE_PIECES), max_size=30).map("".join))
def test_cleaned_html_never_leaves_the_allow_list(fragment: str) -> None:
    parser = _Collect()
    parser.feed(clean(fragment))
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in TAGS
        for name, value in attrs:
            assert name in ATTRIBUTES["*"] | ATTRIBUTES.get(tag, frozenset())
            if name in ("href", "src", "cite"):
                assert url_scheme(value or "") in (None, *URL_SCHEMES)


# --- through a build ------------------------------------------------------------------------

HOSTILE_ARTICLE = (
    "---\n"
    "title: Un article\n"
    "date: 2024-06-19\n"
    "standfirst: Chapô <img src=\"x.png\" alt=\"\" onerror=\"alert(1)\"> et [lien](javascript:alert(1)).\n"
    "---\n"
    "Texte <script>alert(1)</script> ici.\n"
    "\n"
    "<p style=\"color: red\" onclick=\"x()\">Rouge</p>\n"
    "\n"
    "> Une citation sans auteur.\n"
)
WARNINGS = [
    "content/articles/a.md:4: image: warning: the image x.png is not a file of the site (images go "
    "under static/ or beside the article, in its folder)",
    "content/articles/a.md:4: standfirst: warning: " + SCHEME_MESSAGE.format("javascript"),
    "content/articles/a.md:4: standfirst: warning: removed the onerror attribute of <img>: "
    "event handlers are not allowed",
    "content/articles/a.md:6: body: warning: " + REMOVED["script"][2],
    "content/articles/a.md:8: body: warning: removed the onclick attribute of <p>: event handlers "
    "are not allowed",
    "content/articles/a.md:8: body: warning: removed the style attribute of <p>: this attribute is "
    "not allowed",
    "content/articles/a.md:10: body: warning: a quote without attribution: end it with a line such "
    "as « — Nom, qualité »",
]


def test_hostile_html_is_removed_from_pages_and_feed(site: Callable[..., Path], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": HOSTILE_ARTICLE})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines()[: len(WARNINGS)] == WARNINGS
    assert captured.out.strip().endswith(", 7 warnings")
    page = soup(out / "a" / "index.html")
    body = page.find("article")
    # The only script inside the article is the template's own, folding the Sommaire (partials/toc.html).
    toc = (REPO / "templates" / "partials" / "toc.html").read_text(encoding="utf-8")
    fold = toc.split("<script>")[1].split("</script>")[0]
    assert [(s.name, s.attrs, s.string) for s in body.find_all(["script", "iframe"])] in ([], [("script", {}, fold)])
    assert not [t for t in body.find_all(True) if any(a.startswith("on") or a == "style" for a in t.attrs)]
    assert not [a for a in page.find_all("a") if a.get("href", "").startswith("javascript")]
    assert page.find("p", string="Rouge") is not None
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert "alert(1)" not in feed and "onclick" not in feed and "javascript" not in feed


def test_strict_turns_warnings_into_errors(site: Callable[..., Path], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": HOSTILE_ARTICLE})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out), "--strict") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:-1] == [line.replace(": warning: ", ": ") for line in WARNINGS]
    assert err[-1] == "feuillet: 7 problems; nothing was written"
    assert not out.exists()
    assert run(root, "check", "--strict") == 1
    assert run(root, "check") == 0
    assert capsys.readouterr().out.strip().endswith("7 warnings in 1 article(s) and 0 page(s)")


def test_warnings_outlive_the_cache_and_the_no_op_build(site: Callable[..., Path], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": HOSTILE_ARTICLE})
    out = tmp_path / "out"
    for _ in range(2):
        assert run(root, "build", "--output", str(out)) == 0
        assert capsys.readouterr().err.splitlines()[: len(WARNINGS)] == WARNINGS
    assert run(root, "build", "--output", str(out), "--strict") == 1
    assert capsys.readouterr().err.splitlines()[-1] == "feuillet: 7 problems; nothing was written"


def test_pages_are_sanitised_and_audited(site: Callable[..., Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    page = "---\ntitle: À propos\n---\n\nNous <iframe src=\"https://x.fr/\"></iframe>écrire.\n"
    root = site({"content/pages/a-propos.md": page,
                 "content/articles/b.md": "---\ntitle: B\ndate: 2024-06-19\n---\nTexte.\n"})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/pages/a-propos.md:5: body: warning: removed <iframe> and what it holds: this HTML "
        "element is not allowed in content")
    assert not soup(tmp_path / "out" / "a-propos" / "index.html").find("iframe")


def test_a_long_headline_is_a_warning(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    title = "Un titre " + "très " * 21 + "long"
    root = site({"content/articles/b.md": f"---\ntitle: {title}\ndate: 2024-06-19\n---\nTexte.\n"})
    assert run(root, "check") == 0
    assert capsys.readouterr().err.splitlines() == [
        f"content/articles/b.md:2: title: warning: the headline is {len(title)} characters long; "
        "search engines show about 110"]

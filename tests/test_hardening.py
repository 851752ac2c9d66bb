"""Editors' mistakes give ``path:line: key: message`` and never an internal error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feuillet.cli import main
from feuillet.content import load_article, load_page
from feuillet.errors import Problems
from feuillet.model import SiteConfig
from tests.conftest import run, soup
from tests.test_errors import ARTICLE, GOOD, errors_of

MD = "content/articles/b.md"

CASES = {
    "an impossible date": (
        {ARTICLE: GOOD.replace("2024-06-19", "2024-02-30")},
        [f"{ARTICLE}:2: date: '2024-02-30' is not a date of the calendar (day is out of range for month)"],
    ),
    "an impossible time": (
        {MD: "---\ntitle: B\ndate: 2024-06-19 25:00\n---\nTexte.\n"},
        [f"{MD}:3: date: '2024-06-19 25:00' is not a date of the calendar (hour must be in 0..23)"],
    ),
    "an impossible date in quotes": (
        {MD: "---\ntitle: B\ndate: \"2023-02-29\"\n---\nTexte.\n"},
        [f"{MD}:3: date: '2023-02-29' is not a date of the calendar (day is out of range for month)"],
    ),
    "an unclosed quote is reported where it opens": (
        {MD: "---\ntitle: \"Poutine à Pyongyang\ndate: 2024-06-19\nkicker: Analyse\n---\nTexte.\n"},
        [f"{MD}:2: yaml: YAML syntax error: found unexpected end of stream; "
         "the quote opened on this line is never closed"],
    ),
    "a colon in a title": (
        {MD: "---\ntitle: Corée du Nord : le retour\ndate: 2024-06-19\n---\nTexte.\n"},
        [f"{MD}:2: yaml: YAML syntax error: mapping values are not allowed in this context "
         "(a value containing « : » must be put in quotes, such as title: \"Corée : le retour\")"],
    ),
    "a tab in the indentation": (
        {ARTICLE: "title: T\n\tdate: 2024-06-19\n"},
        [f"{ARTICLE}:2: yaml: YAML syntax error: found a tab character that violates indentation; "
         "indent with spaces, not tabs"],
    ),
    "no space after a colon": (
        {MD: "---\ntitle: B\ndate:2024-06-19\n---\nTexte.\n"},
        [f"{MD}:3: yaml: YAML syntax error: could not find expected ':'; "
         "put a space after the colon, such as date: 2024-06-19"],
    ),
    "empty front matter": (
        {MD: "---\n---\nTexte.\n"},
        [f"{MD}:1: date: required key is missing", f"{MD}:1: title: required key is missing"],
    ),
    "a site url with a quote": (
        {"site.yaml": "title: T\nurl: https://exemple.fr/l'analyse/\n"},
        ["site.yaml:2: url: 'https://exemple.fr/l'analyse/' holds \"'\": percent-encode it "
         "(such as %C3%A9 for é) or remove it"],
    ),
    "a site url without a host": (
        {"site.yaml": "title: T\nurl: https:///analyses/\n"},
        ["site.yaml:2: url: 'https:///analyses/' has no valid host name; "
         "expected an absolute URL such as https://analyses.example.fr/"],
    ),
    "a site url with a query": (
        {"site.yaml": "title: T\nurl: https://exemple.fr/?page=1\n"},
        ["site.yaml:2: url: 'https://exemple.fr/?page=1' has a query or a fragment (? or #); "
         "the site's address cannot hold one"],
    ),
    "a site url that is not http": (
        {"site.yaml": "title: T\nurl: ftp://exemple.fr/\n"},
        ["site.yaml:2: url: expected a URL starting with https:// or /, got 'ftp://exemple.fr/'"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_message(case: str, site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    files, expected = CASES[case]
    assert errors_of(site, files, capsys) == expected


def test_a_number_given_as_title_is_read_as_text(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({ARTICLE: GOOD.replace("title: Un titre", "title: 1984")})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    assert soup(tmp_path / "out" / "a" / "index.html").h1.get_text() == "1984"


@pytest.mark.parametrize("value", ["/a b/", "https://exemple.fr/pr-1/", "/../", '/pr"1/', "//cdn/"])
def test_base_path_must_be_a_path(value: str, site: Callable[..., Path], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD})
    assert run(root, "build", "--output", str(tmp_path / "out"), "--base-path", value) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("feuillet: --base-path expects a path such as /pr-12/")
    assert f"'{value}'" in err
    assert not (tmp_path / "out").exists()


def test_root_with_an_equals_sign(site: Callable[..., Path], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD})
    assert main([f"--root={root}", "build", "--output", str(tmp_path / "out")]) == 0
    assert main([f"--root={root}", "--output", str(tmp_path / "out2")]) == 0
    assert (tmp_path / "out" / "a" / "index.html").is_file()
    assert (tmp_path / "out2" / "a" / "index.html").is_file()


def test_explicit_heading_ids_are_claimed_before_derived_ones(site: Callable[..., Path], tmp_path: Path) -> None:
    body = ("---\ntitle: B\ndate: 2024-06-19\n---\n"
            "## Contexte\n\n### A\n\nUn.\n\n### A\n\nDeux.\n\n### Autre {#a-2}\n\nTrois.\n\n"
            "## Analyse {#contexte}\n\nQuatre.\n")
    root = site({MD: body})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    page = soup(tmp_path / "out" / "b" / "index.html")
    ids = [(h.name, h.get_text(strip=True), h["id"]) for h in page.select("article h2[id], article h3[id]")
           if h["id"] not in ("toc-title", "read-also-title")]
    assert ids == [("h2", "Contexte", "contexte-2"), ("h3", "A", "a"), ("h3", "A", "a-3"),
                   ("h3", "Autre", "a-2"), ("h2", "Analyse", "contexte")]


def _with_template(site: Callable[..., Path], name: str, text: str) -> Path:
    root = site({ARTICLE: GOOD})
    (root / "templates" / name).write_text(text, encoding="utf-8")
    return root


def test_a_template_that_includes_itself(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = _with_template(site, "404.html", '<p>x</p>\n{% include "404.html" %}\n')
    assert run(root, "check") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["templates/404.html:2: template: a template includes itself: 404.html → 404.html",
                   "feuillet: 1 problem; nothing was written"]


def test_a_missing_include_names_the_including_template(site: Callable[..., Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = _with_template(site, "404.html", '<p>x</p>\n\n{% include "partials/manque.html" %}\n')
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "templates/404.html:3: template: template not found: partials/manque.html")


def test_an_unexpected_exception_is_a_short_internal_error(site: Callable[..., Path],
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import feuillet.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.delenv("FEUILLET_DEBUG", raising=False)
    monkeypatch.setattr(feuillet.pipeline, "load_site", broken)
    root = site({ARTICLE: GOOD})
    assert run(root, "check") == 70
    assert capsys.readouterr().err.splitlines() == [
        "feuillet: internal error: ZeroDivisionError: division by zero (set FEUILLET_DEBUG=1 to see where)"]


# --- no input makes a loader raise ------------------------------------------------------------

PIECES = ["---\n", "title: ", "date: ", "2024-02-30", "2024-06-19 25:61", "2024-13-01", "9999-99-99T99:99",
          "1984", "-1", ".inf", "~", "[", "]", "{", "}", "'", '"', ":", ": ", "\t", "  ", "\n", "- ",
          "sections:\n", "  - title: A\n    blocks:\n", "      - ", "!!python/object:os.system ", "&a ", "*a",
          "<<: *a\n", "? ", "## ", "# ", "> ", "— Nom\n", "{#x}", "é", "\x00", "\ufeff", "updated: ",
          "slug: ", "tags: [", "draft: yes\n", "typography: 2\n", "kind: quote\n", "items: ", "<script>",
          "[l](javascript:x)"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.sampled_from(["a.yaml", "a.md"]))
def test_no_article_makes_the_loader_raise(text: str, name: str) -> None:
    problems = Problems()
    article = load_article(text, f"content/articles/{name}", SiteConfig("T", "https://exemple.fr/"), problems)
    assert article is not None or problems.items
    for problem in problems.items + problems.warnings:
        assert problem.path == f"content/articles/{name}" and str(problem)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_no_page_makes_the_loader_raise(text: str) -> None:
    problems = Problems()
    page = load_page(text, "content/pages/p.md", problems)
    assert page is not None or problems.items

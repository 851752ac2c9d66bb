"""Every problem an editor can make is reported as ``path:line: key: message``, all at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run

ARTICLE = "content/articles/a.yaml"
GOOD = (
    "title: Un titre\n"
    "date: 2024-06-19\n"
    "sections:\n"
    "  - title: Première partie\n"
    "    blocks:\n"
    "      - Du texte.\n"
)


def errors_of(site: Callable[..., Path], files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    root = site(files)
    code = run(root, "check")
    captured = capsys.readouterr()
    assert code == 1, captured.out
    lines = captured.err.splitlines()
    assert lines[-1].startswith("feuillet: ")
    assert "Traceback" not in captured.err
    return lines[:-1]


CASES = {
    "yaml syntax error": (
        {ARTICLE: "title: [Un titre\ndate: 2024-06-19\n"},
        [f"{ARTICLE}:1: yaml: YAML syntax error: did not find expected ',' or ']'; the [ opened on "
         "this line is never closed (text starting with [ goes in quotes)"],
    ),
    "missing required key": (
        {ARTICLE: GOOD.replace("date: 2024-06-19\n", "")},
        [f"{ARTICLE}:1: date: required key is missing"],
    ),
    "wrong type for a date": (
        {ARTICLE: GOOD.replace("2024-06-19", "hier")},
        [f"{ARTICLE}:2: date: expected a date such as 2024-06-19 or a date-time such as "
         "2024-06-19 10:00, got 'hier'"],
    ),
    "a date where text is expected": (
        {ARTICLE: GOOD.replace("title: Un titre", "title: 2024-06-19")},
        [f"{ARTICLE}:1: title: expected text, got a date; put it in quotes"],
    ),
    "unknown key with a suggestion": (
        {ARTICLE: GOOD.replace("title: Un titre", "title: Un titre\ntitel: Un titre")},
        [f"{ARTICLE}:2: titel: unknown key; did you mean 'title'?"],
    ),
    "key given twice": (
        {ARTICLE: GOOD + "title: Autre\n"},
        [f"{ARTICLE}:7: title: this key is given twice; keep one"],
    ),
    "unknown block kind": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - video: carte.mp4\n        caption: Carte\n")},
        [f"{ARTICLE}:6: sections[1].blocks[1]: unknown block kind with keys caption, video: "
         "expected Markdown text, a quote (text, author, role), a list (items), an image (image, alt, caption) "
         "or a block with kind: essentiel, encadre, chiffre, note, lire-aussi"],
    ),
    "named unknown block kind": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - kind: video\n        url: /v.mp4\n")},
        [f"{ARTICLE}:6: sections[1].blocks[1]: unknown block kind 'video': "
         "expected Markdown text, a quote (text, author, role), a list (items), an image (image, alt, caption) "
         "or a block with kind: essentiel, encadre, chiffre, note, lire-aussi"],
    ),
    "missing figure image": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - image: carte.png\n        caption: Carte\n")},
        [f"{ARTICLE}:6: image: the image carte.png is not a file of the site: put it in the article's "
         "folder, beside its index.md or index.yaml, or under static/ (written /static/…)"],
    ),
    "unreadable figure image": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - image: /static/img/carte.png\n"),
         "static/img/carte.png": "not a picture"},
        [f"{ARTICLE}:6: image: the image /static/img/carte.png cannot be read: it is in no image "
         "format feuillet reads (JPEG, PNG, WebP, GIF, SVG)"],
    ),
    "figure image address": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - image: ftp://exemple.fr/carte.png\n")},
        [f"{ARTICLE}:6: image: the image ftp://exemple.fr/carte.png is neither a file of the site nor an "
         "https:// address"],
    ),
    "quote without author": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - text: Une citation.\n")},
        [f"{ARTICLE}:6: sections[1].blocks[1].author: required key is missing"],
    ),
    "empty section": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "").replace("blocks:", "blocks: []")},
        [f"{ARTICLE}:5: sections[1].blocks: empty section: add prose, a quote or a list"],
    ),
    "untitled section after the first": (
        {ARTICLE: GOOD + "  - blocks:\n      - Encore du texte.\n"},
        [f"{ARTICLE}:7: sections[2].title: only the first section may have no title"],
    ),
    "level-2 heading inside a block": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - |\n        Du texte.\n\n        ## Sous-partie\n")},
        [f"{ARTICLE}:9: sections[1].blocks[1]: a '## ' heading inside a block: "
         "start a new section with a title instead"],
    ),
    "unsafe slug": (
        {ARTICLE: GOOD + "slug: ../secret\n"},
        [f"{ARTICLE}:7: slug: '../secret' is not a safe URL segment: use lowercase letters a-z, "
         "digits and single hyphens, such as poutine-en-coree-du-nord"],
    ),
    "unsafe file name": (
        {"content/articles/Mon Article.yaml": GOOD},
        ["content/articles/Mon Article.yaml:1: slug: the file name 'Mon Article' is not a safe URL "
         "segment; rename the file (for example mon-article.yaml) or set 'slug'"],
    ),
    "two articles with one slug": (
        {ARTICLE: GOOD, "content/articles/b.md": "---\ntitle: B\ndate: 2024-06-20\nslug: a\n---\nTexte.\n"},
        ["content/articles/b.md:1: slug: the slug 'a' is already used by content/articles/a.yaml"],
    ),
    "markdown article without front matter": (
        {"content/articles/b.md": "Du texte.\n"},
        ["content/articles/b.md:1: front matter: a Markdown article starts with '---', its "
         "metadata, and '---'"],
    ),
    "markdown article with an empty section": (
        {"content/articles/b.md": "---\ntitle: B\ndate: 2024-06-20\n---\nIntro.\n\n## Vide\n\n## Pleine\n\nTexte.\n"},
        ["content/articles/b.md:7: body: empty section 'Vide': add prose, a quote or a list"],
    ),
    "markdown article with an empty level-1 section heading": (
        {"content/articles/b.md": "---\ntitle: B\ndate: 2024-06-20\n---\n# Un\n\nTexte.\n\n#\n\nSuite.\n"},
        ["content/articles/b.md:9: body: a section heading has no text"],
    ),
    "article language that is not a language tag": (
        {"content/articles/b.md": "---\ntitle: B\ndate: 2024-06-20\nlanguage: english\n---\nTexte.\n"},
        ["content/articles/b.md:4: language: 'english' is not a language tag: use a BCP 47 tag such as "
         "fr, en or pt-BR"],
    ),
    "front matter error on its file line": (
        {"content/articles/b.md": "---\ntitle: B\ndate: demain\n---\nTexte.\n"},
        ["content/articles/b.md:3: date: expected a date such as 2024-06-19 or a date-time such as "
         "2024-06-19 10:00, got 'demain'"],
    ),
    "not UTF-8": (
        {},
        [f"{ARTICLE}:2: encoding: the file is not UTF-8 (byte 0xe9); save it as UTF-8"],
    ),
    "site.yaml unknown key": (
        {"site.yaml": "title: T\nurl: https://exemple.fr/\nlangage: fr\n"},
        ["site.yaml:3: langage: unknown key; did you mean 'language'?"],
    ),
    "site.yaml missing url": (
        {"site.yaml": "title: T\n"},
        ["site.yaml:1: url: required key is missing"],
    ),
    "site.yaml unknown time zone": (
        {"site.yaml": "title: T\nurl: https://exemple.fr/\ntimezone: Europe/Lutece\n"},
        ["site.yaml:3: timezone: unknown time zone 'Europe/Lutece'; use a name such as Europe/Paris"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_message(case: str, site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    files, expected = CASES[case]
    if case == "not UTF-8":
        root = site({})
        (root / ARTICLE).parent.mkdir(parents=True, exist_ok=True)
        (root / ARTICLE).write_bytes("title: T\ndate: \xe9t\xe9\n".encode("latin-1"))
        code = run(root, "check")
        err = capsys.readouterr().err.splitlines()
        assert code == 1
        assert err[:-1] == expected
        return
    assert errors_of(site, files, capsys) == expected


def test_all_problems_are_reported_at_once(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "content/articles/a.yaml": GOOD.replace("2024-06-19", "hier"),
        "content/articles/b.yaml": GOOD.replace("title: Un titre", "titel: Un titre"),
    }
    lines = errors_of(site, files, capsys)
    assert lines == [
        "content/articles/a.yaml:2: date: expected a date such as 2024-06-19 or a date-time such as "
        "2024-06-19 10:00, got 'hier'",
        "content/articles/b.yaml:1: titel: unknown key; did you mean 'title'?",
        "content/articles/b.yaml:1: title: required key is missing",
    ]
    assert capsys.readouterr().err == ""


def test_summary_line_counts_problems(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD.replace("2024-06-19", "hier")})
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines()[-1] == "feuillet: 1 problem; nothing was written"


def test_template_typo_names_the_template_and_line(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD})
    template = root / "templates" / "page.html"
    template.write_text("{% extends \"base.html\" %}\n{% block content %}\n{{ page.titel }}\n{% endblock %}\n")
    root.joinpath("content/pages").mkdir(parents=True)
    root.joinpath("content/pages/info.md").write_text("---\ntitle: Info\n---\nTexte.\n")
    assert run(root, "check") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "templates/page.html:3: template: 'feuillet.views.PageView object' has no attribute 'titel'"


def test_template_syntax_error_names_the_template_and_line(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({ARTICLE: GOOD})
    (root / "templates" / "404.html").write_text("<p>\n{% if %}\n")
    assert run(root, "check") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "templates/404.html:2: template: syntax error: Expected an expression, got 'end of statement block'"


MORE_CASES = {
    "a YAML tag that would run code": (
        {ARTICLE: "title: !!python/object:os.system x\ndate: 2024-06-19\n"},
        [f"{ARTICLE}:1: yaml: YAML tag not allowed: could not determine a constructor for the tag "
         "'tag:yaml.org,2002:python/object:os.system'"],
    ),
    "a control character": (
        {ARTICLE: "title: Un\x00titre\ndate: 2024-06-19\n"},
        [f"{ARTICLE}:1: yaml: character #x0000 is not allowed in YAML"],
    ),
    "an empty file": (
        {ARTICLE: ""},
        [f"{ARTICLE}:1: document: expected a mapping of keys, got nothing"],
    ),
    "a list instead of a mapping": (
        {ARTICLE: "- title\n- date\n"},
        [f"{ARTICLE}:1: document: expected a mapping of keys, got a list"],
    ),
    "a list item that is not text": (
        {ARTICLE: GOOD.replace("      - Du texte.\n", "      - items: [un, {a: b}]\n")},
        [f"{ARTICLE}:6: sections[1].blocks[1].items: expected a list of texts, but item 2 is a mapping"],
    ),
    "a year out of range": (
        {ARTICLE: GOOD.replace("2024-06-19", "9999-12-31")},
        [f"{ARTICLE}:2: date: the year 9999 is out of range (1000 to 9000)"],
    ),
    "sections that are not a list": (
        {ARTICLE: "title: T\ndate: 2024-06-19\nsections: du texte\n"},
        [f"{ARTICLE}:3: sections: expected a list of sections, each with a title and blocks"],
    ),
    "a Markdown article with no body": (
        {"content/articles/b.md": "---\ntitle: B\ndate: 2024-06-20\n---\n"},
        ["content/articles/b.md:1: body: the article has no text"],
    ),
}


@pytest.mark.parametrize("case", sorted(MORE_CASES))
def test_malformed_input_message(case: str, site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    files, expected = MORE_CASES[case]
    assert errors_of(site, files, capsys) == expected

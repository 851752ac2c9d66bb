"""French typography through the Markdown render (issue 10): each rule of tests/test_typography.py
seen in the HTML a reader gets, and the places the pass must leave alone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from feuillet.markup import Renderer
from feuillet.proofread import typography_warnings
from feuillet.sanitise import audit
from tests.conftest import run, soup

NB, NNB = "\u00a0", "\u202f"


def html(markdown: str, typography: bool = True) -> str:
    return Renderer(typography).block(markdown)


def text(markdown: str) -> str:
    """The text a reader sees of the rendered paragraph."""
    return BeautifulSoup(html(markdown), "html.parser").get_text()


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Quoi&nbsp;?", f"Quoi{NB}?"),
        ("Oui&#8239;; non", f"Oui{NNB}; non"),
        ("Il a dit&nbsp;: non", f"Il a dit{NB}: non"),
        ("Il a dit &nbsp;: non", f"Il a dit{NB}: non"),
        ("«&nbsp;mot&nbsp;»", f"«{NB}mot{NB}»"),
        ("«&#160;mot&#x202F;»", f"«{NB}mot{NNB}»"),
        ("Oui&#8239;!", f"Oui{NNB}!"),
    ],
)
def test_typed_references_are_not_doubled(markdown: str, expected: str) -> None:
    assert text(markdown) == expected


def test_a_reference_is_not_typeset_itself() -> None:
    assert text("l&#39;État dit &quot;non&quot;") == "l'État dit \"non\""


def test_an_email_autolink_comes_out_unchanged() -> None:
    out = BeautifulSoup(html("Écrire à <foo@example.org> !"), "html.parser")
    assert out.a is not None
    assert out.a["href"] == "mailto:foo@example.org"
    assert out.a.get_text() == "foo@example.org"
    assert out.get_text() == f"Écrire à foo@example.org{NNB}!"


def test_an_email_autolink_with_accents_comes_out_unchanged() -> None:
    out = BeautifulSoup(html("Écrire à <rédaction@exemple.fr> ; merci."), "html.parser")
    assert out.get_text() == f"Écrire à rédaction@exemple.fr{NNB}; merci."


def test_autolinks_are_not_reported_as_html() -> None:
    assert audit("Écrire à <foo@example.org> ou lire <https://example.org/a?b>.") == []


@pytest.mark.parametrize("tag", ["code", "kbd", "samp", "var"])
def test_raw_inline_code_elements_are_untouched(tag: str) -> None:
    assert html(f'Tapez <{tag}>a: "b"; c!</{tag}> ici!') == f'<p>Tapez <{tag}>a: "b"; c!</{tag}> ici{NNB}!</p>'


def test_raw_pre_is_untouched() -> None:
    assert html('<pre>a : "b" ; c!</pre>') == '<pre>a : "b" ; c!</pre>'


def test_a_void_element_in_a_foreign_passage_ends_nothing() -> None:
    out = html('<span lang="en">Hello:<br>world!</span> puis fin!')
    assert out == f'<p><span lang="en">Hello:<br>world!</span> puis fin{NNB}!</p>'


def test_a_foreign_language_is_inherited_by_nested_elements() -> None:
    out = html('<span lang="en">"Really?" <em>she said!</em></span> Vraiment?')
    assert out == f'<p><span lang="en">"Really?" <em>she said!</em></span> Vraiment{NNB}?</p>'


def test_a_foreign_block_is_inherited_by_nested_markdown() -> None:
    assert html('"Really?" *she said!*\n{: lang=en }') == '<p lang="en">"Really?" <em>she said!</em></p>'


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Quoi   ?", f"Quoi{NNB}?"),
        ("Quoi\u00a0?", f"Quoi{NNB}?"),
        ("dit \u00a0: non", f"dit{NB}: non"),
        ("«  mot  »", f"«{NB}mot{NB}»"),
        ("2'33\" et 5'", "2′33″ et 5′"),
        ("le mot 'cohérence', l'État", "le mot ‘cohérence’, l’État"),
        ("écran 1920x1080, 0x1F", "écran 1920×1080, 0x1F"),
        ("101kPa, 5µm, 3px, 50Ω, 512Ko", f"101{NB}kPa, 5{NB}µm, 3{NB}px, 50{NB}Ω, 512{NB}Ko"),
        ("mot , mot . ( entre ) [ crochet ]", "mot, mot. (entre) [crochet]"),
        ("Quatre.... Trois...", "Quatre… Trois…"),
    ],
)
def test_rules_apply_to_rendered_text(markdown: str, expected: str) -> None:
    assert text(markdown) == expected


def test_stray_spaces_go_across_inline_elements() -> None:
    assert html("le *mot* , puis ( **gras** )") == "<p>le <em>mot</em>, puis (<strong>gras</strong>)</p>"


def test_code_spans_keep_their_spaces() -> None:
    assert html("Voir ( `a , b` ) ici") == "<p>Voir (<code>a , b</code>) ici</p>"


def test_rendering_typeset_text_changes_nothing() -> None:
    correct = (f"Il a dit{NB}: «{NB}Vraiment{NNB}?{NB}», 2′33″, 1920×1080{NB}px, 101{NB}kPa, "
               f"le mot ‘juste’ (entre) et l’État…")
    assert text(correct) == correct


ENGLISH_ARTICLE = (
    "---\ntitle: Harbour\ndate: 2024-06-19\nlanguage: en\n---\n"
    "It changed: 'really'? Yes... 4x3 ( see ) &nbsp;!\n"
)


def test_an_article_in_english_is_not_typeset(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.md": ENGLISH_ARTICLE})
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    paragraph = soup(out / "a" / "index.html").find("article").find("p", string=lambda s: s and "changed" in s)
    assert paragraph is not None
    assert paragraph.get_text() == f"It changed: 'really'? Yes... 4x3 ( see ) {NB}!"


@pytest.mark.parametrize(
    "line",
    [
        "Quoi&nbsp;? Oui&#8239;; non&nbsp;: fin",
        "«&nbsp;mot&nbsp;»",
        "Écrire à <foo@example.org>.",
        'Tapez <kbd>a:b</kbd>, <code>x;y</code> et <var>n?</var>.',
        '<span lang="en">Hello: <em>world</em>!</span> puis fin\u202f!',
        "Record en 2′33″ sur 1920×1080\u00a0px.",
    ],
)
def test_proofread_is_silent_on_correct_text(line: str) -> None:
    source = f"---\ntitle: A\ndate: 2024-06-19\n---\n{line}\n"
    assert typography_warnings(source, "content/articles/a.md") == []


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("Quoi   ?", "Quoi⍽?"),
        ("mot , mot", "mot, mot"),
        ("Tapez <kbd>a:b</kbd> ici!", "Tapez <kbd>a:b</kbd> ici⍽!"),
    ],
)
def test_proofread_warns_where_the_build_changes_the_text(line: str, shown: str) -> None:
    source = f"---\ntitle: A\ndate: 2024-06-19\n---\n{line}\n"
    warnings = typography_warnings(source, "content/articles/a.md")
    assert [(w.line, w.key) for w in warnings] == [(5, "body")]
    assert shown in str(warnings[0].message)

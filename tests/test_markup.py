"""Markdown rendering: typography on text nodes only, stable unique anchors, inline mode."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feuillet.markup import Anchors, Renderer

NB, NNB = "\u00a0", "\u202f"


def html(markdown: str, typography: bool = True) -> str:
    return Renderer(typography).block(markdown)


def test_paragraph_text_is_typeset() -> None:
    assert html('Il a dit "oui" : vraiment?') == f"<p>Il a dit «{NB}oui{NB}»{NB}: vraiment{NNB}?</p>"


def test_quotes_pair_across_inline_elements() -> None:
    assert html('"*mot*"') == f"<p>«{NB}<em>mot</em>{NB}»</p>"


def test_code_spans_and_blocks_are_untouched() -> None:
    assert html('Voir `a : b "c"` ici.') == '<p>Voir <code>a : b "c"</code> ici.</p>'
    # The sanitiser's serialiser (html5ever) writes quotes in text as they are: the same HTML.
    assert html('```\nx = "a" ; y\n```') == '<pre><code>x = "a" ; y</code></pre>'


def test_attributes_and_urls_are_untouched() -> None:
    out = html('Lire [ce "texte"](https://exemple.fr/a?b=c:d "Titre : x") !')
    link = BeautifulSoup(out, "html.parser").a
    assert link is not None
    assert link["href"] == "https://exemple.fr/a?b=c:d"
    assert link["title"] == "Titre : x"
    assert link.get_text() == f"ce «{NB}texte{NB}»"
    assert out.endswith(f"</a>{NNB}!</p>")


def test_bare_url_in_text_is_a_link_and_untouched() -> None:
    assert html("Voir https://exemple.fr/a:b?x=1 pour plus.") == (
        '<p>Voir <a href="https://exemple.fr/a:b?x=1">https://exemple.fr/a:b?x=1</a> pour plus.</p>')


def test_passages_in_another_language_are_untouched() -> None:
    assert html('Il dit <span lang="en">"Really?"</span> ici.') == '<p>Il dit <span lang="en">"Really?"</span> ici.</p>'
    assert html('"Really?" she said.\n{: lang=en }') == '<p lang="en">"Really?" she said.</p>'


def test_ordinal_suffixes_go_in_sup() -> None:
    assert html("Au XXIe siècle, le 1er acte.") == "<p>Au XXI<sup>e</sup> siècle, le 1<sup>er</sup> acte.</p>"


def test_typography_can_be_switched_off() -> None:
    assert html('Il a dit "oui" : vraiment?', typography=False) == '<p>Il a dit "oui" : vraiment?</p>'


def test_subheads_get_unique_stable_ids() -> None:
    anchors = Anchors({"contexte"})
    renderer = Renderer(True, anchors)
    first = renderer.block("### Contexte\n\n### L’État & nous\n\n### L’État & nous")
    second = renderer.block("### Sujet {#mon-ancre}")
    ids = [h["id"] for h in BeautifulSoup(first + second, "html.parser").find_all("h3")]
    assert ids == ["contexte-2", "l-etat-et-nous", "l-etat-et-nous-2", "mon-ancre"]


def test_inline_mode_has_no_paragraph_wrapper() -> None:
    assert Renderer(True).inline("Un *chapô* : court.") == f"Un <em>chapô</em>{NB}: court."


def test_rendering_is_idempotent_on_typeset_text() -> None:
    once = html('Un "essai" : 10000 km, le 1er mai ; bien?')
    text = BeautifulSoup(once, "html.parser").get_text()
    assert BeautifulSoup(html(text), "html.parser").get_text() == text

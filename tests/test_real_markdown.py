"""The Markdown real articles use (issue 10): footnotes, lists as editors type them, bare URLs,
definition lists, tables, fenced code with its tabs, and quotes with their attribution paragraph.

The articles are in tests/fixtures/real/ (written for these tests); each rule is asserted on the
built HTML, parsed, with its exact text.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup, Tag

from feuillet.body import split_blocks
from feuillet.markup import Renderer
from feuillet.model import Prose, Quote
from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import REPO, make_site, soup
from tests.test_incremental import without_index

NB, NNB = "\u00a0", "\u202f"
FIXTURES = Path(__file__).parent / "fixtures" / "real"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_site(tmp_path_factory.mktemp("real") / "site", {})
    (root / "content" / "articles").mkdir(parents=True)
    for article in FIXTURES.glob("*.md"):
        shutil.copy(article, root / "content" / "articles" / article.name)
    out = root.parent / "out"
    build(Project(root), out, BuildOptions(jobs=1, cache=False))
    return out


def page(built: Path, slug: str) -> BeautifulSoup:
    return soup(built / slug / "index.html")


def body(built: Path, slug: str) -> Tag:
    found = page(built, slug).select_one(".article-body")
    assert found is not None
    return found


def text(element: Tag | None) -> str:
    assert element is not None
    return element.get_text()


def html(markdown: str) -> str:
    return Renderer(True).block(markdown)


# --- Footnotes -------------------------------------------------------------------------------


def test_note_references_are_numbered_per_article_in_reading_order(built: Path) -> None:
    refs = body(built, "notes-de-bas-de-page").select("sup > a.footnote-ref")
    assert [ref.get_text() for ref in refs] == ["1", "2", "3", "1"]
    assert [ref["href"] for ref in refs] == ["#fn-1", "#fn-2", "#fn-3", "#fn-1"]
    assert [ref.parent["id"] for ref in refs] == ["fnref-1", "fnref-2", "fnref-3", "fnref2-1"]


def test_notes_are_rendered_once_after_the_last_section(built: Path) -> None:
    article = body(built, "notes-de-bas-de-page")
    notes = article.select("section.notes")
    assert len(notes) == 1
    assert notes[0].find_previous_sibling("section")["class"] == ["article-section"]
    assert text(notes[0].h2) == "Notes"
    items = notes[0].select("ol > li")
    assert [item["id"] for item in items] == ["fn-1", "fn-2", "fn-3"]
    assert [item.get_text() for item in items] == [
        "Loi du 14 avril 2023, article 10. ↩\ufe0e ↩\ufe0e",
        f"Calendrier accéléré\n(réforme «{NB}Touraine{NB}»). ↩\ufe0e",
        f"Rapport annuel{NB}: voir https://caisses.exemple.org/rapport-2023. ↩\ufe0e",
    ]
    assert items[2].a["href"] == "https://caisses.exemple.org/rapport-2023"


def test_note_back_links_lead_to_each_reference_with_a_french_label(built: Path) -> None:
    backs = body(built, "notes-de-bas-de-page").select("section.notes a.note-back")
    assert [(a["href"], a["aria-label"]) for a in backs] == [
        ("#fnref-1", "Revenir au texte, note 1, renvoi 1"),
        ("#fnref2-1", "Revenir au texte, note 1, renvoi 2"),
        ("#fnref-2", "Revenir au texte, note 2"),
        ("#fnref-3", "Revenir au texte, note 3"),
    ]


def test_a_reference_is_described_by_the_notes_heading(built: Path) -> None:
    document = page(built, "notes-de-bas-de-page")
    refs = document.select("a.footnote-ref")
    assert {ref["aria-describedby"] for ref in refs} == {"notes-title"}
    assert text(document.find(id="notes-title")) == "Notes"


def test_definitions_do_not_show_in_the_text_and_get_no_space_before_their_colon(built: Path) -> None:
    words = text(body(built, "notes-de-bas-de-page"))
    assert "[^" not in words
    assert f"]{NB}:" not in words and f"]{NNB}:" not in words


def test_a_section_holding_only_definitions_is_not_shown(built: Path) -> None:
    document = page(built, "notes-de-bas-de-page")
    assert [h2.get_text() for h2 in document.select(".article-section h2")] == ["Ce que disent les caisses"]
    assert [a.get_text() for a in document.select(".toc-list a")] == ["Ce que disent les caisses"]


def test_every_id_of_a_page_with_notes_is_unique(built: Path) -> None:
    ids = Counter(element["id"] for element in page(built, "notes-de-bas-de-page").select("[id]"))
    assert [name for name, count in ids.items() if count > 1] == []


def test_a_heading_never_takes_a_note_id() -> None:
    renderer = Renderer(True)
    renderer.anchors.reset()
    from feuillet.markup import reserved_note_ids
    renderer.anchors.reserved |= reserved_note_ids(renderer.start_notes(["a[^x]\n\n[^x]: b"]))
    out = renderer.block("### Fn 1\n\n### Notes title\n\na[^x]\n\n[^x]: b")
    ids = [h["id"] for h in BeautifulSoup(out, "html.parser").find_all("h3")]
    assert ids == ["fn-1-2", "notes-title-2"]


def test_the_feed_entry_ends_with_the_notes(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith("/notes-de-bas-de-page/"))
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    items = content.select("div.footnotes > ol > li")
    assert [item["id"] for item in items] == ["fn-1", "fn-2", "fn-3"]
    assert items[0].get_text() == "Loi du 14 avril 2023, article 10. ↩\ufe0e ↩\ufe0e"
    assert content.find_all("div")[-1] is items[0].parent.parent


# --- Lists -----------------------------------------------------------------------------------


def test_a_list_right_after_a_paragraph_line_is_a_list(built: Path) -> None:
    article = body(built, "listes-sans-ligne-vide")
    assert text(article.select_one(".prose p")) == f"Le ministre a fixé trois priorités{NB}:"
    items = article.select("ul.item-list > li")
    assert [item.get_text() for item in items] == [
        f"le recrutement des enseignants{NNB};", f"la revalorisation des salaires{NNB};",
        "la réforme du collège."]


def test_a_wrapped_line_starting_with_a_number_stays_in_its_paragraph(built: Path) -> None:
    paragraphs = [p.get_text() for p in body(built, "listes-sans-ligne-vide").select(".prose p")]
    assert "Le calendrier, lui, reste flou. En\n2025. les syndicats seront reçus." in paragraphs


def test_a_list_indented_by_two_spaces_is_nested(built: Path) -> None:
    outer = body(built, "listes-sans-ligne-vide").select_one(".prose ol")
    assert outer is not None
    items = outer.find_all("li", recursive=False)
    assert len(items) == 3
    nested = items[1].find("ul")
    assert nested is not None
    assert [li.get_text() for li in nested.find_all("li")] == [
        "examiné au printemps,", f"voté avant l’été{NNB};"]
    assert items[1].contents[0] == f"un projet de loi{NB}:"


def test_a_list_after_a_paragraph_line_in_prose_is_a_list() -> None:
    assert html("Voici :\n- un\n- deux") == f"<p>Voici{NB}:</p>\n<ul>\n<li>un</li>\n<li>deux</li>\n</ul>"


def test_four_space_nesting_still_nests() -> None:
    out = BeautifulSoup(html("- a\n    - b\n- c"), "html.parser")
    assert [li.get_text() for li in out.select("ul > li > ul > li")] == ["b"]


def test_a_numbered_line_other_than_one_does_not_start_a_list_inside_a_paragraph() -> None:
    assert html("En\n2024. Puis") == "<p>En\n2024. Puis</p>"


def test_item_lines_in_code_are_untouched() -> None:
    assert html("Texte\n\n    code\n    - pas une liste") == (
        "<p>Texte</p>\n<pre><code>code\n- pas une liste</code></pre>")
    assert html("Texte\n```\n- a\n  - b\n```") == "<p>Texte</p>\n<pre><code>- a\n  - b</code></pre>"


# --- Bare URLs, definition lists, tables, code -----------------------------------------------


def test_bare_addresses_become_links_but_not_in_code(built: Path) -> None:
    prose = body(built, "code-avec-tabulations").select(".prose p")
    links = prose[0].find_all("a")
    assert [(a["href"], a.get_text()) for a in links] == [("http://www.exemple.org", "www.exemple.org")]
    assert prose[1].find("a") is None
    assert text(prose[1].code) == "https://exemple.fr/pas-un-lien"


def test_definition_lists(built: Path) -> None:
    terms = body(built, "tableau-et-definitions").select("dl > dt, dl > dd")
    assert [(t.name, t.get_text()) for t in terms] == [
        ("dt", "PLF"), ("dd", "Projet de loi de finances."),
        ("dt", "Crédits de paiement"), ("dd", "Ce qui peut être dépensé dans l’année."),
    ]


def test_a_table_scrolls_in_a_focusable_named_region(built: Path) -> None:
    document = page(built, "tableau-et-definitions")
    wrapper = document.select_one(".prose div.table-scroll")
    assert wrapper is not None
    assert (wrapper["role"], wrapper["tabindex"], wrapper["aria-labelledby"]) == ("region", "0", "table-label")
    assert text(document.find(id="table-label")) == "Tableau"
    table = wrapper.table
    assert [th.get_text() for th in table.select("thead th")] == ["Mission", "2023", "2024"]
    assert [[td.get_text() for td in tr.find_all("td")] for tr in table.select("tbody tr")] == [
        ["Éducation", "80,1", "82,3"], ["Défense", "43,9", "47,2"]]
    assert [th.get("class") for th in table.select("thead th")] == [["align-left"], ["align-right"], ["align-right"]]
    assert table.select("[align]") == []  # obsolete in HTML5 (Nu Html Checker warning)


def test_tables_are_ruled_and_never_widen_the_page() -> None:
    css = (REPO / "static/css/site.css").read_text(encoding="utf-8")
    assert ".table-scroll { max-width: 100%; overflow-x: auto;" in css
    assert ".prose th, .prose td { padding: 0.45em 0.75em; border-bottom: 1px solid var(--rule);" in css


def test_fenced_code_keeps_every_byte_tabs_included(built: Path) -> None:
    code = body(built, "code-avec-tabulations").select_one("pre > code")
    assert code is not None and code["class"] == ["language-python"]
    assert code.get_text() == "def compte(texte):\n\treturn len(texte.split())  \n\n\n# fin"


# --- Quotes ----------------------------------------------------------------------------------


def quotes(built: Path) -> list[Tag]:
    return body(built, "citation-attribuee").select("figure.quote")


def test_a_blockquote_then_an_attribution_paragraph_is_an_attributed_quote(built: Path) -> None:
    first = quotes(built)[0]
    assert text(first.blockquote) == f"«{NB}Nous ne céderons pas.{NB}»"
    assert text(first.select_one(".quote-author")) == "Marie Durand"
    assert text(first.select_one(".quote-role")) == "secrétaire générale"
    assert text(first.figcaption) == f"–{NB}Marie Durand, secrétaire générale"


def test_an_attribution_line_right_after_the_quote_counts_too(built: Path) -> None:
    second = quotes(built)[1]
    assert text(second.blockquote) == f"«{NB}Il faut du temps.{NB}»"
    assert text(second.figcaption) == f"–{NB}Paul Martin"


def test_guillemets_are_added_around_all_the_quoted_paragraphs(built: Path) -> None:
    third = quotes(built)[2]
    assert [p.get_text() for p in third.blockquote.find_all("p")] == [
        f"«{NB}Sans guillemets, le texte en reçoit.", f"Même sur deux paragraphes.{NB}»"]
    assert text(third.figcaption) == f"–{NB}Anne Roy, économiste"


def test_typed_guillemets_are_not_doubled(built: Path) -> None:
    assert text(quotes(built)[0].blockquote).count("«") == 1
    assert Renderer(True).quote('"Oui"', ("«\u00a0", "\u00a0»")) == f"<p>«{NB}Oui{NB}»</p>"


def test_the_attribution_paragraph_does_not_remain_as_text(built: Path) -> None:
    prose = [p.get_text() for p in body(built, "citation-attribuee").select(".prose p")]
    assert prose == ["Le débat a été vif.", f"Puis une autre voix{NB}:"]


def test_a_blockquote_followed_by_another_paragraph_is_a_plain_blockquote() -> None:
    blocks = split_blocks("> Une phrase.\n\nUn paragraphe.", 1)
    assert blocks == [Prose("> Une phrase.\n\nUn paragraphe.")]
    assert split_blocks("> Une phrase.\n\n— Nom\n\nSuite.", 1) == [
        Quote("Une phrase.", "Nom"), Prose("Suite.")]


def test_english_quotes_get_english_marks() -> None:
    assert Renderer(False).quote("Yes.", ("“", "”")) == "<p>“Yes.”</p>"


def test_the_stylesheet_adds_no_quotation_marks() -> None:
    css = (REPO / "static/css/site.css").read_text(encoding="utf-8")
    assert "open-quote" not in css and "close-quote" not in css and "quotes:" not in css


def test_the_feed_has_the_quotation_marks_once(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith("/citation-attribuee/"))
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    first = content.find("blockquote")
    assert first is not None
    assert [p.get_text() for p in first.find_all("p")] == [
        f"«{NB}Nous ne céderons pas.{NB}»", "— Marie Durand, secrétaire générale"]


# --- Incremental builds ----------------------------------------------------------------------


def test_editing_a_note_in_a_later_section_rebuilds_the_page_like_a_clean_build(tmp_path: Path) -> None:
    from tests.test_incremental import clean_build, files

    source = "---\ntitle: Notes\ndate: 2024-01-02\n---\n\nTexte[^a].\n\n## Suite\n\n[^a]: Première version.\n"
    root = make_site(tmp_path / "site", {"content/articles/notes.md": source})
    out = tmp_path / "out"
    build(Project(root), out)
    (root / "content/articles/notes.md").write_text(source.replace("Première", "Seconde"), encoding="utf-8")
    old = files(out)
    build(Project(root), out)
    new = files(out)
    assert without_index({path for path in new if new[path] != old.get(path)}) == {"notes/index.html", "feed.xml"}
    note = soup(out / "notes/index.html").find(id="fn-1")
    assert note is not None and note.get_text().startswith("Seconde version.")
    assert new == clean_build(root, tmp_path / "clean")

"""Articles written as real newsrooms write them (tests/fixtures/real/): ``#`` sections, setext
headings, inline Markdown in titles, other languages, short articles. Each rule is checked on the
built page's parsed HTML and its exact text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from markupsafe import Markup

from feuillet.body import split_sections
from feuillet.fields import language_tag
from feuillet.markup import Renderer
from feuillet.model import Prose
from feuillet.pipeline import Project, build
from feuillet.proofread import typography_warnings
from feuillet.slugs import slugify
from feuillet.views import DROP_CAP_MIN, ProseView, SectionView, _drop_cap
from tests.conftest import make_site, run, soup
from tests.test_incremental import clean_build, files

FIXTURES = Path(__file__).parent / "fixtures" / "real"
NB, NNB = "\u00a0", "\u202f"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture articles, built once into one site."""
    root = tmp_path_factory.mktemp("real") / "site"
    files = {f"content/articles/{path.name}": path.read_text(encoding="utf-8")
             for path in sorted(FIXTURES.glob("*.md"))}
    make_site(root, files)
    output = root.parent / "_site"
    assert run(root, "build", "--output", str(output), "--quiet") == 0
    return output


def page(built: Path, slug: str) -> BeautifulSoup:
    return soup(built / slug / "index.html")


def body(document: BeautifulSoup) -> Tag:
    found = document.select_one(".article-body")
    assert found is not None
    return found


def headings(document: BeautifulSoup, level: str = "h2") -> list[tuple[str, str]]:
    """(id, text) of the body's headings of one level."""
    return [(str(h.get("id")), h.get_text()) for h in body(document).find_all(level)]


def toc(document: BeautifulSoup) -> list[tuple[str, str]]:
    return [(str(a["href"]), a.get_text()) for a in document.select(".toc-list a")]


# --- Headings ---------------------------------------------------------------------------


def test_hash_headings_open_sections_and_the_repeated_title_is_dropped(built: Path) -> None:
    document = page(built, "port-de-brest")
    assert headings(document) == [("un-trafic-en-hausse", "Un trafic en hausse"),
                                  ("une-ville-qui-change", "Une ville qui change")]
    assert [h.get_text() for h in document.find_all("h1")] == ["Le port de Brest change de cap"]
    assert toc(document) == [("#un-trafic-en-hausse", "Un trafic en hausse"),
                             ("#une-ville-qui-change", "Une ville qui change")]


def test_hash_headings_deeper_levels_are_subheads_one_level_down(built: Path) -> None:
    document = page(built, "port-de-brest")
    heading = body(document).find(id="un-trafic-en-hausse")
    assert heading is not None
    section = heading.find_parent("section")
    assert [(h.name, h.get("id"), h.get_text()) for h in section.find_all(["h3", "h4"])] == [
        ("h3", "les-conteneurs", "Les conteneurs"), ("h4", "le-vrac", "Le vrac")]


def test_text_before_the_first_hash_section_is_the_opening(built: Path) -> None:
    opening = body(page(built, "port-de-brest")).find("p")
    assert opening is not None
    assert opening.get_text() == ("Le port se transforme depuis trois ans, et les habitants le voient "
                                  "chaque matin depuis les quais.")


def test_setext_headings_open_sections_and_subheads(built: Path) -> None:
    document = page(built, "marees")
    assert headings(document) == [("le-contexte", "Le contexte"), ("les-precautions", "Les précautions")]
    assert headings(document, "h3") == [("ce-qu-il-faut-savoir", "Ce qu’il faut savoir")]
    assert not body(document).find("hr")


def test_a_setext_heading_in_a_hash_hash_article_opens_a_section(built: Path) -> None:
    assert headings(page(built, "titres-riches"))[-1] == ("un-titre-souligne", "Un titre souligné")


def test_title_markdown_is_rendered_in_the_heading(built: Path) -> None:
    rendered = [h.decode_contents() for h in body(page(built, "titres-riches")).find_all("h2")]
    assert rendered[:3] == [
        "Le rôle de <em>l’Ademe</em>",
        "Le paquet <code>pip</code> et ses options",
        'Lire <a href="https://exemple.fr/rapport">le rapport</a>',
    ]
    assert rendered[4] == 'L’avis de l’<abbr title="Union européenne">UE</abbr>'


def test_the_sommaire_shows_titles_as_plain_text_without_links(built: Path) -> None:
    document = page(built, "titres-riches")
    entries = document.select(".toc-list li")
    assert [li.get_text() for li in entries[:3]] == [
        "Le rôle de l’Ademe", "Le paquet pip et ses options", "Lire le rapport"]
    assert all(len(li.find_all(True)) == 1 for li in entries)  # the entry's own link, nothing inside


def test_anchors_come_from_the_plain_text_with_entities_decoded(built: Path) -> None:
    ids = [anchor for anchor, _ in headings(page(built, "titres-riches"))]
    assert ids == ["le-role-de-l-ademe", "le-paquet-pip-et-ses-options", "lire-le-rapport",
                   "les-prix-la-hausse", "l-avis-de-l-ue", "mon-ancre", "un-titre-souligne"]


def test_an_entity_in_a_title_is_its_character(built: Path) -> None:
    document = page(built, "titres-riches")
    heading = body(document).find_all("h2")[3].get_text()
    assert "nbsp" not in heading and heading.startswith(f"Les prix{NB}")
    assert toc(document)[3][1].startswith(f"Les prix{NB}")


def test_an_explicit_id_is_kept(built: Path) -> None:
    assert headings(page(built, "titres-riches"))[5] == ("mon-ancre", "Une ancre choisie")


def test_the_permalink_label_is_plain_text(built: Path) -> None:
    label = body(page(built, "titres-riches")).select(".permalink .visually-hidden")[0]
    assert label.get_text() == "Lien vers la section : Le rôle de l’Ademe".replace(" :", f"{NB}:")


def test_the_feed_carries_rendered_section_titles(built: Path) -> None:
    feed = BeautifulSoup((built / "feed.xml").read_text(encoding="utf-8"), "xml")
    entry = next(e for e in feed.find_all("entry") if e.find("title").get_text() ==
                 "Des intertitres qui ont du style")
    content = BeautifulSoup(entry.find("content").get_text(), "html.parser")
    assert content.find("h2").decode_contents() == "Le rôle de <em>l’Ademe</em>"


def test_a_leading_heading_that_is_not_the_title_opens_a_section() -> None:
    sections, issues = split_sections("# Autre chose\n\nTexte.\n\n# Suite\n\nFin.", 5, "Le titre")
    assert issues == []
    assert [(s.title, s.line) for s in sections] == [("Autre chose", 5), ("Suite", 9)]


@pytest.mark.parametrize("title", ["Le *port* de Brest", "le port de brest.", "Le port de  Brest"])
def test_the_repeated_title_is_recognised_through_marks_case_and_spaces(title: str) -> None:
    sections, _ = split_sections(f"# {title}\n\nTexte.\n\n## Suite\n\nFin.", 1, "Le port de Brest")
    assert [s.title for s in sections] == [None, "Suite"]
    assert sections[0].blocks == (Prose("Texte."),)


def test_the_repeated_title_is_dropped_only_when_it_leads() -> None:
    sections, _ = split_sections("Texte.\n\n# Le titre\n\nFin.", 1, "Le titre")
    assert [s.title for s in sections] == [None, "Le titre"]


def test_hash_headings_in_fenced_code_are_not_sections() -> None:
    sections, _ = split_sections("```sh\n# un commentaire\n```\n\n## Vraie\n\nFin.", 1, "T")
    assert [s.title for s in sections] == [None, "Vraie"]
    assert sections[0].blocks == (Prose("```sh\n# un commentaire\n```"),)


def test_a_rule_under_a_blank_line_is_not_a_heading() -> None:
    sections, _ = split_sections("Texte.\n\n---\n\nSuite.", 1, "T")
    assert [s.title for s in sections] == [None]


def test_hash_hash_bodies_are_left_as_written() -> None:
    text = "## Un\n\nTexte.\n\n### Sous {#sous}\n\n#### Plus bas\n\nFin."
    sections, _ = split_sections(text, 1, "T")
    assert sections[0].blocks == (Prose("Texte.\n\n### Sous {#sous}\n\n#### Plus bas\n\nFin."),)


def test_a_hash_body_subhead_keeps_its_explicit_id() -> None:
    sections, _ = split_sections("# Un\n\n## Sous {#sous}\n\nFin.", 1, "T")
    assert sections[0].blocks == (Prose("### Sous {#sous}\n\nFin."),)



def test_yaml_section_titles_are_inline_markdown_too(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.yaml": (
        "title: A\ndate: 2024-06-19\nsections:\n"
        "  - title: Le rôle de *l’Ademe*\n    blocks: [Texte.]\n"
        "  - title: Voir [la suite](/absente/)\n    blocks: [Texte.]\n")})
    output = tmp_path / "out"
    assert run(root, "build", "--output", str(output), "--quiet") == 0
    document = soup(output / "a" / "index.html")
    assert [h.decode_contents() for h in body(document).find_all("h2")] == [
        "Le rôle de <em>l’Ademe</em>", 'Voir <a href="/absente/">la suite</a>']
    assert toc(document) == [("#le-role-de-l-ademe", "Le rôle de l’Ademe"), ("#voir-la-suite", "Voir la suite")]


def test_a_link_in_a_section_title_is_checked(site: Callable[..., Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": "---\ntitle: A\ndate: 2024-06-19\n---\nIntro.\n\n## Voir [ici](/absente/)\n\nTexte.\n"})
    assert run(root, "check") == 0
    assert capsys.readouterr().err == ("content/articles/a.md:7: link: warning: the link /absente/ leads "
                                       "to no page of the site\n")


# --- Articles in another language -------------------------------------------------------


def test_an_english_article_says_so_on_its_text(built: Path) -> None:
    document = page(built, "brest-harbour")
    assert document.html is not None and document.html["lang"] == "fr"
    for selector in (".kicker", ".article-title", ".standfirst", ".article-body", ".toc-list"):
        element = document.select_one(selector)
        assert element is not None and element.get("lang") == "en", selector


def test_an_english_article_gets_none_of_the_french_spacing(built: Path) -> None:
    document = page(built, "brest-harbour")
    assert body(document).find("p").get_text() == (
        'The harbour has changed: "more ships", fewer trucks! Really? Yes... since 2021.')
    assert document.select_one(".article-title").get_text() == "Brest's harbour: a new course"
    assert headings(document) == [("what-changed", "What changed")]


def test_an_english_article_keeps_the_interface_in_the_site_language(built: Path) -> None:
    document = page(built, "brest-harbour")
    assert document.select_one(".dateline time").get_text() == "3 mai 2024 à 9\u00a0h\u00a000"
    assert document.select_one(".toc-title").get_text() == "Sommaire"
    back = document.select_one(".back-to-toc")
    assert back is not None and back.get("lang") == "fr" and back.get_text() == "Retour au sommaire"
    label = document.select_one(".permalink .visually-hidden")
    assert label is not None and label.get("lang") == "fr"


def test_an_english_article_declares_its_language_to_search_engines(built: Path) -> None:
    script = page(built, "brest-harbour").find("script", type="application/ld+json")
    assert script is not None
    assert json.loads(script.string or "")["@graph"][0]["inLanguage"] == "en"


def test_a_french_article_has_no_lang_of_its_own(built: Path) -> None:
    document = page(built, "port-de-brest")
    assert document.select("[lang]") == [document.html]


@pytest.mark.parametrize(("written", "tag"), [("EN-gb", "en-GB"), ("zh-hant-tw", "zh-Hant-TW"),
                                              ("de-CH-1996", "de-CH-1996")])
def test_a_language_tag_is_written_in_its_canonical_case(written: str, tag: str) -> None:
    assert language_tag(written) == tag


def test_editing_the_language_rebuilds_the_page_as_a_clean_build_would(tmp_path: Path) -> None:
    text = (FIXTURES / "brest-harbour.md").read_text(encoding="utf-8")
    root = make_site(tmp_path / "site", {"content/articles/a.md": text})
    out = tmp_path / "out"
    build(Project(root), out)
    before = files(out)
    (root / "content/articles/a.md").write_text(text.replace("language: en\n", ""), encoding="utf-8")
    build(Project(root), out)
    after = files(out)
    assert after["a/index.html"] != before["a/index.html"]
    assert f"changed{NB}:" in after["a/index.html"].decode()
    assert after == clean_build(root, tmp_path / "clean")


def test_check_typography_leaves_an_english_article_alone() -> None:
    text = (FIXTURES / "brest-harbour.md").read_text(encoding="utf-8")
    assert typography_warnings(text, "content/articles/brest-harbour.md") == []
    assert typography_warnings(text.replace("language: en\n", ""), "content/articles/brest-harbour.md") != []


# --- Small page fixes -------------------------------------------------------------------


def test_no_sommaire_means_no_back_link(built: Path) -> None:
    document = page(built, "breve")
    assert document.select(".toc") == [] and document.select(".back-to-toc") == []


def test_a_sommaire_keeps_its_back_link(built: Path) -> None:
    back = page(built, "recouvrance").select_one(".back-to-toc a")
    assert back is not None and back["href"] == "#toc-title" and back.get_text() == "Retour au sommaire"


def test_an_untitled_opening_is_not_a_headingless_section(built: Path) -> None:
    for slug in ("breve", "recouvrance", "port-de-brest"):
        document = page(built, slug)
        assert all(s.find(["h2"]) is not None for s in document.find_all("section")), slug
        opening = body(document).find(recursive=False)
        assert opening is not None and opening.name == "div", slug
        assert opening["class"] == ["article-section", "article-opening"]
        assert not opening.has_attr("aria-labelledby")
    assert body(page(built, "breve")).find("section") is None


def test_a_titled_first_section_stays_a_section(built: Path) -> None:
    first = body(page(built, "titres-riches")).find(recursive=False)
    assert first is not None and first.name == "section" and first["aria-labelledby"] == "le-role-de-l-ademe"


OPENING = ("Depuis l’automne, les habitants du quartier de Recouvrance se réunissent chaque jeudi soir "
           "dans l’ancienne école pour discuter du téléphérique, des travaux du…")


def meta_descriptions(document: BeautifulSoup) -> list[str]:
    found = [document.find("meta", attrs={"name": "description"}),
             document.find("meta", property="og:description"),
             document.find("meta", attrs={"name": "twitter:description"})]
    return [str(tag["content"]) if tag is not None else "" for tag in found]


def test_without_a_standfirst_the_description_is_the_opening_cut_at_a_word(built: Path) -> None:
    document = page(built, "recouvrance")
    assert meta_descriptions(document) == [OPENING] * 3
    assert len(OPENING) <= 160
    script = document.find("script", type="application/ld+json")
    assert script is not None and json.loads(script.string or "")["@graph"][0]["description"] == OPENING


def test_a_short_opening_is_the_whole_description(built: Path) -> None:
    assert meta_descriptions(page(built, "breve")) == ["Le conseil municipal a voté."] * 3


def test_the_feed_summary_falls_back_to_the_opening(built: Path) -> None:
    feed = BeautifulSoup((built / "feed.xml").read_text(encoding="utf-8"), "xml")
    summaries = {e.find("title").get_text(): e.find("summary").get_text() for e in feed.find_all("entry")}
    assert summaries["Recouvrance se réunit le jeudi"] == OPENING
    assert summaries["Une brève sans intertitre"] == "Le conseil municipal a voté."


def test_a_standfirst_is_still_the_description(built: Path) -> None:
    assert meta_descriptions(page(built, "port-de-brest"))[0] == (
        "Trois ans de travaux pour un port plus propre, et une ville qui suit.")


def test_the_drop_cap_only_on_an_opening_paragraph_long_enough(built: Path) -> None:
    assert body(page(built, "recouvrance"))["class"] == ["article-body", "drop-cap"]
    assert body(page(built, "breve"))["class"] == ["article-body"]  # 28 characters
    assert body(page(built, "port-de-brest"))["class"] == ["article-body"]  # 96 characters


def test_the_stylesheet_sets_the_lettrine_only_under_drop_cap() -> None:
    css = (Path(__file__).parent.parent / "static" / "css" / "site.css").read_text(encoding="utf-8")
    rules = [line for line in css.splitlines() if "::first-letter" in line]
    assert rules and all(line.strip().startswith(".drop-cap > ") for line in rules)


@pytest.mark.parametrize(("length", "expected"), [(179, False), (180, True)])
def test_the_drop_cap_threshold(length: int, expected: bool) -> None:
    assert DROP_CAP_MIN == 180
    section = SectionView(None, None, (ProseView(Markup("<p>" + "a" * length + "</p>\n<p>b</p>")),))
    assert _drop_cap((section,)) is expected


def test_raw_html_in_a_section_title_is_cleaned_and_reported(
        site: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/articles/a.md": (
        "---\ntitle: A\ndate: 2024-06-19\n---\nIntro.\n\n"
        "## Titre <script>alert(1)</script>fin\n\nTexte.\n")})
    output = tmp_path / "out"
    assert run(root, "build", "--output", str(output)) == 0
    assert capsys.readouterr().err.startswith("content/articles/a.md:7: body: warning: removed <script>")
    heading = body(soup(output / "a" / "index.html")).find("h2")
    assert heading is not None and heading.decode_contents() == "Titre fin"


def test_a_root_relative_link_in_a_title_follows_the_base_path(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({"content/articles/a.md": (
        "---\ntitle: A\ndate: 2024-06-19\n---\n## Voir [l’accueil](/)\n\nTexte.\n")})
    assert run(root, "build", "--output", str(tmp_path / "prod"), "--quiet") == 0
    assert run(root, "build", "--output", str(tmp_path / "pr"), "--base-path", "/pr-12/", "--quiet") == 0
    for folder, address in (("prod", "/"), ("pr", "/pr-12/")):
        link = body(soup(tmp_path / folder / "a" / "index.html")).select_one("h2 a")
        assert link is not None and link["href"] == address


@pytest.mark.parametrize("title", ["Gaz & pétrole", "Le 1er mai", "a < b", "mot_clé_x", "5 * 3 * 2",
                                   "L’« opération » [2024]", "14h30 : 10000 manifestants"])
def test_a_title_without_markdown_keeps_its_anchor(title: str) -> None:
    assert slugify(Renderer(True).plain(title)) == slugify(title)

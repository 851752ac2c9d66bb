"""Editorial blocks (« L'essentiel », encadré, chiffre clé, note de la rédaction, « Lire aussi »):
each in both forms, in the feed, their errors, and the card that follows its article's title."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup, Tag

from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import make_site, run, soup

NNBSP, NBSP = "\u202f", "\u00a0"
OTHER = ("title: La Corée du Nord et la Russie\ndate: 2024-06-18 09:00\nkicker: Décryptage\n"
         "sections:\n  - title: Contexte\n    blocks: [Un texte.]\n")


def yaml_article(blocks: str) -> str:
    return ("title: Poutine à Pyongyang\ndate: 2024-06-19 10:00\nsections:\n"
            "  - title: Contexte\n    blocks:\n" + blocks)


def md_article(body: str) -> str:
    return "---\ntitle: Poutine à Pyongyang\ndate: 2024-06-19 10:00\n---\n## Contexte\n\n" + body


# Each block in form 1 (a typed block) and form 2 (a container), written to mean the same.
BLOCKS: dict[str, tuple[str, str]] = {
    "essentiel": (
        "      - kind: essentiel\n        items: [Un sommet **inédit**, Des accords de défense]\n",
        "::: essentiel\n- Un sommet **inédit**\n- Des accords de défense\n:::\n",
    ),
    "encadre": (
        "      - kind: encadre\n        title: Le traité de 1961\n        text: |\n"
        "          Un pacte d'assistance *mutuelle*.\n\n          Il a expiré en 1996.\n",
        "::: encadre Le traité de 1961\nUn pacte d'assistance *mutuelle*.\n\nIl a expiré en 1996.\n:::\n",
    ),
    "chiffre": (
        "      - kind: chiffre\n        value: 11000\n        unit: soldats\n"
        "        text: Envoyés en Russie selon Séoul.\n        source: renseignement sud-coréen\n",
        "::: chiffre 11000 soldats\nEnvoyés en Russie selon Séoul.\n\nSource : renseignement sud-coréen\n:::\n",
    ),
    "note": (
        "      - kind: note\n        text: Cet article a été mis à jour le 20 juin.\n",
        "::: note\nCet article a été mis à jour le 20 juin.\n:::\n",
    ),
    "lire-aussi": (
        "      - kind: lire-aussi\n        slug: autre\n",
        "::: lire-aussi autre\n:::\n",
    ),
}


def built(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    root = make_site(tmp_path / name, {"content/articles/autre.yaml": OTHER, **files})
    assert run(root, "build", "--output", str(tmp_path / name / "_site")) == 0
    return tmp_path / name / "_site"


def box(page: BeautifulSoup) -> Tag:
    found = page.select("main aside.box")
    assert len(found) == 1
    return found[0]


def shape(element: Tag) -> list[Any]:
    """The element's structure: tags, classes and text, nested."""
    return [(child.name, child.get("class"), shape(child)) if isinstance(child, Tag) else str(child)
            for child in element.children if isinstance(child, Tag) or str(child).strip()]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[BeautifulSoup, BeautifulSoup]]:
    """Each block's page, built from form 1 and from form 2."""
    tmp = tmp_path_factory.mktemp("blocks")
    files: dict[str, str] = {}
    for kind, (typed, container) in BLOCKS.items():
        files[f"content/articles/y-{kind}.yaml"] = yaml_article(typed)
        files[f"content/articles/m-{kind}.md"] = md_article(container)
    out = built(tmp, "site", files)
    return {kind: (soup(out / f"y-{kind}/index.html"), soup(out / f"m-{kind}/index.html")) for kind in BLOCKS}


@pytest.mark.parametrize("kind", sorted(BLOCKS))
def test_both_forms_render_the_same_block(kind: str, both: dict[str, tuple[BeautifulSoup, BeautifulSoup]]) -> None:
    typed, container = both[kind]
    assert str(box(typed)) == str(box(container))


def label_of(aside: Tag) -> str:
    label = aside.find("p", class_="box-label")
    assert isinstance(label, Tag) and aside["aria-labelledby"] == label["id"]
    return label.get_text()


def test_essentiel(both: dict[str, tuple[BeautifulSoup, BeautifulSoup]]) -> None:
    aside = box(both["essentiel"][1])
    assert aside["class"] == ["box", "box-essentiel"]
    assert label_of(aside) == "L’essentiel"
    assert [li.decode_contents() for li in aside.select("ul > li")] == [
        "Un sommet <strong>inédit</strong>", "Des accords de défense"]


def test_encadre_is_labelled_by_its_title(both: dict[str, tuple[BeautifulSoup, BeautifulSoup]]) -> None:
    aside = box(both["encadre"][1])
    assert label_of(aside) == "Le traité de 1961"
    assert shape(aside)[1:] == [("p", None, ["Un pacte d’assistance ", ("em", None, ["mutuelle"]), "."]),
                                ("p", None, ["Il a expiré en 1996."])]


def test_chiffre_shows_the_number_its_caption_and_source(
        both: dict[str, tuple[BeautifulSoup, BeautifulSoup]]) -> None:
    aside = box(both["chiffre"][1])
    assert label_of(aside) == "Chiffre clé"
    assert shape(aside)[1:] == [
        ("p", ["box-figure"], [("strong", ["box-value"], [f"11{NNBSP}000"]), ("span", ["box-unit"], ["soldats"])]),
        ("p", None, ["Envoyés en Russie selon Séoul."]),
        ("p", ["box-source"], [f"Source{NBSP}: renseignement sud-coréen"]),
    ]
    # The number is text of the page, read as it is shown (no CSS content, nothing hidden).
    assert not aside.select("[aria-hidden]") and aside.find("p", class_="box-figure").get_text() == (
        f"11{NNBSP}000 soldats")


def test_note_de_la_redaction(both: dict[str, tuple[BeautifulSoup, BeautifulSoup]]) -> None:
    aside = box(both["note"][1])
    assert label_of(aside) == "Note de la rédaction"
    assert shape(aside)[1:] == [("p", None, ["Cet article a été mis à jour le 20 juin."])]


def test_lire_aussi_is_a_card_of_the_other_article(both: dict[str, tuple[BeautifulSoup, BeautifulSoup]]) -> None:
    aside = box(both["lire-aussi"][1])
    assert label_of(aside) == "Lire aussi"
    assert shape(aside)[1:] == [
        ("p", ["box-kicker"], ["Décryptage"]),
        ("p", ["box-title"], [("a", None, ["La Corée du Nord et la Russie"])]),
        ("p", ["box-date"], [("time", None, ["18 juin 2024"])]),
    ]
    assert aside.a["href"] == "/autre/"
    assert aside.time["datetime"] == "2024-06-18T09:00:00+02:00"


def test_blocks_use_no_heading(both: dict[str, tuple[BeautifulSoup, BeautifulSoup]]) -> None:
    """A label is a paragraph: an essentiel in the untitled opening skips no heading level."""
    for typed, container in both.values():
        assert not box(typed).find(["h1", "h2", "h3", "h4", "h5", "h6"])
        assert not box(container).find(["h1", "h2", "h3", "h4", "h5", "h6"])


def test_nested_markdown_and_an_opening_essentiel(tmp_path: Path) -> None:
    body = ("::: essentiel\n- un point\n- un autre\n:::\n\nLe texte.\n\n## Suite\n\n"
            "::: encadre Repères\n> Une citation.\n\n| a | b |\n| - | - |\n| 1 | 2 |\n:::\n")
    out = built(tmp_path, "site", {"content/articles/n.md": md_article("").replace("## Contexte\n\n", "") + body})
    page = soup(out / "n/index.html")
    opening, encadre = page.select("main aside.box")
    assert opening.find_parent("div", class_="article-section")["class"] == ["article-section", "article-opening"]
    assert encadre.blockquote.get_text(strip=True) == "Une citation."
    assert encadre.select("div.table-scroll table td")[0].get_text() == "1"
    assert page.select(".prose > p")[0].get_text() == "Le texte."


def test_blocks_in_the_feed_are_plain_html(tmp_path: Path) -> None:
    out = built(tmp_path, "site", {"content/articles/m.md": md_article(BLOCKS["essentiel"][1] + "\n"
                                                                       + BLOCKS["lire-aussi"][1])})
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring((out / "feed.xml").read_bytes())
    entry = next(e for e in feed.iter(atom + "entry") if e.findtext(atom + "title") == "Poutine à Pyongyang")
    content = BeautifulSoup(entry.findtext(atom + "content") or "", "html5lib")
    essentiel, card = content.find_all("aside")
    assert essentiel.p.strong.get_text() == "L’essentiel"  # the label's meaning needs no CSS
    assert [li.get_text() for li in essentiel.select("ul li")] == ["Un sommet inédit",
                                                                    "Des accords de défense"]
    assert card.p.strong.get_text() == "Lire aussi"
    assert card.a.get_text() == "La Corée du Nord et la Russie"


def errors_of(tmp_path: Path, files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    root = make_site(tmp_path / "site", {"content/articles/autre.yaml": OTHER, **files})
    code = run(root, "check")
    captured = capsys.readouterr()
    assert code == 1, captured.out
    return captured.err.splitlines()[:-1]


MD = "content/articles/m.md"
YAML = "content/articles/y.yaml"
ERRORS = {
    "unknown kind": (MD, md_article("::: video\nUn texte.\n:::\n"),
                     f"{MD}:7: body: unknown block kind 'video': expected one of essentiel, encadre, chiffre, "
                     "note, lire-aussi"),
    "unclosed": (MD, md_article("Un texte.\n\n::: note\nUne note.\n"),
                 f"{MD}:9: body: the block 'note' is not closed: end it with a line ':::'"),
    "no title": (MD, md_article("::: encadre\nUn texte.\n:::\n"),
                 f"{MD}:7: body: the block 'encadre' has no title: write it after the kind (::: encadre Le titre)"),
    "no number": (MD, md_article("::: chiffre des soldats\nUn texte.\n:::\n"),
                  f"{MD}:7: body: the block 'chiffre' has no number: write it after the kind, with its unit "
                  "(::: chiffre 11 000 soldats)"),
    "no list": (MD, md_article("::: essentiel\nUn seul paragraphe.\n:::\n"),
                f"{MD}:7: body: the block 'essentiel' has no list item: write its key points as a list (- un point)"),
    "no slug": (MD, md_article("::: lire-aussi\n:::\n"),
                f"{MD}:7: body: the block 'lire-aussi' names no article: write the article's slug after the kind "
                "(::: lire-aussi autre-article)"),
    "unknown slug": (MD, md_article("Un texte.\n\n::: lire-aussi absent\n:::\n"),
                     f"{MD}:9: body: the block 'lire-aussi' names 'absent', which is no article of the site"),
    "own slug": (MD, md_article("::: lire-aussi m\n:::\n"),
                 f"{MD}:7: body: the block 'lire-aussi' names the article itself"),
    "typed unknown slug": (YAML, yaml_article("      - Un texte.\n      - kind: lire-aussi\n        slug: absent\n"),
                           f"{YAML}:7: sections: the block 'lire-aussi' names 'absent', which is no article of "
                           "the site"),
    "typed no number": (YAML, yaml_article("      - kind: chiffre\n        value: beaucoup\n        text: Un texte.\n"),
                        f"{YAML}:6: sections: the block 'chiffre' has no number: write it after the kind, with its "
                        "unit (::: chiffre 11 000 soldats)"),
    "typed no title": (YAML, yaml_article("      - kind: encadre\n        text: Un texte.\n"),
                       f"{YAML}:6: sections[1].blocks[1].title: required key is missing"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_message(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, text, expected = ERRORS[case]
    assert errors_of(tmp_path, {path: text}, capsys) == [expected]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_editing_the_title_of_a_lire_aussi_target_updates_the_card(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", {"content/articles/autre.yaml": OTHER,
                                         "content/articles/m.md": md_article(BLOCKS["lire-aussi"][1])})
    out = tmp_path / "out"
    build(Project(root), out)
    (root / "content/articles/autre.yaml").write_text(OTHER.replace("et la Russie", "et la Chine"),
                                                      encoding="utf-8")
    build(Project(root), out)
    assert soup(out / "m/index.html").select_one("aside.box-lire-aussi a").get_text() == (
        "La Corée du Nord et la Chine")
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(Project(root), clean, BuildOptions(jobs=1, cache=False))
    assert files_of(out) == files_of(clean)


def test_the_schema_knows_each_typed_block() -> None:
    from feuillet.content import article_schema

    blocks = article_schema()["properties"]["sections"]["items"]["properties"]["blocks"]["items"]["anyOf"]
    kinds = {block["properties"]["kind"].get("const") for block in blocks if "properties" in block}
    assert {"essentiel", "encadre", "chiffre", "note", "lire-aussi"} <= kinds




def test_two_blocks_of_a_kind_get_their_own_label_ids(tmp_path: Path) -> None:
    body = BLOCKS["note"][1] + "\nUn texte.\n\n" + BLOCKS["note"][1]
    page = soup(built(tmp_path, "site", {"content/articles/m.md": md_article(body)}) / "m/index.html")
    first, second = page.select("main aside.box-note")
    assert (first["aria-labelledby"], second["aria-labelledby"]) == ("bloc-note", "bloc-note-2")
    assert all(page.find_all(id=aside["aria-labelledby"]) == [aside.p] for aside in (first, second))

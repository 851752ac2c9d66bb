"""Tests for feuillet.typography: one table per rule, then properties."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feuillet.typography import superscript_runs, typeset, typeset_runs

PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


def check(source: str, expected: str) -> None:
    assert typeset(source) == expected
    # Every expected output is itself correct typography: it must not move.
    assert typeset(expected) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Vraiment?", "Vraiment\u202f?"),
        ("Vraiment ?", "Vraiment\u202f?"),
        ("Vraiment\u202f?", "Vraiment\u202f?"),
        ("Vraiment\u00a0?", "Vraiment\u202f?"),  # house style: a typed U+00A0 becomes narrow
        ("Attention!", "Attention\u202f!"),
        ("Attention !", "Attention\u202f!"),
        ("d’abord ; ensuite", "d’abord\u202f; ensuite"),
        ("d’abord; ensuite", "d’abord\u202f; ensuite"),
        ("Quoi?!", "Quoi\u202f?!"),
        ("Quoi ?!", "Quoi\u202f?!"),
        ("Non!!!", "Non\u202f!!!"),
        ("Le chiffre (?) reste flou.", "Le chiffre (?) reste flou."),
        ("?", "?"),
        ("Oui?Non", "Oui?Non"),  # glued to a word: not sentence punctuation
        ("a &amp; b", "a &amp; b"),
        ("Clin d’œil ;)", "Clin d’œil\u202f;)"),
        (
            "Une coopération militaire renforcée ?",
            "Une coopération militaire renforcée\u202f?",
        ),
    ],
)
def test_space_before_semicolon_exclamation_question(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Il a dit : non", "Il a dit\u00a0: non"),
        ("Il a dit: non", "Il a dit\u00a0: non"),
        ("Il a dit\u00a0: non", "Il a dit\u00a0: non"),
        ("Il a dit\u202f: non", "Il a dit\u202f: non"),
        ("Conclusion :", "Conclusion\u00a0:"),
        (
            "nombre d’experts relativisent toutefois sa portée concrète :",
            "nombre d’experts relativisent toutefois sa portée concrète\u00a0:",
        ),
        ("à 10:30 précises", "à 10:30 précises"),
        ("un écran 16:9", "un écran 16:9"),
        ("a:b", "a:b"),
        ("std::vector", "std::vector"),
        ("a :: b", "a :: b"),
        ("en 2024: rien", "en 2024: rien"),  # a colon glued to a digit is left alone
        ("il y en a 3 : deux", "il y en a 3\u00a0: deux"),
        ("Sourire :)", "Sourire :)"),
    ],
)
def test_space_before_colon(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("«mot»", "«\u00a0mot\u00a0»"),
        ("« mot »", "«\u00a0mot\u00a0»"),
        ("«\u00a0mot\u00a0»", "«\u00a0mot\u00a0»"),
        ("«\u202fmot\u202f»", "«\u202fmot\u202f»"),
        (
            "l’« opération militaire spéciale »",
            "l’«\u00a0opération militaire spéciale\u00a0»",
        ),
        ("deux « parias »", "deux «\u00a0parias\u00a0»"),
        ("«»", "«»"),
        ("«Vraiment?»", "«\u00a0Vraiment\u202f?\u00a0»"),
    ],
)
def test_space_inside_guillemets(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('Il a dit "bonjour" hier.', "Il a dit «\u00a0bonjour\u00a0» hier."),
        ('"Bonjour", dit-il.', "«\u00a0Bonjour\u00a0», dit-il."),
        ('Le mot "paria".', "Le mot «\u00a0paria\u00a0»."),
        ('("entre parenthèses")', "(«\u00a0entre parenthèses\u00a0»)"),
        ('l\'"opération"', "l’«\u00a0opération\u00a0»"),
        ('l’"opération"', "l’«\u00a0opération\u00a0»"),
        ('"Il a dit "non" hier"', "«\u00a0Il a dit “non” hier\u00a0»"),
        ('« Il a dit "non" »', "«\u00a0Il a dit “non”\u00a0»"),
        ('"a" et "b"', "«\u00a0a\u00a0» et «\u00a0b\u00a0»"),
        ('un écran de 12"', 'un écran de 12″'),  # nothing open: inches, a double prime
        ('Il dit "', 'Il dit "'),
    ],
)
def test_straight_double_quotes(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("l'État", "l’État"),
        ("aujourd'hui", "aujourd’hui"),
        ("qu'il", "qu’il"),
        ("l’État", "l’État"),
    ],
)
def test_apostrophe(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Attendez...", "Attendez…"),
        ("Et puis... rien", "Et puis… rien"),
        ("Attendez…", "Attendez…"),
        ("Quatre....", "Quatre…"),
    ],
)
def test_ellipsis(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("mot - incise - suite", "mot –\u00a0incise\u00a0– suite"),
        ("mot -- incise -- suite", "mot –\u00a0incise\u00a0– suite"),
        ("mot – incise – suite", "mot –\u00a0incise\u00a0– suite"),
        ("mot –\u00a0incise\u00a0– suite", "mot –\u00a0incise\u00a0– suite"),
        ("une seule - incise", "une seule –\u00a0incise"),
        ("a - b. Puis c - d - e", "a –\u00a0b. Puis c –\u00a0d\u00a0– e"),
        ("a - b\nc - d", "a –\u00a0b\nc –\u00a0d"),
        ("mot - n'est-ce pas ? - suite", "mot –\u00a0n’est-ce pas\u202f?\u00a0– suite"),
        ("avec M. Dupont - dit-il - hier", "avec M.\u00a0Dupont –\u00a0dit-il\u00a0– hier"),
        ("- Peter Ward", "–\u00a0Peter Ward"),
        ("— Peter Ward", "—\u00a0Peter Ward"),
        (
            "– Peter Ward, membre du groupe de réflexion Sejong",
            "–\u00a0Peter Ward, membre du groupe de réflexion Sejong",
        ),
        ("Kim Jong-un", "Kim Jong-un"),
        ("les dirigeants nord-coréens", "les dirigeants nord-coréens"),
        ("2022-2024", "2022-2024"),
        ("5 - 3", "5 - 3"),
        ("-5 degrés", "-5 degrés"),
    ],
)
def test_dashes(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("10000", "10\u202f000"),
        ("1234567", "1\u202f234\u202f567"),
        ("100000 personnes", "100\u202f000 personnes"),
        ("12345,678", "12\u202f345,678"),
        ("-12345", "-12\u202f345"),
        ("2024", "2024"),
        ("en 2024", "en 2024"),
        ("3000", "3000"),
        ("75001 Paris", "75001 Paris"),
        ("code postal 13001", "code postal 13001"),
        ("01000", "01000"),
        ("01 23 45 67 89", "01 23 45 67 89"),
        ("0123456789", "0123456789"),
        ("+33123456789", "+33123456789"),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("1.10.3", "1.10.3"),
        ("v2.0", "v2.0"),
        ("10.000", "10.000"),
        ("10,000", "10,000"),
        ("1,234,567", "1,234,567"),
        ("A320", "A320"),
        ("B52", "B52"),
        ("AB12345", "AB12345"),
        ("n° 12345", "n°\u00a012345"),
        ("9782070360024", "9782070360024"),  # an EAN/ISBN is an identifier
        ("10 000 habitants", "10\u202f000 habitants"),
        ("1 234 567 habitants", "1\u202f234\u202f567 habitants"),
        ("10\u202f000 habitants", "10\u202f000 habitants"),
        ("en 2024 100 personnes", "en 2024 100 personnes"),
        ("0 800 123 456", "0 800 123 456"),
        ("les pages 10 000", "les pages 10 000"),  # no word or unit after it
    ],
)
def test_digit_grouping(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("35 %", "35\u00a0%"),
        ("35%", "35\u00a0%"),
        ("35\u202f%", "35\u202f%"),
        ("3,5 %", "3,5\u00a0%"),
        ("12 km", "12\u00a0km"),
        ("12km", "12\u00a0km"),
        ("90 km/h", "90\u00a0km/h"),
        ("10 kg", "10\u00a0kg"),
        ("5 m", "5\u00a0m"),
        ("5 m.", "5\u00a0m."),
        ("5 mai", "5 mai"),
        ("2 t-shirts", "2 t-shirts"),
        ("les 3 m’ont dit", "les 3 m’ont dit"),
        ("5m", "5m"),
        ("20 °C", "20\u00a0°C"),
        ("20°C", "20\u00a0°C"),
        ("un angle de 45°", "un angle de 45°"),
        ("100 $", "100\u00a0$"),
        ("3000 €", "3000\u00a0€"),
        ("30000 €", "30\u202f000\u00a0€"),
        ("3 000 €", "3\u202f000\u00a0€"),
        ("15 M€", "15\u00a0M€"),
        ("3 millions d’euros", "3\u00a0millions d’euros"),
        ("2 milliards", "2\u00a0milliards"),
        ("700 Mo", "700\u00a0Mo"),
    ],
)
def test_units(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("14h30", "14\u00a0h\u00a030"),
        ("14 h 30", "14\u00a0h\u00a030"),
        ("14h", "14\u00a0h"),
        ("14 h", "14\u00a0h"),
        ("de 8h à 10h30.", "de 8\u00a0h à 10\u00a0h\u00a030."),
        ("14\u00a0h\u00a030", "14\u00a0h\u00a030"),
        ("14 hommes", "14 hommes"),
        ("14:30", "14:30"),
        ("24h/24", "24\u00a0h/24"),
    ],
)
def test_hours(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1ère", "1re"),
        ("1ere", "1re"),
        ("1ères", "1res"),
        ("1er", "1er"),
        ("1ers", "1ers"),
        ("1re", "1re"),
        ("2ème", "2e"),
        ("2eme", "2e"),
        ("2è", "2e"),
        ("2ième", "2e"),
        ("2èmes", "2es"),
        ("XXème siècle", "XXe siècle"),
        ("XXIème siècle", "XXIe siècle"),
        ("la Vème République", "la Ve République"),
        ("Mème", "Mème"),  # M alone is not taken for a numeral
        ("thème", "thème"),
    ],
)
def test_ordinals(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("M. Dupont", "M.\u00a0Dupont"),
        ("MM. Dupont et Durand", "MM.\u00a0Dupont et Durand"),
        ("Mme Durand", "Mme\u00a0Durand"),
        ("Mmes Durand", "Mmes\u00a0Durand"),
        ("Mlle Martin", "Mlle\u00a0Martin"),
        ("Dr Martin", "Dr\u00a0Martin"),
        ("Pr Martin", "Pr\u00a0Martin"),
        ("Me Lefèvre", "Me\u00a0Lefèvre"),
        ("Me voici", "Me voici"),
        ("n° 2270", "n°\u00a02270"),
        ("n°2270", "n°\u00a02270"),
        ("N° 3", "N°\u00a03"),
        ("p. 12", "p.\u00a012"),
        ("art. 49", "art.\u00a049"),
    ],
)
def test_abbreviations(source: str, expected: str) -> None:
    check(source, expected)


URL = "https://example.org/a?b=c:d"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (f"Voir {URL} pour tout", f"Voir {URL} pour tout"),
        (f"Voir {URL} !", f"Voir {URL}\u202f!"),
        (f"Voir {URL}!", f"Voir {URL}\u202f!"),
        (f"Voir {URL}.", f"Voir {URL}."),
        (f"({URL})", f"({URL})"),
        (f'"{URL}"', f"«\u00a0{URL}\u00a0»"),
        ("http://a.fr/l'article...", "http://a.fr/l'article…"),
        ("https://x.org/12345/v1.10.3/10:30", "https://x.org/12345/v1.10.3/10:30"),
        ("www.example.org/100000?", "www.example.org/100000\u202f?"),
        ("exemple.fr/page-12345", "exemple.fr/page-12345"),
        ("Écrire à jean.dupont@example.fr : merci", "Écrire à jean.dupont@example.fr\u00a0: merci"),
        ("o'brien@example.com", "o’brien@example.com"),
        ("mailto:a.b@c.fr", "mailto:a.b@c.fr"),
    ],
)
def test_urls_and_emails_untouched(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    "text",
    [
        "Le 1er mai 2024, M.\u00a0Dupont a dit\u00a0: «\u00a0Vraiment\u202f?\u00a0»",
        "l’«\u00a0opération militaire spéciale\u00a0»",
        "–\u00a0Peter Ward, membre du groupe de réflexion Sejong",
        "Un rapprochement stratégique entre deux «\u00a0parias\u00a0» de la scène internationale",
        "Les 10\u202f000 soldats, 3\u202f000\u00a0€ et 35\u00a0% à 14\u00a0h\u00a030.",
        "Kim Jong-un et Vladimir Poutine, 2022-2024, XXIe siècle, 2e rang.",
        "",
        "Un texte simple sans ponctuation haute",
    ],
)
def test_correct_text_is_unchanged(text: str) -> None:
    assert typeset(text) == text


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        ([('"', False), ("mot", False), ('"', False)], ["«\u00a0", "mot", "\u00a0»"]),
        ([("Vraiment", False), ("?", False)], ["Vraiment", "\u202f?"]),
        ([("Vraiment ", False), ("?", False)], ["Vraiment\u202f", "?"]),
        ([("Il a dit ", False), ('"a?"', True), (" ok?", False)], ["Il a dit ", '"a?"', " ok\u202f?"]),
        ([("Utilisez ", False), ("f()", True), ("?", False)], ["Utilisez ", "f()", "\u202f?"]),
        ([("Voir", False), ("?", True)], ["Voir", "?"]),  # protected mark: no space
        ([("«", False), ("mot", True), ("»", False)], ["«\u00a0", "mot", "\u00a0»"]),
        ([("«", False), (" mot ", True), ("»", False)], ["«", " mot ", "»"]),
        ([('"', False), ("mot", False), ('" ', False), ("x", True)], ["«\u00a0", "mot", "\u00a0» ", "x"]),
        ([("code", True), (" : suite", False)], ["code", "\u00a0: suite"]),
        ([("3", False), ("000 €", False)], ["3", "000\u00a0€"]),
        ([("Attendez..", False), (".", False)], ["Attendez..", "."]),  # never moved across runs
        (
            [("mot - ", False), ("incise", True), (" - suite", False)],
            ["mot –\u00a0", "incise", "\u00a0– suite"],
        ),
        ([], []),
        ([("", False), ("", True)], ["", ""]),
    ],
)
def test_typeset_runs(runs: list[tuple[str, bool]], expected: list[str]) -> None:
    assert typeset_runs(runs) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1er", [("1", False), ("er", True)]),
        ("1re", [("1", False), ("re", True)]),
        ("les 1ers", [("les 1", False), ("ers", True)]),
        ("les 1res", [("les 1", False), ("res", True)]),
        ("2e", [("2", False), ("e", True)]),
        ("le 21e rang", [("le 21", False), ("e", True), (" rang", False)]),
        ("les 2es", [("les 2", False), ("es", True)]),
        ("XXIe siècle", [("XXI", False), ("e", True), (" siècle", False)]),
        ("la Ve République", [("la V", False), ("e", True), (" République", False)]),
        ("IIe", [("II", False), ("e", True)]),
        ("François Ier", [("François I", False), ("er", True)]),
        ("h2e", [("h2e", False)]),
        ("2er", [("2er", False)]),
        ("Ce Le De Me Des Les Mes Ces", [("Ce Le De Me Des Les Mes Ces", False)]),
        ("Ver Ie IIer", [("Ver Ie IIer", False)]),
        ("IIIIe", [("IIIIe", False)]),  # not a valid numeral
        ("1ère", [("1ère", False)]),  # expects typeset text
        ("", []),
    ],
)
def test_superscript_runs(text: str, expected: list[tuple[str, bool]]) -> None:
    assert superscript_runs(text) == expected


# --------------------------------------------------------------------------
# Properties

FRENCH_TOKENS = [
    "mot",
    "État",
    "Dupont",
    "incise",
    "œuvre",
    " ",
    " ",
    " ",
    "\u00a0",
    "\u202f",
    "\n",
    "?",
    "!",
    ";",
    ":",
    "«",
    "»",
    '"',
    "'",
    "’",
    ".",
    "...",
    "…",
    ",",
    "(",
    ")",
    "-",
    " - ",
    " -- ",
    "–",
    "—",
    "0",
    "1",
    "2",
    "10000",
    "75001",
    "2024",
    "10:30",
    "14h30",
    "14 h",
    "1ère",
    "2ème",
    "XXème",
    "1er",
    "M. ",
    "Mme ",
    "n°",
    "%",
    "€",
    " km",
    "3 000",
    "h",
    "https://example.org/a?b=c:d",
    "www.x.fr",
    "a.b@c.fr",
    "“",
    "”",
    "&amp;",
    "/",
    "+",
]
french_text = st.lists(st.sampled_from(FRENCH_TOKENS), max_size=40).map("".join)
french_alphabet_text = st.text(
    alphabet=st.sampled_from(list("abcéèêàçIVXMCae019 \u00a0\u202f\n;:!?«»\"'.-–—,()%€h°/@")),
    max_size=80,
)
run_lists = st.lists(st.tuples(french_text, st.booleans()), max_size=6)


@PROPERTY_SETTINGS
@given(st.text())
def test_idempotent_on_any_text(text: str) -> None:
    once = typeset(text)
    assert typeset(once) == once


@PROPERTY_SETTINGS
@given(french_text)
def test_idempotent_on_french_tokens(text: str) -> None:
    once = typeset(text)
    assert typeset(once) == once


@PROPERTY_SETTINGS
@given(french_alphabet_text)
def test_idempotent_on_french_alphabet(text: str) -> None:
    once = typeset(text)
    assert typeset(once) == once


@PROPERTY_SETTINGS
@given(run_lists)
def test_runs_keep_shape_and_protected_text(runs: list[tuple[str, bool]]) -> None:
    result = typeset_runs(runs)
    assert len(result) == len(runs)
    for (text, protected), out in zip(runs, result, strict=True):
        if protected:
            assert out == text
    again = typeset_runs(list(zip(result, (p for _, p in runs), strict=True)))
    assert again == result


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(st.text(max_size=20), st.booleans()), max_size=6))
def test_runs_never_crash_and_protect_any_text(runs: list[tuple[str, bool]]) -> None:
    result = typeset_runs(runs)
    assert [out for out, (_, p) in zip(result, runs, strict=True) if p] == [text for text, p in runs if p]


url_paths = st.text(alphabet="abcxyz0123456789/_=&%-.:?", max_size=20).map(
    lambda path: path + "z"  # end on a letter: trailing punctuation is not URL
)


@PROPERTY_SETTINGS
@given(french_text, st.sampled_from(["https://", "http://", "www."]), url_paths, french_text)
def test_urls_in_random_text_are_preserved(before: str, scheme: str, path: str, after: str) -> None:
    url = f"{scheme}example.org/{path}"
    assert url in typeset(f"{before} {url} {after}")


SPACES = {" ", "\u00a0", "\u202f"}
# No high punctuation, quotes, apostrophes, periods, hyphens or digits, and no
# capitals that could form a Roman numeral: only spacing may change.
plain_alphabet_text = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéèàçœ ABEFGHJKNOPRSTUWYZÉ–—\u00a0\u202f")),
    max_size=80,
)


@PROPERTY_SETTINGS
@given(plain_alphabet_text)
def test_text_without_rule_triggers_changes_only_spaces(text: str) -> None:
    result = typeset(text)
    assert len(result) == len(text)
    for before, after in zip(text, result, strict=True):
        assert before == after or (before == " " and after in SPACES)


@PROPERTY_SETTINGS
@given(st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéàç ")), max_size=80))
def test_lowercase_words_are_unchanged(text: str) -> None:
    assert typeset(text) == text


def test_long_article_is_fast() -> None:
    paragraph = (
        'Le 1er mai, M. Dupont a dit : "Vraiment ?" - une phrase - puis l\'État '
        "a versé 30000 € à 14h30, soit 35 % de plus... Voir https://example.org/a?b=c:d ! "
    )
    article = paragraph * (10_000 // len(paragraph.split()) + 1)
    start = time.perf_counter()
    typeset(article)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5  # generous bound for slow CI; typically a few tens of ms


# --------------------------------------------------------------------------
# Issue 10: French typography without damage.  One table per rule (README "French typography").


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Quoi&nbsp;?", "Quoi&nbsp;?"),
        ("Oui&#8239;; non", "Oui&#8239;; non"),
        ("Oui&#x202F;!", "Oui&#x202F;!"),
        ("Il a dit&nbsp;: non", "Il a dit&nbsp;: non"),
        ("«&nbsp;mot&nbsp;»", "«&nbsp;mot&nbsp;»"),
        ("«&#160;mot&#160;»", "«&#160;mot&#160;»"),
        ("Il a dit &nbsp;: non", "Il a dit&nbsp;: non"),  # the typed space goes, the reference stays
        ("&quot;mot&quot;", "&quot;mot&quot;"),  # a reference is never typeset itself
        ("l&#39;État", "l&#39;État"),
        ("a &amp; b", "a &amp; b"),
        ("&#102;&#111;&#111;", "&#102;&#111;&#111;"),
    ],
)
def test_character_references_count_as_what_they_stand_for(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Quoi   ?", "Quoi\u202f?"),
        ("Quoi \u00a0?", "Quoi\u202f?"),
        ("Quoi\u00a0 ?", "Quoi\u202f?"),
        ("Oui \u202f!", "Oui\u202f!"),
        ("dit  : non", "dit\u00a0: non"),
        ("dit \u00a0: non", "dit\u00a0: non"),
        ("«  mot  »", "«\u00a0mot\u00a0»"),
        ("« \u00a0mot\u00a0 »", "«\u00a0mot\u00a0»"),
    ],
)
def test_runs_of_spaces_collapse_into_one_no_break_space(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Vraiment\u00a0?", "Vraiment\u202f?"),
        ("Attention\u00a0!", "Attention\u202f!"),
        ("d’abord\u00a0; ensuite", "d’abord\u202f; ensuite"),
        ("Il a dit\u00a0: non", "Il a dit\u00a0: non"),  # house style: U+00A0 before the colon
        ("Il a dit\u202f: non", "Il a dit\u202f: non"),  # a typed narrow one is kept
        ("«\u00a0!\u00a0»", "«\u00a0!\u00a0»"),  # the space after « is the guillemet's
    ],
)
def test_typed_no_break_space_before_high_punctuation_becomes_narrow(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("2'33\"", "2′33″"),
        ("un record en 2'3\"", "un record en 2′3″"),
        ("5'", "5′"),
        ("à la 90' de jeu", "à la 90′ de jeu"),
        ("un écran de 27\"", "un écran de 27″"),
        ("2′33″", "2′33″"),
        ("l'an 2000", "l’an 2000"),  # apostrophes in words stay apostrophes
        ('il a dit "1984" hier', "il a dit «\u00a01984\u00a0» hier"),  # a closing quote, not a prime
    ],
)
def test_primes_after_digits(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("le mot 'cohérence' revient", "le mot ‘cohérence’ revient"),
        ("'Oui', dit-il", "‘Oui’, dit-il"),
        ("('note')", "(‘note’)"),
        ("« le 'mot' »", "«\u00a0le ‘mot’\u00a0»"),
        ("l'État qu'il aujourd'hui", "l’État qu’il aujourd’hui"),
        ("‘mot’", "‘mot’"),
    ],
)
def test_single_quotes_open_and_close(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("4x3", "4×3"),
        ("un écran 1920x1080", "un écran 1920×1080"),
        ("1920x1080px", "1920×1080\u00a0px"),
        ("0x1F", "0x1F"),  # hexadecimal
        ("0x10", "0x10"),
        ("box", "box"),
        ("A4x3", "A4x3"),  # glued to a word
        ("4x", "4x"),
        ("x3", "x3"),
        ("4×3", "4×3"),
    ],
)
def test_multiplication_sign_between_digits(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("101 kPa", "101\u00a0kPa"),
        ("101kPa", "101\u00a0kPa"),
        ("1013 hPa", "1013\u00a0hPa"),
        ("5 µm", "5\u00a0µm"),
        ("5µm", "5\u00a0µm"),
        ("5μm", "5\u00a0μm"),  # Greek mu as well as the micro sign
        ("12px", "12\u00a0px"),
        ("12 px", "12\u00a0px"),
        ("50 Ω", "50\u00a0Ω"),
        ("50Ω", "50\u00a0Ω"),
        ("512 Ko", "512\u00a0Ko"),
        ("512Ko", "512\u00a0Ko"),
        ("700Mo", "700\u00a0Mo"),
        ("4 Go", "4\u00a0Go"),
        ("2To", "2\u00a0To"),
        ("5 GHz", "5\u00a0GHz"),
        ("90 dB", "90\u00a0dB"),
        ("20 ms", "20\u00a0ms"),
        ("25 cl", "25\u00a0cl"),
        ("100 Mbit/s", "100\u00a0Mbit/s"),
        ("230 V", "230\u00a0V"),
        ("60 W", "60\u00a0W"),
        ("10000px", "10\u202f000\u00a0px"),
        ("les px", "les px"),
        ("2 Pages", "2 Pages"),
    ],
)
def test_units_bound_to_their_number(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("mot , mot", "mot, mot"),
        ("fin .", "fin."),
        ("fin . Puis", "fin. Puis"),
        ("Et puis …", "Et puis…"),
        ("( entre )", "(entre)"),
        ("[ crochet ]", "[crochet]"),
        ("voir ( p.\u00a012 ) ici", "voir (p.\u00a012) ici"),
        ("le framework .NET", "le framework .NET"),  # a period before a word is not punctuation
        ("le domaine .fr", "le domaine .fr"),
        ("un taux de ,5", "un taux de ,5"),
        ("[ ] tâche", "[ ] tâche"),  # a bracket holding only spaces
        ("Triste :( ", "Triste :( "),  # a smiley
        ("Clin d’œil ;)", "Clin d’œil\u202f;)"),
        ("… et puis", "… et puis"),  # an ellipsis opening the text
        ("mot, mot.", "mot, mot."),
    ],
)
def test_stray_spaces_before_points_and_inside_brackets(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Quatre....", "Quatre…"),
        ("Cinq.....", "Cinq…"),
        ("Attendez...", "Attendez…"),
        ("Attendez…", "Attendez…"),
        ("Deux..", "Deux.."),
        ("Quoi ?...", "Quoi\u202f?…"),
    ],
)
def test_dots_become_one_ellipsis(source: str, expected: str) -> None:
    check(source, expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1ère", "1re"),  # house style: 1re, 2e (not 1ère, 2ème nor 2ᵉ)
        ("2ème", "2e"),
        ("1re et 2e", "1re et 2e"),
        ("XXIe", "XXIe"),
    ],
)
def test_house_style_ordinals(source: str, expected: str) -> None:
    check(source, expected)


CORRECT_FRENCH = [
    "Moscou et Pyongyang ont signé un traité\u00a0: une «\u00a0alliance\u00a0» inédite.",
    "Faut-il s’en inquiéter\u202f? Oui\u202f! Mais sans excès\u202f; la prudence s’impose.",
    "Le 1er juin, M.\u00a0Kim a reçu 12\u202f000 soldats (selon Séoul) et 3\u00a0millions d’obus.",
    "À 14\u00a0h\u00a030, la séance a repris –\u00a0sans surprise\u00a0– dans le calme.",
    "Il a déclaré\u00a0: «\u00a0Nous verrons\u2026\u00a0», puis s’est tu.",
    "Le mot ‘partenariat’ revient souvent, dit l’analyste.",
    "Un écran 16:9 de 1920×1080\u00a0px, 27″ de diagonale, 5\u00a0Go de mémoire.",
    "Record du tour en 1′33″, sous une pression de 101\u00a0kPa.",
    "Écrire à redaction@example.org ou lire https://example.org/a?b=c:d\u202f!",
    "Le XXIe siècle, la 2e édition et la 1re place.",
    "Des mots (entre parenthèses) et [entre crochets], sans espace intérieure.",
    "Le framework .NET et le domaine .fr gardent leur point.",
    "Voir p.\u00a012, n°\u00a05 et art.\u00a03 du traité.",
    "La Corée du Nord, l’Iran, la Russie, etc.",
    "Quoi\u202f?! Vraiment\u202f?",
]


@pytest.mark.parametrize("text", CORRECT_FRENCH)
def test_correct_french_is_unchanged(text: str) -> None:
    assert typeset(text) == text


typography_alphabet_text = st.text(
    alphabet=st.sampled_from(list("ab1209xX'\"«»“”‘’.,;:!?…()[] -–\u00a0\u202f&#;nbsp")),
    max_size=60,
)


@PROPERTY_SETTINGS
@given(typography_alphabet_text)
def test_idempotent_on_typography_characters(text: str) -> None:
    once = typeset(text)
    assert typeset(once) == once


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(["mot", " ", "  ", ",", "(", ")", "[", "]", "\u00a0"]), max_size=20))
def test_stray_space_removal_only_removes_spaces(tokens: list[str]) -> None:
    text = "".join(tokens)
    result = typeset(text)
    assert result.replace(" ", "").replace("\u00a0", "") == text.replace(" ", "").replace("\u00a0", "")


@PROPERTY_SETTINGS
@given(st.sampled_from(["&nbsp;", "&#160;", "&#8239;", "&#x202F;", "&#xa0;"]), st.sampled_from(list(":;!?»")))
def test_a_typed_reference_before_a_mark_is_never_doubled(reference: str, mark: str) -> None:
    text = f"mot{reference}{mark} suite"
    assert typeset(text) == text

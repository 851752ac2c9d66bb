"""Pathological input is bounded: each bound is reported as ``path:line: key: message``.

Costs are never timed here; ``scripts`` and the report measure them. These tests pin the rules,
their exact messages and lines, and (with hypothesis) that ordinary text never trips them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feuillet import limits
from feuillet.limits import Excess, Text, markdown_problems, texts_of, yaml_problem
from feuillet.sources import YList, YMap, load_yaml
from tests.conftest import run

BODY = "content/articles/a.md"
HEAD = "---\ntitle: Un titre\ndate: 2024-06-19\n---\n"  # the body starts on line 5


def messages(text: str, line: int = 5) -> list[tuple[int, str]]:
    return [(excess.line, excess.message) for excess in markdown_problems([Text(text, line, "body")])]


# --- one test per bound, with its exact message -----------------------------------------------


def test_a_paragraph_too_long() -> None:
    text = "Intro.\n\n" + "mot " * 25_001
    assert messages(text) == [(7, "a paragraph of 100,004 characters (the limit is 100,000): break it up "
                                  "with blank lines")]


def test_a_long_paragraph_under_the_limit_is_fine() -> None:
    assert messages("mot " * 24_999) == []


def test_too_many_blocks() -> None:
    text = "Un paragraphe.\n\n" * 5_001
    assert messages(text) == [(5, "more than 5,000 paragraphs, list items, table cells and other "
                                  "texts in one file: split it into several")]


def test_list_items_count_as_blocks() -> None:
    assert messages("- un\n\n" * 5_000) == []
    assert messages("- un\n" * 5_001)[0][1].startswith("more than 5,000 paragraphs")


def test_too_many_marks() -> None:
    text = "*a* " * 2_501  # 5,002 marks, and as many in the next text
    found = markdown_problems([Text(text, 5, "body"), Text(text, 9, "standfirst")])
    assert found == [Excess(9, "standfirst", "more than 10,000 Markdown marks ('*', '_', '`', '[', '<', '&' "
                                             "and '\\') in one file, which Markdown reads slowly: split it "
                                             "into several")]


def test_blocks_too_long_in_all() -> None:
    text = "## a\n" * 2_001
    assert messages("Intro.\n\n" + text) == [(
        7, "2,001 lines without a blank line between them: Markdown slows down on long blocks, and this "
           "file has too many long ones; put blank lines between paragraphs, headings and list items")]


def test_a_long_table_is_fine_but_not_three() -> None:
    table = "| a | b\n|---|---\n" + "| x | y\n" * 1_500  # 3,004 cells
    assert messages(table) == []
    assert [message[:35] for _, message in messages("\n\n".join([table] * 3))] == [
        "more than 5,000 paragraphs, list it", "1,502 lines without a blank line be"]


def test_fenced_code_counts_as_one_line() -> None:
    code = "```\n" + "x = 1\n" * 5_000 + "```\n"
    assert messages(code) == []


def test_brackets_left_open() -> None:
    text = "Un.\n\n" + "[a " * 1_500
    assert messages(text) == [(7, "1,500 '[' in this paragraph are left open or nested deep, which Markdown "
                                  "reads very slowly: close each with ']' or write it as \\[")]


def test_brackets_nested_deep() -> None:
    assert messages("[" * 1_500 + "a" + "]" * 1_500)[0][1].startswith("1,500 '[' in this paragraph")


def test_escaped_brackets_and_ordinary_links_are_fine() -> None:
    assert messages("\\[a " * 2_000) == []
    assert messages("Voir [le rapport](https://exemple.fr/r). " * 2_000) == []


def test_link_addresses_left_open() -> None:
    text = "[a](b " * 2_000
    assert messages(text) == [(5, "2,000 links in this paragraph open an address with '](' that is not "
                                  "closed with ')', which Markdown reads very slowly: close each or write "
                                  "the '(' as \\(")]


def test_code_left_open() -> None:
    text = "".join("`" * n + " x" * 100 for n in range(1, 101))
    assert messages(text) == [(5, "100 runs of '`' in this paragraph open code that is not closed soon, "
                                  "which Markdown reads very slowly: close each or write it as \\`")]


def test_code_spans_are_fine() -> None:
    assert messages("du `code` et du ``code`` " * 1_000) == []


def test_too_many_open_tags() -> None:
    text = "Un.\n" + "a <b " * 101
    assert messages(text) == [(6, "101 '<' that open no complete HTML tag, which Markdown reads very "
                                  "slowly: write a '<' that starts no tag as &lt;")]
    assert messages("a <b " * 100) == []


def test_open_tags_far_from_the_end() -> None:
    text = "a <b\n\n" * 20 + ("mot " * 20_000 + "\n\n") * 15  # each is scanned to the end: 1.2 MB
    assert messages(text) == [(13, "5 '<' that open no complete HTML tag, which Markdown reads very "
                                   "slowly: write a '<' that starts no tag as &lt;")]


@pytest.mark.parametrize("tag", ['<span lang="en">x</span>', "<br/>", "<!-- note -->", "<https://exemple.fr>",
                                 "<redaction@exemple.fr>", "<a href='x' title=\"y\">", "</p>", "<![CDATA[x]]>"])
def test_complete_tags_are_fine(tag: str) -> None:
    assert messages((tag + " ") * 500) == []


def test_nested_quotes() -> None:
    assert messages("Un.\n" + "> " * 21 + "x") == [(6, "nested 21 levels deep with quotes ('>'), list items "
                                                       "and indentation (the limit is 20): nest quotes and "
                                                       "lists less")]
    assert messages("> " * 20 + "x") == []


def test_nested_lists() -> None:
    assert messages("1. " * 21 + "x")[0][1].startswith("nested 21 levels deep")
    assert messages("- x\n" + "".join("    " * depth + "- x\n" for depth in range(1, 20))) == []
    assert messages("".join("    " * depth + "- x\n" for depth in range(21)))[0] == (
        25, "nested 21 levels deep with quotes ('>'), list items and indentation (the limit is 20): nest "
            "quotes and lists less")


def test_indentation_inside_fenced_code_and_blank_lines_are_fine() -> None:
    assert messages("```\n" + " " * 200 + "x\n```\n") == []
    assert messages("x\n" + " " * 200 + "\ny") == []


def test_emphasis_nested_deep() -> None:
    text = "Un.\n\n" + "**x " * 51 + "y" + " x**" * 51
    assert messages(text) == [(7, "emphasis ('*' or '_') opened 51 levels deep (the limit is 50): close "
                                  "each emphasis before opening another, or write a lone '*' as \\*")]


def test_many_emphases_in_a_row_are_fine() -> None:
    assert messages("*un* **deux** _trois_ " * 500) == []
    assert messages("- un\n* deux\n+ trois\n" * 100) == []


# --- YAML -------------------------------------------------------------------------------------


def test_yaml_nested_too_deep() -> None:
    text = "a:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 52)) + "  " * 52 + "v\n"
    assert load_yaml(text, "site.yaml")[1] == limits_error("site.yaml", 51, limits.YAML_DEEP.format(limit=50))


def test_yaml_nested_too_deep_to_load_names_the_line() -> None:
    text = "title: T\nsections: " + "[" * 600 + "]" * 600 + "\n"
    error = load_yaml(text, "a.yaml")[1]
    assert error is not None and (error.line, error.key) == (2, "yaml")
    assert error.message == ("the YAML is nested more than 50 levels deep here: feuillet's files need only "
                             "a few levels")


@pytest.mark.parametrize("depth", [2_000, 20_000])
def test_yaml_past_libyaml_own_bound(depth: int) -> None:
    error = load_yaml("a: " + "{a: " * depth + "}" * depth, "a.yaml")[1]
    assert error is not None and error.message.startswith("the YAML is nested more than 50 levels")


def test_yaml_aliases_that_repeat_too_much() -> None:
    text = "a: &a [" + ", ".join(["x" * 100] * 10) + "]\n"
    for name, previous in zip("bcdefgh", "abcdefg", strict=False):
        text += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]\n"
    data, error = load_yaml(text, "a.yaml")
    assert data is None and error is not None
    assert str(error) == (f"a.yaml:1: yaml: the aliases (*name) in this YAML expand it to more than "
                          f"{10 * len(text) + 10_000:,} values and characters: write the text out instead "
                          "of repeating it")


def test_a_few_aliases_are_fine() -> None:
    data, error = load_yaml("a: &a [Une, Deux]\nb: *a\nc: *a\n", "a.yaml")
    assert error is None and data == {"a": ["Une", "Deux"], "b": ["Une", "Deux"], "c": ["Une", "Deux"]}


def limits_error(path: str, line: int, message: str) -> Any:
    from feuillet.errors import SourceError

    return SourceError(path, line, "yaml", message)


# --- through a build: path, line and key --------------------------------------------------------


def test_a_bound_in_a_markdown_body_names_the_file_line_and_key(
        site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({BODY: HEAD + "Intro.\n\n" + "[a " * 1_500 + "\n"})
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{BODY}:7: body: 1,500 '[' in this paragraph are left open or nested deep, which Markdown reads "
        "very slowly: close each with ']' or write it as \\[")


def test_a_bound_in_a_yaml_block_names_its_key(site: Callable[..., Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    article = ("title: T\ndate: 2024-06-19\nsections:\n  - title: A\n    blocks:\n      - Intro.\n"
               "      - |\n        " + "> " * 25 + "x\n")
    root = site({"content/articles/a.yaml": article})
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/articles/a.yaml:8: sections[1].blocks[2]: nested 25 levels deep with quotes ('>'), list "
        "items and indentation (the limit is 20): nest quotes and lists less")


def test_a_bound_in_a_page(site: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    root = site({"content/pages/info.md": "---\ntitle: Info\n---\n" + "**x " * 60 + "y\n"})
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/pages/info.md:4: body: emphasis ('*' or '_') opened 60 levels deep (the limit is 50): "
        "close each emphasis before opening another, or write a lone '*' as \\*")


def test_escapes_in_yaml_strings_do_not_hide_brackets(site: Callable[..., Path],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    article = 'title: T\ndate: 2024-06-19\nstandfirst: "' + "\\x5b" * 1_500 + '"\nsections: [{blocks: [x]}]\n'
    root = site({"content/articles/a.yaml": article})
    assert run(root, "check") == 1
    assert capsys.readouterr().err.splitlines()[0].startswith(
        "content/articles/a.yaml:3: standfirst: 1,500 '[' in this paragraph")


# --- the texts of a document ------------------------------------------------------------------


def test_texts_of_gives_every_string_with_its_line_and_key() -> None:
    data, _ = load_yaml("title: T\nsections:\n  - blocks:\n      - |\n        Du texte.\n      - Plus.\n",
                        "a.yaml")
    assert texts_of(data) == [Text("T", 1, "title"), Text("Du texte.\n", 5, "sections[1].blocks[1]"),
                              Text("Plus.", 6, "sections[1].blocks[2]")]


# --- properties -------------------------------------------------------------------------------

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçôœ’«»:;,.?!()-–— 0123456789", min_size=1, max_size=80)
PARAGRAPHS = st.lists(st.lists(WORDS, min_size=1, max_size=8).map("\n".join), min_size=1, max_size=30)
LINKS = st.sampled_from(["*mot*", "**mot**", "_mot_", "`code`", "[lien](https://exemple.fr/a)", "<br>",
                         "&amp;", "\\*", "> citation", "- item", "1. item", "### Titre"])


@settings(max_examples=150, deadline=None)
@given(PARAGRAPHS, st.lists(LINKS, max_size=40), st.randoms())
def test_ordinary_text_is_never_refused(paragraphs: list[str], marks: list[str], random: Any) -> None:
    pieces = [*paragraphs, *marks]
    random.shuffle(pieces)
    assert markdown_problems([Text("\n\n".join(pieces), 1, "body")]) == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="[]()`*_<>a \n\\!#-=|>&", max_size=3_000), st.integers(1, 1_000))
def test_every_excess_is_on_a_line_of_its_text(text: str, first: int) -> None:
    last = first + text.count("\n")
    for excess in markdown_problems([Text(text, first, "body")]):
        assert first <= excess.line <= last and excess.key == "body"


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="[]()`*_<>a \n\\!", max_size=2_000))
def test_the_check_does_not_depend_on_where_a_file_starts(text: str) -> None:
    shifted = [(excess.line - 100, excess.message) for excess in markdown_problems([Text(text, 101, "b")])]
    assert shifted == [(excess.line, excess.message) for excess in markdown_problems([Text(text, 1, "b")])]


def nested(depth: int) -> Any:
    value: Any = "feuille"
    for level in range(depth):
        if level % 2:
            mapping = YMap({"k": value})
            mapping.line, mapping.key_lines, mapping.duplicates = level + 1, {"k": level + 1}, []
            value = mapping
        else:
            sequence = YList([value])
            sequence.line, sequence.item_lines = level + 1, [level + 1]
            value = sequence
    return value


@given(st.integers(0, 50))
def test_yaml_up_to_the_depth_bound_is_fine(depth: int) -> None:
    assert yaml_problem(nested(depth), 10_000) is None


@given(st.integers(51, 300))
def test_yaml_past_the_depth_bound_is_refused(depth: int) -> None:
    excess = yaml_problem(nested(depth), 10_000)
    assert excess is not None and excess.message == limits.YAML_DEEP.format(limit=50)

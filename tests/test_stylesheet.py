"""The stylesheet is well formed: every block closes, so no rule is swallowed by the one before
(a merged ``@media print {`` without its ``}`` once turned the web font off)."""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "site.css"


def blocks_depth(css: str) -> list[int]:
    """The nesting depth after each line, comments and strings left out."""
    css = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), css, flags=re.S)
    css = re.sub(r'"[^"\n]*"|\'[^\'\n]*\'', '""', css)
    depth, depths = 0, []
    for line in css.split("\n"):
        depth += line.count("{") - line.count("}")
        depths.append(depth)
    return depths


def test_every_block_of_the_stylesheet_closes() -> None:
    depths = blocks_depth(STYLESHEET.read_text(encoding="utf-8"))
    assert min(depths) >= 0
    assert depths[-1] == 0


def test_top_level_rules_are_not_nested_in_a_media_block() -> None:
    """A comment that opens a new part of the stylesheet starts at depth 0."""
    text = STYLESHEET.read_text(encoding="utf-8")
    depths = blocks_depth(text)
    for number, line in enumerate(text.split("\n")):
        if line.startswith("/*") and number > 0:
            assert depths[number - 1] == 0, f"site.css:{number + 1} opens a part inside a block"


def test_the_checker_finds_an_unclosed_block() -> None:
    assert blocks_depth("@media print {\n  .a { b: c; }\n\n/* x */\n.d { e: f; }\n")[-1] == 1

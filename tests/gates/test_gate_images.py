"""Gate: a figure's image never widens the page. A 1,600 px photo in an article, seen on a
390 px phone, leaves the page 390 px wide, and the image fits its column."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from feuillet.cli import main
from tests.conftest import make_site

pytestmark = pytest.mark.gates

ARTICLE = ("---\ntitle: Le port de Nampo\ndate: 2024-06-19 10:00\n---\nLe texte.\n\n"
           '![Des grues sur le quai](port.jpg "Le port — Photo : AFP")\n\n'
           "Du texte avec ![la même](port.jpg) dedans.\n")


def test_a_wide_image_fits_a_phone(tmp_path: Path, serve: Callable[[Path, str], Any],
                                   new_context: Callable[..., Any]) -> None:
    root = make_site(tmp_path / "site", {"content/articles/le-port/index.md": ARTICLE})
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (120, 80, 40)).save(buffer, format="JPEG")
    (root / "content/articles/le-port/port.jpg").write_bytes(buffer.getvalue())
    out = tmp_path / "out"
    assert main(["--root", str(root), "build", "--output", str(out)]) == 0
    server = serve(out, "/")
    context, _ = new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url("le-port/index.html"), wait_until="load")
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    widths = page.evaluate("Array.from(document.querySelectorAll('.article-body img'))"
                           ".map(image => image.getBoundingClientRect().right)")
    assert len(widths) == 2 and all(right <= 390 for right in widths)

"""The site's text face (« Feuillet Text », static/fonts/) and the build-only card font (assets/)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from PIL import Image

from feuillet import publish
from tests.conftest import REPO, soup

FACES = ("regular", "italic", "bold", "bold-italic")
FRENCH = "àâæçéèêëîïôœùûüÿÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸ«»’‘“”…\u00a0\u202f–—×′″€°"


@pytest.fixture(scope="module")
def page(seed_site: Path) -> BeautifulSoup:
    return soup(seed_site / "poutine-en-coree-du-nord" / "index.html")


def fonts_script() -> ModuleType:
    """scripts/fonts.py (fontTools and brotli come with the test extra)."""
    spec = importlib.util.spec_from_file_location("fonts_script", REPO / "scripts" / "fonts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fonts_script"] = module
    spec.loader.exec_module(module)
    return module


def test_the_built_site_has_no_card_font(seed_site: Path) -> None:
    assert not [p for p in seed_site.rglob("*") if p.suffix.lower() in (".ttf", ".otf")]
    assert not (seed_site / "static" / publish.SOCIAL_FONT).exists()


def test_cards_are_drawn_with_the_font_from_assets(seed_site: Path) -> None:
    assert (REPO / "assets" / publish.SOCIAL_FONT).is_file()
    with Image.open(seed_site / "poutine-en-coree-du-nord" / "social.png") as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_the_text_face_and_its_licence_are_published(seed_site: Path) -> None:
    folder = seed_site / "static" / "fonts"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["OFL.txt", *(f"feuillet-text-{face}.woff2" for face in FACES)])
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text(encoding="utf-8")


def test_the_regular_and_bold_faces_are_preloaded(page: BeautifulSoup, seed_site: Path) -> None:
    preloads = page.select('link[rel="preload"][as="font"]')
    assert [link["href"] for link in preloads] == [
        "/static/fonts/feuillet-text-regular.woff2", "/static/fonts/feuillet-text-bold.woff2"]
    for link in preloads:
        assert (link["type"], link.has_attr("crossorigin")) == ("font/woff2", True)
        assert (seed_site / link["href"].lstrip("/")).is_file()


def test_the_stylesheet_declares_every_face_with_swap(seed_site: Path) -> None:
    css = next((seed_site / "static" / "css").glob("site.*.css")).read_text(encoding="utf-8")
    faces = re.findall(r'@font-face \{ font-family: "Feuillet Text"; src: url\("\.\./fonts/([^"]+)"\)'
                       r' format\("woff2"\); font-weight: (\d+); font-style: (\w+); font-display: swap; \}', css)
    assert faces == [("feuillet-text-regular.woff2", "400", "normal"), ("feuillet-text-italic.woff2", "400", "italic"),
                     ("feuillet-text-bold.woff2", "700", "normal"),
                     ("feuillet-text-bold-italic.woff2", "700", "italic")]
    assert '--serif: "Feuillet Text", "Feuillet Text Georgia", "Feuillet Text Times New Roman", ' in css
    assert len(re.findall(r'font-family: "Feuillet Text (Georgia|Times New Roman|DejaVu Serif)"; src: local\(', css)) == 12


def test_the_sommaire_is_open_in_the_html_and_folded_by_the_script_right_after_it(page: BeautifulSoup) -> None:
    nav = page.select_one("nav.toc")
    assert nav is not None and nav.select_one("details.toc-details").has_attr("open")
    script = nav.find_next_sibling()
    assert script is not None and script.name == "script" and not script.get("src")
    assert 'matchMedia("(min-width: 68.75rem)")' in script.string and "d.open = false" in script.string


@pytest.mark.parametrize("face", FACES)
def test_each_face_is_feuillet_text_with_french_ligatures_and_marks(face: str) -> None:
    """Charis SIL has no kerning (its spacing is drawn into the letters): the subset keeps what it has."""
    font = TTFont(REPO / "static" / "fonts" / f"feuillet-text-{face}.woff2")
    assert font["name"].getDebugName(1) == "Feuillet Text"
    assert "Charis" not in font["name"].getDebugName(4)  # the OFL's Reserved Font Name
    cmap = font.getBestCmap()
    assert [char for char in FRENCH if ord(char) not in cmap] == []
    positioning = {record.FeatureTag for record in font["GPOS"].table.FeatureList.FeatureRecord}
    substitution = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    assert "mark" in positioning and "liga" in substitution


def test_the_script_regenerates_the_same_bytes(tmp_path: Path) -> None:
    fonts = fonts_script()
    source = REPO / "assets" / publish.SOCIAL_FONT  # the unmodified Charis SIL Bold
    for name in ("a.woff2", "b.woff2"):
        fonts.subset_face(source, tmp_path / name, 700, "normal")
    first = (tmp_path / "a.woff2").read_bytes()
    assert first == (tmp_path / "b.woff2").read_bytes()
    assert first == (REPO / "static" / "fonts" / "feuillet-text-bold.woff2").read_bytes()


def test_fallback_overrides_scale_by_average_width() -> None:
    fonts = fonts_script()
    web = fonts.Metrics(1000, 900, 300, 0, 500.0)
    assert fonts.overrides(web, web) == {"size-adjust": "100.00%", "ascent-override": "90.00%",
                                         "descent-override": "30.00%", "line-gap-override": "0.00%"}
    wider = fonts.Metrics(2000, 1800, 400, 100, 1250.0)
    assert fonts.overrides(web, wider) == {"size-adjust": "80.00%", "ascent-override": "112.50%",
                                           "descent-override": "37.50%", "line-gap-override": "0.00%"}


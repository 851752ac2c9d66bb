"""Regenerate the site's text face: subsetted WOFF2 files of Charis SIL, renamed « Feuillet Text ».

    PYTHONPATH=. python scripts/fonts.py /usr/share/fonts/truetype/charis

reads CharisSIL-{Regular,Italic,Bold,BoldItalic}.ttf from that folder (Debian's fonts-sil-charis),
writes static/fonts/feuillet-text-*.woff2 and prints the @font-face rules of the fallbacks
(size-adjust, ascent-, descent- and line-gap-override), computed so that Georgia, Times New Roman
or DejaVu Serif take the room of the web font while it loads: paste them into static/css/site.css.

The output is the same byte for byte on every run: no timestamp is written (``head.modified`` is
kept from the source) and Brotli's output is deterministic. The face is renamed because the
licence (SIL OFL 1.1) reserves the names « Charis » and « SIL » for the unmodified fonts; a subset
is a modified version. Needs fontTools and brotli (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

FAMILY = "Feuillet Text"
OUT = Path(__file__).resolve().parent.parent / "static" / "fonts"

# (source file, output file, CSS font-weight, CSS font-style)
FACES = (
    ("CharisSIL-Regular.ttf", "feuillet-text-regular.woff2", 400, "normal"),
    ("CharisSIL-Italic.ttf", "feuillet-text-italic.woff2", 400, "italic"),
    ("CharisSIL-Bold.ttf", "feuillet-text-bold.woff2", 700, "normal"),
    ("CharisSIL-BoldItalic.ttf", "feuillet-text-bold-italic.woff2", 700, "italic"),
)

# Latin and what French text and typography need: Basic Latin, Latin-1 (« » à é ç × ° …), Œ œ Ÿ,
# the spaces (U+00A0, thin U+2009, narrow no-break U+202F), dashes – —, quotes ‘ ’ ‚ “ ” „ ‹ ›,
# … † ‡ • ′ ″ ‰ €, ™, −, arrows (↑ ↩ of the notes), superscript letters of 1ᵉʳ 2ᵉ Mᵐᵉ nᵒ.
UNICODES = (
    [*range(0x20, 0x7F), *range(0xA0, 0x100), 0x152, 0x153, 0x178, 0x2C6, 0x2DA, 0x2DC,
     0x2009, 0x200A, 0x2010, 0x2011, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D,
     0x201E, 0x2020, 0x2021, 0x2022, 0x2026, 0x202F, 0x2030, 0x2032, 0x2033, 0x2039, 0x203A,
     0x2044, 0x20AC, 0x2122, 0x2190, 0x2191, 0x2192, 0x2193, 0x21A9, 0x2212,
     0x1D49, 0x2B3, 0x1D48, 0x2E2, 0x1D52, 0x1D50, 0x2E1, 0x1D43]
)
# Ligatures (fi, fl), marks for the accented letters, the numerals used by the CSS; kerning if the
# source has it (Charis SIL has none: its spacing is drawn into the letters).
FEATURES = ["kern", "liga", "clig", "ccmp", "locl", "mark", "mkmk", "lnum", "tnum", "onum", "pnum"]


@dataclass(frozen=True)
class Metrics:
    """Vertical metrics and the average width of French text, in font units."""

    units_per_em: int
    ascent: int
    descent: int  # positive
    line_gap: int
    average_width: float


# Widths weighted by how often each letter occurs in French text (and the space), so the
# fallback's lines hold as many words as the web font's.
FREQUENCIES: Mapping[str, float] = {
    " ": 16.0, "e": 12.1, "a": 6.4, "i": 6.2, "s": 6.6, "n": 6.2, "r": 5.6, "t": 5.9, "o": 4.9,
    "l": 4.6, "u": 5.3, "d": 3.1, "c": 2.7, "m": 2.4, "p": 2.4, "é": 1.6, "v": 1.3, "q": 1.0,
    "f": 0.9, "b": 0.8, "g": 0.8, "h": 0.7, "j": 0.5, "à": 0.4, "x": 0.3, "è": 0.3, "y": 0.2,
    "z": 0.1, "ç": 0.1, "ê": 0.1, ",": 1.0, ".": 1.0, "’": 0.6, "L": 0.3, "E": 0.2, "C": 0.2,
}

# Fallbacks not found on every machine, measured once from their files (Windows, macOS).
KNOWN: Mapping[str, Metrics] = {
    "Georgia": Metrics(2048, 1878, 449, 0, 902.0),
    "Times New Roman": Metrics(2048, 1825, 443, 87, 819.0),
}
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def measure(font: TTFont) -> Metrics:
    """A font's metrics, as browsers read them (OS/2 typo metrics when USE_TYPO_METRICS, else hhea)."""
    os2, hhea = font["OS/2"], font["hhea"]
    if os2.fsSelection & (1 << 7):
        ascent, descent, gap = os2.sTypoAscender, -os2.sTypoDescender, os2.sTypoLineGap
    else:
        ascent, descent, gap = hhea.ascent, -hhea.descent, hhea.lineGap
    cmap, widths = font.getBestCmap(), font["hmtx"].metrics
    total = sum(FREQUENCIES.values())
    width = sum(widths[cmap[ord(char)]][0] * share for char, share in FREQUENCIES.items()) / total
    return Metrics(font["head"].unitsPerEm, ascent, descent, gap, width)


def overrides(web: Metrics, fallback: Metrics) -> dict[str, str]:
    """The @font-face descriptors that make ``fallback`` take the room of ``web``."""
    scale = (web.average_width / web.units_per_em) / (fallback.average_width / fallback.units_per_em)
    def share(value: int) -> str:
        return f"{value / web.units_per_em / scale * 100:.2f}%"
    return {
        "size-adjust": f"{scale * 100:.2f}%",
        "ascent-override": share(web.ascent),
        "descent-override": share(web.descent),
        "line-gap-override": share(web.line_gap),
    }


def rename(font: TTFont, style: str) -> None:
    """Name the subset « Feuillet Text » (the OFL's Reserved Font Names stay off modified fonts)."""
    subfamily = {"normal": "Regular"}.get(style, style.title())
    table = font["name"]
    for record in list(table.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17, 21, 22):
            table.removeNames(nameID=record.nameID)
    table.setName(FAMILY, 1, 3, 1, 0x409)
    table.setName(subfamily, 2, 3, 1, 0x409)
    table.setName(f"{FAMILY} {subfamily}", 4, 3, 1, 0x409)
    table.setName(f"{FAMILY.replace(' ', '')}-{subfamily}", 6, 3, 1, 0x409)
    table.setName(f"{FAMILY} {subfamily}; subset of Charis SIL", 3, 3, 1, 0x409)


def subset_face(source: Path, target: Path, weight: int, style: str) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = FEATURES
    options.hinting = False  # browsers draw without TrueType hinting on most screens
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = True
    options.glyph_names = False
    font = subset.load_font(str(source), options)
    font.recalcTimestamp = False  # the same bytes on every run
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    name = "bold" if weight == 700 else "regular"
    rename(font, name if style == "normal" else ("italic" if weight == 400 else "bold italic"))
    subset.save_font(font, str(target), options)


def css(source_folder: Path) -> str:
    """The fallback faces, one per fallback font and weight/style, for static/css/site.css."""
    rules: list[str] = []
    locals_ = {
        "Georgia": {(400, "normal"): ["Georgia"], (400, "italic"): ["Georgia Italic", "Georgia-Italic"],
                    (700, "normal"): ["Georgia Bold", "Georgia-Bold"],
                    (700, "italic"): ["Georgia Bold Italic", "Georgia-BoldItalic"]},
        "Times New Roman": {(400, "normal"): ["Times New Roman", "TimesNewRomanPSMT"],
                            (400, "italic"): ["Times New Roman Italic", "TimesNewRomanPS-ItalicMT"],
                            (700, "normal"): ["Times New Roman Bold", "TimesNewRomanPS-BoldMT"],
                            (700, "italic"): ["Times New Roman Bold Italic", "TimesNewRomanPS-BoldItalicMT"]},
        "DejaVu Serif": {(400, "normal"): ["DejaVu Serif", "DejaVuSerif"],
                         (400, "italic"): ["DejaVu Serif Italic", "DejaVuSerif-Italic"],
                         (700, "normal"): ["DejaVu Serif Bold", "DejaVuSerif-Bold"],
                         (700, "italic"): ["DejaVu Serif Bold Italic", "DejaVuSerif-BoldItalic"]},
    }
    fallbacks = dict(KNOWN)
    if Path(DEJAVU).is_file():
        fallbacks["DejaVu Serif"] = measure(TTFont(DEJAVU))
    for name, fallback in fallbacks.items():
        for file, _, weight, style in FACES:
            web = measure(TTFont(source_folder / file))
            descriptors = overrides(web, fallback)
            src = ", ".join(f'local("{local}")' for local in locals_[name][(weight, style)])
            body = "; ".join(f"{key}: {value}" for key, value in descriptors.items())
            rules.append(f'@font-face {{ font-family: "{FAMILY} {name}"; src: {src}; '
                         f"font-weight: {weight}; font-style: {style}; {body}; }}")
    return "\n".join(rules)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("source", type=Path, help="the folder holding CharisSIL-*.ttf")
    parser.add_argument("--out", type=Path, default=OUT, help="where the .woff2 files go")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for file, target, weight, style in FACES:
        subset_face(args.source / file, args.out / target, weight, style)
        print(f"{target}: {(args.out / target).stat().st_size} bytes", file=sys.stderr)
    print(css(args.source))
    return 0


if __name__ == "__main__":
    sys.exit(main())

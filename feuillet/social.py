"""Social preview images: a PNG card with site name, kicker and title, drawn and cached by hash."""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont

# Bump when the drawing below changes, so cached cards drawn by older code are not reused.
VERSION = "2"

WIDTH, HEIGHT = 1200, 630
PAPER, INK, ACCENT = "#fbfaf6", "#1f1d1a", "#8c1c13"
MARGIN = 80
SITE_NAME_TOP, SITE_NAME_SIZE = 64, 34
RULE_TOP, RULE_THICKNESS = 126, 3
KICKER_TOP, KICKER_SIZE = 166, 28
TITLE_GAP = 30  # between the kicker (or the rule) and the title
BOTTOM = HEIGHT - 64
TITLE_SIZES = tuple(range(76, 35, -4))  # tried largest first
MIN_TITLE_SIZE = TITLE_SIZES[-1]
MAX_LINES = 5
LINE_HEIGHT = 1.18
ELLIPSIS = "…"


@dataclass(frozen=True)
class Card:
    """What a preview card shows; the title is already typeset (French no-break spaces)."""

    site_name: str
    title: str
    kicker: str | None = None


def engine() -> str:
    """The versions of what rasterises a card: Pillow and the FreeType it was built with."""
    from PIL import features

    return f"pillow {PIL.__version__} freetype {features.version('freetype2')}"


def cache_key(card: Card, font: bytes) -> str:
    """A name that changes whenever the card's bytes could: its text, the font, the code."""
    digest = hashlib.sha256()
    # Pillow's version is part of it because its rasteriser decides the pixels.
    recipe = {"card": asdict(card), "version": VERSION, "engine": engine()}
    digest.update(json.dumps(recipe, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    digest.update(hashlib.sha256(font).digest())
    return digest.hexdigest()[:32]


def card_png(
    card: Card,
    font: bytes,
    cache: Path | None = None,
    draw: Callable[[Card, bytes], bytes] | None = None,
) -> bytes:
    """The card's PNG, taken from ``cache`` when an identical card was drawn before."""
    render = draw or draw_card
    if cache is None:
        return render(card, font)
    path = cache / f"{cache_key(card, font)}.png"
    if path.is_file():
        return path.read_bytes()
    content = render(card, font)
    cache.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed, so a concurrent or interrupted build never reads half a file.
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(content)
    os.replace(partial, path)
    return content


def image_info(content: bytes) -> tuple[int, int, str]:
    """Width, height and media type of an image file, such as an article's own illustration."""
    with Image.open(io.BytesIO(content)) as image:
        return image.width, image.height, Image.MIME.get(image.format or "", "image/png")


def _font(font: bytes, size: int) -> ImageFont.FreeTypeFont:
    # The basic layout engine, not Raqm: whether Raqm is installed must not change the pixels.
    return ImageFont.truetype(io.BytesIO(font), size=size, layout_engine=ImageFont.Layout.BASIC)


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy line breaking at ordinary spaces only: a no-break space never ends a line."""
    lines: list[str] = []
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and measure(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _shorten(lines: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    """Keep at most MAX_LINES lines, ending the last kept one with an ellipsis when text was cut."""
    if len(lines) <= MAX_LINES:
        return lines
    last = lines[MAX_LINES - 1].split(" ")
    while len(last) > 1 and measure(" ".join(last) + ELLIPSIS) > width:
        last.pop()
    return [*lines[: MAX_LINES - 1], " ".join(last) + ELLIPSIS]


def fit_title(title: str, font: bytes, width: float, height: float) -> tuple[int, list[str]]:
    """The largest title size whose wrapped lines fit the box, and those lines."""
    for size in TITLE_SIZES:
        face = _font(font, size)
        lines = wrap(title, width, face.getlength)
        fits_width = all(face.getlength(line) <= width for line in lines)
        if fits_width and len(lines) <= MAX_LINES and len(lines) * size * LINE_HEIGHT <= height:
            return size, lines
    face = _font(font, MIN_TITLE_SIZE)
    return MIN_TITLE_SIZE, _shorten(wrap(title, width, face.getlength), width, face.getlength)


def draw_card(card: Card, font: bytes) -> bytes:
    """Draw the card: calm paper, the site's name over a thin accent rule, kicker, then title."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    pen.text((MARGIN, SITE_NAME_TOP), card.site_name, font=_font(font, SITE_NAME_SIZE),
             fill=INK, anchor="la")
    rule = (MARGIN, RULE_TOP, WIDTH - MARGIN - 1, RULE_TOP + RULE_THICKNESS - 1)
    pen.rectangle(rule, fill=ACCENT)
    top = RULE_TOP + RULE_THICKNESS + TITLE_GAP
    if card.kicker:
        # Upper case as the site's stylesheet shows kickers.
        pen.text((MARGIN, KICKER_TOP), card.kicker.upper(), font=_font(font, KICKER_SIZE),
                 fill=ACCENT, anchor="la")
        top = KICKER_TOP + KICKER_SIZE + TITLE_GAP
    size, lines = fit_title(card.title, font, width, BOTTOM - top)
    face = _font(font, size)
    for index, line in enumerate(lines):
        pen.text((MARGIN, top + index * size * LINE_HEIGHT), line, font=face, fill=INK, anchor="la")
    buffer = io.BytesIO()
    # No metadata chunks are added, so equal cards give equal bytes. No ``optimize``: it cost
    # ~50 ms a card (most of a cold build) to save a few kilobytes.
    image.save(buffer, format="PNG")
    return buffer.getvalue()

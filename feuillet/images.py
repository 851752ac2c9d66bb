"""The sizes of a figure's image: measured once, resized with Pillow, cached by content hash.

A figure's image is published as the editor gave it, and also in a few widths (:data:`WIDTHS`,
never wider than the original) under ``images/``, named by the digest of the original's bytes,
so one image shown by two articles is resized once and a rebuild reuses the files already
made (``.cache/images/``). The bytes of a size depend only on the original, the width, this
module's :data:`VERSION` and Pillow's version: the save options are fixed and no metadata that
could hold a time (EXIF, text chunks) is written; the photo is turned upright first, as its
EXIF orientation says, since that tag is dropped.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageOps, UnidentifiedImageError

from feuillet.errors import message, template

# Bump when the resizing below changes, so sizes made by older code are not reused.
VERSION = "1"

WIDTHS = (480, 800, 1200, 1600)  # the sizes offered to browsers; the widest is the largest made
FOLDER = "images"  # where the sizes are published, in the site
CACHE = "images"  # their folder in the build cache
# What Pillow resizes; other images (GIF animations, SVG) are published as they are.
RESIZED = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
QUALITY = 82  # JPEG and WebP
_ORIENTATION = 0x0112  # the EXIF tag
_TURNED = {5, 6, 7, 8}  # orientations that swap width and height

# Why an image cannot be read (the end of a message naming it).
UNKNOWN_FORMAT = template("it is in no image format feuillet reads (JPEG, PNG, WebP, GIF, SVG)")
TOO_MANY_PIXELS = template("it has more pixels than feuillet reads ({limit:,})")


@dataclass(frozen=True)
class Info:
    """An image as shown: its width and height once upright, and Pillow's name of its format."""

    width: int
    height: int
    format: str


class Unreadable(ValueError):
    """The file is not an image Pillow can read (the reason is Pillow's)."""


def digest_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def info(content: bytes) -> Info:
    """The size and format of an image, read from its header (no pixel is decoded)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                orientation = image.getexif().get(_ORIENTATION)  # JPEG, but PNG and WebP too
                found = image.format or ""
    except UnidentifiedImageError as error:
        raise Unreadable(message(UNKNOWN_FORMAT)) from error
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise Unreadable(message(TOO_MANY_PIXELS, limit=Image.MAX_IMAGE_PIXELS or 0)) from error
    except (OSError, SyntaxError, ValueError) as error:  # a damaged file
        raise Unreadable(str(error) or type(error).__name__) from error
    if orientation in _TURNED:
        width, height = height, width
    return Info(width, height, found)


def widths(original: int) -> tuple[int, ...]:
    """The widths made of an image ``original`` pixels wide: those of :data:`WIDTHS` narrower
    than it, and its own width when it is within them (a wider one is not made larger)."""
    narrower = tuple(width for width in WIDTHS if width < original)
    return narrower + ((original,) if original <= WIDTHS[-1] else ())


def height_at(info: Info, width: int) -> int:
    """The height of a size ``width`` pixels wide, in proportion (at least one pixel)."""
    return max(1, round(info.height * width / info.width))


def size_path(digest: str, width: int, format: str) -> str:
    """The site path of one size: ``images/<digest>-<width>w.jpg``."""
    return f"{FOLDER}/{digest[:20]}-{width}w{RESIZED[format]}"


def resize(content: bytes, width: int) -> bytes:
    """The image turned upright and resized to ``width`` pixels, in its own format."""
    with Image.open(io.BytesIO(content)) as opened:
        format = opened.format or ""
        icc = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)
        if image is None:  # pragma: no cover - only with in_place=True
            image = opened
        if format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        elif image.mode == "P" or image.mode not in ("RGB", "RGBA", "L", "LA"):
            image = image.convert("RGBA" if "transparency" in image.info or "A" in image.mode else "RGB")
        height = max(1, round(image.height * width / image.width))
        if (width, height) != image.size:
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        options: dict[str, object] = {"icc_profile": icc} if icc else {}
        if format == "JPEG":
            image.save(buffer, format="JPEG", quality=QUALITY, optimize=False, progressive=False,
                       subsampling=2, **options)
        elif format == "WEBP":
            image.save(buffer, format="WEBP", quality=QUALITY, method=4, **options)
        else:
            image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def cache_key(digest: str, width: int) -> str:
    """The name of a size in the cache: the original's digest, the width and the code."""
    recipe = f"{digest}\0{width}\0{VERSION}\0{PIL.__version__}"
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest()[:32]


def sized(content: bytes, width: int, cache: Path | None) -> bytes:
    """One size of an image, taken from ``cache`` when it was made before."""
    if cache is None:
        return resize(content, width)
    path = cache / cache_key(digest_of(content), width)
    if path.is_file():
        return path.read_bytes()
    made = resize(content, width)
    cache.mkdir(parents=True, exist_ok=True)
    # Written aside then renamed, so a concurrent or interrupted build never reads half a file.
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(made)
    os.replace(partial, path)
    return made

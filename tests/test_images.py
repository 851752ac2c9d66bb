"""Figures: an image alone in its paragraph or a typed image block, its caption and credit, page
bundles, the sizes made with Pillow, their cache, and incremental builds."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from feuillet import images
from feuillet.content import load_article
from feuillet.errors import Problems
from feuillet.files import ARTICLES, listing
from feuillet.model import Figure, Prose, SiteConfig
from feuillet.pipeline import BuildOptions, DevSite, Project, build
from tests.conftest import make_site, run, soup
from tests.test_incremental import clean_build, files, site_files

FRONT = "---\ntitle: Le port de Nampo\ndate: 2024-06-19 10:00\nstandfirst: Un chapô.\n---\n"
BODY = (
    "Le texte d’ouverture.\n"  # line 6
    "\n"
    '![Des grues sur le quai](port.jpg "Le port de Nampo, en 2023 — Photo : AFP")\n'  # line 8
    "\n"
    "## La carte\n"
    "\n"
    '![Carte du port](/static/img/carte.png "La carte *officielle*")\n'  # line 12
    "\n"
    "Du texte avec ![une vignette](port.jpg) dedans.\n"
)
YAML = (
    "title: Le port de Nampo\ndate: 2024-06-19 10:00\nstandfirst: Un chapô.\nsections:\n"
    "  - blocks:\n"
    "      - Le texte d’ouverture.\n"
    "      - image: port.jpg\n"
    "        alt: Des grues sur le quai\n"
    "        caption: Le port de Nampo, en 2023\n"
    '        credit: "Photo : AFP"\n'
    "  - title: La carte\n"
    "    blocks:\n"
    "      - kind: image\n"
    "        image: /static/img/carte.png\n"
    "        alt: Carte du port\n"
    "        caption: La carte *officielle*\n"
    "      - Du texte avec ![une vignette](port.jpg) dedans.\n"
)
CONFIG = SiteConfig(title="T", url="https://exemple.fr/")


def picture(width: int, height: int, format: str = "JPEG", color: tuple[int, int, int] = (180, 90, 40),
            **options: object) -> bytes:
    """An image of its own: a gradient, so that resizing has something to do."""
    image = Image.new("RGB", (width, height), color)
    for x in range(0, width, max(1, width // 16)):
        image.paste((x * 255 // width, 120, 200), (x, 0, x + 4, height))
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def bundle_site(root: Path, body: str = BODY, photo: bytes | None = None, name: str = "index.md") -> Path:
    text = FRONT + body if name.endswith(".md") else body
    make_site(root, {f"content/articles/le-port/{name}": text})
    (root / "content/articles/le-port/port.jpg").write_bytes(photo or picture(1600, 900))
    (root / "static/img/carte.png").write_bytes(picture(600, 400, "PNG"))
    return root


def figures(page: Path) -> list:  # type: ignore[type-arg]
    return soup(page).select("figure.figure")


# --- The model: which Markdown is a figure, the typed block, the credit ----------------------


def test_markdown_and_typed_blocks_load_into_the_same_figures() -> None:
    problems = Problems()
    markdown = load_article(FRONT + BODY, "content/articles/le-port/index.md", CONFIG, problems)
    typed = load_article(YAML, "content/articles/le-port/index.yaml", CONFIG, problems)
    assert not problems.items and markdown is not None and typed is not None
    assert markdown == typed
    assert markdown.slug == "le-port"  # a bundle's article is named after its folder
    opening, carte = markdown.sections
    assert opening.blocks[1] == Figure("port.jpg", "Des grues sur le quai", "Le port de Nampo, en 2023",
                                       "Photo : AFP")
    assert opening.blocks[1].line == 8 and carte.blocks[0].line == 12
    assert carte.blocks[0] == Figure("/static/img/carte.png", "Carte du port", "La carte *officielle*")
    assert isinstance(carte.blocks[1], Prose)  # an image inside a sentence stays in its sentence


@pytest.mark.parametrize(("line", "expected"), [
    ('![a](x.jpg "— Photo : AFP")', Figure("x.jpg", "a", None, "Photo : AFP")),
    ("![a](<mon image.jpg> 'Légende')", Figure("mon image.jpg", "a", "Légende")),
    ("![a \\] b](x.jpg (Légende))", Figure("x.jpg", "a ] b", "Légende")),
    ('![](x.jpg "Les années 2019–2020")', Figure("x.jpg", "", "Les années 2019–2020")),  # an en dash
])
def test_a_line_holding_only_an_image_is_a_figure(line: str, expected: Figure) -> None:
    article = load_article(FRONT + f"Avant.\n\n{line}\n", "content/articles/a.md", CONFIG, Problems())
    assert article is not None
    assert article.sections[0].blocks[1] == expected


@pytest.mark.parametrize("body", [
    "Avant.\n![a](x.jpg)\n",  # in the paragraph of the line before
    "![a](x.jpg)\nAprès.\n",  # the paragraph goes on
    "![a](x.jpg) et du texte.\n",
    "- un point\n\n  ![a](x.jpg)\n",  # inside a list item
    "```\n![a](x.jpg)\n```\n",
])
def test_an_image_in_running_text_is_no_figure(body: str) -> None:
    article = load_article(FRONT + body, "content/articles/a.md", CONFIG, Problems())
    assert article is not None
    assert not any(isinstance(block, Figure) for block in article.sections[0].blocks)


# --- The page ----------------------------------------------------------------------------------


def test_a_figure_shows_its_image_caption_and_credit(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    first, second = figures(tmp_path / "out/le-port/index.html")
    image = first.find("img")
    assert image["alt"] == "Des grues sur le quai"
    assert (image["width"], image["height"]) == ("1600", "900")
    assert "loading" not in image.attrs and "decoding" not in image.attrs  # the first screen
    caption = first.find("figcaption")
    assert caption.find(class_="figure-caption").get_text() == "Le port de Nampo, en 2023"
    assert caption.find(class_="figure-credit").get_text() == "Photo\u00a0: AFP"  # typeset
    assert caption.get_text() == "Le port de Nampo, en 2023 Photo\u00a0: AFP"
    assert [child.name for child in first.find_all(recursive=False)] == ["img", "figcaption"]
    # The second figure: a static image, its caption's Markdown rendered, below the first screen.
    assert second.find("figcaption").decode_contents() == (
        '<span class="figure-caption">La carte <em>officielle</em></span>')
    assert (second.img["loading"], second.img["decoding"]) == ("lazy", "async")
    # The image inside a sentence is left where it is, as Markdown writes it.
    inline = soup(tmp_path / "out/le-port/index.html").select(".prose img")
    assert [(img["src"], img["alt"]) for img in inline] == [("port.jpg", "une vignette")]


def test_a_typed_image_block_gives_the_same_page(tmp_path: Path) -> None:
    markdown = bundle_site(tmp_path / "md")
    typed = bundle_site(tmp_path / "yaml", YAML, name="index.yaml")
    assert run(markdown, "build", "--output", str(tmp_path / "out-md")) == 0
    assert run(typed, "build", "--output", str(tmp_path / "out-yaml")) == 0
    page = "le-port/index.html"
    assert [str(f) for f in figures(tmp_path / "out-md" / page)] == [
        str(f) for f in figures(tmp_path / "out-yaml" / page)]


def test_a_bundle_publishes_its_page_and_images_under_the_base_path(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    (root / "content/articles/le-port/annexe").mkdir()
    (root / "content/articles/le-port/annexe/note.txt").write_text("Une note.", encoding="utf-8")
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out), "--base-path", "/pr-12/") == 0
    assert (out / "le-port/port.jpg").read_bytes() == (root / "content/articles/le-port/port.jpg").read_bytes()
    assert (out / "le-port/annexe/note.txt").read_text(encoding="utf-8") == "Une note."
    first, second = figures(out / "le-port/index.html")
    digest = images.digest_of((root / "content/articles/le-port/port.jpg").read_bytes())[:20]
    assert first.img["src"] == f"/pr-12/images/{digest}-1600w.jpg"
    assert first.img["srcset"] == ", ".join(
        f"/pr-12/images/{digest}-{width}w.jpg {width}w" for width in (480, 800, 1200, 1600))
    assert first.img["sizes"] == "(max-width: 40rem) 100vw, 40rem"
    carte = images.digest_of((root / "static/img/carte.png").read_bytes())[:20]
    assert second.img["srcset"] == f"/pr-12/images/{carte}-480w.png 480w, /pr-12/images/{carte}-600w.png 600w"
    # The inline image beside the article is found by the link check: no warning.
    assert run(root, "build", "--output", str(tmp_path / "strict"), "--strict") == 0


def test_the_feed_shows_figures_at_absolute_addresses(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    feed = (tmp_path / "out/feed.xml").read_text(encoding="utf-8")
    digest = images.digest_of((root / "content/articles/le-port/port.jpg").read_bytes())[:20]
    assert (f'&lt;figure&gt;&lt;img src="https://exemple.fr/images/{digest}-1600w.jpg" alt="Des grues '
            'sur le quai" width="1600" height="900"&gt;&lt;figcaption&gt;Le port de Nampo, en 2023 '
            "Photo\u00a0: AFP&lt;/figcaption&gt;&lt;/figure&gt;") in feed


def test_an_image_of_another_host_is_shown_as_it_is(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site", "Texte.\n\n![Une carte](https://cartes.example.org/nampo.png \"Nampo\")\n")
    assert run(root, "build", "--output", str(tmp_path / "out")) == 0
    (figure,) = figures(tmp_path / "out/le-port/index.html")
    assert figure.img.attrs == {"src": "https://cartes.example.org/nampo.png", "alt": "Une carte"}


def test_a_draft_bundle_publishes_nothing(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site", BODY)
    index = root / "content/articles/le-port/index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    assert not (out / "le-port").exists() and not (out / "images").exists()


# --- Problems ------------------------------------------------------------------------------


def test_a_missing_image_is_an_error_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = bundle_site(tmp_path / "site", BODY.replace("(port.jpg \"", "(manque.jpg \""))
    assert run(root, "build", "--output", str(tmp_path / "out")) == 1
    assert capsys.readouterr().err.splitlines() == [
        "content/articles/le-port/index.md:8: image: the image manque.jpg is not a file of the site: put "
        "it in the article's folder, beside its index.md or index.yaml, or under static/ (written /static/…)",
        "feuillet: 1 problem; nothing was written",
    ]
    assert not (tmp_path / "out").exists()


def test_a_bundle_lists_its_files_apart_from_the_articles(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    (root / "content/articles/le-port/notes.txt").write_text("x", encoding="utf-8")
    (root / "content/articles/le-port/port.jpg~").write_text("x", encoding="utf-8")  # litter
    (root / "content/articles/autre.txt").write_text("x", encoding="utf-8")  # not in a bundle
    found = listing(root, ARTICLES)
    assert [source.path for source in found.sources] == ["content/articles/le-port/index.md"]
    assert [source.path for source in found.resources] == [
        "content/articles/le-port/notes.txt", "content/articles/le-port/port.jpg"]
    assert [problem.path for problem in found.problems] == ["content/articles/autre.txt"]


# --- Sizes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("original", "expected"), [
    (1600, (480, 800, 1200, 1600)), (2400, (480, 800, 1200, 1600)), (1000, (480, 800, 1000)),
    (480, (480,)), (300, (300,)),
])
def test_sizes_are_never_wider_than_the_original(original: int, expected: tuple[int, ...]) -> None:
    assert images.widths(original) == expected


def test_the_sizes_made_have_their_pixel_sizes(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site", photo=picture(2400, 1350))
    out = tmp_path / "out"
    assert run(root, "build", "--output", str(out)) == 0
    made = {}
    for path in sorted((out / "images").iterdir()):
        with Image.open(path) as image:
            made[path.name.split("-", 1)[1]] = (image.format, image.size, sorted(image.info))
    assert made == {
        "480w.jpg": ("JPEG", (480, 270), ["jfif", "jfif_density", "jfif_unit", "jfif_version"]),
        "800w.jpg": ("JPEG", (800, 450), ["jfif", "jfif_density", "jfif_unit", "jfif_version"]),
        "1200w.jpg": ("JPEG", (1200, 675), ["jfif", "jfif_density", "jfif_unit", "jfif_version"]),
        "1600w.jpg": ("JPEG", (1600, 900), ["jfif", "jfif_density", "jfif_unit", "jfif_version"]),
        "480w.png": ("PNG", (480, 320), []),
        "600w.png": ("PNG", (600, 400), []),
    }
    first = figures(out / "le-port/index.html")[0]
    assert (first.img["width"], first.img["height"]) == ("1600", "900")  # the widest size's


def test_a_photo_is_turned_upright_and_its_metadata_dropped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone on its side: turn 90° clockwise to show it
    exif[0x0132] = "2024:06:19 10:00:00"  # a time, which must not reach the site
    content = picture(800, 600, exif=exif.tobytes())
    assert images.info(content) == images.Info(600, 800, "JPEG")
    made = images.resize(content, 480)
    with Image.open(io.BytesIO(made)) as image:
        assert image.size == (480, 640)
        assert not image.getexif()
    assert images.resize(content, 480) == made  # the same bytes every time


def test_a_second_build_takes_the_sizes_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = bundle_site(tmp_path / "site")
    build(Project(root), tmp_path / "first", BuildOptions(jobs=1))
    cached = sorted(path.name for path in (root / ".cache" / images.CACHE).iterdir())
    assert len(cached) == 6  # four sizes of the photo, two of the map

    def no_resizing(content: bytes, width: int) -> bytes:
        raise AssertionError("resized again")

    monkeypatch.setattr(images, "resize", no_resizing)
    build(Project(root), tmp_path / "second", BuildOptions(jobs=1))  # a new folder: every file made
    assert files(tmp_path / "second") == files(tmp_path / "first")


def test_an_image_replaced_in_an_incremental_build_gives_the_clean_build(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    out = tmp_path / "out"
    build(Project(root), out, BuildOptions(jobs=1))
    (root / "content/articles/le-port/port.jpg").write_bytes(picture(1000, 500, color=(10, 20, 30)))
    build(Project(root), out, BuildOptions(jobs=1), shortcut=False)
    assert files(out) == clean_build(root, tmp_path / "clean")
    first = figures(out / "le-port/index.html")[0]
    assert (first.img["width"], first.img["height"]) == ("1000", "500")
    assert [name.split("-", 1)[1] for name in sorted(p.name for p in (out / "images").iterdir())
            if name.endswith(".jpg")] == ["1000w.jpg", "480w.jpg", "800w.jpg"]


def test_the_no_op_check_sees_a_bundle_image(tmp_path: Path) -> None:
    """A build into an unchanged folder stops early; a replaced photo must count as a change."""
    from feuillet.stamp import source_files

    root = bundle_site(tmp_path / "site")
    listed = source_files(Project(root))
    assert listed is not None
    assert "content/articles/le-port/port.jpg" in [path for path, *_ in listed]


def test_the_dev_server_follows_a_replaced_image(tmp_path: Path) -> None:
    root = bundle_site(tmp_path / "site")
    dev = DevSite(Project(root))
    try:
        first = dev.rebuild()
        assert first.root is not None
        photo = root / "content/articles/le-port/port.jpg"
        photo.write_bytes(picture(800, 800, color=(1, 2, 3)))
        second = dev.rebuild([str(photo)])
        assert second.root == first.root and not second.errors
        assert site_files(files(first.root)) == site_files(clean_build(root, tmp_path / "clean"))
        image = figures(first.root / "le-port/index.html")[0].img
        assert (image["width"], image["height"]) == ("800", "800")
    finally:
        dev.close()

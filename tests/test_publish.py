"""Feed, sitemap, robots.txt, head metadata, JSON-LD and social images of a built site."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageFont

from feuillet import publish, social
from tests.conftest import REPO, run, soup

ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
PROD = "https://exemple.fr/"
SITE_YAML = """\
title: Le Feuillet d’essai
url: https://exemple.fr/
description: Un site d’essai.
byline: [La rédaction]
publisher:
  name: Éditions d’essai
  url: https://editions.exemple.fr/
  logo: img/logo.png
"""
OLDER = """\
title: Un premier article sur la Russie
date: 2024-06-19 10:00
kicker: Analyse
tags: [Russie, Ukraine]
standfirst: Le chapô, avec de l’*emphase* et un [lien](https://exemple.org/).
sections:
  - title: Première partie
    blocks:
      - Un paragraphe.
      - text: Une citation.
        author: Peter Ward
        role: chercheur
      - items: [un, deux]
"""
BREAKOUT_TITLE = 'Quand « </script> » et des "guillemets" & cie tentent de casser la page ' + (
    "en s’allongeant bien au-delà de la limite des cent dix caractères de Google"
)
NEWER = f"""\
title: '{BREAKOUT_TITLE}'
date: 2024-07-01 08:30
updated: 2024-07-02 18:00
authors: [Marie Curie]
typography: false
standfirst: Un second chapô.
sections:
  - blocks:
      - Le texte.
"""
PAGE = "---\ntitle: À propos\ndescription: Qui nous sommes.\n---\nUn texte.\n"
FILES = {
    "site.yaml": SITE_YAML,
    "content/articles/premier.yaml": OLDER,
    "content/articles/second.yaml": NEWER,
    "content/pages/a-propos.md": PAGE,
}


def build(root: Path, out: Path, *args: str) -> Path:
    assert run(root, "build", "--output", str(out), *args) == 0
    return out


@pytest.fixture
def built(site: Callable[..., Path], tmp_path: Path) -> Path:
    return build(site(FILES), tmp_path / "out")


def head_meta(page: BeautifulSoup) -> dict[str, list[str]]:
    """Every <meta property|name> of the page: key → contents in order."""
    found: dict[str, list[str]] = {}
    for tag in page.find_all("meta"):
        key = tag.get("property") or tag.get("name")
        if key:
            found.setdefault(str(key), []).append(str(tag["content"]))
    return found


def jsonld(page: BeautifulSoup) -> Any:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def graph(page: BeautifulSoup, kind: str) -> dict[str, Any]:
    data = jsonld(page)
    assert data["@context"] == "https://schema.org"
    nodes = [node for node in data["@graph"] if node["@type"] == kind]
    assert len(nodes) == 1
    node: dict[str, Any] = nodes[0]
    return node


# --- Feed --------------------------------------------------------------------------------


def test_feed_is_valid_atom_newest_first(built: Path) -> None:
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.id == PROD
    assert feed.feed.updated == "2024-07-02T18:00:00+02:00"  # the newest change, not the build time
    assert [e.id for e in feed.entries] == [PROD + "second/", PROD + "premier/"]
    assert [e.link for e in feed.entries] == [PROD + "second/", PROD + "premier/"]
    second, first = feed.entries
    assert second.title == BREAKOUT_TITLE
    assert second.published == "2024-07-01T08:30:00+02:00"
    assert second.updated == "2024-07-02T18:00:00+02:00"
    assert first.published == first.updated == "2024-06-19T10:00:00+02:00"
    assert second.author == "Marie Curie"
    assert first.author == "La rédaction"
    assert first.summary == "Le chapô, avec de l’emphase et un lien."
    assert first.summary_detail.type == "text/plain"
    content = first.content[0]
    assert content.type == "text/html"
    for part in ("<h2>Première partie</h2>", "<p>Un paragraphe.</p>", "Peter Ward", "<li>deux</li>"):
        assert part in content.value


def test_feed_without_full_content_has_summaries_only(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({**FILES, "site.yaml": SITE_YAML + "feed_full_content: false\n"})
    feed = feedparser.parse((build(root, tmp_path / "out") / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert all("content" not in entry for entry in feed.entries)
    assert feed.entries[0].summary == "Un second chapô."


def test_every_page_links_the_feed_and_the_icons(built: Path) -> None:
    for path in ("index.html", "premier/index.html", "a-propos/index.html", "404.html"):
        head = soup(built / path).head
        feed = head.find("link", rel="alternate", type="application/atom+xml")
        assert feed["href"] == "/feed.xml"
        icons = {link["href"] for link in head.find_all("link", rel=["icon", "apple-touch-icon"])}
        assert icons == {"/static/img/favicon.svg", "/static/img/favicon-32.png",
                         "/static/img/apple-touch-icon.png"}
        for icon in icons:
            assert (built / icon.lstrip("/")).is_file()


def test_a_site_without_articles_has_no_feed(site: Callable[..., Path], tmp_path: Path) -> None:
    out = build(site({"site.yaml": SITE_YAML, "content/pages/a-propos.md": PAGE}), tmp_path / "out")
    assert not (out / "feed.xml").exists()
    assert soup(out / "index.html").find("link", type="application/atom+xml") is None


# --- Sitemap and robots.txt --------------------------------------------------------------


def test_sitemap_lists_home_articles_and_pages(built: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((built / "sitemap.xml").read_bytes())
    entries = {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
        for url in root.findall("s:url", ns)
    }
    assert entries == {
        PROD: "2024-07-02T18:00:00+02:00",
        PROD + "second/": "2024-07-02T18:00:00+02:00",
        PROD + "premier/": "2024-06-19T10:00:00+02:00",
        PROD + "a-propos/": None,
        **{PROD + path: None for path in ("auteurs/", "auteurs/marie-curie/", "rubriques/", "rubriques/analyse/",
                                          "sujets/", "sujets/russie/", "sujets/ukraine/")},
    }


def test_robots_txt_points_to_the_absolute_sitemap(built: Path) -> None:
    text = (built / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in text.splitlines()
    assert f"Sitemap: {PROD}sitemap.xml" in text.splitlines()


# --- Head metadata -----------------------------------------------------------------------


def test_article_open_graph_and_twitter(built: Path) -> None:
    meta = head_meta(soup(built / "premier" / "index.html"))
    image = PROD + "premier/social.png"
    title = "Un premier article sur la Russie"
    description = "Le chapô, avec de l’emphase et un lien."
    expected = {
        "og:site_name": ["Le Feuillet d’essai"],
        "og:locale": ["fr_FR"],
        "og:type": ["article"],
        "og:url": [PROD + "premier/"],
        "og:title": [title],
        "og:description": [description],
        "og:image": [image],
        "og:image:width": ["1200"],
        "og:image:height": ["630"],
        "og:image:alt": [title],
        "article:published_time": ["2024-06-19T10:00:00+02:00"],
        "article:modified_time": ["2024-06-19T10:00:00+02:00"],
        "article:section": ["Analyse"],
        "article:tag": ["Russie", "Ukraine"],
        "twitter:card": ["summary_large_image"],
        "twitter:title": [title],
        "twitter:description": [description],
        "twitter:image": [image],
    }
    assert {key: meta.get(key) for key in expected} == expected


def test_home_and_page_open_graph(built: Path) -> None:
    home = head_meta(soup(built / "index.html"))
    assert home["og:type"] == ["website"]
    assert home["og:url"] == [PROD]
    assert home["og:title"] == ["Le Feuillet d’essai"]
    assert home["og:image"] == [PROD + "static/img/logo.png"]
    assert home["twitter:card"] == ["summary"]
    page = head_meta(soup(built / "a-propos" / "index.html"))
    assert page["og:title"] == ["À propos"]
    assert page["og:description"] == ["Qui nous sommes."]
    assert page["og:url"] == [PROD + "a-propos/"]


def test_english_site_uses_a_british_locale(site: Callable[..., Path], tmp_path: Path) -> None:
    out = build(site({**FILES, "site.yaml": SITE_YAML + "language: en\n"}), tmp_path / "out")
    assert head_meta(soup(out / "index.html"))["og:locale"] == ["en_GB"]
    assert graph(soup(out / "premier" / "index.html"), "NewsArticle")["inLanguage"] == "en-GB"


# --- JSON-LD -----------------------------------------------------------------------------


def test_news_article_has_what_google_requires(built: Path) -> None:
    article = graph(soup(built / "second" / "index.html"), "NewsArticle")
    assert isinstance(article["headline"], str)
    assert len(article["headline"]) <= 110
    assert article["headline"].endswith("…")
    assert BREAKOUT_TITLE.startswith(article["headline"][:-1].rstrip())
    assert article["datePublished"] == "2024-07-01T08:30:00+02:00"
    assert article["dateModified"] == "2024-07-02T18:00:00+02:00"
    assert article["author"] == [{"@type": "Person", "name": "Marie Curie", "url": PROD + "auteurs/marie-curie/"}]
    assert article["publisher"] == {
        "@type": "Organization",
        "name": "Éditions d’essai",
        "url": "https://editions.exemple.fr/",
        "logo": {"@type": "ImageObject", "url": PROD + "static/img/logo.png",
                 "width": 512, "height": 512},
    }
    assert article["image"] == [PROD + "second/social.png"]
    assert article["inLanguage"] == "fr-FR"
    assert article["mainEntityOfPage"] == PROD + "second/"
    assert article["description"] == "Un second chapô."


def test_the_site_byline_is_an_organization(built: Path) -> None:
    article = graph(soup(built / "premier" / "index.html"), "NewsArticle")
    assert article["author"] == [{"@type": "Organization", "name": "La rédaction", "url": PROD}]
    assert article["dateModified"] == article["datePublished"] == "2024-06-19T10:00:00+02:00"
    assert ISO_WITH_OFFSET.match(article["datePublished"])
    assert article["articleSection"] == "Analyse"
    assert article["keywords"] == ["Russie", "Ukraine"]


def test_breadcrumb_goes_from_home_to_article(built: Path) -> None:
    crumbs = graph(soup(built / "premier" / "index.html"), "BreadcrumbList")["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Le Feuillet d’essai", PROD),
        (2, "Un premier article sur la Russie", PROD + "premier/"),
    ]


def test_a_title_cannot_break_out_of_the_script(built: Path) -> None:
    html = (built / "second" / "index.html").read_text(encoding="utf-8")
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script and "&" not in script
    page = soup(built / "second" / "index.html")
    crumbs = graph(page, "BreadcrumbList")["itemListElement"]
    assert crumbs[1]["name"] == BREAKOUT_TITLE
    assert page.find("h1").get_text() == BREAKOUT_TITLE  # the body after the script is intact
    assert head_meta(page)["og:title"] == [BREAKOUT_TITLE]


def test_home_describes_the_website(built: Path) -> None:
    website = jsonld(soup(built / "index.html"))
    assert website["@type"] == "WebSite"
    assert website["url"] == PROD
    assert website["name"] == "Le Feuillet d’essai"
    assert website["inLanguage"] == "fr-FR"
    assert website["publisher"]["name"] == "Éditions d’essai"


def test_jsonld_markup_escapes_html_specials() -> None:
    text = publish.jsonld_markup({"a": "</script><!-- & -->"})
    assert str(text) == '{"a": "\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e"}'
    assert json.loads(text) == {"a": "</script><!-- & -->"}


@given(st.text(alphabet=st.sampled_from("ab \u00a0\u202f:"), max_size=300))
def test_truncate_keeps_whole_words_within_the_limit(text: str) -> None:
    result = publish.truncate(text)
    assert len(result) <= publish.HEADLINE_LIMIT
    if len(text) <= publish.HEADLINE_LIMIT:
        assert result == text
    else:
        assert result.endswith("…")
        kept = result[:-1]
        assert text.startswith(kept)
        assert text[len(kept)] in " \u00a0\u202f:" or " " not in text[: publish.HEADLINE_LIMIT - 1]


def test_a_missing_logo_fails_the_build(site: Callable[..., Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    root = site({**FILES, "site.yaml": SITE_YAML.replace("img/logo.png", "img/absent.png")})
    assert run(root, "build", "--output", str(tmp_path / "out")) == 1
    assert "no file static/img/absent.png" in capsys.readouterr().err


def test_an_article_image_replaces_the_card(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site({**FILES, "content/articles/premier.yaml": OLDER + "image: img/photo.png\n"})
    Image.new("RGB", (1600, 900), "#336699").save(root / "static" / "img" / "photo.png")
    out = build(root, tmp_path / "out")
    meta = head_meta(soup(out / "premier" / "index.html"))
    assert meta["og:image"] == [PROD + "static/img/photo.png"]
    assert (meta["og:image:width"], meta["og:image:height"]) == (["1600"], ["900"])
    assert not (out / "premier" / "social.png").exists()
    assert (out / "second" / "social.png").is_file()


# --- Social images -----------------------------------------------------------------------


def font_bytes() -> bytes:
    return (REPO / "assets" / publish.SOCIAL_FONT).read_bytes()


def test_social_card_is_a_deterministic_1200_by_630_png() -> None:
    card = social.Card("Feuillet", "Poutine à Pyongyang\u00a0: une alliance", "Analyse")
    first, second = social.draw_card(card, font_bytes()), social.draw_card(card, font_bytes())
    assert first == second
    with Image.open(io.BytesIO(first)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))
        assert not image.info.keys() - {"dpi", "gamma", "srgb"}  # no time stamp nor text chunk


def test_the_font_has_the_french_no_break_spaces() -> None:
    face = ImageFont.truetype(io.BytesIO(font_bytes()), 40)
    for space in ("\u00a0", "\u202f"):
        assert face.getlength(space) > 0
        assert face.getmask(space).getbbox() is None  # blank, not the .notdef box


def test_lines_never_break_at_a_no_break_space() -> None:
    lines = social.wrap("aa bb\u00a0: cc\u202f» dd", 5, len)
    assert lines == ["aa", "bb\u00a0:", "cc\u202f»", "dd"]


def test_long_titles_shrink_and_stay_within_five_lines() -> None:
    title = " ".join(["international"] * 40)
    size, lines = social.fit_title(title, font_bytes(), 1040, 400)
    assert size == social.MIN_TITLE_SIZE
    assert len(lines) == social.MAX_LINES
    assert lines[-1].endswith("…")
    short_size, short_lines = social.fit_title("Bref", font_bytes(), 1040, 400)
    assert (short_size, short_lines) == (social.TITLE_SIZES[0], ["Bref"])


def test_card_cache_draws_once(tmp_path: Path) -> None:
    draws: list[social.Card] = []

    def counting(card: social.Card, font: bytes) -> bytes:
        draws.append(card)
        return social.draw_card(card, font)

    card = social.Card("Feuillet", "Un titre")
    first = social.card_png(card, font_bytes(), tmp_path, counting)
    second = social.card_png(card, font_bytes(), tmp_path, counting)
    assert first == second
    assert len(draws) == 1
    social.card_png(social.Card("Feuillet", "Un autre titre"), font_bytes(), tmp_path, counting)
    assert len(draws) == 2


def test_builds_are_byte_identical_and_reuse_the_card_cache(
    site: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = site(FILES)
    first = build(root, tmp_path / "one")
    cached = sorted((root / ".cache" / "social").glob("*.png"))
    assert len(cached) == 2
    stamps = [path.stat().st_mtime_ns for path in cached]

    def no_drawing(card: social.Card, font: bytes) -> bytes:
        raise AssertionError("a cached card was drawn again")

    monkeypatch.setattr(social, "draw_card", no_drawing)
    second = build(root, tmp_path / "two")
    assert [path.stat().st_mtime_ns for path in cached] == stamps
    for name in ("feed.xml", "sitemap.xml", "robots.txt", "premier/social.png", "second/social.png"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    with Image.open(first / "premier" / "social.png") as image:
        assert image.size == (1200, 630)
    # Drawn afresh (no cache), the card is the same bytes too.
    monkeypatch.undo()
    for path in cached:
        path.unlink()
    third = build(root, tmp_path / "three")
    assert (third / "premier/social.png").read_bytes() == (first / "premier/social.png").read_bytes()


# --- Previews under a base path ----------------------------------------------------------


def test_preview_keeps_production_urls_in_feed_and_metadata(
    site: Callable[..., Path], tmp_path: Path
) -> None:
    root = site(FILES)
    out = build(root, tmp_path / "out", "--base-path", "/pr-12/")
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert [e.link for e in feed.entries] == [PROD + "second/", PROD + "premier/"]
    page = soup(out / "premier" / "index.html")
    assert page.find("link", rel="canonical")["href"] == PROD + "premier/"
    assert head_meta(page)["og:image"] == [PROD + "premier/social.png"]
    assert page.find("link", type="application/atom+xml")["href"] == "/pr-12/feed.xml"
    assert page.find("link", rel="icon", type="image/svg+xml")["href"] == "/pr-12/static/img/favicon.svg"
    assert page.find("a", class_="site-title")["href"] == "/pr-12/"
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"  # a preview
    production = build(root, tmp_path / "prod", "--base-path", "/pr-12/", "--no-preview")
    assert f"Sitemap: {PROD}sitemap.xml" in (production / "robots.txt").read_text(encoding="utf-8")


def test_not_found_page_is_not_indexed_and_has_no_canonical(tmp_path: Path) -> None:
    from tests.conftest import REPO, main, soup

    output = tmp_path / "out"
    assert main(["--root", str(REPO), "build", "--output", str(output)]) == 0
    page = soup(output / "404.html")
    assert page.select_one('link[rel="canonical"]') is None
    assert page.select_one('meta[property="og:url"]') is None
    robots = page.select_one('meta[name="robots"]')
    assert robots is not None and robots["content"] == "noindex"


PREVIEW_FILES = {
    "content/articles/publie.md": "---\ntitle: Publié\ndate: 2024-06-19\n---\nTexte.\n",
    "content/articles/ebauche.md": "---\ntitle: Ébauche\ndate: 2024-06-18\ndraft: true\n---\nTexte.\n",
    "content/articles/embargo.md": "---\ntitle: Embargo\ndate: 2030-01-01 08:00\n---\nTexte.\n",
}


def test_a_base_path_build_is_a_preview(site: Callable[..., Path], tmp_path: Path) -> None:
    out = build(site(PREVIEW_FILES), tmp_path / "out", "--base-path", "/pr-7/", "--preview-label", "PR 7")
    for path in ("index.html", "publie/index.html", "ebauche/index.html", "embargo/index.html", "404.html"):
        page = soup(out / path)
        assert [m["content"] for m in page.select('meta[name="robots"]')] == ["noindex"], path
        banner = page.select_one("aside.preview-banner")
        assert banner is not None and banner["aria-label"] == "Aperçu"
        assert banner.get_text(" ", strip=True).startswith("Aperçu · PR 7 — cette version n’est pas encore publiée")
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    assert soup(out / "publie" / "index.html").find("link", rel="canonical")["href"] == PROD + "publie/"


def test_a_preview_shows_drafts_and_scheduled_articles_marked(site: Callable[..., Path], tmp_path: Path) -> None:
    out = build(site(PREVIEW_FILES), tmp_path / "out", "--preview")
    assert soup(out / "ebauche" / "index.html").select_one(".status-badge").get_text() == "Brouillon"
    assert soup(out / "embargo" / "index.html").select_one(".status-badge").get_text() == (
        "Programmé pour le 1er janvier 2030 à 8\u00a0h")
    assert soup(out / "publie" / "index.html").select_one(".status-badge") is None
    home = soup(out / "index.html")
    assert [badge.get_text() for badge in home.select(".lead .status-badge, .card .status-badge")] == [
        "Programmé pour le 1er janvier 2030 à 8\u00a0h", "Brouillon"]
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == ["Publié"]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "publie/" in sitemap and "ebauche" not in sitemap and "embargo" not in sitemap


def test_a_production_build_is_not_a_preview(site: Callable[..., Path], tmp_path: Path) -> None:
    root = site(PREVIEW_FILES)
    out = build(root, tmp_path / "out")
    assert not (out / "ebauche").exists() and not (out / "embargo").exists()
    page = soup(out / "publie" / "index.html")
    assert page.select_one("aside.preview-banner") is None and page.select('meta[name="robots"]') == []
    no_preview = build(root, tmp_path / "other", "--base-path", "/x/", "--no-preview")
    assert soup(no_preview / "publie" / "index.html").select_one("aside.preview-banner") is None

"""What a built site tells feed readers, search engines and social networks, and their files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from markupsafe import Markup

from feuillet import i18n, social
from feuillet.errors import BuildFailed, SourceError
from feuillet.model import Output, Publisher, Site

if TYPE_CHECKING:
    from feuillet.render import ArticleView, BlockView, PageView

FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"
SOCIAL_NAME = "social.png"
SOCIAL_FONT = "fonts/CharisSIL-Bold.ttf"
SOCIAL_CACHE = "social"
HEADLINE_LIMIT = 110  # Google's limit for an article's structured-data headline
SCHEMA = "https://schema.org"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Open Graph wants a territory; a British English site is the likelier one next to Europe/Paris.
LOCALES: Mapping[str, str] = MappingProxyType({"fr": "fr_FR", "en": "en_GB"})


@dataclass(frozen=True)
class ImageMeta:
    """An image offered to social networks and search engines, with an absolute URL."""

    url: str
    width: int
    height: int
    alt: str
    type: str = "image/png"


@dataclass(frozen=True)
class PageMeta:
    """What the <head> of one page says about it."""

    canonical: str
    title: str = ""
    description: str = ""
    site_name: str = ""
    locale: str = "fr_FR"
    og_type: str = "website"
    image: ImageMeta | None = None
    twitter_card: str = "summary"
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    feed: bool = False  # a site with no article has no feed to link to
    indexable: bool = True  # the 404 page is served at any URL: no canonical, not indexed
    jsonld: Markup = field(default_factory=Markup)


# --- Small pure helpers ------------------------------------------------------------------


def og_locale(language: str) -> str:
    """``fr`` → ``fr_FR``: the Open Graph locale of a site language."""
    return LOCALES.get(language, language)


def language_tag(language: str) -> str:
    """``fr`` → ``fr-FR``: the BCP 47 tag used by schema.org's ``inLanguage``."""
    return og_locale(language).replace("_", "-")


def truncate(text: str, limit: int = HEADLINE_LIMIT) -> str:
    """At most ``limit`` characters, cut at a word boundary and ended with « … » when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # Cut at the last ordinary space; a no-break space binds a word to its punctuation.
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return head.rstrip(" \u00a0\u202f,;:\u2013\u2014") + "…"


def jsonld_markup(data: Mapping[str, Any]) -> Markup:
    """JSON-LD safe in <script>: ``<``, ``>`` and ``&`` escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return Markup(text)


def static_file(site: Site, path: str) -> bytes | None:
    return next((file.content for file in site.static if file.path == path), None)


def static_url(site: Site, path: str) -> str:
    """Absolute URL of a file under static/ (only CSS and JS get fingerprinted names)."""
    return site.config.absolute_url("static/" + path)


def image_meta(site: Site, path: str, alt: str, where: str, key: str) -> ImageMeta:
    """An image under static/ with its size read from the file; a missing file fails the build."""
    content = static_file(site, path)
    if content is None:
        raise BuildFailed([SourceError(where, 0, key, f"no file static/{path}")])
    width, height, mime = social.image_info(content)
    return ImageMeta(static_url(site, path), width, height, alt, mime)


def publisher(site: Site) -> Publisher:
    """The publisher from site.yaml, or the site itself."""
    config = site.config
    return config.publisher or Publisher(name=config.title, url=config.url)


def logo(site: Site) -> ImageMeta | None:
    path = publisher(site).logo
    return image_meta(site, path, publisher(site).name, "site.yaml", "publisher") if path else None


def newest_moment(articles: Sequence[ArticleView]) -> datetime | None:
    """When the site last changed: the latest publication or update of any article."""
    return max((_changed(article) for article in articles), default=None)


def _changed(article: ArticleView) -> datetime:
    model = article.model
    return model.updated or model.date


def _modified_iso(article: ArticleView) -> str:
    return (article.updated or article.date).iso


# --- Structured data ---------------------------------------------------------------------


def organization(site: Site) -> dict[str, Any]:
    owner = publisher(site)
    node: dict[str, Any] = {"@type": "Organization", "name": owner.name, "url": owner.url}
    image = logo(site)
    if image:
        node["logo"] = {"@type": "ImageObject", "url": image.url,
                        "width": image.width, "height": image.height}
    return node


def author_node(name: str, is_byline: bool, site: Site) -> dict[str, Any]:
    """The site's default byline (« La rédaction ») is the newsroom, any other name a person."""
    if is_byline:
        return {"@type": "Organization", "name": name, "url": site.config.url}
    return {"@type": "Person", "name": name}


def article_jsonld(
    site: Site, article: ArticleView, canonical: str, image: ImageMeta | None
) -> dict[str, Any]:
    """A NewsArticle and its breadcrumb trail, as one JSON-LD graph."""
    config = site.config
    authors = [
        author_node(shown.plain, written in config.byline, site)
        for shown, written in zip(article.authors, article.model.authors, strict=True)
    ]
    news: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": truncate(article.title.plain),
        "description": article.description,
        "datePublished": article.date.iso,
        "dateModified": _modified_iso(article),
        "author": authors,
        "publisher": organization(site),
        "inLanguage": language_tag(config.language),
        "mainEntityOfPage": canonical,
        "url": canonical,
    }
    if image:
        news["image"] = [image.url]
    if article.kicker:
        news["articleSection"] = article.kicker.plain
    if article.tags:
        news["keywords"] = [tag.plain for tag in article.tags]
    crumbs = [(config.title, config.absolute_url("")), (article.title.plain, canonical)]
    breadcrumb = {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(crumbs, start=1)
        ],
    }
    return {"@context": SCHEMA, "@graph": [news, breadcrumb]}


def website_jsonld(site: Site) -> dict[str, Any]:
    config = site.config
    node: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": config.title,
        "url": config.absolute_url(""),
        "inLanguage": language_tag(config.language),
        "publisher": organization(site),
    }
    if config.description:
        node["description"] = config.description
    return node


# --- Page metadata -----------------------------------------------------------------------


def _base_meta(site: Site, canonical: str, title: str, description: str) -> PageMeta:
    config = site.config
    return PageMeta(
        canonical=canonical,
        title=title,
        description=description,
        site_name=config.title,
        locale=og_locale(config.language),
        image=logo(site),
        feed=bool(site.articles),
    )


def social_image(site: Site, article: ArticleView) -> ImageMeta | None:
    """The article's own illustration, else its drawn card (when the site ships the card font)."""
    alt = article.title.plain
    own = article.model.image
    if own:
        return image_meta(site, own.removeprefix("static/"), alt, article.model.source, "image")
    if not site.config.social_cards or static_file(site, SOCIAL_FONT) is None:
        return logo(site)
    url = site.config.absolute_url(f"{article.slug}/{SOCIAL_NAME}")
    return ImageMeta(url, social.WIDTH, social.HEIGHT, alt)


def home_meta(site: Site) -> PageMeta:
    config = site.config
    meta = _base_meta(site, config.absolute_url(""), config.title, config.description)
    return replace(meta, jsonld=jsonld_markup(website_jsonld(site)))


def article_meta(site: Site, article: ArticleView) -> PageMeta:
    canonical = site.config.absolute_url(article.slug + "/")
    image = social_image(site, article)
    meta = _base_meta(site, canonical, article.title.plain, article.description)
    return replace(
        meta,
        og_type="article",
        image=image,
        twitter_card="summary_large_image" if image and image != logo(site) else "summary",
        published=article.date.iso,
        modified=_modified_iso(article),
        section=article.kicker.plain if article.kicker else None,
        tags=tuple(tag.plain for tag in article.tags),
        jsonld=jsonld_markup(article_jsonld(site, article, canonical, image)),
    )


def page_meta(site: Site, page: PageView) -> PageMeta:
    return _base_meta(site, site.config.absolute_url(page.slug + "/"), page.title.plain,
                      page.description)


def not_found_meta(site: Site) -> PageMeta:
    config = site.config
    meta = _base_meta(site, config.absolute_url("404.html"), config.title, config.description)
    return replace(meta, indexable=False)


# --- Feed, sitemap, robots.txt -----------------------------------------------------------


def article_html(article: ArticleView) -> str:
    """The article's text as HTML for feed readers: standfirst, section titles and blocks."""
    parts: list[Markup] = []
    if article.standfirst:
        parts.append(Markup("<p>{}</p>").format(article.standfirst))
    for section in article.sections:
        if section.title:
            parts.append(Markup("<h2>{}</h2>").format(section.title.html))
        for block in section.blocks:
            parts.append(_block_html(block))
    return str(Markup("\n").join(parts))


def _block_html(block: BlockView) -> Markup:
    # Imported here: render imports this module, so a module-level import would be circular.
    from feuillet.render import ProseView, QuoteView

    if isinstance(block, ProseView):
        return block.html
    if isinstance(block, QuoteView):
        source = block.author.html + (Markup(", ") + block.role.html if block.role else Markup(""))
        return Markup("<blockquote>{}<p>— {}</p></blockquote>").format(block.text, source)
    tag = "ol" if block.ordered else "ul"
    items = Markup("").join(Markup("<li>{}</li>").format(item) for item in block.items)
    return Markup("<{0}>{1}</{0}>").format(Markup(tag), items)


def _summary(article: ArticleView) -> str:
    """Plain text of the standfirst (its Markdown already rendered), else the description."""
    return article.standfirst.striptags() if article.standfirst else article.description


def feed_xml(site: Site, articles: Sequence[ArticleView]) -> bytes:
    """The Atom feed, newest first; every date comes from the content so rebuilds are identical."""
    config = site.config
    updated = newest_moment(articles)
    assert updated is not None  # callers only ask for a feed when there are articles
    feed = FeedGenerator()
    feed.id(config.absolute_url(""))
    feed.title(config.title)
    if config.description:
        feed.subtitle(config.description)
    feed.link(href=config.absolute_url(""), rel="alternate", type="text/html")
    feed.link(href=config.absolute_url(FEED_PATH), rel="self", type="application/atom+xml")
    feed.language(config.language)
    feed.author({"name": publisher(site).name, "uri": publisher(site).url})
    feed.generator("Feuillet")  # no version: upgrading a tool must not change the feed
    feed.updated(i18n.local(updated, config.timezone))
    image = logo(site)
    if image:
        feed.logo(image.url)
    # The newest ``feed_limit`` only: a feed's size must not grow with the archive.
    ordered = sorted(articles, key=lambda view: (-view.model.date.timestamp(), view.slug))
    ordered = ordered[: config.feed_limit]
    for article in ordered:
        url = config.absolute_url(article.slug + "/")
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(article.title.plain)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(i18n.local(article.model.date, config.timezone))
        entry.updated(i18n.local(_changed(article), config.timezone))
        entry.author([{"name": author.plain} for author in article.authors])
        entry.summary(_summary(article))
        if article.kicker:
            entry.category({"term": article.kicker.plain})
        if config.feed_full_content:
            entry.content(article_html(article), type="html")
    result: bytes = feed.atom_str(pretty=True, encoding="UTF-8")
    return result


def sitemap_xml(site: Site, articles: Sequence[ArticleView], pages: Sequence[PageView]) -> bytes:
    """Home, articles and pages with production URLs; ``lastmod`` where a date is known."""
    config = site.config
    newest = newest_moment(articles)
    entries: list[tuple[str, str | None]] = [
        (config.absolute_url(""), i18n.iso(newest, config.timezone) if newest else None)
    ]
    entries += [(config.absolute_url(a.slug + "/"), _modified_iso(a)) for a in articles]
    entries += [(config.absolute_url(p.slug + "/"), None) for p in pages]
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for loc, lastmod in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = loc
        if lastmod:
            ET.SubElement(url, "lastmod").text = lastmod
    ET.indent(root)
    content: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return content + b"\n"


def robots_txt(site: Site) -> bytes:
    sitemap = site.config.absolute_url(SITEMAP_PATH)
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


def social_outputs(site: Site, articles: Sequence[ArticleView], cache: Path | None) -> list[Output]:
    """A drawn card for every article without an illustration of its own."""
    font = static_file(site, SOCIAL_FONT)
    if font is None or not site.config.social_cards:
        return []
    folder = cache / SOCIAL_CACHE if cache else None
    return [
        Output(
            f"{article.slug}/{SOCIAL_NAME}",
            social.card_png(social.Card(
                site_name=site.config.title,
                title=article.title.plain,
                kicker=article.kicker.plain if article.kicker else None,
            ), font, folder),
        )
        for article in articles
        if not article.model.image
    ]


def publish_outputs(
    site: Site,
    articles: Sequence[ArticleView],
    pages: Sequence[PageView],
    cache: Path | None = None,
) -> list[Output]:
    """Feed, sitemap, robots.txt and social images; ``cache`` keeps drawn images between builds."""
    outputs = [Output(FEED_PATH, feed_xml(site, articles))] if articles else []
    outputs += [
        Output(SITEMAP_PATH, sitemap_xml(site, articles, pages)),
        Output(ROBOTS_PATH, robots_txt(site)),
    ]
    return outputs + social_outputs(site, articles, cache)

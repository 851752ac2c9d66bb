"""What a built site tells feed readers, search engines and social networks, and their files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from math import ceil
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from feuillet import i18n, social, taxonomy
from feuillet.model import Article, Output, Publisher, SiteConfig
from feuillet.slugs import slugify
from feuillet.views import (
    ArticleView,
    AuthorView,
    BlockView,
    FigureView,
    ImageMeta,
    NoteView,
    PageView,
    ProseView,
    QuoteView,
    SiteFacts,
)
from feuillet.views import truncate as _cut

FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
ROBOTS_PATH = "robots.txt"
SOCIAL_NAME = "social.png"
SOCIAL_FONT = "fonts/CharisSIL-Bold.ttf"  # under assets/: build-only, not published
SOCIAL_CACHE = "social"
HEADLINE_LIMIT = 110  # Google's limit for an article's structured-data headline
SCHEMA = "https://schema.org"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SEARCH_PATH = "recherche/"  # the search page (its index is feuillet.search's)
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)
# Open Graph wants a territory; a British English site is the likelier one next to Europe/Paris.
LOCALES: Mapping[str, str] = MappingProxyType({"fr": "fr_FR", "en": "en_GB"})


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
    return _cut(text, limit)


def jsonld_markup(data: Mapping[str, Any]) -> Markup:
    """JSON-LD safe in <script>: ``<``, ``>`` and ``&`` escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return Markup(text)


def image_meta(facts: SiteFacts, path: str, alt: str) -> ImageMeta:
    """An image under static/ with its size read once per build (the plan checks that it exists)."""
    width, height, mime = facts.images[path]
    return ImageMeta(facts.config.absolute_url("static/" + path), width, height, alt, mime)


def publisher(config: SiteConfig) -> Publisher:
    """The publisher from site.yaml, or the site itself."""
    return config.publisher or Publisher(name=config.title, url=config.url)


def logo(facts: SiteFacts) -> ImageMeta | None:
    owner = publisher(facts.config)
    return image_meta(facts, owner.logo, owner.name) if owner.logo else None


def newest_moment(articles: Sequence[Article]) -> datetime | None:
    """When the site last changed: the latest publication or update of any article."""
    return max((changed(article) for article in articles), default=None)


def changed(article: Article) -> datetime:
    """When the article last changed: the latest of its date, ``updated`` and the dates of its
    corrections and updates (``dateModified``, the feed entry's ``updated``, ``lastmod``)."""
    moments = [article.date, *((article.updated,) if article.updated else ()),
               *(revision.date for revision in (*article.corrections, *article.updates))]
    latest: datetime = max(moments)
    return latest


def _modified_iso(article: ArticleView, timezone: str) -> str:
    return i18n.iso(changed(article.model), timezone)


CORRECTIONS_PATH = "corrections/"


def latest_correction(articles: Sequence[Article]) -> datetime | None:
    """The date of the site's latest correction (None: no correction, no /corrections/ page)."""
    return max((revision.date for article in articles for revision in article.corrections), default=None)


# --- Structured data ---------------------------------------------------------------------


def organization(facts: SiteFacts) -> dict[str, Any]:
    owner = publisher(facts.config)
    node: dict[str, Any] = {"@type": "Organization", "name": owner.name, "url": owner.url}
    image = logo(facts)
    if image:
        node["logo"] = {"@type": "ImageObject", "url": image.url,
                        "width": image.width, "height": image.height}
    return node


def author_node(name: str, config: SiteConfig, profile: AuthorView | None = None) -> dict[str, Any]:
    """The newsroom (« La rédaction », the publisher: ``taxonomy.organisations``) is an
    organisation; any other name a person, with the address of their author page and what
    ``authors.yaml`` says of them (``profile``)."""
    path = taxonomy.author_path(name, config)
    if path is None:
        return {"@type": "Organization", "name": name, "url": config.url}
    node: dict[str, Any] = {"@type": "Person", "name": name, "url": config.absolute_url(path)}
    if profile is not None:
        if profile.role:
            node["jobTitle"] = profile.role.plain
        if profile.bio_plain:
            node["description"] = profile.bio_plain
        if profile.links:
            node["sameAs"] = [link.url for link in profile.links]
    return node


def author_jsonld(config: SiteConfig, name: str, profile: AuthorView | None) -> dict[str, Any]:
    """An author's page: a ProfilePage about the Person."""
    person = author_node(name, config, profile)
    return {"@context": SCHEMA, "@graph": [{"@type": "ProfilePage", "url": person["url"],
                                            "mainEntity": person}]}


def article_jsonld(
    facts: SiteFacts, article: ArticleView, canonical: str, image: ImageMeta | None,
    profiles: Mapping[str, AuthorView] | None = None,
) -> dict[str, Any]:
    """A NewsArticle and its breadcrumb trail, as one JSON-LD graph."""
    config = facts.config
    profiles = profiles or {}
    authors = [
        author_node(written, config, profiles.get(written)) | {"name": shown.plain}
        for shown, written in zip(article.authors, article.model.authors, strict=True)
    ]
    news: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": truncate(article.title.plain),
        "description": article.description,
        "datePublished": article.date.iso,
        "dateModified": _modified_iso(article, config.timezone),
        "author": authors,
        "publisher": organization(facts),
        "inLanguage": article.language or language_tag(config.language),
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


def website_jsonld(facts: SiteFacts) -> dict[str, Any]:
    config = facts.config
    node: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": config.title,
        "url": config.absolute_url(""),
        "inLanguage": language_tag(config.language),
        "publisher": organization(facts),
    }
    if config.description:
        node["description"] = config.description
    return node


# --- Page metadata -----------------------------------------------------------------------


def _base_meta(facts: SiteFacts, canonical: str, title: str, description: str) -> PageMeta:
    config = facts.config
    return PageMeta(
        canonical=canonical,
        title=title,
        description=description,
        site_name=config.title,
        locale=og_locale(config.language),
        image=logo(facts),
        feed=facts.has_feed,
    )


def social_image(facts: SiteFacts, article: ArticleView) -> ImageMeta | None:
    """The article's own illustration, else its drawn card (when the site ships the card font)."""
    alt = article.title.plain
    own = article.model.image
    if own:
        return image_meta(facts, own.removeprefix("static/"), alt)
    if not facts.cards:
        return logo(facts)
    url = facts.config.absolute_url(f"{article.slug}/{SOCIAL_NAME}")
    return ImageMeta(url, social.WIDTH, social.HEIGHT, alt)


def alias_path(alias: str) -> str:
    """The file of an alias's redirect page: ``/ancien/`` → ``ancien/index.html``."""
    path = alias.lstrip("/")
    return path + "index.html" if path.endswith("/") else path


def home_path(number: int) -> str:
    """Site path of page ``number`` of the home page's list: ``''``, ``'page/2/'``…"""
    return "" if number == 1 else f"page/{number}/"


def home_meta(facts: SiteFacts, number: int = 1) -> PageMeta:
    config = facts.config
    meta = _base_meta(facts, config.absolute_url(home_path(number)), config.title, config.description)
    return replace(meta, jsonld=jsonld_markup(website_jsonld(facts))) if number == 1 else meta


def listing_meta(facts: SiteFacts, path: str, label: str, feed: str | None, kind: str = "",
                 profile: AuthorView | None = None) -> PageMeta:
    """A page of a subject's, rubrique's or author's list, or a list of them (no ``label``).
    An author's page describes them (``profile``: their entry of ``authors.yaml``)."""
    config = facts.config
    meta = _base_meta(facts, config.absolute_url(path), label or config.title, config.description)
    if kind != taxonomy.AUTHORS or not label:
        return meta
    return replace(meta, jsonld=jsonld_markup(author_jsonld(config, label, profile)))


def article_meta(facts: SiteFacts, article: ArticleView,
                 profiles: Mapping[str, AuthorView] | None = None) -> PageMeta:
    canonical = facts.config.absolute_url(article.path)
    image = social_image(facts, article)
    meta = _base_meta(facts, canonical, article.title.plain, article.description)
    return replace(
        meta,
        og_type="article",
        image=image,
        twitter_card="summary_large_image" if image and image != logo(facts) else "summary",
        published=article.date.iso,
        modified=_modified_iso(article, facts.config.timezone),
        section=article.kicker.plain if article.kicker else None,
        tags=tuple(tag.plain for tag in article.tags),
        jsonld=jsonld_markup(article_jsonld(facts, article, canonical, image, profiles)),
    )


def page_meta(facts: SiteFacts, page: PageView) -> PageMeta:
    return _base_meta(facts, facts.config.absolute_url(page.path), page.title.plain, page.description)


def corrections_meta(facts: SiteFacts) -> PageMeta:
    config = facts.config
    return _base_meta(facts, config.absolute_url(CORRECTIONS_PATH), config.title, config.description)


def not_found_meta(facts: SiteFacts) -> PageMeta:
    config = facts.config
    meta = _base_meta(facts, config.absolute_url("404.html"), config.title, config.description)
    return replace(meta, indexable=False)


def search_meta(facts: SiteFacts) -> PageMeta:
    """The search page's: its results depend on the query, so it is not for search engines."""
    config = facts.config
    meta = _base_meta(facts, config.absolute_url(SEARCH_PATH), config.title, config.description)
    return replace(meta, indexable=False)


# --- Feed, sitemap, robots.txt, cards ----------------------------------------------------


def article_html(article: ArticleView, config: SiteConfig, base_path: str = "/",
                 ending: str = "") -> str:
    """The article's text as HTML for feed readers: standfirst, section titles and blocks,
    then ``ending`` (its corrections and updates, as the site's templates write them).

    Images made by the build are named at absolute addresses under ``base_path`` (a preview's
    feed shows the preview's images), on the site's host."""
    parts: list[Markup] = []
    if article.standfirst:
        parts.append(Markup("<p>{}</p>").format(article.standfirst))
    for section in article.sections:
        if section.title:
            parts.append(Markup("<h2>{}</h2>").format(section.heading))
        for block in section.blocks:
            parts.append(_block_html(block, config, base_path))
    if article.notes:
        parts.append(_notes_html(article.notes))
    if ending:
        parts.append(Markup(ending))
    return str(Markup("\n").join(parts))


def _notes_html(notes: Sequence[NoteView]) -> Markup:
    """The footnotes at the end of a feed entry, as Python-Markdown writes them (no heading:
    the feed has no interface catalog), with their back-links."""
    items = Markup("").join(
        Markup('<li id="{}" value="{}">{}{}</li>').format(
            note.id, note.number, note.html,
            Markup("").join(Markup(' <a href="#{}">↩\ufe0e</a>').format(ref) for ref in note.refs))
        for note in notes)
    return Markup('<div class="footnotes"><hr><ol>{}</ol></div>').format(items)


def _block_html(block: BlockView, config: SiteConfig, base_path: str) -> Markup:
    if isinstance(block, ProseView):
        return block.html
    if isinstance(block, QuoteView):
        source = block.author.html + (Markup(", ") + block.role.html if block.role else Markup(""))
        return Markup("<blockquote>{}<p>— {}</p></blockquote>").format(block.text, source)
    if isinstance(block, FigureView):
        return _figure_html(block, config, base_path)
    tag = "ol" if block.ordered else "ul"
    items = Markup("").join(Markup("<li>{}</li>").format(item) for item in block.items)
    return Markup("<{0}>{1}</{0}>").format(Markup(tag), items)


def _figure_html(block: FigureView, config: SiteConfig, base_path: str) -> Markup:
    """A figure for feed readers: its widest size at an absolute address, and its caption."""
    origin = urlsplit(config.url)
    src = (f"{origin.scheme}://{origin.netloc}{base_path}{block.src.lstrip('/')}" if block.picture.local
           else block.src)
    size = (Markup(' width="{}" height="{}"').format(block.picture.width, block.picture.height)
            if block.picture.width else Markup(""))
    parts = [part for part in (block.caption, block.credit) if part]
    caption = (Markup("<figcaption>{}</figcaption>").format(Markup(" ").join(parts)) if parts
               else Markup(""))
    return Markup('<figure><img src="{}" alt="{}"{}>{}</figure>').format(src, block.alt, size, caption)


def _summary(article: ArticleView) -> str:
    """Plain text of the standfirst (its Markdown already rendered), else the description."""
    return article.standfirst.striptags() if article.standfirst else article.description


def feed_order(articles: Sequence[Article], limit: int) -> list[Article]:
    """The articles a feed holds: the newest ``limit`` by publication date."""
    return sorted(articles, key=lambda article: (-article.date.timestamp(), article.slug))[:limit]


def feed_xml(facts: SiteFacts, articles: Sequence[ArticleView], updated: datetime,
             title: str | None = None, page: str = "", path: str = FEED_PATH,
             endings: Sequence[Markup] = ()) -> bytes:
    """The Atom feed of ``articles`` (see ``feed_order``); ``updated``: the site's newest change.
    A subject's or a rubrique's own feed has its ``title`` (« Site – Corée du Nord »), its
    ``page`` and its own ``path``; ``endings``: the HTML ending each article's content (its
    corrections and updates).

    Every date comes from the content, so rebuilds are identical.
    """
    from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # lxml: only for the feed

    config = facts.config
    feed = FeedGenerator()
    feed.id(config.absolute_url(page))
    feed.title(f"{config.title} – {title}" if title else config.title)
    if config.description:
        feed.subtitle(config.description)
    feed.link(href=config.absolute_url(page), rel="alternate", type="text/html")
    feed.link(href=config.absolute_url(path), rel="self", type="application/atom+xml")
    feed.language(config.language)
    owner = publisher(config)
    feed.author({"name": owner.name, "uri": owner.url})
    feed.generator("Feuillet")  # no version: upgrading a tool must not change the feed
    feed.updated(i18n.local(updated, config.timezone))
    image = logo(facts)
    if image:
        feed.logo(image.url)
    for number, article in enumerate(articles):
        url = config.absolute_url(article.path)
        entry = feed.add_entry(order="append")
        entry.id(url)
        entry.title(article.title.plain)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(i18n.local(article.model.date, config.timezone))
        entry.updated(i18n.local(changed(article.model), config.timezone))
        entry.author([{"name": author.plain} for author in article.authors])
        entry.summary(_summary(article))
        if article.kicker:
            entry.category({"term": article.kicker.plain})
        for tag, written in zip(article.tags, article.model.tags, strict=True):
            entry.category({"term": slugify(written), "label": tag.plain,
                            "scheme": config.absolute_url(taxonomy.SUBJECTS + "/")})
        if config.feed_full_content:
            ending = endings[number] if number < len(endings) else Markup("")
            entry.content(article_html(article, config, facts.base_path, ending), type="html")
    result: bytes = feed.atom_str(pretty=True, encoding="UTF-8")
    return result


@dataclass(frozen=True)
class SitemapEntry:
    path: str  # site path, such as 'slug/'
    lastmod: str | None  # ISO 8601, where a date is known


def sitemap_entries(
    facts: SiteFacts, articles: Sequence[Article], pages: Sequence[str], listings: Sequence[str] = ()
) -> list[SitemapEntry]:
    """Home, articles, /corrections/ (when a correction exists), pages and the first page of each
    list of articles (subjects, rubriques, authors), by site path, with ``lastmod`` where a date
    is known."""
    timezone = facts.config.timezone
    newest = newest_moment(articles)
    entries = [SitemapEntry("", i18n.iso(newest, timezone) if newest else None)]
    entries += [SitemapEntry(a.slug + "/", i18n.iso(changed(a), timezone)) for a in articles]
    corrected = latest_correction(articles)
    if corrected is not None:
        entries.append(SitemapEntry(CORRECTIONS_PATH, i18n.iso(corrected, timezone)))
    return entries + [SitemapEntry(path, None) for path in [*pages, *listings]]


def sitemap_files(
    facts: SiteFacts, entries: Sequence[SitemapEntry], limit: int = SITEMAP_LIMIT
) -> list[Output]:
    """``sitemap.xml``; past ``limit`` URLs (the protocol's 50,000), an index of numbered sitemaps."""
    config = facts.config
    if len(entries) <= limit:
        return [Output(SITEMAP_PATH, _urlset(config, entries))]
    chunks = [entries[start : start + limit] for start in range(0, len(entries), limit)]
    names = sitemap_paths(len(entries), limit)[1:]
    index = ET.Element("sitemapindex", xmlns=SITEMAP_NS)
    for name, chunk in zip(names, chunks, strict=True):
        node = ET.SubElement(index, "sitemap")
        ET.SubElement(node, "loc").text = config.absolute_url(name)
        dates = [entry.lastmod for entry in chunk if entry.lastmod]
        if dates:
            ET.SubElement(node, "lastmod").text = max(dates)
    files = [Output(SITEMAP_PATH, _xml(index))]
    return files + [Output(name, _urlset(config, chunk)) for name, chunk in zip(names, chunks, strict=True)]


def sitemap_paths(count: int, limit: int = SITEMAP_LIMIT) -> list[str]:
    """The files ``sitemap_files`` writes for ``count`` URLs."""
    if count <= limit:
        return [SITEMAP_PATH]
    return [SITEMAP_PATH] + [f"sitemap-{number}.xml" for number in range(1, ceil(count / limit) + 1)]


def _urlset(config: SiteConfig, entries: Sequence[SitemapEntry]) -> bytes:
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for entry in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = config.absolute_url(entry.path)
        if entry.lastmod:
            ET.SubElement(url, "lastmod").text = entry.lastmod
    return _xml(root)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    content: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return content + b"\n"


def robots_txt(facts: SiteFacts) -> bytes:
    if facts.preview is not None:  # a preview is for reviewers, not for search engines
        return b"User-agent: *\nDisallow: /\n"
    sitemap = facts.config.absolute_url(SITEMAP_PATH)
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


def card(facts: SiteFacts, article: ArticleView) -> social.Card | None:
    """The preview card drawn for an article without an illustration, when cards are on."""
    if not facts.cards or article.model.image:
        return None
    kicker = article.kicker.plain if article.kicker else None
    return social.Card(site_name=facts.config.title, title=article.title.plain, kicker=kicker)

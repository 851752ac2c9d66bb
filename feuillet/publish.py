"""What a published site gives feed readers, search engines and social networks.

Page metadata (canonical URL, Open Graph, JSON-LD) and the extra files of a build: Atom feed,
sitemap, robots.txt, social preview images.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from feuillet.model import Output, Site

if TYPE_CHECKING:
    from feuillet.render import ArticleView, PageView


@dataclass(frozen=True)
class PageMeta:
    """What the <head> of one page says about it."""

    canonical: str
    og_type: str = "website"
    image: str | None = None
    jsonld: Markup = Markup("")


def home_meta(site: Site) -> PageMeta:
    return PageMeta(canonical=site.config.absolute_url(""))


def article_meta(site: Site, article: ArticleView) -> PageMeta:
    return PageMeta(canonical=site.config.absolute_url(article.slug + "/"), og_type="article")


def page_meta(site: Site, page: PageView) -> PageMeta:
    return PageMeta(canonical=site.config.absolute_url(page.slug + "/"))


def not_found_meta(site: Site) -> PageMeta:
    return PageMeta(canonical=site.config.absolute_url("404.html"))


def publish_outputs(
    site: Site, articles: Sequence[ArticleView], pages: Sequence[PageView]
) -> list[Output]:
    """Feed, sitemap, robots.txt and social images."""
    return []

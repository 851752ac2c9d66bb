"""The build plan: one step per output, with the digest of everything its bytes depend on.

A step names its output paths, the digest of its inputs, and how to make its task. The digest
is what the output manifest compares: when a step's digest is the one recorded for the file
in the output folder, the file is kept and the task never runs. Each digest is made from
small values (digests of views and summaries, settings, template texts), so one article's edit
changes the digests of its own page and only the outputs that show what changed.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from math import ceil

from feuillet import images, publish, social, taxonomy
from feuillet.cache import digest, text_digest
from feuillet.model import Article, Author, BinaryFile
from feuillet.outputs import (
    ArticlePage,
    CardImage,
    CorrectionItem,
    CorrectionsPage,
    FeedFile,
    HomePage,
    ListingPage,
    NotFoundPage,
    Pagination,
    RedirectPage,
    ResizedImage,
    RobotsFile,
    SearchPage,
    SitemapFiles,
    StandalonePage,
    Task,
    TermsPage,
)
from feuillet.views import ArticleSummary, ArticleView, PageLink, PageView, SiteFacts, typography_of


@dataclass(frozen=True)
class Entry:
    """One published article as the plan sees it: the model and the digests of its views."""

    article: Article
    view_key: str  # digest of everything the article's view depends on
    summary_key: str  # digest of its summary (what listings and links show)


@dataclass(frozen=True)
class Step:
    paths: tuple[str, ...]
    digest: str
    task: Callable[[], Task] | None  # None: a static file, copied as is
    content: bytes | None = None  # a static file's bytes
    source: str = ""  # a static file's path in the project (static/css/site.css)


@dataclass(frozen=True)
class Size:
    """One size of a figure's image to make (``feuillet.images``)."""

    path: str  # its site path, under images/
    digest: str  # of the original's bytes
    width: int
    content: bytes = field(repr=False, compare=False)  # the original's bytes


@dataclass(frozen=True)
class PlanInputs:
    """Everything the plan reads, explicit."""

    salt: str
    facts: SiteFacts
    theme: str  # digest of the templates and the catalog
    entries: Sequence[Entry]  # newest first
    related: Mapping[str, tuple[str, ...]]  # slug → slugs of « Lire aussi »
    pages: Sequence[PageView]
    static: Sequence[BinaryFile]
    resources: Sequence[tuple[str, bytes]]  # (site path, bytes) of the page bundles' files
    sizes: Sequence[Size]  # the sizes of the figures' images
    font: str | None  # digest of the card font, when cards are drawn
    card_engine: str  # Pillow and FreeType versions, when cards are drawn
    searchable: bool = False  # the build makes the search index (the dev server's does not)
    authors: Sequence[Author] = ()  # the profiles of ``authors.yaml``


def nav_links(pages: Sequence[PageView]) -> tuple[PageLink, ...]:
    return tuple(PageLink(page.path, page.title) for page in pages)


def make_plan(
    inputs: PlanInputs,
    summary_of: Callable[[str], ArticleSummary],
    view_of: Callable[[str], bytes],
) -> list[Step]:
    """Every output of the site in a stable order. ``summary_of``/``view_of`` load by view key."""
    facts, config = inputs.facts, inputs.facts.config
    base = digest(inputs.salt, inputs.facts)
    nav = nav_links(inputs.pages)
    pages_key = digest(base, inputs.theme, nav)
    entries = inputs.entries
    by_slug = {entry.article.slug: entry for entry in entries}
    steps: list[Step] = []
    terms = {kind: taxonomy.group(kind, [entry.article for entry in entries], config)
             for kind in taxonomy.KINDS}
    strip = taxonomy.most_used(terms[taxonomy.SUBJECTS])
    profiles = {author.name: author for author in inputs.authors if not author.organisation}

    # Home page, paginated: each page depends on the summaries it lists. The lead story opens the
    # first page and is not listed again.
    size = config.page_size
    count = max(1, ceil(len(entries) / size))
    paths = tuple(publish.home_path(number) for number in range(1, count + 1))
    listed = home_order(entries)
    for number in range(1, count + 1):
        shown = listed[(number - 1) * size : number * size]
        pagination = Pagination(number, count, paths)
        steps.append(Step(
            (paths[number - 1] + "index.html",),
            digest(pages_key, "home", pagination, [entry.summary_key for entry in shown], strip),
            partial(_home_page, shown, pagination, nav, summary_of, strip),
        ))

    for entry in entries:
        others = [by_slug[slug] for slug in inputs.related.get(entry.article.slug, ())]
        # Its structured data shows the profile of each of its authors that has one.
        signed = tuple(profiles[name] for name in dict.fromkeys(entry.article.authors) if name in profiles)
        steps.append(Step(
            (entry.article.slug + "/index.html",),
            text_digest(pages_key, "article", entry.view_key, *(other.summary_key for other in others),
                        *((digest(signed),) if signed else ())),
            partial(_article_page, entry, others, nav, summary_of, view_of, signed),
        ))
        if inputs.font is not None and not entry.article.image:
            steps.append(_card_step(inputs, entry, summary_of))
        for alias in entry.article.aliases:
            steps.append(Step(
                (publish.alias_path(alias),),
                digest(base, inputs.theme, "redirect", entry.article.slug, entry.summary_key),
                partial(_redirect_page, entry, summary_of),
            ))

    for page in inputs.pages:
        steps.append(Step(
            (page.path + "index.html",),
            digest(pages_key, "page", page),
            partial(StandalonePage, page, nav),
        ))
    steps.append(Step(("404.html",), digest(pages_key, "404"), lambda: NotFoundPage(nav)))
    searchable = inputs.searchable
    steps.append(Step((publish.SEARCH_PATH + "index.html",), digest(pages_key, "search", searchable),
                      lambda: SearchPage(nav, searchable)))

    hidden = facts.preview.hidden() if facts.preview else frozenset()
    corrected = [entry for entry in entries
                 if entry.article.corrections and entry.article.slug not in hidden]
    if corrected:
        # Its inputs: the views of the corrected articles only (their titles and corrections).
        steps.append(Step(
            (publish.CORRECTIONS_PATH + "index.html",),
            text_digest(pages_key, "corrections", *(entry.view_key for entry in corrected)),
            partial(_corrections_page, corrected, nav, view_of),
        ))
    for kind in taxonomy.KINDS:
        steps += _term_steps(inputs, kind, terms[kind], by_slug, hidden, pages_key, nav, summary_of, view_of,
                             profiles if kind == taxonomy.AUTHORS else {})
    articles = [entry.article for entry in entries if entry.article.slug not in hidden]
    if articles:
        in_feed = {a.slug for a in publish.feed_order(articles, config.feed_limit)}
        feed_entries = [entry for entry in entries if entry.article.slug in in_feed and
                        entry.article.slug not in hidden]
        feed_entries.sort(key=lambda e: (-e.article.date.timestamp(), e.article.slug))
        updated = publish.newest_moment(articles)
        assert updated is not None
        # Corrections and updates end an entry's content, in the words of the site's templates.
        noted = any(entry.article.corrections or entry.article.updates for entry in feed_entries)
        steps.append(Step(
            (publish.FEED_PATH,),
            digest(base, "feed", [entry.view_key for entry in feed_entries], updated,
                   *((inputs.theme,) if noted else ())),
            lambda: FeedFile(tuple(view_of(entry.view_key) for entry in feed_entries), updated),
        ))
    listings = [path for kind in taxonomy.KINDS if terms[kind]
                for path in (kind + "/", *(term.path for term in terms[kind]))]
    sitemap = tuple(publish.sitemap_entries(facts, articles, [page.path for page in inputs.pages], listings))
    steps.append(Step(
        tuple(publish.sitemap_paths(len(sitemap))),
        digest(base, "sitemap", sitemap),
        lambda: SitemapFiles(sitemap),
    ))
    steps.append(Step((publish.ROBOTS_PATH,), digest(base, "robots"), lambda: RobotsFile()))
    for file in inputs.static:
        path = "static/" + facts.assets[file.path]
        steps.append(Step((path,), digest("static", hashlib.sha256(file.content).hexdigest()), None,
                          file.content, "static/" + file.path))
    for path, content in inputs.resources:
        steps.append(Step((path,), digest("static", hashlib.sha256(content).hexdigest()), None, content))
    for made in inputs.sizes:
        steps.append(Step((made.path,), digest(inputs.salt, "size", made.digest, made.width, images.VERSION),
                          partial(ResizedImage, made.path, made.content, made.width)))
    return steps


def home_order(entries: Sequence[Entry]) -> list[Entry]:
    """The home page's order: the lead story (the newest article marked ``featured``, else the
    newest article), then every other article, newest first."""
    lead = next((entry for entry in entries if entry.article.featured), entries[0] if entries else None)
    return [entry for entry in entries if entry is lead] + [entry for entry in entries if entry is not lead]


def _corrections_page(corrected: Sequence[Entry], nav: tuple[PageLink, ...],
                      view_of: Callable[[str], bytes]) -> CorrectionsPage:
    items: list[CorrectionItem] = []
    for entry in corrected:
        view: ArticleView = pickle.loads(view_of(entry.view_key))
        items += [CorrectionItem(view.path, view.title, correction) for correction in view.corrections]
    items.sort(key=lambda item: (-item.correction.when.timestamp(), item.path, item.correction.number))
    return CorrectionsPage(tuple(items), nav)


def _home_page(shown: Sequence[Entry], pagination: Pagination, nav: tuple[PageLink, ...],
               summary_of: Callable[[str], ArticleSummary],
               strip: tuple[taxonomy.TermLink, ...] = ()) -> HomePage:
    summaries = tuple(summary_of(entry.view_key) for entry in shown)
    if pagination.number == 1 and summaries:
        return HomePage(summaries[1:], pagination, nav, strip, summaries[0])
    return HomePage(summaries, pagination, nav, strip)


def _term_steps(
    inputs: PlanInputs, kind: str, terms: Sequence[taxonomy.Term], by_slug: Mapping[str, Entry],
    hidden: frozenset[str], pages_key: str, nav: tuple[PageLink, ...],
    summary_of: Callable[[str], ArticleSummary], view_of: Callable[[str], bytes],
    profiles: Mapping[str, Author],
) -> list[Step]:
    """The pages of each term's list, paginated like the home page, its feed, and the list of
    the terms (``/sujets/``): each depends on the summaries it shows (an author's, on the
    profile it shows too)."""
    config = inputs.facts.config
    steps: list[Step] = []
    if not terms:
        return steps
    links = taxonomy.links(terms)
    steps.append(Step((kind + "/index.html",), digest(pages_key, "terms", kind, links),
                      partial(TermsPage, kind, links, nav)))
    size = config.page_size
    by_term = {taxonomy.name_path(kind, name): profile for name, profile in profiles.items()}
    for term in terms:
        profile = by_term.get(term.path)
        entries = [by_slug[slug] for slug in term.articles]
        count = max(1, ceil(len(entries) / size))
        paths = tuple(taxonomy.listing_path(kind, term.slug, number) for number in range(1, count + 1))
        feed = term.path + taxonomy.FEED_NAME if kind in taxonomy.WITH_FEED else None
        for number in range(1, count + 1):
            shown = entries[(number - 1) * size : number * size]
            pagination = Pagination(number, count, paths)
            steps.append(Step(
                (paths[number - 1] + "index.html",),
                digest(pages_key, "listing", kind, term.label, feed, pagination,
                       [entry.summary_key for entry in shown], *((profile,) if profile else ())),
                partial(_listing_page, kind, term.label, shown, pagination, nav, feed, summary_of, profile),
            ))
        fed = publish.feed_order([e.article for e in entries if e.article.slug not in hidden],
                                 config.feed_limit)
        if feed is None or not fed:
            continue
        keys = tuple(by_slug[article.slug].view_key for article in fed)
        updated = publish.newest_moment(fed)
        assert updated is not None
        steps.append(Step(
            (feed,),
            digest(inputs.salt, inputs.facts, "feed", kind, term.label, term.path, keys, updated),
            partial(_feed_file, keys, updated, term.label, term.path, feed, view_of),
        ))
    return steps


def _listing_page(kind: str, label: str, shown: Sequence[Entry], pagination: Pagination,
                  nav: tuple[PageLink, ...], feed: str | None,
                  summary_of: Callable[[str], ArticleSummary], profile: Author | None = None) -> ListingPage:
    return ListingPage(kind, label, tuple(summary_of(entry.view_key) for entry in shown), pagination, nav,
                       feed, profile)


def _feed_file(keys: Sequence[str], updated: datetime, title: str, page: str, path: str,
               view_of: Callable[[str], bytes]) -> FeedFile:
    return FeedFile(tuple(view_of(key) for key in keys), updated, title, page, path)


def _redirect_page(entry: Entry, summary_of: Callable[[str], ArticleSummary]) -> RedirectPage:
    return RedirectPage(entry.article.slug + "/", summary_of(entry.view_key).title)


def _article_page(
    entry: Entry, others: Sequence[Entry], nav: tuple[PageLink, ...],
    summary_of: Callable[[str], ArticleSummary], view_of: Callable[[str], bytes],
    signed: tuple[Author, ...] = (),
) -> ArticlePage:
    return ArticlePage(view_of(entry.view_key), tuple(summary_of(o.view_key) for o in others), nav, signed)


def _card_step(inputs: PlanInputs, entry: Entry, summary_of: Callable[[str], ArticleSummary]) -> Step:
    """A drawn card shows the site's name and the article's typeset title and kicker: its digest
    is made of what decides those (not of the templates), the font and the drawing code."""
    config, article = inputs.facts.config, entry.article
    path = article.slug + "/" + publish.SOCIAL_NAME

    def task() -> CardImage:
        shown = summary_of(entry.view_key)
        kicker = shown.kicker.plain if shown.kicker else None
        return CardImage(path, social.Card(config.title, shown.title.plain, kicker))

    typography = typography_of(article, config)
    key = digest(inputs.salt, "card", config.title, article.title, article.kicker, typography,
                 inputs.font, inputs.card_engine)
    return Step((path,), key, task)

"""How each output is produced from its own small, explicit, picklable inputs (a *task*).

A :class:`Workshop` holds what is built once per build and per process — the Jinja environment,
the Markdown renderers — and turns a task into files. ``run`` hands tasks to a pool of worker
processes (each with its own workshop) or runs them here; the bytes are the same either way,
because a task's result depends on nothing but the task and the workshop's inputs.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from feuillet import images, publish, social, taxonomy
from feuillet.errors import SourceError
from feuillet.markup import Boxes, Renderer
from feuillet.model import BOX_KINDS, Article, Author, CardTarget, Output, TextFile
from feuillet.render import box_labels, environment, has_template, render_page
from feuillet.views import (
    ArticleSummary,
    ArticleView,
    AuthorView,
    Outline,
    PageLink,
    PageView,
    Picture,
    RevisionView,
    SiteFacts,
    Text,
    article_view,
    author_view,
    summary,
    typography_of,
)

REVISIONS_TEMPLATE = "partials/revisions.html"  # an article's corrections and updates

# --- Tasks: everything one output needs, and nothing else. ---


@dataclass(frozen=True)
class Pagination:
    """Where a page of a paginated list is: its number, the count, and their site paths."""

    number: int
    count: int
    paths: tuple[str, ...]  # site path of every page, the first one at index 0

    @property
    def previous(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.paths[self.number] if self.number < self.count else None

    def links(self, around: int = 2) -> tuple[tuple[int, str] | None, ...]:
        """The numbered links to show: the first and last pages and ``around`` on each side of
        this one, None where numbers are left out, so the list stays short whatever the count."""
        kept = {1, self.count, *range(self.number - around, self.number + around + 1)}
        shown: list[tuple[int, str] | None] = []
        for number in sorted(n for n in kept if 1 <= n <= self.count):
            if shown and shown[-1] is not None and number != shown[-1][0] + 1:
                shown.append(None)
            shown.append((number, self.paths[number - 1]))
        return tuple(shown)


@dataclass(frozen=True)
class ViewTask:
    """Render an article's Markdown into its view (the costly, cacheable part)."""

    article: Article
    pictures: tuple[tuple[str, Picture], ...] = ()  # the image of each figure, by its address
    # The site path of each content file it links to by source (None: no such file), sorted.
    targets: tuple[tuple[str, str | None], ...] = ()
    cards: tuple[CardTarget, ...] = ()  # what its « Lire aussi » blocks show of other articles


@dataclass(frozen=True)
class ArticlePage:
    view: bytes  # the pickled ArticleView: views travel as the cache stores them
    others: tuple[ArticleSummary, ...]
    nav: tuple[PageLink, ...]
    authors: tuple[Author, ...] = ()  # the profiles of its authors that have one (``authors.yaml``)


@dataclass(frozen=True)
class HomePage:
    articles: tuple[ArticleSummary, ...]
    pagination: Pagination
    nav: tuple[PageLink, ...]
    subjects: tuple[taxonomy.TermLink, ...] = ()  # the strip of the most used subjects
    lead: ArticleSummary | None = None  # the lead story, on the first page


@dataclass(frozen=True)
class ListingPage:
    """A page of the articles of one subject, rubrique or author (``feuillet.taxonomy``)."""

    kind: str
    label: str
    articles: tuple[ArticleSummary, ...]
    pagination: Pagination
    nav: tuple[PageLink, ...]
    feed: str | None  # the site path of its own feed
    profile: Author | None = None  # an author's page: their entry of ``authors.yaml``


@dataclass(frozen=True)
class TermsPage:
    """``/sujets/``, ``/rubriques/``, ``/auteurs/``: every term of a kind, alphabetically."""

    kind: str
    terms: tuple[taxonomy.TermLink, ...]
    nav: tuple[PageLink, ...]


@dataclass(frozen=True)
class StandalonePage:
    view: PageView
    nav: tuple[PageLink, ...]


@dataclass(frozen=True)
class RedirectPage:
    """The page at an old URL of an article (``aliases:``): it leads to the article."""

    target: str  # the article's site path, 'slug/'
    title: Text


@dataclass(frozen=True)
class NotFoundPage:
    nav: tuple[PageLink, ...]


@dataclass(frozen=True)
class CorrectionItem:
    """One correction as the /corrections/ page lists it, with the article it corrects."""

    path: str  # the article's site path, 'slug/'
    title: Text
    correction: RevisionView


@dataclass(frozen=True)
class CorrectionsPage:
    """/corrections/: every correction of the site, newest first."""

    items: tuple[CorrectionItem, ...]
    nav: tuple[PageLink, ...]


@dataclass(frozen=True)
class SearchPage:
    """The search page; ``searchable``: the site has its index (not in the dev server)."""

    nav: tuple[PageLink, ...]
    searchable: bool


@dataclass(frozen=True)
class FeedFile:
    views: tuple[bytes, ...]  # pickled ArticleViews, newest first
    updated: datetime
    title: str | None = None  # a subject's or rubrique's feed: its name
    page: str = ""  # and the site paths of its page
    path: str = publish.FEED_PATH  # and of itself


@dataclass(frozen=True)
class SitemapFiles:
    entries: tuple[publish.SitemapEntry, ...]


@dataclass(frozen=True)
class RobotsFile:
    pass


@dataclass(frozen=True)
class CardImage:
    path: str
    card: social.Card


@dataclass(frozen=True)
class ResizedImage:
    """One size of a figure's image (``feuillet.images``)."""

    path: str
    content: bytes  # the original's bytes
    width: int


Task = (
    ArticlePage | HomePage | ListingPage | TermsPage | StandalonePage | NotFoundPage | FeedFile | SitemapFiles
    | RobotsFile | CardImage | RedirectPage | ResizedImage | CorrectionsPage | SearchPage
)


@dataclass(frozen=True)
class Theme:
    """The templates and the message catalog of the site's language."""

    templates: tuple[TextFile, ...]
    catalog: str | None


@dataclass(frozen=True)
class Made:
    """What a task made: files, or the template errors that stopped it."""

    outputs: tuple[Output, ...]
    errors: tuple[SourceError, ...] = ()


@dataclass(frozen=True)
class ViewMade:
    view: bytes
    summary: ArticleSummary
    outline: Outline | None


class Workshop:
    """The per-process tools of one build: built once, used for every task."""

    def __init__(self, theme: Theme, facts: SiteFacts, font: bytes | None, cards: Path | None,
                 compiled: Path | None = None, sizes: Path | None = None) -> None:
        self.facts = facts
        self.font = font
        self.cards = cards  # the folder of drawn cards kept between builds
        self.sizes = sizes  # the folder of resized images kept between builds
        self.env = environment(theme.templates, theme.catalog, facts, compiled)
        self.labels = box_labels(self.env, BOX_KINDS)  # « L'essentiel »…, from the catalog
        self._renderers: dict[bool, Renderer] = {}

    def renderer(self, typography: bool) -> Renderer:
        """One block and one inline Markdown converter per setting, reset between uses."""
        if typography not in self._renderers:
            site_root = urlsplit(self.facts.config.url).path or "/"
            self._renderers[typography] = Renderer(typography, site_root=site_root,
                                                   base_path=self.facts.base_path,
                                                   boxes=Boxes(labels=self.labels))
        return self._renderers[typography]

    def author(self, author: Author) -> AuthorView:
        """An author's profile typeset as the site is."""
        typography = self.facts.config.typography
        return author_view(author, self.renderer(typography), typography)

    def view(self, task: ViewTask) -> ViewMade:
        config = self.facts.config
        view = article_view(task.article, config, self.renderer(typography_of(task.article, config)),
                            dict(task.pictures), dict(task.targets), task.cards)
        return ViewMade(pickle.dumps(view, protocol=pickle.HIGHEST_PROTOCOL), summary(view), view.outline)

    def make(self, task: Task, path: str) -> Made:
        facts = self.facts
        if isinstance(task, ArticlePage):
            view: ArticleView = pickle.loads(task.view)
            profiles = {author.name: self.author(author) for author in task.authors}
            context = {"pages": task.nav, "article": view, "others": task.others,
                       "meta": publish.article_meta(facts, view, profiles)}
            return self._page(path, "article.html", context)
        if isinstance(task, HomePage):
            context = {"pages": task.nav, "articles": task.articles, "pagination": task.pagination,
                       "lead": task.lead, "meta": publish.home_meta(facts, task.pagination.number),
                       "subjects": task.subjects}
            return self._page(path, "index.html", context)
        if isinstance(task, ListingPage):
            page = task.pagination.paths[task.pagination.number - 1]
            profile = self.author(task.profile) if task.profile else None
            context = {"pages": task.nav, "listed": task.articles, "pagination": task.pagination,
                       "kind": task.kind, "label": task.label, "feed": task.feed, "profile": profile,
                       "meta": publish.listing_meta(facts, page, task.label, task.feed, task.kind, profile)}
            return self._page(path, "listing.html", context)
        if isinstance(task, TermsPage):
            context = {"pages": task.nav, "kind": task.kind, "terms": task.terms,
                       "meta": publish.listing_meta(facts, task.kind + "/", "", None)}
            return self._page(path, "terms.html", context)
        if isinstance(task, StandalonePage):
            context = {"pages": task.nav, "page": task.view, "meta": publish.page_meta(facts, task.view)}
            return self._page(path, "page.html", context)
        if isinstance(task, RedirectPage):
            context = {"target": task.target, "title": task.title,
                       "canonical": facts.config.absolute_url(task.target)}
            return self._page(path, "redirect.html", context)
        if isinstance(task, CorrectionsPage):
            context = {"pages": task.nav, "corrections": task.items,
                       "meta": publish.corrections_meta(facts)}
            return self._page(path, "corrections.html", context)
        if isinstance(task, NotFoundPage):
            return self._page(path, "404.html", {"pages": task.nav, "meta": publish.not_found_meta(facts)})
        if isinstance(task, SearchPage):
            context = {"pages": task.nav, "meta": publish.search_meta(facts), "searchable": task.searchable}
            return self._page(path, "search.html", context)
        if isinstance(task, FeedFile):
            views = [pickle.loads(view) for view in task.views]
            endings, errors = self._revisions(views)
            if errors:
                return Made((), tuple(errors))
            feed = publish.feed_xml(facts, views, task.updated, task.title, task.page, task.path, endings)
            return Made((Output(path, feed),))
        if isinstance(task, SitemapFiles):
            return Made(tuple(publish.sitemap_files(facts, task.entries)))
        if isinstance(task, RobotsFile):
            return Made((Output(path, publish.robots_txt(facts)),))
        if isinstance(task, ResizedImage):
            return Made((Output(task.path, images.sized(task.content, task.width, self.sizes)),))
        assert self.font is not None  # the plan only asks for cards when the font is there
        return Made((Output(task.path, social.card_png(task.card, self.font, self.cards)),))

    def _revisions(self, views: Sequence[ArticleView]) -> tuple[list[Markup], list[SourceError]]:
        """Each article's corrections and updates as plain HTML for its feed entry, written by the
        site's templates (the labels come from the catalog)."""
        endings: list[Markup] = []
        errors: list[SourceError] = []
        shown = has_template(self.env, REVISIONS_TEMPLATE)
        for view in views:
            if not view.revisions or not shown:
                endings.append(Markup(""))
                continue
            content, failed = render_page(self.env, REVISIONS_TEMPLATE, {"article": view, "feed": True})
            endings.append(Markup(content.decode("utf-8").strip()))
            errors += failed
        return endings, errors

    def _page(self, path: str, template: str, context: dict[str, Any]) -> Made:
        content, errors = render_page(self.env, template, context)
        return Made((Output(path, content),), tuple(errors))


# --- Running tasks, here or in worker processes. ---

# The workshop of a worker process, set once by the pool's initializer (one per process: the
# only module-level state, and never in the main process).
_WORKSHOP: Workshop | None = None


_STOPPING = (signal.SIGINT, signal.SIGTERM)


def quiet_worker() -> None:
    """Set up a worker process's signals: Ctrl-C, which a terminal sends to every process of the
    build, and SIGTERM, which a service manager may send to all of them, are the main process's
    to handle: it stops the workers (:func:`stop_pool`). Both were held back since the fork
    (see :func:`forking`); from here on they are ignored."""
    for number in _STOPPING:
        signal.signal(number, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


@contextlib.contextmanager
def forking() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a pool starts its processes and threads: a worker
    inherits the hold and lifts it in :func:`quiet_worker`, so none is stopped before it ignores
    Ctrl-C, and the pool's threads keep it, so the main thread is the one that gets them. Here a
    held signal takes effect when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no fork there either
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _each(chunk: tuple[Callable[[Any], Any], Sequence[Any]]) -> list[Any]:
    function, items = chunk
    return [function(item) for item in items]


def submit(pool: ProcessPoolExecutor, function: Callable[[Any], Any], items: Sequence[Any],
           chunk: int) -> list[Future[list[Any]]]:
    """Hand ``items`` to the pool in chunks, as ``pool.map`` does; see :func:`results`."""
    with forking():
        return [pool.submit(_each, (function, items[start : start + chunk]))
                for start in range(0, len(items), chunk)]


def results(futures: Sequence[Future[list[Any]]]) -> Iterator[Any]:
    """The results of :func:`submit`, in order. Unlike ``pool.map``, stopping early (Ctrl-C)
    cancels nothing: :func:`stop_pool` ends the pool, and a future cancelled meanwhile would make
    the pool's own thread fail noisily as it marks the rest failed."""
    for future in futures:
        yield from future.result()


def _start_worker(theme: Theme, facts: SiteFacts, font: bytes | None, cards: Path | None,
                  compiled: Path | None, sizes: Path | None) -> None:
    global _WORKSHOP
    quiet_worker()
    _WORKSHOP = Workshop(theme, facts, font, cards, compiled, sizes)


def start_method() -> str:
    """fork is quickest; with other threads alive (the dev server) it is unsafe, so a fresh
    interpreter starts each worker instead."""
    return "fork" if threading.active_count() == 1 else "spawn"


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """End a pool now: its workers are killed, not waited for (what ``kill_workers`` does from
    Python 3.14 on). Its tasks are left to fail with the pool (cancelling them here races with
    the pool's own thread marking them failed)."""
    processes = list((pool._processes or {}).values())  # private: no public way before 3.14
    pool.shutdown(wait=False)
    for process in processes:
        with contextlib.suppress(ValueError, ProcessLookupError):
            process.kill()
    for process in processes:
        with contextlib.suppress(ValueError):
            process.join(timeout=1)


def _work(job: tuple[str, Any, str]) -> Any:
    kind, task, path = job
    assert _WORKSHOP is not None
    if kind == "view":
        return _WORKSHOP.view(task)
    return _WORKSHOP.make(task, path)


# Below this many tasks per worker, starting processes costs more than it saves.
MIN_TASKS_PER_WORKER = 24


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Runner:
    """Runs jobs for one build: in worker processes when there are enough of them, else here."""

    def __init__(
        self, theme: Theme, facts: SiteFacts, font: bytes | None, cards: Path | None, jobs: int,
        local: Workshop | None = None, compiled: Path | None = None, sizes: Path | None = None,
    ) -> None:
        self.init = (theme, facts, font, cards, compiled, sizes)
        self.jobs = max(1, jobs)
        self._local = local  # a workshop made for these very inputs by an earlier build (serve)
        self._pool: ProcessPoolExecutor | None = None

    @property
    def local(self) -> Workshop:
        if self._local is None:
            self._local = Workshop(*self.init)
        return self._local

    def run(
        self, jobs: Sequence[tuple[str, Any, str]], progress: Callable[[int], None] | None = None
    ) -> Iterator[Any]:
        """Results in the order of ``jobs``; ``progress`` is told how many are done so far."""
        if self.jobs == 1 or len(jobs) < MIN_TASKS_PER_WORKER * 2:
            for done, (kind, task, path) in enumerate(jobs, start=1):
                yield self.local.view(task) if kind == "view" else self.local.make(task, path)
                if progress:
                    progress(done)
            return
        pool = self._start()
        chunk = max(1, min(64, len(jobs) // (self.jobs * 8)))
        for done, result in enumerate(results(submit(pool, _work, jobs, chunk)), start=1):
            yield result
            if progress:
                progress(done)

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context(start_method()),
                initializer=_start_worker, initargs=self.init,
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def stop(self) -> None:
        """End the workers now (an interrupted or failed build): nothing is waited for."""
        if self._pool is not None:
            stop_pool(self._pool)
            self._pool = None

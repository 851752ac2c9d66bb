"""The build recipe: load → views → plan → render what changed → check → write.

The only module that knows the order. Each stage is a function of explicit inputs; the cache
only ever skips work whose inputs it has seen, so a build with it gives the bytes of one without.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import pickle
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from feuillet import cache as caching
from feuillet import compare, files, images, publish, related, search, social, stamp, urls
from feuillet.authors import load_authors, organisation_names, unused
from feuillet.cache import Cache, ManifestRow, SourceRow, digest, text_digest
from feuillet.config import base_path as resolve_base_path
from feuillet.config import load_settings
from feuillet.content import (
    Publication,
    check_cards,
    check_related,
    check_unique_slugs,
    load_article,
    load_page,
    publication,
)
from feuillet.errors import BuildFailed, Message, Problems, SourceError, as_errors, message, template
from feuillet.links import check_links, site_target
from feuillet.model import (
    Article,
    Author,
    BinaryFile,
    CardTarget,
    Figure,
    Kept,
    Page,
    Site,
    SiteConfig,
    TextFile,
)
from feuillet.outputs import (
    MIN_TASKS_PER_WORKER,
    Made,
    Runner,
    Theme,
    ViewMade,
    ViewTask,
    Workshop,
    default_jobs,
    quiet_worker,
    results,
    start_method,
    stop_pool,
    submit,
)
from feuillet.plan import Entry, PlanInputs, Size, Step, make_plan
from feuillet.project import BuildOptions, BuildReport, Progress, Project, clock
from feuillet.proofread import typography_warnings
from feuillet.render import catalog_for, fingerprint
from feuillet.sources import read_text
from feuillet.views import (
    ArticleSummary,
    ArticleView,
    Outline,
    PageView,
    Picture,
    Preview,
    SiteFacts,
    moment,
    page_view,
    typography_of,
)
from feuillet.write import (
    InPlace,
    Interrupted,
    Staging,
    add_marker,
    check_output,
    folder_files,
    locked,
    recover,
    remove_in_background,
    remove_leftovers,
)

if TYPE_CHECKING:
    from feuillet.serve import Snapshot

T = TypeVar("T")

def _listed(project: Project, rule: files.Rule, problems: Problems) -> tuple[files.Source, ...]:
    """The files of one source folder; what cannot be read on purpose goes to ``problems``."""
    found = files.listing(project.root, rule)
    problems.extend(list(found.problems))
    return found.sources


def _load_each(
    sources: Sequence[files.Source], limit: int, problems: Problems, load: Callable[[str, str], T | None]
) -> list[T]:
    loaded = []
    for source in sources:
        text, error = read_text(source.file, source.path, limit)
        if error:
            problems.extend([error])
            continue
        assert text is not None
        item = load(text, source.path)
        if item is not None:
            loaded.append(item)
    return loaded


def _load_static(sources: Sequence[files.Source], problems: Problems,
                 rule: files.Rule = files.STATIC) -> list[BinaryFile]:
    """Static files (and build-only assets) are read as they are, whatever their size: they are
    not parsed."""
    loaded = []
    root = rule.folder + "/"
    for source in sources:
        content, error = files.read_bytes(source.file, source.path, None)
        if error:
            problems.extend([error])
            continue
        assert content is not None
        loaded.append(BinaryFile(source.path.removeprefix(root), content))
    return loaded


def _load_resources(articles: Sequence[Article], bundled: Sequence[files.Source], problems: Problems
                    ) -> tuple[BinaryFile, ...]:
    """The files of the page bundles of ``articles`` (copied as they are, like static files)."""
    folders = {folder + "/" for article in articles if (folder := files.bundle_folder(article.source))}
    if not folders:
        return ()
    loaded = []
    for source in bundled:
        folder = next((folder for folder in folders if source.path.startswith(folder)), None)
        if folder is None:
            continue
        content, error = files.read_bytes(source.file, source.path, None)
        if error:
            problems.extend([error])
            continue
        assert content is not None
        loaded.append(BinaryFile(source.path, content))
    return tuple(loaded)


def published_resources(site: Site) -> list[tuple[str, bytes]]:
    """(site path, bytes) of each page bundle's file, beside its article: ``slug/photo.jpg``."""
    by_folder = {folder + "/": article.slug for article in site.articles
                 if (folder := files.bundle_folder(article.source))}
    published = []
    for resource in site.resources:
        folder, _, name = resource.path.rpartition("/")
        while folder + "/" not in by_folder and "/" in folder:  # a file in a subfolder of a bundle
            folder, _, parent = folder.rpartition("/")
            name = parent + "/" + name
        if folder + "/" in by_folder:
            published.append((by_folder[folder + "/"] + "/" + name, resource.content))
    return published


# What parsing a source depends on besides its text and path.
_PARSE_SETTINGS = ("timezone", "byline")
# What an article's view depends on besides the article.
_VIEW_SETTINGS = ("typography", "timezone", "language", "words_per_minute", "byline")


@dataclass
class Loaded:
    """The validated site, the content hash of each source, and notes for the editor."""

    site: Site
    hashes: dict[str, str]  # source path → digest of its text
    notes: list[str] = field(default_factory=list)
    warnings: list[SourceError] = field(default_factory=list)  # the build goes on (not --strict)
    publication: Publication | None = None  # what is published now, what waits


def _settings(config: SiteConfig, names: Sequence[str]) -> str:
    return digest(*(getattr(config, name) for name in names))


def _load_config(project: Project, problems: Problems) -> tuple[SiteConfig, tuple[Kept, ...]]:
    problem = files.config_problem(project.root)
    if problem is not None:
        problems.extend([problem])
        problems.raise_if_any()
    if not project.config.is_file():
        problems.add("site.yaml", 0, "site.yaml", message("no site.yaml in {root}", root=project.root))
        problems.raise_if_any()
    text, error = read_text(project.config, "site.yaml")
    if error:
        problems.extend([error])
        problems.raise_if_any()
    assert text is not None
    config, keep = load_settings(text, "site.yaml", problems)
    if config is None:
        problems.raise_if_any()
        raise BuildFailed([])  # unreachable: a missing config always comes with a problem
    return config, keep


def _load_authors(project: Project, config: SiteConfig, problems: Problems) -> tuple[Author, ...]:
    """The profiles of ``authors.yaml``, when the project has one."""
    if not project.authors.exists():
        return ()
    text, error = read_text(project.authors, files.AUTHORS, config.max_file_size)
    if error:
        problems.extend([error])
        return ()
    assert text is not None
    return load_authors(text, files.AUTHORS, problems)


# What the plan and the link check know of an article without its view: its summary, the
# digest of that summary (what listings depend on) and its outline (ids and links).
Summarised = tuple[ArticleSummary, str, Outline | None]


@dataclass(frozen=True)
class Remembered:
    """An article kept in a long-running process, with what decides whether it is still good."""

    size: int
    mtime_ns: int  # -1 when too recent to be trusted: then the text's hash decides
    identity: str  # which file it was (device and inode): a file put in its place is another
    hash: str
    context: str
    article: Article
    warnings: tuple[SourceError, ...] = ()


@dataclass
class Memory:
    """What a long-running process (``serve``) keeps between its builds, on top of the cache.

    Each value is checked exactly as the cache's rows are (stat, hash, keys), so a build using
    it gives the bytes of one without; it only saves reading and unpickling 10,000 rows again.
    """

    sources: dict[str, Remembered] = field(default_factory=dict)  # source path → its article
    summaries: dict[str, Summarised] = field(default_factory=dict)  # view key →
    manifest: dict[str, ManifestRow] = field(default_factory=dict)  # the folder it updates in place
    workshop: tuple[str, Workshop] | None = None  # compiled templates, by digest of their inputs
    related: tuple[str, dict[str, tuple[str, ...]]] | None = None  # « Lire aussi », by its key


def _parse(job: tuple[str, str, SiteConfig]) -> tuple[Article | None, list[SourceError]]:
    """Parse one article (in a worker process when there are many)."""
    text, path, config = job
    problems = Problems()
    return load_article(text, path, config, problems), problems.items + problems.warnings


def _cached_article(payload: bytes) -> tuple[Article, tuple[SourceError, ...]] | None:
    """An article and its warnings from a cache row (None when the row is not one)."""
    value = caching.load(payload)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Article):
        return value[0], tuple(value[1])
    return None


def _parse_all(jobs: list[tuple[str, str, SiteConfig]], workers: int
               ) -> list[tuple[Article | None, list[SourceError]]]:
    """Parse articles in order, on every core when there are enough of them (a cold build)."""
    if workers <= 1 or len(jobs) < MIN_TASKS_PER_WORKER * 2:
        return [_parse(job) for job in jobs]
    chunk = max(1, min(64, len(jobs) // (workers * 8)))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(start_method()),
                               initializer=quiet_worker)
    try:
        parsed = list(results(submit(pool, _parse, jobs, chunk)))
    except BaseException:
        stop_pool(pool)  # Ctrl-C or a failure: the other articles are not parsed
        raise
    pool.shutdown()
    return parsed


def _load_articles(
    project: Project, config: SiteConfig, cache: Cache, problems: Problems, memory: Memory | None,
    workers: int = 1,
) -> tuple[list[Article], dict[str, str], tuple[files.Source, ...]]:
    """Articles from their files; a file whose stat (or text) is unchanged is not parsed again.
    Also the files of page bundles (not read here: only those of published articles are)."""
    context = _settings(config, _PARSE_SETTINGS)
    remembered = memory.sources if memory is not None else {}
    kept: dict[str, Remembered] = {}
    known: dict[str, SourceRow] | None = None  # the cache's rows, read only if memory lacks one
    found: dict[str, Article] = {}
    warned: dict[str, tuple[SourceError, ...]] = {}
    hashes: dict[str, str] = {}
    order: list[str] = []
    to_parse: list[tuple[str, str, int, int, str]] = []  # path, text, size, mtime (-1: untrusted), identity
    changed: list[str] = []  # paths whose cache row must be written
    now = time.time_ns()
    limit = config.max_file_size
    listed = files.listing(project.root, files.ARTICLES)
    problems.extend(list(listed.problems))
    for source in listed.sources:
        path = source.path
        order.append(path)
        try:
            stat = os.stat(source.file)  # through a link: the file it leads to
        except OSError as gone:
            reason = gone.strerror or message("gone")
            problems.add(path, 0, files.KEY, message(files.UNREADABLE, reason=reason))
            continue
        if stat.st_size > limit:  # before the cache: the limit may have just been lowered
            problems.add(path, 0, files.KEY, files.too_big(stat.st_size, limit))
            continue
        current = (stat.st_size, stat.st_mtime_ns, caching.identity(stat))
        mine = remembered.get(path)
        if mine and mine.context == context and (mine.size, mine.mtime_ns, mine.identity) == current:
            found[path], hashes[path], kept[path] = mine.article, mine.hash, mine
            warned[path] = mine.warnings
            continue
        if known is None and not remembered:
            known = cache.sources()  # the first build: every row, in one query
        row = known.get(path) if known is not None else cache.source(path)
        if row and row.context == context and (row.size, row.mtime_ns, row.identity) == current:
            cached = _cached_article(row.payload)
            if cached is not None:
                found[path], hashes[path] = cached[0], row.hash
                warned[path] = cached[1]
                kept[path] = Remembered(*current, row.hash, context, *cached)
                continue
        text, error = read_text(source.file, path, limit)
        if error:
            problems.extend([error])
            continue
        assert text is not None
        hashed = hashlib.sha256(text.encode("utf-8")).hexdigest()
        mtime = stat.st_mtime_ns if now - stat.st_mtime_ns > stamp.TRUSTED_AGE_NS else -1
        hashes[path] = hashed
        if mine and mine.context == context and mine.hash == hashed:
            found[path], warned[path] = mine.article, mine.warnings
        elif row and row.context == context and row.hash == hashed:
            cached = _cached_article(row.payload)
            if cached is not None:
                found[path], warned[path] = cached
        if path not in found:
            to_parse.append((path, text, stat.st_size, mtime, current[2]))
            continue
        kept[path] = Remembered(stat.st_size, mtime, current[2], hashed, context, found[path], warned[path])
        changed.append(path)  # same text, new stat: store the row again
    parsed = _parse_all([(text, path, config) for path, text, *_ in to_parse], workers)
    for (path, *_), (article, errors) in zip(to_parse, parsed, strict=True):
        problems.extend([error for error in errors if error.severity != "warning"])
        if article is not None:
            found[path] = article
            warned[path] = tuple(error for error in errors if error.severity == "warning")
    for path, _, size, mtime, identity in to_parse:
        if path in found:
            kept[path] = Remembered(size, mtime, identity, hashes[path], context, found[path], warned[path])
            changed.append(path)
    cache.put_sources({
        path: SourceRow(kept[path].size, kept[path].mtime_ns, kept[path].identity, kept[path].hash,
                        context, caching.dump((kept[path].article, kept[path].warnings)))
        for path in changed
    })
    for path in order:
        problems.extend(list(warned.get(path, ())))
    if memory is not None:
        memory.sources = kept
    return [found[path] for path in order if path in found], hashes, listed.resources


def load_site(project: Project, drafts: bool = False, cache: Cache | None = None,
              memory: Memory | None = None, workers: int = 1, now: datetime | None = None,
              future: bool = False) -> Loaded:
    """Read and validate every source; raises BuildFailed listing all problems."""
    problems = Problems()
    config, keep = _load_config(project, problems)
    authors = _load_authors(project, config, problems)
    config = replace(config, organisations=organisation_names(authors))
    store = cache or Cache(None, caching.salt())
    articles, hashes, bundled = _load_articles(project, config, store, problems, memory, workers)
    limit = config.max_file_size
    pages: list[Page] = _load_each(
        _listed(project, files.PAGES, problems), limit, problems,
        lambda text, path: load_page(text, path, problems),
    )
    problems.extend(check_unique_slugs(articles, pages))
    problems.extend(check_cards(articles))
    problems.extend(check_related(articles))
    unused(authors, articles, files.AUTHORS, problems)

    def text_file(text: str, path: str) -> TextFile:
        return TextFile(path, text)

    templates = _load_each(_listed(project, files.TEMPLATES, problems), limit, problems, text_file)
    catalogs = _load_each(_listed(project, files.CATALOGS, problems), limit, problems, text_file)
    static = _load_static(_listed(project, files.STATIC, problems), problems)
    assets = _load_static(_listed(project, files.ASSETS, problems), problems, files.ASSETS)
    problems.raise_if_any()
    moment = now or clock()
    if moment.tzinfo is None:  # --now without an offset: the site's time zone
        moment = moment.replace(tzinfo=ZoneInfo(config.timezone))
    chosen = publication(articles, moment, drafts, future)
    resources = _load_resources(chosen.published, bundled, problems)
    problems.raise_if_any()
    site = Site(
        config=config,
        articles=chosen.published,
        pages=tuple(sorted(pages, key=lambda page: page.slug)),
        templates=tuple(templates),
        catalogs=tuple(catalogs),
        static=tuple(static),
        keep=keep,
        resources=resources,
        assets=tuple(assets),
        authors=authors,
    )
    return Loaded(site, hashes, store.notes, sorted(set(problems.warnings)), chosen)


def _image_sizes(site: Site, cache: Cache) -> dict[str, tuple[int, int, str]]:
    """Size and type of the images named by articles and the publisher; a missing one is an error."""
    static = {file.path: file.content for file in site.static}
    wanted: dict[str, tuple[str, str]] = {}
    publisher = site.config.publisher
    if publisher and publisher.logo:
        wanted[publisher.logo] = ("site.yaml", "publisher")
    for article in site.articles:
        if article.image:
            wanted.setdefault(article.image.removeprefix("static/"), (article.source, "image"))
    errors = [SourceError(where, 0, key, message("no file static/{path}", path=path))
              for path, (where, key) in wanted.items() if path not in static]
    if errors:
        raise BuildFailed(errors)
    sizes = {}
    for path in sorted(wanted):
        key = "image:" + hashlib.sha256(static[path]).hexdigest()
        size = cache.get(key)
        if not isinstance(size, tuple):
            size = social.image_info(static[path])
            cache.put(key, size)
        sizes[path] = size
    return sizes


# Messages of figures: an image the build must measure and publish.
IMAGE_MISSING = template("the image {address} is not a file of the site: put it in the article's folder, "
                         "beside its index.md or index.yaml, or under static/ (written /static/…)")
IMAGE_UNREADABLE = template("the image {address} cannot be read: {reason}")
IMAGE_ADDRESS = template("the image {address} is neither a file of the site nor an https:// address")


@dataclass(frozen=True)
class Pictures:
    """The images of the figures of the published articles, and the sizes to make of them."""

    by_slug: dict[str, tuple[tuple[str, Picture], ...]]  # slug → (address as written, picture)
    sizes: tuple[Size, ...]  # one per file of images/, in a stable order


def _figures(article: Article) -> list[Figure]:
    return [block for section in article.sections for block in section.blocks if isinstance(block, Figure)]


def _picture_info(content: bytes, hashed: str, cache: Cache) -> images.Info:
    key = f"picture:{images.VERSION}:{hashed}"
    found = cache.get(key)
    if isinstance(found, images.Info):
        return found
    measured = images.info(content)  # raises images.Unreadable
    cache.put(key, measured)
    return measured


def site_pictures(site: Site, cache: Cache) -> Pictures:
    """Find, measure and plan the sizes of every figure's image; a missing or unreadable file
    is an error at the figure's line (the page would show a broken image)."""
    config = site.config
    files_of = {"static/" + file.path: file.content for file in site.static}
    files_of.update(published_resources(site))
    by_slug: dict[str, tuple[tuple[str, Picture], ...]] = {}
    sizes: dict[str, Size] = {}
    errors: list[SourceError] = []
    measured: dict[str, tuple[str, images.Info | None]] = {}  # site path → digest, info
    for article in site.articles:
        found: dict[str, Picture] = {}
        for figure in _figures(article):
            address = figure.image
            if address in found:
                continue
            scheme = urlsplit(address).scheme.lower()
            target = site_target(address, article.slug + "/", config.url)
            if target is None or (scheme and scheme not in ("http", "https")):
                if scheme in ("http", "https") or address.startswith("//"):
                    found[address] = Picture(address, False)
                else:
                    errors.append(SourceError(article.source, figure.line, "image",
                                              message(IMAGE_ADDRESS, address=address)))
                continue
            path = target[0]
            content = files_of.get(path)
            if content is None:
                errors.append(SourceError(article.source, figure.line, "image",
                                          message(IMAGE_MISSING, address=address)))
                continue
            if path not in measured:
                hashed = images.digest_of(content)
                try:
                    info = None if path.lower().endswith(".svg") else _picture_info(content, hashed, cache)
                except images.Unreadable as error:
                    errors.append(SourceError(article.source, figure.line, "image",
                                              message(IMAGE_UNREADABLE, address=address, reason=str(error))))
                    continue
                measured[path] = (hashed, info)
            hashed, info = measured[path]
            if info is None:
                found[address] = Picture(path, True)
            elif info.format not in images.RESIZED:
                found[address] = Picture(path, True, info.width, info.height)
            else:
                made = tuple((width, images.size_path(hashed, width, info.format))
                             for width in images.widths(info.width))
                for width, size in made:
                    sizes.setdefault(size, Size(size, hashed, width, content))
                widest = made[-1][0]
                found[address] = Picture(path, True, widest, images.height_at(info, widest), made)
        if found:
            by_slug[article.slug] = tuple(sorted(found.items()))
    if errors:
        raise BuildFailed(errors)
    return Pictures(by_slug, tuple(sizes[path] for path in sorted(sizes)))


def social_font(site: Site) -> bytes | None:
    """The font the social cards are drawn with (``assets/fonts/…``), if the project has it."""
    return next((f.content for f in site.assets if f.path == publish.SOCIAL_FONT), None)


def site_facts(site: Site, base_path: str, cache: Cache, preview: Preview | None = None) -> SiteFacts:
    """The per-build facts every output may use, computed once."""
    config = site.config
    has_font = any(file.path == publish.SOCIAL_FONT for file in site.assets)
    hidden = preview.hidden() if preview else frozenset()
    return SiteFacts(
        config=config,
        base_path=base_path,
        assets=fingerprint(site.static),
        images=_image_sizes(site, cache),
        has_feed=any(article.slug not in hidden for article in site.articles),
        corrections=any(article.corrections for article in site.articles if article.slug not in hidden),
        cards=config.social_cards and has_font,
        preview=preview,
    )


def _preview(loaded: Loaded, label: str | None) -> Preview:
    """What a preview marks: the drafts and scheduled articles it shows."""
    config, chosen = loaded.site.config, loaded.publication
    shown = {article.slug for article in loaded.site.articles}
    if chosen is None:
        return Preview(label)
    drafts = tuple(sorted(article.slug for article in chosen.drafts if article.slug in shown))
    scheduled = tuple(sorted(((article.slug, moment(article.date, config.timezone, config.language))
                              for article in chosen.scheduled if article.slug in shown),
                             key=lambda item: item[0]))
    return Preview(label, drafts, scheduled)


@dataclass
class Views:
    """The article views of one build: made where missing, else read from the cache."""

    cache: Cache
    keys: dict[str, str]  # slug → view key
    summaries: dict[str, Summarised]  # view key → summary, its digest, the article's outline
    made: dict[str, bytes]  # view key → pickled view made by this build
    articles: Sequence[Article]
    workshop: Callable[[], Workshop]
    targets: Callable[[Article], tuple[tuple[str, str | None], ...]]  # see ``_targets``
    pictures: dict[str, tuple[tuple[str, Picture], ...]] = field(default_factory=dict)  # by slug
    cards: Callable[[Article], tuple[CardTarget, ...]] = lambda article: ()  # see ``_cards``

    def view(self, key: str) -> bytes:
        if key in self.made:
            return self.made[key]
        found = self.cache.get_many(["view:" + key])
        if found:
            return found["view:" + key]
        # Its summary was cached but not the view (a damaged row): make it again.
        slug = next(slug for slug, view_key in self.keys.items() if view_key == key)
        article = next(a for a in self.articles if a.slug == slug)
        made = self.workshop().view(ViewTask(article, self.pictures.get(slug, ()), self.targets(article),
                                             self.cards(article)))
        self.made[key] = made.view
        return made.view

    def summary(self, key: str) -> ArticleSummary:
        return self.summaries[key][0]


def _base_path_of(article: Article, base_path: str) -> tuple[str, ...]:
    """What of the base path an article's view depends on: nothing, unless its text may hold a
    root-relative link, a link by source or a « Lire aussi » card (found when it was parsed),
    which the view writes under the base path; so a preview build reuses the production build's
    views of every other article."""
    return (base_path,) if article.root_relative or article.links_to or article.cards else ()


def source_paths(loaded: Loaded) -> dict[str, str]:
    """The site path of every article and page by its source file, for links written by source
    (the articles a build does not publish too: a link to a draft leads to no page, which the
    link check says)."""
    chosen = loaded.publication
    waiting = chosen.drafts + chosen.scheduled if chosen else ()
    items: list[Article | Page] = [*loaded.site.articles, *waiting, *loaded.site.pages]
    return {item.source: item.slug + "/" for item in items}


def _targets(paths: dict[str, str], article: Article) -> tuple[tuple[str, str | None], ...]:
    """Where the content files an article may link to by source lead: part of its view's key, so
    renaming one of them (its slug) makes the view again."""
    return tuple((file, paths.get(file)) for file in article.links_to)


def _cards(by_slug: dict[str, Article], article: Article) -> tuple[CardTarget, ...]:
    """What the article's « Lire aussi » blocks show of the articles they name: part of its
    view's key, so editing one of their titles, kickers or dates makes the view again."""
    return tuple(CardTarget(target.slug, target.title, target.kicker, target.date)
                 for target in (by_slug.get(slug) for slug, _ in article.cards) if target is not None)


def make_views(
    loaded: Loaded, runner: Runner, cache: Cache, salt: str, progress: Progress | None,
    memory: Memory | None = None, pictures: Pictures | None = None,
) -> Views:
    """The view key and summary of every article; views are made (in the pool) where missing.

    Made views go to the cache in batches as they arrive, and are read back from it when a
    page needs one, so a cold build of 10,000 articles does not hold 10,000 views in memory.
    """
    site = loaded.site
    settings = _settings(site.config, _VIEW_SETTINGS)
    shown = pictures.by_slug if pictures is not None else {}
    paths = source_paths(loaded)
    chosen = loaded.publication
    by_slug = {article.slug: article for article in
               [*site.articles, *((chosen.drafts + chosen.scheduled) if chosen else ())]}
    labels = digest(tuple(sorted(runner.local.labels.items())))
    keys = {
        article.slug: text_digest(salt, "view", article.source, loaded.hashes[article.source], settings,
                                  *_base_path_of(article, runner.local.facts.base_path),
                                  # its figures' images: their files' digests decide their sizes
                                  *((digest(shown[article.slug]),) if article.slug in shown else ()),
                                  *(f"{file}\x1e{path}" for file, path in _targets(paths, article)),
                                  labels, *(digest(card) for card in _cards(by_slug, article)))
        for article in site.articles
    }
    remembered = memory.summaries if memory is not None else {}
    summaries = {key: remembered[key] for key in keys.values() if key in remembered}
    found = cache.get_many(["summary:" + key for key in keys.values() if key not in summaries])
    for name, payload in found.items():
        value = caching.load(payload)
        if isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], ArticleSummary):
            summaries[name.removeprefix("summary:")] = value
    missing = [article for article in site.articles if keys[article.slug] not in summaries]
    if missing:
        jobs = [("view", ViewTask(article, shown.get(article.slug, ()), _targets(paths, article),
                                  _cards(by_slug, article)), "")
                for article in missing]
        tell = (lambda done: progress("views", done, len(jobs))) if progress else None
        stored: dict[str, bytes] = {}
        for article, result in zip(missing, runner.run(jobs, tell), strict=True):
            assert isinstance(result, ViewMade)
            key = keys[article.slug]
            summary_key = digest(result.summary)
            summaries[key] = (result.summary, summary_key, result.outline)
            stored["view:" + key] = result.view
            stored["summary:" + key] = caching.dump(summaries[key])
            if len(stored) >= 400:
                cache.put_raw(stored)
                stored = {}
        cache.put_raw(stored)
    if memory is not None:
        memory.summaries = summaries
    return Views(cache, keys, summaries, {}, site.articles, lambda: runner.local,
                 lambda article: _targets(paths, article), dict(shown),
                 lambda article: _cards(by_slug, article))


def _theme(site: Site) -> Theme:
    return Theme(site.templates, catalog_for(site.catalogs, site.config.language))


def _page_views(loaded: Loaded, runner: Runner) -> list[PageView]:
    """The pages' views, made at every build (their outputs' digests hold the whole view)."""
    site = loaded.site
    config = site.config
    paths: dict[str, str | None] = dict(source_paths(loaded))
    return [page_view(page, runner.local.renderer(typography_of(page, config)), paths)
            for page in site.pages]


def _related(site: Site, cache: Cache, salt: str, memory: Memory | None = None
             ) -> dict[str, tuple[str, ...]]:
    candidates = [
        related.Candidate(a.slug, a.date.timestamp(), a.kicker, a.tags) for a in site.articles
    ]
    key = "related:" + digest(salt, candidates)
    if memory is not None and memory.related and memory.related[0] == key:
        return _chosen_related(site, memory.related[1])
    found = cache.get(key)
    if isinstance(found, dict):
        result = {str(slug): tuple(others) for slug, others in found.items()}
    else:
        result = related.related(candidates)
        cache.put(key, result)
    if memory is not None:
        memory.related = (key, result)
    return _chosen_related(site, result)


def _chosen_related(site: Site, ranked: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """An article's own ``related`` list, in its order, replaces the ranking (a slug that is not
    published in this build, such as a draft, is left out)."""
    published = {article.slug for article in site.articles}
    chosen = {a.slug: tuple(s for s in a.related if s in published and s != a.slug)
              for a in site.articles if a.related}
    return {**ranked, **{slug: others for slug, others in chosen.items() if others}}


def plan_site(loaded: Loaded, facts: SiteFacts, views: Views, pages: list[PageView], runner: Runner,
              cache: Cache, salt: str, theme: Theme, memory: Memory | None = None,
              pictures: Pictures | None = None, searchable: bool = False) -> list[Step]:
    """Every step of the site; ``searchable``: the build makes the search index (not ``serve``)."""
    site = loaded.site
    font = social_font(site)
    entries = [
        Entry(article, views.keys[article.slug], views.summaries[views.keys[article.slug]][1])
        for article in site.articles
    ]
    inputs = PlanInputs(
        salt=salt,
        facts=facts,
        theme=digest(theme),
        entries=entries,
        related=_related(site, cache, salt, memory),
        pages=pages,
        static=site.static,
        resources=published_resources(site),
        sizes=pictures.sizes if pictures is not None else (),
        font=hashlib.sha256(font).hexdigest() if facts.cards and font else None,
        card_engine=social.engine() if facts.cards else "",
        searchable=searchable,
        authors=site.authors,
    )
    steps = make_plan(inputs, views.summary, views.view)
    _check_aliases(steps, site)
    _check_anchor_aliases(site, views)
    _check_paths(steps, site)
    _check_keep(steps, site.keep)
    return steps


_TEMPLATE_ID_RE = re.compile(r"""\bid=["']([^"'{}\s]+)["']""")


def _link_warnings(site: Site, views: Views, pages: list[PageView], steps: Sequence[Step]
                   ) -> list[SourceError]:
    """Links and images of the content that lead nowhere (see ``feuillet.links``): warnings, and
    errors for links written by source to no content file."""
    outlines = [views.summaries[key][2] for key in views.keys.values()]
    outlines += [page.outline for page in pages]
    files = {path for step in steps for path in step.paths}
    template_ids = {match for template in site.templates for match in _TEMPLATE_ID_RE.findall(template.text)}
    return check_links([o for o in outlines if o is not None], files, site.config.url, template_ids)


def _written(views: Views, pages: Sequence[PageView]) -> frozenset[str]:
    """Every address written in content: a link to the live site there is the editor's choice."""
    outlines = [views.summaries[key][2] for key in views.keys.values()] + [page.outline for page in pages]
    return frozenset(link.address for outline in outlines if outline is not None for link in outline.links)


# Messages of keep: paths the site writes itself (site.yaml errors).
KEEP_SITE_FILE = template("{path} is also a file of the site")
KEEP_SITE_FOLDER = template("{path} is also a folder of the site")
KEEP_INSIDE_SITE_FILE = template("{path} is inside {file}, a file of the site")


def keep_conflict(kept: str, paths: Sequence[str]) -> Message | None:
    """Why the site's own files leave no room for the ``keep:`` path ``kept``, or None."""
    for path in paths:
        if path == kept:
            return message(KEEP_SITE_FILE, path=kept)
        if path.startswith(kept + "/"):
            return message(KEEP_SITE_FOLDER, path=kept)
        if kept.startswith(path + "/"):
            return message(KEEP_INSIDE_SITE_FILE, path=kept, file=path)
    return None


def _check_keep(steps: Sequence[Step], keep: Sequence[Kept]) -> None:
    """A ``keep:`` path the site writes itself is a site.yaml error: the two would fight."""
    if not keep:
        return
    paths = [path for step in steps for path in step.paths]
    errors = [SourceError("site.yaml", kept.line, "keep", problem) for kept in keep
              if (problem := keep_conflict(kept.path, paths)) is not None]
    if errors:
        raise BuildFailed(errors)


ALIAS_TAKEN = template("'{alias}' is already the address of {other}")
ALIAS_FILE = template("'{alias}' is already a file of the site ({path})")
ALIAS_STATIC = template("'{alias}' is inside static/, the folder of the site's files")
ANCHOR_ALIAS_NO_SECTION = template("'{anchor}' is not the anchor of a section of this article "
                                   "(its sections: {known})")
ANCHOR_ALIAS_TAKEN = template("'{anchor}' is already an id of this article")


def _check_aliases(steps: Sequence[Step], site: Site) -> None:
    """An alias is an error at its line when another page, file or alias has its address (the
    plan then has two steps writing that path), or when it would be among the static files."""
    written = Counter(path for step in steps for path in step.paths)
    sources: list[Article | Page] = [*site.articles, *site.pages]
    claimed = {f"{item.slug}/index.html": item.source for item in sources}
    owners: dict[str, list[Article]] = {}
    for article in site.articles:
        for alias in article.aliases:
            owners.setdefault(publish.alias_path(alias), []).append(article)
    errors = []
    for article in site.articles:
        for alias, line in zip(article.aliases, article.alias_lines, strict=True):
            path = publish.alias_path(alias)
            others = [other.source for other in owners[path] if other is not article]
            if path.startswith("static/") or path == "static":
                problem = message(ALIAS_STATIC, alias=alias)
            elif others or path in claimed:
                problem = message(ALIAS_TAKEN, alias=alias, other=others[0] if others else claimed[path])
            elif written[path] > 1:
                problem = message(ALIAS_FILE, alias=alias, path=path)
            else:
                continue
            errors.append(SourceError(article.source, line, "aliases", problem))
    if errors:
        raise BuildFailed(errors)


def _check_anchor_aliases(site: Site, views: Views) -> None:
    """Each old anchor leads to a section of its article, and is no id the article already has."""
    errors = []
    for article in site.articles:
        if not article.anchor_aliases:
            continue
        view: ArticleView = pickle.loads(views.view(views.keys[article.slug]))
        sections = [section.id for section in view.sections if section.id]
        placed = {alias for section in view.sections for alias in section.aliases}
        for (old, new), line in zip(article.anchor_aliases, article.anchor_alias_lines, strict=True):
            if new not in sections:
                known = ", ".join(sections) or "—"
                problem = message(ANCHOR_ALIAS_NO_SECTION, anchor=new, known=known)
            elif old not in placed:
                problem = message(ANCHOR_ALIAS_TAKEN, anchor=old)
            else:
                continue
            errors.append(SourceError(article.source, line, "anchor_aliases", problem))
    if errors:
        raise BuildFailed(errors)


def _check_paths(steps: Sequence[Step], site: Site) -> None:
    """Two sources writing one output path is an error naming what collides."""
    sources: list[Article | Page] = [*site.articles, *site.pages]
    claimed = {f"{item.slug}/index.html": item.source for item in sources}
    seen: set[str] = set()
    errors = []
    for step in steps:
        for path in step.paths:
            if path in seen:
                errors.append(SourceError(claimed.get(path, "content"), 1, "slug",
                                          message("two sources would write {path}", path=path)))
            seen.add(path)
    if errors:
        raise BuildFailed(errors)


class Sink(Protocol):
    """Where ``run_plan`` puts the files: a staging folder, a served folder, or nowhere (check)."""

    def keep(self, path: str) -> None: ...
    def write(self, path: str, content: bytes) -> None: ...


class Nowhere:
    """The sink of ``check``: counts the files, keeps none."""

    def keep(self, path: str) -> None:
        pass

    def write(self, path: str, content: bytes) -> None:
        pass


@dataclass
class Result:
    """What ``run_plan`` did: the manifest rows of every output (stat still to fill in)."""

    rows: dict[str, ManifestRow]
    written: int  # files written; the others were kept from the previous output


def _content_digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def unchanged(steps: Sequence[Step], previous: dict[str, ManifestRow],
              on_disk: dict[str, tuple[int, int]], extra: Sequence[str] = ()) -> bool:
    """The previous output is exactly this plan's: every file there, intact, and no other
    (``extra``: files checked apart, the search index's)."""
    if set(on_disk) != set(previous):
        return False
    for step in steps:
        for path in step.paths:
            row = previous.get(path)
            if row is None or row.digest != step.digest or on_disk[path] != (row.size, row.mtime_ns):
                return False
    return sum(len(step.paths) for step in steps) + len(extra) == len(previous)


def search_pages(steps: Sequence[Step], site: Site) -> list[tuple[str, str]]:
    """(path, step digest) of each article page: what the search index is made of."""
    wanted = {article.slug + "/index.html" for article in site.articles}
    return [(step.paths[0], step.digest) for step in steps if step.paths[0] in wanted]


def add_index(result: Result, sink: Staging, key: str, pages: Sequence[str],
              previous: dict[str, ManifestRow], on_disk: dict[str, tuple[int, int]]) -> Result:
    """Put the search index into the staging folder (see ``feuillet.search``): the previous
    output's when its key is this one, else Pagefind's over the pages just written (a file whose
    bytes are the old ones is kept). A failure raises, so the old output stays."""
    rows, written = dict(result.rows), result.written
    kept = search.reusable(previous, on_disk, key)
    if kept is not None:
        for path in kept:
            sink.keep(path)
            rows[path] = previous[path]
        return Result(rows, written)
    built = [(path, (sink.folder / path).read_bytes()) for path in pages]
    for path, content in search.build_index(built):
        hashed = _content_digest(content)
        row = previous.get(path)
        if row is not None and row.content == hashed and on_disk.get(path) == (row.size, row.mtime_ns):
            sink.keep(path)
            rows[path] = ManifestRow(key, hashed, row.size, row.mtime_ns)
        else:
            sink.write(path, content)
            written += 1
            rows[path] = ManifestRow(key, hashed, len(content), 0)
    return Result(rows, written)


# Messages of the check of the outputs' URLs (``feuillet.urls``): a template's fault or feuillet's.
URL_IN_TEMPLATE = template("the URL {url} in {output} leaves the base path {base}: write it with "
                           "url() in the template, such as {{{{ url('a-propos/') }}}}")
URL_IN_STATIC = template("the URL {url} in {output} leaves the base path {base}: write it relative to "
                         "the file, such as ../img/carte.png")
URL_INTERNAL = template("internal error: the URL {url} in {output} leaves the base path {base} (a bug of "
                        "feuillet, or a template writes it without url())")


def url_errors(escaped: Sequence[tuple[str, str]], base_path: str, templates: Sequence[TextFile],
               static: Mapping[str, str] | None = None) -> list[SourceError]:
    """One error per output URL that leaves the base path: at the template line that writes it
    when one does (a project's template), at the static file that holds it (``static``: output
    path → source path), else feuillet's own (an internal error)."""
    errors = []
    for output, url in escaped:
        if static and output in static:
            errors.append(SourceError(static[output], 0, "url",
                                      message(URL_IN_STATIC, url=url, output=output, base=base_path)))
            continue
        written = [(t.path, t.text.count("\n", 0, at) + 1)
                   for t in templates if (at := t.text.find(url)) >= 0]
        if written:
            errors.append(SourceError(written[0][0], written[0][1], "template",
                                      message(URL_IN_TEMPLATE, url=url, output=output, base=base_path)))
        else:
            errors.append(SourceError(output, 0, "url", message(URL_INTERNAL, url=url, output=output,
                                                                base=base_path)))
    return errors


def run_plan(
    steps: Sequence[Step],
    runner: Runner,
    previous: dict[str, ManifestRow],
    on_disk: dict[str, tuple[int, int]],
    sink: Sink,
    progress: Progress | None = None,
    scope: urls.Scope | None = None,
    templates: Sequence[TextFile] = (),
) -> Result:
    """Make the outputs whose inputs changed, keep the files whose inputs did not, and hand each
    file to ``sink`` as soon as it is known (a made file whose bytes are the old ones is kept).

    With ``scope``, every output made is checked to hold no URL outside the base path
    (``feuillet.urls``); one that does fails the build (see ``url_errors``)."""

    def intact(path: str) -> bool:
        row = previous.get(path)
        return row is not None and on_disk.get(path) == (row.size, row.mtime_ns)

    rows: dict[str, ManifestRow] = {}
    todo: list[Step] = []
    written = 0
    escaped: list[tuple[str, str]] = []  # output path, URL
    checker = urls.Checker(scope) if scope is not None else None

    def put(path: str, digest_: str, content: bytes) -> None:
        nonlocal written
        if checker is not None:
            escaped.extend((path, url) for url in checker.escapes(path, content))
        hashed = _content_digest(content)
        row = previous.get(path)
        if row is not None and row.content == hashed and intact(path):
            sink.keep(path)  # made again, same bytes: keep the file (and its time)
            rows[path] = ManifestRow(digest_, hashed, row.size, row.mtime_ns)
        else:
            sink.write(path, content)
            written += 1
            rows[path] = ManifestRow(digest_, hashed, len(content), 0)

    for step in steps:
        if all(intact(path) and previous[path].digest == step.digest for path in step.paths):
            for path in step.paths:
                sink.keep(path)
                rows[path] = previous[path]
        elif step.task is None:
            assert step.content is not None
            put(step.paths[0], step.digest, step.content)
        else:
            todo.append(step)
    jobs = [("make", step.task(), step.paths[0]) for step in todo if step.task is not None]
    tell = (lambda done: progress("render", done, len(jobs))) if progress else None
    errors: list[SourceError] = []
    digests = {path: step.digest for step in todo for path in step.paths}
    for made in runner.run(jobs, tell):
        assert isinstance(made, Made)
        errors += made.errors
        if not errors:
            for output in made.outputs:
                put(output.path, digests[output.path], output.content)
    if errors:
        raise BuildFailed(errors)
    if escaped:
        static = {path: step.source for step in steps if step.task is None and step.source
                  for path in step.paths}
        raise BuildFailed(url_errors(escaped, scope.base_path if scope else "/", templates, static))
    return Result(rows, written)


@dataclass(frozen=True)
class Built:
    """One build's result, for the report and the dev server."""

    report: BuildReport
    base_path: str
    stylesheets: dict[str, str]
    written: int  # files written (the rest were kept or linked)


@contextmanager
def _opened(project: Project, options: BuildOptions, cache: Cache | None) -> Iterator[Cache]:
    if cache is not None:
        yield cache
        return
    own = Cache(project.cache if options.cache else None, caching.salt())
    try:
        yield own
    finally:
        own.close()


def make(
    project: Project,
    output: Path | None,
    options: BuildOptions = BuildOptions(),
    cache: Cache | None = None,
    memory: Memory | None = None,
    progress: Progress | None = None,
    waiting: Callable[[], None] | None = None,
) -> Built:
    """Load, plan, render what changed and write into ``output`` (None: check only, write nothing).

    Without ``memory``, the new output replaces ``output`` in one swap (see ``write.Staging``),
    reusing its unchanged files, under the lock of the folder (``waiting`` is called once if
    another build holds it for long). With it (the dev server), ``output`` is a private folder
    updated in place file by file, whose files ``memory.manifest`` knows. On any problem nothing
    is written and the old output stays as it was (Ctrl-C raises KeyboardInterrupt, or
    :class:`Interrupted` once the new site is in place).
    """
    started = time.perf_counter()
    timings: list[tuple[str, float]] = []

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        timings.append((stage, now - since))
        return now

    with _opened(project, options, cache) as store:
        salt = store.salt
        # The stamp of the sources as they are before loading: recorded with the written output.
        in_place = output is not None and memory is None and options.cache
        current = stamp.stamp(project, options, salt) if in_place else None
        loaded = load_site(project, options.drafts or options.preview, store, memory,
                           options.jobs or default_jobs(), options.instant(),
                           options.future or options.preview)
        # What was just loaded lives as long as the build: keep the cyclic garbage collector
        # from scanning it again and again (at 10,000 articles each full pass costs ~0.1 s).
        gc.freeze()
        site = loaded.site
        base_path = resolve_base_path(site.config, options.base_path)
        facts = site_facts(site, base_path, store,
                           _preview(loaded, options.preview_label) if options.preview else None)
        pictures = site_pictures(site, store)
        font = social_font(site)
        cards = project.cache / publish.SOCIAL_CACHE if options.cache else None
        theme = _theme(site)
        tools = digest(theme, facts, font, cards)
        reused = memory.workshop[1] if memory and memory.workshop and memory.workshop[0] == tools else None
        compiled = project.cache / "templates" / salt[:16] if options.cache else None
        if compiled is not None and compiled.parent.is_dir():  # compiled by another version
            for other in compiled.parent.iterdir():
                if other.name != compiled.name:
                    shutil.rmtree(other, ignore_errors=True)
        runner = Runner(theme, facts, font if facts.cards else None, cards,
                        options.jobs or default_jobs(), reused, compiled,
                        project.cache / images.CACHE if options.cache else None)
        if memory is not None:
            memory.workshop = (tools, runner.local)
        css = {path: base_path + "static/" + target for path, target in facts.assets.items()
               if path.endswith(".css")}
        carry = tuple(kept.path for kept in site.keep)
        staging: Staging | None = None
        try:
            mark = lap("load", started)
            views = make_views(loaded, runner, store, salt, progress, memory, pictures)
            mark = lap("views", mark)
            pages = _page_views(loaded, runner)
            steps = plan_site(loaded, facts, views, pages, runner, store, salt, theme, memory, pictures,
                              searchable=output is not None and memory is None)
            linked = _link_warnings(site, views, pages, steps)
            broken = [problem for problem in linked if problem.severity != "warning"]
            warnings = loaded.warnings + [problem for problem in linked if problem.severity == "warning"]
            if broken:
                raise BuildFailed(broken, warnings)
            if options.strict and warnings:
                raise BuildFailed(as_errors(warnings))
            mark = lap("plan", mark)
            # A folder replaced whole: one build at a time, from reading its files to recording them.
            swapped = output is not None and memory is None
            with locked(output, waiting) if swapped and output is not None else contextlib.nullcontext():
                if memory is not None:
                    rows = memory.manifest
                    on_disk = {path: (row.size, row.mtime_ns) for path, row in rows.items()}
                elif output is not None:
                    remove_leftovers(output.absolute())
                    rows = store.manifest(output.absolute())
                    on_disk = folder_files(output, carry) if rows and output.is_dir() else {}
                else:
                    rows, on_disk = {}, {}
                scope = urls.Scope(site.config.url, base_path, _written(views, pages))
                # The search index, in a folder swapped in whole (never the dev server's).
                indexed = search_pages(steps, site) if swapped else []
                index_key = search.index_key(salt, indexed) if indexed else None
                index_kept = search.reusable(rows, on_disk, index_key) if index_key else None
                if output is None:
                    result = run_plan(steps, runner, {}, {}, Nowhere(), progress, scope, site.templates)
                elif memory is None and (index_key is None or index_kept is not None) and unchanged(
                        steps, rows, on_disk, index_kept or ()):
                    result = Result(dict(rows), 0)
                    add_marker(output)
                else:
                    if memory is None:
                        staging = Staging(output, None, options.detach, carry)
                    sink: Staging | InPlace = staging or InPlace(output, on_disk)
                    with sink:
                        result = run_plan(steps, runner, rows, on_disk, sink, progress, scope,
                                          site.templates)
                        mark = lap("render", mark)
                        if staging is not None and index_key is not None:
                            result = add_index(result, staging, index_key, [p for p, _ in indexed],
                                               rows, on_disk)
                            mark = lap("search", mark)
                        if result.written == 0 and set(result.rows) == set(on_disk):
                            sink.abort()  # the same files, the same bytes: leave the folder alone
                            if staging is not None:
                                add_marker(output)
                            stats = on_disk
                        else:
                            stats = sink.commit()
                    manifest = {path: ManifestRow(row.digest, row.content, *stats[path])
                                for path, row in result.rows.items()}
                    if memory is not None:
                        memory.manifest = manifest
                    else:
                        store.put_manifest(output.absolute(), manifest)
                if in_place:
                    assert output is not None
                    recorded = stamp.Recorded(
                        current, len(site.articles), len(site.pages), len(result.rows), base_path,
                        tuple(sorted(css.items())), warnings=tuple(warnings),
                        next_publication=loaded.publication.next_publication if loaded.publication else None,
                        keep=carry) if current else None
                    stamp.record(store, output, recorded)
        except KeyboardInterrupt:
            runner.stop()
            if staging is not None and staging.committed:
                raise Interrupted(written=True) from None
            raise
        except BaseException:
            runner.stop()
            raise
        finally:
            runner.close()
        if [stage for stage, _ in timings][-1] not in ("render", "search"):
            mark = lap("render", mark)
        lap("write", mark)
        report = BuildReport(
            articles=len(site.articles),
            pages=len(site.pages),
            files=len(result.rows),
            seconds=time.perf_counter() - started,
            timings=tuple(timings),
            notes=tuple(loaded.notes),
            written=result.written if output is not None else 0,
            warnings=tuple(sorted(set(warnings))),
            next_publication=loaded.publication.next_publication if loaded.publication else None,
        )
        return Built(report, base_path, css, report.written)


def scheduling(project: Project, now: datetime | None = None) -> Publication:
    """What a production build at ``now`` publishes, and the drafts and scheduled articles."""
    loaded = load_site(project, now=now)
    assert loaded.publication is not None
    return loaded.publication


def check(project: Project, drafts: bool = True, strict: bool = False) -> BuildReport:
    """Validate content and templates without writing the site (the cache may fill); scheduled
    articles are checked as if published."""
    return make(project, None, BuildOptions(drafts=drafts, strict=strict, future=True)).report


def build(project: Project, output: Path, options: BuildOptions = BuildOptions(),
          progress: Progress | None = None, shortcut: bool = True,
          waiting: Callable[[], None] | None = None) -> BuildReport:
    """The whole build. On any problem nothing is written and the old output stays.

    With ``shortcut``, a build whose sources have not changed since it last wrote ``output``
    (``feuillet.stamp``) returns at once; the command line checks that before importing this.
    """
    check_output(project, output, options.force)
    recover(output.absolute())
    skipped = stamp.skip(project, output, options) if shortcut else None
    if skipped is not None:
        return skipped
    return make(project, output, options, progress=progress, waiting=waiting).report


def against(project: Project, old: Path, now: datetime | None = None) -> list[SourceError]:
    """``check --against OLD``: the published URLs and section anchors of the built site ``old``
    that a production build of the sources at ``now`` would lose (see ``feuillet.compare``), each
    an error on the article that should keep it (``aliases``, ``anchor_aliases``)."""
    with tempfile.TemporaryDirectory(prefix="feuillet-against-") as folder, \
            _opened(project, BuildOptions(), None) as store:
        built = Path(folder) / "site"
        make(project, built, BuildOptions(now=now), store, Memory())  # a private folder: no manifest kept
        articles = load_site(project, drafts=True, cache=store, now=now, future=True).site.articles
        breaks = compare.compare(old, built).breaks
    return [_break_error(found, articles) for found in breaks]


def _loose(title: str) -> str:
    """A title without what typography changes (spaces, quotes, punctuation), for matching."""
    return re.sub(r"\W+", "", title).casefold()


def _break_error(found: compare.Break, articles: Sequence[Article]) -> SourceError:
    """A break as an error on the article it concerns: the one at that URL now, else the file
    named after it, else the one with its title (an article moved to a new slug)."""
    slug = found.url.strip("/")
    article = (next((a for a in articles if a.slug == slug or found.url in a.aliases), None)
               or next((a for a in articles if PurePosixPath(a.source).stem == slug), None)
               or next((a for a in articles if _loose(a.title) == _loose(found.title)), None))
    if found.kind == "anchor":
        key, line = "anchor_aliases", article.anchor_aliases_line if article else 0
    elif found.unpublished and article is not None:
        key, line = "draft" if article.draft else "date", 0
    else:
        key, line = "aliases", article.aliases_line if article else 0
    return SourceError(article.source if article else "content/articles", line or 1, key, found.message)


def typography_report(project: Project) -> list[SourceError]:
    """Warnings where typography changed an editor's text, file by file."""
    warnings = []
    ignored = Problems()  # ``check`` reports them
    for source in (*_listed(project, files.ARTICLES, ignored), *_listed(project, files.PAGES, ignored)):
        text, _ = read_text(source.file, source.path, None)  # sizes: checked by ``check``
        if text is not None:
            warnings += typography_warnings(text, source.path)
    return warnings




class DevSite:
    """The dev server's builds: one private folder, updated in place after each good build.

    Every rebuild goes through the same plan and cache as ``build``, kept open between
    rebuilds, with a :class:`Memory` of the loaded articles, their summaries and the folder's
    files, so a rebuild after one edit reads one file and writes the few files that changed
    (each replaced atomically: a request reads old or new bytes, never a mix within a file).
    A failed build writes nothing, so the folder stays the last good site. ``close`` removes it.
    """

    def __init__(self, project: Project, options: BuildOptions = BuildOptions()) -> None:
        self.project = project
        self.options = options
        self.cache = Cache(project.cache if options.cache else None, caching.salt())
        self.memory = Memory()
        self.folder = Path(tempfile.mkdtemp(prefix="feuillet-serve-"))
        self.site = self.folder / "site"
        self.generation = 0
        self.built = False
        self.stylesheets: dict[str, str] = {}
        self.last: BuildReport | None = None
        self.served_base_path = "/"  # the base path of the last good build (site.yaml's url or the option)

    def rebuild(self, changed: Sequence[str] = ()) -> Snapshot:
        """Build once; on problems the last good site stays the one served, with the error lines."""
        from feuillet.serve import Snapshot

        self.generation += 1
        served = self.site if self.built else None
        try:
            built = make(self.project, self.site, self.options, self.cache, self.memory)
        except BuildFailed as error:
            return Snapshot(served, tuple(str(e) for e in error.errors), self.generation, self.stylesheets)
        self.built = True
        self.served_base_path = built.base_path
        self.stylesheets = built.stylesheets
        self.last = built.report
        return Snapshot(self.site, (), self.generation, self.stylesheets)

    def watched(self) -> list[Path]:
        return list(self.project.sources)

    def close(self) -> None:
        """Stop at once: the private folder (10,000 pages at newsroom scale) goes in the background."""
        self.cache.close()
        gone = self.folder.with_name(self.folder.name + ".closed")
        try:
            self.folder.rename(gone)
        except OSError:
            gone = self.folder
        if not remove_in_background(gone):
            shutil.rmtree(gone, ignore_errors=True)

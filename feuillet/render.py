"""Render the model into the site's files in memory: Markdown through ``markup``, pages through Jinja2.

Jinja2 is used only here. Templates run with autoescape and ``StrictUndefined``, so a misspelt
variable fails the build with the template's file and line instead of printing nothing.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup, escape

from feuillet import i18n, publish
from feuillet.errors import BuildFailed, SourceError
from feuillet.markup import Renderer
from feuillet.model import Article, BinaryFile, Block, ItemList, Output, Page, Prose, Quote, Site
from feuillet.slugs import slugify
from feuillet.typography import superscript_runs, typeset

TEMPLATE_DIR = "templates"
FINGERPRINTED = (".css", ".js")


# --- View models: what templates see. Text is already typeset and Markdown already HTML. ---


@dataclass(frozen=True)
class Text:
    """A piece of metadata text in its two shapes: plain (titles, meta) and HTML (visible)."""

    plain: str
    html: Markup

    def __str__(self) -> str:
        return self.plain


@dataclass(frozen=True)
class ProseView:
    html: Markup
    kind: str = "prose"


@dataclass(frozen=True)
class QuoteView:
    text: Markup
    author: Text
    role: Text | None
    source: Text | None
    url: str | None
    kind: str = "quote"


@dataclass(frozen=True)
class ListView:
    items: tuple[Markup, ...]
    ordered: bool
    kind: str = "list"


BlockView = ProseView | QuoteView | ListView


@dataclass(frozen=True)
class SectionView:
    title: Text | None
    id: str | None  # the untitled opening section has no heading to point at
    blocks: tuple[BlockView, ...]


@dataclass(frozen=True)
class MomentView:
    """A moment as templates need it: ISO for ``datetime=``, long date, time of day."""

    iso: str
    long: str
    long_weekday: str
    time: str


@dataclass(frozen=True)
class ArticleView:
    slug: str
    url: str
    title: Text
    kicker: Text | None
    standfirst: Markup | None
    description: str
    authors: tuple[Text, ...]
    date: MomentView
    updated: MomentView | None
    reading_minutes: int
    tags: tuple[Text, ...]
    sections: tuple[SectionView, ...]
    model: Article


@dataclass(frozen=True)
class PageView:
    slug: str
    url: str
    title: Text
    description: str
    body: Markup


def _text(value: str, typography: bool) -> Text:
    """Typeset metadata text and give it as plain text and as HTML with ordinals in <sup>."""
    plain = typeset(value) if typography else value
    if not typography:
        return Text(plain, escape(plain))
    html = Markup("").join(
        Markup("<sup>{}</sup>").format(piece) if sup else escape(piece)
        for piece, sup in superscript_runs(plain)
    )
    return Text(plain, html)


def _moment(value: Any, timezone: str, language: str) -> MomentView:
    return MomentView(
        iso=i18n.iso(value, timezone),
        long=i18n.long_date(value, timezone, language),
        long_weekday=i18n.long_date(value, timezone, language, weekday=True),
        time=i18n.clock_time(value, timezone, language),
    )


def _block_view(block: Block, renderer: Renderer, typography: bool) -> BlockView:
    if isinstance(block, Prose):
        return ProseView(Markup(renderer.block(block.markdown)))
    if isinstance(block, Quote):
        return QuoteView(
            text=Markup(renderer.block(block.text)),
            author=_text(block.author, typography),
            role=_text(block.role, typography) if block.role else None,
            source=_text(block.source, typography) if block.source else None,
            url=block.url,
        )
    if isinstance(block, ItemList):
        return ListView(tuple(Markup(renderer.inline(item)) for item in block.items), block.ordered)
    raise TypeError(f"no view for block {type(block).__name__}")  # a new kind needs a view


def _block_words(block: Block) -> str:
    if isinstance(block, Prose):
        return block.markdown
    if isinstance(block, Quote):
        return " ".join(filter(None, (block.text, block.author, block.role)))
    return " ".join(block.items)


def article_view(article: Article, site: Site, url: Callable[[str], str]) -> ArticleView:
    """Everything the article template shows, rendered and typeset."""
    config = site.config
    typography = config.typography if article.typography is None else article.typography
    renderer = Renderer(typography)
    sections = []
    for section in article.sections:
        wanted = section.anchor or (slugify(section.title) if section.title else None)
        section_id = renderer.anchors.claim(wanted) if wanted else None
        sections.append(
            SectionView(
                title=_text(section.title, typography) if section.title else None,
                id=section_id,
                blocks=tuple(_block_view(block, renderer, typography) for block in section.blocks),
            )
        )
    standfirst = Markup(renderer.inline(article.standfirst)) if article.standfirst else None
    words = " ".join(
        [article.standfirst or ""]
        + [section.title or "" for section in article.sections]
        + [_block_words(block) for section in article.sections for block in section.blocks]
    )
    if article.description:
        description = _plain_text(article.description, renderer)
    else:
        description = standfirst.striptags() if standfirst else ""
    return ArticleView(
        slug=article.slug,
        url=url(article.slug + "/"),
        title=_text(article.title, typography),
        kicker=_text(article.kicker, typography) if article.kicker else None,
        standfirst=standfirst,
        description=description,
        authors=tuple(_text(author, typography) for author in article.authors),
        date=_moment(article.date, config.timezone, config.language),
        updated=_moment(article.updated, config.timezone, config.language) if article.updated else None,
        reading_minutes=i18n.reading_minutes(i18n.word_count(words), config.words_per_minute),
        tags=tuple(_text(tag, typography) for tag in article.tags),
        sections=tuple(sections),
        model=article,
    )


def _plain_text(markdown_text: str, renderer: Renderer) -> str:
    """Markdown reduced to plain text for meta descriptions (links and emphasis dropped)."""
    return Markup(renderer.inline(markdown_text)).striptags()


def page_view(page: Page, site: Site, url: Callable[[str], str]) -> PageView:
    typography = site.config.typography if page.typography is None else page.typography
    renderer = Renderer(typography)
    body = Markup(renderer.block(page.body))
    if page.description:
        description = _plain_text(page.description, renderer)
    else:
        description = publish.truncate(body.striptags(), 200)
    return PageView(page.slug, url(page.slug + "/"), _text(page.title, typography), description, body)


# --- Templates ---------------------------------------------------------------------------


class _MemoryLoader(jinja2.BaseLoader):
    """Templates from the loaded model; file names in errors are the project's paths."""

    def __init__(self, templates: Sequence[Any]) -> None:
        prefix = TEMPLATE_DIR + "/"
        self.sources = {t.path.removeprefix(prefix): (t.text, t.path) for t in templates}

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template not in self.sources:
            raise jinja2.TemplateNotFound(template)
        text, path = self.sources[template]
        return text, path, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


def fingerprint(static: Sequence[BinaryFile]) -> dict[str, str]:
    """Output path of each static file: CSS and JS get a content hash in their name."""
    paths = {}
    for file in static:
        path = PurePosixPath(file.path)
        if path.suffix in FINGERPRINTED:
            digest = hashlib.sha256(file.content).hexdigest()[:10]
            paths[file.path] = str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))
        else:
            paths[file.path] = file.path
    return paths


def environment(site: Site, assets: dict[str, str]) -> jinja2.Environment:
    """A Jinja2 environment bound to this site's templates, catalog, URLs and assets."""
    config = site.config
    env = jinja2.Environment(
        loader=_MemoryLoader(site.templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalog = next(
        (c.text for c in site.catalogs if c.path.endswith(f"/{config.language}/LC_MESSAGES/messages.po")),
        None,
    )
    env.install_gettext_translations(i18n.translations(catalog, config.language), newstyle=True)  # type: ignore[attr-defined]

    def url(path: str = "") -> str:
        return config.base_path + path.lstrip("/")

    def asset(path: str) -> str:
        if path not in assets:
            raise jinja2.TemplateRuntimeError(f"no file static/{path}")
        return url("static/" + assets[path])

    env.globals.update(site=config, url=url, asset=asset, absolute_url=config.absolute_url)
    env.filters.update(
        typeset=lambda value: _text(str(value), config.typography).html,
        number=lambda value: i18n.number(value, config.language),
        percent=lambda value: i18n.percent(value, config.language),
        names=lambda values: i18n.names(list(values), config.language),
    )
    return env


def _template_error(error: Exception) -> SourceError:
    """Name the template file and line where a template failed."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return SourceError(error.filename or error.name or "templates", error.lineno or 0,
                           "template", f"syntax error: {error.message}")
    if isinstance(error, jinja2.TemplateNotFound):
        return SourceError(TEMPLATE_DIR, 0, "template", f"template not found: {error.name}")
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(TEMPLATE_DIR + "/")
    ]
    if frames:
        frame = frames[-1]
        return SourceError(frame.filename, frame.lineno or 0, "template", str(error))
    return SourceError(TEMPLATE_DIR, 0, "template", f"{type(error).__name__}: {error}")


def _render(env: jinja2.Environment, name: str, context: dict[str, Any], errors: list[SourceError]) -> bytes:
    try:
        return env.get_template(name).render(context).encode("utf-8")
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, LookupError) as error:
        errors.append(_template_error(error))
        return b""


def render_site(site: Site, cache: Path | None = None) -> list[Output]:
    """Every file of the site, in memory, in a stable order; raises BuildFailed on template errors."""
    assets = fingerprint(site.static)
    errors: list[SourceError] = []
    try:
        env = environment(site, assets)
        url: Callable[[str], str] = env.globals["url"]  # type: ignore[assignment]
    except jinja2.TemplateError as error:
        raise BuildFailed([_template_error(error)]) from None
    articles = [article_view(article, site, url) for article in site.articles]
    pages = [page_view(page, site, url) for page in site.pages]
    common = {"pages": pages}
    home = {**common, "articles": articles, "meta": publish.home_meta(site)}
    outputs = [Output("index.html", _render(env, "index.html", home, errors))]
    for article in articles:
        context = {**common, "article": article, "others": _others(article, articles),
                   "meta": publish.article_meta(site, article)}
        outputs.append(Output(f"{article.slug}/index.html", _render(env, "article.html", context, errors)))
    for page in pages:
        context = {**common, "page": page, "meta": publish.page_meta(site, page)}
        outputs.append(Output(f"{page.slug}/index.html", _render(env, "page.html", context, errors)))
    not_found = {**common, "meta": publish.not_found_meta(site)}
    outputs.append(Output("404.html", _render(env, "404.html", not_found, errors)))
    outputs += publish.publish_outputs(site, articles, pages, cache)
    outputs += [Output("static/" + assets[file.path], file.content) for file in site.static]
    if errors:
        raise BuildFailed(errors)
    return outputs


def _others(current: ArticleView, articles: Sequence[ArticleView], count: int = 3) -> list[ArticleView]:
    """« Lire aussi »: the newest other articles."""
    return [view for view in articles if view.slug != current.slug][:count]


def check_outputs(outputs: Sequence[Output], claimed_by: dict[str, str]) -> list[SourceError]:
    """Two sources writing one output path is an error naming what collides."""
    seen: set[str] = set()
    errors = []
    for output in outputs:
        if output.path in seen:
            source = claimed_by.get(output.path, "content")
            errors.append(SourceError(source, 1, "slug", f"two sources would write {output.path}"))
        seen.add(output.path)
    return errors

"""View models: what templates and feeds show, already typeset, with Markdown already HTML.

Jinja-free and picklable, so a view can be cached between builds and handed to another process.
Views hold site paths (``'slug/'``), never URLs: the base path of a preview is applied by the
templates' ``url()``, so a view computed for one build serves a preview build too. ``render``
(templates) and ``publish`` (metadata, feed, sitemap) both read views; neither imports the other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from markupsafe import Markup, escape

from feuillet import i18n, taxonomy
from feuillet.markup import BoxCard, Found, Renderer, explicit_ids, plain_text, reserved_note_ids
from feuillet.model import (
    Article,
    Author,
    Block,
    CardTarget,
    Figure,
    ItemList,
    Page,
    Prose,
    Quote,
    Revision,
    SiteConfig,
)
from feuillet.slugs import slugify
from feuillet.typography import superscript_runs, typeset


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


@dataclass(frozen=True)
class Picture:
    """A figure's image as the build publishes it (see ``feuillet.images``)."""

    src: str  # the site path of the file (``slug/photo.jpg``), or another host's URL
    local: bool  # a file of the site: its address follows the base path
    width: int | None = None  # of the widest size (or the file), when known
    height: int | None = None
    sizes: tuple[tuple[int, str], ...] = ()  # (width, site path) of each size, narrowest first


@dataclass(frozen=True)
class FigureView:
    picture: Picture
    alt: str
    caption: Markup | None
    credit: Markup | None
    lazy: bool  # below the first screen: every figure of an article but the first
    kind: str = "figure"

    @property
    def src(self) -> str:
        """The site path (or URL) of the widest size, else of the file itself."""
        return self.picture.sizes[-1][1] if self.picture.sizes else self.picture.src


BlockView = ProseView | QuoteView | ListView | FigureView


@dataclass(frozen=True)
class NoteView:
    """A footnote: its number, its id, its text, and the ids of the references to go back to."""

    number: int
    id: str
    html: Markup
    refs: tuple[str, ...]


@dataclass(frozen=True)
class SectionView:
    title: Text | None  # plain text: the Sommaire, the permalink's label
    id: str | None  # the untitled opening section has no heading to point at
    blocks: tuple[BlockView, ...]
    aliases: tuple[str, ...] = ()  # old anchors that lead here (``anchor_aliases``)
    heading: Markup | None = None  # the title's inline Markdown rendered: the section's <h2>


@dataclass(frozen=True)
class MomentView:
    """A moment as templates need it: ISO for ``datetime=``, long date, time of day."""

    iso: str
    long: str
    long_weekday: str
    time: str
    hours: str = ""  # ``10``: the hour of the day, for the catalog's time pattern (« 10 h 00 »)
    minutes: str = ""  # ``00``: always two digits


# The ids of the notes at the end of an article, numbered in the order written: the
# /corrections/ page links to ``slug/#correction-2``.
REVISION_IDS = {"correction": "correction-{}", "update": "mise-a-jour-{}"}


@dataclass(frozen=True)
class RevisionView:
    """A correction or an update, as shown at the end of its article and on /corrections/."""

    kind: str  # "correction" or "update"
    number: int  # from 1, in the order written, for each kind
    id: str  # ``correction-1``, ``mise-a-jour-1``
    date: MomentView
    timed: bool  # a time of day was written: shown after the date
    html: Markup  # the text: inline Markdown rendered and typeset
    when: datetime  # the moment itself, to sort by


@dataclass(frozen=True)
class Link:
    """An address written in content, where it was written: what the link check reads."""

    line: int
    element: str  # "a" (a link) or "img" (an image)
    address: str
    file: str = ""  # a link written by source (``autre.md``): the content file it names
    target: str | None = None  # and the site path it leads to (``'autre/#x'``); None: no such file


@dataclass(frozen=True)
class Outline:
    """What a page of content defines (ids) and points at (links), for the site's link check."""

    source: str  # the source file, as messages name it
    path: str  # the page's site path, ``'slug/'``
    ids: frozenset[str]
    links: tuple[Link, ...]


@dataclass(frozen=True)
class ArticleView:
    slug: str
    path: str  # the article's site path, ``'slug/'``
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
    outline: Outline | None = None
    notes: tuple[NoteView, ...] = ()  # the footnotes, shown once after the last section
    language: str | None = None  # the ``lang`` of its text, when not the site's language
    drop_cap: bool = False  # the opening paragraph is long enough for a lettrine (DROP_CAP_MIN)
    revisions: tuple[RevisionView, ...] = ()  # corrections and updates, oldest first

    @property
    def corrections(self) -> tuple[RevisionView, ...]:
        return tuple(revision for revision in self.revisions if revision.kind == "correction")


@dataclass(frozen=True)
class ArticleSummary:
    """What a listing or a « Lire aussi » link shows of an article (the attributes of its view)."""

    slug: str
    path: str
    title: Text
    kicker: Text | None
    standfirst: Markup | None
    date: MomentView
    reading_minutes: int
    section: str | None = None  # the site path of its rubrique's page (``feuillet.taxonomy``)


@dataclass(frozen=True)
class PageView:
    slug: str
    path: str
    title: Text
    description: str
    body: Markup
    outline: Outline | None = None
    notes: tuple[NoteView, ...] = ()


@dataclass(frozen=True)
class PageLink:
    """A page in the site's menu."""

    path: str
    title: Text


@dataclass(frozen=True)
class ImageMeta:
    """An image offered to social networks and search engines, with an absolute URL."""

    url: str
    width: int
    height: int
    alt: str
    type: str = "image/png"


@dataclass(frozen=True)
class Preview:
    """A preview build (a pull request's): shown as such, kept out of search engines, with the
    drafts and scheduled articles it includes marked (none of them reaches the feed or sitemap)."""

    label: str | None = None  # such as « PR 12 »
    drafts: tuple[str, ...] = ()  # slugs, sorted
    scheduled: tuple[tuple[str, MomentView], ...] = ()  # (slug, when it comes out), sorted

    def status(self, slug: str) -> tuple[str, MomentView | None] | None:
        """``("draft", None)``, ``("scheduled", its moment)`` or None (published)."""
        if slug in self.drafts:
            return ("draft", None)
        return next((("scheduled", when) for name, when in self.scheduled if name == slug), None)

    def hidden(self) -> frozenset[str]:
        """The slugs a production build would not publish."""
        return frozenset(self.drafts) | {slug for slug, _ in self.scheduled}


@dataclass(frozen=True)
class SiteFacts:
    """What every output of one build may need about the whole site, computed once per build.

    Small and picklable: it is what a worker process receives instead of the whole site.
    """

    config: SiteConfig
    base_path: str  # the URL prefix of internal links (a build option, not a setting)
    assets: Mapping[str, str] = field(default_factory=dict)  # static path → fingerprinted path
    images: Mapping[str, tuple[int, int, str]] = field(default_factory=dict)  # static path → size, type
    has_feed: bool = False  # a site with no article has no feed to link to
    corrections: bool = False  # some published article has a correction: /corrections/ exists
    cards: bool = False  # social cards are drawn (enabled, and the font is there)
    preview: Preview | None = None  # a preview build (see Preview)


def text(value: str, typography: bool) -> Text:
    """Typeset metadata text and give it as plain text and as HTML with ordinals in <sup>."""
    plain = typeset(value) if typography else value
    if not typography:
        return Text(plain, escape(plain))
    html = Markup("").join(
        Markup("<sup>{}</sup>").format(piece) if sup else escape(piece)
        for piece, sup in superscript_runs(plain)
    )
    return Text(plain, html)


@dataclass(frozen=True)
class LinkView:
    """One link of an author's profile."""

    label: Text
    url: str


@dataclass(frozen=True)
class AuthorView:
    """An author's profile (``authors.yaml``) as their page and structured data show it."""

    name: str
    role: Text | None
    bio: Markup | None  # inline Markdown rendered and typeset
    bio_plain: str | None
    links: tuple[LinkView, ...]


def author_view(author: Author, renderer: Renderer, typography: bool) -> AuthorView:
    bio = Markup(renderer.inline(author.bio)) if author.bio else None
    return AuthorView(
        name=author.name,
        role=text(author.role, typography) if author.role else None,
        bio=bio,
        bio_plain=_plain_text(author.bio, renderer) if author.bio else None,
        links=tuple(LinkView(text(link.label, typography), link.url) for link in author.links),
    )


def moment(value: datetime, timezone: str, language: str) -> MomentView:
    day = i18n.local(value, timezone)
    return MomentView(
        iso=i18n.iso(value, timezone),
        long=i18n.long_date(value, timezone, language),
        long_weekday=i18n.long_date(value, timezone, language, weekday=True),
        time=i18n.clock_time(value, timezone, language),
        hours=str(day.hour),
        minutes=f"{day.minute:02d}",
    )


def _revision_views(article: Article, config: SiteConfig, renderer: Renderer
                    ) -> tuple[tuple[RevisionView, ...], list[Link], set[str]]:
    """The article's corrections and updates, oldest first (corrections first on a tie), with
    the links their texts hold and their ids."""
    made: list[RevisionView] = []
    links: list[Link] = []
    ids: set[str] = set()
    written: tuple[tuple[str, tuple[Revision, ...]], ...] = (
        ("correction", article.corrections), ("update", article.updates))
    for kind, revisions in written:
        for number, revision in enumerate(revisions, start=1):
            html = Markup(renderer.inline(revision.text))
            found = renderer.take_found()
            ids.update(found.ids)
            links += _links(found, revision.text, revision.line)
            note_id = REVISION_IDS[kind].format(number)
            ids.add(note_id)
            made.append(RevisionView(kind, number, note_id,
                                     moment(revision.date, config.timezone, config.language),
                                     revision.timed, html, revision.date))
    order = {"correction": 0, "update": 1}
    made.sort(key=lambda view: (view.when.timestamp(), order[view.kind], view.number))
    return tuple(made), links, ids


def truncate(value: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary and ended with « … » when cut."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    # Cut at the last ordinary space; a no-break space binds a word to its punctuation.
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return head.rstrip(" \u00a0\u202f,;:\u2013\u2014") + "…"


def _figure_view(block: Figure, renderer: Renderer, typography: bool, picture: Picture | None,
                 lazy: bool) -> FigureView:
    return FigureView(
        picture=picture or Picture(block.image, False),
        alt=text(block.alt, typography).plain if block.alt else "",
        caption=Markup(renderer.inline(block.caption)) if block.caption else None,
        credit=Markup(renderer.inline(block.credit)) if block.credit else None,
        lazy=lazy,
    )


def quote_marks(language: str) -> tuple[str, str]:
    """The quotation marks around a quote's words: « » spaced in French, “ ” elsewhere."""
    return ("«\u00a0", "\u00a0»") if language.lower().startswith("fr") else ("“", "”")


# A two-line lettrine needs a paragraph of well over two lines: 180 characters are more than three
# lines of the 57ch measure and four on a phone, so the letter never hangs below a short paragraph.
DROP_CAP_MIN = 180
# A description made from the text: the length search engines show.
DESCRIPTION_LIMIT = 160
_FIRST_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL)
# Python-Markdown's footnote references (``<sup id="fnref:1">…</sup>``): no words of the text.
_NOTE_REF_RE = re.compile(r'<sup id="fnref[^"]*">.*?</sup>', re.DOTALL)


def _paragraph_text(html: str) -> str | None:
    """The plain text of the first paragraph of a block's HTML, or None when it has none."""
    match = _FIRST_PARAGRAPH_RE.search(html)
    return plain_text(_NOTE_REF_RE.sub("", match.group(1))) if match else None


def _opening_text(sections: Sequence[SectionView]) -> str:
    """The plain text of the article's first paragraph of prose (empty when there is none)."""
    for section in sections:
        for block in section.blocks:
            if isinstance(block, ProseView):
                found = _paragraph_text(block.html)
                if found:
                    return found
    return ""


def _drop_cap(sections: Sequence[SectionView]) -> bool:
    """Whether the text opens with a paragraph long enough for the lettrine the stylesheet sets
    on the first section's first paragraph."""
    if not sections or not sections[0].blocks or not isinstance(sections[0].blocks[0], ProseView):
        return False
    html = sections[0].blocks[0].html
    opening = _paragraph_text(html) if html.startswith("<p>") else None
    return opening is not None and len(opening) >= DROP_CAP_MIN


def _block_view(block: Block, renderer: Renderer, typography: bool, language: str = "fr") -> BlockView:
    if isinstance(block, Prose):
        return ProseView(Markup(renderer.block(block.markdown)))
    if isinstance(block, Quote):
        return QuoteView(
            text=Markup(renderer.quote(block.text, quote_marks(language))),
            author=text(block.author, typography),
            role=text(block.role, typography) if block.role else None,
            source=text(block.source, typography) if block.source else None,
            url=block.url,
        )
    if isinstance(block, ItemList):
        return ListView(tuple(Markup(renderer.inline(item)) for item in block.items), block.ordered)
    raise TypeError(f"no view for block {type(block).__name__}")  # a new kind needs a view


def _block_source(block: Block) -> str:
    if isinstance(block, Prose):
        return block.markdown
    if isinstance(block, Quote):
        return block.text
    if isinstance(block, Figure):
        return "\n".join(filter(None, (block.caption, block.credit)))
    return "\n".join(block.items)


def _links(found: Found, source: str, line: int) -> list[Link]:
    """Each link at the line of ``source`` (which starts at ``line``) where its address is written."""
    links = []
    for element, address in found.links:
        at = source.find(address)
        file, target = found.sources.get(address, ("", None)) if element == "a" else ("", None)
        links.append(Link(line + source.count("\n", 0, at) if at >= 0 else line, element, address,
                          file, target))
    return links


def _links_in_sources(found: Found, sources: list[tuple[str, int]]) -> list[Link]:
    """Links of text defined somewhere in a page (its footnotes), at the line that writes them."""
    links = []
    for element, address in found.links:
        where = next(((source, line) for source, line in sources if address in source), ("", 0))
        links += _links(Found([(element, address)], [], found.sources), *where)
    return links


def _block_words(block: Block) -> str:
    if isinstance(block, Prose):
        return block.markdown
    if isinstance(block, Quote):
        return " ".join(filter(None, (block.text, block.author, block.role)))
    if isinstance(block, Figure):
        return block.caption or ""
    return " ".join(block.items)


def typography_of(item: Article | Page, config: SiteConfig) -> bool:
    """French typography, unless the article or page turns it off or is in another language."""
    if isinstance(item, Article) and item.language and not is_french(item.language):
        return False  # its own language's rules: none of the French spacing
    return config.typography if item.typography is None else item.typography


def is_french(language: str) -> bool:
    return language.split("-")[0].lower() == "fr"


def content_language(article: Article, config: SiteConfig) -> str | None:
    """The ``lang`` of an article's text when it is not the site's language (else None)."""
    if article.language is None or article.language.lower() == config.language.lower():
        return None
    return article.language


def article_view(article: Article, config: SiteConfig, renderer: Renderer,
                 pictures: Mapping[str, Picture] | None = None,
                 targets: Mapping[str, str | None] | None = None,
                 cards: Sequence[CardTarget] = ()) -> ArticleView:
    """Everything the article template shows, rendered and typeset.

    ``renderer`` must typeset as the article asks (``typography_of``); its anchors are reset here.
    ``pictures``: the published image of each figure, by its address as written.
    ``targets``: the site path of each content file the article links to by source.
    ``cards``: the articles its « Lire aussi » blocks name.
    """
    pictures = pictures or {}
    figures = 0
    typography = renderer.typography
    reserved = {section.anchor for section in article.sections if section.anchor}
    reserved |= {REVISION_IDS["correction"].format(n) for n in range(1, len(article.corrections) + 1)}
    reserved |= {REVISION_IDS["update"].format(n) for n in range(1, len(article.updates) + 1)}
    for section in article.sections:
        for block in section.blocks:
            if isinstance(block, Prose):
                reserved |= explicit_ids(block.markdown)
    texts = [article.standfirst or ""] + [_block_source(block) for section in article.sections
                                          for block in section.blocks]
    renderer.anchors.reset(reserved)
    renderer.links.reset(article.source, targets or {})
    renderer.boxes.reset({card.slug: box_card(card, config, typography) for card in cards})
    renderer.anchors.reserved |= reserved_note_ids(renderer.start_notes(texts))
    renderer.take_found()
    sections = []
    links: list[Link] = []
    ids: set[str] = set()
    for section in article.sections:
        # A title is inline Markdown: rendered in its heading, plain text everywhere else.
        plain = renderer.plain(section.title) if section.title else None
        title = text(plain, typography) if plain is not None else None
        heading = Markup(renderer.inline(section.title)) if section.title else None
        found = renderer.take_found()
        ids.update(found.ids)
        links += _links(found, section.title or "", section.line)
        if section.anchor:
            section_id: str | None = renderer.anchors.claim(section.anchor, explicit=True)
        else:
            section_id = renderer.anchors.claim(slugify(plain)) if plain is not None else None
        if section_id:
            ids.add(section_id)
        blocks: list[BlockView] = []
        for block in section.blocks:
            view: BlockView
            if isinstance(block, Figure):
                view = _figure_view(block, renderer, typography, pictures.get(block.image), figures > 0)
                figures += 1
            else:
                view = _block_view(block, renderer, typography, article.language or config.language)
            if not isinstance(view, ProseView) or view.html.strip():  # not only note definitions
                blocks.append(view)
            found = renderer.take_found()
            ids.update(found.ids)
            links += _links(found, _block_source(block), block.line)
            if isinstance(block, Quote) and block.url:
                links.append(Link(block.line, "a", block.url))
        if not blocks:  # a section that only defined footnotes: they show in the notes
            ids.discard(section_id or "")
            continue
        sections.append(
            SectionView(title=title, id=section_id, blocks=tuple(blocks), heading=heading)
        )
    standfirst = Markup(renderer.inline(article.standfirst)) if article.standfirst else None
    found = renderer.take_found()
    links += _links(found, article.standfirst or "", article.standfirst_line)
    revisions, revision_links, revision_ids = _revision_views(article, config, renderer)
    links += revision_links
    ids.update(revision_ids)
    notes = _notes(renderer)
    found = renderer.take_found()
    ids.update(found.ids)
    ids.update(note.id for note in notes)
    ids.update(ref for note in notes for ref in note.refs)
    links += _links_in_sources(found, [(article.standfirst or "", article.standfirst_line)] + [
        (_block_source(block), block.line) for section in article.sections for block in section.blocks])
    sections = _place_aliases(sections, article.anchor_aliases, ids)
    words = " ".join(
        [article.standfirst or ""]
        + [section.title or "" for section in article.sections]
        + [_block_words(block) for section in article.sections for block in section.blocks]
    )
    if article.description:
        description = _plain_text(article.description, renderer)
    elif standfirst:
        description = standfirst.striptags()
    else:
        description = truncate(_opening_text(sections), DESCRIPTION_LIMIT)
    return ArticleView(
        slug=article.slug,
        path=article.slug + "/",
        title=text(article.title, typography),
        kicker=text(article.kicker, typography) if article.kicker else None,
        standfirst=standfirst,
        description=description,
        authors=tuple(text(author, typography) for author in article.authors),
        date=moment(article.date, config.timezone, config.language),
        updated=moment(article.updated, config.timezone, config.language) if article.updated else None,
        reading_minutes=i18n.reading_minutes(i18n.word_count(words), config.words_per_minute),
        tags=tuple(text(tag, typography) for tag in article.tags),
        sections=tuple(sections),
        model=article,
        outline=Outline(article.source, article.slug + "/", frozenset(ids), tuple(links)),
        notes=notes,
        language=content_language(article, config),
        drop_cap=_drop_cap(sections),
        revisions=revisions,
    )


def box_card(card: CardTarget, config: SiteConfig, typography: bool) -> BoxCard:
    """What a « Lire aussi » block shows of the article it names (typeset with the page)."""
    when = moment(card.date, config.timezone, config.language)
    return BoxCard(card.slug + "/", card.title, card.kicker, when.iso, when.long)


def _place_aliases(sections: list[SectionView], aliases: Sequence[tuple[str, str]], ids: set[str]
                   ) -> list[SectionView]:
    """Each old anchor at the start of the section it names, unless the article already has that
    id or no such section (the build reports both); ``ids`` gains the placed ones."""
    placed: dict[str, list[str]] = {}
    for old, new in aliases:
        if old not in ids and any(section.id == new for section in sections):
            placed.setdefault(new, []).append(old)
            ids.add(old)
    return [replace(section, aliases=tuple(placed[section.id])) if section.id in placed else section
            for section in sections]
def _notes(renderer: Renderer) -> tuple[NoteView, ...]:
    return tuple(NoteView(note.number, note.id, Markup(note.html), note.refs)
                 for note in renderer.take_notes())


def summary(view: ArticleView) -> ArticleSummary:
    kicker = view.model.kicker
    return ArticleSummary(view.slug, view.path, view.title, view.kicker, view.standfirst, view.date,
                          view.reading_minutes,
                          taxonomy.name_path(taxonomy.SECTIONS, kicker) if kicker else None)


def _plain_text(markdown_text: str, renderer: Renderer) -> str:
    """Markdown reduced to plain text for meta descriptions (links and emphasis dropped)."""
    return Markup(renderer.inline(markdown_text)).striptags()


def page_view(page: Page, renderer: Renderer, targets: Mapping[str, str | None] | None = None
              ) -> PageView:
    """``targets``: the site path of each content file, for links written by source."""
    renderer.anchors.reset(explicit_ids(page.body))
    renderer.links.reset(page.source, targets or {})
    renderer.boxes.reset({})
    renderer.anchors.reserved |= reserved_note_ids(renderer.start_notes([page.body]))
    renderer.take_found()
    body = Markup(renderer.block(page.body))
    found = renderer.take_found()
    notes = _notes(renderer)
    noted = renderer.take_found()
    ids = {*found.ids, *noted.ids, *(note.id for note in notes), *(r for note in notes for r in note.refs)}
    both = Found(found.links + noted.links, [], {**found.sources, **noted.sources})
    outline = Outline(page.source, page.slug + "/", frozenset(ids), tuple(_links(both, page.body, page.line)))
    if page.description:
        description = _plain_text(page.description, renderer)
    else:
        description = truncate(body.striptags(), 200)
    return PageView(page.slug, page.slug + "/", text(page.title, renderer.typography), description, body,
                    outline, notes)


def page_link(view: PageView) -> PageLink:
    return PageLink(view.path, view.title)


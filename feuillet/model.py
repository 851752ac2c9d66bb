"""The typed, frozen model every stage speaks: site configuration, articles, blocks, outputs.

No I/O happens here. Source locations (``line``) are kept for error messages but excluded from
equality, so the same content written as YAML or as Markdown yields equal models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MAX_FILE_SIZE = 1_000_000  # bytes: the default of ``max_file_size``, the largest source file read


@dataclass(frozen=True)
class Publisher:
    """The organisation that publishes the site (structured data, feed)."""

    name: str
    url: str
    logo: str | None = None


@dataclass(frozen=True)
class SiteConfig:
    """Settings read from ``site.yaml``; every optional key has a documented default."""

    title: str
    url: str
    language: str = "fr"
    timezone: str = "Europe/Paris"
    description: str = ""
    byline: tuple[str, ...] = ("La rédaction",)
    words_per_minute: int = 230
    typography: bool = True
    feed_full_content: bool = True
    feed_limit: int = 50
    page_size: int = 20
    social_cards: bool = True
    publisher: Publisher | None = None
    max_file_size: int = MAX_FILE_SIZE
    # Names ``authors.yaml`` marks ``organisation: true``: they sign as the newsroom (no page).
    organisations: tuple[str, ...] = ()

    def absolute_url(self, path: str) -> str:
        """The public URL of a site path such as ``'slug/'``, independent of any preview prefix."""
        return self.url.rstrip("/") + "/" + path.lstrip("/") if path else self.url


# --- Blocks: the pieces a section is made of. Add new kinds here and in the renderer. ---


@dataclass(frozen=True)
class Prose:
    """Markdown prose: paragraphs, ``###`` subheads, emphasis, links, code."""

    markdown: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Quote:
    """An attributed quote: the words, who said them, and in which capacity."""

    text: str
    author: str
    role: str | None = None
    source: str | None = None
    url: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ItemList:
    """A bullet or numbered list; each item is inline Markdown."""

    items: tuple[str, ...]
    ordered: bool = False
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Figure:
    """An image with its alternative text, an optional caption and credit (inline Markdown).

    ``image`` is the address as written: relative to the article (an image beside it in its
    folder), root-relative (``/static/img/carte.jpg``) or an absolute URL.
    """

    image: str
    alt: str = ""
    caption: str | None = None
    credit: str | None = None
    line: int = field(default=0, compare=False)


Block = Prose | Quote | ItemList | Figure

# Editorial blocks: ``::: essentiel`` … ``:::`` in Markdown, ``kind: essentiel`` in form 1 (which
# loads as the prose of that container, so both forms are one model and one rendering).
BOX_KINDS = ("essentiel", "encadre", "chiffre", "note", "lire-aussi")


@dataclass(frozen=True)
class Section:
    """A titled part of an article; the opening section may have no title."""

    title: str | None
    blocks: tuple[Block, ...]
    anchor: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Revision:
    """A dated note at the end of an article: a correction or an update (``text``: inline Markdown)."""

    date: datetime
    text: str
    timed: bool = False  # a time of day was written in the source
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Article:
    """One news-analysis piece, as the editor wrote it, validated and with defaults applied."""

    slug: str
    title: str
    date: datetime
    sections: tuple[Section, ...]
    updated: datetime | None = None
    standfirst: str | None = None
    authors: tuple[str, ...] = ()
    kicker: str | None = None
    tags: tuple[str, ...] = ()
    description: str | None = None
    draft: bool = False
    typography: bool | None = None
    image: str | None = None
    aliases: tuple[str, ...] = ()  # old URLs, each a redirect page: '/ancien-slug/', '/2019/page.html'
    anchor_aliases: tuple[tuple[str, str], ...] = ()  # (old id, id of a section it now leads to)
    language: str | None = None  # a BCP 47 tag, when the article is not in the site's language
    corrections: tuple[Revision, ...] = ()  # in the order written
    updates: tuple[Revision, ...] = ()
    featured: bool = False  # the home page's lead story, when it is the newest featured article
    related: tuple[str, ...] = ()  # slugs of « Lire aussi » chosen by the editor, in order
    timed: bool = False  # ``date`` has a time of day written in the source (shown in the dateline)
    updated_timed: bool = False  # so has ``updated``
    source: str = field(default="", compare=False)
    standfirst_line: int = field(default=0, compare=False)
    alias_lines: tuple[int, ...] = field(default=(), compare=False)  # the line of each alias
    anchor_alias_lines: tuple[int, ...] = field(default=(), compare=False)  # of each anchor alias
    related_lines: tuple[int, ...] = field(default=(), compare=False)  # of each related slug
    # Its text may hold a root-relative link, which its view writes under the base path.
    root_relative: bool = field(default=False, compare=False)
    # The content files its text may link to by source (``autre.md``), found when it was parsed:
    # its view writes their URLs, so it depends on their slugs.
    links_to: tuple[str, ...] = field(default=(), compare=False)
    # The articles its « Lire aussi » blocks name, with the line of each: its view shows their
    # titles, kickers and dates, so it depends on them.
    cards: tuple[tuple[str, int], ...] = field(default=(), compare=False)

    @property
    def aliases_line(self) -> int:
        return self.alias_lines[0] if self.alias_lines else 0

    @property
    def anchor_aliases_line(self) -> int:
        return self.anchor_alias_lines[0] if self.anchor_alias_lines else 0


@dataclass(frozen=True)
class CardTarget:
    """What a « Lire aussi » block shows of the article it names."""

    slug: str
    title: str
    kicker: str | None
    date: datetime


@dataclass(frozen=True)
class Page:
    """A standalone page such as « À propos »."""

    slug: str
    title: str
    body: str
    description: str | None = None
    typography: bool | None = None
    source: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)  # the file line where the body starts


@dataclass(frozen=True)
class TextFile:
    """A source file kept as text with its path relative to the project (templates, catalogs)."""

    path: str
    text: str


@dataclass(frozen=True)
class BinaryFile:
    """A file copied to the output, such as a stylesheet, a script or an image."""

    path: str
    content: bytes


@dataclass(frozen=True)
class Kept:
    """A path of the output folder that belongs to the deployment (``keep:`` in ``site.yaml``):
    carried from the old folder into each new one. Not in :class:`SiteConfig`, because it
    changes no byte of the site."""

    path: str  # relative POSIX path, normalised: CNAME, .well-known/security.txt, notes
    line: int  # its line in site.yaml, for error messages


@dataclass(frozen=True)
class AuthorLink:
    """One link of an author's profile: its label and an http(s) address."""

    label: str
    url: str


@dataclass(frozen=True)
class Author:
    """An entry of ``authors.yaml``: who signs under a name, as the author's page presents them."""

    name: str  # as written in articles' ``authors``
    bio: str | None = None  # inline Markdown
    role: str | None = None
    links: tuple[AuthorLink, ...] = ()
    organisation: bool = False  # the name signs as an organisation: no page, an Organization
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Site:
    """Everything a build reads, loaded and validated: the input of the render stage."""

    config: SiteConfig
    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    templates: tuple[TextFile, ...]
    catalogs: tuple[TextFile, ...]
    static: tuple[BinaryFile, ...]
    keep: tuple[Kept, ...] = ()
    # The files of page bundles beside their article (``content/articles/x/photo.jpg``), path
    # relative to the project, of the published articles only.
    resources: tuple[BinaryFile, ...] = ()
    # The build-only files of ``assets/`` (the social cards' font), path relative to that
    # folder: read by the build, never copied to the site.
    assets: tuple[BinaryFile, ...] = ()
    authors: tuple[Author, ...] = ()  # the entries of ``authors.yaml``, in the order written


@dataclass(frozen=True)
class Output:
    """One file of the built site: a path relative to the output folder and its bytes."""

    path: str
    content: bytes

"""Subjects (tags), rubriques (kickers) and authors: which articles each one lists, at what path.

Pure: the plan groups the published articles here, templates and the structured data ask for
the site path of a name. Two spellings with one slug (« Corée du Nord », « coree du nord ») are
one term: its page shows the spelling of the newest article that uses it, and both lead there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from feuillet.model import Article, SiteConfig
from feuillet.slugs import slugify

SUBJECTS = "sujets"
SECTIONS = "rubriques"
AUTHORS = "auteurs"
KINDS = (SUBJECTS, SECTIONS, AUTHORS)
FEED_NAME = "atom.xml"  # each subject and rubrique has its own feed
WITH_FEED = (SUBJECTS, SECTIONS)
STRIP_SIZE = 8  # subjects on the home page's strip


@dataclass(frozen=True)
class Term:
    """One subject, rubrique or author and the slugs of its articles, newest first."""

    kind: str
    slug: str
    label: str
    articles: tuple[str, ...]

    @property
    def path(self) -> str:
        return term_path(self.kind, self.slug)


@dataclass(frozen=True)
class TermLink:
    """A term as a list shows it: its name, its page, how many articles it lists."""

    label: str
    path: str
    count: int


def term_path(kind: str, slug: str) -> str:
    return f"{kind}/{slug}/"


def name_path(kind: str, name: str) -> str:
    """The site path of a subject, rubrique or author page, from the name as written."""
    return term_path(kind, slugify(name))


def listing_path(kind: str, slug: str, number: int) -> str:
    """Page ``number`` of a term's list: ``sujets/x/``, ``sujets/x/page/2/``…"""
    first = term_path(kind, slug)
    return first if number == 1 else f"{first}page/{number}/"


def organisations(config: SiteConfig) -> frozenset[str]:
    """Names that sign as the newsroom, not as a person: the default byline, the publisher, the
    site itself, and the names ``authors.yaml`` marks ``organisation: true``. They get no author
    page and are an ``Organization`` in structured data."""
    names = {*config.byline, config.title, *config.organisations}
    if config.publisher is not None:
        names.add(config.publisher.name)
    return frozenset(names)


def author_path(name: str, config: SiteConfig) -> str | None:
    """The page of a named person, None for the newsroom."""
    return None if name in organisations(config) else name_path(AUTHORS, name)


def _names(kind: str, config: SiteConfig) -> Callable[[Article], Sequence[str]]:
    if kind == SUBJECTS:
        return lambda article: article.tags
    if kind == SECTIONS:
        return lambda article: (article.kicker,) if article.kicker else ()
    newsroom = organisations(config)
    return lambda article: [name for name in article.authors if name not in newsroom]


def group(kind: str, articles: Sequence[Article], config: SiteConfig) -> list[Term]:
    """The terms of ``kind`` among ``articles`` (newest first), in the order of their slugs."""
    names_of = _names(kind, config)
    labels: dict[str, str] = {}
    listed: dict[str, list[str]] = {}
    for article in articles:
        for name in names_of(article):
            slug = slugify(name)
            labels.setdefault(slug, name)
            slugs = listed.setdefault(slug, [])
            if article.slug not in slugs:
                slugs.append(article.slug)
    return [Term(kind, slug, labels[slug], tuple(listed[slug])) for slug in sorted(listed)]


def collation_key(label: str) -> tuple[str, str]:
    """Alphabetical order the French way, independent of the OS locale: accents, case and
    punctuation set aside first (« Écologie » between « Dette » and « Fiscalité »)."""
    return (slugify(label).replace("-", " "), label)


def links(terms: Sequence[Term]) -> tuple[TermLink, ...]:
    """Every term, alphabetically."""
    ordered = sorted(terms, key=lambda term: collation_key(term.label))
    return tuple(TermLink(term.label, term.path, len(term.articles)) for term in ordered)


def most_used(terms: Sequence[Term], count: int = STRIP_SIZE) -> tuple[TermLink, ...]:
    """The ``count`` terms with the most articles (ties alphabetically)."""
    ordered = sorted(terms, key=lambda term: (-len(term.articles), collation_key(term.label)))
    return tuple(TermLink(term.label, term.path, len(term.articles)) for term in ordered[:count])

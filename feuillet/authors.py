"""Read the optional ``authors.yaml`` into validated :class:`Author` profiles.

The file maps a name, as articles write it in ``authors``, to its profile: a bio (inline
Markdown), a role, links, and whether the name signs as an organisation (then it has no page).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from feuillet.errors import Problems, message, template
from feuillet.fields import Field, Reader, items, kind_name, object_schema
from feuillet.model import Article, Author, AuthorLink
from feuillet.sources import YList, YMap, load_yaml

AUTHOR_FIELDS: tuple[Field, ...] = (
    Field("bio", "markdown", "A few sentences on the author (inline Markdown), shown on their page."),
    Field("role", "text", "Their position, such as « journaliste, service Mer »."),
    Field("links", "links", "Their pages elsewhere: a list of {label, url}, each url http(s)."),
    Field("organisation", "bool", "true: the name signs as an organisation (no author page)."),
)

LINK_FIELDS: tuple[Field, ...] = (
    Field("label", "text", "What the link says, such as Mastodon.", True),
    Field("url", "text", "Its address, starting with https:// or http://.", True),
)

NOT_A_MAPPING = template("expected a mapping of author names to their profiles, got {kind}")
NAME_TWICE = template("'{name}' is listed twice; keep one entry")
PROFILE_NOT_A_MAPPING = template("expected a mapping of bio, role, links, organisation, got {kind}")
LINKS_NOT_A_LIST = template("expected a list of links such as [{{label: Mastodon, url: https://…}}], "
                            "got {kind}")
LINK_NOT_HTTP = template("expected an address starting with https:// or http://, got '{url}'")
UNUSED = template("no article is signed by '{name}'; check the spelling in the articles' authors")


def load_authors(text: str, path: str, problems: Problems) -> tuple[Author, ...]:
    """Validate ``authors.yaml``; an empty file lists no one."""
    data, error = load_yaml(text, path)
    if error:
        problems.extend([error])
        return ()
    if data is None:
        return ()
    reader = Reader(path, problems, ZoneInfo("UTC"))
    if not isinstance(data, YMap):
        reader.error(1, "document", message(NOT_A_MAPPING, kind=kind_name(data)))
        return ()
    for name, line in data.duplicates:
        reader.error(line, str(name), message(NAME_TWICE, name=name))
    found = [_author(str(name).strip(), raw, data.key_lines[name], reader) for name, raw in data.items()]
    return tuple(author for author in found if author is not None)


def _author(name: str, raw: Any, line: int, reader: Reader) -> Author | None:
    if raw is None:
        return Author(name, line=line)
    if not isinstance(raw, YMap):
        reader.error(line, name, message(PROFILE_NOT_A_MAPPING, kind=kind_name(raw)))
        return None
    profile = reader.mapping(raw, AUTHOR_FIELDS, name, line)
    if profile is None:
        return None
    values = {field.name: reader.value(profile, field, name) for field in AUTHOR_FIELDS
              if field.kind != "links"}
    links = _links(profile, name, reader)
    return Author(name, bio=values["bio"], role=values["role"], links=links,
                  organisation=bool(values["organisation"]), line=line)


def _links(profile: YMap, name: str, reader: Reader) -> tuple[AuthorLink, ...]:
    if "links" not in profile:
        return ()
    raw, line, key = profile["links"], profile.key_lines["links"], f"{name}.links"
    if not isinstance(raw, YList):
        reader.error(line, key, message(LINKS_NOT_A_LIST, kind=kind_name(raw)))
        return ()
    links: list[AuthorLink] = []
    for item_line, item in items(raw):
        data = reader.mapping(item, LINK_FIELDS, key, item_line)
        if data is None:
            continue
        label, url = (reader.value(data, field, key) for field in LINK_FIELDS)
        if url is not None and not _is_web(url):
            reader.error(data.key_lines["url"], f"{key}.url", message(LINK_NOT_HTTP, url=url))
            continue
        if label is not None and url is not None:
            links.append(AuthorLink(label, url))
    return tuple(links)


def _is_web(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)


def unused(authors: Sequence[Author], articles: Sequence[Article], path: str, problems: Problems) -> None:
    """Warn of each listed name no article signs (a typo, or an author gone)."""
    signed = {name for article in articles for name in article.authors}
    for author in authors:
        if author.name not in signed:
            problems.warn(path, author.line, author.name, message(UNUSED, name=author.name))


def organisation_names(authors: Sequence[Author]) -> tuple[str, ...]:
    return tuple(author.name for author in authors if author.organisation)


def authors_schema() -> dict[str, Any]:
    """JSON Schema of ``authors.yaml``."""
    link = object_schema(LINK_FIELDS, {"url": {"type": "string", "pattern": "^https?://[^\\s]+$"}})
    profile = object_schema(AUTHOR_FIELDS, {"links": {"type": "array", "items": link}})
    return {
        "description": "The profiles of the authors, by the name articles write in authors.",
        "type": "object",
        "additionalProperties": {"oneOf": [profile, {"type": "null"}]},
    }

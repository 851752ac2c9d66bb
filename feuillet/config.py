"""Read ``site.yaml`` into a validated :class:`SiteConfig`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feuillet.errors import Problems
from feuillet.fields import Field, Reader, object_schema
from feuillet.files import human_size
from feuillet.model import MAX_FILE_SIZE, Publisher, SiteConfig
from feuillet.sources import YMap, load_yaml

SITE_FIELDS: tuple[Field, ...] = (
    Field("title", "text", "The site's name, shown in the header and in page titles.", True),
    Field("url", "url", "The public address of the site, such as https://analyses.example.fr/. "
          "Its path is the default base path of every internal link.", True),
    Field("language", "text", "Language of the site and its interface: fr (default) or en."),
    Field("timezone", "text", "Time zone of dates written without one (default Europe/Paris)."),
    Field("description", "text", "One sentence describing the site (home page, search engines)."),
    Field("byline", "texts", "Default authors of an article that names none "
          "(default « La rédaction »)."),
    Field("words_per_minute", "int", "Reading speed used for the reading time (default 230)."),
    Field("typography", "bool", "Apply French typography to every text (default true)."),
    Field("feed_full_content", "bool", "Put whole articles in the feed, not only the "
          "standfirst (default true)."),
    Field("feed_limit", "int", "How many of the newest articles the feed holds (default 50)."),
    Field("page_size", "int", "How many articles each page of the home page lists (default 20)."),
    Field("social_cards", "bool", "Draw a preview card for each article without an image of "
          "its own (default true)."),
    Field("publisher", "mapping", "The publishing organisation: name, url, logo."),
    Field("max_file_size", "int", "The largest source file feuillet reads, in bytes "
          f"(default {MAX_FILE_SIZE}: {human_size(MAX_FILE_SIZE)}); a larger one is an error."),
)

PUBLISHER_FIELDS: tuple[Field, ...] = (
    Field("name", "text", "Name of the organisation (default: the site title).", True),
    Field("url", "url", "Its address (default: the site url)."),
    Field("logo", "text", "Path of its logo under static/, such as img/logo.png."),
)

LANGUAGES = ("fr", "en")


def load_config(text: str, path: str, problems: Problems) -> SiteConfig | None:
    """Validate ``site.yaml``."""
    data, error = load_yaml(text, path)
    if error:
        problems.extend([error])
        return None
    reader = Reader(path, problems, ZoneInfo("UTC"))
    mapping = reader.mapping(data, SITE_FIELDS)
    if mapping is None:
        return None
    values = {field.name: reader.value(mapping, field) for field in SITE_FIELDS if field.kind != "mapping"}
    timezone = _timezone(values.get("timezone"), mapping, reader)
    language = values.get("language") or "fr"
    if language not in LANGUAGES:
        reader.error(mapping.key_lines["language"], "language",
                     f"unsupported language '{language}'; use one of: {', '.join(LANGUAGES)}")
    url = values.get("url")
    if url is not None and not url.startswith(("http://", "https://")):
        reader.error(mapping.key_lines["url"], "url", "expected an absolute URL such as https://analyses.example.fr/")
        url = None
    publisher = _publisher(mapping.get("publisher"), mapping, reader, values)
    if problems or values.get("title") is None or url is None:
        return None
    url = url if url.endswith("/") else url + "/"
    return SiteConfig(
        title=values["title"],
        url=url,
        language=language,
        timezone=timezone,
        description=values.get("description") or "",
        byline=values.get("byline") or ("La rédaction",),
        words_per_minute=values.get("words_per_minute") or 230,
        typography=True if values.get("typography") is None else values["typography"],
        feed_full_content=True if values.get("feed_full_content") is None else values["feed_full_content"],
        feed_limit=values.get("feed_limit") or 50,
        page_size=values.get("page_size") or 20,
        social_cards=True if values.get("social_cards") is None else values["social_cards"],
        publisher=publisher,
        max_file_size=values.get("max_file_size") or MAX_FILE_SIZE,
    )


def base_path(config: SiteConfig, option: str | None) -> str:
    """The URL prefix of internal links: the command line's, else the path of the site's url."""
    return normalise_base_path(option if option is not None else urlsplit(config.url).path)


def normalise_base_path(path: str) -> str:
    """``pr-12`` and ``/pr-12`` both mean ``/pr-12/``; the root is ``/``."""
    parts = [part for part in path.split("/") if part]
    return "/" + "".join(part + "/" for part in parts)


def _timezone(name: str | None, mapping: YMap, reader: Reader) -> str:
    if name is None:
        return "Europe/Paris"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        reader.error(mapping.key_lines["timezone"], "timezone",
                     f"unknown time zone '{name}'; use a name such as Europe/Paris")
        return "Europe/Paris"
    return name


def _publisher(raw: Any, mapping: YMap, reader: Reader, values: dict[str, Any]) -> Publisher | None:
    if raw is None:
        return None
    data = reader.mapping(raw, PUBLISHER_FIELDS, "publisher", mapping.key_lines["publisher"])
    if data is None:
        return None
    fields = {field.name: reader.value(data, field, "publisher") for field in PUBLISHER_FIELDS}
    if fields["name"] is None:
        return None
    return Publisher(name=fields["name"], url=fields["url"] or values.get("url") or "", logo=fields["logo"])


def site_schema() -> dict[str, Any]:
    """JSON Schema of ``site.yaml``."""
    return object_schema(SITE_FIELDS, {"publisher": object_schema(PUBLISHER_FIELDS)})

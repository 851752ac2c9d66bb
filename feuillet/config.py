"""Read ``site.yaml`` into a validated :class:`SiteConfig`."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from feuillet.errors import Message, Problems, message, template
from feuillet.fields import Field, Reader, items, kind_name, object_schema
from feuillet.files import human_size
from feuillet.model import MAX_FILE_SIZE, Kept, Publisher, SiteConfig
from feuillet.project import MARKER
from feuillet.sources import YList, YMap, load_yaml

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
    Field("keep", "paths", "Paths of the output folder that belong to the deployment, such as "
          "[CNAME, .nojekyll, notes/]: each build carries them into the new folder (.git always is)."),
    Field("max_file_size", "int", "The largest source file feuillet reads, in bytes "
          f"(default {MAX_FILE_SIZE}: {human_size(MAX_FILE_SIZE)}); a larger one is an error."),
)

PUBLISHER_FIELDS: tuple[Field, ...] = (
    Field("name", "text", "Name of the organisation (default: the site title).", True),
    Field("url", "url", "Its address (default: the site url)."),
    Field("logo", "text", "Path of its logo under static/, such as img/logo.png."),
)

LANGUAGES = ("fr", "en")

# Messages of keep:, one format string each with named placeholders.
KEEP_NOT_A_LIST = template("expected a list of paths such as [CNAME, .nojekyll], got {kind}")
KEEP_NOT_A_PATH = template("expected a path, but item {number} is {kind}")
KEEP_ABSOLUTE = template("'{path}' is an absolute path; give a path inside the output folder, such as CNAME")
KEEP_UP = template("'{path}' goes out of the output folder with '..'; give a path inside it, such as CNAME")
KEEP_WHOLE = template("'{path}' is the whole output folder; give a file or folder inside it, such as CNAME")
KEEP_MARKER = template("'{path}' is feuillet's own marker file; every build writes it")


def load_config(text: str, path: str, problems: Problems) -> SiteConfig | None:
    """Validate ``site.yaml``."""
    return load_settings(text, path, problems)[0]


def load_settings(text: str, path: str, problems: Problems) -> tuple[SiteConfig | None, tuple[Kept, ...]]:
    """Validate ``site.yaml``: the site's settings, and the output paths it keeps (``keep:``)."""
    data, error = load_yaml(text, path)
    if error:
        problems.extend([error])
        return None, ()
    reader = Reader(path, problems, ZoneInfo("UTC"))
    mapping = reader.mapping(data, SITE_FIELDS)
    if mapping is None:
        return None, ()
    keep = _keep(mapping, reader)
    return _config(mapping, reader, problems), keep


def _config(mapping: YMap, reader: Reader, problems: Problems) -> SiteConfig | None:
    values = {field.name: reader.value(mapping, field) for field in SITE_FIELDS
              if field.kind not in ("mapping", "paths")}
    timezone = _timezone(values.get("timezone"), mapping, reader)
    language = values.get("language") or "fr"
    if language not in LANGUAGES:
        reader.error(mapping.key_lines["language"], "language",
                     message("unsupported language '{language}'; use one of: {languages}", language=language,
                             languages=", ".join(LANGUAGES)))
    url = values.get("url")
    problem = site_url_problem(url) if url is not None else None
    if problem:
        reader.error(mapping.key_lines["url"], "url", problem)
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


# What the path of a URL may hold (RFC 3986 pchar and "/"), less the quote, which would break
# every attribute it is written into.
_URL_PATH_RE = re.compile(r"^(?:[A-Za-z0-9\-._~!$&()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                      r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$")



def site_url_problem(url: str) -> Message | None:
    """Why ``url`` cannot be the site's public address (http or https, a host, a clean path)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return message("expected an absolute URL such as https://analyses.example.fr/, got '{url}'", url=url)
    if parts.scheme not in ("http", "https") or not url.startswith(parts.scheme + "://"):
        return message("expected an absolute URL such as https://analyses.example.fr/, got '{url}'", url=url)
    host = parts.hostname or ""
    if not host or not _HOST_RE.match(host) or (port is not None and not 0 < port < 65536) \
            or "@" in parts.netloc:
        return message("'{url}' has no valid host name; expected an absolute URL such as "
                       "https://analyses.example.fr/", url=url)
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return message("'{url}' has a query or a fragment (? or #); the site's address cannot hold one",
                       url=url)
    if not _URL_PATH_RE.match(parts.path):
        bad = next(char for char in parts.path if not _URL_PATH_RE.match(char) or char == "%")
        return message("'{url}' holds {character}: percent-encode it (such as %C3%A9 for é) or remove it",
                       url=url, character=repr(bad))
    return None


def base_path_problem(path: str) -> Message | None:
    """Why ``--base-path`` is not a URL path such as /pr-12/ (None when it is one)."""
    if "://" in path or path.startswith("//"):
        return message("--base-path expects a path such as /pr-12/, not a URL: '{path}'", path=path)
    segments = [segment for segment in path.split("/") if segment]
    if not _URL_PATH_RE.match(path) or any(segment in (".", "..") for segment in segments):
        return message("--base-path expects a path such as /pr-12/ (letters, digits, - . _ ~ and /), "
                       "got '{path}'", path=path)
    return None


def _keep(mapping: YMap, reader: Reader) -> tuple[Kept, ...]:
    """The ``keep:`` paths, normalised (``notes/`` is ``notes``); each wrong one is reported."""
    if "keep" not in mapping:
        return ()
    raw, line = mapping["keep"], mapping.key_lines["keep"]
    if isinstance(raw, str):
        entries = [(line, raw)]
    elif isinstance(raw, YList):
        entries = items(raw)
    else:
        reader.error(line, "keep", message(KEEP_NOT_A_LIST, kind=kind_name(raw)))
        return ()
    kept: list[Kept] = []
    for number, (item_line, item) in enumerate(entries, start=1):
        if not isinstance(item, str) or not item.strip():
            kind = message("empty") if isinstance(item, str) else kind_name(item)
            reader.error(item_line, "keep", message(KEEP_NOT_A_PATH, number=number, kind=kind))
            continue
        problem = _path_problem(item.strip())
        if problem:
            reader.error(item_line, "keep", problem)
        else:
            kept.append(Kept(str(PurePosixPath(item.strip())), item_line))
    return tuple(kept)


def _path_problem(text: str) -> Message | None:
    path = PurePosixPath(text)
    if path.is_absolute():
        return message(KEEP_ABSOLUTE, path=text)
    if ".." in path.parts:
        return message(KEEP_UP, path=text)
    if not path.parts:
        return message(KEEP_WHOLE, path=text)
    if str(path) == MARKER:
        return message(KEEP_MARKER, path=text)
    return None


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
                     message("unknown time zone '{name}'; use a name such as Europe/Paris", name=name))
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

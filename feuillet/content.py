"""Turn the files of ``content/`` into validated articles and pages.

Both article forms — ``<slug>.yaml`` (metadata and ``sections``) and ``<slug>.md`` (front matter
and a body cut at its top-level headings, ``## `` or ``# ``) — go through the same field tables
and the same block splitter, so the same content written either way yields equal
:class:`Article` values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from feuillet.body import (
    BOX_MESSAGES,
    box_markdown,
    container_issue,
    containers,
    merge_prose,
    split_blocks,
    split_credit,
    split_sections,
)
from feuillet.errors import Problems, SourceError, message, template
from feuillet.fields import ALIAS_PATTERN, Field, Reader, has_time, items, object_schema
from feuillet.files import bundle_folder, is_markdown, linked_source
from feuillet.limits import Text, markdown_problems, texts_of
from feuillet.model import (
    Article,
    Block,
    Figure,
    ItemList,
    Page,
    Prose,
    Quote,
    Revision,
    Section,
    SiteConfig,
)
from feuillet.sanitise import audit
from feuillet.slugs import is_safe_slug, slugify
from feuillet.sources import YList, YMap, load_yaml, split_front_matter

METADATA_FIELDS: tuple[Field, ...] = (
    Field("title", "text", "Headline of the article.", True),
    Field("date", "date", "Publication date, or date and time; the site's time zone applies "
          "when none is written.", True),
    Field("updated", "date", "Date of the last significant update, shown as « Mis à jour le »."),
    Field("standfirst", "markdown", "The chapô: the opening paragraph shown under the title "
          "and on the home page."),
    Field("authors", "texts", "Names in the byline (default: the site's byline)."),
    Field("kicker", "text", "The rubrique above the title, such as « Analyse »."),
    Field("tags", "texts", "Subjects of the article."),
    Field("description", "text", "Summary for search engines and social networks "
          "(default: the standfirst)."),
    Field("draft", "bool", "A draft is not published unless the build is asked for drafts."),
    Field("slug", "slug", "The article's URL segment (default: the file name)."),
    Field("typography", "bool", "Apply French typography to this article (default: the "
          "site's setting)."),
    Field("image", "text", "Path of an illustration under static/, used for social previews."),
    Field("aliases", "aliases", "Old URLs of the article, such as /ancien-slug/: each becomes a small "
          "page that redirects to it."),
    Field("anchor_aliases", "anchors", "Old anchors of sections, each leading to a section's anchor "
          "now, such as {ancien-id: nouvel-id}."),
    Field("language", "language", "The article's language as a BCP 47 tag, such as en or de-CH "
          "(default: the site's); another language than French turns French typography off."),
    Field("corrections", "revisions", "Corrections of the article, each {date, text}: dated notes "
          "at its end, « Correction du … », and listed on the site's corrections page."),
    Field("updates", "revisions", "Updates of the article, each {date, text}: dated notes at its "
          "end, « Mise à jour du … »."),
    Field("featured", "bool", "Show the article as the home page's lead story (the newest featured "
          "article leads; default: the newest article)."),
    Field("related", "texts", "Slugs of the articles shown in « Lire aussi », in this order "
          "(default: the most related articles)."),
)
SECTIONS_FIELD = Field("sections", "sections", "The article's sections, in reading order.", True)
ARTICLE_FIELDS = (*METADATA_FIELDS, SECTIONS_FIELD)

SECTION_FIELDS: tuple[Field, ...] = (
    Field("title", "text", "The section's heading (only the first section may have none)."),
    Field("id", "slug", "An explicit anchor for the heading (default: derived from the title)."),
    Field("blocks", "blocks", "Prose (Markdown text), quotes and lists, in order.", True),
)
QUOTE_FIELDS: tuple[Field, ...] = (
    Field("kind", "text", "Optional: quote."),
    Field("text", "markdown", "The quoted words.", True),
    Field("author", "text", "Who said them.", True),
    Field("role", "text", "In which capacity, such as « membre du groupe de réflexion Sejong »."),
    Field("source", "text", "Where they were said or published."),
    Field("url", "url", "Address of the source."),
)
LIST_FIELDS: tuple[Field, ...] = (
    Field("kind", "text", "Optional: list."),
    Field("items", "texts", "The items, each inline Markdown.", True),
    Field("ordered", "bool", "A numbered list (default false)."),
)
FIGURE_FIELDS: tuple[Field, ...] = (
    Field("kind", "text", "Optional: image."),
    Field("image", "text", "The image: a file beside the article in its folder (photo.jpg), a "
          "file under static/ (/static/img/carte.png) or an https:// address.", True),
    Field("alt", "text", "What the image shows, for readers who cannot see it."),
    Field("caption", "markdown", "The caption under the image (inline Markdown); a credit may "
          "end it after an em dash: « Le port — Photo : AFP »."),
    Field("credit", "text", "Who made the image, such as « Photo : AFP »."),
)
# Editorial blocks (form 1): each is the ``::: kind`` container of form 2 (``body.box_markdown``).
BOX_FIELDS: dict[str, tuple[Field, ...]] = {
    "essentiel": (
        Field("kind", "text", "essentiel: « L'essentiel », the key points.", True),
        Field("items", "texts", "The key points, each inline Markdown.", True),
    ),
    "encadre": (
        Field("kind", "text", "encadre: a boxed aside with its own title.", True),
        Field("title", "text", "The aside's title.", True),
        Field("text", "markdown", "The aside's text.", True),
    ),
    "chiffre": (
        Field("kind", "text", "chiffre: « Chiffre clé », a key figure.", True),
        Field("value", "text", "The number, such as 11 000.", True),
        Field("unit", "text", "What it counts, such as soldats."),
        Field("text", "markdown", "The caption under the number.", True),
        Field("source", "text", "Where the figure comes from."),
    ),
    "note": (
        Field("kind", "text", "note: « Note de la rédaction », the editor's note.", True),
        Field("text", "markdown", "The note's text.", True),
    ),
    "lire-aussi": (
        Field("kind", "text", "lire-aussi: « Lire aussi », a link to another article.", True),
        Field("slug", "slug", "The slug of the article to read.", True),
    ),
}
REVISION_FIELDS: tuple[Field, ...] = (
    Field("date", "date", "When the article was corrected or updated (not before its date).", True),
    Field("text", "markdown", "What was corrected or added, inline Markdown.", True),
)
BEFORE_PUBLICATION = template("{date} is before the article's date ({published})")
PAGE_FIELDS: tuple[Field, ...] = (
    Field("title", "text", "Title of the page.", True),
    Field("description", "text", "Summary for search engines."),
    Field("slug", "slug", "The page's URL segment (default: the file name)."),
    Field("typography", "bool", "Apply French typography to this page."),
)

BLOCK_KINDS: dict[str, tuple[Field, ...]] = {"quote": QUOTE_FIELDS, "list": LIST_FIELDS,
                                              "image": FIGURE_FIELDS}
_HEADING_RE = re.compile(r"^(#{1,2})[ \t]", re.MULTILINE)
# A paragraph opening with ">" that the block splitter did not take as an attributed quote.
_BARE_QUOTE_RE = re.compile(r"(?:\A|\n[ \t]*\n)[ ]{0,3}>", re.MULTILINE)

# A "/" that may begin a root-relative address: not inside a word, a number ("1/2"), a URL
# ("https://"), nor followed by a blank. Conservative: a false match only costs a cached view.
_ROOT_RELATIVE_RE = re.compile(r"(?<![/\w.])/(?![/\s])")

# A word that may be a link to a content file by source: ``autre.md``, ``../articles/b.yaml#x``,
# or, between angle brackets, with spaces (``<autre article.md>``).
_SOURCE_WORD_RE = re.compile(
    r"""<([^<>\n"'=]+?\.(?:md|ya?ml)(?:#[^<>\n]*)?)>|([^\s()<>"'\[\]=]+?\.(?:md|ya?ml))(?=[#)\s"'>\]]|$)""",
    re.IGNORECASE)

_SOURCE_SUFFIX_RE = re.compile(r"\.(?:md|ya?ml)\b", re.IGNORECASE)

HEADLINE_LIMIT = 110  # characters of a title search engines show
WARNINGS = {
    "headline": template("the headline is {length} characters long; search engines show about {limit}"),
    "unattributed": template("a quote without attribution: end it with a line such as « — Nom, qualité »"),
}


def load_article(text: str, path: str, config: SiteConfig, problems: Problems) -> Article | None:
    """Load an article in either form, chosen by the file's extension."""
    before = len(problems.items)
    reader = Reader(path, problems, ZoneInfo(config.timezone))
    if is_markdown(path):
        document = split_front_matter(text)
        if document is None:
            reader.error(1, "front matter",
                         message("a Markdown article starts with '---', its metadata, and '---'"))
            return None
        data, error = load_yaml(document.front_matter, path, document.front_matter_line)
        if error:
            problems.extend([error])
            return None
        if not _bounded(data, document.body, document.body_line, reader):
            return None
        mapping = reader.mapping(data if data is not None else YMap(line=1), METADATA_FIELDS, line=1)
        title = data.get("title") if isinstance(data, dict) else None
        raw_sections, issues = split_sections(document.body, document.body_line,
                                              title if isinstance(title, str) else None)
        for issue in issues:
            reader.error(issue.line, "body", issue.message)
        sections = _sections_from_body(raw_sections, reader)
    else:
        data, error = load_yaml(text, path)
        if error:
            problems.extend([error])
            return None
        if not _bounded(data, None, 0, reader):
            return None
        mapping = reader.mapping(data, ARTICLE_FIELDS)
        cards: tuple[tuple[str, int], ...] = ()
        sections, cards = _sections_from_yaml(mapping, reader) if mapping is not None else ([], ())
    if mapping is None:
        return None
    metadata = {field.name: reader.value(mapping, field) for field in METADATA_FIELDS
                if field.kind != "revisions"}
    revisions = {name: _revisions(mapping, name, reader) for name in ("corrections", "updates")}
    slug = metadata["slug"] or _slug_from_path(path, reader)
    timed = has_time(mapping.get("date"))
    if metadata["date"] is not None:
        _check_revisions(metadata, revisions, Revision(metadata["date"], "", timed), mapping, reader)
    if len(problems.items) > before or metadata["title"] is None or metadata["date"] is None:
        return None
    body_key = "body" if path.endswith(".md") else "sections"
    if is_markdown(path):
        cards = _check_boxes([block for section in sections for block in section.blocks], body_key, reader)
    _warn_article(metadata, mapping, sections, body_key, reader)
    aliases, alias_lines = _aliases(metadata["aliases"] or (), mapping, slug, reader)
    anchor_lines = _key_lines(mapping, "anchor_aliases", len(metadata["anchor_aliases"] or ()))
    if len(problems.items) > before:
        return None
    return Article(
        slug=slug,
        title=metadata["title"],
        date=metadata["date"],
        sections=tuple(sections),
        updated=metadata["updated"],
        standfirst=metadata["standfirst"],
        authors=metadata["authors"] or config.byline,
        kicker=metadata["kicker"],
        tags=metadata["tags"] or (),
        description=metadata["description"],
        draft=bool(metadata["draft"]),
        typography=metadata["typography"],
        image=metadata["image"],
        aliases=aliases,
        anchor_aliases=metadata["anchor_aliases"] or (),
        language=metadata["language"],
        corrections=revisions["corrections"],
        updates=revisions["updates"],
        featured=bool(metadata["featured"]),
        related=metadata["related"] or (),
        timed=timed,
        updated_timed=metadata["updated"] is not None and has_time(mapping.get("updated")),
        source=path,
        standfirst_line=mapping.key_lines.get("standfirst", 0),
        alias_lines=alias_lines,
        anchor_alias_lines=anchor_lines,
        related_lines=_key_lines(mapping, "related", len(metadata["related"] or ())),
        root_relative=_root_relative(metadata["standfirst"], sections),
        links_to=_links_to(path, metadata["standfirst"], sections),
        cards=cards,
    )


def _revisions(mapping: YMap, name: str, reader: Reader) -> tuple[Revision, ...]:
    """``corrections`` or ``updates``: a list of {date, text}, each checked at its line."""
    if name not in mapping:
        return ()
    raw, line = mapping[name], mapping.key_lines[name]
    if not isinstance(raw, list) or not raw:
        reader.error(line, name, message("expected a list of notes, each with a date and a text"))
        return ()
    found = []
    for index, (item_line, item) in enumerate(items(raw)):
        key = f"{name}[{index + 1}]"
        data = reader.mapping(item, REVISION_FIELDS, key, item_line)
        if data is None:
            continue
        when, text = (reader.value(data, field, key) for field in REVISION_FIELDS)
        if when is not None and text is not None:
            found.append(Revision(when, text, has_time(data["date"]), data.key_lines["date"]))
    return tuple(found)


def _check_revisions(metadata: dict[str, Any], revisions: dict[str, tuple[Revision, ...]],
                     published: Revision, mapping: YMap, reader: Reader) -> None:
    """``updated``, corrections and updates: none before the article's date."""
    if metadata["updated"] is not None:
        updated = Revision(metadata["updated"], "", has_time(mapping.get("updated")),
                           mapping.key_lines["updated"])
        _not_before(updated, published, "updated", reader)
    for name, found in revisions.items():
        for index, revision in enumerate(found):
            _not_before(revision, published, f"{name}[{index + 1}].date", reader)


def _not_before(revision: Revision, published: Revision, key: str, reader: Reader) -> None:
    """A correction, an update or ``updated`` cannot come before the article: by the moment when
    both have a time of day, else by the day in the site's time zone."""
    if revision.timed and published.timed:
        early = revision.date < published.date
    else:
        early = (revision.date.astimezone(reader.timezone).date()
                 < published.date.astimezone(reader.timezone).date())
    if early:
        reader.error(revision.line, key, message(
            BEFORE_PUBLICATION, date=_written(revision), published=_written(published)))


def _written(revision: Revision) -> str:
    return revision.date.strftime("%Y-%m-%d %H:%M" if revision.timed else "%Y-%m-%d")


ALIAS_NOT_A_PATH = template("'{alias}' is not a clean path of the site: use segments of letters, digits "
                            "and hyphens, such as /ancien-slug/")
ALIAS_TWICE = template("'{alias}' is given twice")
ALIAS_OWN = template("'{alias}' is the article's own address")
_ALIAS_RE = re.compile(ALIAS_PATTERN)


def alias_url(text: str) -> str | None:
    """``ancien-slug``, ``/ancien-slug/`` → ``/ancien-slug/``; ``/2019/a.html`` stays; None
    when ``text`` is no clean path of the site."""
    text = text.strip()
    if not _ALIAS_RE.match(text):
        return None
    path = text.strip("/")
    return "/" + path if path.endswith(".html") else "/" + path + "/"


def _key_lines(mapping: YMap, key: str, count: int) -> tuple[int, ...]:
    """The line of each item of a list (or key of a mapping) under ``key``."""
    raw, line = mapping.get(key), mapping.key_lines.get(key, 0)
    if isinstance(raw, YList) and len(raw.item_lines) == count:
        return tuple(raw.item_lines)
    if isinstance(raw, YMap) and len(raw.key_lines) == count:
        return tuple(raw.key_lines.values())
    return (line,) * count


def _aliases(written: Sequence[str], mapping: YMap, slug: str, reader: Reader
             ) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The article's old URLs, each checked to be a clean path of the site, not its own."""
    lines = _key_lines(mapping, "aliases", len(written))
    found: dict[str, int] = {}
    for text, line in zip(written, lines, strict=True):
        url = alias_url(text)
        if url is None:
            reader.error(line, "aliases", message(ALIAS_NOT_A_PATH, alias=text))
        elif url in found:
            reader.error(line, "aliases", message(ALIAS_TWICE, alias=text))
        elif url == f"/{slug}/":
            reader.error(line, "aliases", message(ALIAS_OWN, alias=text))
        else:
            found[url] = line
    return tuple(found), tuple(found.values())


def _block_texts(block: Block) -> tuple[str, ...]:
    """The Markdown texts of a block: its prose, a quote's words, a list's items."""
    if isinstance(block, Prose):
        return (block.markdown,)
    if isinstance(block, Quote):
        return (block.text,)
    if isinstance(block, Figure):
        return tuple(text for text in (block.caption, block.credit) if text)
    return block.items


def _root_relative(standfirst: str | None, sections: Sequence[Section]) -> bool:
    texts = [standfirst or ""] + [section.title or "" for section in sections] + [
        text for section in sections for block in section.blocks for text in _block_texts(block)
    ]
    return any("/" in text and _ROOT_RELATIVE_RE.search(text) for text in texts)


def _links_to(path: str, standfirst: str | None, sections: Sequence[Section]) -> tuple[str, ...]:
    """The content files the article's text may link to by source: every word that ends like a
    source file (a superset of the links Markdown will find; an extra one only costs a view)."""
    found = set()
    for text in [standfirst or ""] + [
        text for section in sections for block in section.blocks for text in _block_texts(block)
    ]:
        if not _SOURCE_SUFFIX_RE.search(text):  # the common case, found quickly
            continue
        for match in _SOURCE_WORD_RE.finditer(text):
            target = linked_source(match.group(1) or match.group(2), path)
            if target is not None:
                found.add(target[0])
    return tuple(sorted(found))


def _warn_article(metadata: dict[str, Any], mapping: YMap, sections: Sequence[Section], body_key: str,
                  reader: Reader) -> None:
    """What the build goes on with but the editor should see (errors with ``--strict``)."""
    title = metadata["title"]
    if len(title) > HEADLINE_LIMIT:
        reader.warn(mapping.key_lines["title"], "title",
                    message(WARNINGS["headline"], length=len(title), limit=HEADLINE_LIMIT))
    if metadata["standfirst"]:
        _warn_html(metadata["standfirst"], mapping.key_lines["standfirst"], "standfirst", reader)
    for section in sections:
        if section.title:  # inline Markdown: its raw HTML goes through the allow-list too
            _warn_html(section.title, section.line, body_key, reader)
        for block in section.blocks:
            for text in _block_texts(block):
                _warn_html(text, block.line, body_key, reader)
            if isinstance(block, Prose):
                for match in _BARE_QUOTE_RE.finditer(block.markdown):
                    at = block.line + block.markdown.count("\n", 0, match.end())
                    reader.warn(at, body_key, message(WARNINGS["unattributed"]))


def _warn_html(markdown: str, line: int, key: str, reader: Reader) -> None:
    for finding in audit(markdown):
        reader.warn(line + finding.line - 1, key, finding.message)


def _bounded(data: Any, body: str | None, body_line: int, reader: Reader) -> bool:
    """Report the bounds on pathological text (``feuillet.limits``) that a source exceeds."""
    texts = texts_of(data)
    if body is not None:
        texts.append(Text(body, body_line, "body"))
    excesses = markdown_problems(texts)
    for excess in excesses:
        reader.error(excess.line, excess.key, excess.message)
    return not excesses


def _slug_from_path(path: str, reader: Reader) -> str:
    """The file's name without its extension; a page bundle's article is named after its folder."""
    bundle = bundle_folder(path)
    stem = PurePosixPath(bundle).name if bundle else PurePosixPath(path).stem
    if not is_safe_slug(stem):
        reader.error(1, "slug", message(
            "the file name '{stem}' is not a safe URL segment; rename the file (for example "
            "{example}) or set 'slug'", stem=stem,
            example=slugify(stem) + (path[len(bundle):] if bundle else PurePosixPath(path).suffix)))
    return stem


def _sections_from_yaml(mapping: YMap, reader: Reader) -> tuple[list[Section], tuple[tuple[str, int], ...]]:
    """The sections, and the slugs (with their lines) that « Lire aussi » blocks name."""
    raw = mapping.get("sections")
    if "sections" not in mapping:
        return [], ()
    line = mapping.key_lines["sections"]
    if not isinstance(raw, list) or not raw:
        reader.error(line, "sections", message("expected a list of sections, each with a title and blocks"))
        return [], ()
    sections = []
    cards: list[tuple[str, int]] = []
    for index, (item_line, item) in enumerate(items(raw)):
        key = f"sections[{index + 1}]"
        data = reader.mapping(item, SECTION_FIELDS, key, item_line)
        if data is None:
            continue
        title = reader.value(data, SECTION_FIELDS[0], key)
        anchor = reader.value(data, SECTION_FIELDS[1], key)
        if title is None and index > 0 and "title" not in data:
            reader.error(data.line, f"{key}.title", message("only the first section may have no title"))
        blocks = _blocks_from_yaml(data, key, reader, cards)
        if blocks:
            sections.append(Section(title, tuple(blocks), anchor, data.line))
    return sections, tuple(cards)


def _blocks_from_yaml(data: YMap, key: str, reader: Reader, cards: list[tuple[str, int]]) -> list[Block]:
    if "blocks" not in data:
        return []
    raw = data["blocks"]
    line = data.key_lines["blocks"]
    if raw is None or raw == []:
        reader.error(line, f"{key}.blocks", message("empty section: add prose, a quote or a list"))
        return []
    if not isinstance(raw, list):
        raw_items: list[tuple[int, Any]] = [(line, raw)]
    else:
        raw_items = items(raw)
    blocks: list[Block] = []
    for index, (item_line, item) in enumerate(raw_items):
        block_key = f"{key}.blocks[{index + 1}]"
        if isinstance(item, str):
            blocks.extend(_prose_blocks(item, item_line, block_key, reader))
        else:
            block = _structured_block(item, item_line, block_key, reader)
            if block is not None:
                blocks.append(block)
    cards.extend(_check_boxes(blocks, "sections", reader))
    return merge_prose(blocks)


def _prose_blocks(text: str, line: int, key: str, reader: Reader) -> list[Block]:
    if not text.strip():
        reader.error(line, key, message("empty block: remove it or write some text"))
        return []
    # A literal block scalar ("|") starts on the line after its indicator.
    first = line + 1 if "\n" in text.rstrip("\n") else line
    for match in _HEADING_RE.finditer(text):
        level = len(match.group(1))
        at = first + text.count("\n", 0, match.start())
        if level == 2:
            reader.error(at, key, message("a '## ' heading inside a block: start a new section with a "
                                          "title instead"))
        else:
            reader.error(at, key, message("a level-1 heading inside a block: the title comes from 'title'"))
    return split_blocks(text, first)


def _structured_block(item: Any, line: int, key: str, reader: Reader) -> Block | None:
    if not isinstance(item, YMap):
        reader.error(line, key, message("expected Markdown text, a quote (text, author), a list (items) "
                                        "or an image (image, alt, caption)"))
        return None
    kind = item.get("kind")
    if isinstance(kind, str) and kind in BOX_FIELDS:
        return _box_block(kind, item, line, key, reader)
    if kind is None:
        kind = ("list" if "items" in item else "quote" if "text" in item
                else "image" if "image" in item else None)
    if kind not in BLOCK_KINDS:
        what = (f"'{kind}'" if kind is not None
                else message("with keys {keys}", keys=", ".join(sorted(item))) if item
                else message("with no keys"))
        reader.error(item.line, key, message(
            "unknown block kind {what}: expected Markdown text, a quote (text, author, role), "
            "a list (items), an image (image, alt, caption) or a block with kind: {kinds}",
            what=what, kinds=", ".join(BOX_FIELDS)))
        return None
    fields = BLOCK_KINDS[kind]
    data = reader.mapping(item, fields, key, line)
    if data is None:
        return None
    values = {field.name: reader.value(data, field, key) for field in fields}
    if kind == "list":
        if values["items"] is None:
            return None
        return ItemList(values["items"], bool(values["ordered"]), data.line)
    if kind == "image":
        if values["image"] is None:
            return None
        caption, credit = split_credit(values["caption"])
        return Figure(values["image"], " ".join((values["alt"] or "").split()), caption,
                      values["credit"] or credit, data.line)
    if values["text"] is None or values["author"] is None:
        return None
    return Quote(values["text"], values["author"], values["role"], values["source"],
                 values["url"], data.line)


def _box_block(kind: str, item: YMap, line: int, key: str, reader: Reader) -> Block | None:
    """A typed editorial block: the prose of the container it stands for."""
    fields = BOX_FIELDS[kind]
    data = reader.mapping(item, fields, key, line)
    if data is None:
        return None
    values = {field.name: reader.value(data, field, key) for field in fields}
    if any(values[field.name] is None for field in fields if field.required):
        return None
    if kind == "essentiel":
        argument, body = "", "\n".join(f"- {item}" for item in values["items"])
    elif kind == "encadre":
        argument, body = values["title"], values["text"]
    elif kind == "chiffre":
        argument = " ".join(filter(None, (str(values["value"]), values["unit"])))
        source = f"\n\nSource : {values['source']}" if values["source"] else ""
        body = values["text"].strip() + source
    elif kind == "note":
        argument, body = "", values["text"]
    else:
        argument, body = values["slug"], ""
    return Prose(box_markdown(kind, argument, body), data.line)


def _check_boxes(blocks: Sequence[Block], key: str, reader: Reader) -> tuple[tuple[str, int], ...]:
    """Report what is wrong with the editorial blocks of the prose (before prose blocks are
    merged, whose lines are then no longer the file's); the slugs « Lire aussi » names."""
    cards: list[tuple[str, int]] = []
    for block in blocks:
        if not isinstance(block, Prose):
            continue
        for container in containers(block.markdown, block.line):
            issue = container_issue(container)
            if issue is not None:
                reader.error(container.line, key, issue)
            elif container.kind == "lire-aussi":
                cards.append((container.argument.strip(), container.line))
    return tuple(cards)


def check_related(articles: Sequence[Article]) -> list[SourceError]:
    """Each slug of ``related`` names another article of the site, once."""
    slugs = {article.slug for article in articles}
    errors = []
    for article in articles:
        seen: set[str] = set()
        for slug, line in zip(article.related, article.related_lines, strict=True):
            if slug == article.slug:
                text = message("an article cannot be related to itself: remove '{slug}'", slug=slug)
            elif slug not in slugs:
                text = message("'{slug}' is no article of the site", slug=slug)
            elif slug in seen:
                text = message("'{slug}' is listed twice", slug=slug)
            else:
                seen.add(slug)
                continue
            errors.append(SourceError(article.source, line, "related", text))
    return errors


def check_cards(articles: Sequence[Article]) -> list[SourceError]:
    """A « Lire aussi » block names another article of the site, by its slug."""
    slugs = {article.slug for article in articles}
    errors = []
    for article in articles:
        key = "body" if is_markdown(article.source) else "sections"
        for slug, line in article.cards:
            if slug == article.slug:
                errors.append(SourceError(article.source, line, key, message(BOX_MESSAGES["own_slug"])))
            elif slug not in slugs:
                errors.append(SourceError(article.source, line, key,
                                          message(BOX_MESSAGES["unknown_slug"], slug=slug)))
    return errors


def _sections_from_body(raw_sections: Sequence[Any], reader: Reader) -> list[Section]:
    sections = []
    for raw in raw_sections:
        if not raw.blocks:
            reader.error(raw.line, "body",
                         message("empty section '{title}': add prose, a quote or a list", title=raw.title))
            continue
        if raw.anchor is not None and not is_safe_slug(raw.anchor):
            reader.error(raw.line, "body", message(
                "'{anchor}' is not a safe anchor: use a-z, 0-9 and hyphens", anchor=raw.anchor))
        sections.append(Section(raw.title, raw.blocks, raw.anchor, raw.line))
    if not sections:
        reader.error(1, "body", message("the article has no text"))
    return sections


def load_page(text: str, path: str, problems: Problems) -> Page | None:
    """Load a page: front matter with a title, then a Markdown body."""
    reader = Reader(path, problems, ZoneInfo("UTC"))
    document = split_front_matter(text)
    if document is None:
        reader.error(1, "front matter", message("a page starts with '---', its title, and '---'"))
        return None
    data, error = load_yaml(document.front_matter, path, document.front_matter_line)
    if error:
        problems.extend([error])
        return None
    if not _bounded(data, document.body, document.body_line, reader):
        return None
    mapping = reader.mapping(data if data is not None else YMap(line=1), PAGE_FIELDS, line=1)
    if mapping is None:
        return None
    values = {field.name: reader.value(mapping, field) for field in PAGE_FIELDS}
    slug = values["slug"] or _slug_from_path(path, reader)
    if values["title"] is None or not document.body.strip():
        if not document.body.strip():
            reader.error(document.body_line, "body", message("the page has no text"))
        return None
    body = document.body.strip()
    leading = len(document.body) - len(document.body.lstrip())
    line = document.body_line + document.body.count("\n", 0, leading)
    _warn_html(body, line, "body", reader)
    return Page(slug, values["title"], body, values["description"], values["typography"], path, line)


def check_unique_slugs(articles: Sequence[Article], pages: Sequence[Page]) -> list[SourceError]:
    """Two sources claiming one URL is an error that names both files."""
    seen: dict[str, str] = {}
    errors = []
    sources: list[Article | Page] = [*articles, *pages]
    for item in sorted(sources, key=lambda source: source.source):
        if item.slug in seen:
            errors.append(SourceError(item.source, 1, "slug", message(
                "the slug '{slug}' is already used by {other}", slug=item.slug, other=seen[item.slug])))
        else:
            seen[item.slug] = item.source
    return errors


@dataclass(frozen=True)
class Publication:
    """Which articles a build publishes at a given instant, and which wait (embargo)."""

    published: tuple[Article, ...]  # newest first
    scheduled: tuple[Article, ...]  # not drafts, dated after ``now``; soonest first
    drafts: tuple[Article, ...]
    future: bool = False  # the scheduled ones are published anyway (--future, previews)

    @property
    def next_publication(self) -> datetime | None:
        """When the site will change by itself: the date of the soonest scheduled article."""
        return self.scheduled[0].date if self.scheduled and not self.future else None


def publication(articles: Sequence[Article], now: datetime, drafts: bool = False,
                future: bool = False) -> Publication:
    """An article is published when it is no draft (or ``drafts``) and its date has come (or
    ``future``); a scheduled draft counts as a draft."""
    draft = tuple(a for a in articles if a.draft)
    waiting = tuple(sorted((a for a in articles if not a.draft and a.date > now),
                           key=lambda a: (a.date, a.slug)))
    shown = [a for a in articles
             if (drafts or not a.draft) and (future or a.date <= now or (drafts and a.draft))]
    return Publication(newest_first(shown), waiting, draft, future)


def newest_first(articles: Sequence[Article]) -> tuple[Article, ...]:
    """Articles in the order of the home page: newest first, then by slug for equal dates."""
    return tuple(sorted(articles, key=lambda article: (-article.date.timestamp(), article.slug)))


def scaffold_article(title: str, today: date) -> tuple[str, str]:
    """The slug and the YAML text of a new article in form 1."""
    slug = slugify(title)
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    text = (
        "# yaml-language-server: $schema=../../schemas/article.schema.json\n"
        f'title: "{quoted}"\n'
        f"date: {today.isoformat()}\n"
        "kicker: Analyse\n"
        "draft: true\n"
        "standfirst: >-\n"
        "  Le chapô : l’essentiel de l’article en deux ou trois phrases.\n"
        "sections:\n"
        "  - title: Premier intertitre\n"
        "    blocks:\n"
        "      - |\n"
        "        Le texte de la première section, en Markdown.\n"
    )
    return slug, text


def article_schema(front_matter_only: bool = False) -> dict[str, Any]:
    """JSON Schema of an article in form 1 or, with ``front_matter_only``, of form 2's front matter."""
    prose = {"type": "string", "minLength": 1, "description": "Markdown prose."}
    block = {
        "anyOf": [
            prose,
            object_schema(QUOTE_FIELDS),
            object_schema(LIST_FIELDS),
            object_schema(FIGURE_FIELDS),
            *(_box_schema(kind, fields) for kind, fields in BOX_FIELDS.items()),
        ]
    }
    section = object_schema(
        SECTION_FIELDS, {"blocks": {"type": "array", "minItems": 1, "items": block}}
    )
    fields = METADATA_FIELDS if front_matter_only else ARTICLE_FIELDS
    revisions = {"type": "array", "minItems": 1, "items": object_schema(REVISION_FIELDS)}
    schema = object_schema(fields, {"sections": {"type": "array", "minItems": 1, "items": section},
                                    "corrections": revisions, "updates": revisions})
    title = "feuillet article front matter" if front_matter_only else "feuillet article"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}


def _box_schema(kind: str, fields: tuple[Field, ...]) -> dict[str, Any]:
    """An editorial block's schema: its ``kind`` is that one name."""
    schema = object_schema(fields)
    schema["properties"]["kind"] = {**schema["properties"]["kind"], "const": kind}
    return schema

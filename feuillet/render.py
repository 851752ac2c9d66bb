"""Render pages through Jinja2 from view models (``views``) and page metadata (``publish``).

Jinja2 is used only here. Templates run with autoescape and ``StrictUndefined``, so a misspelt
variable fails the build with the template's file and line instead of printing nothing.
"""

from __future__ import annotations

import hashlib
import html
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup

from feuillet import i18n, taxonomy
from feuillet.errors import SourceError, message
from feuillet.model import BinaryFile, TextFile
from feuillet.views import SiteFacts, text

TEMPLATE_DIR = "templates"
FINGERPRINTED = (".css", ".js")


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


def environment(templates: Sequence[TextFile], catalog: str | None, facts: SiteFacts,
                compiled: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment bound to the site's templates, catalog, URLs and assets.

    ``compiled``: a folder where Jinja2 keeps compiled templates between builds (its own
    bytecode cache, keyed by each template's text; the folder's name carries feuillet's salt,
    since the options below shape the compiled code too).
    """
    config = facts.config
    cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        cache = jinja2.FileSystemBytecodeCache(str(compiled))
    env = jinja2.Environment(
        bytecode_cache=cache,
        loader=_MemoryLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(catalog, config.language), newstyle=True)  # type: ignore[attr-defined]

    def url(path: str = "") -> str:
        return facts.base_path + path.lstrip("/")

    def asset(path: str) -> str:
        if path not in facts.assets:
            raise jinja2.TemplateRuntimeError(f"no file static/{path}")
        return url("static/" + facts.assets[path])

    env.globals.update(site=config, url=url, asset=asset, absolute_url=config.absolute_url,
                       preview=facts.preview, has_corrections=facts.corrections,
                       author_path=lambda name: taxonomy.author_path(name, config),
                       subject_path=lambda name: taxonomy.name_path(taxonomy.SUBJECTS, name),
                       section_path=lambda name: taxonomy.name_path(taxonomy.SECTIONS, name))
    env.filters.update(
        typeset=lambda value: text(str(value), config.typography).html,
        number=lambda value: i18n.number(value, config.language),
        percent=lambda value: i18n.percent(value, config.language),
        names=lambda values: i18n.names(list(values), config.language),
        # Names already HTML (links): joined the same way, the result is HTML too.
        html_names=lambda values: Markup(i18n.names([str(value) for value in values], config.language)),
    )
    return env


def catalog_for(catalogs: Sequence[TextFile], language: str) -> str | None:
    """The text of the site language's ``messages.po``, if the project has one."""
    suffix = f"/{language}/LC_MESSAGES/messages.po"
    return next((c.text for c in catalogs if c.path.endswith(suffix)), None)


def _template_error(error: Exception) -> SourceError:
    """Name the template file and line where a template failed."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return SourceError(error.filename or error.name or "templates", error.lineno or 0,
                           "template", message("syntax error: {problem}", problem=error.message or ""))
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(TEMPLATE_DIR + "/")
    ]
    if isinstance(error, RecursionError):
        cycle: list[str] = []
        for frame in frames:
            if frame.filename in cycle:
                break
            cycle.append(frame.filename)
        names = " → ".join(PurePosixPath(name).name for name in [*cycle, cycle[0]]) if cycle else "?"
        where = frames[0] if frames else None
        return SourceError(where.filename if where else TEMPLATE_DIR, (where.lineno or 0) if where else 0,
                           "template", message("a template includes itself: {names}", names=names))
    if isinstance(error, jinja2.TemplateNotFound):
        missing = message("template not found: {name}", name=error.name)
        if frames:  # an include or an extends: name the template that asked for it
            return SourceError(frames[-1].filename, frames[-1].lineno or 0, "template", missing)
        return SourceError(TEMPLATE_DIR, 0, "template", missing)
    if frames:
        frame = frames[-1]
        return SourceError(frame.filename, frame.lineno or 0, "template", str(error))
    return SourceError(TEMPLATE_DIR, 0, "template", f"{type(error).__name__}: {error}")


def render_page(
    env: jinja2.Environment, name: str, context: dict[str, Any]
) -> tuple[bytes, list[SourceError]]:
    """One page's bytes, or the template's error (file and line) and no bytes."""
    try:
        return env.get_template(name).render(context).encode("utf-8"), []
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError, LookupError,
            RecursionError) as error:
        return b"", [_template_error(error)]


def has_template(env: jinja2.Environment, name: str) -> bool:
    """Whether the site's templates hold ``name`` (a project's own templates may predate it)."""
    return name in env.list_templates()


BOX_LABELS_TEMPLATE = "partials/block-label.html"


def box_labels(env: jinja2.Environment, kinds: Sequence[str]) -> dict[str, str]:
    """The label of each kind of editorial block (« L'essentiel »…) as the site's templates and
    catalog say it: the Markdown renderer writes them into the blocks, the feed included."""
    try:
        template = env.get_template(BOX_LABELS_TEMPLATE)
    except jinja2.TemplateError:
        return {}
    return {kind: html.unescape(template.render(kind=kind).strip()) for kind in kinds}

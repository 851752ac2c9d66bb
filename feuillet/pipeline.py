"""The build recipe: load → render → check → write. The only module that knows the order."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar

from feuillet.config import load_config
from feuillet.content import check_unique_slugs, load_article, load_page, newest_first
from feuillet.errors import BuildFailed, Problems, SourceError
from feuillet.model import Article, BinaryFile, Output, Page, Site, TextFile
from feuillet.proofread import typography_warnings
from feuillet.render import check_outputs, render_site
from feuillet.serve import Snapshot
from feuillet.sources import read_text
from feuillet.write import check_destination, write_site

T = TypeVar("T")

ARTICLE_SUFFIXES = (".yaml", ".yml", ".md")


@dataclass(frozen=True)
class Project:
    """Where a site's sources are, relative to its root folder."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "site.yaml"

    @property
    def cache(self) -> Path:
        """Files kept between builds to save work, such as drawn social images (gitignored)."""
        return self.root / ".cache"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the one-line summary."""

    articles: int
    pages: int
    files: int
    seconds: float
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds) in pipeline order


def _files(folder: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Files below ``folder`` in a stable order, hidden files left out."""
    if not folder.is_dir():
        return []
    found = [
        path for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]
    return sorted(p for p in found if suffixes is None or p.suffix in suffixes)


def _load_each(
    project: Project, paths: list[Path], problems: Problems, load: Callable[[str, str], T | None]
) -> list[T]:
    loaded = []
    for file in paths:
        path = project.relative(file)
        text, error = read_text(file, path)
        if error:
            problems.extend([error])
            continue
        assert text is not None
        item = load(text, path)
        if item is not None:
            loaded.append(item)
    return loaded


def load_site(project: Project, base_path: str | None = None, drafts: bool = False) -> Site:
    """Read and validate every source; raises BuildFailed listing all problems."""
    problems = Problems()
    if not project.config.is_file():
        problems.add("site.yaml", 0, "site.yaml", f"no site.yaml in {project.root}")
        problems.raise_if_any()
    text, error = read_text(project.config, "site.yaml")
    if error:
        problems.extend([error])
        problems.raise_if_any()
    assert text is not None
    config = load_config(text, "site.yaml", base_path, problems)
    if config is None:
        problems.raise_if_any()
        raise BuildFailed([])  # unreachable: a missing config always comes with a problem
    content = project.root / "content"
    articles: list[Article] = _load_each(
        project, _files(content / "articles", ARTICLE_SUFFIXES), problems,
        lambda text, path: load_article(text, path, config, problems),
    )
    pages: list[Page] = _load_each(
        project, _files(content / "pages", (".md",)), problems,
        lambda text, path: load_page(text, path, problems),
    )
    problems.extend(check_unique_slugs(articles, pages))
    def text_file(text: str, path: str) -> TextFile:
        return TextFile(path, text)

    templates = _load_each(project, _files(project.root / "templates"), problems, text_file)
    catalogs = _load_each(project, _files(project.root / "locales", (".po",)), problems, text_file)
    static = [
        BinaryFile(file.relative_to(project.root / "static").as_posix(), file.read_bytes())
        for file in _files(project.root / "static")
    ]
    problems.raise_if_any()
    published = [article for article in articles if drafts or not article.draft]
    return Site(
        config=config,
        articles=newest_first(published),
        pages=tuple(sorted(pages, key=lambda page: page.slug)),
        templates=tuple(templates),
        catalogs=tuple(catalogs),
        static=tuple(static),
    )


def render(site: Site, cache: Path | None = None) -> list[Output]:
    """Render every output in memory and check that no two claim one path."""
    outputs = render_site(site, cache)
    sources: list[Article | Page] = [*site.articles, *site.pages]
    claimed = {f"{item.slug}/index.html": item.source for item in sources}
    errors = check_outputs(outputs, claimed)
    if errors:
        raise BuildFailed(errors)
    return outputs


def check(project: Project, drafts: bool = True) -> Site:
    """Validate content and templates without writing the site (the image cache may fill)."""
    site = load_site(project, drafts=drafts)
    render(site, project.cache)
    return site


def typography_report(project: Project) -> list[SourceError]:
    """Warnings where typography changed an editor's text, file by file."""
    warnings = []
    content = project.root / "content"
    for file in _files(content / "articles", ARTICLE_SUFFIXES) + _files(content / "pages", (".md",)):
        path = project.relative(file)
        text, _ = read_text(file, path)
        if text is not None:
            warnings += typography_warnings(text, path)
    return warnings


def build(
    project: Project, output: Path, base_path: str | None = None, drafts: bool = False
) -> BuildReport:
    """The whole build. On any problem nothing is written and the old output stays."""
    started = time.perf_counter()
    check_destination(output, project.root)
    site = load_site(project, base_path, drafts)
    loaded = time.perf_counter()
    outputs = render(site, project.cache)
    rendered = time.perf_counter()
    write_site(outputs, output)
    written = time.perf_counter()
    return BuildReport(
        articles=len(site.articles),
        pages=len(site.pages),
        files=len(outputs),
        seconds=written - started,
        timings=(("load", loaded - started), ("render", rendered - loaded), ("write", written - rendered)),
    )


def stylesheets(outputs: list[Output], base_path: str) -> dict[str, str]:
    """URL of each fingerprinted stylesheet by its source path (``css/site.css``), for the dev server."""
    found = {}
    for output in outputs:
        path = PurePosixPath(output.path)
        if path.parts[0] == "static" and path.suffix == ".css":
            stem = path.stem.rsplit(".", 1)[0]
            source = PurePosixPath(*path.parts[1:-1], stem + path.suffix).as_posix()
            found[source] = base_path + output.path
    return found



class DevSite:
    """The dev server's builds: each good one goes into a fresh private folder, never swapped under it.

    The folder of the build being served and the one before it are kept (a request may still be
    reading a file of the previous one); older ones are removed. All of them live in one temporary
    folder that ``close`` removes.
    """

    def __init__(self, project: Project, base_path: str | None = None, drafts: bool = False) -> None:
        self.project = project
        self.base_path = base_path
        self.drafts = drafts
        self.folder = Path(tempfile.mkdtemp(prefix="feuillet-serve-"))
        self.generation = 0
        self.good: list[Path] = []
        self.stylesheets: dict[str, str] = {}
        self.last: BuildReport | None = None
        self.served_base_path = "/"  # the base path of the last good build (site.yaml's url or the option)

    def rebuild(self, changed: Sequence[str] = ()) -> Snapshot:
        """Build once; on problems the last good folder stays the one served, with the error lines."""
        self.generation += 1
        started = time.perf_counter()
        try:
            site = load_site(self.project, self.base_path, self.drafts)
            outputs = render(site, self.project.cache)
        except BuildFailed as error:
            root = self.good[-1] if self.good else None
            return Snapshot(root, tuple(str(e) for e in error.errors), self.generation, self.stylesheets)
        target = self.folder / f"{self.generation}"
        write_site(outputs, target)
        self.good.append(target)
        while len(self.good) > 2:
            shutil.rmtree(self.good.pop(0), ignore_errors=True)
        self.served_base_path = site.config.base_path
        self.stylesheets = stylesheets(outputs, site.config.base_path)
        self.last = BuildReport(len(site.articles), len(site.pages), len(outputs),
                                time.perf_counter() - started)
        return Snapshot(target, (), self.generation, self.stylesheets)

    def watched(self) -> list[Path]:
        root = self.project.root
        return [root / "content", root / "templates", root / "static", root / "locales", self.project.config]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

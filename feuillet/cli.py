"""Command line: build, check, new, schema. The only module that prints or exits."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from types import FrameType
from typing import NoReturn, TextIO

from feuillet import __version__, stamp
from feuillet.errors import BuildFailed, SourceError, Translate, as_errors, decimal, message, say, template
from feuillet.messages import editor_language, translator
from feuillet.project import BuildOptions, Project, clock, source_date
from feuillet.write import Interrupted, UnsafeOutput, check_output, recover

# The stages (Markdown, Jinja2, Babel, Pillow behind them) are imported by the commands that
# use them, so that a build with nothing to do (``feuillet.stamp``) does not pay for them.

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130
COMMANDS = ("build", "check", "diff", "list", "new", "schema", "serve")
GLOBAL_OPTIONS = ("--root", "--lang")  # options before the command, each with a value

# Messages of the command line, one format string each with named placeholders.
INTERRUPTED = template("interrupted")
INTERRUPTED_BUILD = template("interrupted; the previous site is unchanged")
INTERRUPTED_WRITTEN = template("interrupted; the new site was already in place")
WAITING = template("waiting for another build into {folder}…")


def schemas() -> dict[str, Callable[[], dict[str, object]]]:
    from feuillet.authors import authors_schema
    from feuillet.config import site_schema
    from feuillet.content import article_schema

    return {
        "article.schema.json": lambda: article_schema(),
        "authors.schema.json": authors_schema,
        "front-matter.schema.json": lambda: article_schema(front_matter_only=True),
        "site.schema.json": site_schema,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feuillet",
        description="Build a French news-analysis microsite from content/, templates/ and static/.",
    )
    parser.add_argument("--version", action="version", version=f"feuillet {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
    parser.add_argument("--lang", choices=("fr", "en"), default=None,
                        help="language of feuillet's messages (default: LANG, else the site's language)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_parser = commands.add_parser("build", help="build the site (the default command)")
    build_parser.add_argument("--output", "-o", type=Path, default=None,
                              help="output folder (default: _site in the project)")
    build_parser.add_argument("--base-path", default=None,
                              help="URL prefix of every internal link, such as /pr-12/ "
                                   "(default: the path of site.yaml's url)")
    build_parser.add_argument("--drafts", action="store_true", help="publish drafts too")
    preview = build_parser.add_mutually_exclusive_group()
    preview.add_argument("--preview", action="store_true", default=None,
                         help="a preview build: noindex, a banner, drafts and scheduled articles shown "
                              "and marked (default with --base-path)")
    preview.add_argument("--no-preview", dest="preview", action="store_false",
                         help="a --base-path build that is not a preview")
    build_parser.add_argument("--preview-label", default=None,
                              help="what the preview banner names, such as 'PR 12'")
    build_parser.add_argument("--future", action="store_true",
                              help="publish articles dated in the future too (default: they wait)")
    build_parser.add_argument("--now", type=_instant, default=None,
                              help="the instant that decides what is published, such as 2024-06-19T08:00 "
                                   "(default: SOURCE_DATE_EPOCH, else the clock)")
    build_parser.add_argument("--verify", action="store_true",
                              help="build again in a fresh process (no cache, one process, another hash "
                                   "seed and time zone) and report the first file that differs")
    build_parser.add_argument("--next-publication", type=Path, default=None, metavar="FILE",
                              help="write when the site will next change by itself, as JSON")
    build_parser.add_argument("--jobs", "-j", type=_jobs, default=0,
                              help="worker processes (default: one per core; 1: no workers)")
    build_parser.add_argument("--no-cache", action="store_true",
                              help="ignore .cache/ and rebuild everything from the sources")
    build_parser.add_argument("--strict", action="store_true",
                              help="treat every warning as an error (exit 1, nothing written)")
    build_parser.add_argument("--force", action="store_true",
                              help="replace the output folder even if feuillet did not make it "
                                   "(.git and the keep: paths of site.yaml are still kept)")
    talk = build_parser.add_mutually_exclusive_group()
    talk.add_argument("--verbose", "-v", action="store_true", help="also print the time of each stage")
    talk.add_argument("--quiet", "-q", action="store_true", help="print nothing unless something is wrong")
    serve_parser = commands.add_parser("serve", help="build, serve on this machine, rebuild on every change")
    serve_parser.add_argument("--port", type=int, default=8000,
                              help="port (default 8000; 0 picks a free one)")
    serve_parser.add_argument("--host", default="127.0.0.1",
                              help="address to bind (default 127.0.0.1: only this machine)")
    serve_parser.add_argument("--base-path", default=None, help="serve under a URL prefix such as /pr-12/")
    serve_parser.add_argument("--drafts", action="store_true", help="show drafts too")
    serve_parser.add_argument("--future", action="store_true", help="show articles dated in the future too")
    check_parser = commands.add_parser("check", help="validate content and templates, write nothing")
    check_parser.add_argument("--no-drafts", action="store_true", help="skip drafts")
    check_parser.add_argument("--typography", action="store_true",
                              help="also warn where French typography changed the source text")
    check_parser.add_argument("--strict", action="store_true",
                              help="treat every warning as an error (exit 1)")
    check_parser.add_argument("--format", choices=FORMATS, default="text",
                              help="text (default), github (GitHub Actions annotations) or json")
    check_parser.add_argument("--against", type=Path, default=None, metavar="OLD_SITE",
                              help="also fail when a published article's URL or section anchor of this "
                                   "built site would disappear")
    diff_parser = commands.add_parser("diff", help="compare two built sites: pages added, changed, removed")
    diff_parser.add_argument("old", type=Path, metavar="OLD_SITE",
                             help="the site before (a build's output folder)")
    diff_parser.add_argument("new", type=Path, metavar="NEW_SITE", help="the site after")
    diff_parser.add_argument("--format", choices=DIFF_FORMATS, default="text",
                             help="text (default), markdown (a pull-request comment) or json")
    diff_parser.add_argument("--preview-url", default=None, metavar="URL",
                             help="address of the new site's preview: pages link to it")
    diff_parser.add_argument("--fail-on-break", action="store_true",
                             help="exit 1 when a published article's URL or section anchor disappears")
    new_parser = commands.add_parser("new", help="scaffold an article from its title")
    new_parser.add_argument("title", help="the article's title, in quotes")
    commands.add_parser("schema", help="write the JSON Schemas into schemas/")
    list_parser = commands.add_parser("list", help="list drafts and scheduled articles")
    list_parser.add_argument("--now", type=_instant, default=None, help="as for build")
    return parser


def _instant(value: str) -> datetime:
    """``--now``: an ISO date-time; without an offset, in the site's time zone (applied later)."""
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date-time such as 2024-06-19T08:00 or 2024-06-19T08:00+02:00, got {value!r}"
        ) from None


def publication_instant(option: datetime | None, environ: Mapping[str, str]) -> datetime | None:
    """``--now``, else ``SOURCE_DATE_EPOCH`` (reproducible builds), else None: the clock."""
    if option is not None:
        return option
    return source_date(environ)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes of 1 or more, got {value!r}")
    return int(value)


def _arguments(argv: Sequence[str]) -> list[str]:
    """``feuillet --output x`` means ``feuillet build --output x``: build is the default."""
    arguments = list(argv)
    index = 0
    while index < len(arguments) and arguments[index].split("=")[0] in GLOBAL_OPTIONS:
        index += 1 if "=" in arguments[index] else 2
    head = arguments[index] if index < len(arguments) else None
    if head not in COMMANDS and head not in ("-h", "--help", "--version"):
        arguments.insert(index, "build")
    return arguments


FORMATS = ("text", "github", "json")
DIFF_FORMATS = ("text", "markdown", "json")


def github_annotation(problem: SourceError, translate: Translate) -> str:
    """``::error file=…,line=…,title=…::message``: a line GitHub Actions shows on the diff."""
    def escape(text: str, property_: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_ else text

    kind = "error" if problem.severity == "error" else "warning"
    fields = [f"file={escape(problem.path, True)}"]
    if problem.line > 0:
        fields.append(f"line={problem.line}")
    if problem.key:
        fields.append(f"title={escape(problem.key, True)}")
    return f"::{kind} {','.join(fields)}::{escape(say(problem.message, translate))}"


def problems_json(problems: Sequence[SourceError], translate: Translate, **summary: object) -> str:
    """The problems as one JSON document (``check --format json``)."""
    return json.dumps({
        **summary,
        "errors": sum(problem.severity == "error" for problem in problems),
        "warnings": sum(problem.severity != "error" for problem in problems),
        "problems": [{"path": p.path, "line": p.line, "key": p.key, "severity": p.severity,
                      "message": say(p.message, translate)} for p in problems],
    }, ensure_ascii=False, indent=2)


class Speaker:
    """Prints feuillet's lines in the editor's language (see ``feuillet.messages``), as text,
    as GitHub Actions annotations or as JSON (``check --format``)."""

    def __init__(self, translate: Translate, format_: str = "text") -> None:
        self.translate = translate
        self.format = format_

    def __call__(self, text: str, stream: TextIO | None = None, flush: bool = False) -> None:
        """One line ``feuillet: …`` (standard output unless ``stream``)."""
        print(f"feuillet: {say(text, self.translate)}", file=stream or sys.stdout, flush=flush)

    def problems(self, problems: Sequence[SourceError]) -> None:
        for problem in problems:
            if self.format == "github":
                print(github_annotation(problem, self.translate))
            elif self.format == "text":
                print(problem.render(self.translate), file=sys.stderr)

    def report(self, error: BuildFailed) -> int:
        if self.format == "json":
            print(problems_json(sorted(error.errors + error.warnings), self.translate, ok=False))
            return EXIT_CONTENT
        self.problems(sorted(error.errors + error.warnings))
        count = len(error.errors)
        problems = message("1 problem") if count == 1 else message("{count} problems", count=count)
        if error.warnings:
            self(message("{problems}, {warnings}; nothing was written", problems=problems,
                         warnings=_warnings(len(error.warnings))), sys.stderr)
        else:
            self(message("{problems}; nothing was written", problems=problems), sys.stderr)
        return EXIT_CONTENT


def _warnings(count: int) -> str:
    return message("1 warning") if count == 1 else message("{count} warnings", count=count)


def main(argv: Sequence[str] | None = None, default_root: Path | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 content or template errors, 2 usage or an
    output folder refused, 70 internal error, 130 interrupted by Ctrl-C or SIGTERM)."""
    arguments = _arguments(sys.argv[1:] if argv is None else argv)
    try:
        options = _parser().parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    given_root = any(argument == "--root" or argument.startswith("--root=") for argument in arguments)
    root = options.root if given_root or default_root is None else default_root
    project = Project(root.resolve())
    speak = Speaker(translator(editor_language(options.lang, os.environ, project.config)),
                    getattr(options, "format", "text"))
    try:
        with _sigterm_interrupts():
            return _run(options, project, speak)
    except BuildFailed as error:
        return speak.report(error)
    except UnsafeOutput as error:
        speak(error.args[0] if error.args else str(error), sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        speak(str(error), sys.stderr)
        return EXIT_CONTENT
    except Interrupted as error:
        speak(message(INTERRUPTED_WRITTEN if error.written else INTERRUPTED_BUILD), sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        building = options.command == "build"
        speak(message(INTERRUPTED_BUILD) if building else message(INTERRUPTED), sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # never show an editor a traceback; keep one for developers
        if os.environ.get("FEUILLET_DEBUG"):
            raise
        speak(message("internal error: {kind}: {error} (set FEUILLET_DEBUG=1 to see where)",
                      kind=type(error).__name__, error=str(error)), sys.stderr)
        return EXIT_INTERNAL


def run(default_root: Path | None = None) -> NoReturn:
    """The ``feuillet`` command (and ``build.py``): :func:`main`, then exit with its code.

    After Ctrl-C or SIGTERM the process ends at once, without waiting for the threads of a
    worker pool: everything is cleaned up by then, and a worker stopped while it was sending a
    result could otherwise keep the interpreter waiting at exit."""
    code = main(default_root=default_root)
    if code == EXIT_INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _interrupt(number: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, a stopping service) stops a command as Ctrl-C does, so it
    cleans up the same way. Only the main thread may set signal handlers."""
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield
        return
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(options: argparse.Namespace, project: Project, speak: Speaker) -> int:
    if getattr(options, "base_path", None) is not None:
        from feuillet.config import base_path_problem

        problem = base_path_problem(options.base_path)
        if problem:
            speak(problem, sys.stderr)
            return EXIT_USAGE
    if options.command == "check":
        from feuillet.pipeline import check, typography_report

        if options.against is not None and not options.against.is_dir():
            from feuillet.compare import NOT_A_FOLDER

            speak(message(NOT_A_FOLDER, path=options.against), sys.stderr)
            return EXIT_USAGE
        # with --against, --strict waits for the breaks, so that one run reports both
        checked = check(project, drafts=not options.no_drafts,
                        strict=options.strict and options.against is None)
        warnings = list(checked.warnings) + (typography_report(project) if options.typography else [])
        if options.against is not None:
            from feuillet.pipeline import against

            breaks = against(project, options.against, publication_instant(None, os.environ))
            if options.strict and checked.warnings:
                strict = len(checked.warnings)
                breaks, warnings = [*breaks, *as_errors(list(checked.warnings))], warnings[strict:]
            if breaks:
                raise BuildFailed(breaks, warnings)
        if speak.format == "json":
            print(problems_json(warnings, speak.translate, ok=True, articles=checked.articles,
                                pages=checked.pages))
            return EXIT_OK
        speak.problems(warnings)
        summary = _warnings(len(checked.warnings)) if checked.warnings else message("no problems")
        speak(message("{summary} in {articles} article(s) and {pages} page(s)", summary=summary,
                      articles=checked.articles, pages=checked.pages))
        return EXIT_OK
    if options.command == "diff":
        return _diff(options, speak)
    if options.command == "new":
        from feuillet.content import scaffold_article

        epoch = source_date(os.environ)  # a reproducible scaffold: that day, in UTC
        slug, text = scaffold_article(options.title, epoch.date() if epoch else date.today())
        target = project.root / "content" / "articles" / f"{slug}.yaml"
        if target.exists():
            speak(message("{path} already exists", path=target.relative_to(project.root)), sys.stderr)
            return EXIT_CONTENT
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        speak(message("created {path} (a draft: set draft: false to publish)",
                      path=target.relative_to(project.root)))
        return EXIT_OK
    if options.command == "schema":
        folder = project.root / "schemas"
        folder.mkdir(exist_ok=True)
        found = schemas()
        for name, schema in found.items():
            (folder / name).write_text(json.dumps(schema(), indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        speak(message("wrote {count} schemas into schemas/", count=len(found)))
        return EXIT_OK
    if options.command == "serve":
        return _serve(options, project, speak)
    if options.command == "list":
        return _list(project, publication_instant(options.now, os.environ), speak)
    output = options.output if options.output is not None else project.root / "_site"
    build_options = BuildOptions(options.base_path, options.drafts, options.jobs, not options.no_cache,
                                 detach=True, strict=options.strict, future=options.future,
                                 now=publication_instant(options.now, os.environ)
                                 or (clock() if options.verify else None),
                                 preview=options.preview if options.preview is not None
                                 else options.base_path is not None,
                                 preview_label=options.preview_label,
                                 force=options.force)
    progress = None if options.quiet else Progress(sys.stderr)
    check_output(project, output, options.force)
    recover(output.absolute())
    report = stamp.skip(project, output, build_options)

    def waiting() -> None:
        if progress:
            progress.done()
        speak(message(WAITING, folder=output), sys.stderr, flush=True)

    try:
        if report is None:
            from feuillet.pipeline import build

            report = build(project, output, build_options, progress, shortcut=False, waiting=waiting)
    finally:
        if progress:
            progress.done()
    if options.strict and report.warnings:  # a build with nothing to do still says it is not clean
        raise BuildFailed(as_errors(list(report.warnings)))
    speak.problems(report.warnings)
    for note in report.notes:
        speak(note, sys.stderr)
    if options.verbose:
        for stage, seconds in report.timings:
            speak(message("timing {stage} {seconds} s", stage=stage, seconds=decimal(seconds, 3)))
    if options.next_publication is not None:  # the record of a scheduled CI job, --quiet or not
        when = report.next_publication.isoformat() if report.next_publication else None
        options.next_publication.write_text(json.dumps({"next_publication": when}) + "\n", encoding="utf-8")
    if options.quiet:
        return EXIT_OK
    values = {"articles": report.articles, "pages": report.pages, "files": report.files,
              "output": output, "seconds": decimal(report.seconds)}
    if report.written != report.files:
        built = message("built {articles} article(s) and {pages} page(s), {files} files in {output} in "
                        "{seconds} s ({written} written)", written=report.written, **values)
    else:
        built = message("built {articles} article(s) and {pages} page(s), {files} files in {output} in "
                        "{seconds} s", **values)
    if report.warnings:
        speak(message("{built}, {warnings}", built=built, warnings=_warnings(len(report.warnings))))
    else:
        speak(built)
    if report.next_publication is not None:
        speak(message("next publication: {when}", when=report.next_publication.isoformat()))
    if options.verify:
        return _verify(project, output, options, build_options, speak)
    return EXIT_OK


VERIFIED = template("verified: a clean build in a fresh process (no cache, one process, another hash seed "
                    "and time zone) gives the same {count} files")
DIFFERS = template("not reproducible: {path} differs from a clean build in a fresh process")
ONLY_IN = template("not reproducible: {path} is only in {where}")


def _verify(project: Project, output: Path, options: argparse.Namespace, build_options: BuildOptions,
            speak: Speaker) -> int:
    """``build --verify``: the bytes of this build against a clean one in a fresh process."""
    import subprocess
    import tempfile

    assert build_options.now is not None
    with tempfile.TemporaryDirectory(prefix="feuillet-verify-") as folder:
        again = Path(folder) / "site"
        arguments = ["--root", str(project.root), "--lang", "en", "build", "--output", str(again),
                     "--no-cache", "--jobs", "1", "--quiet", "--now", build_options.now.isoformat()]
        if options.base_path is not None:
            arguments += ["--base-path", options.base_path]
        arguments += ["--preview" if build_options.preview else "--no-preview"]
        arguments += ["--drafts"] * options.drafts + ["--future"] * options.future
        if options.preview_label:
            arguments += ["--preview-label", options.preview_label]
        seed = "7919" if os.environ.get("PYTHONHASHSEED") != "7919" else "104729"
        environ = {**os.environ, "PYTHONHASHSEED": seed, "TZ": "Pacific/Chatham"}
        child = subprocess.run([sys.executable, "-c", "from feuillet.cli import run; run()", *arguments],
                               env=environ, capture_output=True, text=True, check=False)
        if child.returncode != 0:
            sys.stderr.write(child.stderr)
            return EXIT_CONTENT
        mine, theirs = _tree(output, _kept(project)), _tree(again, ())
        for path in sorted(set(mine) | set(theirs)):
            if path not in theirs or path not in mine:
                where = output if path in mine else message("the clean build")
                speak(message(ONLY_IN, path=path, where=where), sys.stderr)
                return EXIT_CONTENT
            if mine[path] != theirs[path]:
                speak(message(DIFFERS, path=path), sys.stderr)
                return EXIT_CONTENT
        speak(message(VERIFIED, count=len(mine)))
    return EXIT_OK


def _kept(project: Project) -> tuple[str, ...]:
    """The keep: paths of site.yaml (they are the deployment's, not the build's)."""
    from feuillet.config import load_settings
    from feuillet.errors import Problems

    _, keep = load_settings(project.config.read_text(encoding="utf-8"), "site.yaml", Problems())
    return (".git", *(kept.path for kept in keep))


def _tree(folder: Path, skipped: Sequence[str]) -> dict[str, bytes]:
    """Every file of a built site, by path, but those under ``skipped``."""
    found = {}
    for file in sorted(folder.rglob("*")):
        relative = file.relative_to(folder).as_posix()
        if file.is_file() and not any(relative == s or relative.startswith(s + "/") for s in skipped):
            found[relative] = file.read_bytes()
    return found


def _diff(options: argparse.Namespace, speak: Speaker) -> int:
    """``diff OLD NEW``: the pages a change adds, changes and removes, and what it breaks."""
    from feuillet import compare

    for folder in (options.old, options.new):
        if not folder.is_dir():
            speak(message(compare.NOT_A_FOLDER, path=folder), sys.stderr)
            return EXIT_USAGE
    changes = compare.compare(options.old, options.new)
    if options.format == "json":
        sys.stdout.write(compare.json_report(changes, speak.translate, options.preview_url))
    elif options.format == "markdown":
        sys.stdout.write(compare.markdown_report(changes, speak.translate, options.preview_url))
    else:
        for line in compare.text_report(changes, speak.translate):
            print(line)
    return EXIT_CONTENT if options.fail_on_break and changes.breaks else EXIT_OK


def _list(project: Project, now: datetime | None, speak: Speaker) -> int:
    """Drafts and scheduled articles, with their dates: what the site does not show yet."""
    from feuillet.pipeline import scheduling

    chosen = scheduling(project, now)
    for article in chosen.scheduled:
        speak(message("scheduled {when}: {path} ({title})", when=article.date.isoformat(),
                      path=article.source, title=article.title))
    for article in sorted(chosen.drafts, key=lambda a: a.source):
        speak(message("draft: {path} ({title})", path=article.source, title=article.title))
    speak(message("{scheduled} scheduled, {drafts} draft(s), {published} published",
                  scheduled=len(chosen.scheduled), drafts=len(chosen.drafts),
                  published=len(chosen.published)))
    return EXIT_OK


class Progress:
    """A counter for builds longer than about two seconds: one updated line on a terminal,
    a plain line per tenth in CI logs."""

    DELAY = 2.0

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.terminal = stream.isatty()
        self.shown = False
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < self.DELAY:
            return
        if self.terminal:
            self.stream.write(f"\rfeuillet: {stage} {done}/{total}\x1b[K")
            self.stream.flush()
            self.shown = True
            return
        tenth = done * 10 // total
        if (stage, tenth) != self.last and (tenth > self.last[1] or stage != self.last[0]):
            self.last = (stage, tenth)
            print(f"feuillet: {stage} {done}/{total}", file=self.stream, flush=True)

    def done(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _serve(options: argparse.Namespace, project: Project, speak: Speaker) -> int:
    """Build, serve, and rebuild on every change until Ctrl-C; errors show in the browser too."""
    from feuillet.config import normalise_base_path
    from feuillet.pipeline import DevSite
    from feuillet.serve import DevServer, watch_and_rebuild

    def log(line: str) -> None:
        speak(line, sys.stderr, flush=True)

    dev = DevSite(project, BuildOptions(options.base_path, options.drafts, future=options.future))
    try:
        snapshot = dev.rebuild()
        for line in snapshot.errors:
            print(line, file=sys.stderr)
        base_path = normalise_base_path(options.base_path) if options.base_path else dev.served_base_path
        server = DevServer(snapshot, base_path, options.host, options.port, log=log)
        host, port = server.address
        if options.host not in ("127.0.0.1", "localhost", "::1"):
            log(message("listening on {host}: other machines of the network can reach this server",
                        host=host))
        seconds = dev.last.seconds if dev.last else 0.0
        address = f"http://{'localhost' if host == '127.0.0.1' else host}:{port}{base_path}"
        speak(message("serving {address} (built in {seconds} s; Ctrl-C to stop)", address=address,
                      seconds=decimal(seconds)), flush=True)
        server.start()
        stop = threading.Event()
        try:
            watch_and_rebuild(server, dev.watched(), dev.rebuild, stop, log)
        except KeyboardInterrupt:
            stop.set()
        finally:
            server.stop()
        speak(message("stopped"), flush=True)
        return EXIT_OK
    except KeyboardInterrupt:
        speak(message("stopped"), flush=True)
        return EXIT_OK
    finally:
        dev.close()


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
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from typing import NoReturn, TextIO

from feuillet import __version__, stamp
from feuillet.errors import BuildFailed
from feuillet.project import BuildOptions, Project
from feuillet.write import Interrupted, UnsafeOutput, check_output, recover

# The stages (Markdown, Jinja2, Babel, Pillow behind them) are imported by the commands that
# use them, so that a build with nothing to do (``feuillet.stamp``) does not pay for them.

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 70, 130
COMMANDS = ("build", "check", "new", "schema", "serve")

# Messages of the command line, one format string each with named placeholders.
INTERRUPTED = "interrupted"
INTERRUPTED_BUILD = "interrupted; the previous site is unchanged"
INTERRUPTED_WRITTEN = "interrupted; the new site was already in place"
WAITING = "waiting for another build into {folder}…"


def schemas() -> dict[str, Callable[[], dict[str, object]]]:
    from feuillet.config import site_schema
    from feuillet.content import article_schema

    return {
        "article.schema.json": lambda: article_schema(),
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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_parser = commands.add_parser("build", help="build the site (the default command)")
    build_parser.add_argument("--output", "-o", type=Path, default=None,
                              help="output folder (default: _site in the project)")
    build_parser.add_argument("--base-path", default=None,
                              help="URL prefix of every internal link, such as /pr-12/ "
                                   "(default: the path of site.yaml's url)")
    build_parser.add_argument("--drafts", action="store_true", help="publish drafts too")
    build_parser.add_argument("--jobs", "-j", type=_jobs, default=0,
                              help="worker processes (default: one per core; 1: no workers)")
    build_parser.add_argument("--no-cache", action="store_true",
                              help="ignore .cache/ and rebuild everything from the sources")
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
    check_parser = commands.add_parser("check", help="validate content and templates, write nothing")
    check_parser.add_argument("--no-drafts", action="store_true", help="skip drafts")
    check_parser.add_argument("--typography", action="store_true",
                              help="also warn where French typography changed the source text")
    new_parser = commands.add_parser("new", help="scaffold an article from its title")
    new_parser.add_argument("title", help="the article's title, in quotes")
    commands.add_parser("schema", help="write the JSON Schemas into schemas/")
    return parser


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes of 1 or more, got {value!r}")
    return int(value)


def _arguments(argv: Sequence[str]) -> list[str]:
    """``feuillet --output x`` means ``feuillet build --output x``: build is the default."""
    arguments = list(argv)
    index = 0
    while index < len(arguments) and arguments[index] == "--root":
        index += 2
    head = arguments[index] if index < len(arguments) else None
    if head not in COMMANDS and head not in ("-h", "--help", "--version"):
        arguments.insert(index, "build")
    return arguments


def _report(error: BuildFailed) -> int:
    for problem in error.errors:
        print(problem, file=sys.stderr)
    count = len(error.errors)
    print(f"feuillet: {count} problem{'s' if count != 1 else ''}; nothing was written",
          file=sys.stderr)
    return EXIT_CONTENT


def main(argv: Sequence[str] | None = None, default_root: Path | None = None) -> int:
    """Run one command; returns the exit code (0 ok, 1 content or template errors, 2 usage or an
    output folder refused, 70 internal error, 130 interrupted by Ctrl-C or SIGTERM)."""
    arguments = _arguments(sys.argv[1:] if argv is None else argv)
    try:
        options = _parser().parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    root = options.root if "--root" in arguments or default_root is None else default_root
    project = Project(root.resolve())
    try:
        with _sigterm_interrupts():
            return _run(options, project)
    except BuildFailed as error:
        return _report(error)
    except UnsafeOutput as error:
        print(f"feuillet: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"feuillet: {error}", file=sys.stderr)
        return EXIT_CONTENT
    except Interrupted as error:
        print(f"feuillet: {INTERRUPTED_WRITTEN if error.written else INTERRUPTED_BUILD}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        message = INTERRUPTED_BUILD if options.command == "build" else INTERRUPTED
        print(f"feuillet: {message}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # never show an editor a traceback; keep one for developers
        if os.environ.get("FEUILLET_DEBUG"):
            raise
        print(f"feuillet: internal error: {type(error).__name__}: {error} "
              "(set FEUILLET_DEBUG=1 to see where)", file=sys.stderr)
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


def _run(options: argparse.Namespace, project: Project) -> int:
    if options.command == "check":
        from feuillet.pipeline import check, typography_report

        checked = check(project, drafts=not options.no_drafts)
        if options.typography:
            for warning in typography_report(project):
                print(warning, file=sys.stderr)
        print(f"feuillet: no problems in {checked.articles} article(s) and {checked.pages} page(s)")
        return EXIT_OK
    if options.command == "new":
        from feuillet.content import scaffold_article

        slug, text = scaffold_article(options.title, date.today())
        target = project.root / "content" / "articles" / f"{slug}.yaml"
        if target.exists():
            print(f"feuillet: {target.relative_to(project.root)} already exists", file=sys.stderr)
            return EXIT_CONTENT
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"feuillet: created {target.relative_to(project.root)} (a draft: set draft: false to publish)")
        return EXIT_OK
    if options.command == "schema":
        folder = project.root / "schemas"
        folder.mkdir(exist_ok=True)
        found = schemas()
        for name, schema in found.items():
            (folder / name).write_text(json.dumps(schema(), indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
        print(f"feuillet: wrote {len(found)} schemas into schemas/")
        return EXIT_OK
    if options.command == "serve":
        return _serve(options, project)
    output = options.output if options.output is not None else project.root / "_site"
    build_options = BuildOptions(options.base_path, options.drafts, options.jobs, not options.no_cache,
                                 detach=True, force=options.force)
    progress = None if options.quiet else Progress(sys.stderr)
    check_output(project, output, options.force)
    recover(output.absolute())
    report = stamp.skip(project, output, build_options)

    def waiting() -> None:
        if progress:
            progress.done()
        _log(WAITING.format(folder=output))

    try:
        if report is None:
            from feuillet.pipeline import build

            report = build(project, output, build_options, progress, shortcut=False, waiting=waiting)
    finally:
        if progress:
            progress.done()
    for note in report.notes:
        print(f"feuillet: {note}", file=sys.stderr)
    if options.verbose:
        for stage, seconds in report.timings:
            print(f"feuillet: timing {stage} {seconds:.3f} s")
    if options.quiet:
        return EXIT_OK
    print(
        f"feuillet: built {report.articles} article(s) and {report.pages} page(s), "
        f"{report.files} files in {output} in {report.seconds:.2f} s"
        + (f" ({report.written} written)" if report.written != report.files else "")
    )
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


def _log(line: str) -> None:
    print(f"feuillet: {line}", file=sys.stderr, flush=True)


def _serve(options: argparse.Namespace, project: Project) -> int:
    """Build, serve, and rebuild on every change until Ctrl-C; errors show in the browser too."""
    from feuillet.config import normalise_base_path
    from feuillet.pipeline import DevSite
    from feuillet.serve import DevServer, watch_and_rebuild

    dev = DevSite(project, BuildOptions(options.base_path, options.drafts))
    try:
        snapshot = dev.rebuild()
        for line in snapshot.errors:
            print(line, file=sys.stderr)
        base_path = normalise_base_path(options.base_path) if options.base_path else dev.served_base_path
        server = DevServer(snapshot, base_path, options.host, options.port, log=_log)
        host, port = server.address
        if options.host not in ("127.0.0.1", "localhost", "::1"):
            _log(f"listening on {host}: other machines of the network can reach this server")
        seconds = dev.last.seconds if dev.last else 0.0
        print(f"feuillet: serving http://{'localhost' if host == '127.0.0.1' else host}:{port}{base_path} "
              f"(built in {seconds:.2f} s; Ctrl-C to stop)", flush=True)
        server.start()
        stop = threading.Event()
        try:
            watch_and_rebuild(server, dev.watched(), dev.rebuild, stop, _log)
        except KeyboardInterrupt:
            stop.set()
        finally:
            server.stop()
        print("feuillet: stopped", flush=True)
        return EXIT_OK
    except KeyboardInterrupt:
        print("feuillet: stopped", flush=True)
        return EXIT_OK
    finally:
        dev.close()


"""What the GitHub workflows of ``.github/workflows/`` run, so that it is tested here.

``python scripts/ci.py COMMAND …`` (standard library and feuillet only, no network):

``preview``         build a pull request's base and head under ``/pr-N/``, check the head
                    (``check --strict --format github --against BASE``), compare the two
                    (``diff``) and write the pull-request comment; exit 1 when the check failed.
``deploy-preview``  copy a preview build into ``pr-N/`` of a checkout of the previews branch.
``remove-preview``  delete ``pr-N/`` from that checkout (the pull request was closed).
``assemble``        copy the previews branch's ``pr-*/`` folders into the production build, so
                    one GitHub Pages deployment serves both.
``due``             whether a scheduled rebuild is due, from the last build's
                    ``--next-publication`` JSON (prints ``due=true`` or ``due=false``).

Preview URLs: ``--preview-site URL`` is where the Pages site is served (for a repository
``owner/repo`` without a custom domain, ``https://owner.github.io/repo/``); pull request N is
served at ``URL + "pr-N/"`` and built with that URL's path + ``pr-N/`` as its base path.

The command's own lines are for the CI log (English); what reviewers read (annotations, the
comment) comes from feuillet, in the site's language.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

MARKER = "<!-- feuillet-diff -->"
PREVIEW_FOLDER = re.compile(r"pr-[1-9][0-9]*")
# what a build leaves in a tree that is not part of the site's sources
NOT_SOURCES = (".cache", "_site")


@dataclass(frozen=True)
class Result:
    """One feuillet command's exit code and output."""

    code: int
    stdout: str
    stderr: str


def log(line: str) -> None:
    print(f"ci: {line}", file=sys.stderr, flush=True)


def preview_folder(number: int) -> str:
    if number < 1:
        raise ValueError(f"a pull request number is positive, got {number}")
    return f"pr-{number}"


def preview_address(site: str, number: int) -> tuple[str, str]:
    """The preview's URL and base path for pull request ``number`` of the Pages site at ``site``."""
    site = site if site.endswith("/") else site + "/"
    url = f"{site}{preview_folder(number)}/"
    return url, urlsplit(url).path


def feuillet(tree: Path, *arguments: str) -> list[str]:
    """The command line of feuillet for project ``tree``: the tree's own ``build.py`` when it has
    one (a repository of feuillet itself builds with its own code), else this feuillet."""
    own = tree / "build.py"
    entry = [str(own)] if own.is_file() else ["-c", "from feuillet.cli import run; run()"]
    return [sys.executable, *entry, "--root", str(tree), *arguments]


def run_feuillet(tree: Path, *arguments: str, environment: dict[str, str]) -> Result:
    command = feuillet(tree, *arguments)
    log("$ feuillet " + " ".join(arguments))
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    return Result(done.returncode, done.stdout, done.stderr)


def export_tree(repository: Path, ref: str, into: Path) -> None:
    """The files of commit ``ref`` of ``repository``, written into ``into`` (``git archive``)."""
    archive = subprocess.run(["git", "-C", str(repository), "archive", "--format=tar", ref],
                             capture_output=True, check=True).stdout
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def epoch(now: str | None) -> str:
    """``SOURCE_DATE_EPOCH`` for both builds: ``--now`` (ISO, UTC without an offset), else the
    environment's ``SOURCE_DATE_EPOCH``, else the clock, read once so base and head agree."""
    if now:
        instant = datetime.fromisoformat(now)
        instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
        return str(int(instant.timestamp()))
    return os.environ.get("SOURCE_DATE_EPOCH", "").strip() or str(int(datetime.now(UTC).timestamp()))


def failed_comment(what: str, result: Result) -> str:
    output = (result.stdout + result.stderr).strip()
    return f"{MARKER}\n**feuillet: {what} failed (exit {result.code}).**\n\n```\n{output}\n```\n"


def preview(arguments: argparse.Namespace) -> int:
    root: Path = arguments.root.resolve()
    out: Path = arguments.out.resolve()
    url, base_path = preview_address(arguments.preview_site, arguments.number)
    label = arguments.label or f"PR {arguments.number}"
    environment = {**os.environ, "SOURCE_DATE_EPOCH": epoch(arguments.now)}
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    site, base_site = out / "site", out / "base"
    build = ("build", "--base-path", base_path, "--preview-label", label, "--quiet",
             *(("--jobs", str(arguments.jobs)) if arguments.jobs else ()))
    with tempfile.TemporaryDirectory(prefix="feuillet-ci-") as scratch:
        head = root
        if arguments.head_ref:
            head = Path(scratch) / "head"
            export_tree(root, arguments.head_ref, head)
        base = Path(scratch) / "base"
        export_tree(root, arguments.base_ref, base)
        if (root / ".cache").is_dir():  # the restored cache serves both builds (keys are digests)
            shutil.copytree(root / ".cache", base / ".cache", dirs_exist_ok=True)
        base_build = run_feuillet(base, *build, "--output", str(base_site), environment=environment)
        if base_build.code != 0:  # a broken base: every page of the head counts as new
            log(f"the base {arguments.base_ref} did not build (exit {base_build.code}):\n"
                + base_build.stdout + base_build.stderr)
            shutil.rmtree(base_site, ignore_errors=True)
            base_site.mkdir()
        head_build = run_feuillet(head, *build, "--output", str(site), environment=environment)
        check = run_feuillet(head, "check", "--strict", "--format", "github", "--against", str(base_site),
                             environment=environment)
    annotations = "".join(line for line in check.stdout.splitlines(keepends=True) if line.startswith("::"))
    (out / "annotations.txt").write_text(annotations, encoding="utf-8")
    sys.stdout.write(check.stdout)  # GitHub reads the annotations from the step's output
    sys.stdout.flush()
    if head_build.code != 0:
        (out / "comment.md").write_text(failed_comment("build", head_build), encoding="utf-8")
        shutil.rmtree(site, ignore_errors=True)
        log(f"the head did not build (exit {head_build.code}):\n{head_build.stderr}")
        return 1
    for form, name in (("markdown", "comment.md"), ("json", "diff.json")):
        diff = run_feuillet(head, "diff", str(base_site), str(site), "--format", form, "--preview-url", url,
                            environment=environment)
        if diff.code != 0:
            (out / "comment.md").write_text(failed_comment("diff", diff), encoding="utf-8")
            log(f"diff failed (exit {diff.code}): {diff.stderr}")
            return 1
        (out / name).write_text(diff.stdout, encoding="utf-8")
    (out / "preview.json").write_text(json.dumps(
        {"number": arguments.number, "url": url, "base_path": base_path, "check": check.code},
        indent=2) + "\n", encoding="utf-8")
    if check.code != 0:
        log(f"check failed (exit {check.code}); the preview and the comment are written all the same\n"
            + check.stderr)
        return 1
    log(f"preview of #{arguments.number} written to {site} (to be served at {url})")
    return 0


def _clear(folder: Path) -> None:
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.exists():
        shutil.rmtree(folder)


def deploy_preview(arguments: argparse.Namespace) -> int:
    site: Path = arguments.site
    if not (site / "index.html").is_file():
        log(f"{site} is not a built site (no index.html)")
        return 2
    target = arguments.checkout / preview_folder(arguments.number)
    _clear(target)
    shutil.copytree(site, target, symlinks=False)
    log(f"{site} copied to {target}")
    return 0


def remove_preview(arguments: argparse.Namespace) -> int:
    target = arguments.checkout / preview_folder(arguments.number)
    if target.exists() or target.is_symlink():
        _clear(target)
        log(f"{target} removed")
    else:
        log(f"{target} does not exist; nothing to remove")
    return 0


def assemble(arguments: argparse.Namespace) -> int:
    """Copy each ``pr-N/`` of the previews checkout into the production build ``--site``."""
    site: Path = arguments.site
    previews: Path = arguments.previews
    if not previews.is_dir():
        log(f"{previews} does not exist: no previews to serve")
        return 0
    for folder in sorted(previews.iterdir()):
        if not folder.is_dir() or folder.is_symlink() or not PREVIEW_FOLDER.fullmatch(folder.name):
            continue
        if (site / folder.name).exists():
            log(f"{site / folder.name} is a page of the site: the preview {folder.name} is not served")
            continue
        shutil.copytree(folder, site / folder.name, symlinks=False)
        log(f"{folder.name}/ served with the site")
    return 0


def is_due(document: str | None, now: datetime) -> bool:
    """Whether a rebuild is due at ``now`` after a build that wrote ``document``
    (``--next-publication``); a missing or unreadable document means yes, ``null`` no."""
    if document is None:
        return True
    try:
        value = json.loads(document)["next_publication"]
        if value is None:
            return False
        instant = datetime.fromisoformat(value)
    except (ValueError, KeyError, TypeError):
        return True
    if instant.tzinfo is None:
        return True  # feuillet writes an offset; without one, rebuild rather than guess
    return instant <= now


def due(arguments: argparse.Namespace) -> int:
    path: Path = arguments.file
    document = path.read_text(encoding="utf-8") if path.is_file() else None
    now = datetime.fromtimestamp(int(epoch(arguments.now)), UTC)
    answer = is_due(document, now)
    print(f"due={'true' if answer else 'false'}")
    log(f"next publication {document.strip() if document else '(no record)'}; now {now.isoformat()}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ci.py", description=__doc__.split("\n\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    build = commands.add_parser("preview", help="build base and head, check, diff, write the comment")
    build.add_argument("--root", type=Path, default=Path("."), help="the repository (default: .)")
    build.add_argument("--base-ref", required=True, help="the pull request's base, such as origin/main")
    build.add_argument("--head-ref", default=None,
                       help="the head commit (default: the repository's working tree as it is)")
    build.add_argument("--number", type=int, required=True, help="the pull request's number")
    build.add_argument("--out", type=Path, required=True,
                       help="folder for site/, base/, comment.md, diff.json, annotations.txt")
    build.add_argument("--preview-site", default="/",
                       help="URL of the site that serves the previews (default: /)")
    build.add_argument("--label", default=None, help="the banner's label (default: 'PR N')")
    build.add_argument("--now", default=None, help="the instant of both builds (default: SOURCE_DATE_EPOCH, "
                                                   "else the clock)")
    build.add_argument("--jobs", type=int, default=0, help="feuillet's --jobs (default: its own)")
    for name, what in (("deploy-preview", "copy a preview into pr-N/ of the previews checkout"),
                       ("remove-preview", "remove pr-N/ from the previews checkout")):
        command = commands.add_parser(name, help=what)
        command.add_argument("--checkout", type=Path, required=True, help="a checkout of the previews branch")
        command.add_argument("--number", type=int, required=True, help="the pull request's number")
        if name == "deploy-preview":
            command.add_argument("--site", type=Path, required=True, help="the preview build")
    together = commands.add_parser("assemble", help="add the previews to the production build")
    together.add_argument("--site", type=Path, required=True, help="the production build")
    together.add_argument("--previews", type=Path, required=True, help="a checkout of the previews branch")
    when = commands.add_parser("due", help="print due=true when a scheduled rebuild is due")
    when.add_argument("--file", type=Path, required=True, help="the last build's --next-publication JSON")
    when.add_argument("--now", default=None, help="as for preview")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    commands = {"preview": preview, "deploy-preview": deploy_preview, "remove-preview": remove_preview,
                "assemble": assemble, "due": due}
    try:
        return commands[arguments.command](arguments)
    except (ValueError, OSError, subprocess.CalledProcessError) as error:
        log(f"{arguments.command}: {error}")
        return 2


if __name__ == "__main__":
    sys.exit(main())

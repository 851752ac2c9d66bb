"""The GitHub workflows: actionlint (with its shellcheck integration) finds nothing, every action is
pinned to a commit, and every job asks for the permissions it needs and no more."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
VERSION_COMMENT = re.compile(r"uses: +([\w.-]+/[\w./-]+@[0-9a-f]{40}) +# v\d+\.\d+\.\d+$")


def tool(name: str) -> str:
    """The ``name`` command of the test environment (installed by the ``test`` extra)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        reason = f"{name} is not installed: pip install -e '.[test]'"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("actionlint"), "-shellcheck", tool("shellcheck"), "-pyflakes", "",
                           "-no-color", "-oneline", *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT, check=False)


def workflow(path: Path) -> dict[Any, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_there_are_the_production_and_preview_workflows() -> None:
    assert [path.name for path in WORKFLOWS] == ["pages.yml", "preview.yml"]


def test_actionlint_and_shellcheck_find_nothing() -> None:
    done = actionlint(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                      "      - run: echo ${{ github.event.nope.title }} $UNQUOTED\n"
                      "      - run: cd $HOME/x\n", encoding="utf-8")
    done = actionlint(broken)
    assert done.returncode == 1
    assert "shellcheck reported issue" in done.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    uses = [line.removeprefix("- ") for line in lines if line.removeprefix("- ").startswith("uses:")]
    assert uses
    for line in uses:
        assert VERSION_COMMENT.fullmatch(line), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_permission_by_default_and_each_job_names_its_own(path: Path) -> None:
    document = workflow(path)
    assert document["permissions"] == {}
    for name, job in document["jobs"].items():
        assert "permissions" in job, name
        assert all(value in ("read", "write") for value in job["permissions"].values()), name


WRITES = {
    "pages.yml": {"build": set(), "deploy": {"pages", "id-token"}},
    "preview.yml": {"build": set(), "deploy": {"contents", "actions"}, "comment": {"pull-requests"},
                    "remove": {"contents", "actions"}},
}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_write_permissions_only_where_needed(path: Path) -> None:
    jobs = workflow(path)["jobs"]
    writes = {name: {scope for scope, value in job["permissions"].items() if value == "write"}
              for name, job in jobs.items()}
    assert writes == WRITES[path.name]


def test_previews_never_run_pull_request_code_with_write_access() -> None:
    document = workflow(ROOT / ".github" / "workflows" / "preview.yml")
    triggers = document[True]  # YAML 1.1 reads the key "on" as true
    assert set(triggers) == {"pull_request"}
    for name in ("deploy", "remove"):
        checkouts = [step for step in document["jobs"][name]["steps"]
                     if step.get("uses", "").startswith("actions/checkout@")]
        assert [step["with"]["ref"] for step in checkouts] == ["${{ github.event.pull_request.base.sha }}"]


def test_production_restores_and_saves_the_cache_and_runs_on_a_schedule() -> None:
    document = workflow(ROOT / ".github" / "workflows" / "pages.yml")
    assert set(document[True]) == {"push", "schedule", "workflow_dispatch"}
    steps = document["jobs"]["build"]["steps"]
    used = [step.get("uses", "").split("@")[0] for step in steps]
    assert used.count("actions/cache/restore") == 1 and used.count("actions/cache/save") == 1
    assert "actions/upload-pages-artifact" in used
    assert [step["uses"].split("@")[0] for step in document["jobs"]["deploy"]["steps"]] == ["actions/deploy-pages"]

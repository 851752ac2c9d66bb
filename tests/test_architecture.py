"""Each library is used by one module only, and stages talk through the model, not each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "feuillet"

# library → the only module allowed to import it
OWNERS = {"yaml": {"sources"}, "markdown": {"markup"}, "pymdownx": {"markup"}, "jinja2": {"render"},
          "babel": {"i18n", "messages"}, "feedgen": {"publish"}, "PIL": {"social", "images"},
          "pagefind": {"search"}, "pagefind_bin": {"search"}}
# modules that must not import other stages (only the model, errors and pure helpers)
PURE = {"typography": set(), "slugs": set(), "model": set(), "errors": set(), "related": set(),
        "cache": set(), "sanitise": set(), "files": set(), "limits": set()}
# stages that must not depend on each other: both stand on the Jinja-free views
APART = [("render", "publish"), ("publish", "render"), ("views", "render"), ("views", "publish"),
         ("views", "outputs"), ("plan", "render"), ("plan", "pipeline"), ("outputs", "pipeline")]


# The three stages of the pipeline; a stage module imports no module of another stage (they
# meet in the model), only the helpers; the orchestrators put them together.
STAGES = {
    "load": {"sources", "fields", "body", "content", "config", "authors"},
    "render": {"markup", "views", "render", "publish", "social", "images", "outputs", "plan", "links",
               "urls", "search"},
    "write": {"write"},
}
HELPERS = {"errors", "model", "slugs", "typography", "sanitise", "i18n", "cache", "related", "project",
           "files", "limits", "proofread", "messages", "compare", "taxonomy", "__init__"}
ORCHESTRATORS = {"pipeline", "cli", "serve", "stamp"}


def imports(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            if node.module == "feuillet":  # from feuillet import publish
                names.update(f"feuillet.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.stem)
def test_libraries_stay_behind_their_module(module: Path) -> None:
    for name in imports(module):
        root = name.split(".")[0]
        if root in OWNERS:
            assert module.stem in OWNERS[root], f"{module.stem} imports {name}; only {OWNERS[root]} may"


@pytest.mark.parametrize("stem", sorted(PURE))
def test_pure_modules_import_no_stage(stem: str) -> None:
    for name in imports(PACKAGE / f"{stem}.py"):
        if name.startswith("feuillet"):
            assert name in {"feuillet.errors", "feuillet.model"}, f"{stem} imports {name}"


@pytest.mark.parametrize(("stem", "other"), APART, ids=lambda v: v)
def test_stages_stay_apart(stem: str, other: str) -> None:
    assert f"feuillet.{other}" not in imports(PACKAGE / f"{stem}.py"), f"{stem} imports {other}"


def test_render_and_publish_both_stand_on_the_views() -> None:
    assert "feuillet.views" in imports(PACKAGE / "render.py")
    assert "feuillet.views" in imports(PACKAGE / "publish.py")


def test_only_the_cli_prints() -> None:
    for module in PACKAGE.glob("*.py"):
        if module.stem == "cli":
            continue
        calls = [node for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"print", "exit"}]
        assert not calls, f"{module.stem} prints or exits"


def test_every_module_has_a_place() -> None:
    placed = set().union(*STAGES.values()) | HELPERS | ORCHESTRATORS
    assert {module.stem for module in PACKAGE.glob("*.py")} == placed


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_stage_modules_do_not_import_other_stages(stage: str) -> None:
    others = set().union(*(modules for name, modules in STAGES.items() if name != stage))
    for stem in sorted(STAGES[stage]):
        for name in imports(PACKAGE / f"{stem}.py"):
            if name.startswith("feuillet."):
                imported = name.split(".")[1]
                assert imported not in others, f"{stem} ({stage}) imports {imported}"
                assert imported not in ORCHESTRATORS, f"{stem} ({stage}) imports {imported}"


def test_from_package_imports_are_seen(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from feuillet import render, views\nimport feuillet.publish\n", encoding="utf-8")
    assert {"feuillet.render", "feuillet.views", "feuillet.publish"} <= imports(module)

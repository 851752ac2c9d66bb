"""Measure build speed and memory on a generated site: ``python scripts/benchmark.py [N]``.

Speed targets are measured here, never by timed tests. It writes N copies of the seed article
(with distinct slugs) into a temporary project, then times each stage of the pipeline.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from feuillet.pipeline import Project, load_site, render  # noqa: E402
from feuillet.write import write_site  # noqa: E402


def make_project(root: Path, count: int) -> None:
    for folder in ("templates", "locales", "static", "content/pages"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    seed = (REPO / "content/articles/poutine-en-coree-du-nord.yaml").read_text(encoding="utf-8")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    for number in range(count):
        day = 1 + number % 28
        text = seed.replace("date: 2024-06-19 10:00", f"date: 2024-06-{day:02d} 10:{number % 60:02d}")
        (articles / f"article-{number:05d}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int, nargs="?", default=1000, help="number of articles")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        make_project(root, options.count)
        project = Project(root)
        started = time.perf_counter()
        site = load_site(project)
        loaded = time.perf_counter()
        outputs = render(site, project.cache)  # cold: every social image is drawn
        rendered = time.perf_counter()
        write_site(outputs, Path(folder) / "out")
        written = time.perf_counter()
        render(site, project.cache)  # warm: social images come from the cache
        warm = time.perf_counter() - written
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = written - started
    print(f"articles: {options.count}, files written: {len(outputs)}")
    print(f"load   {loaded - started:7.2f} s")
    print(f"render {rendered - loaded:7.2f} s  (warm image cache: {warm:.2f} s)")
    print(f"write  {written - rendered:7.2f} s")
    print(f"total  {total:7.2f} s  ({1000 * total / options.count:.1f} ms per article)")
    print(f"peak memory (max RSS): {peak:.0f} MiB")


if __name__ == "__main__":
    main()

"""The home page lists a page of articles, with numbered pages that stay short whatever the count."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from feuillet.outputs import Pagination
from feuillet.pipeline import BuildOptions, Project, build
from tests.conftest import SITE_YAML, make_site, soup
from tests.test_incremental import article


def paginated(tmp_path: Path, count: int, page_size: int = 2) -> Path:
    root = make_site(tmp_path / "site", {
        "site.yaml": SITE_YAML + f"page_size: {page_size}\nsocial_cards: false\n",
        **{f"content/articles/a{n:02d}.yaml": article(f"Titre {n:02d}", n % 28 + 1) for n in range(count)},
    })
    build(Project(root), tmp_path / "out", BuildOptions(jobs=1))
    return tmp_path / "out"


def listed(page: BeautifulSoup) -> list[str]:
    return [h.get_text(strip=True) for h in page.select("main article h2, main article h3")]


def numbers(page: BeautifulSoup) -> list[str]:
    return [li.get_text(" ", strip=True) for li in page.select("nav.pagination li")]


def test_each_page_lists_page_size_articles_newest_first(tmp_path: Path) -> None:
    out = paginated(tmp_path, 5)
    assert listed(soup(out / "index.html")) == ["Titre 04", "Titre 03"]
    assert listed(soup(out / "page/2/index.html")) == ["Titre 02", "Titre 01"]
    assert listed(soup(out / "page/3/index.html")) == ["Titre 00"]
    assert not (out / "page/1").exists() and not (out / "page/4").exists()


def test_pages_link_to_their_neighbours_with_rel(tmp_path: Path) -> None:
    out = paginated(tmp_path, 5)
    first, middle, last = (soup(out / p) for p in ("index.html", "page/2/index.html", "page/3/index.html"))
    assert [a["href"] for a in middle.select("nav.pagination a[rel=prev]")] == ["/"]
    assert [a["href"] for a in middle.select("nav.pagination a[rel=next]")] == ["/page/3/"]
    assert [link["href"] for link in middle.select("head link[rel=prev]")] == ["/"]
    assert [link["href"] for link in middle.select("head link[rel=next]")] == ["/page/3/"]
    assert not first.select("[rel=prev]") and not last.select("[rel=next]")


def test_the_current_page_is_marked_for_screen_readers(tmp_path: Path) -> None:
    page = soup(paginated(tmp_path, 5) / "page/2/index.html")
    current = page.select("nav.pagination a[aria-current=page]")
    assert [a.get_text(" ", strip=True) for a in current] == ["Page 2"]
    assert page.select_one("nav.pagination")["aria-label"] == "Pages d’articles"
    assert page.title is not None and page.title.get_text().startswith("Page 2 – ")


def test_one_page_of_articles_has_no_pagination(tmp_path: Path) -> None:
    assert soup(paginated(tmp_path, 2) / "index.html").select("nav.pagination") == []


def test_many_pages_show_a_window_of_numbers_with_gaps(tmp_path: Path) -> None:
    out = paginated(tmp_path, 40, page_size=2)  # 20 pages
    shown = numbers(soup(out / "page/10/index.html"))
    assert shown == ["Articles plus récents", "Page 1", "…", "Page 8", "Page 9", "Page 10", "Page 11",
                     "Page 12", "…", "Page 20", "Articles plus anciens"]
    assert soup(out / "page/10/index.html").select_one("li.pagination-gap")["aria-hidden"] == "true"


@pytest.mark.parametrize(("number", "count", "expected"), [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 9, [1, 2, 3, None, 9]),
    (4, 9, [1, 2, 3, 4, 5, 6, None, 9]),
    (5, 9, [1, None, 3, 4, 5, 6, 7, None, 9]),
    (9, 9, [1, None, 7, 8, 9]),
])
def test_the_window_of_numbers(number: int, count: int, expected: list[int | None]) -> None:
    pagination = Pagination(number, count, tuple(f"p{n}/" for n in range(1, count + 1)))
    links = pagination.links()
    assert [link[0] if link else None for link in links] == expected
    assert all(link[1] == f"p{link[0]}/" for link in links if link)


def test_the_list_of_numbers_does_not_grow_with_the_archive() -> None:
    sizes = {len(Pagination(n // 2, n, tuple(str(i) for i in range(n))).links()) for n in (50, 500, 5000)}
    assert sizes == {9}

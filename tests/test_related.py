"""The « Lire aussi » ranking: one test per rule, brute-force references, and a large archive."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feuillet.related import Candidate, related

DAY = 86_400.0


def art(slug: str, day: float = 0.0, kicker: str | None = None, *tags: str) -> Candidate:
    return Candidate(slug=slug, timestamp=day * DAY, kicker=kicker, tags=tags)


# --- Plain references, written without any cleverness. ---


def norm(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return text.strip().casefold()


def tag_set(article: Candidate) -> set[str]:
    return {tag.strip().casefold() for tag in article.tags if tag.strip()}


def date_key(a: Candidate, b: Candidate) -> tuple[float, float, str]:
    return (abs(b.timestamp - a.timestamp), -b.timestamp, b.slug)


def rank_key(a: Candidate, b: Candidate) -> tuple[int, bool, float, float, str]:
    same_kicker = norm(a.kicker) is not None and norm(a.kicker) == norm(b.kicker)
    return (-len(tag_set(a) & tag_set(b)), not same_kicker, *date_key(a, b))


def brute_force(articles: list[Candidate], count: int) -> dict[str, tuple[str, ...]]:
    """Rank every other article of the archive."""
    result = {}
    for a in articles:
        others = sorted((b for b in articles if b.slug != a.slug), key=lambda b: rank_key(a, b))
        result[a.slug] = tuple(b.slug for b in others[:count])
    return result


def brute_force_windowed(articles: list[Candidate], count: int, window: int) -> dict[str, tuple[str, ...]]:
    """The documented bounding, literally: union of the nearest-in-date of each list, then rank."""
    result = {}
    for a in articles:
        others = sorted((b for b in articles if b.slug != a.slug), key=lambda b: date_key(a, b))
        candidates = set(others[: max(window, count)])
        for tag in tag_set(a):
            candidates.update([b for b in others if tag in tag_set(b)][:window])
        if norm(a.kicker) is not None:
            candidates.update([b for b in others if norm(b.kicker) == norm(a.kicker)][:window])
        ranked = sorted(candidates, key=lambda b: rank_key(a, b))
        result[a.slug] = tuple(b.slug for b in ranked[:count])
    return result


# --- One test per rule. ---


def test_shared_tags_beat_kicker() -> None:
    articles = [
        art("a", 0, "Europe", "ukraine", "energie"),
        art("deux-tags", 300, "Monde", "ukraine", "energie"),
        art("meme-rubrique", 1, "Europe", "ukraine"),
    ]
    assert related(articles)["a"] == ("deux-tags", "meme-rubrique")


def test_kicker_beats_date() -> None:
    articles = [
        art("a", 0, "Europe", "ukraine"),
        art("proche", 1, "Monde", "ukraine"),
        art("meme-rubrique", 200, "europe", "ukraine"),  # kickers compare case-insensitively
    ]
    assert related(articles)["a"] == ("meme-rubrique", "proche")


def test_two_missing_kickers_are_not_the_same_kicker() -> None:
    articles = [art("a", 0), art("sans-rubrique", 10), art("monde", -5, "Monde"), art("vide", -7, "  ")]
    assert related(articles)["a"] == ("monde", "vide", "sans-rubrique")


def test_nearest_date() -> None:
    articles = [art("a", 10, "X", "t"), art("plus-3", 13, "X", "t"), art("moins-2", 8, "X", "t"),
                art("plus-1", 11, "X", "t"), art("moins-9", 1, "X", "t")]
    assert related(articles)["a"] == ("plus-1", "moins-2", "plus-3")


def test_tie_breaks_newer_then_slug() -> None:
    articles = [art("a", 10), art("avant", 8), art("apres", 12), art("zz", 10), art("bb", 10), art("mm", 10)]
    # Same timestamp (distance 0) first, by slug; then equal distance 2: newer first.
    assert related(articles, count=5)["a"] == ("bb", "mm", "zz", "apres", "avant")


def test_tags_are_case_insensitive_stripped_and_counted_once() -> None:
    articles = [
        art("a", 0, None, "Ukraine", "ukraine ", "Énergie"),
        art("deux", 50, None, "énergie", " UKRAINE"),
        art("doublons", 2, None, "Ukraine", "ukraine", "UKRAINE"),  # one tag, however repeated
        art("un", 1, None, "ukraine"),
        art("aucun", 0.5, None, "gaz"),
    ]
    assert related(articles, count=4)["a"] == ("deux", "un", "doublons", "aucun")


def test_never_itself() -> None:
    articles = [art(f"a{i}", 0, "X", "t") for i in range(5)]
    for slug, picks in related(articles, count=10).items():
        assert slug not in picks
        assert len(picks) == 4


def test_fewer_than_count_returns_all_others() -> None:
    articles = [art("a", 0), art("b", 5, "X", "t"), art("c", 100)]
    result = related(articles, count=5)
    assert result == {"a": ("b", "c"), "b": ("a", "c"), "c": ("b", "a")}
    assert related([art("seul", 0, "X", "t")]) == {"seul": ()}


def test_empty_input() -> None:
    assert related([]) == {}


def test_no_tags_no_kicker_still_gets_nearest_neighbours() -> None:
    articles = [art(f"a{i}", i, "X", "t") for i in range(100)] + [art("nu", 50.4)]
    assert related(articles, window=5)["nu"] == ("a50", "a51", "a49")


def test_window_smaller_than_count_still_fills_count() -> None:
    articles = [art(f"a{i}", i) for i in range(10)]
    assert related(articles, count=4, window=1)["a0"] == ("a1", "a2", "a3", "a4")


def test_window_bounds_the_candidates() -> None:
    """A far article sharing more tags loses to near ones once it is outside every window."""
    articles = [art("a", 99, None, "t", "u"), art("loin", 0, None, "t", "u")]
    articles += [art(f"t{day}", day, None, "t") for day in range(60, 80)]
    articles += [art(f"u{day}", day, None, "u") for day in range(80, 99)]
    assert related(articles, window=5)["a"] == ("u98", "u97", "u96")
    assert related(articles, window=100)["a"] == ("loin", "u98", "u97")


def test_result_keys_follow_input_order_and_bad_arguments_raise() -> None:
    articles = [art("b", 1), art("a", 0), art("c", 2)]
    assert list(related(articles)) == ["b", "a", "c"]
    assert related(articles, count=0) == {"b": (), "a": (), "c": ()}
    with pytest.raises(ValueError, match="duplicate"):
        related([art("a", 0), art("a", 1)])
    with pytest.raises(ValueError):
        related(articles, count=-1)
    with pytest.raises(ValueError):
        related(articles, window=-1)
    with pytest.raises(ValueError, match="finite"):
        related([Candidate("a", float("nan"), None, ())])


def test_window_edge_ties_follow_the_ranking_even_when_distances_round() -> None:
    # From -1.0, both 0.0 and 1e-182 are at float distance 1.0: the newer one must win the window.
    articles = [Candidate("f", -1.0, None, ()), Candidate("a", 1e-182, None, ())]
    articles += [Candidate(slug, 0.0, None, ()) for slug in "bcde"]
    assert related(articles, count=1, window=0)["f"] == ("a",)
    assert related(articles, count=2, window=0)["a"] == ("b", "c")


def test_twenty_thousand_articles_sharing_one_tag() -> None:
    articles = [Candidate(f"article-{i:05d}", i * 3_600.0, None, ("Actualité",)) for i in range(20_000)]
    result = related(articles)
    assert len(result) == 20_000
    assert all(len(picks) == 3 for picks in result.values())
    assert result["article-10000"] == ("article-10001", "article-09999", "article-10002")


# --- Properties. ---

stamps = st.one_of(st.integers(0, 12).map(float), st.floats(-1e9, 1e9, allow_nan=False))
candidates = st.builds(
    Candidate,
    slug=st.text("abcdef", min_size=1, max_size=3),
    timestamp=stamps,
    kicker=st.sampled_from([None, "", " ", "Europe", "europe ", "Monde", "MONDE"]),
    tags=st.lists(st.sampled_from(["ukraine", "Ukraine ", "UE", "ue", "énergie", "Énergie", " ", "gaz"]),
                  max_size=4).map(tuple),
)
archives = st.lists(candidates, max_size=25, unique_by=lambda c: c.slug)


@settings(max_examples=200, deadline=None)
@given(archives, st.integers(0, 6), st.integers(0, 6))
def test_never_itself_no_duplicates_at_most_count(articles: list[Candidate], count: int, window: int) -> None:
    result = related(articles, count=count, window=window)
    assert set(result) == {a.slug for a in articles}
    for slug, picks in result.items():
        assert slug not in picks
        assert len(set(picks)) == len(picks)
        assert len(picks) == min(count, len(articles) - 1)
        assert set(picks) <= set(result)


@settings(max_examples=200, deadline=None)
@given(archives, st.integers(0, 6), st.integers(0, 6), st.randoms(use_true_random=False))
def test_deterministic_under_shuffling(articles: list[Candidate], count: int, window: int,
                                       rng: random.Random) -> None:
    shuffled = list(articles)
    rng.shuffle(shuffled)
    assert related(shuffled, count=count, window=window) == related(articles, count=count, window=window)


@settings(max_examples=200, deadline=None)
@given(archives, st.integers(0, 6))
def test_equals_brute_force_when_window_covers_everything(articles: list[Candidate], count: int) -> None:
    assert related(articles, count=count, window=len(articles) + 1) == brute_force(articles, count)
    if len(articles) <= 50:
        assert related(articles, count=count) == brute_force(articles, count)


@settings(max_examples=200, deadline=None)
@given(archives, st.integers(0, 6), st.integers(0, 6))
def test_equals_the_documented_bounding(articles: list[Candidate], count: int, window: int) -> None:
    assert related(articles, count=count, window=window) == brute_force_windowed(articles, count, window)

"""Pick the « Lire aussi » (read also) articles of every article of a site.

Pure and dependency-free: no Jinja, no I/O, standard library only.

Ranking rule, for an article A and another article B (never A itself):

1. more shared tags first.  Tags are compared after stripping surrounding whitespace and
   case-folding (``str.casefold``); a tag that is blank after stripping is ignored, and a tag
   repeated on one article counts once;
2. then same kicker (the rubrique, compared the same way) before a different or missing kicker.
   Two articles without a kicker (``None`` or blank) do NOT share a kicker;
3. then nearest in date (smallest ``abs(B.timestamp - A.timestamp)``);
4. then newer first (larger timestamp), then slug ascending.

This is a total order, so the result is deterministic and independent of the input order.

Bounding.  Ranking A against the whole archive would make the whole computation quadratic, and
would let an edit to one article change the « Lire aussi » of arbitrarily many pages.  Instead,
the candidates of A are the union of

* for each of A's tags, the ``window`` articles nearest in date to A among the articles with
  that tag;
* the ``window`` articles nearest in date to A among the articles with the same kicker;
* the ``max(window, count)`` articles nearest in date to A among all articles (so every article,
  even one with no tags and no kicker, gets ``min(count, N - 1)`` neighbours);

and only those candidates are ranked with the rule above.  "The ``w`` nearest" means ``w`` in
total, both sides of A together (not ``w`` on each side): the first ``w`` other articles of the
list in the order of rules 3 and 4 (distance, then newer, then slug), so ties at the edge of the
window are broken exactly like the ranking breaks them.

Consequently, when a tag (or kicker) holds more than ``window`` articles, the result is the best
among the nearest-in-date, not the best over the whole archive: an old article sharing more tags
may lose to a recent one sharing fewer.  That is the point: the fan-out is bounded, so an edit to
one article can only touch the « Lire aussi » of a bounded number of nearby pages, and the cost
stays near ``O(N log N)`` even when a tag covers the whole archive.  When ``window`` is at least
``N - 1``, every other article is a candidate and the result is the exact best ranking.

Complexity: one sort, ``O(N log N)``; then, per article, ``O(window log N)`` at worst (a few
bisections and ``O(window)`` slicing, usually) per distinct list (tag, kicker, all) it belongs to,
and ``O(C log count)`` to rank its ``C`` candidates.
Tags or kickers holding exactly the same articles (for example a tag on every article, which is
the same list as "all articles") are computed once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from heapq import nsmallest
from math import isfinite

__all__ = ["Candidate", "related"]


@dataclass(frozen=True)
class Candidate:
    """What the ranking needs to know about one article."""

    slug: str
    timestamp: float  # publication time (seconds since epoch)
    kicker: str | None  # the rubrique
    tags: tuple[str, ...]


def _normalise(text: str | None) -> str | None:
    """The comparison form of a tag or kicker: stripped and case-folded; ``None`` when blank."""
    if text is None:
        return None
    folded = text.strip().casefold()
    return folded or None


@dataclass(frozen=True)
class _Lane:
    """The articles of one tag, one kicker, or the whole site, sorted by (timestamp, slug).

    Articles are represented by their rank in the site-wide (timestamp, slug) order, so ``ranks``
    is sorted and ``bisect`` finds an article's position in it.
    """

    ranks: list[int]
    stamps: list[float]


def _newest_first(lane: _Lane, start: int, end: int, need: int) -> list[int]:
    """Up to ``need`` members of ``lane[start:end]``, newest first, then slug ascending."""
    chosen: list[int] = []
    while end > start and len(chosen) < need:
        # The run of members sharing the newest remaining timestamp, read forwards (slug order).
        run = bisect_left(lane.stamps, lane.stamps[end - 1], start, end)
        chosen.extend(lane.ranks[run : min(end, run + need - len(chosen))])
        end = run
    return chosen


def _nearest(lane: _Lane, rank: int, width: int) -> list[int]:
    """The first ``width`` members of ``lane`` other than ``rank`` in rule-3/4 order.

    Rule-3/4 order is (distance in date, newer first, slug ascending); the members are returned
    in no particular order.  Only ``O(width)`` members are looked at, with at most ``O(width)``
    bisections (one per run of equal timestamps among the ties at the window's edge).
    """
    ranks, stamps = lane.ranks, lane.stamps
    size = len(ranks)
    pos = bisect_left(ranks, rank)
    if size - 1 <= width:
        return ranks[:pos] + ranks[pos + 1 :]
    if width == 0:
        return []
    here = stamps[pos]

    def offset(stamp: float) -> float:
        # Signed distance: negative before A.  Rounding is monotonic, so this never decreases
        # along the lane, and ``here - stamp == -offset(stamp)`` exactly.
        return stamp - here

    # The width-th smallest distance is among the ``width`` nearest on each side.
    before = [here - stamps[k] for k in range(max(0, pos - width), pos)]
    after = [stamps[k] - here for k in range(pos + 1, min(size, pos + 1 + width))]
    limit = sorted(before + after)[width - 1]
    # Everything strictly nearer than ``limit`` is taken (fewer than ``width`` of them) ...
    low = bisect_right(stamps, -limit, 0, pos, key=offset)
    high = bisect_left(stamps, limit, pos + 1, size, key=offset)
    chosen = ranks[low:pos] + ranks[pos + 1 : high]
    need = width - len(chosen)
    # ... and the rest comes from the ties at exactly ``limit``: ``stamps[tie_low:low]`` before A
    # and ``stamps[high:tie_high]`` after it.
    tie_low = bisect_left(stamps, -limit, 0, low, key=offset)
    tie_high = bisect_right(stamps, limit, high, size, key=offset)
    if limit == 0:
        # All ties share A's timestamp: slug order, so the ones before A come first.
        chosen += _newest_first(lane, tie_low, low, need)
        chosen += _newest_first(lane, high, tie_high, width - len(chosen))
    else:
        # The ties after A are all newer than the ties before it.  (Different timestamps can be
        # at the same distance when the subtraction rounds.)
        chosen += _newest_first(lane, high, tie_high, need)
        chosen += _newest_first(lane, tie_low, low, width - len(chosen))
    return chosen


def related(articles: Sequence[Candidate], count: int = 3, window: int = 50) -> dict[str, tuple[str, ...]]:
    """For every article, up to ``count`` other articles, most related first.

    Returns a mapping from each article's slug (in input order) to the slugs of its « Lire
    aussi », ranked and bounded as described in the module docstring: candidates are the
    ``window`` nearest in date within each of the article's tags, the ``window`` nearest with the
    same kicker, and the ``max(window, count)`` nearest overall.  With a tag larger than the
    window, the result is therefore the best among the nearest-in-date (bounded fan-out).
    An article gets ``min(count, N - 1)`` slugs.

    Raises ``ValueError`` on duplicate slugs, a non-finite timestamp, or a negative ``count`` or
    ``window``.
    """
    if count < 0 or window < 0:
        raise ValueError(f"count and window must be >= 0, not {count} and {window}")
    for article in articles:
        if not isfinite(article.timestamp):
            raise ValueError(f"timestamp of {article.slug!r} is not finite: {article.timestamp}")
    order = sorted(articles, key=lambda article: (article.timestamp, article.slug))
    slugs = [article.slug for article in order]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate slugs")
    stamps = [article.timestamp for article in order]
    tag_sets = [frozenset(filter(None, map(_normalise, article.tags))) for article in order]
    kickers = [_normalise(article.kicker) for article in order]

    # Build the lanes; iterating ranks in ascending order keeps every lane sorted.
    members: dict[tuple[str, str], list[int]] = {}
    for rank in range(len(order)):
        for tag in tag_sets[rank]:
            members.setdefault(("tag", tag), []).append(rank)
        kicker = kickers[rank]
        if kicker is not None:
            members.setdefault(("kicker", kicker), []).append(rank)
    everyone = _Lane(list(range(len(order))), stamps)
    # Lists holding exactly the same articles share one lane, so they are walked once.
    lanes: dict[tuple[int, ...], _Lane] = {tuple(everyone.ranks): everyone}
    lane_of: dict[tuple[str, str], _Lane] = {}
    for name, ranks in members.items():
        lane = lanes.setdefault(tuple(ranks), _Lane(ranks, [stamps[rank] for rank in ranks]))
        lane_of[name] = lane

    chosen: list[tuple[str, ...]] = []
    for rank in range(len(order)):
        tags, kicker, here = tag_sets[rank], kickers[rank], stamps[rank]
        widths: dict[int, tuple[_Lane, int]] = {id(everyone): (everyone, max(window, count))}
        names = [("tag", tag) for tag in tags]
        if kicker is not None:
            names.append(("kicker", kicker))
        for name in names:
            lane = lane_of[name]
            # The nearest ``w`` of a lane are a prefix of its nearest ``w'`` for ``w <= w'``,
            # so one walk at the largest width covers every name sharing the lane.
            widths.setdefault(id(lane), (lane, window))
        candidates: set[int] = set()
        for lane, width in widths.values():
            candidates.update(_nearest(lane, rank, width))

        # Rank by (shared tags, same kicker, distance, newer, rank); within equal timestamps the
        # site-wide rank follows the slug.  Tuples built in one comprehension: this is the hot loop.
        keyed = [(-len(tags & tag_sets[other]), kicker is None or kickers[other] != kicker,
                  abs(stamps[other] - here), -stamps[other], other) for other in candidates]
        chosen.append(tuple(slugs[entry[-1]] for entry in nsmallest(count, keyed)))

    by_slug = dict(zip(slugs, chosen, strict=True))
    return {article.slug: by_slug[article.slug] for article in articles}

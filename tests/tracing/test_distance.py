"""Claim distances: the vectorised arrays against the reference pair_distance, and the comparable pairs."""

import pytest
import sqlite_utils

from .helpers import claim, corner_claims


def test_vectorised_distances_match_the_reference_pair_distance(demo_db):
    """Every pair of the demo corpus's claims: the array computation used for clustering
    gives what pair_distance, the readable reference, gives."""
    import numpy as np

    from pipeline.tracing import _Features, is_restatement, load_claims, pair_distance, story_vectors
    from pipeline.tracing.values import mark_costated, story_threshold

    claims = load_claims(sqlite_utils.Database(demo_db[0]))
    claims += [  # corners the corpus lacks: ranges, vague magnitudes, years, small counts, zero
        claim("billions", 1e9, None, "money", value_low=1e9, value_high=1e10, qualifier="range"),
        claim("$0.14–$0.55", 0.14, value_low=0.14, value_high=0.55, qualifier="range"),
        claim("$1.6 billion", 1.6e9), claim("$0.28", 0.28), claim("0", 0.0, None, "count"),
        claim("2015", 2015, None, "year"), claim("2015", 2015, None, "year", article_id="a2"),
        claim("six", 6, "month", "duration"), claim("seven", 7, "month", "duration"),
        claim("5 miles", 5, "mi", "size"), claim("8 km", 8, "km", "size", article_id="a2"),
        claim("2.5 GWh", 2.5, "GWh", "size"), claim("2,500 MWh", 2500, "MWh", "size", article_id="a2"),
        claim("a quarter", 0.25, "job", "fraction"), claim("25%", 25, "percent", "percent", article_id="a2"),
        claim("10-20 people", 10, "people", "count", value_low=10, value_high=20, qualifier="range"),
        claim("5-20 people", 5, "people", "count", value_low=5, value_high=20, qualifier="range", article_id="a2"),
        claim("30-40 people", 30, "people", "count", value_low=30, value_high=40, qualifier="range", article_id="a3"),
        # two sentences of two articles stating the same pair of values
        claim("63%", 63, "percent", "percent", sentence_id="s1"), claim("30%", 30, "percent", "percent", sentence_id="s1"),
        claim("63 percent", 63, "percent", "percent", article_id="a2", sentence_id="s2"),
        claim("30 percent", 30, "percent", "percent", article_id="a2", sentence_id="s2"),
    ]
    mark_costated(claims)
    assert sum(bool(c.costated) for c in claims) >= 4
    rng = np.random.default_rng(5)
    cosine = rng.uniform(0, 1, size=(len(claims), len(claims)))
    index = np.arange(len(claims))
    fast = _Features(claims).distances(index, index, cosine)
    articles = sorted({c.article_id for c in claims})
    stories, _ = story_vectors([next(c.story for c in claims if c.article_id == a) for a in articles])
    story = (stories @ stories.T).toarray()
    row = {a: n for n, a in enumerate(articles)}
    for i in range(len(claims)):
        for j in range(len(claims)):
            if i != j and not is_restatement(claims[i], claims[j]):
                similarity = story[row[claims[i].article_id], row[claims[j].article_id]]
                expected = pair_distance(claims[i], claims[j], cosine[i, j], similarity, story_threshold(len(articles)))
                assert fast[i, j] == pytest.approx(expected), (i, j)


def test_values_that_may_meet_hold_every_pair_closer_than_apart_and_few_others(demo_db):
    """values_may_meet rules pairs out before any distance is computed: never one closer
    than APART (whatever their contexts say), and most pairs within the ratio whose value
    gap (the reference, value_gap) is undefined: precise values too far apart for their
    digits, unequal years, a range in digits against a single value."""
    import numpy as np

    from pipeline.tracing import APART, _Features, load_claims, value_gap
    from pipeline.tracing.values import MAX_VALUE_RATIO, mark_costated

    claims = load_claims(sqlite_utils.Database(demo_db[0])) + corner_claims() + [
        claim("$5,576,000", 5.576e6), claim("$6.1 million", 6.1e6), claim("$6.50 million", 6.5e6, article_id="a2"),
        claim("2,519", 2519, None, "count"), claim("2,713", 2713, None, "count"), claim("2020", 2020, None, "year"),
        claim("2021", 2021, None, "year"), claim("5 miles", 5, "mi", "size"), claim("8.05 km", 8.05, "km", "size"),
        claim("$2 million to $5 million", 2e6, value_low=2e6, value_high=5e6, qualifier="range"),
        claim("millions", 1e6, None, "money", value_low=1e6, value_high=1e7, qualifier="range"),
    ]
    mark_costated(claims)
    features = _Features(claims)
    index = np.arange(len(claims))
    may = features.values_may_meet(index[:, None], index[None, :])
    near = features.distances(index, index, np.zeros((len(claims), len(claims)))) < APART
    assert near.sum() > 2 * len(claims), "the claims have values that meet"
    assert not (near & ~may).any(), [(claims[i].surface, claims[j].surface) for i, j in zip(*np.nonzero(near & ~may))]
    defined = np.array([[value_gap(a, b) is not None for b in claims] for a in claims])
    assert np.array_equal(may, may.T)
    # Pairs listed one by one get what the matrix gets.
    rows, cols = np.nonzero(np.ones_like(may))
    assert np.array_equal(features.values_may_meet(rows, cols), may[rows, cols])
    # Within the ratio, most pairs whose gap is undefined are ruled out.
    with np.errstate(divide="ignore", invalid="ignore"):
        a, b = np.abs(features.comparable)[:, None], np.abs(features.comparable)[None, :]
        within = (np.maximum(a, b) <= np.minimum(a, b) * MAX_VALUE_RATIO) & ~np.eye(len(claims), dtype=bool)
    undefined = within & ~defined
    assert (undefined & ~may).sum() > 0.5 * undefined.sum()
    surfaces = {(claims[i].surface, claims[j].surface) for i, j in zip(*np.nonzero(~may))}
    assert {("$5,576,000", "$6.50 million"), ("2,519", "2,713"), ("2020", "2021"),
            ("$2 million to $5 million", "$6.1 million")} <= surfaces
    assert ("millions", "$6.1 million") not in surfaces and ("$5,576,000", "$6.1 million") not in surfaces


def test_comparable_pairs_hold_every_pair_closer_than_apart(demo_db):
    import numpy as np

    from pipeline.tracing import APART, _Features, load_claims

    claims = load_claims(sqlite_utils.Database(demo_db[0])) + corner_claims()
    features = _Features(claims)
    index = np.arange(len(claims))
    dense = features.distances(index, index, np.zeros((len(claims), len(claims))))
    chunks = list(features.comparable_pairs(index))
    rows, cols = (np.concatenate(parts) for parts in zip(*chunks))
    listed = set(zip(rows.tolist(), cols.tolist()))
    assert len(listed) == len(rows)  # each pair once
    assert not any((j, i) in listed for i, j in listed)
    near = {(i, j) for i, j in zip(*np.nonzero(dense < APART)) if i != j}
    assert near, "the corpus has close pairs"
    assert all((i, j) in listed or (j, i) in listed for i, j in near)
    # Pairs computed as lists give what the matrix gives, bit for bit.
    assert np.array_equal(features.pair_distances(rows, cols, np.zeros(len(rows))), dense[rows, cols])
    # In small chunks: the same pairs, each chunk about as large as asked.
    small = list(features.comparable_pairs(index, chunk=50))
    assert len(small) > len(chunks) + 10
    assert sorted(zip(*(np.concatenate(parts).tolist() for parts in zip(*small)))) == sorted(listed)
    assert max(len(r) for r, _ in small) <= max(50, len(claims))



def test_a_groups_story_table_gives_the_distances_computed_without_it(demo_db, monkeypatch):
    """Features.stories_of (one table of the story similarities of a group's articles, for
    a corpus too large for a table of all of them) changes no distance."""
    import numpy as np

    from pipeline.tracing import _Features, load_claims
    from pipeline.tracing import distance

    claims = load_claims(sqlite_utils.Database(demo_db[0]))
    monkeypatch.setattr(distance, "_STORY_BLOCK", 1)  # no table of every pair of articles
    features = _Features(claims)
    assert features._story_table is None
    members = np.arange(0, len(claims), 2)  # a group of half the claims
    cosine = np.random.default_rng(3).uniform(0, 1, size=(len(members), len(members)))
    without = features.distances(members, members, cosine)
    monkeypatch.setattr(distance, "_STORY_BLOCK", 1 << 22)
    with features.stories_of(members):
        assert features._local_stories is not None
        within = features.distances(members, members, cosine)
    assert features._local_stories is None  # left on leaving
    assert np.array_equal(within, without)


def test_distances_within_a_bound_decide_every_pair_as_the_full_ones(demo_db, monkeypatch):
    """pair_distances(..., within=t) skips the story penalty of pairs already at or beyond
    t without it: which pairs are closer than t is unchanged, the pairs under t keep their
    distance, and the stories of most far pairs are never looked up."""
    import numpy as np

    from pipeline.tracing import _Features, load_claims
    from pipeline.tracing import distance
    from pipeline.tracing.values import DISTANCE_THRESHOLD, mark_costated

    claims = load_claims(sqlite_utils.Database(demo_db[0])) + corner_claims()
    mark_costated(claims)
    features = _Features(claims)
    index = np.arange(len(claims))
    rows, cols = (part.ravel() for part in np.meshgrid(index, index, indexing="ij"))
    cosine = np.random.default_rng(11).uniform(0, 0.9, size=len(rows))
    full = features.pair_distances(rows, cols, cosine)
    asked = []
    story_penalties = distance._Features.story_penalties

    def counted(self, r, c):
        asked.append(len(r))
        return story_penalties(self, r, c)

    monkeypatch.setattr(distance._Features, "story_penalties", counted)
    features.pair_distances(rows, cols, cosine)
    for threshold in (DISTANCE_THRESHOLD, 0.3, 1.2):
        bounded = features.pair_distances(rows, cols, cosine, within=threshold)
        close = full < threshold
        assert 0 < close.sum() < len(close), threshold
        assert np.array_equal(bounded < threshold, close), threshold
        assert np.array_equal(bounded[close], full[close])
        assert (bounded <= full).all()
    assert asked[1] < asked[0] and asked[2] < 0.5 * asked[0], "the stories of pairs far without them are skipped"


def test_story_rows_weighed_as_pairs_need_them_are_those_weighed_at_once(monkeypatch):
    """Where many articles meet (an update reaching a hundred thousand), a story row is
    weighed when a pair first needs it, the article's names read only then: every distance
    is, bit for bit, what weighing every story at once gives, whatever was asked for first,
    and a name the counts never counted (an article edited since) widens the columns."""
    import numpy as np

    import pipeline.tracing.distance as distance
    from pipeline.tracing import _Features
    from pipeline.tracing.columns import ClaimColumns
    from pipeline.tracing.vectors import count_terms

    monkeypatch.setattr(distance, "_STORY_BLOCK", 4)  # (more than two articles are many)
    claims = corner_claims(7, 40)
    rng = np.random.default_rng(2)
    names = ["deepseek", "nvidia", "openai", "acme", "ohio", "meta", "tsmc"]
    stories = {c.article_id: tuple(rng.choice(names, rng.integers(0, 4), replace=False).tolist()) for c in claims}
    stories["a5"] += ("a_new_name",)  # (sorts before every counted name)
    for c in claims:
        c.story = stories[c.article_id]
    counts = count_terms([[n for n in story if n != "a_new_name"] for story in stories.values()])
    eager = _Features(claims, counts)
    columns = ClaimColumns.of(claims)
    columns.columns["story"] = [None] * len(claims)
    asked: list[str] = []
    columns.names = lambda ids: (asked.extend(ids), {a: stories[a] for a in ids})[1]
    lazy = _Features(columns, counts, lazy_stories=True)
    assert lazy.stories_deferred and not eager.stories_deferred and not asked
    rows, cols = (x.ravel() for x in np.meshgrid(np.arange(len(claims)), np.arange(len(claims)), indexing="ij"))
    cosine = rng.random(len(rows))
    first = np.flatnonzero((eager.article[rows] < 3) & (eager.article[cols] < 3) & ~eager.exact[rows] & ~eager.exact[cols])
    assert np.array_equal(lazy.pair_distances(rows[first], cols[first], cosine[first]),
                          eager.pair_distances(rows[first], cols[first], cosine[first]))  # fmt: skip
    assert sorted(set(asked)) == sorted({claims[i].article_id for i in np.concatenate([rows[first], cols[first]])}) != []
    for part in np.array_split(rng.permutation(len(rows)), 7):
        assert np.array_equal(lazy.pair_distances(rows[part], cols[part], cosine[part]),
                              eager.pair_distances(rows[part], cols[part], cosine[part]))  # fmt: skip
    assert len(asked) == len(stories) and "a_new_name" in lazy._story_columns
    # without stories: never above the distance, equal where stories add nothing
    bound = lazy.pair_distances(rows, cols, cosine, stories=False)
    full = eager.pair_distances(rows, cols, cosine)
    assert (bound <= full).all() and (bound < full).any() and np.array_equal(bound[eager.article[rows] == eager.article[cols]],
                                                                              full[eager.article[rows] == eager.article[cols]])  # fmt: skip

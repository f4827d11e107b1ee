"""Clustering: average linkage as scikit-learn cuts it, atom distances, groups cut into bounded parts."""

import pytest
import sqlite_utils

from .helpers import claim, corner_claims


def test_average_linkage_cuts_as_scikit_learn_does():
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    from pipeline.tracing import average_linkage

    rng = np.random.default_rng(11)
    for size in (2, 3, 7, 30, 120):
        for _ in range(5):
            upper = np.round(rng.uniform(0, 2.0, size=(size, size)), 1)  # ties, and exact 1.0s
            upper[rng.uniform(size=(size, size)) < 0.3] = 10.0
            distances = np.triu(upper, 1) + np.triu(upper, 1).T
            labels = AgglomerativeClustering(
                n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0
            ).fit_predict(distances)
            expected = [[i for i in range(size) if labels[i] == label] for label in dict.fromkeys(labels)]
            assert average_linkage(distances, 1.0) == expected


def test_atom_distances_are_the_means_over_comparable_member_pairs():
    """Upper triangle (what the linkage reads) against the definition: for atoms A before
    B, the mean of pairs[i, j], i in A and j in B, over the pairs closer than APART."""
    import numpy as np

    from pipeline.tracing import APART, _atom_distances

    rng = np.random.default_rng(7)
    for size in (5, 12, 40):
        claims = list(range(size))
        cuts = sorted(rng.choice(np.arange(1, size), size=size // 3, replace=False).tolist())
        atoms = [part.tolist() for part in np.split(np.array(claims), cuts)]
        pairs = rng.uniform(0, 2, size=(size, size))
        pairs[rng.uniform(size=(size, size)) < 0.3] = APART
        got = _atom_distances(pairs, atoms)
        assert any(len(atom) > 1 for atom in atoms)
        for a in range(len(atoms)):
            for b in range(a + 1, len(atoms)):
                close = [pairs[i, j] for i in atoms[a] for j in atoms[b] if pairs[i, j] < APART]
                assert got[a, b] == pytest.approx(np.mean(close) if close else APART), (a, b)


def test_clustering_is_the_dense_average_linkage_of_each_group(demo_db):
    """cluster_claims computes only the distances the clustering reads: the figures are
    those of clustering each candidate group on all its pair distances with scikit-learn."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    from pipeline.tracing import (
        DISTANCE_THRESHOLD, _atom_distances, _Features, _restatement_atoms, candidate_groups, cluster_claims,
        context_vectors, load_claims,
    )  # fmt: skip
    from pipeline.tracing.values import mark_costated

    for claims in (load_claims(sqlite_utils.Database(demo_db[0])), corner_claims(5, 40), corner_claims(8, 40)):
        claims = sorted(claims, key=lambda c: (c.article_id, c.start_char))
        mark_costated(claims)
        vectors = context_vectors(claims)
        features = _Features(claims)
        expected = []
        for group in candidate_groups(claims, vectors, DISTANCE_THRESHOLD, features):
            atoms = _restatement_atoms([claims[i] for i in group])
            if len(atoms) == 1:
                expected.append(group)
                continue
            sub = vectors[group]
            members = np.array(group)
            pairs = features.distances(members, members, np.clip(1.0 - (sub @ sub.T).toarray(), 0.0, 1.0))
            np.fill_diagonal(pairs, 0.0)
            labels = AgglomerativeClustering(
                n_clusters=None, metric="precomputed", linkage="average", distance_threshold=DISTANCE_THRESHOLD
            ).fit_predict(_atom_distances(pairs, atoms))
            for label in dict.fromkeys(labels):
                expected.append([group[i] for a, atom in enumerate(atoms) if labels[a] == label for i in atom])
        expected = [sorted(f, key=lambda i: claims[i].order_key) for f in expected]
        assert cluster_claims(claims) == expected
        assert any(len(f) > 1 for f in expected)


def test_large_groups_are_cut_at_their_widest_value_gaps():
    import numpy as np

    from pipeline.tracing import bounded_parts

    values = np.array([1.0, 1.1, 1.2, 5.0, 5.5, 6.0, 6.1, 30.0, 31.0])
    atoms = [[0], [1, 2], [3], [4], [5], [6], [7], [8]]  # [1, 2]: a restatement, kept whole
    assert bounded_parts(atoms, values, limit=20) == [atoms]
    # 9 claims, at most 4 a part: first cut between 6.1 and 30 (the widest ratio), then 1.2 | 5.0.
    assert bounded_parts(atoms, values, limit=4) == [[[0], [1, 2]], [[3], [4], [5], [6]], [[7], [8]]]
    # Equal values cannot be told apart by value: cut in the middle.
    same = np.full(8, 6e6)
    parts = bounded_parts([[i] for i in range(8)], same, limit=3)
    assert [len(p) for p in parts] == [2, 2, 2, 2]
    assert sorted(a for p in parts for [a] in p) == list(range(8))


def test_clustering_in_bounded_parts_changes_only_the_groups_too_large(monkeypatch):
    import pipeline.tracing as tracing

    claims = sorted(corner_claims(5, 40), key=lambda c: (c.article_id, c.start_char))
    whole = tracing.cluster_claims(claims)
    groups = tracing.candidate_groups(claims, tracing.context_vectors(claims))
    limit = 5
    assert max(map(len, whole)) > limit and any(len(g) <= limit for g in groups if len(g) > 1)
    monkeypatch.setattr(tracing.clustering, "MAX_GROUP", limit)
    parts = tracing.cluster_claims(claims)
    assert max(map(len, parts)) <= limit
    assert sorted(i for f in parts for i in f) == list(range(len(claims)))
    small = {i for g in groups if len(g) <= limit for i in g}
    assert sorted(f for f in whole if f[0] in small) == sorted(f for f in parts if f[0] in small)



def test_links_join_groups_pair_by_pair_as_connected_components_do():
    """The blocking's union-find, fed edges in chunks, gives scipy's connected components;
    pairs already joined are seen as such."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from pipeline.tracing.clustering import _Links

    rng = np.random.default_rng(11)
    size = 500
    a, b = rng.integers(0, size, 400), rng.integers(0, size, 400)
    links = _Links(size)
    for start in range(0, len(a), 37):
        links.union(a[start:start + 37], b[start:start + 37])
    _, labels = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(size, size)), directed=False)
    expected = {}
    for item, label in enumerate(labels.tolist()):
        expected.setdefault(label, []).append(item)
    assert links.groups() == sorted(expected.values())
    assert (links.roots(a) == links.roots(b)).all()
    lone = [g[0] for g in links.groups() if len(g) == 1][:2]
    assert (links.roots(np.array(lone)) == np.array(lone)).all()  # each alone, its own root
    # only the groups holding some of the items asked about, as the whole list has them
    among = rng.choice(size, 30, replace=False)
    assert links.groups(among=among) == [g for g in sorted(expected.values()) if set(g) & set(among.tolist())]
    assert links.groups(among=np.array([], dtype=np.int64)) == []


def test_blocking_in_small_chunks_finds_the_same_groups(demo_db, monkeypatch):
    import pipeline.tracing.clustering as clustering
    from pipeline.tracing import candidate_groups, context_vectors, load_claims

    for claims in (load_claims(sqlite_utils.Database(demo_db[0])), corner_claims(5, 40)):
        claims = sorted(claims, key=lambda c: (c.article_id, c.start_char))
        vectors = context_vectors(claims)
        whole = candidate_groups(claims, vectors)
        monkeypatch.setattr(clustering, "CHUNK_ROWS", 5)
        monkeypatch.setattr(clustering, "CHUNK_COLS", 7)
        assert candidate_groups(claims, vectors) == whole
        assert any(len(group) > 7 for group in whole)
        monkeypatch.undo()


def test_values_below_zero_are_compared_within_the_ratio_as_values_above_are():
    """Blocking compares a value with those up to MAX_VALUE_RATIO times it: below zero
    that is towards zero (-3% with -2.7%, as 3% with 2.7%), not further from it."""
    from pipeline.tracing import candidate_groups, cluster_claims, context_vectors

    for sign in (1, -1):
        claims = [claim(f"{sign * v:g}%", sign * v, "percent", "percent", id=f"c{n}", article_id=f"a{n}",
                        context="quarterly output growth forecast", entities=["Acme"], story=("Acme",))
                  for n, v in enumerate((3.0, 2.7, 1.0))]  # fmt: skip
        vectors = context_vectors(claims)
        assert candidate_groups(claims, vectors) == [[0, 1], [2]], sign
        assert sorted(cluster_claims(claims)) == [[0, 1], [2]], sign


def test_reaching_groups_are_the_groups_of_every_close_pair_with_a_new_claim(monkeypatch):
    """reaching_groups against its definition worked out pair by pair: the groups, holding
    a new claim, of the graph linking each new claim to every claim of its value bucket
    closer than the threshold (any value: no sorting, no chunks) and the restatements of
    each sentence; the same in small chunks of rows; ranges reaching from far below, and
    values below zero (which reach up to nearer zero)."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    import pipeline.tracing.clustering as clustering
    from pipeline.tracing import DISTANCE_THRESHOLD, _Features, context_vectors
    from pipeline.tracing.clustering import _restatement_pairs, reaching_groups
    from pipeline.tracing.values import mark_costated, value_bucket

    claims = sorted(corner_claims(9, 60), key=lambda c: (c.article_id, c.start_char))
    mark_costated(claims)
    vectors, features = context_vectors(claims), _Features(claims)
    rng = np.random.default_rng(4)
    for new in (rng.random(len(claims)) < 0.15, rng.random(len(claims)) < 0.5):
        rows, cols = np.meshgrid(np.flatnonzero(new), np.arange(len(claims)), indexing="ij")
        rows, cols = rows.ravel(), cols.ravel()
        buckets = np.array([value_bucket(c) for c in claims])
        valued = ~np.isnan(features.value[rows]) & ~np.isnan(features.value[cols]) & (rows != cols) & (buckets[rows] == buckets[cols])
        rows, cols = rows[valued], cols[valued]
        cosine = np.clip(1.0 - np.asarray(vectors[rows].multiply(vectors[cols]).sum(axis=1)).ravel(), 0.0, 1.0)
        close = features.pair_distances(rows, cols, cosine) < DISTANCE_THRESHOLD
        pairs = [(int(a), int(b)) for a, b in zip(rows[close], cols[close])] + _restatement_pairs(claims)
        a, b = np.array(pairs).T
        _, labels = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(len(claims),) * 2), directed=False)
        expected = {}
        for item, label in enumerate(labels.tolist()):
            expected.setdefault(label, []).append(item)
        expected = sorted(g for g in expected.values() if new[g].any())
        assert any(len(g) > 2 for g in expected) and any(features.range[g].any() for g in expected if len(g) > 1)
        assert any((features.value[g] < 0).sum() > 1 for g in expected)
        assert reaching_groups(claims, vectors, DISTANCE_THRESHOLD, features, new) == expected
        monkeypatch.setattr(clustering, "CHUNK_ROWS", 3)
        monkeypatch.setattr(clustering, "CHUNK_COLS", 5)
        assert reaching_groups(claims, vectors, DISTANCE_THRESHOLD, features, new) == expected
        monkeypatch.undo()


def test_reaching_groups_with_stories_weighed_as_needed_are_the_same(monkeypatch):
    """An update's features weigh story rows only for the pairs close enough before their
    stories' penalty, all at the end: the groups are those of stories weighed at once."""
    import numpy as np

    import pipeline.tracing.distance as distance
    from pipeline.tracing import DISTANCE_THRESHOLD, _Features, context_vectors
    from pipeline.tracing.clustering import reaching_groups
    from pipeline.tracing.columns import ClaimColumns
    from pipeline.tracing.values import mark_costated
    from pipeline.tracing.vectors import count_terms

    monkeypatch.setattr(distance, "_STORY_BLOCK", 4)
    claims = sorted(corner_claims(9, 60), key=lambda c: (c.article_id, c.start_char))
    mark_costated(claims)
    rng = np.random.default_rng(5)
    stories = {c.article_id: tuple(rng.choice(["deepseek", "nvidia", "openai", "acme"], rng.integers(0, 3), replace=False).tolist())
               for c in claims}  # fmt: skip
    for c in claims:
        c.story = stories[c.article_id]
    counts = count_terms([list(story) for story in stories.values()])
    vectors, eager = context_vectors(claims), _Features(claims, counts)
    columns = ClaimColumns.of(claims)
    columns.columns["story"] = [None] * len(claims)
    columns.names = lambda ids: {a: stories[a] for a in ids}
    lazy = _Features(columns, counts, lazy_stories=True)
    assert lazy.stories_deferred
    for new in (rng.random(len(claims)) < 0.15, rng.random(len(claims)) < 0.5):
        groups = reaching_groups(claims, vectors, DISTANCE_THRESHOLD, eager, new)
        assert any(len(g) > 2 for g in groups)
        assert reaching_groups(columns, vectors, DISTANCE_THRESHOLD, lazy, new) == groups

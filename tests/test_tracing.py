"""Tracing: figure grouping, lineage order, mutation kinds and trace queries.

Pure functions are tested on hand-made claims; grouping and lineage on short
hand-written multi-article corpora run through the real pipeline.
"""

import json

import pytest
import sqlite_utils

from pipeline.runner import ingest_paths
from pipeline.tracing import (
    TracedClaim,
    build_figures,
    classify_mutation,
    find_figures,
    is_restatement,
    most_mutated,
    rebuild_figures,
    related_units,
    rounds_to,
    significant_digits,
    trace,
    value_gap,
)


def claim(surface, value, unit="USD", kind="money", **extra):
    fields = dict(
        id=extra.pop("id", surface), article_id=extra.pop("article_id", "a1"), surface=surface,
        start_char=extra.pop("start_char", 0), value=value, value_low=None, value_high=None,
        unit=unit, qualifier="exact", qualifier_cue=None, kind=kind, subject=None, attributed_to=None,
    )
    fields.update(extra)
    return TracedClaim(**fields)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "surface, digits",
    [("$6 million", 1), ("$5,576,000", 4), ("$2.50", 3), ("600 billion", 1), ("$10.00", 4),
     ("0.14", 2), ("17%", 2), ("2,788,000 GPU hours", 4), ("671bn", 3), ("two", 1)],
)
def test_significant_digits(surface, digits):
    assert significant_digits(surface, 2 if surface == "two" else None) == digits


def test_rounding_relations():
    assert rounds_to(5_576_000, 4, 6_000_000, 1)
    assert not rounds_to(6_000_000, 1, 5_576_000, 4)  # a rounded figure cannot round to a precise one
    assert not rounds_to(5_400_000, 2, 6_000_000, 1)
    assert value_gap(claim("$5,576,000", 5_576_000), claim("$6 million", 6e6)) == 0.0
    assert 0 < value_gap(claim("$500 billion", 5e11), claim("$600 billion", 6e11)) <= 1
    assert value_gap(claim("$140 million", 1.4e8), claim("$100 million", 1e8)) is None
    assert value_gap(claim("671B", 6.71e11, "parameter", "count"), claim("685B", 6.85e11, "parameter", "count")) < 1
    assert value_gap(claim("$2.19", 2.19), claim("$2.50", 2.5)) is None  # precise figures drift little
    assert value_gap(claim("2015", 2015, None, "year"), claim("2020", 2020, None, "year")) is None
    assert value_gap(claim("six months", 6, "month", "duration"), claim("seven months", 7, "month", "duration")) is None
    assert value_gap(claim("60 months", 60, "month", "duration"), claim("70 months", 70, "month", "duration")) > 0


def test_ranges_only_hold_figures_when_written_in_words():
    billions = claim("billions", 1e9, value_low=1e9, value_high=1e10, qualifier="range", kind="money")
    spread = claim("$0.14–$0.55", 0.14, value_low=0.14, value_high=0.55, qualifier="range")
    assert value_gap(billions, claim("$1.6 billion", 1.6e9)) == 1.0
    assert value_gap(spread, claim("$0.28", 0.28)) is None


@pytest.mark.parametrize(
    "a, b, related",
    [
        (("USD", "money"), ("USD", "money"), True),
        (("card", "count"), ("GPU", "count"), True),
        (("USD", "money"), ("USD per 1M input tokens", "money"), True),
        (("hour", "duration"), ("GPU hour", "duration"), True),
        (("USD per GPU hour", "money"), ("USD per 1M tokens", "money"), False),
        (("USD per unit", "money"), ("USD per GPU", "money"), True),
        (("USD per unit", "money"), ("EUR per GPU", "money"), False),
        (("USD", "money"), ("percent", "percent"), False),
        ((None, "count"), ("GPU", "count"), True),
        ((None, "count"), ("USD", "money"), False),
        ((None, "money"), ("USD", "money"), True),
    ],
)
def test_related_units(a, b, related):
    assert (related_units(*a, *b) is not None) is related


def test_restatement_in_one_sentence():
    sentence = "Acme lost 17% of its market value, or nearly $600 billion, on Monday."
    percent = claim("17%", 17, "percent", "percent", start_char=10, sentence_id="s", sentence=sentence)
    money = claim("$600 billion", 6e11, start_char=sentence.index("$600"), sentence_id="s", sentence=sentence)
    assert is_restatement(percent, money)
    listed = "It bought 10,000 chips (40GB each) last year."
    chips = claim("10,000 chips", 1e4, "chip", "count", start_char=10, sentence_id="t", sentence=listed)
    size = claim("40GB", 40, "GB", "size", start_char=listed.index("40GB"), sentence_id="t", sentence=listed)
    assert not is_restatement(chips, size)


# --------------------------------------------------------------------------- mutations


@pytest.mark.parametrize(
    "origin, later, kinds, words",
    [
        (claim("$6 million", 6e6), claim("$6 million", 6e6), ["same"], "same"),
        (claim("$6 million", 6e6), claim("$6M", 6e6), ["reformatted"], "'$6M'"),
        (claim("$5,576,000", 5_576_000), claim("$6 million", 6e6), ["rounded"], "rounded up 7.6 %"),
        (claim("$6 million", 6e6), claim("$5,576,000", 5_576_000), ["rounded"], "more precisely"),
        (claim("$500 billion", 5e11), claim("$600 billion", 6e11), ["inflated"], "inflated 20.0 %"),
        (claim("$600 billion", 6e11), claim("$500 billion", 5e11), ["deflated"], "deflated 16.7 %"),
        (claim("$600 billion", 6e11), claim("17%", 17, "percent", "percent"), ["unit_changed"], "USD → percent"),
        (claim("$6 million", 6e6), claim("$6 million", 6e6, qualifier="approx", qualifier_cue="around"),
         ["qualifier_added"], "'around' added"),
        (claim("$6 million", 6e6, qualifier="approx", qualifier_cue="around"), claim("$6 million", 6e6),
         ["qualifier_dropped"], "'around' dropped"),
        (claim("$6 million", 6e6, qualifier="approx", qualifier_cue="around"),
         claim("$6 million", 6e6, qualifier_cue="just"), ["qualifier_changed"], "'around' → 'just'"),
        (claim("$6 million", 6e6, attributed_to="DeepSeek"), claim("$6 million", 6e6),
         ["attribution_dropped"], "stated as fact"),
        (claim("$6 million", 6e6, attributed_to="Reuters"), claim("$6 million", 6e6, attributed_to="Bloomberg"),
         ["attribution_changed"], "Bloomberg instead of Reuters"),
        (claim("$6 million", 6e6, attributed_to="DeepSeek"),
         claim("$6 million", 6e6, attributed_to="DeepSeek's technical report"), ["same"], "same"),
        (claim("$6 million", 6e6, subject="Falcon training cost", entities=["orbital labs"]),
         claim("$6 million", 6e6, subject="Nimbus budget", entities=["vega systems"]), ["subject_drift"], "now about"),
        (claim("$6 million", 6e6, subject="V3 training cost", entities=["deepseek v3"]),
         claim("$6 million", 6e6, subject="rival", entities=["deepseek"]), ["same"], "same"),
    ],
)
def test_classify_mutation(origin, later, kinds, words):
    found, detail = classify_mutation(origin, later)
    assert found == kinds
    assert words in detail


def test_mutation_detail_joins_several_changes():
    origin = claim("$5,576,000", 5_576_000, qualifier_cue="estimated", attributed_to="Simon Willison")
    later = claim("$6M", 6e6, qualifier="under", qualifier_cue="sub-")
    kinds, detail = classify_mutation(origin, later)
    assert kinds == ["rounded", "qualifier_changed", "attribution_dropped"]
    assert detail == ("rounded up 7.6 %; qualifier 'estimated' → 'sub-'; "
                      "credit to Simon Willison dropped, stated as fact")


# --------------------------------------------------------------------------- corpora


def write_corpus(folder, articles):
    folder.mkdir(parents=True, exist_ok=True)
    for name, (date, text) in articles.items():
        header = f"title: {name}\n" + (f"date: {date}\n" if date else "") + "\n"
        (folder / f"{name}.txt").write_text(header + text + "\n")


def ingest_corpus(nlp, tmp_path, articles):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, articles)
    db_path = tmp_path / "news.db"
    summary = ingest_paths([corpus], db_path, nlp=nlp)
    assert summary.errors == []
    return sqlite_utils.Database(db_path), corpus


def figures_by_surface(db):
    rows = db.query(
        "select c.surface, c.figure_id, a.title from claims c join articles a on a.id = c.article_id")
    return {(r["title"], r["surface"]): r["figure_id"] for r in rows}


FACTORY = {
    "wire": ("2025-01-02", "According to its annual report, Acme spent an estimated $5,576,000 "
                           "to build its Ohio battery factory."),
    "daily": ("2025-01-05", "Acme spent around $6 million to build the Ohio battery factory."),
    "blog": (None, "The Ohio battery factory cost Acme just $6M to build."),
}


def test_rounded_figure_is_one_figure_with_lineage_and_mutations(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    figures = figures_by_surface(db)
    assert figures[("wire", "$5,576,000")] == figures[("daily", "$6 million")] == figures[("blog", "$6M")]
    [lineage] = trace(db, "$6M")["figures"]
    assert [c["title"] for c in lineage["claims"]] == ["wire", "daily", "blog"]
    assert lineage["origin"]["surface"] == "$5,576,000" and lineage["claims"][0]["is_origin"]
    assert lineage["claims"][1]["mutation"] == ["rounded", "qualifier_changed", "attribution_dropped"]
    assert "rounded up 7.6 %" in lineage["claims"][1]["detail"]
    assert "rounded" in lineage["claims"][2]["mutation"]
    [figure] = db.query("select * from figures where id = ?", [lineage["id"]])
    assert figure["canonical_value"] == 5_576_000
    assert (figure["n_claims"], figure["n_articles"], figure["unit"]) == (3, 3, "USD")
    assert figure["value_min"] == 5_576_000 and figure["value_max"] == 6_000_000
    assert figure["spread_pct"] == pytest.approx(7.6, abs=0.05)
    assert figure["attributed_origin"] and "report" in figure["attributed_origin"]


def test_same_value_different_subject_stays_apart(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "roads": ("2025-01-02", "The government plans to invest $500 billion in new highways and bridges."),
        "stocks": ("2025-01-03", "The sell-off knocked $500 billion off Tesla's market value on Monday."),
        "stocks2": ("2025-01-04", "Monday's rout wiped nearly $600 billion off Tesla's market value."),
    })
    figures = figures_by_surface(db)
    assert figures[("roads", "$500 billion")] != figures[("stocks", "$500 billion")]
    assert figures[("stocks", "$500 billion")] == figures[("stocks2", "$600 billion")]
    [lineage] = [f for f in trace(db, "$600 billion")["figures"] if len(f["claims"]) == 2]
    assert lineage["claims"][1]["mutation"][0] == "inflated"
    assert len(trace(db, "500 billion")["figures"]) == 2  # a query without unit finds both


def test_different_values_for_different_products_stay_apart(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "one": (None, "Training the Falcon chatbot cost Orbital Labs $5 million last year."),
        "two": (None, "Training the Nimbus translation model cost Vega Systems $6 million."),
    })
    figures = figures_by_surface(db)
    assert figures[("one", "$5 million")] != figures[("two", "$6 million")]


def test_a_figure_restated_in_another_unit_joins_its_figure(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "first": ("2025-01-02", "Tesla lost 12% of its market value, or nearly $100 billion, on Monday."),
        "second": ("2025-01-03", "Tesla's market value fell by about $100 billion on Monday."),
    })
    figures = figures_by_surface(db)
    assert figures[("first", "12%")] == figures[("first", "$100 billion")] == figures[("second", "$100 billion")]
    [lineage] = trace(db, "12%")["figures"]
    assert lineage["origin"]["surface"] == "12%"
    assert all("unit_changed" in c["mutation"] for c in lineage["claims"][1:])


def test_figures_are_deterministic_and_a_new_article_joins_them(nlp, tmp_path):
    db, corpus = ingest_corpus(nlp, tmp_path, FACTORY)
    before = figures_by_surface(db)
    rebuild_figures(db)
    assert figures_by_surface(db) == before
    write_corpus(corpus, {"late": (None, "Acme's Ohio battery factory was built for about $6 million.")})
    summary = ingest_paths([corpus], tmp_path / "news.db", nlp=nlp)
    assert summary.new == 1 and summary.figures is not None
    after = figures_by_surface(db)
    assert after[("late", "$6 million")] == after[("wire", "$5,576,000")]
    assert {k: v for k, v in after.items() if k[0] != "late"} == before


def test_editing_an_article_keeps_figures_whole(nlp, tmp_path):
    db, corpus = ingest_corpus(nlp, tmp_path, FACTORY)
    write_corpus(corpus, {"daily": ("2025-01-05", "Acme spent roughly $6 million on the Ohio battery factory.")})
    summary = ingest_paths([corpus], tmp_path / "news.db", nlp=nlp)
    assert summary.updated == 1
    assert db.execute("select count(*) from claims where figure_id is null").fetchone()[0] == 0
    [lineage] = trace(db, "$6M")["figures"]
    assert len(lineage["claims"]) == 3
    orphans = db.execute("select count(*) from mutations where claim_id not in (select id from claims)")
    assert orphans.fetchone()[0] == 0


def test_lineage_orders_dated_articles_first_then_by_path():
    claims = [
        claim("$6M", 6e6, id="z", article_id="z", path="z.txt", published=None),
        claim("$6M", 6e6, id="a", article_id="a", path="a.txt", published=None),
        claim("$6M", 6e6, id="late", article_id="late", path="m.txt", published="2025-02-01"),
        claim("$6M", 6e6, id="early", article_id="early", path="y.txt", published="2025-01-01"),
    ]
    for c in claims:
        c.context = "acme factory cost"
    [figure] = build_figures(claims)
    assert [c.id for c in figure.claims] == ["early", "late", "a", "z"]


def test_trace_queries(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    assert len(find_figures(db, "$6M")) == 1
    assert find_figures(db, "$6M", subject="battery factory") == find_figures(db, "$6M")
    assert find_figures(db, "$6M", subject="highway") == []
    assert find_figures(db, "6 million percent") == []
    assert find_figures(db, "€6M") == []
    with pytest.raises(ValueError, match="cannot read a figure"):
        find_figures(db, "no figure here")
    json.dumps(trace(db, "$6M"))  # plain data, ready for --json


def test_most_mutated_lists_figures_with_kinds(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    [top] = most_mutated(db)
    assert top["n_claims"] == 3
    assert {"rounded", "qualifier_changed"} <= set(json.loads(top["kinds_seen"]))


def test_representative_subject_prefers_the_words_claims_share():
    from pipeline.tracing import representative_subject

    subjects = ["rival", "cost", "estimated cost", None, "sub-$6 M training cost", "train"]
    assert representative_subject(subjects) in ("estimated cost", "training cost")
    assert representative_subject([None, None]) is None


def test_lineage_of_an_unknown_figure_is_a_key_error(nlp, tmp_path):
    from pipeline.tracing import figure_lineage

    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    with pytest.raises(KeyError, match="no figure 'fig-nope'"):
        figure_lineage(db, "fig-nope")


def test_vectorised_distances_match_the_reference_pair_distance(demo_db):
    """Every pair of the demo corpus's claims: the array computation used for clustering
    gives what pair_distance, the readable reference, gives."""
    import numpy as np

    from pipeline.tracing import _Features, is_restatement, load_claims, pair_distance

    claims = load_claims(sqlite_utils.Database(demo_db[0]))
    claims += [  # corners the corpus lacks: ranges, vague magnitudes, years, small counts, zero
        claim("billions", 1e9, None, "money", value_low=1e9, value_high=1e10, qualifier="range"),
        claim("$0.14–$0.55", 0.14, value_low=0.14, value_high=0.55, qualifier="range"),
        claim("$1.6 billion", 1.6e9), claim("$0.28", 0.28), claim("0", 0.0, None, "count"),
        claim("2015", 2015, None, "year"), claim("2015", 2015, None, "year", article_id="a2"),
        claim("six", 6, "month", "duration"), claim("seven", 7, "month", "duration"),
    ]
    rng = np.random.default_rng(5)
    cosine = rng.uniform(0, 1, size=(len(claims), len(claims)))
    index = np.arange(len(claims))
    fast = _Features(claims).distances(index, index, cosine)
    for i in range(len(claims)):
        for j in range(len(claims)):
            if i != j and not is_restatement(claims[i], claims[j]):
                assert fast[i, j] == pytest.approx(pair_distance(claims[i], claims[j], cosine[i, j])), (i, j)


def corner_claims(seed=3, articles=25):
    """Generated claims with what the demo corpus lacks: negative, zero and missing values,
    ranges and vague magnitudes, years, small counts, related units, and several figures
    in one sentence (some restating each other)."""
    import random

    rng = random.Random(seed)
    units = [("USD", "money"), ("EUR", "money"), (None, "money"), ("percent", "percent"), ("GPU", "count"),
             ("card", "count"), (None, "count"), ("year", "year"), ("USD per 1M tokens", "money")]  # fmt: skip
    values = [6e6, 5.576e6, 17, 6e11, 2.19, 2.5, 5e4, 2015, 7, 6, 0, -3, -3.5, 1.6e9]
    words = "cost train gpu deepseek nvidia market cap chip model revenue share price".split()
    claims = []
    for a in range(articles):
        for s in range(rng.randint(1, 4)):
            text, start = "", 100 * s
            for _ in range(rng.randint(1, 3)):
                unit, kind = rng.choice(units)
                value = rng.choice(values) * (1 if kind == "year" else rng.choice([1, 1, 1.1, 0.9, 1.2, 0.8]))
                extra, surface = {}, f"{value:,.6g}"
                roll = rng.random()
                if roll < 0.08:
                    value, surface = 1e9, "billions"
                    extra = dict(qualifier="range", value_low=1e9, value_high=1e10)
                elif roll < 0.14:
                    surface = f"{value:.3g}-{value * 1.5:.3g}"
                    extra = dict(qualifier="range", value_low=value, value_high=value * 1.5)
                elif roll < 0.18:
                    value = None
                text += rng.choice(["", ", or nearly ", " and then ", " i.e. "]) if text else ""
                claims.append(claim(
                    surface, value, unit, kind, id=f"a{a}-c{start + len(text)}", article_id=f"a{a}",
                    start_char=start + len(text), sentence_id=f"a{a}-s{s}", sentence_start=start,
                    context=" ".join(rng.sample(words, 4)), path=f"a{a}.txt",
                    entities=rng.sample(["deepseek", "nvidia", "openai"], rng.randint(0, 2)), **extra,
                ))  # fmt: skip
                text += surface
            for c in claims:
                if c.sentence_id == f"a{a}-s{s}":
                    c.sentence = text
    return claims


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

    for claims in (load_claims(sqlite_utils.Database(demo_db[0])), corner_claims(5, 40), corner_claims(8, 40)):
        claims = sorted(claims, key=lambda c: (c.article_id, c.start_char))
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


def test_rebuild_writes_the_same_figures_again_and_clears_figures_of_claims_left_out(demo_db, tmp_path):
    import shutil

    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    db = sqlite_utils.Database(db_path)
    dump = lambda: [list(db.query(f"select * from {t} order by rowid")) for t in ("figures", "mutations", "claims")]  # noqa: E731
    before = dump()
    assert rebuild_figures(db) == len(before[0])
    assert dump() == before
    # A claim whose article is gone (as after a crash) keeps no figure.
    db.execute("pragma foreign_keys = off")
    db.execute("update claims set article_id = 'gone' where rowid = 1")
    rebuild_figures(db)
    assert db.execute("select figure_id from claims where rowid = 1").fetchone()[0] is None
    assert db.execute("select count(*) from claims where figure_id is null").fetchone()[0] == 1

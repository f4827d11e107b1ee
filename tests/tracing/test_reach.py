"""Reach: the stored claims an update compares its new claims with, found through trace_postings."""

import pytest
import sqlite_utils

from pipeline.database import write_transaction
from pipeline.runner import ingest_paths
from pipeline.tracing import load_claims_by_rowid
from pipeline.tracing.reach import posting_rows, reachable_rowids

from .helpers import write_corpus

STORED = {
    "factory": ("2025-01-02", "Acme said its Ohio factory cost $5.6 million to build."),
    "far": ("2025-01-02", "Acme said its Ohio factory cost $90 million to build."),
    "stadium": ("2025-01-02", "The city's new stadium seats 52,000 fans."),
    "bridge": ("2025-01-03", "Repairs to the harbour bridge cost $5.8 million last spring."),
    "range": ("2025-01-03", "Analysts put the price of a new Ohio plant at $2 million to $5 million."),
    "pier": ("2025-01-04", "Repairs to the harbour pier ran from $3 million to $5 million."),
}
NEW = {"blog": ("2025-01-09", "The Ohio factory was built for $6 million.")}


def test_a_new_claim_reaches_stored_claims_of_its_value_that_share_a_word_and_ranges_reaching_it(nlp, tmp_path):
    folder = tmp_path / "corpus"
    write_corpus(folder, STORED)
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    # Every claim with a value is indexed under its words, its article and its neighbours;
    # every range, apart, with the span of values it reaches.
    postings = db.execute("select count(distinct claim) from trace_postings").fetchone()[0]
    assert postings == db.execute("select count(*) from claims where value is not null").fetchone()[0]
    assert {r[0] for r in db.execute("select distinct claim from trace_range_postings")} == {
        r[0] for r in db.execute("select rowid from claims where value_high > value")}
    assert db.execute("select min(low), max(high) from trace_range_postings p join claims c on c.rowid = p.claim"
                      " where c.surface = '$3 million to $5 million'").fetchone() == pytest.approx((3e6, 5e6 * 1.25))
    write_corpus(folder, NEW)
    ingest_paths([folder], db_path, nlp=nlp)
    with write_transaction(db):  # its claims untraced, as an ingest leaves them for the update
        db.execute("update claims set figure_id = null where article_id in (select id from articles where path like '%blog%')")
    dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
    new, rowids, _ = load_claims_by_rowid(db, dirty)
    reached = reachable_rowids(db, new, rowids) - set(rowids)

    def surfaces(found):
        return {r[0] for r in db.execute(
            "select surface from claims where rowid in (select value from json_each(?))", [str(sorted(found))])}

    # $5.6 million shares "factory" and "Ohio" and is within reach; $5.8 million is within
    # reach but shares no word; $90 million shares words but is too far. Both ranges' tops
    # reach $6 million (their low ends are outside its band of values): uncapped, both are
    # found, whatever they say; capped, the one sharing "Ohio" is, the other is not.
    assert "$5.6 million" in surfaces(reached)
    assert {"$2 million to $5 million", "$3 million to $5 million"} <= surfaces(reached)
    assert db.execute("select value_high > value from claims where surface = '$3 million to $5 million'").fetchone() == (1,)
    assert not surfaces(reached) & {"$5.8 million", "$90 million", "52,000 fans"}
    from pipeline.tracing.figures import stored_weights

    capped = surfaces(reachable_rowids(db, new, rowids, stored_weights(db).context, per_claim=50))
    assert {"$5.6 million", "$2 million to $5 million"} <= capped
    assert "$3 million to $5 million" not in capped
    # The new claims' postings are what the update adds to the index.
    assert {claim for _, _, claim in posting_rows(new, rowids)} == set(rowids)


def test_a_capped_reach_keeps_the_claims_sharing_the_rarest_words_and_all_of_its_article(nlp, tmp_path):
    from pipeline.tracing.figures import stored_weights

    folder = tmp_path / "corpus"
    # Many stored claims of a reachable value share only the common "Acme" and "cost";
    # one shares the rare "Ohio" and "factory" too.
    common = {f"acme{n}": ("2025-01-02", f"Acme said unit {n} of its business cost ${5.5 + n / 100:.2f} million.") for n in range(6)}
    write_corpus(folder, {**common, "factory": STORED["factory"]})
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    write_corpus(folder, {"blog": ("2025-01-09", "Acme's Ohio factory cost $6 million, its owner said. Roads took $6.1 million more.")})
    ingest_paths([folder], db_path, nlp=nlp)
    with write_transaction(db):  # $6 million new (an update indexes it once traced); the rest of its article stored
        db.execute("update claims set figure_id = null where value = 6e6")
        db.execute("delete from trace_postings where claim in (select rowid from claims where value = 6e6)")
    dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
    new, rowids, _ = load_claims_by_rowid(db, dirty)

    def surfaces(rowids_found):
        return {r[0] for r in db.execute(
            "select surface from claims where rowid in (select value from json_each(?))", [str(sorted(rowids_found))])}

    counts = stored_weights(db).context
    everything = surfaces(reachable_rowids(db, new, rowids, counts))
    assert {"$5.6 million", "$5.50 million", "$5.55 million"} <= everything  # uncapped: all that share a word
    capped = surfaces(reachable_rowids(db, new, rowids, counts, per_claim=1))
    assert "$5.6 million" in capped  # the one sharing the rare words
    assert not capped & {f"${5.5 + n / 100:.2f} million" for n in range(6)}
    assert "$6.1 million" in capped  # a claim of its own article (sharing no word) is always compared


def test_a_capped_reach_keeps_of_the_claims_sharing_a_value_beside_it_those_sharing_the_most_words(nlp, tmp_path):
    from pipeline.tracing.figures import stored_weights

    folder = tmp_path / "corpus"
    # Each stored sentence states $1.2 billion beside a value near $6 million, in words of
    # its own; one also shares the rare "Ohio" and "factory" with the new claim.
    stored = {f"deal{n}": ("2025-01-02", f"Firm {n} paid ${5.5 + n / 100:.2f} million for a {word} and $1.2 billion for the rest.")
              for n, word in enumerate(["boat", "truck", "mill", "barn", "farm", "yard"])}
    stored["factory"] = ("2025-01-02", "Acme paid $5.6 million for an Ohio factory and $1.2 billion for the rest.")
    write_corpus(folder, stored)
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    write_corpus(folder, {"blog": ("2025-01-09", "The Ohio factory cost $6 million, and its parent $1.2 billion.")})
    ingest_paths([folder], db_path, nlp=nlp)
    with write_transaction(db):  # new, as an ingest leaves them for the update (which indexes them once traced)
        db.execute("update claims set figure_id = null where article_id in (select id from articles where path like '%blog%')")
        db.execute("delete from trace_postings where claim in (select rowid from claims where figure_id is null)")
    dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
    new, rowids, _ = load_claims_by_rowid(db, dirty)
    assert any(claim.costated for claim in new)

    def millions(found):
        return {r[0] for r in db.execute(
            "select surface from claims where rowid in (select value from json_each(?)) and value < 1e8", [str(sorted(found))])}

    counts = stored_weights(db).context
    near = {f"${5.5 + n / 100:.2f} million" for n in range(6)}
    assert near | {"$5.6 million"} <= millions(reachable_rowids(db, new, rowids, counts))  # uncapped: all of them
    capped = millions(reachable_rowids(db, new, rowids, counts, per_claim=1))
    assert "$5.6 million" in capped  # sharing the value beside it and the most words
    assert not capped & near


def test_only_words_of_many_claims_in_a_large_corpus_are_too_common_to_probe():
    from pipeline.tracing.reach import COMMON_WORD_CLAIMS, _common_words
    from pipeline.tracing.vectors import TermCounts

    # In a small corpus a word of half the claims is still probed: it has few postings.
    assert _common_words(TermCounts(1_000, {"acme": 500, "ohio": 3})) == frozenset()
    large = TermCounts(100_000, {"billion": 40_000, "company": 11_000, "ohio": 900, "factory": 9_000})
    assert _common_words(large) == {"billion", "company"}
    assert _common_words(TermCounts(10_000, {"acme": COMMON_WORD_CLAIMS + 1, "ohio": 1_500})) == {"acme"}
    assert _common_words(None) == frozenset()


def test_ranges_are_indexed_under_each_order_of_magnitude_they_span_or_as_wide():
    from pipeline.tracing.reach import WIDE, _magnitude, _magnitudes

    assert _magnitudes(2e6, 6.25e6) == ["+6"]
    assert _magnitudes(999.9, 1000.1) == ["+2", "+3"]  # a value either side finds it
    assert _magnitude(999.95)[0] == "+2" and _magnitude(1000)[0] == "+3"
    assert _magnitudes(-5, -1) == ["-0"] and _magnitude(-3) == ["-0", WIDE]
    assert _magnitudes(-1, 3) == [WIDE] and _magnitudes(1, 1e9) == [WIDE]  # across zero, or too wide
    assert _magnitude(0) == [WIDE]  # every probe reads the wide ones


def test_postings_read_from_the_weighed_rows_are_those_of_the_tokenized_contexts(demo_db, monkeypatch):
    """A rebuild reads each claim's words from its weighed row (posting_rows ``weighed``)
    instead of tokenizing its context again: the same rows, in the same order, chunk by chunk."""
    import pipeline.tracing.reach as reach
    from pipeline.tracing.clustering import context_weighed
    from pipeline.tracing.figures import _read_claims
    from pipeline.tracing.values import mark_costated

    claims, rowids, _, _ = _read_claims(sqlite_utils.Database(demo_db[0]), "", [], "", [])
    mark_costated(claims)
    vectors, counts = context_weighed(claims, None)
    for chunk in (reach.POSTING_CHUNK, 7):
        monkeypatch.setattr(reach, "POSTING_CHUNK", chunk)
        tokenized = list(posting_rows(claims, rowids))
        assert list(posting_rows(claims, rowids, weighed=(vectors, sorted(counts.counts)))) == tokenized
    assert len({claim for _, _, claim in tokenized}) > 100
    assert any(c.costated for c in claims)


def _top_found_by_hand(found: list[tuple[int, int]], probes: list[tuple], most: int) -> set[int]:
    """_top_found's rule, claim by claim: weights summed in probe order (as numpy sums a
    segment), ranked by score (highest first) then claim, the first ``most`` kept, for
    words and for gated values."""
    import numpy as np

    weights: dict[tuple[int, int], list[float]] = {}
    gated: dict[tuple[int, int], int] = {}
    for position, claim in sorted(found):
        number, *_, weight, gate = probes[position]
        weights.setdefault((number, claim), []).append(weight)
        gated[number, claim] = max(gated.get((number, claim), 0), gate)
    scores = {key: float(np.add.reduceat(np.array(added), [0])[0]) for key, added in weights.items()}
    chosen = set()
    for passes in (lambda key: scores[key] > 0, lambda key: gated[key] > 0):
        by_claim: dict[int, list] = {}
        for key in filter(passes, scores):
            by_claim.setdefault(key[0], []).append((-scores[key], key[1]))
        for ranked in by_claim.values():
            chosen.update(claim for _, claim in sorted(ranked)[:most])
    return chosen


def test_the_claims_ranked_for_a_capped_reach_do_not_depend_on_the_order_postings_come_in():
    import numpy as np

    from pipeline.tracing.reach import _stable_order, _top_found

    rng = np.random.default_rng(5)
    # new claims' probes (number, key, low, high, weight, gate), weights often tied
    probes = [(int(n), 0, 0.0, 1.0, float(rng.choice([0.0, 0.25, 0.5, 0.1 + rng.random()])), int(rng.random() < 0.2))
              for n in np.sort(rng.integers(0, 6, 40))]
    found = sorted({(int(p), int(c)) for p, c in zip(rng.integers(0, len(probes), 600), rng.integers(1, 60, 600))})
    expected = _top_found_by_hand(found, probes, 4)
    assert 10 < len(expected) < 59
    for _ in range(3):
        shuffled = [found[i] for i in rng.permutation(len(found))]
        positions, claims = (np.array(column, dtype=np.int64) for column in zip(*shuffled))
        assert _top_found((positions, claims), probes, 4) == expected
    # 0.3, 0.2 and 0.1 sum to more than 0.6 in that order, and to 0.6 the other way: claim
    # 100 ranks first only with its weights summed in probe order
    tied = [(0, 0, 0.0, 1.0, weight, 0) for weight in (0.3, 0.2, 0.1, 0.6)]
    assert np.add.reduceat(np.array([0.3, 0.2, 0.1]), [0])[0] > 0.6 == np.add.reduceat(np.array([0.1, 0.2, 0.3]), [0])[0]
    assert _top_found_by_hand([(0, 100), (1, 100), (2, 100), (3, 99)], tied, 1) == {100}
    assert _top_found((np.array([3, 2, 1, 0]), np.array([99, 100, 100, 100])), tied, 1) == {100}
    # the sort by pairs: one combined key where it fits, numpy's lexsort past it, the same order
    major, minor = rng.integers(0, 5, 300), rng.integers(0, 9, 300)
    assert (_stable_order(major, minor) == np.lexsort((minor, major))).all()
    assert (_stable_order(major, minor + (1 << 61)) == np.lexsort((minor, major))).all()


@pytest.mark.parametrize("added", [(), ((1, 9.0, 12), (2, 5.6, 10))], ids=["one table", "rows added apart"])
def test_postings_found_are_those_of_the_probes_join_but_crowded_bands(monkeypatch, added):
    import numpy as np

    import pipeline.tracing.reach as reach
    from pipeline.tracing.reach import _postings_found

    db = sqlite_utils.Database(memory=True)
    tables = ("trace_postings", "trace_postings_added")
    for table in tables:
        db.execute(f"create table {table} (term integer, value real, claim integer, primary key (term, value, claim)) without rowid")
    rows = [(1, 5.0, 10), (1, 6.0, 11), (1, 9.0, 12), (2, 5.5, 13), (2, 5.6, 10)]
    # Rows an update added apart are found with the others, a band split between the two
    # tables counted whole.
    db.conn.executemany("insert into trace_postings values (?, ?, ?)", [row for row in rows if row not in added])
    db.conn.executemany("insert into trace_postings_added values (?, ?, ?)", added)
    db.execute("create temp table reach_probes (position integer primary key, key integer, low real, high real, weight real)")
    db.execute("insert into temp.reach_probes values (0, 2, 5.0, 6.0, 1), (1, 3, 0.0, 9.0, 1), (2, 1, 4.0, 6.5, 1), (3, 1, 0, 9, null),"
               " (4, 2, 5.0, 6.0, 0.5)")  # (4 reads what 0 reads: read once for both)
    both = "(select * from trace_postings union all select * from trace_postings_added)"
    join = f"from temp.reach_probes q join {both} p on p.term = q.key and p.value between q.low and q.high"
    match, same = "p.term = q.key and p.value between q.low and q.high", "q.key, q.low, q.high"
    positions, claims = _postings_found(db, "temp.reach_probes", tables, match, same, "q.weight is not null")
    found = sorted(zip(positions.tolist(), claims.tolist()))
    assert found == sorted(db.execute(f"select q.position, p.claim {join} where q.weight is not null").fetchall())
    assert found == [(0, 10), (0, 13), (2, 10), (2, 11), (4, 10), (4, 13)]
    # kept: only the postings the condition keeps, the band counted in full
    positions, claims = _postings_found(db, "temp.reach_probes", tables, match, same, "q.weight is not null", "p.claim != 10")
    assert sorted(zip(positions.tolist(), claims.tolist())) == [(0, 13), (2, 11), (4, 13)]
    # a probe whose band holds more than BAND_CLAIMS postings finds none (kept or not); one
    # at it finds them all
    monkeypatch.setattr(reach, "BAND_CLAIMS", 2)
    positions, claims = _postings_found(db, "temp.reach_probes", tables, match, same, "1")
    assert sorted(zip(positions.tolist(), claims.tolist())) == [(0, 10), (0, 13), (2, 10), (2, 11), (4, 10), (4, 13)]  # (3 finds three)
    positions, claims = _postings_found(db, "temp.reach_probes", tables, match, same, "1", "p.claim = 13")
    assert sorted(zip(positions.tolist(), claims.tolist())) == [(0, 13), (4, 13)]
    monkeypatch.setattr(reach, "BAND_CLAIMS", 1)  # (0 and 4 find two postings each: none)
    positions, claims = _postings_found(db, "temp.reach_probes", tables, match, same, "1", "p.claim = 13")
    assert len(claims) == 0
    empty = _postings_found(db, "temp.reach_probes", tables, match, same, "q.key = 3")
    assert [len(column) for column in empty] == [0, 0] and empty[0].dtype == np.int64

"""Figures: claims grouped into figures with their lineage on small ingested corpora, subjects, and rebuilds."""

import pytest
import sqlite_utils

from pipeline.runner import ingest_paths
from pipeline.tracing import build_figures, rebuild_figures, trace

from .helpers import FACTORY, claim, ingest_corpus, write_corpus


def figures_by_surface(db):
    rows = db.query(
        "select c.surface, c.figure_id, a.title from claims c join articles a on a.id = c.article_id")
    return {(r["title"], r["surface"]): r["figure_id"] for r in rows}


def test_rounded_figure_is_one_figure_with_lineage_and_mutations(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    figures = figures_by_surface(db)
    assert figures[("wire", "$5,576,000")] == figures[("daily", "$6 million")] == figures[("blog", "$6M")]
    [lineage] = trace(db, "$6M")["figures"]
    assert [c["title"] for c in lineage["claims"]] == ["wire", "daily", "blog"]
    assert lineage["origin"]["surface"] == "$5,576,000" and lineage["claims"][0]["is_origin"]
    assert lineage["claims"][1]["mutation"] == ["rounded", "qualifier_changed", "attribution_dropped"]
    assert "rounded up 7.6%" in lineage["claims"][1]["detail"]
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
    restated, other = lineage["claims"][1:]
    # Beside the origin in its sentence, another unit restates it; in another article it changed unit.
    assert (restated["surface"], restated["mutation"]) == ("$100 billion", ["restated"])
    assert restated["detail"] == "restates '12%' of the same sentence in another unit"
    assert other["article_id"] != restated["article_id"] and "unit_changed" in other["mutation"]


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


def test_representative_subject_prefers_the_words_claims_share():
    from pipeline.tracing import representative_subject

    subjects = ["rival", "cost", "estimated cost", None, "sub-$6 M training cost", "train"]
    assert representative_subject(subjects) in ("estimated cost", "training cost")
    assert representative_subject([None, None]) is None


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



def test_rebuild_in_batches_of_one_figure_writes_what_one_batch_does(demo_db, tmp_path, monkeypatch):
    import shutil

    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    db = sqlite_utils.Database(db_path)
    dump = lambda: [list(db.query(f"select * from {t} order by id")) for t in ("figures", "mutations", "claims")]  # noqa: E731
    before = dump()
    db.execute("pragma foreign_keys = off")
    with db.conn:  # claims pointing nowhere, figures and mutations gone: all is rewritten
        db.execute("update claims set figure_id = null")
        db.execute("delete from mutations")
        db.execute("delete from figures")
    monkeypatch.setattr("pipeline.tracing.figures.FIGURE_BATCH", 1)
    assert rebuild_figures(db) == len(before[0])
    assert dump() == before


def test_a_rebuild_stopped_while_it_writes_leaves_the_figures_as_they_were(demo_db, tmp_path, monkeypatch):
    import shutil

    from pipeline.tracing.figures import Figure

    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    db = sqlite_utils.Database(db_path)
    dump = lambda: [list(db.query(f"select * from {t} order by {key}"))  # noqa: E731
                    for t, key in (("figures", "id"), ("mutations", "id"), ("claims", "id"), ("trace_postings", "term, value, claim"),
                                   ("trace_postings_added", "term, value, claim"), ("trace_range_postings", "term, low, claim"))]
    before = dump()
    real, made = Figure.rows, []

    def rows_then_stop(self):
        if len(made) == 30:  # past the first batch of 4: rows of earlier batches are written
            raise KeyboardInterrupt
        made.append(self.id)
        return real(self)

    monkeypatch.setattr("pipeline.tracing.figures.FIGURE_BATCH", 4)
    monkeypatch.setattr(Figure, "rows", rows_then_stop)
    with pytest.raises(KeyboardInterrupt):
        rebuild_figures(db)
    assert dump() == before
    monkeypatch.setattr(Figure, "rows", real)
    assert rebuild_figures(db) == len(before[0]) and dump() == before  # and a rerun completes


def test_a_sentence_text_is_kept_only_where_tracing_reads_it(tmp_path):
    from pipeline.tracing import load_claims

    db, _ = ingest_corpus_without_nlp(tmp_path)
    by_surface = {c.surface: c for c in load_claims(db)}
    # a claim alone in its sentence reads its context, not the sentence
    assert by_surface["$9 million"].sentence == "" and by_surface["$9 million"].context
    # claims stated together keep it: what lies between them tells a restatement
    assert "or nearly" in by_surface["17%"].sentence and by_surface["$600 billion"].sentence == by_surface["17%"].sentence
    # a claim with no context falls back on its sentence
    assert by_surface["40 GPUs"].sentence == "Acme bought 40 GPUs."


def ingest_corpus_without_nlp(tmp_path):
    """A tiny store written directly: one sentence with one claim, one with two, one claim with no context."""
    from pipeline.store import open_db

    db = open_db(tmp_path / "news.db")
    db.execute("insert into runs (id, started_at, status) values (1, '2025-01-01', 'finished')")
    db.execute("insert into articles (id, path, title, published, content_hash, text, run_id) values ('a', 'a.txt', 'a', null, 'h', '', 1)")
    sentences = [("s1", "Acme raised $9 million."), ("s2", "Shares lost 17%, or nearly $600 billion."), ("s3", "Acme bought 40 GPUs.")]
    for n, (sid, text) in enumerate(sentences):
        db.execute("insert into sentences (id, article_id, position, text, start_char, end_char) values (?, 'a', ?, ?, ?, ?)",
                   [sid, n, text, 100 * n, 100 * n + len(text)])  # fmt: skip
    claims = [("c1", "s1", "$9 million", 9e6, "USD", "money", "acme raise"), ("c2", "s2", "17%", 17, "percent", "percent", "share lose"),
              ("c3", "s2", "$600 billion", 6e11, "USD", "money", "share lose"), ("c4", "s3", "40 GPUs", 40, "GPU", "count", None)]  # fmt: skip
    for cid, sid, surface, value, unit, kind, context in claims:
        db.execute("insert into claims (id, article_id, sentence_id, surface, start_char, end_char, value, unit, qualifier, kind, context)"
                   " values (?, 'a', ?, ?, 0, 1, ?, ?, 'exact', ?, ?)", [cid, sid, surface, value, unit, kind, context])  # fmt: skip
    db.conn.commit()
    return db, None


def test_origin_certainty_from_the_dates_of_the_articles_stating_a_figure():
    from pipeline.tracing import origin_certainty, origin_note

    assert origin_certainty([("a", "2025-03-04"), ("b", "2025-03-05"), ("a", "2025-03-04")]) == "certain"
    assert origin_certainty([("a", "2025-03-04"), ("b", "2025-03-04"), ("c", "2025-03-09")]) == "tied"
    assert origin_certainty([("a", "2025-03-04"), ("b", None)]) == "some_undated"
    assert origin_certainty([("a", None), ("b", None)]) == "undated"
    assert origin_note("tied", [("a", "2025-03-04"), ("b", "2025-03-04")]) == "uncertain: 2 articles share the earliest date, 2025-03-04"
    assert origin_note("some_undated", [("a", "2025-03-04"), ("b", None), ("c", None)]) == (
        "uncertain: 2 undated articles state it too and may be earlier"
    )
    assert origin_note("undated", [("a", None)]) == "uncertain: no article stating it is dated"


def test_one_value_said_of_two_places_is_two_figures(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "spain": ("2025-01-02", "Some 7% of homes in Spain still lack broadband, the regulator said."),
        "italy": ("2025-01-03", "Some 7% of homes in Italy still lack broadband, the regulator said."),
        "spain2": ("2025-01-04", "About 7% of homes in Spain lack broadband, regulators found."),
    })  # fmt: skip
    figures = {r["figure_id"] for r in db.query("select figure_id from claims")}
    by_place = {r["scope"]: r["figure_id"] for r in db.query("select scope, figure_id from claims")}
    assert len(figures) == 2 and by_place["Spain"] != by_place["Italy"]


def test_a_comparison_list_keeps_each_countrys_figure_its_own(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "one": ("2025-01-02", "The International Energy Agency says the network uses 80.9 TWh a year, "
                              "more than Chile (80.2 TWh) but less than Peru (81.4 TWh)."),
        "two": ("2025-01-05", "The network now uses about 81 TWh a year, the International Energy Agency said."),
    })  # fmt: skip
    rows = {r["surface"]: r["figure_id"] for r in db.query("select surface, figure_id from claims")}
    assert len({rows["80.2 TWh"], rows["81.4 TWh"], rows["80.9 TWh a year"]}) == 3
    assert rows["81 TWh a year"] == rows["80.9 TWh a year"]


def test_place_keys_match_however_a_text_names_the_place():
    from pipeline.tracing.values import scopes_conflict

    assert not scopes_conflict("United Arab Emirates", "UAE")
    assert not scopes_conflict("the U.S.", "US; Europe")
    assert scopes_conflict("Russia", "US")
    assert not scopes_conflict(None, "Russia")


def test_a_figure_anybody_may_state_does_not_join_an_unrelated_story(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "pause": ("2025-01-02", "Microsoft asked regulators in Brussels for a pause of six months on the merger review."),
        "pause2": ("2025-01-04", "Microsoft wants the Brussels review paused for six months, the European Commission said."),
        "football": ("2025-01-03", "The Arsenal striker will be out for six months after knee surgery, Mikel Arteta said."),
    })  # fmt: skip
    rows = {r["path"].rsplit("/", 1)[-1]: r["figure_id"] for r in db.query(
        "select a.path, c.figure_id from claims c join articles a on a.id = c.article_id")}  # fmt: skip
    assert rows["pause.txt"] == rows["pause2.txt"] != rows["football.txt"]


def test_one_quantity_in_two_units_of_one_dimension_is_one_figure(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "metric": ("2025-01-02", "Tesla said the new Nevada battery plant will use 2,500 MWh of power a month."),
        "imperial": ("2025-01-03", "Tesla's Nevada battery plant will need about 2.5 GWh of power a month, the company said."),
        "other": ("2025-01-04", "Tesla's Nevada plant stores 900 MWh in its batteries."),
    })  # fmt: skip
    rows = {r["surface"]: r["figure_id"] for r in db.query("select surface, figure_id from claims")}
    assert rows["2,500 MWh"] == rows["2.5 GWh"] != rows["900 MWh"]


def test_shares_as_fractions_and_percentages_are_one_figure(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "one": ("2025-01-02", "Unicef says a quarter of children in Chad are not in school."),
        "two": ("2025-01-03", "Some 25% of children in Chad miss school, Unicef reported."),
        "three": ("2025-01-04", "Unicef says two-thirds of schools in Chad lack water."),
    })  # fmt: skip
    rows = {r["surface"]: (r["figure_id"], r["unit"]) for r in db.query("select surface, figure_id, unit from claims")}
    quarter = next(v for k, v in rows.items() if "quarter" in k)
    percent = next(v for k, v in rows.items() if "25%" in k)
    thirds = next(v for k, v in rows.items() if "two-thirds" in k)
    assert quarter[0] == percent[0] != thirds[0]
    unit = db.execute("select unit from figures where id = ?", [quarter[0]]).fetchone()[0]
    assert unit == "percent"


def test_figures_stated_together_join_however_each_source_words_them(nlp, tmp_path):
    # Two sources give the same pair of shares in one sentence each, in different words.
    survey = "A Gallup poll of Nebraska farmers found 58% plan to plant more soy, with 34% staying with corn."
    digest = ("Nebraska growers answered the Gallup survey last week. Growers are shifting: 58% of those "
              "asked will sow soybeans and another 34% will not change crops.")

    def figures(folder, digest_text):
        db, _ = ingest_corpus(nlp, tmp_path / folder, {
            "survey": ("2025-01-02", survey), "digest": ("2025-01-03", digest_text)})  # fmt: skip
        rows = db.query("select c.surface, c.figure_id, a.title from claims c join articles a on a.id = c.article_id")
        return {(r["title"], r["surface"].split()[-1] if "%" not in r["surface"] else r["surface"][:3]): r["figure_id"] for r in rows}

    both = figures("both", digest)
    assert both[("survey", "58%")] == both[("digest", "58%")]
    assert both[("survey", "34%")] == both[("digest", "34%")] != both[("survey", "58%")]
    # The same wording with the second value gone: nothing says the 58% is the survey's.
    alone = figures("alone", digest.replace(" and another 34% will not change crops", ""))
    assert alone[("survey", "58%")] != alone[("digest", "58%")]


def test_one_value_twice_in_an_article_is_one_figure_unless_said_of_a_place_the_other_is_not(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, {
        "report": ("2025-01-02", "The reform could lift national output by 7% over a decade. "
                                 "Analysts expect the gains to come slowly.\n\n"
                                 "In Ohio alone, about 7% of workers hold jobs the reform would end. "
                                 "The reform's 7% boost to output would come from productivity."),
    })  # fmt: skip
    rows = [(r["surface"], r["scope"], r["figure_id"]) for r in db.query("select surface, scope, figure_id from claims order by start_char")]
    (_, _, output), (_, place, ohio), (_, _, again) = rows
    assert place == "Ohio"
    assert output == again != ohio


def test_rebuild_progress_counts_every_claim_and_figure_of_each_stage(demo_db, tmp_path):
    import shutil

    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    db = sqlite_utils.Database(db_path)
    seen = []
    figures = rebuild_figures(db, progress=lambda stage, done, total: seen.append((stage, done, total)))
    last = {stage: (done, total) for stage, done, total in seen}
    claims = db.execute("select count(*) from claims").fetchone()[0]
    valued = db.execute("select count(*) from claims where value is not null").fetchone()[0]
    stages = ["reading claims", "finding blocks", "clustering", "writing", "indexing claims"]
    assert list(dict.fromkeys(stage for stage, _, _ in seen)) == stages
    assert last == {"reading claims": (claims, claims), "finding blocks": (valued, valued), "clustering": (claims, claims),
                    "writing": (figures, figures), "indexing claims": (claims, claims)}  # fmt: skip
    for stage in last:  # each stage only moves forward
        dones = [done for s, done, _ in seen if s == stage]
        assert dones == sorted(dones)


def test_claims_read_their_articles_names_from_one_row_each_as_from_every_mention(demo_db, tmp_path):
    import shutil

    from pipeline.tracing.figures import load_claims, load_claims_by_rowid

    path = tmp_path / "copy.db"
    shutil.copy(demo_db[0], path)
    db = sqlite_utils.Database(path)

    def read():
        claims = load_claims(db)
        some, _, _ = load_claims_by_rowid(db, [r[0] for r in db.execute("select rowid from claims where rowid % 7 = 0")])
        return [(c.id, c.story, c.entities) for c in claims + some]

    stored = read()
    assert sum(bool(story) for _, story, _ in stored) > len(stored) / 2  # (the demo's articles name things)
    db.execute("delete from article_names")  # each article's names read from its mentions instead
    db.conn.commit()
    assert read() == stored


def _demo_claims_read(demo_db, tmp_path):
    """A copy of the demo database, its claims' rowids, and its claims read in full with
    their figure ids (:func:`load_claims_by_rowid`)."""
    import shutil

    from pipeline.tracing.figures import load_claims_by_rowid

    path = tmp_path / "copy.db"
    shutil.copy(demo_db[0], path)
    db = sqlite_utils.Database(path)
    rowids = [r[0] for r in db.execute("select rowid from claims order by rowid")]
    claims, _, figure_ids = load_claims_by_rowid(db, rowids)
    return db, rowids, claims, figure_ids


def test_traced_claims_keep_the_values_beside_them_and_are_read_with_them_as_untraced_ones_are_worked_out(demo_db, tmp_path):
    import json

    from pipeline.tracing.figures import load_claims_by_rowid
    from pipeline.tracing.values import COSTATED_MAX, value_key

    db, rowids, claims, _ = _demo_claims_read(demo_db, tmp_path)
    stored = dict(db.execute("select id, stated_beside from claims"))
    by_sentence: dict = {}
    for claim in claims:
        by_sentence.setdefault(claim.sentence_id, []).append(claim)
    for claim in claims:  # the keys of the other values its sentence states, as stored
        others = {value_key(c) for c in by_sentence[claim.sentence_id] if c is not claim} - {None, value_key(claim)}
        assert set(json.loads(stored[claim.id])) == (others if 2 <= len(by_sentence[claim.sentence_id]) <= COSTATED_MAX + 1 else set())
    assert any(json.loads(keys) for keys in stored.values()) and "[]" in stored.values()
    # Read untraced (as just stored), every third claim: worked out from their sentences.
    db.execute("update claims set stated_beside = null where rowid % 3 = 0")
    db.conn.commit()
    again, _, _ = load_claims_by_rowid(db, rowids)
    assert [c.costated for c in again] == [c.costated for c in claims]
    assert [c.costated for c in again] == [frozenset(json.loads(stored[c.id])) for c in again]


def test_traced_claims_keep_their_words_and_read_only_to_compare_compare_as_read_in_full(demo_db, tmp_path):
    import numpy as np

    from pipeline.tracing.clustering import _restatement_pairs, context_weighed
    from pipeline.tracing.distance import _Features, context_document
    from pipeline.tracing.figures import ReadToCompare, load_compared_claims, stored_weights
    from pipeline.tracing.vectors import context_analyzer

    db, rowids, full, figure_ids = _demo_claims_read(demo_db, tmp_path)
    analyze = context_analyzer()
    stored = dict(db.execute("select id, context_terms from claims"))
    for claim in full:  # the words of its context and its sentence's names, as tokenized
        claim.terms = None
        assert stored[claim.id].split() == analyze(context_document(claim)), claim.id
    assert None not in stored.values()
    compared, read_rowids, compared_figures = load_compared_claims(db, rowids, {}, ReadToCompare(db))
    assert read_rowids == rowids and compared_figures == figure_ids
    assert compared.terms == [analyze(context_document(c)) for c in full]
    for name in ("value", "value_low", "value_high", "digits", "unit", "unit_factor", "kind", "scope", "costated"):
        assert getattr(compared, name) == [getattr(c, name) for c in full], name
    # stories read when asked for, as read in full
    assert set(compared.story) == {None} and compared.names(compared.article_id) == {c.article_id: c.story for c in full}
    sharing = sorted(compared.whole)  # (held whole: the claims sharing their sentence, with its text)
    assert sharing and all(compared[n].sentence == full[n].sentence != "" for n in sharing)
    assert not any(compared[n].entities or compared[n].context or compared[n].published for n in sharing)  # (not read)
    # every distance input the same: values, digits, units, scopes, articles, stories, sentences, keys
    weights = stored_weights(db)
    a, b = _Features(full, weights.story), _Features(compared, weights.story)
    for name in ("value", "low", "high", "digits", "exact", "bucket", "vague", "range", "small", "article", "sentence", "unit", "scope",
                 "generic", "unit_factor", "dimension", "comparable", "costated", "has_costated"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert (a.stories != b.stories).nnz == 0 and a._scope_keys == b._scope_keys and a._unit_keys == b._unit_keys
    assert (context_weighed(full, weights.context)[0] != context_weighed(compared, weights.context)[0]).nnz == 0
    assert [(sharing[i], sharing[j]) for i, j in _restatement_pairs([compared[n] for n in sharing])] == _restatement_pairs(full) != []
    # what a read read before is taken from it, in rowid order with what is read now
    compared = ReadToCompare(db)
    first, _, _ = load_compared_claims(db, rowids[3:6], {}, compared)
    db.execute("update claims set value = value * 2 where rowid in (?, ?)", [rowids[4], rowids[7]])
    again, again_rowids, again_figures = load_compared_claims(db, rowids[2:8], {}, compared)
    assert again_rowids == rowids[2:8] and again_figures == figure_ids[2:8]
    assert again.value == [c.value for c in full[2:7]] + [full[7].value * 2] and again.terms[1:4] == first.terms
    db.execute("update claims set value = value / 2 where rowid in (?, ?)", [rowids[4], rowids[7]])
    # a claim with no words stored (not traced) is read in full
    db.execute("update claims set context_terms = null where rowid = ?", [rowids[0]])
    db.conn.commit()
    known: dict = {}
    again, _, _ = load_compared_claims(db, rowids[:3], known, ReadToCompare(db))
    assert list(known) == [rowids[0]] and again[0] is known[rowids[0]][0] and again[0].entities == full[0].entities
    assert again.value == [c.value for c in full[:3]] and again.terms[0] is None  # (its words tokenized when weighed)
    assert (context_weighed(full[:3], weights.context)[0] != context_weighed(again, weights.context)[0]).nnz == 0

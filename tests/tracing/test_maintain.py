"""Maintenance: figures updated after each ingest at the cost of the blocks new claims join, the same as a rebuild."""

import json
import shutil

import pytest
import sqlite_utils

import pipeline.tracing.figures as figures_module
import pipeline.tracing.maintain as maintain
from pipeline.database import write_transaction
from pipeline.runner import ingest_paths
from pipeline.store.articles import _dissolve_figures
from pipeline.tracing import needs_rebuild, rebuild_figures, update_blocks, update_figures

from .helpers import write_corpus


def state(db) -> tuple:
    """Every figure, mutation and claim assignment (with the keys it keeps), order aside."""
    return tuple(
        sorted(db.execute(sql).fetchall(), key=repr)
        for sql in ("select * from figures", "select * from mutations", "select id, figure_id, stated_beside from claims")
    )


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "news.db"
    shutil.copy(demo_db[0], path)
    return sqlite_utils.Database(path)


@pytest.mark.parametrize("change", ["new article", "dissolved figures"])
def test_an_update_gives_the_rebuilds_figures(demo_copy, change):
    db = demo_copy
    rebuild_figures(db)
    rebuilt = state(db)
    articles = [r[0] for r in db.execute("select id from articles order by id")]
    for article_id in articles:
        with write_transaction(db):
            if change == "new article":  # its claims alone untraced, as just stored
                db.execute("update claims set figure_id = null, stated_beside = null where article_id = ?", [article_id])
            else:  # as an edit of another article, or a new date, leaves them
                _dissolve_figures(db, article_id)
        dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
        assert dirty
        with write_transaction(db):
            done = update_blocks(db, dirty)
        assert state(db) == rebuilt, article_id
        # Only the figures that lost or gained claims were written again.
        assert done["written"] < len(rebuilt[0])


def test_figures_are_rebuilt_and_updated_with_the_garbage_collector_held_off_and_restored(demo_copy, monkeypatch):
    import gc

    seen = []
    for module, name in ((figures_module, "_read_claims"), (maintain, "stored_weights")):  # (one inside each)
        monkeypatch.setattr(module, name, lambda *args, read=getattr(module, name), **kw: seen.append(gc.isenabled()) or read(*args, **kw))
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            rebuild_figures(demo_copy)
            assert gc.isenabled() is enabled  # as it was
            with write_transaction(demo_copy):
                demo_copy.execute("update claims set figure_id = null where rowid = (select min(rowid) from claims)")
                update_blocks(demo_copy, [r[0] for r in demo_copy.execute("select rowid from claims where figure_id is null")])
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
    assert seen and not any(seen)  # off while tracing
    monkeypatch.setattr(maintain, "stored_weights", lambda db: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        update_blocks(demo_copy, [1])
    assert gc.isenabled()  # on again after a failure


def test_an_update_writes_the_claim_and_mutation_rows_that_change_and_no_others(demo_copy):
    db = demo_copy
    rebuild_figures(db)
    rebuilt = state(db)
    db.execute("create temp table written (tbl text)")
    for table, event in (("claims", "update"), ("mutations", "insert"), ("mutations", "delete")):
        db.execute(f"create temp trigger {table}_{event}_counted after {event} on main.{table}"
                   f" begin insert into written values ('{table}'); end")  # fmt: skip
    [article_id] = db.execute("select article_id from claims group by article_id order by count(*) desc limit 1").fetchone()
    with write_transaction(db):  # its claims untraced, as just stored
        db.execute("update claims set figure_id = null, stated_beside = null where article_id = ?", [article_id])
        db.execute("delete from written")
    dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
    with write_transaction(db):
        done = update_blocks(db, dirty)
    assert state(db) == rebuilt
    # The figures the claims rejoin were written again with their other members and
    # mutations as they were: only the rejoining claims' rows are written.
    members = db.execute(
        "select count(*) from claims where figure_id in (select figure_id from claims where article_id = ?)", [article_id]
    ).fetchone()[0]  # fmt: skip
    assert done["written"] >= 1 and members > len(dirty)
    assert dict(db.execute("select tbl, count(*) from written group by tbl").fetchall()) == {"claims": len(dirty)}


STORY = {
    "wire": ("2025-01-02", "Acme said the new factory in Ohio cost $5,576,000 to build, according to its annual report."),
    "daily": ("2025-01-03", "Acme's Ohio factory cost around $6 million to build, the company said."),
    "jobs": ("2025-01-03", "The Ohio factory will employ 1,200 workers by next year."),
}
LATER = {"blog": ("2025-01-09", "Acme built its Ohio factory for just $6M, a fraction of what rivals spend.")}


@pytest.mark.parametrize("block_limit", [maintain.JOINED_LIMIT, 0], ids=["blocks re-clustered", "large blocks joined"])
def test_a_new_article_joins_the_stored_figure_and_other_figures_stay_as_they_were(nlp, tmp_path, monkeypatch, block_limit):
    # Updates run on corpora of STORY_CORPUS articles and UPDATE_FROM_CLAIMS claims:
    # lowered so three articles are one. With no block small enough to re-cluster, the
    # new claim joins the stored figure by average linkage instead.
    monkeypatch.setattr(maintain, "STORY_CORPUS", 1)
    monkeypatch.setattr(maintain, "UPDATE_FROM_CLAIMS", 0)
    monkeypatch.setattr(maintain, "BLOCK_LIMIT", block_limit)
    monkeypatch.setattr(maintain, "JOINED_LIMIT", block_limit)
    monkeypatch.setattr(maintain, "JOIN_PAIRS", 1)  # each large figure compared alone
    folder = tmp_path / "corpus"
    write_corpus(folder, STORY)
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    workers = db.execute("select rowid, * from figures where unit != 'USD' or unit is null").fetchall()
    write_corpus(folder, LATER)
    updates = []
    monkeypatch.setattr(maintain, "update_blocks", lambda db, dirty: updates.append(update_blocks(db, dirty)))
    ingest_paths([folder], db_path, nlp=nlp)
    assert len(updates) == 1 and updates[0]["dirty"] >= 1
    if block_limit == 0:  # only the new claims were clustered; one stored figure grew
        assert updates[0]["region"] == updates[0]["dirty"] and updates[0]["joined"] == 1
    rows = db.query("select c.surface, c.figure_id from claims c")
    figure_of = {r["surface"]: r["figure_id"] for r in rows}
    assert figure_of["$6M"] == figure_of["$6 million"] == figure_of["$5,576,000"]
    [cost] = db.query("select * from figures where id = ?", [figure_of["$6M"]])
    assert cost["n_claims"] == 3 and cost["n_articles"] == 3
    assert db.execute("select count(*) from mutations where figure_id = ?", [cost["id"]]).fetchone()[0] == 2
    # The figures no new claim reached were not written again (same rows, same rowids).
    assert db.execute("select rowid, * from figures where unit != 'USD' or unit is null").fetchall() == workers
    grown = state(db)[2]
    rebuild_figures(db)
    assert state(db)[2] == grown  # every claim in the figure a rebuild puts it in


@pytest.mark.parametrize("date, path", [("2025-01-09", "appended"), ("2024-12-30", "written whole")])
def test_a_claim_joining_a_large_figure_writes_the_rows_a_rebuild_writes(nlp, tmp_path, monkeypatch, date, path):
    # No block re-clustered: the new claim joins the stored figure by average linkage. Later
    # than its origin it is appended (the figure's row and its own mutation written, the
    # other members' rows untouched); earlier, it is the new origin and every mutation is
    # compared with it again.
    monkeypatch.setattr(maintain, "STORY_CORPUS", 1)
    monkeypatch.setattr(maintain, "UPDATE_FROM_CLAIMS", 0)
    monkeypatch.setattr(maintain, "BLOCK_LIMIT", 0)
    monkeypatch.setattr(maintain, "JOINED_LIMIT", 0)
    monkeypatch.setattr(maintain, "JOIN_SAMPLE", 1)  # compared by one of its claims, grown by all
    folder = tmp_path / "corpus"
    write_corpus(folder, STORY)
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    [(cost_id, before)] = db.execute("select id, rowid from figures where unit = 'USD'").fetchall()
    kept = db.execute("select rowid, * from mutations where figure_id = ?", [cost_id]).fetchall()
    write_corpus(folder, {"blog": (date, LATER["blog"][1])})
    updates, origins = [], []
    monkeypatch.setattr(maintain, "update_blocks", lambda db, dirty: updates.append(update_blocks(db, dirty)))
    real_classify = figures_module.classify_mutation
    monkeypatch.setattr(figures_module, "classify_mutation", lambda origin, claim, restates=None: origins.append(origin) or real_classify(origin, claim, restates))
    ingest_paths([folder], db_path, nlp=nlp)
    assert updates[0]["joined"] == 1 and updates[0]["appended"] == (path == "appended")
    # Mutations are compared with the origin as a rebuild reads it: its sentence's names too.
    assert origins and all(origin.entities for origin in origins)
    [grown_row] = db.query("select * from figures where unit = 'USD'")
    assert grown_row["n_claims"] == 3 and grown_row["n_articles"] == 3
    grown = state(db)
    if path == "appended":  # same figure row, its stored mutations as they were
        assert db.execute("select rowid from figures where id = ?", [cost_id]).fetchone() == (before,)
        assert set(kept) <= set(db.execute("select rowid, * from mutations where figure_id = ?", [cost_id]).fetchall())
    else:
        assert db.execute("select count(*) from figures where id = ?", [cost_id]).fetchone() == (0,)
    rebuild_figures(db)
    assert state(db) == grown


def test_a_figure_appended_to_writes_the_row_and_mutations_of_the_figure_written_whole(demo_copy):
    # Every demo figure of three claims or more, its last claim taken as the one joining:
    # members read light, origin in full, only the joining claim's mutation made.
    from pipeline.store import FIGURE_COLUMNS
    from pipeline.tracing.figures import Figure, load_claims_by_rowid, load_figure_summaries

    db = demo_copy
    ids = [r[0] for r in db.execute("select id from figures where n_claims >= 3 order by id")]
    assert ids
    light = load_figure_summaries(db, ids)
    for figure_id in ids:
        rowids = [r[0] for r in db.execute("select rowid from claims where figure_id = ?", [figure_id])]
        full = sorted(load_claims_by_rowid(db, rowids)[0], key=lambda c: c.order_key)
        whole_row, whole_mutations = Figure(figure_id, full).rows()
        # (the claims of the last one's sentence join with it, as an article's claims arrive together)
        joining = len([c for c in full[1:] if c.sentence_id == full[-1].sentence_id])
        before_row, _ = Figure(figure_id, full[:-joining]).rows()
        members = {c.id: c for c in light[figure_id][0]}
        claims = [full[0]] + [members[c.id] for c in full[1:-joining]] + full[-joining:]
        joined = frozenset(c.id for c in full[-joining:])
        appended = Figure(figure_id, claims, appended=joined, kinds_before=tuple(json.loads(before_row[list(FIGURE_COLUMNS).index("kinds_seen")])))
        row, mutations = appended.rows()
        assert row == whole_row, figure_id
        assert mutations == [m for m in whole_mutations if m[2] in joined]


def test_a_sample_is_spread_over_the_members_in_order():
    members = list(range(100))
    assert maintain._spread(members, 5) == [0, 25, 50, 74, 99]
    assert maintain._spread(members[:3], 5) == [0, 1, 2]


def test_targets_are_compared_in_runs_of_bounded_pairs(monkeypatch):
    monkeypatch.setattr(maintain, "JOIN_PAIRS", 12)
    members_of = {"a": [0, 1, 2], "b": [3], "c": [4, 5, 6, 7, 8, 9], "d": [10, 11]}
    # 2 rows: a 6 pairs, b 2 (8), c 12 (alone: over the bound with anything), d 4
    assert list(maintain._target_batches(sorted(members_of), members_of, 2)) == [["a", "b"], ["c"], ["d"]]
    assert list(maintain._target_batches([], members_of, 2)) == []
    # Askers' batches run together while their rows times members stay within it: an
    # asker's batches share its rows (asker 0: 2 rows x 4 members, then x 10 is over).
    two, one = [0, 1], [2]
    units = [(0, two, ["a"]), (0, two, ["b"]), (0, two, ["c"]), (1, one, ["d"]), (2, one, ["b"])]
    runs = [[(n, batch) for n, _, batch in run] for run in maintain._unit_runs(units, members_of)]
    assert runs == [[(0, ["a"]), (0, ["b"])], [(0, ["c"])], [(1, ["d"]), (2, ["b"])]]


def test_askers_worked_out_together_get_the_means_each_gets_alone(demo_db):
    import random

    import numpy as np

    from pipeline.tracing.clustering import context_weighed
    from pipeline.tracing.distance import _Features
    from pipeline.tracing.figures import load_claims

    claims = load_claims(sqlite_utils.Database(demo_db[0]))
    vectors, _ = context_weighed(claims, None)
    features = _Features(claims, None)
    draw = random.Random(7)
    dollars = [n for n, c in enumerate(claims) if c.unit == "USD"]  # (pairs of one unit: some close)
    index_of = {f"t{n}": sorted(draw.sample(dollars, draw.randint(1, 40))) for n in range(30)}
    units = []
    for n in range(25):  # askers of 1 to 6 claims, each with a few targets in one or two batches
        rows = np.array(sorted(draw.sample(dollars, draw.randint(1, 6))))
        targets = sorted(draw.sample(sorted(index_of), draw.randint(1, 6)))
        units.extend((n, rows, batch) for batch in (targets[: len(targets) // 2], targets[len(targets) // 2 :]) if batch)
    alone = [maintain._run_means(features, vectors, [unit], index_of)[0] for unit in units]
    together = maintain._run_means(features, vectors, units, index_of)
    assert len({float(m) for means in alone for m in means}) > 20  # (means of pairs near and apart)
    for one, run in zip(alone, together):
        np.testing.assert_array_equal(one, run)  # to the last bit: ties decide joins
    runs = list(maintain._unit_runs(units, index_of))
    assert len(runs) == 1 and runs[0] == units  # (well within JOIN_PAIRS)


def test_which_changes_rebuild_in_full(demo_copy, monkeypatch):
    db = demo_copy
    # Fewer claims than UPDATE_FROM_CLAIMS, fewer articles than STORY_CORPUS: a rebuild.
    assert needs_rebuild(db)
    monkeypatch.setattr(maintain, "UPDATE_FROM_CLAIMS", 0)
    assert needs_rebuild(db)
    monkeypatch.setattr(maintain, "STORY_CORPUS", 1)
    assert not needs_rebuild(db)
    with write_transaction(db):
        db.execute("update figures set block_id = null where rowid = 1")
    assert needs_rebuild(db)  # a figure from before blocks were stored
    rebuild_figures(db)
    assert not needs_rebuild(db)
    with write_transaction(db):
        db.execute("delete from trace_terms")
    assert needs_rebuild(db)  # no word counts to weigh by
    rebuild_figures(db)
    with write_transaction(db):  # every claim's index rows added apart by updates: indexed
        db.execute("insert into trace_postings_added select * from trace_postings")
        db.execute("delete from trace_postings")
    assert not needs_rebuild(db)
    with write_transaction(db):
        db.execute("delete from trace_postings_added")
    assert needs_rebuild(db)  # claims not indexed (a database from before they were)
    rebuild_figures(db)
    assert db.execute("select exists(select 1 from claims where value_high > value)").fetchone()[0]
    with write_transaction(db):
        db.execute("delete from trace_range_postings")
    assert needs_rebuild(db)  # ranges not indexed (a database from before they were)
    rebuild_figures(db)
    assert not needs_rebuild(db)
    for column in ("stated_beside", "context_terms"):
        with write_transaction(db):
            db.execute(f"update claims set {column} = null")
        assert needs_rebuild(db), column  # traced before claims kept the values beside them, or their words
        rebuild_figures(db)
        assert not needs_rebuild(db)
    claims = db.execute("select count(*) from claims").fetchone()[0]
    [first, *_] = [r[0] for r in db.execute("select id from articles order by id")]
    with write_transaction(db):
        _dissolve_figures(db, first)
    dirty = db.execute("select count(*) from claims where figure_id is null").fetchone()[0]
    assert needs_rebuild(db) == (dirty > maintain.REBUILD_SHARE * claims)
    rebuild_figures(db)
    traced = db.execute("select rowid, figure_id from claims").fetchall()
    share = int(maintain.REBUILD_SHARE * claims)
    for dirty in (share - 1, share, share + 1):  # untraced claims at a quarter of them, either side
        with write_transaction(db):
            db.conn.executemany("update claims set figure_id = ? where rowid = ?", [(f, r) for r, f in traced])
            db.execute("update claims set figure_id = null where rowid in (select rowid from claims order by rowid limit ?)", [dirty])
        assert needs_rebuild(db) == (dirty > maintain.REBUILD_SHARE * claims), (dirty, claims)
    rebuild_figures(db)
    monkeypatch.setattr(maintain, "UPDATE_FROM_CLAIMS", claims + 1)
    rebuild_figures(db)
    assert needs_rebuild(db)  # (one claim short)
    monkeypatch.setattr(maintain, "UPDATE_FROM_CLAIMS", claims)
    assert not needs_rebuild(db)
    articles = db.execute("select count(distinct article_id) from claims").fetchone()[0]
    monkeypatch.setattr(maintain, "STORY_CORPUS", articles + 1)
    assert needs_rebuild(db)


def test_an_update_stopped_midway_leaves_the_figures_as_they_were_and_a_rerun_completes_it(demo_copy, monkeypatch):
    db = demo_copy
    monkeypatch.setattr(maintain, "STORY_CORPUS", 1)
    monkeypatch.setattr(maintain, "UPDATE_FROM_CLAIMS", 0)
    rebuild_figures(db)
    rebuilt = state(db)
    [article_id] = [r[0] for r in db.execute("select id from articles order by id limit 1 offset 2")]
    with write_transaction(db):
        _dissolve_figures(db, article_id)
    dissolved = state(db)
    real = maintain.store_updates

    def write_then_die(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt  # as Ctrl-C (or a kill: SQLite rolls back on reopening) would

    monkeypatch.setattr(maintain, "store_updates", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        with write_transaction(db):
            update_figures(db)
    assert state(db) == dissolved
    monkeypatch.setattr(maintain, "store_updates", real)
    with write_transaction(db):
        update_figures(db)
    assert state(db) == rebuilt


def test_a_new_date_dissolves_the_figures_of_its_article_and_the_update_retraces_them(nlp, tmp_path):
    dated = {name: ("04/03/2025", text) for name, (_, text) in STORY.items()}
    folder = tmp_path / "corpus"
    write_corpus(folder, dated)
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp, date_order="MDY")
    db = sqlite_utils.Database(db_path)
    figures = db.execute("select count(*) from figures").fetchone()[0]
    summary = ingest_paths([folder], db_path, nlp=nlp, date_order="DMY")
    assert summary.redated == len(STORY)
    assert {r[0] for r in db.execute("select published from articles")} == {"2025-03-04"}
    assert db.execute("select count(*) from claims where figure_id is null").fetchone()[0] == 0
    assert db.execute("select count(*) from figures").fetchone()[0] == figures


def test_an_update_indexes_its_claims_apart_and_folds_them_in_once_they_are_many(nlp, tmp_path, monkeypatch):
    monkeypatch.setattr(maintain, "STORY_CORPUS", 1)
    monkeypatch.setattr(maintain, "UPDATE_FROM_CLAIMS", 0)
    monkeypatch.setattr(maintain, "REBUILD_SHARE", 1.0)  # (a figure of three of four claims dissolved is updated)
    monkeypatch.setattr(maintain, "FOLD_POSTINGS_PER_CLAIM", 100)  # (four claims hold eight keys each)
    folder = tmp_path / "corpus"
    write_corpus(folder, STORY)
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)

    def rows(table):
        return set(db.execute(f"select * from {table}").fetchall())

    def article(name):
        return db.execute("select id from articles where path like ?", [f"%{name}%"]).fetchone()[0]

    stored = rows("trace_postings")
    assert stored and not rows("trace_postings_added")
    write_corpus(folder, LATER)
    ingest_paths([folder], db_path, nlp=nlp)
    # The new article's claims are indexed apart; the index stays as the rebuild wrote it.
    added = rows("trace_postings_added")
    valued = {r[0] for r in db.execute("select rowid from claims where article_id = ? and value is not null", [article("blog")])}
    assert valued and {claim for _, _, claim in added} == valued
    assert rows("trace_postings") == stored
    # Claims of dissolved figures, indexed again, add no row either table holds.
    grown = state(db)
    for name in ("daily", "blog"):
        with write_transaction(db):
            _dissolve_figures(db, article(name))
        with write_transaction(db):
            update_figures(db)
        assert state(db) == grown
        assert (rows("trace_postings"), rows("trace_postings_added")) == (stored, added), name
    # Past FOLD_POSTINGS_PER_CLAIM rows per claim counted, an update folds them into the
    # index; later updates read them there and trace as before.
    monkeypatch.setattr(maintain, "FOLD_POSTINGS_PER_CLAIM", 0)
    with write_transaction(db):
        _dissolve_figures(db, article("daily"))
    with write_transaction(db):
        update_figures(db)
    assert (rows("trace_postings"), rows("trace_postings_added")) == (stored | added, set())
    with write_transaction(db):
        _dissolve_figures(db, article("blog"))
    with write_transaction(db):
        update_figures(db)
    assert state(db) == grown
    # A rebuild indexes every claim in the index itself, as the updates did.
    rebuild_figures(db)
    assert (rows("trace_postings"), rows("trace_postings_added")) == (stored | added, set())

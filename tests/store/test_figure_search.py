"""The figures' full-text index (figures_fts): a figure found by a word of its subject or a
way its claims state it, kept right by a rebuild, an update, dissolved figures, an edited
subject, and built for a database made before it."""

import shutil

import pytest
import sqlite_utils
from datasette.utils import escape_fts

from pipeline.database import write_transaction
from pipeline.store import open_db
from pipeline.store.articles import _dissolve_figures
from pipeline.tracing import find_figures, rebuild_figures, update_blocks


def search(db, text: str) -> list[str]:
    """The figures Datasette's search box finds for ``text`` (its escaped mode, its SQL)."""
    return [
        r[0]
        for r in db.execute(
            "select id from figures where rowid in (select rowid from figures_fts where figures_fts match ?) order by id",
            [escape_fts(text)],
        )
    ]


def index(db) -> list[tuple]:
    """The index's rows: (rowid, subject, sorted surfaces)."""
    rows = db.execute("select rowid, subject, surfaces from figures_fts order by rowid").fetchall()
    return [(rowid, subject, sorted((surfaces or "").split("\n"))) for rowid, subject, surfaces in rows]


def expected(db) -> list[tuple]:
    """The rows the index should hold, read from figures and claims in Python."""
    surfaces: dict[str, set[str]] = {}
    for figure_id, surface in db.execute("select figure_id, surface from claims where figure_id is not null"):
        surfaces.setdefault(figure_id, set()).add(surface)
    rows = db.execute("select rowid, id, subject from figures order by rowid").fetchall()
    return [(rowid, subject, sorted(surfaces.get(figure_id, {""}))) for rowid, figure_id, subject in rows]


def integrity_check(db):
    db.execute("insert into figures_fts(figures_fts, rank) values('integrity-check', 1)")


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "news.db"
    shutil.copy(demo_db[0], path)
    db = open_db(path)
    yield db
    db.close()


def test_a_figure_is_found_by_a_subject_word_and_by_a_way_it_is_stated(demo_copy):
    db = demo_copy
    [v3] = find_figures(db, "$6M")[:1]
    subject, = db.execute("select subject from figures where id = ?", [v3]).fetchone()
    surfaces = {r[0] for r in db.execute("select surface from claims where figure_id = ?", [v3])}
    assert "$6 million" in surfaces and "$5,576,000" in surfaces
    assert v3 in search(db, subject.split()[-1])
    assert v3 in search(db, "$6 million") and v3 in search(db, "$5,576,000")
    assert search(db, "$5,576,000") == [v3]  # only the figure that states it
    assert search(db, "zyzzyva") == []
    assert index(db) == expected(db)
    integrity_check(db)


def test_a_rebuild_indexes_every_figure_afresh(demo_copy):
    db = demo_copy
    db.execute("delete from figures_fts")
    rebuild_figures(db)
    assert index(db) == expected(db) and len(index(db)) == db["figures"].count
    integrity_check(db)


def test_an_update_reindexes_the_figures_it_writes(demo_copy):
    db = demo_copy
    articles = [r[0] for r in db.execute("select id from articles order by id")]
    went_stale = 0
    for article_id in articles:
        with write_transaction(db):  # its claims untraced, as just stored by an ingest
            db.execute("update claims set figure_id = null where article_id = ?", [article_id])
        went_stale += index(db) != expected(db)
        dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
        with write_transaction(db):
            done = update_blocks(db, dirty)
        assert done["written"] < db["figures"].count  # an update, not a rebuild
        assert index(db) == expected(db), article_id
    assert went_stale  # the claims left figures the index still held: the update mended it
    [v3] = find_figures(db, "$6M")[:1]
    assert v3 in search(db, "$6 million")
    integrity_check(db)


def test_dissolved_figures_leave_the_index_and_come_back_with_the_update(demo_copy):
    db = demo_copy
    [v3] = find_figures(db, "$6M")[:1]
    article_id, = db.execute("select first_article_id from figures where id = ?", [v3]).fetchone()
    with write_transaction(db):
        _dissolve_figures(db, article_id)
    assert v3 not in search(db, "$5,576,000")
    assert index(db) == expected(db)
    dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
    with write_transaction(db):
        update_blocks(db, dirty)
    assert index(db) == expected(db) and search(db, "$5,576,000") == [v3]
    integrity_check(db)


def test_an_edited_subject_is_searched_as_edited(demo_copy):
    db = demo_copy
    [v3] = find_figures(db, "$6M")[:1]
    with write_transaction(db):
        db.execute("update figures set subject = 'zyzzyva budget' where id = ?", [v3])
    assert search(db, "zyzzyva") == [v3]
    assert index(db) == expected(db)


def test_a_database_made_before_the_index_gets_it_on_open(demo_db, tmp_path):
    path = tmp_path / "news.db"
    shutil.copy(demo_db[0], path)
    old = sqlite_utils.Database(path)
    for trigger in ("figures_fts_ad", "figures_fts_au"):
        old.execute(f"drop trigger {trigger}")
    old.execute("drop table figures_fts")
    assert not old.execute("select name from sqlite_master where name like 'figures_fts%'").fetchall()
    old.close()
    db = open_db(path)
    assert index(db) == expected(db) and len(index(db)) == db["figures"].count
    assert {"figures_fts_ad", "figures_fts_au"} <= {r[0] for r in db.execute("select name from sqlite_master where type = 'trigger'")}
    [v3] = find_figures(db, "$6M")[:1]
    assert v3 in search(db, "$6 million")
    db.close()


def test_a_row_written_again_with_its_subject_leaves_the_index_alone_and_an_old_trigger_is_replaced(demo_db, tmp_path):
    path = tmp_path / "news.db"
    shutil.copy(demo_db[0], path)
    old = sqlite_utils.Database(path)
    old.execute("drop trigger figures_fts_au")  # as an earlier version made it: fired on any write of the subject
    old.execute(
        "create trigger figures_fts_au after update of subject on figures begin"
        " update figures_fts set subject = new.subject where rowid = new.rowid; end"
    )
    old.conn.commit()
    old.close()
    db = open_db(path)
    version = db.execute("pragma schema_version").fetchone()[0]
    db.close()
    db = open_db(path)
    assert db.execute("pragma schema_version").fetchone()[0] == version  # (replaced once, not at every open)
    [v3] = find_figures(db, "$6M")[:1]

    def rows_written(sql: str) -> int:  # (the rows a statement and its triggers wrote)
        before = db.conn.total_changes
        with write_transaction(db):
            db.execute(sql, [v3])
        return db.conn.total_changes - before

    assert rows_written("update figures set subject = subject, n_claims = n_claims where id = ?") == 1
    assert rows_written("update figures set subject = 'zyzzyva budget' where id = ?") > 1  # (and the index's)
    assert search(db, "zyzzyva") == [v3] and index(db) == expected(db)
    db.close()

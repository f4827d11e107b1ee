"""The CLI stays thin: these check wiring, help, exit codes and messages."""

import json

import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.serve import datasette_args


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="analyze")


def test_help_teaches_usage_with_examples():
    result = run("--help")
    assert result.exit_code == 0
    assert "analyze ingest corpus/" in result.output
    for command in ("ingest", "serve"):
        sub = run(command, "--help")
        assert sub.exit_code == 0
        assert "Examples:" in sub.output and f"analyze {command}" in sub.output


def test_ingest_summarises_and_exits_nonzero_on_bad_input(tmp_path, nlp, monkeypatch):
    import pipeline.parallel as parallel

    monkeypatch.setattr(parallel, "load_pipeline", lambda model=None: nlp)
    (tmp_path / "ok.txt").write_text("Acme hired 40 engineers.\n")
    (tmp_path / "bad.json").write_text("{broken")
    db_path = tmp_path / "out.db"
    result = run("ingest", str(tmp_path), "--db", str(db_path))
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'bad.json'}" in result.output
    assert "1 new, 0 unchanged, 0 updated" in result.output
    assert sqlite_utils.Database(db_path)["articles"].count == 1

    (tmp_path / "bad.json").unlink()
    again = run("ingest", str(tmp_path), "--db", str(db_path))
    assert again.exit_code == 0
    assert "0 new, 1 unchanged" in again.output


def test_ingest_reports_a_missing_model_clearly(tmp_path):
    (tmp_path / "ok.txt").write_text("Acme hired 40 engineers.\n")
    result = run("ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--model", "no_such_model")
    assert result.exit_code == 1
    assert "Error: no spaCy English model found" in result.output


def test_serve_refuses_a_missing_database(tmp_path):
    result = run("serve", "--db", str(tmp_path / "none.db"))
    assert result.exit_code != 0
    assert "no such database" in result.output


def test_serve_is_immutable_on_localhost_with_project_metadata():
    args = datasette_args("db/news.db")
    assert args[:3] == ["serve", "-i", "db/news.db"]
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("--metadata") + 1].endswith("metadata.yml")


def test_checkpoint_makes_unclosed_writes_visible_to_immutable_readers(tmp_path):
    import sqlite3

    from pipeline.serve import checkpoint
    from pipeline.store import open_db

    db_path = tmp_path / "news.db"
    writer = open_db(db_path)  # WAL mode, like an ingest still running or killed
    writer["runs"].insert({"package_version": "x"})

    def immutable_count():
        reader = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
        try:
            return reader.execute("select count(*) from runs").fetchone()[0]
        except sqlite3.OperationalError:
            return None
        finally:
            reader.close()

    assert immutable_count() in (None, 0)
    checkpoint(db_path)
    assert immutable_count() == 1
    writer.close()


def test_trace_and_figures_commands(demo_db):
    db_path = str(demo_db[0])
    table = run("trace", "$6M", "--db", db_path)
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert "[USD]" in lines[0] and "date" in lines[1] and "mutation" in lines[1]
    assert sum(line.startswith("*") for line in lines) == 1  # one origin per figure
    as_json = run("trace", "$6M", "--json", "--db", db_path)
    figure = json.loads(as_json.output)["figures"][0]
    assert figure["id"] in lines[0]
    assert figure["origin"]["published"] == "2025-02-12"
    assert {"path", "title", "published", "surface", "value", "qualifier", "attributed_to", "mutation"} <= set(
        figure["claims"][0])
    assert any(v <= 5_600_000 for v in (c["value"] for c in figure["claims"]))  # $6M finds $5,576,000

    listed = run("figures", "--limit", "3", "--db", db_path)
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == 3
    assert "claims in" in listed.output


def test_trace_explains_a_query_it_cannot_read(demo_db):
    result = run("trace", "nothing numeric", "--db", str(demo_db[0]))
    assert result.exit_code == 1
    assert "cannot read a figure in 'nothing numeric'" in result.output


def test_ingest_into_a_file_that_is_not_sqlite_says_so_in_one_line_and_exits_2(tmp_path):
    (tmp_path / "ok.txt").write_text("Acme hired 40 engineers.\n")
    db_path = tmp_path / "notes.db"
    db_path.write_text("my notes, not a database\n")
    result = run("ingest", str(tmp_path / "ok.txt"), "--db", str(db_path))
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {db_path}: not a SQLite database (left untouched); give another --db"
    assert db_path.read_text() == "my notes, not a database\n"


def test_an_unreadable_date_is_a_warning_line_and_the_run_still_succeeds(tmp_path, nlp, monkeypatch):
    import pipeline.parallel as parallel

    monkeypatch.setattr(parallel, "load_pipeline", lambda model=None: nlp)
    (tmp_path / "a.txt").write_text("date: n.d.\n\nAcme hired 40 engineers.\n")
    (tmp_path / "b.txt").write_text("date: 04/03/2025\n\nAcme hired 40 engineers, it said.\n")
    db = tmp_path / "news.db"
    result = run("ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--db", str(db), "--date-order", "dmy")
    assert result.exit_code == 0, result.output
    assert f"warning: {tmp_path / 'a.txt'}: date 'n.d.' is not a readable date; stored undated" in result.output
    assert "2 new" in result.output and "0 errors, 1 warning" in result.output
    published = {r["published"] for r in sqlite_utils.Database(db).query("select published from articles")}
    assert published == {None, "2025-03-04"}
    traced = json.loads(run("trace", "40", "--db", str(db), "--json").output)
    assert traced["figures"][0]["origin_certainty"] == "some_undated"
    assert "origin uncertain: 1 undated article states it too" in run("trace", "40", "--db", str(db)).output


def test_trace_and_help_load_neither_spacy_nor_scikit_learn(demo_db):
    """`analyze trace` answers from the database: the NLP and clustering libraries (seconds
    to import) stay unloaded, and so do the parsers of ingest."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom pipeline.cli import cli\n"
        f"try:\n    cli(['trace', '$6M', '--db', {str(demo_db[0])!r}, '--json'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'sklearn', 'trafilatura', 'dateparser', 'pint') if m in sys.modules]\n"
        "print('loaded:', heavy, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert json.loads(out.stdout)["figures"], out.stderr  # it did trace
    assert out.stderr.strip().endswith("loaded: []"), out.stderr


def test_rebuild_recomputes_the_same_figures_and_says_so_in_one_line(demo_db, tmp_path):
    import shutil

    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    db = sqlite_utils.Database(db_path)
    before = sorted(db.execute("select id, figure_id from claims").fetchall())
    figures = db.execute("select count(*) from figures").fetchone()[0]
    db.execute("update claims set figure_id = null")  # as a run stopped before tracing leaves them
    db.conn.commit()
    result = run("rebuild", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{figures} figures from 105 claims in ") and len(result.output.splitlines()) == 1
    assert sorted(db.execute("select id, figure_id from claims").fetchall()) == before
    missing = run("rebuild", "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 2 and missing.output == f"error: {tmp_path / 'none.db'}: no such database; run `analyze ingest` first\n"
    assert not (tmp_path / "none.db").exists()


def test_rebuild_shows_a_bar_per_stage_when_asked(demo_db, tmp_path):
    import shutil

    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    shown = run("rebuild", "--db", str(db_path), "--progress")
    assert shown.exit_code == 0, shown.output
    labels = [line.strip().split("  ")[0] for line in shown.output.replace("\r", "\n").splitlines() if line.strip()]
    stages = [label for label in dict.fromkeys(labels) if not label[0].isdigit()]
    assert stages == ["reading claims", "finding blocks", "clustering", "writing", "indexing claims"]
    assert "figures from 105 claims" in shown.output.splitlines()[-1]
    quiet = run("rebuild", "--db", str(db_path), "--no-progress")
    assert len(quiet.output.splitlines()) == 1  # (and, not on a terminal, the default)

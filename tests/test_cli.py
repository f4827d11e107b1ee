"""The CLI stays thin: these check wiring, help, exit codes and messages."""

import json
from pathlib import Path

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
    commands = result.output.split("Commands:")[1].strip().splitlines()
    assert len(commands) == len(cli.commands) and not any("…" in c or "..." in c for c in commands)
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
    assert "2 files, 1 article (1 new), 1 claim and " in result.output and "1 error in" in result.output
    assert sqlite_utils.Database(db_path)["articles"].count == 1

    (tmp_path / "bad.json").unlink()
    again = run("ingest", str(tmp_path), "--db", str(db_path))
    assert again.exit_code == 0
    # Nothing new stored reads as kept, not as gone.
    assert "1 file, 1 article (1 unchanged: 1 claim kept), nothing new stored, 0 errors in" in again.output


def test_ingest_of_missing_inputs_creates_no_database(tmp_path):
    db_path = tmp_path / "news.db"
    result = run("ingest", str(tmp_path / "no-such-folder"), "--db", str(db_path))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"error: {tmp_path / 'no-such-folder'}: no such file or directory",
        "nothing ingested: no input file found, 1 error",
    ]
    assert not db_path.exists()


def test_serve_on_a_port_in_use_says_so_in_one_line(demo_db):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--db", str(demo_db[0]), "--port", str(port))
    assert result.exit_code == 1
    assert result.output.strip() == f"error: port {port} is in use on 127.0.0.1; try --port {port + 1}"


def test_an_error_is_printed_above_the_progress_bar_not_into_it(monkeypatch):
    import io
    import sys

    import click

    from pipeline.cli import _above_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    for terminal, cleared in ((Terminal(), "\r\x1b[2K"), (io.StringIO(), "")):
        monkeypatch.setattr(sys, "stderr", terminal)
        bar = click.progressbar(length=3, label="files", file=terminal)
        _above_bar(bar, "error: bad.json: not JSON")
        # A bar drawn on a terminal has its line cleared before the message, not run into it.
        assert terminal.getvalue() == cleared + "error: bad.json: not JSON\n"


def test_ingest_reports_a_missing_model_clearly(tmp_path):
    (tmp_path / "ok.txt").write_text("Acme hired 40 engineers.\n")
    result = run("ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--model", "no_such_model")
    assert result.exit_code == 1
    assert "Error: no spaCy English model found" in result.output


def test_serve_refuses_a_missing_database(tmp_path):
    result = run("serve", "--db", str(tmp_path / "none.db"))
    assert result.exit_code != 0
    assert "no such database" in result.output


def test_serve_is_immutable_on_localhost_with_project_metadata(demo_db):
    args = datasette_args(str(demo_db[0]))
    assert args[:3] == ["serve", "-i", str(demo_db[0])]
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("--metadata") + 1].endswith("metadata.yml")


def test_a_database_made_before_figure_search_is_served_without_it_and_told_how_to_add_it(demo_db, tmp_path):
    import shutil

    from pipeline.serve import metadata_for_database, search_notice
    from pipeline.store import open_db

    old = tmp_path / "news.db"
    shutil.copy(demo_db[0], old)
    sqlite_utils.Database(old).execute("drop table figures_fts")
    served = json.loads(Path(metadata_for_database("metadata.yml", old)).read_text())
    figures = served["databases"]["news"]["tables"]["figures"]
    assert "fts_table" not in figures and figures["description"]  # the rest of its metadata stays
    assert search_notice(old) == f"{old} has no figure search index (made before it): run `analyze rebuild --db {old}` to add it"
    open_db(old).close()  # (what an ingest or a rebuild opens it with)
    assert search_notice(old) is None and metadata_for_database("metadata.yml", old) == Path("metadata.yml")


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
    table = run("trace", "$6M", "--db", db_path, "--wide")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert "[USD]" in lines[0] and "date" in lines[1] and "what changed from the origin" in lines[1]
    assert sum(line.startswith("*") for line in lines) == 1  # one origin per figure
    assert len(lines) == 2 + 11  # --wide: one line a claim
    as_json = run("trace", "$6M", "--json", "--db", db_path)
    figure = json.loads(as_json.output)["figures"][0]
    assert figure["id"] in lines[0]
    assert figure["origin"]["published"] == "2025-02-12"
    assert {"path", "title", "published", "surface", "value", "qualifier", "attributed_to", "mutation"} <= set(
        figure["claims"][0])
    assert any(v <= 5_600_000 for v in (c["value"] for c in figure["claims"]))  # $6M finds $5,576,000
    assert json.loads(run("trace", "$6M", "--format", "json", "--db", db_path).output) == json.loads(as_json.output)

    listed = run("figures", "--limit", "3", "--db", db_path, "--wide")
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == 1 + 3
    # Each figure with its value as stated, the span of its values and when it was first seen.
    assert "$5.576 million ($5.58M–$6M)" in listed.output and "2025-02-12" in listed.output
    assert "11 in 5 articles" in listed.output


def test_trace_shows_the_best_matching_figures_and_says_how_many_more_match(demo_db):
    db_path = str(demo_db[0])  # "2030" is stated of 13 things in the demo corpus, each its own figure
    shown = run("trace", "2030", "--db", db_path, "--wide")
    assert shown.exit_code == 0
    assert sum(line.startswith("*") for line in shown.stdout.splitlines()) == 10  # one origin mark a figure
    assert "10 of 13 figures matching '2030' shown" in shown.stderr and "--limit 0 shows all" in shown.stderr
    every = run("trace", "2030", "--db", db_path, "--wide", "--limit", "0")
    assert sum(line.startswith("*") for line in every.stdout.splitlines()) == 13 and every.stderr == ""
    as_json = json.loads(run("trace", "2030", "--db", db_path, "--json", "--limit", "3").stdout)
    assert as_json["matched"] == 13 and len(as_json["figures"]) == 3
    assert run("trace", "$6M", "--db", db_path).stderr == ""  # all shown: nothing to say


def test_trace_and_figures_fit_the_terminal_width(demo_db):
    db_path = str(demo_db[0])
    for command in (["trace", "$6M"], ["trace", "600 billion"], ["figures"]):
        for columns in ("80", "60"):
            result = CliRunner(env={"COLUMNS": columns}).invoke(cli, [*command, "--db", db_path], prog_name="analyze")
            assert result.exit_code == 0, result.output
            lines = result.output.splitlines()
            assert max(map(len, lines)) <= int(columns), (command, columns, max(lines, key=len))
            # No cell is cut: every surface and change reads whole somewhere.
            assert "…" not in result.output
    narrow = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["trace", "$6M", "--db", db_path], prog_name="analyze").output
    wide = run("trace", "$6M", "--db", db_path, "--wide").output
    # The change of each claim, wrapped under it at 80 columns, holds the same words.
    assert " ".join(narrow.split()).count("qualifier 'around' dropped") == wide.count("qualifier 'around' dropped") > 0
    assert max(map(len, wide.splitlines())) > 80


def test_figures_lists_only_figures_that_changed(demo_db):
    found = json.loads(run("figures", "--json", "--limit", "1000", "--db", str(demo_db[0])).output)
    assert found and all(f["kinds"] and f["kinds"] != ["restated"] for f in found)
    db = sqlite_utils.Database(demo_db[0])
    unchanged = {r[0] for r in db.execute("select id from figures where n_claims > 1 and kinds_seen = '[]'")}
    assert unchanged and not unchanged & {f["id"] for f in found}


def test_trace_says_when_the_subject_filter_left_every_figure_out(demo_db):
    db_path = str(demo_db[0])
    result = run("trace", "$6M", "--subject", "zebra", "--db", db_path)
    assert result.exit_code == 0
    assert result.output.strip() == "no figure matches '$6M' about 'zebra' (1 without --subject)"
    assert run("trace", "$123,456,789", "--db", db_path).output.strip() == "no figure matches '$123,456,789'"


def test_trace_markdown_tells_the_story_of_a_figure(demo_db):
    result = run("trace", "$6M", "--format", "markdown", "--db", str(demo_db[0]))
    assert result.exit_code == 0, result.output
    text = result.output
    figure = json.loads(run("trace", "$6M", "--json", "--db", str(demo_db[0])).output)["figures"][0]
    assert text.startswith(f"## {figure['subject']}: {figure['origin']['surface']}")
    assert f"**First appeared** as “{figure['origin']['surface']}”" in text and figure["origin"]["published"] in text
    assert "origin uncertain" in text  # undated articles state it too
    assert f"**Credited to** {figure['attributed_origin']}" in text
    changed = [c for c in figure["claims"] if not c["is_origin"] and c["mutation"] != ["same"]]
    assert text.count("\n- undated, ") + text.count("\n- 2025-") == len(changed)
    assert "stated more precisely" in text and figure["id"] in text


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
    assert "origin uncertain: 1 undated article states it too" in " ".join(run("trace", "40", "--db", str(db)).output.split())


def test_trace_and_figures_load_no_library_they_do_not_need(demo_db):
    """`analyze trace` and `analyze figures` answer from the database: the NLP and
    clustering libraries (seconds to import), the parsers of ingest, and numpy with
    sqlite-utils (most of a short query's time) stay unloaded."""
    from .helpers import run_counting_imports

    printed, loaded = run_counting_imports(["trace", "$6M", "--db", str(demo_db[0]), "--json"])
    assert json.loads(printed)["figures"]  # it did trace
    assert loaded == []
    printed, loaded = run_counting_imports(["figures", "--db", str(demo_db[0]), "--json"])
    assert json.loads(printed)  # it did list figures
    assert loaded == []


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


def test_a_stage_bar_is_drawn_full_when_its_stage_is_done_and_not_when_work_stops():
    from pipeline.cli import _StageBars

    bars = _StageBars()
    bars("reading claims", 3, 10)  # (a stage reports its progress in steps, not always its end)
    reading = bars.bar
    bars("writing", 0, 5)
    assert (reading.pos, reading.length) == (10, 10)  # the next stage began: it was done
    writing = bars.bar
    bars.close()  # work stopped (an error): the bar stays where it was
    assert writing.pos == 0

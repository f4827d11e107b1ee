"""An ingest run: files → articles → NLP → store, with counts for the run summary."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .ingest import DEFAULT_MAX_BYTES, iter_input_files, parse_file
from .parallel import make_backend
from .records import Article, ArticleAnalysis, InputError
from .store import (
    DEFAULT_DB,
    article_status,
    finish_run,
    open_db,
    set_run_model,
    start_run,
    store_articles,
)
from .tracing import figures_are_stale, rebuild_figures

DEFAULT_BATCH_SIZE = 32


@dataclass
class IngestSummary:
    """What one ingest run did; ``errors`` holds the one-line messages of failed inputs."""

    run_id: int | None = None
    files: int = 0
    articles: int = 0
    new: int = 0
    unchanged: int = 0
    updated: int = 0
    claims: int = 0
    entities: int = 0
    figures: int | None = None  # None when nothing changed and figures were not rebuilt
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    model: str | None = None

    def line(self) -> str:
        """The one-line summary printed at the end of ``analyze ingest``."""
        return (
            f"{self.files} files, {self.articles} articles "
            f"({self.new} new, {self.unchanged} unchanged, {self.updated} updated), "
            f"{self.claims} claims, {self.entities} entity mentions, "
            + (f"{self.figures} figures, " if self.figures is not None else "")
            + f"{len(self.errors)} errors in {self.seconds:.1f}s"
        )


@dataclass
class _Batch:
    """Articles to analyse together, and the files whose articles are all in this or an
    earlier batch (done, for progress, once this batch is stored)."""

    articles: list[Article]
    files: list[Path]


def ingest_paths(
    paths: Iterable[str | Path],
    db_path: str | Path = DEFAULT_DB,
    *,
    model: str | None = None,
    nlp=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    dask: str | None = None,
    on_error: Callable[[InputError], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[Path, IngestSummary], None] | None = None,
) -> IngestSummary:
    """Ingest files and folders into the database at ``db_path``.

    Unchanged inputs are recognised by their content hash before any NLP runs, so a
    re-ingest of the same corpus does no model work (the model is loaded only when
    something needs analysing). The NLP runs here (``workers=1``), in ``workers`` local
    processes, or on a Dask cluster (``dask="local"`` or a scheduler address); this
    process alone writes the database, each batch of articles in one transaction, so a
    crash leaves no half-stored article (nor half a batch). A bad input is reported through ``on_error`` and the
    run goes on. ``on_start`` receives the number of files found and ``on_file`` is
    called as each file's articles are stored, for progress display.
    """
    started = time.perf_counter()
    summary = IngestSummary()
    db = open_db(db_path)

    def report(error: InputError) -> None:
        summary.errors.append(str(error))
        if on_error:
            on_error(error)

    files = list(iter_input_files(paths))
    if on_start:
        on_start(sum(1 for item in files if not isinstance(item, InputError)))
    summary.run_id = start_run(db, __version__)
    # Backends start workers (and load the model) only when a batch needs analysing.
    backend = make_backend(workers, dask, model, nlp)
    try:
        batches = _batches(files, db, summary, report, batch_size, max_bytes)
        for batch, analyses in backend.map_ordered(batches, _texts):
            if batch.articles and summary.model is None:
                summary.model, version = backend.model_info()
                set_run_model(db, summary.run_id, summary.model, version)
            _store_batch(db, batch, analyses, summary)
            if on_file:
                for path in batch.files:
                    on_file(path, summary)
        if summary.new or summary.updated or figures_are_stale(db):
            summary.figures = rebuild_figures(db)
    finally:
        backend.close()
        summary.seconds = time.perf_counter() - started
        finish_run(
            db,
            summary.run_id,
            files=summary.files,
            articles=summary.articles,
            errors=len(summary.errors),
            articles_new=summary.new,
            articles_unchanged=summary.unchanged,
            articles_updated=summary.updated,
            claims=summary.claims,
            entities=summary.entities,
            seconds=round(summary.seconds, 3),
        )
        db.close()
    return summary


def _texts(batch: _Batch) -> list[str]:
    return [article.text for article in batch.articles]


def _batches(files, db, summary: IngestSummary, report, batch_size: int, max_bytes: int):
    """Parse files in order into batches of articles that need analysing; unchanged
    articles are counted here and never analysed."""
    pending: list[Article] = []
    done_files: list[Path] = []
    for item in files:
        if isinstance(item, InputError):
            report(item)
            continue
        summary.files += 1
        parsed = parse_file(item, max_bytes=max_bytes)
        for error in parsed.errors:
            report(error)
        for article in parsed.articles:
            summary.articles += 1
            if article_status(db, article) == "unchanged":
                summary.unchanged += 1
            else:
                pending.append(article)
        done_files.append(item)
        # Files with nothing to analyse pass straight through, so progress keeps moving.
        if len(pending) >= batch_size or not pending:
            yield _Batch(pending, done_files)
            pending, done_files = [], []
    if pending or done_files:
        yield _Batch(pending, done_files)


def _store_batch(db, batch: _Batch, analyses: list[ArticleAnalysis], summary: IngestSummary) -> None:
    """Store a batch's articles in one transaction (entity names refreshed in it too)."""
    statuses = store_articles(db, zip(batch.articles, analyses), run_id=summary.run_id)
    for status, analysis in zip(statuses, analyses):
        setattr(summary, status, getattr(summary, status) + 1)
        if status != "unchanged":
            summary.claims += len(analysis.claims)
            summary.entities += len(analysis.mentions)

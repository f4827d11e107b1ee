"""Ingest runs: the ``runs`` table's rows, started, given their model and finished (a run
whose process died is marked interrupted by the next one)."""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

from ..database import write_transaction
from .schema import utc_now

if TYPE_CHECKING:
    import sqlite_utils


def start_run(db: sqlite_utils.Database, package_version: str) -> int:
    """Record the start of an ingest run; returns its id.

    Runs on this host still marked running whose process is gone (killed, or the machine
    stopped) are marked ``interrupted`` first, so every run row ends finished, failed or
    interrupted.
    """
    host = socket.gethostname()
    with write_transaction(db):
        stale = [
            run_id
            for run_id, run_host, pid in db.execute(
                "select id, host, pid from runs where finished_at is null and coalesce(status, 'running') = 'running'"
            ).fetchall()
            if pid is None or (run_host == host and not _process_alive(pid))
        ]
        db.conn.executemany("update runs set status = 'interrupted' where id = ?", [(run_id,) for run_id in stale])
        table = db["runs"].insert(
            {"started_at": utc_now(), "package_version": package_version, "status": "running",
             "host": host, "pid": os.getpid()}
        )  # fmt: skip
    return table.last_pk


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def set_run_model(db: sqlite_utils.Database, run_id: int, model: str, model_version: str) -> None:
    """Record the spaCy model a run loaded (a run that analysed nothing loads none)."""
    with write_transaction(db):
        db["runs"].update(run_id, {"model": model, "model_version": model_version})


def finish_run(db: sqlite_utils.Database, run_id: int, status: str = "finished", error: str | None = None, **counts) -> None:
    """Record a run's end, how it ended (``finished``, ``failed`` with ``error``, or
    ``interrupted``) and its counts (files, articles, errors, claims, ...)."""
    with write_transaction(db):
        db["runs"].update(run_id, {"finished_at": utc_now(), "status": status, "error": error, **counts})

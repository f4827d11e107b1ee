"""What figtrace's Datasette plugin refuses or answers cheaply: links to anything but the
web, expensive error pages, write methods, and an immutable file written after start.

The hooks that install these are in :mod:`pipeline.datasette_plugin`; this module holds
what they call, so each piece can be tested on its own.
"""

from __future__ import annotations

import os
import re
import sys
import traceback

from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400, Response
from markupsafe import Markup

from .weblinks import is_web_address

# --------------------------------------------------------------------------- links out

# A URL a page may link to: http or https, a host, no whitespace or control characters
# (browsers drop tabs and newlines inside a URL, so "java\tscript:" would still run).
_WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


def web_url(value) -> str | None:
    """``value`` as a link target when it is an ``http``/``https`` URL, else None.

    An article's URL is stored as its input gave it (a text header, an HTML canonical
    link, a JSON ``url``), so it can be ``javascript:alert(1)``; a template links it only
    through this filter (``{% set href = claim.url|web_url %}``) and shows anything else
    as escaped text. Datasette's own cell rendering links only values starting
    ``http://`` or ``https://``, the same rule.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    return url if _WEB_URL.fullmatch(url) and is_web_address(url) else None


# --------------------------------------------------------------------------- errors

# The module of Datasette's default handle_exception hook, whose answer figtrace replaces.
DEFAULT_EXCEPTION_HANDLER = "datasette.handle_exception"

_ERROR_TITLES = {400: "Bad request", 403: "Forbidden", 404: "Not found", 405: "Method not allowed", 503: "Unavailable"}


def describe_exception(exception) -> tuple[int, str, str | None, dict]:
    """``(status, message, title, extra JSON fields)`` for an exception a view raised."""
    from datasette.views.base import DatasetteError

    if isinstance(exception, Base400):
        message = str(exception.args[0]) if exception.args else ""
        if exception.status == 404 and message in ("", "404"):  # Datasette's "no route" NotFound
            message = "There is no page at this address."
        return exception.status, message, None, {}
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return exception.status, message, exception.title, dict(exception.error_dict)
    return 500, str(exception) or type(exception).__name__, None, {}


async def error_response(datasette, request, exception) -> Response:
    """A plain error page (JSON for a ``.json`` path) for ``exception``: its status, its
    message, Datasette's look, and no traceback for an expected error.

    A 500 (a bug) still logs a traceback on stderr, without local variables: milliseconds.
    """
    status, message, title, info = describe_exception(exception)
    if status >= 500:
        traceback.print_exception(exception)
    headers = {}
    if datasette.cors:
        add_cors_headers(headers)
    if request.path.endswith(".json"):
        body = {**info, "ok": False, "error": str(message), "status": status, "title": title}
        return Response.json(body, status=status, headers=headers)
    return Response.html(await _error_html(datasette, status, message, title), status=status, headers=headers)


async def _error_html(datasette, status: int, message, title: str | None) -> str:
    """Datasette's error template with the message; a bare page if that fails to render
    (the error may come from the templates themselves)."""
    title = title or f"Error {status}: {_ERROR_TITLES.get(status, 'server error')}"
    try:
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        return await template.render_async(
            {
                "ok": False,
                "status": status,
                "error": message,
                "title": title,
                "urls": datasette.urls,
                "app_css_hash": datasette.app_css_hash(),
                "menu_links": lambda: [],
            }
        )
    except Exception:  # noqa: BLE001 - an error page must not fail in turn
        return _plain_page(title, str(message), datasette.urls.instance())


def _plain_page(title: str, message: str, home: str) -> str:
    """A self-contained HTML page, every value escaped."""
    return str(
        Markup(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            '<body><h1>{title}</h1><p>{message}</p><p><a href="{home}">figtrace home</a></p></body></html>'
        ).format(title=title, message=message, home=home)
    )


# --------------------------------------------------------------------------- read-only guard

# Methods that only read; every other method asks to change something.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def refuse_write_method(scope) -> Response | None:
    """405 for a write method (POST, PUT, PATCH, DELETE) to a database path, else None.

    Every served database is read-only (immutable, or ``query_only`` from
    :func:`prepare_connection`), so no such request can do anything; answering it here
    also keeps it from Datasette 0.65's table view, which fails on it with a 500 (a POST to
    a canned query returns a tuple where a response belongs, ``'tuple' object has no
    attribute 'asgi_send'``; a POST to a table fails an assertion). Datasette's own
    instance pages under ``/-/`` (login, logout, messages) answer their methods themselves;
    figtrace's pages under ``/-/figtrace/`` only read.
    """
    if scope.get("method", "GET") in READ_METHODS:
        return None
    path = scope.get("path", "")
    if path.startswith("/-/") and not path.startswith("/-/figtrace/"):
        return None
    return Response.text(
        "405 Method not allowed: this server is read-only (figtrace serves its database "
        "immutable or with PRAGMA query_only); nothing can be written through it.\n",
        status=405,
        headers={"Allow": "GET, HEAD, OPTIONS"},
    )


def file_signature(path: str) -> tuple | None:
    """What changes when SQLite writes to the database at ``path``: the main file's inode,
    size and modification time, and whether a write-ahead log beside it holds anything.
    None when the file is gone. Two ``stat`` calls: microseconds."""
    try:
        main = os.stat(path)
    except OSError:
        return None
    try:
        wal_size = os.stat(f"{path}-wal").st_size
    except OSError:
        wal_size = 0
    return (main.st_ino, main.st_size, main.st_mtime_ns, wal_size > 0)


class ImmutableWatch:
    """Notices an immutable database whose file is written after the server opened it.

    Datasette reads an immutable database without locks or the write-ahead log; once an
    ingest writes to the file, pages can change under a query (``database disk image is
    malformed``) and the cached table counts are stale. A server whose database changed
    answers 503 with what to do (restart it with ``--live``, or once the ingest is done)
    instead of wrong or broken pages. Datasette keeps each database's read connections
    per thread and per name, so it cannot be reopened mutable in place.
    """

    def __init__(self, datasette):
        self.datasette = datasette
        self.baseline: dict[str, tuple | None] = {}
        self.changed: dict[str, str] = {}  # database name → its file, once changed
        self.look()

    def _immutables(self):
        for name, db in self.datasette.databases.items():
            if not db.is_mutable and db.path and not db.is_memory:
                yield name, str(db.path)

    def look(self) -> dict[str, str]:
        """Compare each immutable database's file with the first look; the changed ones."""
        for name, path in self._immutables():
            signature = file_signature(path)
            start = self.baseline.setdefault(name, signature)
            if signature != start and name not in self.changed:
                self.changed[name] = path
                print(
                    f"figtrace: {path} changed on disk while served immutable (an ingest writing "
                    f"to it?): answering 503; restart with `analyze serve --live`",
                    file=sys.stderr,
                    flush=True,
                )
        return self.changed

    def response(self, scope) -> Response | None:
        """A 503 page when a served immutable database changed, else None."""
        if scope.get("path", "").startswith("/-/static/") or not self.look():
            return None
        files = ", ".join(sorted(self.changed.values()))
        message = (
            f"{files} changed on disk after this server opened it immutable (an ingest is "
            f"writing to it, or wrote to it). Immutable serving cannot read a file that is "
            f"being written, so this server has stopped answering. Restart it with "
            f"`analyze serve --live` to follow the ingest, or restart `analyze serve` once "
            f"the ingest is done."
        )
        if scope.get("path", "").endswith(".json"):
            return Response.json({"ok": False, "error": message, "status": 503}, status=503, headers={"Retry-After": "5"})
        home = self.datasette.urls.instance()
        return Response.html(_plain_page("503: database changed on disk", message, home), status=503, headers={"Retry-After": "5"})

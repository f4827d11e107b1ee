"""Web pages (``analyze ingest https://…``, ``--urls FILE``): fetched with httpx and read as
an ``.html`` file is (trafilatura), an article each.

The article's key is the URL as given; its ``url`` the page's canonical URL when it declares
one, else the URL it was finally served from (after redirects); its identity the hash of the
HTML bytes fetched, so a page fetched again unchanged is ``unchanged`` and an edited one
``updated``. A URL that serves an RSS or Atom feed (a feed content type, or a document whose
root is ``<rss>``, ``<feed>`` or ``<rdf:RDF>`` whatever type it is served as) is read as a
feed file is, an article per entry keyed ``URL#<id>``. Whether to fetch at all is the runner's call (a URL stored already is not
fetched again without ``--refetch``).

Fetching is bounded in every way a crawl can run away: connect and read timeouts and a
deadline for the whole page, at most :data:`MAX_REDIRECTS` redirects, the size cap
(``--max-bytes``) enforced while the body streams in, HTML and feed content types only
(anything else is refused before its body is read), no retries and no links followed. At most
:data:`MAX_IN_FLIGHT` requests are in flight, one per host at a time, and at most
:data:`LOOKAHEAD` pages are held fetched ahead of the parser. Every failure is one
:class:`InputError` naming the URL (``https://…: HTTP 404 Not Found``).
"""

from __future__ import annotations

import codecs
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
import trafilatura.utils

from .. import __version__
from ..records import InputError, ParsedFile
from .dates import DEFAULT_DATE_ORDER
from .feeds import _parse_feed, _root_element
from .files import _human_size
from .html import HTML_TYPES, _parse_html
from .parse import settle_dates

# What a site's operator reads of who fetches their pages and why (the project has no
# address of its own to name yet).
USER_AGENT = f"figtrace/{__version__} (news figure source tracing; one page per request, no crawling)"
CONNECT_TIMEOUT = 10.0  # seconds to open a connection
READ_TIMEOUT = 30.0  # seconds without a byte arriving
# A server that drips a byte a second never trips the read timeout: the whole page has this long.
PAGE_DEADLINE = 120.0
MAX_REDIRECTS = 5
MAX_IN_FLIGHT = 4  # requests at once, over all hosts (each host: one at a time)
LOOKAHEAD = 8  # pages fetched ahead of the parser, so memory stays bounded on long URL lists

# Servers label feeds every way: their own types (x- or not), and generic XML.
_GENERIC_XML = frozenset({"application/xml", "text/xml"})
_FEED_TYPES = _GENERIC_XML | {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml",
                              "application/x-atom+xml", "application/rss"}  # fmt: skip
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf"})


@dataclass
class FetchedPage:
    """A page's HTML as fetched: ``url`` as given (its key), ``final_url`` after redirects,
    and the charset its response declared (None: none)."""

    url: str
    final_url: str
    raw: bytes
    charset: str | None = None
    media_type: str = "text/html"

    @property
    def is_feed(self) -> bool:
        """Whether the page is read as an RSS or Atom feed: rooted as one, or served as one
        (as generic XML: unless it is XHTML, a page)."""
        root = (_root_element(self.raw) or "").lower()
        if root in _FEED_ROOTS:
            return True
        return self.media_type in _FEED_TYPES and not (self.media_type in _GENERIC_XML and root == "html")


_ACCEPT = "text/html,application/xhtml+xml;q=0.9,application/rss+xml;q=0.8,application/atom+xml;q=0.8,*/*;q=0.1"


def make_client() -> httpx.Client:
    """The HTTP client pages are fetched with: timeouts, redirects followed (at most
    :data:`MAX_REDIRECTS`), figtrace's User-Agent, at most :data:`MAX_IN_FLIGHT` connections."""
    return httpx.Client(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT),
        limits=httpx.Limits(max_connections=MAX_IN_FLIGHT),
        headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT},
    )


def fetch_page(client: httpx.Client, url: str, max_bytes: int) -> FetchedPage:
    """GET one HTML page or feed, streamed within ``max_bytes``; raises :class:`InputError` (one
    line naming ``url``) for an HTTP error status, another content type, a page over the
    cap, a timeout or a connection that fails."""
    deadline = time.monotonic() + PAGE_DEADLINE
    try:
        with client.stream("GET", url) as response:
            if not response.is_success:
                raise InputError(url, f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
            media_type, charset = _content_type(response.headers.get("Content-Type", ""))
            if media_type not in HTML_TYPES | _FEED_TYPES:
                raise InputError(url, f"not an HTML page or feed (Content-Type: {media_type or 'none'})")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise InputError(url, _too_large(int(declared), max_bytes))
            chunks, size = [], 0
            # Decoded (gzip) bytes count: the cap is on what is held, whatever the wire carried.
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(url, _too_large(None, max_bytes))
                if time.monotonic() > deadline:
                    raise InputError(url, f"timed out: page not read within {PAGE_DEADLINE:.0f} s")
                chunks.append(chunk)
            return FetchedPage(url, str(response.url), b"".join(chunks), charset, media_type)
    except httpx.TimeoutException as exc:
        phase = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "reading" if isinstance(exc, httpx.ReadTimeout) else "waiting"
        raise InputError(url, f"timed out {phase} (limits: connect {CONNECT_TIMEOUT:g} s, read {READ_TIMEOUT:g} s)") from None
    except httpx.TooManyRedirects:
        raise InputError(url, f"more than {MAX_REDIRECTS} redirects") from None
    except httpx.UnsupportedProtocol as exc:
        raise InputError(url, f"not an http(s) URL ({_first_line(exc)})") from None
    except httpx.ConnectError as exc:
        raise InputError(url, f"cannot connect: {_first_line(exc)}") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise InputError(url, f"fetch failed: {_first_line(exc)}") from None


def fetch_pages(urls: Iterable[str], max_bytes: int, client: httpx.Client | None = None) -> Iterator[FetchedPage | InputError]:
    """Fetch ``urls``, yielding each page (or its error) in the order given: at most
    :data:`MAX_IN_FLIGHT` at once and one per host, at most :data:`LOOKAHEAD` ahead of the
    consumer. No client is made (nor thread started) when ``urls`` is empty, and the
    threads and client are closed before the last page is yielded."""
    todo = iter(urls)
    first = next(todo, None)
    if first is None:
        return
    own_client = client is None
    client = client or make_client()
    gates = _HostGates()

    def fetch(url: str) -> FetchedPage | InputError:
        with gates.hold(url):
            try:
                return fetch_page(client, url, max_bytes)
            except InputError as error:
                return error

    pool = ThreadPoolExecutor(MAX_IN_FLIGHT, thread_name_prefix="figtrace-fetch")
    try:
        pending: deque[Future] = deque([pool.submit(fetch, first)])
        # (range first: zip stops on it without taking one more URL from todo)
        pending.extend(pool.submit(fetch, url) for _, url in zip(range(LOOKAHEAD - 1), todo))
        while True:
            page = pending.popleft().result()
            url = next(todo, None)
            if url is not None:
                pending.append(pool.submit(fetch, url))
            if not pending:
                break
            yield page
    finally:
        # A run stopped early (an error, ^C) waits only for the requests already running.
        pool.shutdown(wait=True, cancel_futures=True)
        if own_client:
            client.close()
    # The last page after the threads are gone: a consumer that takes one page per URL (the
    # runner does) never resumes the generator past it, and a generator left suspended
    # inside the try would shut its pool down whenever it is collected, in whatever thread
    # collects it (one starting another pool's worker deadlocked waiting for itself).
    yield page


def parse_page(page: FetchedPage | InputError, date_order: str = DEFAULT_DATE_ORDER) -> ParsedFile:
    """A fetched page as its article (keyed by the URL as given), dated like an ``.html``
    file (its metadata, else its URL); a fetched feed as its entries, as a feed file is
    read. An error fetching or reading it is the one error."""
    if isinstance(page, InputError):
        return ParsedFile(page.path, errors=[page])
    if page.is_feed:
        try:
            # (undecoded: the XML declares its own encoding)
            return settle_dates(_parse_feed(page.url, page.raw, page.final_url), date_order)
        except InputError as error:
            return ParsedFile(page.url, errors=[error])
    try:
        parsed = _parse_html(page.url, page.raw, _decode(page.raw, page.charset))
    except InputError as error:
        return ParsedFile(page.url, errors=[error])
    for article in parsed.articles:
        # The page's canonical URL (trafilatura reads <link rel=canonical>, og:url), made
        # absolute against where it was served; else where it was served.
        article.url = urljoin(page.final_url, article.url) if article.url else page.final_url
    return settle_dates(parsed, date_order)


class _HostGates:
    """A lock per host, so one host never has two of our requests at once."""

    def __init__(self):
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, url: str):
        parts = urlsplit(url)
        host = f"{(parts.hostname or '').lower()}:{parts.port or ''}"
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            yield


def _content_type(value: str) -> tuple[str, str | None]:
    """(media type, charset or None) of a Content-Type header."""
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        name, _, param_value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = param_value.strip().strip("\"'") or None
    return media_type.strip().lower(), charset


def _decode(raw: bytes, charset: str | None) -> str:
    """The page as text: in the charset its response declared, else as trafilatura guesses
    it (UTF-8 first, then the page's own <meta charset>)."""
    if charset:
        try:
            return raw.decode(codecs.lookup(charset).name, errors="replace")
        except LookupError:
            pass
    return trafilatura.utils.decode_file(raw)


def _too_large(size: int | None, max_bytes: int) -> str:
    # None: no size was declared and reading stopped past the cap, so the size is unknown.
    told = f"{_human_size(size)} > " if size is not None else "over the "
    return f"page too large ({told}{_human_size(max_bytes)} limit); raise --max-bytes"


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().split("\n", 1)[0]
    return text[:160] or type(exc).__name__

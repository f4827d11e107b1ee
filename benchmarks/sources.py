"""Feeds, web archives and web pages ingested from fixtures built here: every entry, record
and page stored with the right URL and date, and a second ingest changing nothing; prints
counts and times.

    python benchmarks/sources.py [--articles 60] [--keep DIR]

Articles are made up here (a title, an outlet, a date, an address and two sentences stating
figures), each page dated the way some sites date theirs: an ``article:published_time``
meta tag, a date only in its address (``/2025/03/04/``), or nothing at all; one page in
three declares a canonical address other than the one it is served at. They then go in as

- three feed files, RSS 2.0, RSS 1.0 (RDF) and Atom, an entry per article (dated as feeds
  print dates; stored with the entry's link);
- a web archive (``.warc.gz``) as a crawler writes one: each page's request and response,
  captured on a day of its own, among an image, a 404 and a revisit record that are no
  articles (a page with no date of its own takes its address's, else the capture's);
- web pages served on 127.0.0.1 by a server started here, listed in a ``--urls`` file, one in
  four behind a redirect (stored under the canonical address, else where it was served
  after redirects; a page with no date anywhere is stored undated);
- a feed served at a URL, ingested with ``--fetch``: each entry takes its page's text,
  keeping the entry's date, under the page's address.

Each goes into a fresh database through ``analyze ingest`` in a process of its own, as a user
runs it; every stored article's ``url`` and ``published`` are compared with what its fixture
says, and the same ingest run again must leave every table as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
ANALYZE = [sys.executable, "-c", "from pipeline.cli import main; main()"]
COMPANIES = ["Acme Robotics", "Northwind Foods", "Harbour Freight", "Bluefield Energy", "Castle Mining", "Oakridge Health"]
PLACES = ["Ohio", "Leeds", "Lyon", "Osaka", "Porto", "Perth", "Quebec"]
# How a page is dated, in turn.
DATINGS = ("meta", "address", "none")


@dataclass
class Story:
    number: int
    title: str
    outlet: str
    day: date
    text: str
    dating: str
    canonical: bool

    @property
    def path(self) -> str:
        slug = f"story-{self.number}"
        return f"/{self.day:%Y/%m/%d}/{slug}" if self.dating == "address" else f"/news/{slug}"

    def page(self, served_at: str) -> bytes:
        """The story's HTML page; its canonical address, when it declares one, is on another host."""
        head = f"<title>{escape(self.title)}</title><meta property=\"og:site_name\" content=\"{escape(self.outlet)}\">"
        if self.dating == "meta":
            head += f'<meta property="article:published_time" content="{self.day}T08:00:00Z">'
        if self.canonical:
            head += f'<link rel="canonical" href="{self.canonical_url}">'
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in self.text.split("\n\n"))
        return f"<html><head>{head}</head><body><article><h1>{escape(self.title)}</h1>{paragraphs}</article></body></html>".encode()

    @property
    def canonical_url(self) -> str:
        return f"https://www.outlet{self.number % 5}.example{self.path}"


def make_stories(count: int, seed: int = 1) -> list[Story]:
    rng = random.Random(seed)
    stories = []
    for number in range(count):
        company, place = rng.choice(COMPANIES), rng.choice(PLACES)
        amount, staff = rng.randint(2, 900), rng.randint(10, 4000)
        text = (f"{company} said it would spend ${amount} million on a new plant in {place}, its chief executive "
                f"told reporters on Tuesday in story {number}.\n\nThe plant will employ {staff} people by the end "
                f"of the decade, according to a filing with regulators reviewed for story {number}.")  # fmt: skip
        stories.append(Story(number, f"{company} plans {place} plant ({number})", f"Outlet {number % 5}",
                             date(2025, 1, 1) + timedelta(days=rng.randint(0, 300)), text,
                             DATINGS[number % len(DATINGS)], number % 3 == 0))  # fmt: skip
    return stories


# --------------------------------------------------------------------------- fixtures


def feed_rss2(stories: list[Story], site: str = "https://feeds.example", title: str = "Wire Two", guid: str = "rss2",
              teaser: bool = False) -> str:  # fmt: skip
    """An RSS 2.0 feed of the stories, linking to their pages on ``site``; each entry's
    description the story, or its first paragraph alone (``teaser``: a page to fetch)."""
    items = "".join(
        f"<item><title>{escape(s.title)}</title><link>{site}{s.path}</link><guid isPermaLink=\"false\">{guid}-{s.number}</guid>"
        f"<pubDate>{format_datetime(datetime(s.day.year, s.day.month, s.day.day, 8, tzinfo=timezone.utc), usegmt=True)}</pubDate>"
        f"<description>{escape(s.text.split(chr(10))[0] if teaser else s.text)}</description></item>"
        for s in stories
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


def feed_rss1(stories: list[Story]) -> str:
    items = "".join(
        f'<item rdf:about="https://feeds.example{s.path}"><title>{escape(s.title)}</title><link>https://feeds.example{s.path}</link>'
        f"<dc:date>{s.day}T08:00:00Z</dc:date><description>{escape(s.text)}</description></item>"
        for s in stories
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<channel rdf:about="https://feeds.example/"><title>Wire One</title></channel>{items}</rdf:RDF>')  # fmt: skip


def feed_atom(stories: list[Story]) -> str:
    entries = "".join(
        f'<entry><title>{escape(s.title)}</title><link href="https://feeds.example{s.path}"/><id>atom-{s.number}</id>'
        f"<published>{s.day}T08:00:00Z</published><updated>{s.day}T09:00:00Z</updated>"
        f'<content type="text">{escape(s.text)}</content></entry>'
        for s in stories
    )
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire Atom</title>{entries}</feed>'


def capture_day(story: Story) -> date:
    return story.day + timedelta(days=3)


def build_warc(stories: list[Story]) -> bytes:
    """A crawl of the stories' pages (each captured 3 days after its date), with records
    that are no articles between them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)

    def add(uri, kind, day, payload=b"", http=None):
        headers = {"WARC-Date": f"{day}T12:00:00Z"}
        writer.write_record(writer.create_warc_record(uri, kind, payload=io.BytesIO(payload), http_headers=http,
                                                      warc_headers_dict=headers))  # fmt: skip

    for story in stories:
        uri = f"https://archive-site.example{story.path}"
        add(uri, "request", capture_day(story), http=StatusAndHeaders(f"GET {story.path} HTTP/1.1", [("Host", "archive-site.example")],
                                                                     is_http_request=True))  # fmt: skip
        add(uri, "response", capture_day(story), story.page(uri),
            StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"))  # fmt: skip
        if story.number % 10 == 0:
            add("https://archive-site.example/logo.png", "response", capture_day(story), b"\x89PNG\r\n\x1a\n....",
                StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"))  # fmt: skip
            add("https://archive-site.example/gone", "response", capture_day(story), b"<html><body><p>Not here.</p></body></html>",
                StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1"))  # fmt: skip
            writer.write_record(writer.create_revisit_record(uri, "sha1:AAAA", uri, f"{capture_day(story)}T13:00:00Z"))
    return out.getvalue()


class Site:
    """The stories' pages on 127.0.0.1 (a redirect before one in four), and a feed of them."""

    def __init__(self, stories: list[Story]):
        self.routes: dict[str, tuple[int, dict, bytes]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, headers, body = site.routes.get(self.path, (404, {"Content-Type": "text/html"}, b"<p>no</p>"))
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        for story in stories:
            self.routes[story.path] = (200, {"Content-Type": "text/html; charset=utf-8"}, story.page(self.base + story.path))
            self.routes[f"/moved/{story.number}"] = (301, {"Location": story.path}, b"")
        feed = feed_rss2(stories, self.base, "Live Wire", "live", teaser=True)
        self.routes["/feed"] = (200, {"Content-Type": "application/rss+xml"}, feed.encode())
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def entry_url(self, story: Story) -> str:
        """The address a story is listed under (one in four through a redirect)."""
        return f"{self.base}/moved/{story.number}" if story.number % 4 == 1 else self.base + story.path


# --------------------------------------------------------------------------- expectations


def expected_feed(story: Story) -> tuple[str, str]:
    return f"https://feeds.example{story.path}", str(story.day)


def expected_archived(story: Story) -> tuple[str, str]:
    url = story.canonical_url if story.canonical else f"https://archive-site.example{story.path}"
    return url, str(story.day if story.dating != "none" else capture_day(story))


def expected_page(base: str):
    def expect(story: Story) -> tuple[str, str | None]:
        url = story.canonical_url if story.canonical else base + story.path
        return url, str(story.day) if story.dating != "none" else None

    return expect


def expected_fetched(base: str):
    def expect(story: Story) -> tuple[str, str]:
        return (story.canonical_url if story.canonical else base + story.path), str(story.day)  # (the entry's date)

    return expect


# --------------------------------------------------------------------------- running


def ingest(inputs: list[str], db_path: Path, *options: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([*ANALYZE, "ingest", *inputs, "--db", str(db_path), "--no-progress", *options],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"analyze ingest failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return time.perf_counter() - started, (done.stdout + done.stderr).strip().splitlines()[-1]


def database_digest(db_path: Path) -> str:
    """A hash of every stored row but those that say when or in which run it was written."""
    connection = sqlite3.connect(db_path)
    digest = hashlib.sha256()
    for table in ("articles", "inputs", "sentences", "claims", "entity_mentions", "figures", "mutations"):
        columns = [r[1] for r in connection.execute(f"pragma table_info([{table}])") if r[1] not in ("ingested_at", "run_id")]
        for row in connection.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}] order by 1"):
            digest.update(repr(row).encode())
    connection.close()
    return digest.hexdigest()


def check(name: str, inputs: list[str], stories: list[Story], expect, work: Path, *options: str) -> bool:
    db_path = work / ("".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-") + ".db")
    seconds, summary = ingest(inputs, db_path, *options)
    connection = sqlite3.connect(db_path)
    stored = {title: (url, published) for title, url, published in connection.execute("select title, url, published from articles")}
    connection.close()
    right = sum(stored.get(s.title) == expect(s) for s in stories)
    wrong = [(s.title, stored.get(s.title), expect(s)) for s in stories if stored.get(s.title) != expect(s)]
    before = database_digest(db_path)
    again_seconds, again = ingest(inputs, db_path, *options)
    unchanged = database_digest(db_path) == before
    print(f"{name}: {right} of {len(stories)} stored with the right URL and date, {len(stored)} articles in all,"
          f" {seconds:.1f} s; again: {'nothing changed' if unchanged else 'CHANGED'} ({again_seconds:.1f} s: {again.split(' in ')[0]})")  # fmt: skip
    for title, got, wanted in wrong[:3]:
        print(f"    {title}: stored {got}, expected {wanted}")
    return right == len(stories) and len(stored) == len(stories) and unchanged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60, help="stories made up (default 60)")
    parser.add_argument("--keep", type=Path, help="keep the fixtures and databases in this folder")
    args = parser.parse_args()
    stories = make_stories(args.articles)
    if args.keep is None:
        with tempfile.TemporaryDirectory(prefix="figtrace-sources-") as folder:
            run(stories, Path(folder))
    else:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(stories, args.keep)
        print(f"fixtures and databases kept in {args.keep}")


def run(stories: list[Story], work: Path) -> None:
    """Build the fixtures in ``work``, ingest each into a database of its own there, and
    print and exit with what held."""
    fixtures = work / "fixtures"
    fixtures.mkdir(exist_ok=True)
    for name, text in (("wire.rss", feed_rss2(stories)), ("wire-rdf.xml", feed_rss1(stories)), ("wire.atom", feed_atom(stories))):
        (fixtures / name).write_text(text, encoding="utf-8")
    (fixtures / "crawl.warc.gz").write_bytes(build_warc(stories))
    site = Site(stories)
    (fixtures / "reading-list.txt").write_text("\n".join(site.entry_url(s) for s in stories) + "\n", encoding="utf-8")
    databases = work / "databases"
    databases.mkdir(exist_ok=True)
    results = [
        check("RSS 2.0 feed", [str(fixtures / "wire.rss")], stories, expected_feed, databases),
        check("RSS 1.0 feed", [str(fixtures / "wire-rdf.xml")], stories, expected_feed, databases),
        check("Atom feed", [str(fixtures / "wire.atom")], stories, expected_feed, databases),
        check("Web archive", [str(fixtures / "crawl.warc.gz")], stories, expected_archived, databases),
        check("Web pages (--urls)", ["--urls", str(fixtures / "reading-list.txt")], stories, expected_page(site.base), databases),
        check("Feed at a URL (--fetch)", [f"{site.base}/feed"], stories, expected_fetched(site.base), databases, "--fetch"),
    ]
    site.server.shutdown()
    print(f"all sources right: {all(results)} ({sum(results)} of {len(results)})")
    if not all(results):
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Web archives (.warc, .warc.gz): an article per HTML page captured, every other record
skipped, dates from the page, its URL or the capture, the size cap per page, archives cut
short or no archive at all, and re-ingest."""

import io

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.ingest import parse_file
from pipeline.runner import ingest_paths

from .helpers import only_error, write

CHIPS = b"""<html><head><title>Chip spending</title><meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2025-03-04T08:00:00Z"></head><body><article><h1>Chip spending</h1>
<p>Acme spent $6 million on new chips last year, according to filings reviewed by reporters who cover the industry.</p>
<p>It also hired 40 engineers in Ohio, the company said in a statement on Monday.</p></article></body></html>"""
# A relative link: resolved against the URL the page was captured at (it names none itself).
CARS = b"<html><head><title>Car sales</title></head><body><p>Beta sold 7 cars in March, its dealers said.<a href='../../../chips'></a></p></body></html>"
# Latin-1, as its response says; no date anywhere but the capture.
PORT = "<html><head><title>Port</title></head><body><p>The port of Liège handled 4.2 million containers.</p></body></html>"

DAY = "2025-03-10T12:00:00Z"


def record_id(n: int) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-{n:012d}"


def build_warc(gzip: bool) -> bytes:
    """An archive as a crawler writes one: a request, HTML pages, an image, a 404, a revisit
    and a metadata record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    number = iter(range(1, 100))

    def add(uri, kind, payload=b"", http=None, **headers):
        headers = {"WARC-Record-ID": f"<{record_id(next(number))}>", "WARC-Date": DAY, **headers}
        writer.write_record(writer.create_warc_record(
            uri, kind, payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=headers))  # fmt: skip

    def response(uri, body, content_type="text/html; charset=utf-8", status="200 OK"):
        add(uri, "response", body, StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1"))

    add("https://news.example/chips", "request",
        http=StatusAndHeaders("GET /chips HTTP/1.1", [("Host", "news.example")], is_http_request=True))  # fmt: skip
    response("https://news.example/chips", CHIPS)  # 2: dated by its metadata
    response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n....", "image/png")
    response("https://news.example/2025/03/01/cars", CARS)  # 4: dated by its URL
    response("https://news.example/gone", b"<html><body><p>Not found, 404 pages.</p></body></html>", status="404 Not Found")
    response("https://news.example/port", PORT.encode("latin-1"), "application/xhtml+xml; charset=ISO-8859-1")  # 6: dated by the capture
    add("https://news.example/chips", "metadata", b"outlinks: https://news.example/cars\n", warc_content_type="application/warc-fields")
    writer.write_record(writer.create_revisit_record(
        "https://news.example/chips", "sha1:AAAA", "https://news.example/chips", DAY))  # fmt: skip
    return out.getvalue()


def offsets(data: bytes) -> list[int]:
    return [record_offset for record_offset, _ in _records(data)]


def _records(data: bytes):
    archive = ArchiveIterator(io.BytesIO(data))
    for record in archive:
        yield archive.get_record_offset(), record.rec_type


@pytest.fixture(params=[".warc", ".warc.gz"])
def suffix(request):
    return request.param


def test_every_html_page_is_an_article_and_every_other_record_is_skipped(tmp_path, suffix):
    path = write(tmp_path / f"crawl{suffix}", build_warc(gzip=suffix.endswith(".gz")))
    parsed = parse_file(path)
    assert (parsed.errors, parsed.warnings) == ([], [])
    pages = {a.path: a for a in parsed.articles}
    assert list(pages) == [f"{path}#{record_id(n)}" for n in (2, 4, 6)]
    chips, cars, port = pages.values()
    assert (chips.title, chips.source, chips.url) == ("Chip spending", "Daily Example", "https://news.example/chips")
    assert (chips.published, chips.published_from) == ("2025-03-04", "html")
    assert "Acme spent $6 million on new chips" in chips.text and "<p>" not in chips.text
    assert chips.raw == CHIPS  # identity: the page as captured
    assert (cars.url, cars.published, cars.published_from) == ("https://news.example/2025/03/01/cars", "2025-03-01", "url")
    assert cars.text == "Beta sold 7 cars in March, its dealers said."
    assert cars.links == ("https://news.example/chips",)
    assert (port.title, port.published, port.published_from) == ("Port", "2025-03-10", "warc")
    assert port.text == "The port of Liège handled 4.2 million containers."  # its declared charset


def test_a_truncated_archive_is_one_error_at_the_record_cut_and_keeps_the_pages_before(tmp_path, suffix):
    data = build_warc(gzip=suffix.endswith(".gz"))
    cut_at, next_at = offsets(data)[5:7]  # the Latin-1 page, cut in its middle
    path = write(tmp_path / f"cut{suffix}", data[: (cut_at + next_at) // 2])
    parsed = parse_file(path)
    assert [a.path for a in parsed.articles] == [f"{path}#{record_id(2)}", f"{path}#{record_id(4)}"]
    assert len(parsed.errors) == 1
    assert str(parsed.errors[0]).startswith(f"{path}: truncated or corrupt web archive at offset {cut_at}: ")
    assert str(parsed.errors[0]).endswith("; 2 pages read before it")


def whole_up_to(data: bytes, gzip: bool) -> list[tuple[int, int]]:
    """The cuts that leave a shorter archive of whole records, as (from, to) spans: between
    two gzip members; in a plain WARC, anywhere in the blank lines after a record's block,
    and, for a record whose block is empty (the revisit), after its last header's value."""
    archive = ArchiveIterator(io.BytesIO(data))
    spans = []
    for record in archive:
        end = archive.get_record_offset() + archive.get_record_length()
        empty = not gzip and record.length == 0
        spans.append((end - (4 if empty else 0), end if gzip else end + 4))
    return spans


def test_an_archive_cut_anywhere_is_never_read_as_whole(tmp_path, suffix):
    gzip = suffix.endswith(".gz")
    data = build_warc(gzip)
    spans = whole_up_to(data, gzip)
    # Every byte around where records end (where a cut is hardest to tell), a sample between.
    near = {size for span in spans for edge in span for size in range(edge - 12, edge + 13)}
    sizes = sorted(size for size in near | set(range(1, len(data), 23)) if 0 < size < len(data))
    path = tmp_path / f"cut{suffix}"
    for size in sizes:
        path.write_bytes(data[:size])
        parsed = parse_file(path)
        whole = any(start <= size <= end for start, end in spans)
        assert len(parsed.errors) == (0 if whole else 1), (size, parsed.errors)
        assert all(error.path == str(path) for error in parsed.errors)


def test_a_file_that_is_no_web_archive_is_one_error(tmp_path):
    path = write(tmp_path / "notes.warc", "hello world\nthis is text\n")
    assert only_error(path) == f"{path}: not a WARC web archive (Unknown archive format, first line: ['hello', 'world'])"
    assert only_error(write(tmp_path / "empty.warc.gz", b"")) == f"{tmp_path / 'empty.warc.gz'}: empty file"


def test_the_size_cap_applies_to_each_page_not_to_the_archive(tmp_path, suffix):
    data = build_warc(gzip=suffix.endswith(".gz"))
    path = write(tmp_path / f"crawl{suffix}", data)
    cap = len(CHIPS) - 1  # the chips page is over it, the others under; the archive far over
    assert len(data) > cap
    parsed = parse_file(path, max_bytes=cap)
    assert [a.path for a in parsed.articles] == [f"{path}#{record_id(n)}" for n in (4, 6)]
    (error,) = parsed.errors
    assert str(error).startswith(f"{path}#{record_id(2)}: page too large (")
    assert str(error).endswith(f" bytes > {cap} bytes limit); raise --max-bytes")


def test_the_gz_extension_needs_warc_before_it(tmp_path):
    path = write(tmp_path / "crawl.gz", build_warc(gzip=True))
    assert only_error(path).startswith(f"{path}: unsupported file type '.gz' (supported: ")


def test_reingesting_an_archive_changes_nothing_and_a_recapture_is_one_article(nlp, tmp_path, fingerprint):
    folder = tmp_path / "crawls"
    write(folder / "monday.warc.gz", build_warc(gzip=True))
    db_path = tmp_path / "news.db"
    first = ingest_paths([folder], db_path, nlp=nlp)
    assert (first.errors, first.new) == ([], 3)
    db = sqlite_utils.Database(db_path)
    rows = {r["title"]: r for r in db.query("select * from articles")}
    assert (rows["Chip spending"]["published"], rows["Chip spending"]["published_from"]) == ("2025-03-04", "html")
    assert (rows["Port"]["published"], rows["Port"]["published_from"]) == ("2025-03-10", "warc")
    assert "$6 million" in {r["surface"] for r in db.query("select surface from claims")}
    before = fingerprint(db_path)
    again = ingest_paths([folder], db_path, nlp=nlp)
    assert (again.new, again.updated, again.unchanged, again.claims) == (0, 0, 3, 0)
    assert fingerprint(db_path) == before
    # The same pages captured again, in another archive: linked, not analysed again.
    write(folder / "tuesday.warc", build_warc(gzip=False))
    recrawl = ingest_paths([folder], db_path, nlp=nlp)
    assert (recrawl.duplicate, recrawl.unchanged, recrawl.new) == (3, 3, 0)
    assert db["articles"].count == 3 and db["inputs"].count == 6

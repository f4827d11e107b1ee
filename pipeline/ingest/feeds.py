"""News feeds (``.xml``, ``.rss``, ``.atom``): RSS 0.9x, 1.0 (RDF) and 2.0 and Atom, read by
feedparser; an article per entry.

An entry's key is ``feed.xml#<id>``: its id (RSS ``guid``, Atom ``id``), else its link, else
its 1-based position. Ids and links stay put when a publisher prepends new entries, so a
re-fetched feed keeps the identity of the entries it still holds. A feed is a window on a
stream: entries that dropped off it are not removed from the database (unlike the records
a JSON Lines file lost).

Feeds are lenient by nature (undeclared entities, bare ``&`` in links): a feed feedparser
recognises but that is not well-formed XML is read all the same, with one warning; one cut
short (no closing root tag) is an error and its last entry, perhaps cut, is left out; an XML
file that is no feed is an error.

With ``--fetch`` an entry that links to a web page takes the page's text instead
(:func:`with_page`; the runner fetches it as it fetches URLs): the key stays the entry's.
"""

from __future__ import annotations

import codecs
import dataclasses
import io
import json
import re
from urllib.parse import urljoin

import feedparser
import trafilatura

from ..records import Article, InputError, InputWarning, ParsedFile
from ..weblinks import is_web_address
from .html import HTML_TYPES, _HTMLText, page_links
from .text import record_article

_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_FIRST_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_RSS_AUTHOR = re.compile(r"[^\s@()]+@[^\s()]+\s*\(([^()]+)\)")
# How far from each end the root element's tags are looked for.
_SNIFF_BYTES = 4096


def _parse_feed(key: str, raw: bytes, base: str | None = None) -> ParsedFile:
    """The entries of one feed file as articles (``raw``: the file's bytes, whose encoding
    the XML declares). Entry links are made absolute against ``base`` (the address a feed
    was fetched from), else the feed's own link (its channel's)."""
    if not raw.strip():
        raise InputError(key, "empty file")
    # A stream, never a string: feedparser fetches a string that looks like a URL.
    document = feedparser.parse(io.BytesIO(raw))
    entries = list(document.get("entries", []))
    problem = _xml_problem(document, raw)
    root = _root_element(raw)
    if not document.get("version") and not entries:
        reason = f": not well-formed XML ({problem})" if problem else f" (its root element is <{root}>)" if root else ""
        raise InputError(key, f"not an RSS or Atom feed{reason}")
    parsed = ParsedFile(key)
    if root and not _closes(raw, root):
        parsed.errors.append(
            InputError(key, f"truncated feed: it ends before its closing </{root}>; its last entry is left out")
        )
        entries = entries[:-1]
    elif problem:
        parsed.warnings.append(InputWarning(key, f"feed is not well-formed XML ({problem}); read leniently"))
    if not entries and not parsed.errors:
        parsed.warnings.append(InputWarning(key, "feed has no entries"))
    source = _plain(document.get("feed", {}), "title")
    base = next((b for b in (base, _clean(document.get("feed", {}).get("link"))) if b and is_web_address(b)), None)
    used: dict[str, int] = {}
    for position, entry in enumerate(entries, 1):
        entry_key = _entry_key(key, entry, position, used)
        link = _clean(entry.get("link"))
        if link and not is_web_address(link) and not base:
            parsed.warnings.append(InputWarning(entry_key, f"entry link {link!r} is relative and the feed names no"
                                                           " address to resolve it against: stored without a URL"))  # fmt: skip
        try:
            parsed.articles.append(_entry_article(entry, entry_key, source, base))
        except InputError as error:
            parsed.errors.append(error)
    return parsed


def _entry_article(entry: dict, key: str, source: str | None, base: str | None = None) -> Article:
    bodies = _bodies(entry)
    if not bodies:
        raise InputError(key, "entry has no text (no content or summary)")
    # The content unless it holds no words (an image alone), then the summary.
    body, text = next(((b, t) for b in bodies if (t := _text_of(b))), (None, ""))
    if not text:
        raise InputError(key, "entry has no text (its content and summary hold no words)")
    # As printed: the feed's own calendar date, read by dates.py (feedparser's parsed
    # times are converted to UTC, which can move the day).
    date = _clean(entry.get("published")) or _clean(entry.get("updated"))
    title = _plain(entry, "title")
    author = _authors(entry)
    url = _clean(entry.get("link"))
    # The entry as it reads, in a canonical form: a re-fetch that changes nothing it is
    # built from keeps its identity, whatever the feed's other entries or layout.
    identity = {"id": _clean(entry.get("id")), "link": url, "title": title, "date": date,
                "author": author, "body": body, "source": source}  # fmt: skip
    # (its identity keeps the link as written; a relative one is stored resolved, or not at all)
    if url and not is_web_address(url):
        url = urljoin(base, url) if base else None
    article = record_article(key, text, identity, title=title, source=source, url=url, date=date, author=author)
    if body["type"] in HTML_TYPES:
        # (the links an entry's HTML makes are its citations, as a page's are)
        article.links = page_links(body["value"], url)
    return article


def with_page(entry: Article, page: ParsedFile) -> tuple[Article, list[InputWarning]]:
    """``entry`` with the text of the page it links to (``page``: as parse_page read it),
    keeping its key and, when it has them, its title, date, source (the feed's title: what
    a page names as its site falls back on its domain or a social account) and author;
    its url is the page's (canonical) one, its identity the entry and the page's bytes. A page that
    failed (a 404, a PNG, no text) leaves the entry as the feed gave it, with one warning."""
    if page.errors or not page.articles:
        why = page.errors[0] if page.errors else f"{page.path}: no text"
        return entry, [InputWarning(entry.path, f"linked page not used ({why}); stored from the feed entry")]
    found = page.articles[0]
    # (entry.title falls back on the text's first line: whether the entry had one is in its identity)
    title = json.loads(entry.raw).get("title") or found.title
    article = dataclasses.replace(
        found, path=entry.path, raw=entry.raw + b"\n" + found.raw, title=title,
        source=entry.source or found.source, author=entry.author or found.author,
    )  # fmt: skip
    if entry.published:
        article.published, article.published_from = entry.published, entry.published_from
        return article, []
    # Undated entry: dated by the page, whose date warnings (keyed by its URL) become the entry's.
    return article, [InputWarning(entry.path, w.message) for w in page.warnings]


def _entry_key(key: str, entry: dict, position: int, used: dict[str, int]) -> str:
    """``feed.xml#<id, link or position>``; a repeated id (a feed that reuses guids) gets
    ``(2)``, ``(3)``... so no entry overwrites another."""
    name = _clean(entry.get("id")) or _clean(entry.get("link")) or str(position)
    used[name] = used.get(name, 0) + 1
    return f"{key}#{name}" if used[name] == 1 else f"{key}#{name} ({used[name]})"


def _bodies(entry: dict) -> list[dict]:
    """The entry's texts, fullest first, as feedparser's {type, value}: its longest content
    (RSS ``content:encoded``, Atom ``content``), then its summary (RSS ``description``)."""
    bodies = []
    contents = [c for c in entry.get("content", []) if _clean(c.get("value"))]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        bodies.append({"type": best.get("type", "text/html"), "value": best["value"]})
    summary = entry.get("summary_detail") or {}
    value = _clean(summary.get("value") or entry.get("summary"))
    if value:
        bodies.append({"type": summary.get("type", "text/html"), "value": value})
    return bodies


def _text_of(body: dict) -> str:
    """An entry body as article text: HTML through trafilatura as HTML pages are (favouring
    recall: a feed's content is the article, with no page around it to strip), with the
    plain-text reading for fragments trafilatura gives up on; plain text as it is."""
    value = body["value"]
    # Feeds often label plain text as HTML; trafilatura finds no document in it.
    if body["type"] not in HTML_TYPES or "<" not in value:
        return "\n".join(line.strip() for line in value.replace("\r\n", "\n").split("\n")).strip()
    document = trafilatura.bare_extraction(value, include_comments=False, favor_recall=True)
    text = (document.text or "").strip() if document else ""
    return text or _HTMLText.of(value).text


def _plain(holder: dict, name: str) -> str | None:
    """A title-like field as plain text (feedparser keeps the markup of HTML titles)."""
    value = _clean(holder.get(name))
    detail = holder.get(f"{name}_detail") or {}
    if value and detail.get("type") in HTML_TYPES:
        value = _HTMLText.of(value).text
    return " ".join(value.split()) or None if value else None


def _authors(entry: dict) -> str | None:
    """The entry's author: the name of RSS's "mail@example.com (Name)" form (read here:
    feedparser splits it wrongly for some domains), else the named authors joined, as a
    JSON record's author list is, else the field as given."""
    given = _clean(entry.get("author"))
    mailed = _RSS_AUTHOR.fullmatch(given or "")
    if mailed:
        return " ".join(mailed.group(1).split())
    names = [_clean(a.get("name")) for a in entry.get("authors", []) if isinstance(a, dict)]
    names = [n for n in names if n]
    return ", ".join(dict.fromkeys(names)) if names else given


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _xml_problem(document, raw: bytes) -> str | None:
    """Why the feed is not well-formed XML ("undefined entity, line 5"), or None. Encoding
    notes feedparser raises (a declared charset it overrode) are no problem with the feed."""
    if not document.get("bozo"):
        return None
    error = document.get("bozo_exception")
    if isinstance(error, feedparser.ThingsNobodyCaresAboutButMe):
        return None
    message = getattr(error, "getMessage", lambda: str(error))()
    # expat says "not well-formed (invalid token)"; the caller says the first half.
    message = message.removeprefix("not well-formed (").removesuffix(")") if message.startswith("not well-formed (") else message
    line = getattr(error, "getLineNumber", lambda: None)()
    if line and not raw.removeprefix(codecs.BOM_UTF8).startswith(b"<?xml"):
        line -= 1  # feedparser parsed the document with an XML declaration line put first
    return f"{message}, line {line}" if line else message


def _root_element(raw: bytes) -> str | None:
    """The name of the document's first element, as written (``rss``, ``rdf:RDF``, ``feed``)."""
    found = _FIRST_ELEMENT.search(_COMMENT.sub(b"", raw[:_SNIFF_BYTES]))
    return found.group(1).decode("ascii", "replace") if found else None


def _closes(raw: bytes, root: str) -> bool:
    """Whether the document ends with its root element's closing tag (then comments and
    whitespace): a download cut short does not."""
    tail = _COMMENT.sub(b"", raw[-_SNIFF_BYTES:]).rstrip()
    closing = re.compile(rb"</\s*" + re.escape(root.encode()) + rb"\s*>$")
    return bool(closing.search(tail))

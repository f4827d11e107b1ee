"""HTML (``.html``, ``.htm``) files: one article each, its text and metadata extracted by
trafilatura, with a plain-text fallback for pages trafilatura gives up on."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin

import lxml.html
import trafilatura
from lxml import etree

from ..records import Article, InputError, ParsedFile
from ..weblinks import is_web_address
from .dates import FROM_HTML
from .text import title_from_text

# Outbound links kept per article, at most: links beyond this are navigation and
# boilerplate, and a bound keeps one odd page from filling the store.
MAX_LINKS = 500
# Media types read as an HTML page (a fetched page, an archived response, a feed entry's body).
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _parse_html(key: str, raw: bytes, html: str, base_url: str | None = None) -> ParsedFile:
    """An HTML page as an article; ``base_url``: where the page was served, when the input
    knows it (a web archive's record), for links the page's own URL cannot resolve."""
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    text = (document.text or "").strip() if document else ""
    page_title = None
    if not text:
        # trafilatura gives up on some documents that hold text (lxml refuses nesting
        # deeper than it allows, or no block looks like an article): keep their plain text,
        # with whatever metadata it still found.
        fallback = _HTMLText.of(html)
        text, page_title = fallback.text, fallback.title
        if not text:
            raise InputError(key, "no article text found in HTML")

    def meta(name: str) -> str | None:
        return getattr(document, name, None) or None

    article = Article(
        path=key,
        text=text,
        raw=raw,
        title=meta("title") or page_title or title_from_text(text),
        source=meta("sitename"),
        url=meta("url"),
        date_as_written=meta("date"),
        date_written_in=FROM_HTML,
        author=meta("author"),
        links=page_links(html, meta("url") or base_url, key),
    )
    return ParsedFile(key, [article])


def _document(html: str):
    """The page's lxml tree, read from the text as decoded (lxml refuses text that
    declares an XML encoding: then from its UTF-8 bytes)."""
    try:
        return lxml.html.document_fromstring(html)
    except ValueError:
        return lxml.html.document_fromstring(html.encode("utf-8"))


def page_links(html: str, page_url: str | None = None, key: str | None = None) -> tuple[str, ...]:
    """The outbound links of a page: each ``<a href>`` of its main content (its
    ``<article>`` elements, else ``<main>``, else the whole page), resolved against the
    page's URL (``<base href>``, else ``page_url``, its canonical URL, joined onto ``key``
    when that is the URL it was fetched from), fragments dropped, http(s) only, each once
    in page order, at most :data:`MAX_LINKS`. Relative links of a page with no known URL
    cannot be resolved and are left out; so are all links of a page lxml cannot read."""
    try:
        tree = _document(html)
    except (ValueError, etree.LxmlError):
        return ()
    base = ""
    try:  # (each step kept while the next one is malformed)
        base = key if is_web_address(key) else ""
        base = urljoin(base, page_url or "")
        declared = tree.xpath("//base/@href")
        if declared:
            base = urljoin(base, declared[0].strip())
    except ValueError:
        pass
    # Navigation, footers and related-story lists outside the story would read as citations.
    scope = tree.xpath("//article") or tree.xpath("//main") or [tree]
    links: dict[str, None] = {}
    for element in scope:
        for anchor in element.iter("a"):
            href = (anchor.get("href") or "").strip()
            if not href:
                continue
            try:
                url = urldefrag(urljoin(base, href)).url
                if not is_web_address(url):
                    continue
            except ValueError:  # (a malformed URL: an IPv6 host without its bracket)
                continue
            links.setdefault(url)
            if len(links) >= MAX_LINKS:
                return tuple(links)
    return tuple(links)


class _HTMLText(HTMLParser):
    """The visible text of an HTML document, a paragraph per block element, and its
    ``<title>``: a flat tag stream, so no nesting depth is too deep for it."""

    _HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    _BLOCKS = frozenset(
        "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header footer"
        " aside nav figure figcaption dd dt hr main".split()
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.in_title = False
        self.parts: list[str] = []
        self.title_parts: list[str] = []

    @classmethod
    def of(cls, html: str) -> _HTMLText:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
        elif not self.hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        paragraphs = (" ".join(block.split()) for block in "".join(self.parts).split("\n\n"))
        return "\n\n".join(p for p in paragraphs if p)

    @property
    def title(self) -> str | None:
        return " ".join("".join(self.title_parts).split()) or None

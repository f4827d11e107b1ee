"""HTML (``.html``, ``.htm``) files: one article each, its text and metadata extracted by
trafilatura, with a plain-text fallback for pages trafilatura gives up on."""

from __future__ import annotations

from html.parser import HTMLParser

import trafilatura

from ..records import Article, InputError, ParsedFile
from .dates import FROM_HTML
from .text import title_from_text


def _parse_html(key: str, raw: bytes, html: str) -> ParsedFile:
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
    )
    return ParsedFile(key, [article])


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

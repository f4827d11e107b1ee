"""Plain records passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field


# Where an article's date came from (``articles.published_from``).
FROM_HEADER, FROM_HTML, FROM_URL, FROM_NONE = "header", "html", "url", "none"
# A web archive's capture date: the latest day the page can have been published.
FROM_WARC = "warc"


@dataclass
class Article:
    """One article read from an input file, before any NLP.

    ``path`` is the article's stable key: the file path for one-article files, and
    ``file.jsonl#N`` (N = 1-based record number) for records of a JSON / JSON Lines file,
    ``feed.xml#<entry id>`` for a feed's entries, ``archive.warc.gz#<record id>`` for the
    pages of a web archive. ``raw`` is the exact input the article came from (file bytes,
    the JSON record or feed entry in canonical form, the archived page);
    its hash is the article's identity, so an unchanged input is recognised on re-ingest.
    """

    path: str
    text: str
    raw: bytes
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or None when unknown
    author: str | None = None
    # Where ``published`` came from: "header" (a text header, a JSON record's or a feed
    # entry's field), "html" (the page's metadata), "url", "warc" (the day a web archive
    # captured the page), or "none"; None: "header" when a date is given.
    published_from: str | None = None
    # The date as the input wrote it ("29 Mar, 2023 16:20"), for parse_file to read into
    # ``published`` (in the run's date order), with where it was written.
    date_as_written: str | None = None
    date_written_in: str = FROM_HEADER
    # The page's outbound links (HTML only): absolute http(s) URLs without fragments, in
    # page order, each once, at most ``pipeline.ingest.html.MAX_LINKS``; stored in
    # ``article_links``, where the ``citations`` view finds the stored articles they cite.
    links: tuple[str, ...] = ()

    @property
    def date_origin(self) -> str:
        """``published_from`` as stored: where the date came from, or "none"."""
        return self.published_from or (FROM_HEADER if self.published else FROM_NONE)


class InputError(Exception):
    """A problem with one input file (or one record of it) that the run skips.

    ``str(error)`` is the one line shown to the user: ``path[:line]: message``.
    """

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = path
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class InputWarning:
    """Something about one input that the run stored all the same (an unreadable date).

    ``str(warning)`` is the one line shown to the user: ``path: message``.
    """

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def __repr__(self) -> str:
        return f"InputWarning({self.path!r}, {self.message!r})"


@dataclass
class ParsedFile:
    """What one input file yielded: its articles, the errors of records that failed and the
    warnings about articles stored all the same."""

    path: str
    articles: list[Article] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputWarning] = field(default_factory=list)


@dataclass
class Claim:
    """A numeric claim found in a text. Offsets are character offsets into the text."""

    surface: str
    start_char: int
    end_char: int
    value: float | None
    value_low: float | None = None
    value_high: float | None = None
    unit: str | None = None
    qualifier: str = "exact"  # exact|approx|under|over|at_least|at_most|range
    qualifier_cue: str | None = None  # the words that gave the qualifier ("around", "just")
    change: str | None = None  # up|down for movements ("rose 5%", "knocked $500 billion off")
    subject: str | None = None
    attributed_to: str | None = None
    kind: str | None = None  # money|percent|count|multiplier|year|...
    context: str | None = None  # lemmas of the sentence's content words, for tracing
    scope: str | None = None  # the places the figure is said of ("Russia"; "US; Europe")
    # Where the credit comes from: "sentence" (its sentence, or the report it continues),
    # "article" (carried from the source the article credited before it), None: no credit.
    attributed_from: str | None = None


@dataclass
class EntityMention:
    """A named-entity mention with its normalised key."""

    key: str
    name: str
    label: str
    start_char: int
    end_char: int
    surface: str


@dataclass
class SentenceRecord:
    position: int
    text: str
    start_char: int
    end_char: int


@dataclass
class ArticleAnalysis:
    """Everything the NLP stage derived from one article's text."""

    sentences: list[SentenceRecord] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    mentions: list[EntityMention] = field(default_factory=list)

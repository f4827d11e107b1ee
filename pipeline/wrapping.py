"""Hard-wrapped text (plain text wrapped at 60 to 80 columns, as e-mail, wire services and
older archives write it): which line breaks a wrap made, the text without them, and the
paragraphs it holds. Read by the parsers (so sentences are not cut at the breaks) and by
copies and lineages (so a stored article still wrapped reads as the paragraphs it was)."""

from __future__ import annotations

import re

# Words a line needs to count as a paragraph (shorter: headlines, bylines, datelines).
PARAGRAPH_WORDS = 12
# Lines a hard wrap can have cut are this short at most (in characters): plain text is
# wrapped at 60 to 80 columns; in wrapped text most lines are.
WRAP_WIDTH = 80
WRAPPED_SHARE = 0.75
# Of the lines a wrap may have cut, the share that may end a sentence (where a sentence
# happened to end at the margin) in text that is wrapped.
ENDED_SHARE = 0.5
# A wrap fills its lines: most of them reach this share of the wrap's width; and it is
# seen in this many lines followed by more text at least (a few short lines are no wrap).
FULL_LINE = 0.7
MIN_WRAPPED_LINES = 3
# The room a wrap leaves at the end of a line, at most (a long word's), and the share of
# the lines that come that close to the wrap's width.
WORD_ROOM = 12
CLOSE_SHARE = 0.25
# A "word" longer than this is no word a wrap moves (text without spaces: Chinese, Japanese).
LONGEST_WORD = 25
_SENTENCE_ENDS = tuple('.!?"”’»…)]。！？')
_WORD = re.compile(r"\w+")
# Lines that open an item of their own: list items, headings, quotes, table rows.
_OPENS_ITEM = re.compile(r"\s*(?:[-*+•#>|]|\d{1,3}[.)])(?:\s|$)")


def wrap_cuts(lines: list[str]) -> list[bool]:
    """For each line (a line break it keeps is ignored), whether a hard wrap cut it: the
    next line goes on with its paragraph. A wrap cuts where the next word would not have fitted: the
    line with the next line's first word after it is longer than the wrap's width (the
    widest line many lines come close to: a stray one, a rule or an address, is alone). Never cut: a line before a list item, heading,
    quote or table row or one itself; the lines of a block that reads as a list; one before a line indented deeper (a paragraph's
    first line); a block's first line before a capitalised word, unless it ends on a word
    like "the" (a headline above its story); the last line of a paragraph (the next word would have fitted). Only text most
    of whose lines are that short is wrapped, and only when enough of its lines followed
    by more text are mostly full and mostly end mid-sentence."""
    body = [line.rstrip() for line in lines]
    listed = _list_like(body)
    # (lines of words outside lists: a rule or an address alone on its line, or a list's
    # items, are no wrapped lines)
    prose = [line for line, item in zip(body, listed) if len(line.split()) >= 3 and not item]
    lengths = sorted(len(line) for line in prose if len(line) <= WRAP_WIDTH)
    written = len(prose)
    if not lengths or len(lengths) < WRAPPED_SHARE * written:
        return [False] * len(lines)
    # The widest line that many lines come close to (a wrap leaves at most a word's room at
    # the end of a line; a stray line, a rule or an address, is alone that wide).
    width = next(n for n in reversed(lengths) if sum(m >= n - WORD_ROOM for m in lengths) >= CLOSE_SHARE * len(lengths))
    inner = [line for line, following in zip(body, body[1:]) if line.strip() and following.strip() and len(line) <= width]
    ended = sum(line.endswith(_SENTENCE_ENDS) for line in inner)
    full = sum(len(line) >= FULL_LINE * width for line in inner)
    if (width < WRAP_WIDTH // 2 or len(inner) < MIN_WRAPPED_LINES or ended > ENDED_SHARE * len(inner)
            or full < WRAPPED_SHARE * len(inner)):  # fmt: skip
        return [False] * len(lines)
    cuts = []
    for n, (line, following) in enumerate(zip(body, body[1:] + [""])):
        word = following.split(maxsplit=1)[0] if following.strip() else ""
        cuts.append(
            bool(line.strip()) and bool(word) and len(line) <= width and len(line) + 1 + len(word) > width
            and len(word) <= LONGEST_WORD and not _OPENS_ITEM.match(line) and not _OPENS_ITEM.match(following)
            and _indent(following) <= _indent(line) and not listed[n]
            and not (word[0].isupper() and (n == 0 or not body[n - 1].strip()) and not _ends_mid_phrase(line))
        )  # fmt: skip
    return cuts


# In a block a wrap cut, many lines go on mid-sentence with a lower-case word; in a list
# (a timeline, "2019 The company is founded ...") hardly any does.
LOWER_SHARE = 0.3


def _list_like(body: list[str]) -> list[bool]:
    """For each line, whether its block (lines between blank ones) reads as a list: of
    three lines or more, and fewer than :data:`LOWER_SHARE` of its lines after the first
    starting with a lower-case letter."""
    flags, start = [False] * len(body), 0
    for end in [n for n, line in enumerate(body) if not line.strip()] + [len(body)]:
        block = body[start:end]
        if len(block) >= 3 and sum(line.lstrip()[:1].islower() for line in block[1:]) < LOWER_SHARE * (len(block) - 1):
            flags[start:end] = [True] * len(block)
        start = end + 1
    return flags


# Words no headline ends with: a line ending with one goes on, whatever follows.
_FUNCTION_WORDS = frozenset("the a an of to in for and or with on at by from as that its their his her".split())


def _ends_mid_phrase(line: str) -> bool:
    words = line.split()
    return bool(words) and words[-1].lower() in _FUNCTION_WORDS


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def unwrap(text: str) -> str:
    """``text`` with the line breaks a hard wrap made (:func:`wrap_cuts`) turned back into
    spaces, so each paragraph is one line again: sentences are not cut at the breaks, and
    text wrapped at 72 columns reads as written. Text that is not wrapped is returned as it
    is."""
    lines = text.splitlines(keepends=True)
    cuts = wrap_cuts(lines)
    if not any(cuts):
        return text
    out, joined = [], False
    for line, cut in zip(lines, cuts):
        line = line.lstrip() if joined else line
        out.append(line.rstrip() + " " if cut else line)
        joined = cut
    return "".join(out)


def paragraph_at(text: str, offset: int) -> int | None:
    """The index of the paragraph (as :func:`paragraph_spans` counts them) holding the
    character at ``offset`` of ``text``; None when that line is too short to be one."""
    index = 0
    for start, end, words in paragraph_spans(text):
        if start <= offset < end:
            return index if words is not None else None
        index += words is not None
    return None


def paragraph_spans(text: str):
    """Each paragraph-to-be of ``text`` as (start, end offsets, its words lower-cased when it
    is a paragraph: :data:`PARAGRAPH_WORDS` or more; else None), the one place that says
    what a paragraph is. A line is one, and so are lines a hard wrap cut (:func:`wrap_cuts`),
    joined: text wrapped at 72 columns reads as the paragraphs it was, not as short lines
    left out."""
    lines = text.splitlines(keepends=True)
    cut = wrap_cuts(lines)
    start, end, words = 0, 0, []
    for line, runs_on in zip(lines, cut):
        words += [w.lower() for w in _WORD.findall(line)]
        end += len(line)
        if not runs_on:
            yield start, end, words if len(words) >= PARAGRAPH_WORDS else None
            start, words = end, []

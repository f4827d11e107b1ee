"""Hard-wrapped text (plain text wrapped at 60 to 80 columns, as e-mail, wire services and
older archives write it): which line breaks a wrap made, and the text without them. Read
by the parsers (so sentences are not cut at the breaks) and by copies (so a stored article
still wrapped reads as the paragraphs it was)."""

from __future__ import annotations


# Lines a hard wrap can have cut are this short at most (in characters): plain text is
# wrapped at 60 to 80 columns; in wrapped text most lines are.
WRAP_WIDTH = 80
WRAPPED_SHARE = 0.75
# Of the lines a wrap may have cut, the share that may end a sentence (where a sentence
# happened to end at the margin) in text that is wrapped.
ENDED_SHARE = 0.5
# A wrap fills its lines: most of them reach this share of the widest; and it is seen in
# this many lines followed by more text at least (a few short lines are no wrap).
FULL_LINE = 0.7
MIN_WRAPPED_LINES = 3
_SENTENCE_ENDS = tuple('.!?"”')


def wrap_cuts(lines: list[str]) -> list[bool]:
    """For each line (stripped), whether a hard wrap cut it: the next line goes on with its
    paragraph. A wrap cuts where the next word would not fit: a line of at most
    :data:`WRAP_WIDTH` characters with the next line's first word after it is longer than
    the text's widest such line. A headline or byline before its story, a short last line
    of a paragraph, and the lines of text that is not wrapped are left as they are (the
    next word would have fitted). Only text most of whose lines are that short is wrapped,
    and only when its lines followed by more text are enough, mostly full and mostly end
    mid-sentence."""
    written = [len(line) for line in lines if line]
    short = [n for n in written if n <= WRAP_WIDTH]
    width = max(short, default=0)
    # Lines followed by more of their text: in wrapped text most end mid-sentence; text
    # written a short paragraph a line ends nearly every one with a full stop.
    inner = [line for line, following in zip(lines, lines[1:]) if line and following and len(line) <= WRAP_WIDTH]
    ended = sum(line.endswith(_SENTENCE_ENDS) for line in inner)
    full = sum(len(line) >= FULL_LINE * width for line in inner)
    if (len(short) < WRAPPED_SHARE * len(written) or width < WRAP_WIDTH // 2 or len(inner) < MIN_WRAPPED_LINES
            or ended > ENDED_SHARE * len(inner) or full < WRAPPED_SHARE * len(inner)):  # fmt: skip
        return [False] * len(lines)
    cut = []
    for line, following in zip(lines, lines[1:] + [""]):
        word = following.split(maxsplit=1)[0] if following else ""
        cut.append(bool(line) and bool(word) and len(line) <= WRAP_WIDTH and len(line) + 1 + len(word) > width)
    return cut


def unwrap(text: str) -> str:
    """``text`` with the line breaks a hard wrap made (:func:`wrap_cuts`) turned back into
    spaces, so each paragraph is one line again: sentences are not cut at the breaks, and
    text wrapped at 72 columns reads as written. Text that is not wrapped is returned as it
    is."""
    lines = text.splitlines(keepends=True)
    cuts = wrap_cuts([line.strip() for line in lines])
    if not any(cuts):
        return text
    return "".join(line.rstrip("\r\n") + " " if cut else line for line, cut in zip(lines, cuts))

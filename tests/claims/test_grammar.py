"""figure_safe_cut: where text may be cut into chunks, never inside a figure nor splitting a digit run."""

from pipeline.claims import figure_safe_cut
from pipeline.nlp import split_into_chunks


def test_chunks_never_split_a_figure_or_a_digit_run():
    text = "a" * 30 + " costs $5 million today"
    assert [piece for _, piece in split_into_chunks(text, limit=40)] == ["a" * 30 + " costs ", "$5 million today"]
    text = "x" * 35 + "12,345,678 units"
    assert [piece for _, piece in split_into_chunks(text, limit=40)][1].startswith("12,345,678")
    # A run longer than any figure may be cut, but leaves more than 30 digits either side.
    for text in ("1" * 100, "1" * 5_010, "abc " + "1" * 5_000 + " dollars"):
        chunks = split_into_chunks(text, limit=80)
        assert "".join(piece for _, piece in chunks) == text
        for (_, piece), (_, following) in zip(chunks, chunks[1:]):
            if piece[-1:].isdigit() and following[:1].isdigit():
                assert sum(c.isdigit() for c in piece) > 30 and following[:31].isdigit()


def test_figure_safe_cut():
    assert figure_safe_cut("pay $5,000 now", 0, 7) == 4  # inside "$5,000": before it
    assert figure_safe_cut("pay $5 million now", 0, 7) == 4
    assert figure_safe_cut("pay 5 now", 0, 6) == 6  # between words: as asked
    assert figure_safe_cut("1" * 100, 0, 80) == 69  # 69 digits | 31 digits


"""The vocabulary file: each word, unit and currency said once, and every entry read the
way the grammar, the normaliser and the scorer's output use it."""

import pytest

from pipeline.claims import parse_figure, unit_after
from pipeline.claims import vocabulary
from pipeline.claims.display import format_figure
from pipeline.extract import cqe_unit


def test_a_word_given_two_meanings_is_refused():
    with pytest.raises(ValueError, match="'kt' is given twice"):
        vocabulary._checked_union([("kt", "kn"), ("kt", "t")], "unit symbol")
    assert vocabulary._checked_union([("kt", "kn"), ("kt", "kn")], "unit symbol") == {"kt": "kn"}


@pytest.mark.parametrize("written, unit", sorted(vocabulary.UNIT_SYMBOLS.items()))
def test_every_written_unit_symbol_is_read_after_a_number(written, unit):
    parsed = parse_figure(f"12 {written}")
    assert parsed is not None and parsed.unit == unit, (written, parsed)


@pytest.mark.parametrize("glued, unit", sorted(vocabulary.ATTACHED_UNIT_SYMBOLS.items()))
def test_every_glued_unit_symbol_is_read_glued_and_not_spaced(glued, unit):
    parsed = parse_figure(f"45{glued}")
    assert parsed is not None and parsed.unit == unit, (glued, parsed)


@pytest.mark.parametrize("word, unit", sorted(vocabulary.UNIT_WORDS.items()))
def test_every_unit_word_is_read_after_a_number_singular_or_plural(word, unit):
    for written in (f" {word}", f" {word}s", f"-{word}"):
        taken = unit_after(written + " away")
        assert taken is not None and taken[1] == unit and taken[0] >= len(written) - 1, (written, taken)


@pytest.mark.parametrize("currency", [c for c in vocabulary.DATA["currency"] if "sign" in c], ids=lambda c: c["code"])
def test_every_display_sign_reads_back_as_its_currency(currency):
    written = format_figure(6_500_000, currency["code"])
    parsed = parse_figure(written)
    assert parsed.unit == currency["code"] and parsed.value == 6_500_000, written


@pytest.mark.parametrize(
    "text, code",
    [("US$6m", "USD"), ("€5bn", "EUR"), ("USD10m", "USD"), ("CHF 3 million", "CHF"), ("R$20", "BRL"),
     ("9 billion shekels", "ILS"), ("10.5 million Australian dollars", "AUD"), ("3 million pounds", "GBP"),
     ("1,200€", "EUR"), ("CN¥5 million", "CNY")],
)  # fmt: skip
def test_currencies_are_read_by_symbol_code_word_and_nationality(text, code):
    assert parse_figure(text).unit == code


def test_scales_are_read_in_every_spelling_the_file_gives():
    for scale in vocabulary.DATA["scale"]:
        for word in scale.get("words", []):
            assert parse_figure(f"$3 {word}").value == pytest.approx(3 * scale["factor"]), word
        for glued in scale.get("attached", []):
            assert parse_figure(f"$3{glued}").value == pytest.approx(3 * scale["factor"]), glued


@pytest.mark.parametrize(
    "text, value",
    [("five hundred thousand", 500_000), ("five dozen", 60), ("two lakh", 200_000), ("a hundred", 100),
     ("twenty-five", 25), ("three crore", 30_000_000)],
)  # fmt: skip
def test_numbers_in_words_use_the_files_number_and_group_words(text, value):
    assert parse_figure(text).value == value


def test_qualifier_cues_of_the_file_set_the_qualifier():
    for cue, qualifier in vocabulary.QUALIFIER_CUES.items():
        assert parse_figure(f"{cue} $5 million").qualifier == qualifier, cue
    for cue, qualifier in vocabulary.TRAILING_CUES.items():
        assert parse_figure(f"$5 million {cue}").qualifier == qualifier, cue


def test_every_unit_and_currency_has_a_name_in_the_scorers_vocabulary_when_the_file_gives_one():
    assert cqe_unit("USD") == "dollar" and cqe_unit("km") == "kilometre" and cqe_unit("GPU") == "GPU"
    assert cqe_unit("USD per bbl") == "dollar per barrel"
    named = [u for u in vocabulary.DATA["units"]["known"] if "cqe" in u]
    assert all(cqe_unit(u["symbol"]) == u["cqe"] for u in named)

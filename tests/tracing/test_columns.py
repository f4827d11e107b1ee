"""Claims as columns: what comparing reads of many claims, taken, gathered and joined as the claims themselves would be."""

import pytest

from .helpers import claim


def _claims():
    return [
        claim("$6 million", 6e6, id="a", article_id="a1", sentence_id="s1", story=("DeepSeek",)),
        claim("a quarter", 0.25, "job", "fraction", id="b", article_id="a1", sentence_id="s1", story=("DeepSeek",)),
        claim("5 km", 5, "km", "size", id="c", article_id="a2", sentence_id="s2", story=()),
    ]


def test_columns_hold_what_the_claims_hold_and_follow_them_when_taken_or_joined():
    from pipeline.tracing.columns import COMPARED, ClaimColumns

    claims = _claims()
    columns = ClaimColumns.of(claims)
    assert len(columns) == 3 and columns.value == [6e6, 25.0, 5] and columns.unit == ["USD", "percent", "km"]
    assert columns.unit_factor == [None, None, 1000.0] and columns.digits == [1, 1, 1] and columns[1] is claims[1]
    taken = columns.take([2, 0])
    assert taken.article_id == ["a2", "a1"] and taken[0] is claims[2] and taken[1] is claims[0]
    joined = ClaimColumns.concat([taken, columns.take([1])])
    assert joined.surface == ["5 km", "$6 million", "a quarter"] and joined[2] is claims[1]
    gathered = ClaimColumns.gather([(joined, 2), (columns, 0)])
    for name in COMPARED:
        assert getattr(gathered, name) == [getattr(claims[1], name), getattr(claims[0], name)], name
    with pytest.raises(TypeError):
        list(columns)  # (read by column: iterating claim by claim is a mistake)


def test_columns_read_as_stored_are_what_a_traced_claim_makes_of_the_same_row():
    """Shares become percentages, digits and unit factors are worked out, as TracedClaim's
    own construction does; none is held whole, stories are left to the reader of names,
    which parts keep when they are taken and joined."""
    from pipeline.tracing.columns import ClaimColumns

    claims = _claims()
    stored = [(c.article_id, c.surface, v, None, None, u, c.qualifier, k, c.scope, c.sentence_id)
              for c, v, u, k in zip(claims, (6e6, 0.25, 5), ("USD", "job", "km"), ("money", "fraction", "size"))]  # fmt: skip
    read = ClaimColumns.from_columns(list(zip(*stored)), [c.costated for c in claims], [["cost"], ["job"], ["run"]])
    for name in ("value", "value_low", "value_high", "digits", "unit", "unit_factor", "kind", "qualifier", "surface"):
        assert getattr(read, name) == [getattr(c, name) for c in claims], name
    assert read.story == [None] * 3 and read.whole == {} and read.terms == [["cost"], ["job"], ["run"]]
    with pytest.raises(LookupError, match="only as columns"):
        read[0]
    read.names = lambda ids: {a: ("DeepSeek",) for a in ids}
    assert ClaimColumns.concat([ClaimColumns.of(claims), read.take([0, 2])]).names is read.names

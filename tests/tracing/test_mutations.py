"""classify_mutation: what changed from a figure's origin to a later claim, and how the change is told."""

import pytest

from pipeline.tracing import classify_mutation

from .helpers import claim


@pytest.mark.parametrize(
    "origin, later, kinds, words",
    [
        (claim("$6 million", 6e6), claim("$6 million", 6e6), ["same"], "same"),
        (claim("$6 million", 6e6), claim("$6M", 6e6), ["reformatted"], "'$6M'"),
        (claim("$5,576,000", 5_576_000), claim("$6 million", 6e6), ["rounded"], "rounded up 7.6%"),
        (claim("$6 million", 6e6), claim("$5,576,000", 5_576_000), ["more_precise"], "more precisely"),
        (claim("$500 billion", 5e11), claim("$600 billion", 6e11), ["inflated"], "inflated 20.0%"),
        (claim("$600 billion", 6e11), claim("$500 billion", 5e11), ["deflated"], "deflated 16.7%"),
        (claim("$600 billion", 6e11), claim("17%", 17, "percent", "percent"), ["unit_changed"], "USD → percent"),
        (claim("$6 million", 6e6), claim("$6 million", 6e6, qualifier="approx", qualifier_cue="around"),
         ["qualifier_added"], "'around' added"),
        (claim("$6 million", 6e6, qualifier="approx", qualifier_cue="around"), claim("$6 million", 6e6),
         ["qualifier_dropped"], "'around' dropped"),
        (claim("$6 million", 6e6, qualifier="approx", qualifier_cue="around"),
         claim("$6 million", 6e6, qualifier_cue="just"), ["qualifier_changed"], "'around' → 'just'"),
        (claim("$6 million", 6e6, attributed_to="DeepSeek"), claim("$6 million", 6e6),
         ["attribution_dropped"], "stated as fact"),
        (claim("$6 million", 6e6, attributed_to="Reuters"), claim("$6 million", 6e6, attributed_to="Bloomberg"),
         ["attribution_changed"], "Bloomberg instead of Reuters"),
        (claim("$6 million", 6e6, attributed_to="DeepSeek"),
         claim("$6 million", 6e6, attributed_to="DeepSeek's technical report"), ["same"], "same"),
        (claim("$6 million", 6e6, subject="Falcon training cost", entities=["orbital labs"]),
         claim("$6 million", 6e6, subject="Nimbus budget", entities=["vega systems"]), ["subject_drift"],
         "said of Nimbus budget instead of Falcon training cost"),
        (claim("$6 million", 6e6, subject="Falcon training cost", entities=["orbital labs"]),
         claim("$6 million", 6e6, entities=["vega systems"]), ["subject_drift"],
         "not said of Falcon training cost: its sentence names other things"),
        (claim("$6 million", 6e6, subject="V3 training cost", entities=["deepseek v3"]),
         claim("$6 million", 6e6, subject="rival", entities=["deepseek"]), ["same"], "same"),
    ],
)
def test_classify_mutation(origin, later, kinds, words):
    found, detail = classify_mutation(origin, later)
    assert found == kinds
    assert words in detail


def test_mutation_detail_joins_several_changes():
    origin = claim("$5,576,000", 5_576_000, qualifier_cue="estimated", attributed_to="Simon Willison")
    later = claim("$6M", 6e6, qualifier="under", qualifier_cue="sub-")
    kinds, detail = classify_mutation(origin, later)
    assert kinds == ["rounded", "qualifier_changed", "attribution_dropped"]
    assert detail == ("rounded up 7.6%; qualifier 'estimated' → 'sub-'; "
                      "credit to Simon Willison dropped, stated as fact")



def test_a_restatement_in_another_unit_beside_the_figure_is_not_a_change_of_it():
    origin = claim("$600 billion", 6e11, article_id="a0", attributed_to="Reuters")
    beside = claim("nearly $600 billion", 6e11, article_id="a1", qualifier="approx", qualifier_cue="nearly")
    restated = claim("17%", 17, "percent", "percent", article_id="a1")
    assert classify_mutation(origin, restated, restates=beside) == (
        ["restated"], "restates 'nearly $600 billion' of the same sentence in another unit")
    # Without a neighbour in the sentence, another unit is a change of unit.
    assert classify_mutation(origin, restated)[0][0] == "unit_changed"
    # A neighbour does not hide changes to a claim in the figure's own unit.
    assert classify_mutation(origin, beside, restates=beside)[0] == ["reformatted", "qualifier_added", "attribution_dropped"]

"""ClaimReview export: valid schema.org JSON-LD (expanded offline with pyld), true to the
stored figure, only web addresses that are http(s), and a thin CLI over it."""

import json
import shutil
import subprocess
import sys
from datetime import date

import pytest
import sqlite_utils
from click.testing import CliRunner
from pyld import jsonld

from pipeline.claimreview import claim_review, missing_for_publishing, to_json
from pipeline.cli import cli
from pipeline.tracing import find_figures
from pipeline.tracing.mutations import KIND_WORDS

from .helpers import run_counting_imports

SCHEMA = "https://schema.org/"
# All the context these tests need: pyld asks the loader below, never the network.
SCHEMA_CONTEXT = {"@context": {"@vocab": SCHEMA}}

# The schema.org types and properties the export may use (a subset of the vocabulary):
# each type's parent, and the properties it defines itself.
TYPES = {
    "Thing": (None, {"name", "description", "url", "alternateName", "identifier"}),
    "CreativeWork": ("Thing", {"author", "publisher", "headline", "datePublished"}),
    "Claim": ("CreativeWork", {"appearance", "firstAppearance"}),
    "Review": ("CreativeWork", {"itemReviewed", "reviewRating"}),
    "ClaimReview": ("Review", {"claimReviewed"}),
    "Intangible": ("Thing", set()),
    "Rating": ("Intangible", {"ratingValue", "bestRating", "worstRating", "author"}),
    "Organization": ("Thing", set()),
    "Person": ("Thing", set()),
}
# What the node-valued properties expect (schema.org's "values expected to be one of").
RANGES = {
    "itemReviewed": {"Thing"},
    "appearance": {"CreativeWork"},
    "firstAppearance": {"CreativeWork"},
    "reviewRating": {"Rating"},
    "author": {"Organization", "Person"},
    "publisher": {"Organization", "Person"},
}


def _lineage(type_name):
    while type_name:
        yield type_name
        type_name = TYPES[type_name][0]


def _properties(type_name):
    return set().union(*(TYPES[t][1] for t in _lineage(type_name)))


def expand_offline(document):
    """``document`` expanded by pyld, every remote context answered from SCHEMA_CONTEXT;
    returns (expanded, the URLs the loader was asked for)."""
    asked = []

    def loader(url, options=None):
        asked.append(url)
        if url.rstrip("/") != SCHEMA.rstrip("/"):
            raise AssertionError(f"pyld tried to load {url}")
        return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_CONTEXT, "contentType": "application/ld+json"}

    return jsonld.expand(document, {"documentLoader": loader}), asked


def check_schema_org(node, expected=None):
    """Assert an expanded JSON-LD node and every node in it: one schema.org type each, of
    the range its property expects, holding only properties schema.org gives that type.
    Returns how many properties it checked."""
    (type_iri,) = node["@type"]
    assert type_iri.startswith(SCHEMA), type_iri
    type_name = type_iri[len(SCHEMA):]
    assert type_name in TYPES, f"type {type_iri} is not one the export may use"
    if expected:
        assert expected & set(_lineage(type_name)), f"{type_name} where {expected} is expected"
    checked = 0
    for key, values in node.items():
        if key.startswith("@"):
            continue
        assert key.startswith(SCHEMA), f"{key} is not a schema.org property"
        prop = key[len(SCHEMA):]
        assert prop in _properties(type_name), f"schema.org {type_name} has no property {prop}"
        checked += 1
        for value in values:
            if "@value" in value:
                assert prop not in RANGES, f"{prop} holds text where a node is expected"
                assert isinstance(value["@value"], str) and value["@value"].strip()
            else:
                checked += check_schema_org(value, RANGES[prop])
    return checked


def count_properties(document):
    """Properties (not keywords) of a compact JSON-LD document, counting nested nodes."""
    if isinstance(document, list):
        return sum(count_properties(item) for item in document)
    if not isinstance(document, dict):
        return 0
    return sum(1 + count_properties(v) for k, v in document.items() if not k.startswith("@"))


def urls_in(document):
    if isinstance(document, list):
        return [u for item in document for u in urls_in(item)]
    if not isinstance(document, dict):
        return []
    return ([document["url"]] if "url" in document else []) + [u for v in document.values() for u in urls_in(v)]


def assert_valid(review):
    expanded, asked = expand_offline(review)
    assert asked and all(url.rstrip("/") == "https://schema.org" for url in asked)
    (top,) = expanded
    # (a property expansion dropped would be one fewer here than in the document)
    assert check_schema_org(top, {"ClaimReview"}) == count_properties(review)


@pytest.fixture(scope="module")
def linked(demo_db, tmp_path_factory):
    """A copy of the demo database whose articles carry web addresses (https, http,
    javascript:, data:) and an outlet whose name holds markup; a few figures credited to a
    person, an unlisted outlet and nobody named. Returns (db, the $6M figure's id)."""
    path = tmp_path_factory.mktemp("claimreview") / "news.db"
    shutil.copy(demo_db[0], path)
    db = sqlite_utils.Database(path)
    figure_id = find_figures(db, "$6M")[0]
    articles = [r[0] for r in db.execute(
        "select distinct article_id from claims where figure_id = ? order by article_id", [figure_id])]  # fmt: skip
    origin_article = db.execute("select first_article_id from figures where id = ?", [figure_id]).fetchone()[0]
    others = [a for a in articles if a != origin_article]
    with db.conn:
        db.execute("update articles set url = ?, source = ? where id = ?",
                   ["https://news.example/deepseek cost?a=1&b=<2>", "Example </script> News", origin_article])  # fmt: skip
        for article, url in zip(others, ["javascript:alert(1)", " JaVaScRiPt:alert(2)", "data:text/html,x", "http://blog.example/v3"]):
            db.execute("update articles set url = ? where id = ?", [url, article])
        db["entities"].insert({"id": "ada lovelace", "name": "Ada Lovelace", "label": "PERSON"})
        spare = [r[0] for r in db.execute("select id from figures where id != ? order by id limit 3", [figure_id])]
        for other, credit in zip(spare, ["Ada Lovelace", "Reuters", "unverified reports"]):
            db.execute("update figures set attributed_origin = ? where id = ?", [credit, other])
            db.execute("update claims set attributed_to = ?, attributed_from = 'sentence' where id ="
                       " (select first_claim_id from figures where id = ?)", [credit, other])  # fmt: skip
    return db, figure_id


def test_the_review_is_schema_org_json_ld_with_every_part_filled(linked):
    db, figure_id = linked
    review = claim_review(db, figure_id, rating="Misleading", url="https://checks.example/deepseek",
                          today=date(2025, 3, 1), author="Example Checks")  # fmt: skip
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}
    assert review["url"] == "https://checks.example/deepseek" and review["datePublished"] == "2025-03-01"
    assert review["author"] == {"@type": "Organization", "name": "Example Checks"}
    assert missing_for_publishing(review) == []
    assert_valid(review)


def test_the_validator_refuses_what_schema_org_does_not_define():
    base = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": "x"}
    assert_valid(base)
    for bad in ({"figtraceId": "fig-1"}, {"appearance": {"@type": "CreativeWork"}},
                {"reviewRating": "Misleading"}, {"itemReviewed": {"@type": "Claim", "headlines": "x"}}):  # fmt: skip
        with pytest.raises(AssertionError):
            assert_valid({**base, **bad})


def test_without_rating_url_or_author_they_are_left_out_not_blank(linked):
    db, figure_id = linked
    review = claim_review(db, figure_id)
    assert not {"reviewRating", "url", "author"} & set(review)
    assert review["datePublished"] == date.today().isoformat()
    assert missing_for_publishing(review) == ["reviewRating", "url"]
    assert_valid(review)


def test_the_claim_is_the_stored_figure_as_first_stated(linked):
    db, figure_id = linked
    figure = db["figures"].get(figure_id)
    origin = next(db.query(
        "select c.surface, s.text as sentence, a.title, a.published from claims c join articles a on a.id = c.article_id "
        "left join sentences s on s.id = c.sentence_id where c.id = ?", [figure["first_claim_id"]]))  # fmt: skip
    review = claim_review(db, figure_id)
    claim = review["itemReviewed"]
    assert review["claimReviewed"] == " ".join((origin["sentence"] or origin["surface"]).split())
    first = claim["firstAppearance"]
    assert first["headline"] == " ".join(origin["title"].split()) and first.get("datePublished") == origin["published"]
    assert first["url"].startswith("https://news.example/deepseek%20cost?a=1&b=%3C2%3E")
    assert first["publisher"] == {"@type": "Organization", "name": "Example </script> News"}
    assert claim["appearance"][0] == first  # lineage order: the origin's article first
    articles = db.execute("select count(distinct article_id) from claims where figure_id = ?", [figure_id]).fetchone()[0]
    assert len(claim["appearance"]) == articles == figure["n_articles"]
    assert claim["author"] == {"@type": "Organization", "name": figure["attributed_origin"]}
    assert claim.get("datePublished") == origin["published"]
    kinds = {k for (row,) in db.execute("select kinds from mutations where figure_id = ?", [figure_id])
             for k in json.loads(row)} - {"same", "origin"}  # fmt: skip
    assert f"stated {figure['n_claims']} times in {articles} articles" in claim["description"]
    assert all(KIND_WORDS[k] in claim["description"] for k in kinds) and kinds


def test_only_http_addresses_are_written(linked):
    db, figure_id = linked
    text = to_json(claim_review(db, figure_id, url="https://checks.example/r"))
    urls = urls_in(json.loads(text))
    assert urls and all(u.startswith(("https://", "http://")) for u in urls)
    assert "http://blog.example/v3" in urls
    assert "javascript" not in text.lower() and "data:" not in text
    for bad in ("ftp://x", "javascript:alert(1)", "https://", "checks.example/r"):
        with pytest.raises(ValueError, match="http"):
            claim_review(db, figure_id, url=bad)


def test_json_is_safe_inside_a_script_element_and_reads_back_the_same(linked):
    db, figure_id = linked
    review = claim_review(db, figure_id)
    text = to_json(review)
    assert "</script>" not in text and not set("<>&") & set(text)
    assert json.loads(text) == review


def test_the_claims_author_is_a_person_an_organization_or_nobody(linked):
    db, figure_id = linked
    spare = [r[0] for r in db.execute("select id from figures where id != ? order by id limit 3", [figure_id])]
    authors = [claim_review(db, f)["itemReviewed"].get("author") for f in spare]
    assert authors == [{"@type": "Person", "name": "Ada Lovelace"}, {"@type": "Organization", "name": "Reuters"}, None]
    for figure in spare:
        assert_valid(claim_review(db, figure, rating="True"))


def test_a_credit_no_sentence_states_names_no_author_but_is_described(linked):
    db, figure_id = linked
    spare = db.execute("select id from figures where id != ? order by id limit 1", [figure_id]).fetchone()[0]
    with db.conn:
        db.execute("update claims set attributed_from = 'article' where figure_id = ? and attributed_to is not null", [spare])
    try:
        claim = claim_review(db, spare)["itemReviewed"]
        assert "author" not in claim
        assert "credited to Ada Lovelace" in claim["description"]
    finally:
        with db.conn:
            db.execute("update claims set attributed_from = 'sentence' where id = (select first_claim_id from figures where id = ?)", [spare])


def test_unknown_figure_and_blank_verdict_are_clear_errors(linked):
    db, figure_id = linked
    with pytest.raises(KeyError, match="analyze figures"):
        claim_review(db, "fig-nope")
    with pytest.raises(ValueError, match="rating is blank"):
        claim_review(db, figure_id, rating="  ")


# --------------------------------------------------------------------------- CLI


def run(*args):
    return CliRunner().invoke(cli, list(args), prog_name="analyze")


def test_cli_writes_the_review_and_says_what_publishing_still_needs(linked, tmp_path):
    db, figure_id = linked
    out = tmp_path / "review.jsonld"
    result = run("export-claimreview", figure_id, "--db", _path(db),
                 "--rating", "Misleading", "--url", "https://checks.example/r", "-o", str(out))  # fmt: skip
    assert result.exit_code == 0 and result.output == "", result.output
    assert json.loads(out.read_text()) == claim_review(db, figure_id, rating="Misleading", url="https://checks.example/r")
    bare = run("export-claimreview", figure_id, "--db", str(out.parent.parent / "x.db"))
    assert bare.exit_code == 2  # (a missing database: the one line every command gives)
    plain = run("export-claimreview", figure_id, "--db", _path(db))
    assert plain.exit_code == 0 and json.loads(plain.stdout)["itemReviewed"]["@type"] == "Claim"
    assert plain.stderr == "note: Google's fact-check markup also requires --rating and --url before publishing\n"


def test_cli_refuses_a_bad_url_or_unknown_figure_in_one_line(linked, tmp_path):
    db, figure_id = linked
    out = tmp_path / "review.jsonld"
    bad_url = run("export-claimreview", figure_id, "--db", _path(db), "--url", "ftp://x", "-o", str(out))
    assert bad_url.exit_code == 1 and bad_url.output == "Error: the review's url must be an http(s) address, not 'ftp://x'\n"
    assert not out.exists()
    unknown = run("export-claimreview", "fig-nope", "--db", _path(db))
    assert unknown.exit_code == 1 and len(unknown.output.splitlines()) == 1
    assert "no figure 'fig-nope'" in unknown.output and "analyze figures" in unknown.output


def test_cli_help_teaches_and_the_export_loads_neither_spacy_nor_scikit_learn(linked):
    db, figure_id = linked
    help_text = run("export-claimreview", "--help").output
    assert "Examples:" in help_text and "analyze export-claimreview fig-" in help_text
    printed, loaded = run_counting_imports(["export-claimreview", figure_id, "--db", _path(db)])
    assert json.loads(printed)["@type"] == "ClaimReview"
    assert loaded == []


def _path(db):
    return db.conn.execute("pragma database_list").fetchone()[2]

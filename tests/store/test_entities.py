"""Entities: removed when nobody mentions them any more, named by their most frequent spelling and label, ties broken in binary order."""

from pipeline.records import ArticleAnalysis, EntityMention, SentenceRecord
from pipeline.store import store_article

from .helpers import TEXT, analysis_for, make_article


def test_entities_nobody_mentions_any_more_are_removed(db):
    store_article(db, make_article(), analysis_for(TEXT))
    edited = "Nobody raised $5 million."
    assert store_article(db, make_article(edited), analysis_for(edited)) == "updated"
    assert db["entities"].count == 0
    assert db["entity_mentions"].count == 0


def test_entity_takes_its_most_frequent_spelling_and_label(db):
    text = "ACME sued Acme. Acme won."
    analysis = ArticleAnalysis(
        [SentenceRecord(0, text, 0, len(text))],
        [],
        [EntityMention("acme", "ACME", "PERSON", 0, 4, "ACME"),
         EntityMention("acme", "Acme", "ORG", 10, 14, "Acme"),
         EntityMention("acme", "Acme", "ORG", 16, 20, "Acme")],
    )
    store_article(db, make_article(text), analysis)
    assert list(db.query("select name, label from entities")) == [{"name": "Acme", "label": "ORG"}]


def test_entity_name_ties_go_to_the_first_in_binary_order(db):
    text = "Acme, ACME, ACME and Acme, Ácme."
    spellings = [("Acme", "ORG", 0), ("ACME", "PERSON", 6), ("ACME", "ORG", 12), ("Acme", "PERSON", 21), ("Ácme", "GPE", 27)]
    analysis = ArticleAnalysis(
        [SentenceRecord(0, text, 0, len(text))],
        [],
        [EntityMention("acme", name, label, at, at + 4, name) for name, label, at in spellings],
    )
    store_article(db, make_article(text), analysis)
    assert list(db.query("select name, label from entities")) == [{"name": "ACME", "label": "ORG"}]

"""Entities: removed when nobody mentions them any more, named by their most frequent spelling and label, ties broken in binary order."""

from pipeline.records import ArticleAnalysis, EntityMention, SentenceRecord
import json

from pipeline.store import open_db, store_article

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


def _article_names(db):
    return {article_id: json.loads(ids) for article_id, ids in db.execute("select article_id, entity_ids from article_names")}


def test_an_article_keeps_its_names_once_each_in_order_of_first_mention_and_they_go_with_it(db):
    text = "Beta met Acme. Acme met Gamma and Beta."
    # Mentions given out of order: the stored order is the text's.
    mentions = [EntityMention(key, key.title(), "ORG", at, at + len(key), key.title())
                for key, at in (("gamma", 26), ("acme", 9), ("beta", 0), ("acme", 15), ("beta", 36))]  # fmt: skip
    store_article(db, make_article(text), ArticleAnalysis([SentenceRecord(0, text, 0, len(text))], [], mentions))
    store_article(db, make_article("Nobody raised $5 million.", path="b.txt"), analysis_for("Nobody raised $5 million."))
    (first, _), (second, _) = db.execute("select id, path from articles order by path").fetchall()
    assert _article_names(db) == {first: ["beta", "acme", "gamma"], second: []}
    edited = "Nobody raised $7 million."
    store_article(db, make_article(edited), analysis_for(edited))  # a.txt edited: its old article goes
    assert first not in _article_names(db) and len(_article_names(db)) == 2


def test_a_database_made_before_article_names_gets_them_from_its_mentions(db, tmp_path):
    store_article(db, make_article(), analysis_for(TEXT))
    store_article(db, make_article("Nobody raised $5 million.", path="b.txt"), analysis_for("Nobody raised $5 million."))
    before = _article_names(db)
    db.execute("drop table article_names")
    db.conn.commit()
    path = db.conn.execute("pragma database_list").fetchone()[2]
    db.close()
    reopened = open_db(path)
    assert _article_names(reopened) == before and sorted(map(len, before.values())) == [0, 1]
    reopened.close()

"""Helpers shared by the tracing tests: hand-made and generated claims, and short hand-written corpora run through the real pipeline."""

import sqlite_utils

from pipeline.runner import ingest_paths
from pipeline.tracing import TracedClaim


def claim(surface, value, unit="USD", kind="money", **extra):
    fields = dict(
        id=extra.pop("id", surface), article_id=extra.pop("article_id", "a1"), surface=surface,
        start_char=extra.pop("start_char", 0), value=value, value_low=None, value_high=None,
        unit=unit, qualifier="exact", qualifier_cue=None, kind=kind, subject=None, attributed_to=None,
    )
    fields.update(extra)
    return TracedClaim(**fields)


def write_corpus(folder, articles):
    folder.mkdir(parents=True, exist_ok=True)
    for name, (date, text) in articles.items():
        header = f"title: {name}\n" + (f"date: {date}\n" if date else "") + "\n"
        (folder / f"{name}.txt").write_text(header + text + "\n")


def ingest_corpus(nlp, tmp_path, articles):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, articles)
    db_path = tmp_path / "news.db"
    summary = ingest_paths([corpus], db_path, nlp=nlp)
    assert summary.errors == []
    return sqlite_utils.Database(db_path), corpus


FACTORY = {
    "wire": ("2025-01-02", "According to its annual report, Acme spent an estimated $5,576,000 "
                           "to build its Ohio battery factory."),
    "daily": ("2025-01-05", "Acme spent around $6 million to build the Ohio battery factory."),
    "blog": (None, "The Ohio battery factory cost Acme just $6M to build."),
}


def corner_claims(seed=3, articles=25):
    """Generated claims with what the demo corpus lacks: negative, zero and missing values,
    ranges and vague magnitudes, years, small counts, related units, and several figures
    in one sentence (some restating each other)."""
    import random

    rng = random.Random(seed)
    units = [("USD", "money"), ("EUR", "money"), (None, "money"), ("percent", "percent"), ("GPU", "count"),
             ("card", "count"), (None, "count"), ("year", "year"), ("USD per 1M tokens", "money")]  # fmt: skip
    values = [6e6, 5.576e6, 17, 6e11, 2.19, 2.5, 5e4, 2015, 7, 6, 0, -3, -3.5, 1.6e9]
    words = "cost train gpu deepseek nvidia market cap chip model revenue share price".split()
    claims = []
    for a in range(articles):
        for s in range(rng.randint(1, 4)):
            text, start = "", 100 * s
            for _ in range(rng.randint(1, 3)):
                unit, kind = rng.choice(units)
                value = rng.choice(values) * (1 if kind == "year" else rng.choice([1, 1, 1.1, 0.9, 1.2, 0.8]))
                extra, surface = {}, f"{value:,.6g}"
                roll = rng.random()
                if roll < 0.08:
                    value, surface = 1e9, "billions"
                    extra = dict(qualifier="range", value_low=1e9, value_high=1e10)
                elif roll < 0.14:
                    surface = f"{value:.3g}-{value * 1.5:.3g}"
                    extra = dict(qualifier="range", value_low=value, value_high=value * 1.5)
                elif roll < 0.18:
                    value = None
                text += rng.choice(["", ", or nearly ", " and then ", " i.e. "]) if text else ""
                claims.append(claim(
                    surface, value, unit, kind, id=f"a{a}-c{start + len(text)}", article_id=f"a{a}",
                    start_char=start + len(text), sentence_id=f"a{a}-s{s}", sentence_start=start,
                    context=" ".join(rng.sample(words, 4)), path=f"a{a}.txt",
                    entities=rng.sample(["deepseek", "nvidia", "openai"], rng.randint(0, 2)), **extra,
                ))  # fmt: skip
                text += surface
            for c in claims:
                if c.sentence_id == f"a{a}-s{s}":
                    c.sentence = text
    return claims


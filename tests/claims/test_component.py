"""The numeric_claims spaCy component: Doc._.numeric_claims, and its factory found through the entry point."""

from pipeline.claims import extract_claims


def test_component_sets_extension_and_extract_claims_agrees(nlp):
    doc = nlp("Acme sold 4,000 phones for $2 million.")
    assert [c.surface for c in doc._.numeric_claims] == ["4,000 phones", "$2 million"]
    assert extract_claims(doc) == doc._.numeric_claims


def test_spacy_finds_the_component_through_its_entry_point_without_an_import(tmp_path):
    """A fresh interpreter, nothing of figtrace imported: spaCy's factory lookup loads it."""
    import subprocess
    import sys

    script = (
        "import sys, spacy\n"
        "assert 'pipeline.claims' not in sys.modules\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('sentencizer')\n"
        "nlp.add_pipe('numeric_claims')\n"
        "doc = nlp('Acme raised $5 million in May.')\n"
        "print([(c.surface, c.value, c.unit) for c in doc._.numeric_claims])\n"
        "print(nlp.get_pipe_meta('numeric_claims').assigns)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.splitlines() == ["[('$5 million', 5000000.0, 'USD')]", "['doc._.numeric_claims']"]


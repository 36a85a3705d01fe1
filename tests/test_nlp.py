"""Loading the English pipeline: whichever package is installed, or the one named."""

from __future__ import annotations

import pytest

from dyadwatch import nlp


def test_the_installed_english_pipeline_parses():
    doc = next(nlp.pipe(["Russia expelled ten U.S. diplomats on Friday."]))
    assert doc.has_annotation("DEP")
    assert any(token.dep_ == "ROOT" and token.lemma_ == "expel" for token in doc)


def test_a_named_model_that_is_missing_gives_a_clear_error(monkeypatch):
    monkeypatch.setenv("DYADWATCH_SPACY_MODEL", "no_such_pipeline_xyz")
    nlp.load.cache_clear()
    try:
        with pytest.raises(nlp.ModelNotFound, match="no_such_pipeline_xyz.*pip install"):
            nlp.load()
    finally:
        nlp.load.cache_clear()


def test_sentences_do_not_break_at_abbreviations():
    from dyadwatch.ingest.clean import clean_text
    from dyadwatch.ingest.sentences import split_sentences
    from dyadwatch.model import Document

    cleaned = clean_text("Mr. Witkoff met the U.S. ambassador. Then he flew to St. Petersburg.")
    sentences = split_sentences(Document(text=cleaned.text, ref="x", blocks=cleaned.blocks))
    assert [s.text for s in sentences] == ["Mr. Witkoff met the U.S. ambassador.", "Then he flew to St. Petersburg."]
    assert all(cleaned.text[s.start : s.end] == s.text for s in sentences)

"""BM25 terms, the saved lexical index, and the staff-editable synonym map."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from qa.errors import QAError
from qa.lexical import FILES, K1, SYNONYMS_FILE, B, LexicalIndex, Synonyms, terms

TEXTS = [
    "Ketamine is an antidepressant given as an intravenous infusion.",
    "The patient felt depressed before treatment; depression lifted after two sessions.",
    "Dissociation and nausea are common side effects.",
    "Nothing here but furniture.",
]


def test_terms_lowercase_stem_and_drop_stop_words():
    assert terms("The DEPRESSED patients") == terms("depression patient") == ["depress", "patient"]
    assert terms("what is it and how does it work") == ["work"]  # stop words only leave content
    assert terms("ketamine’s effects") == terms("Ketamine's effect") == ["ketamin", "effect"]


def test_hyphenated_words_meet_their_joined_spelling():
    hyphenated, joined = terms("anti-depressant"), terms("antidepressant")
    assert set(joined) <= set(hyphenated)
    assert "depress" in hyphenated  # the parts count too: "depressant" side of the compound


def test_bm25_scores_match_the_lucene_formula_by_hand():
    index = LexicalIndex.build(TEXTS)
    docs = [terms(t) for t in TEXTS]
    avgdl = sum(map(len, docs)) / len(docs)
    query = terms("depression side effects")

    def by_hand(doc: list[str]) -> float:
        total = 0.0
        for term in query:
            df = sum(term in d for d in docs)
            tf = doc.count(term)
            idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
            # Lucene's BM25 (since Lucene 8) leaves out the constant (k1 + 1) factor of the numerator.
            total += idf * tf / (tf + K1 * (1 - B + B * len(doc) / avgdl)) if tf else 0.0
        return total

    np.testing.assert_allclose(index.scores(query), [by_hand(d) for d in docs], rtol=1e-5)
    assert index.scores(query)[3] == 0.0 and np.argmax(index.scores(query)) in (1, 2)


def test_idf_is_lucenes_over_the_rows_holding_each_distinct_term():
    index = LexicalIndex.build(TEXTS)
    docs = [set(terms(t)) for t in TEXTS]
    query = terms("depression depression side effects zebra")
    weights = index.idf(query)
    assert set(weights) == {t for t in query if any(t in d for d in docs)}  # unknown "zebra" left out
    for term, weight in weights.items():
        df = sum(term in d for d in docs)
        assert weight == pytest.approx(math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)))
    assert index.idf([]) == {} and index.idf([""]) == {}  # the row of a text without terms is no term


def test_unknown_or_empty_queries_score_zero_everywhere():
    index = LexicalIndex.build(TEXTS)
    assert not index.scores(terms("zebra quasar")).any()
    assert not index.scores([]).any()
    assert index.scores([]).shape == (len(TEXTS),)


def test_saved_index_round_trips_without_pickle(tmp_path: Path):
    index = LexicalIndex.build(TEXTS)
    written = index.save(tmp_path / "bm25")
    assert set(written) == set(FILES)
    for name in written:
        if name.endswith(".npy"):
            np.load(tmp_path / "bm25" / name, allow_pickle=False)  # raises on an object (pickled) array
        else:
            json.loads((tmp_path / "bm25" / name).read_text(encoding="utf-8"))
    loaded = LexicalIndex.load(tmp_path / "bm25", len(TEXTS))
    for query in ("intravenous infusion", "depressed", "side effects nausea"):
        np.testing.assert_array_equal(loaded.scores(terms(query)), index.scores(terms(query)))
    with pytest.raises(ValueError, match="rows"):
        LexicalIndex.load(tmp_path / "bm25", len(TEXTS) + 1)


def test_packaged_synonym_map_loads_and_expands_both_ways():
    synonyms = Synonyms.load(SYNONYMS_FILE)
    ptsd = synonyms.expand(terms("Can ketamine help my ptsd?"))
    assert "post-traumatic stress disorder" in ptsd.phrases and "traumat" in ptsd.terms
    back = synonyms.expand(terms("post-traumatic stress disorder treatment"))
    assert "PTSD" in back.phrases
    iv = synonyms.expand(terms("Is an IV painful?"))
    assert "intravenous infusion" in iv.phrases
    assert synonyms.expand(terms("How long is a session?")).terms == ()


def test_expansion_adds_only_what_the_question_lacks():
    synonyms = Synonyms([["PTSD", "post-traumatic stress disorder"]])
    both = synonyms.expand(terms("PTSD, or post-traumatic stress disorder"))
    assert both.terms == () and both.phrases == ()


def test_malformed_synonym_line_is_one_clear_error(tmp_path: Path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# comment\n\nPTSD | post-traumatic stress\nlonely phrase\n", encoding="utf-8")
    with pytest.raises(QAError, match=r"line 4: 'lonely phrase'"):
        Synonyms.load(path)
    with pytest.raises(QAError, match="Cannot read"):
        Synonyms.load(tmp_path / "missing.txt")


def test_a_phrase_matches_only_passages_with_all_its_words():
    texts = ["It can form new connections.", "Is it habit-forming?", "Not habit forming at all.", "Habitforming."]
    index = LexicalIndex.build(texts)
    synonyms = Synonyms([["addictive", "habit-forming"]])
    key = tuple(terms("habit-forming"))
    scores = index.phrase_scores(key, synonyms.spellings[key])
    assert scores[0] == 0  # "form" alone is not the phrase
    assert (scores[1:] > 0).all()  # hyphenated, spaced and joined spellings all count
    assert index.phrase_scores(("form",))[0] > 0  # a one-word phrase is plain BM25

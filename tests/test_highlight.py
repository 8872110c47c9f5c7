"""Highlights: the best answering sentence(s), verbatim, never a question line; duplicates dropped."""

from __future__ import annotations

import numpy as np
import pytest

from qa.chunking import Passage
from qa.highlight import (
    HIGHLIGHT_MARGIN,
    SentenceIndex,
    distinct,
    highlight_spans,
    is_question_line,
    near_duplicate,
)


def _passage(text: str, start: int = 100, path: str = "a.txt", sentences: list[str] | None = None) -> Passage:
    """A passage at ``start`` whose sentence units are ``sentences`` (found in ``text`` in order)."""
    spans, pos = [], 0
    for sentence in sentences or [text]:
        at = text.index(sentence, pos)
        spans.append((start + at, start + at + len(sentence)))
        pos = at + len(sentence)
    return Passage(
        id=f"{path}:{start}-{start + len(text)}",
        path=path,
        start=start,
        end=start + len(text),
        text=text,
        title="T",
        heading="",
        index_text=" ".join(text.split()),
        sentences=tuple(spans),
    )


@pytest.mark.parametrize(
    ("line", "question"),
    [
        ("What is ketamine?", True),
        ("What is ketamine?  ", True),
        ('He asked "why?"', True),
        ("Ketamine is a medication.", False),
        ("- a bullet", False),
        ("", False),
    ],
)
def test_is_question_line(line: str, question: bool) -> None:
    assert is_question_line(line) is question


def test_best_sentence_is_highlighted_with_its_file_offsets() -> None:
    sentences = ["First one.", "Second one is the answer.", "Third one."]
    p = _passage(" ".join(sentences), sentences=sentences)
    spans = highlight_spans(p, np.array([0.2, 0.9, 0.3]))
    assert spans == (p.sentences[1],)
    s, e = spans[0]
    assert p.text[s - p.start : e - p.start] == "Second one is the answer."


def test_sentences_close_to_the_best_are_highlighted_too_in_reading_order() -> None:
    sentences = ["A.", "B.", "C.", "D."]
    p = _passage(" ".join(sentences), sentences=sentences)
    scores = np.array([0.9 - HIGHLIGHT_MARGIN / 2, 0.1, 0.9, 0.9 - 2 * HIGHLIGHT_MARGIN])
    assert highlight_spans(p, scores) == (p.sentences[0], p.sentences[2])
    assert highlight_spans(p, scores, limit=1) == (p.sentences[2],)


def test_a_question_line_is_never_the_highlight() -> None:
    sentences = ["What is ketamine?", "Ketamine is a medication."]
    p = _passage("\n".join(sentences), sentences=sentences)
    assert highlight_spans(p, np.array([0.95, 0.5])) == (p.sentences[1],)


def test_a_passage_of_only_questions_still_gets_its_best_line() -> None:
    sentences = ["Is it safe?", "Does it work?"]
    p = _passage(" ".join(sentences), sentences=sentences)
    assert highlight_spans(p, np.array([0.2, 0.7])) == (p.sentences[1],)


def test_no_sentences_or_mismatched_scores_give_no_highlight() -> None:
    p = _passage("Text.", sentences=["Text."])
    assert highlight_spans(p, np.array([])) == ()
    assert highlight_spans(p, np.array([0.1, 0.2])) == ()


def test_near_duplicate() -> None:
    a = "Ketamine is a medication that has been used for decades as an anesthetic."
    assert near_duplicate(a, "+" + a)
    assert near_duplicate(a, a + " It also helps with depression in many patients.")  # contained
    assert not near_duplicate(a, "Glutamate is the most abundant neurotransmitter in the brain.")


def test_distinct_drops_overlapping_and_repeated_passages_keeping_order() -> None:
    text = "Ketamine is a medication that has been used for decades as an anesthetic."
    first = _passage(text, start=0, path="a.txt")
    overlapping = _passage("used for decades as an anesthetic. And more words here.", start=40, path="a.txt")
    copy_elsewhere = _passage(text, start=500, path="b.txt")
    other = _passage("Glutamate is the most abundant neurotransmitter.", start=0, path="b.txt")
    adjacent = _passage("Different words entirely, no overlap at all.", start=len(text), path="a.txt")
    passages = [first, overlapping, copy_elsewhere, other, adjacent]
    assert distinct(passages, 10) == [0, 3, 4]
    assert distinct(passages, 2) == [0, 3]
    assert distinct([], 3) == []


def test_sentence_vectors_are_the_model_vectors_of_the_verbatim_sentences(pipeline, embedder) -> None:
    index = SentenceIndex(pipeline.index.passages, embedder)
    total = sum(len(p.sentences) for p in pipeline.index.passages)
    assert len(index) == total > 0
    rng = np.random.default_rng(0)
    sample = [pipeline.index.passages[i] for i in rng.choice(len(pipeline.index.passages), 5, replace=False)]
    question = embedder.encode(["how does ketamine work"])[0]
    for passage, scores in zip(sample, index.scores(sample, question), strict=True):
        texts = SentenceIndex.texts(passage)
        assert texts == [passage.text[s - passage.start : e - passage.start] for s, e in passage.sentences]
        np.testing.assert_allclose(scores, embedder.encode(texts) @ question, atol=1e-4)


def test_unwarmed_index_encodes_a_passage_once_on_first_use(pipeline, embedder) -> None:
    calls = []

    class Counting:
        def encode(self, texts):
            calls.append(len(texts))
            return embedder.encode(texts)

    passages = pipeline.index.passages[:3]
    index = SentenceIndex(passages, Counting(), warm=False)
    assert calls == [] and len(index) == 0
    q = embedder.encode(["ketamine"])[0]
    first = index.scores(passages, q)
    again = index.scores(passages, q)
    assert calls == [sum(len(p.sentences) for p in passages)]
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_highlight_prefers_the_sentence_holding_the_question_s_words(pipeline, monkeypatch) -> None:
    """Round 26 (answer audit): by cosine alone, "Are ketamine treatment plans personalized?" highlighted "Every
    individual's experience with ketamine therapy is unique…" beside "…treatment plans are tailored to each patient's
    specific needs"; the sentence's coverage of the question's terms (``Settings.highlight_coverage``) now decides."""
    import dataclasses

    def highlighted(question: str) -> list[str]:
        first = pipeline.ask(question).to_dict()["quotes"][0]
        return [first["text"][s - first["start"] : e - first["start"]] for s, e in first["highlights"]]

    question = "Are ketamine treatment plans personalized?"
    assert pipeline.settings.highlight_coverage == 1.0
    assert any("treatment plans are tailored" in h for h in highlighted(question))
    monkeypatch.setattr(pipeline, "settings", dataclasses.replace(pipeline.settings, highlight_coverage=0.0))
    assert not any("treatment plans are tailored" in h for h in highlighted(question))

"""The answer layer: JSON contract, verbatim quotes with highlights and citations, no repeats."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.answer import DISCLAIMER, Answer, Citation, Quote, compose
from qa.chunking import Passage
from qa.corpus import load_corpus
from qa.highlight import near_duplicate
from qa.retrieval import Hit

QUESTIONS = [
    "What is ketamine?",
    "how does ketamin actually work in the brain?",
    "side effects?",
    "what is synaptogenesis",
    "is it a shot or a nasal spray or what",
    "how long is a session",
    "does ketamine help with ptsd flashbacks",
    "what is KAP",
    "who wrote about how ketamine therapy works",
    "ocd?",
]
CONTRACT = {"question", "status", "message", "quotes", "disclaimer"}
QUOTE_CONTRACT = {"text", "path", "start", "end", "title", "score", "heading", "id", "highlights"}


def _hit(text: str, path: str = "a.txt", start: int = 10, score: float = 0.5) -> Hit:
    p = Passage(
        f"{path}:{start}-{start + len(text)}", path, start, start + len(text), text, "Title", "Heading", text,
        ((start, start + len(text)),),
    )  # fmt: skip
    return Hit(p, score, 1)


def test_to_dict_keeps_the_contract_and_only_adds_fields() -> None:
    answer = compose(
        "q?", [_hit("Some text.")], [np.array([0.7])], route="none", answerability=0.7,
        citations={"a.txt": Citation("Dr. A", "Clinic blog")},
    )  # fmt: skip
    data = json.loads(json.dumps(answer.to_dict()))
    assert CONTRACT <= set(data) and {"route", "answerability", "confidence", "intent"} <= set(data)
    assert data["intent"] == "question"
    quote = data["quotes"][0]
    assert QUOTE_CONTRACT <= set(quote) and {"author", "source"} <= set(quote)
    assert quote["highlights"] == [[10, 20]]
    assert (quote["author"], quote["source"]) == ("Dr. A", "Clinic blog")
    assert data["disclaimer"] == DISCLAIMER and data["status"] == "answered"


def test_compose_without_sentence_scores_or_citations() -> None:
    answer = compose("q", [_hit("Text.")])
    assert answer.quotes[0].highlights == () and answer.quotes[0].author == ""
    assert Answer("q", "no_answer").to_dict()["quotes"] == []


@pytest.fixture(scope="module")
def answers(pipeline) -> list[Answer]:
    return [pipeline.ask(q) for q in QUESTIONS]


@pytest.fixture(scope="module")
def documents(built_settings):
    return {d.path: d for d in load_corpus(built_settings.corpus_dir)}


def _quotes(answers: list[Answer]) -> list[Quote]:
    quotes = [q for a in answers for q in a.quotes]
    assert len(quotes) >= 10, "the questions should produce quotes to check"
    return quotes


def test_quotes_are_verbatim_file_slices(answers, documents) -> None:
    for quote in _quotes(answers):
        assert documents[quote.path].text[quote.start : quote.end] == quote.text


def test_highlights_are_sentences_inside_the_quote_and_file_slices(answers, documents, pipeline) -> None:
    passages = {p.id: p for p in pipeline.index.passages}
    for quote in _quotes(answers):
        assert quote.highlights, f"quote {quote.id} has no highlight"
        for s, e in quote.highlights:
            assert quote.start <= s < e <= quote.end
            assert documents[quote.path].text[s:e] == quote.text[s - quote.start : e - quote.start]
            assert (s, e) in passages[quote.id].sentences
            assert not documents[quote.path].text[s:e].rstrip().endswith("?")


def test_highlight_is_the_answering_sentence(pipeline) -> None:
    answer = pipeline.ask("when was ketamine first developed")
    marked = [q.text[s - q.start : e - q.start] for q in answer.quotes for s, e in q.highlights]
    assert "Ketamine was initially developed as an anesthetic in the 1960s." in marked


def test_no_quote_is_shown_twice(answers, pipeline) -> None:
    for answer in [*answers, pipeline.ask("what is ketamine", k=10)]:
        quotes = answer.quotes
        for i, a in enumerate(quotes):
            for b in quotes[i + 1 :]:
                assert not (a.path == b.path and a.start < b.end and b.start < a.end), (a.id, b.id)
                assert not near_duplicate(a.text, b.text), (a.id, b.id)


def test_citations_come_from_the_article_front_matter(answers, documents) -> None:
    for quote in _quotes(answers):
        doc = documents[quote.path]
        assert (quote.title, quote.author, quote.source) == (doc.title, doc.author, doc.source)
    authors = {q.author for q in _quotes(answers)} | {q.source for q in _quotes(answers)}
    assert authors - {""}, "some quoted article names an author or source"


def test_quotes_best_first_and_k_respected(pipeline) -> None:
    for k in (1, 2, 5):
        answer = pipeline.ask("how does ketamine work", k=k)
        assert answer.status == "answered" and 1 <= len(answer.quotes) <= k
    hits = pipeline.search("how does ketamine work")
    order = {h.passage.id: h.rank for h in hits}
    ranks = [order[q.id] for q in pipeline.ask("how does ketamine work", k=5).quotes]
    assert ranks == sorted(ranks)


def test_format_answer_shows_highlight_citation_message_and_disclaimer(pipeline) -> None:
    from qa.cli import format_answer

    answer = pipeline.ask("what conditions does ketamine therapy treat")
    quote = next(q for q in answer.quotes if q.author)
    plain = format_answer(answer, color=False)
    s, e = quote.highlights[0]
    first_words = " ".join(quote.text[s - quote.start : e - quote.start].split()[:3])
    assert f"»{first_words}" in plain and "«" in plain
    assert f"{quote.title}" in plain and quote.author in plain
    assert "\033[" not in plain
    assert " ".join(DISCLAIMER.split()) in " ".join(plain.split())
    bold = format_answer(answer, color=True)
    assert f"\033[1m{first_words}" in bold and "\033[0m" in bold and "»" not in bold
    crisis = format_answer(pipeline.ask("I want to kill myself"), color=False)
    assert "988" in crisis and "Disclaimer:" in crisis and "│" not in crisis

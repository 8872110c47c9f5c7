"""Retrievers on the real corpus, model and index: dense, BM25, hybrid fusion, maxsim reranking,
synonyms, the BM25 artifacts of the index, and passage balancing."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from qa.chunking import chunk_document
from qa.config import CONFIGURATIONS, Settings
from qa.corpus import load_corpus, parse_document
from qa.errors import IndexUnavailable
from qa.lexical import SYNONYMS_FILE, terms
from qa.retrieval import RETRIEVERS, HybridRetriever, make_retriever
from qa.store import build_index, index_problem, load_index

QUESTIONS = [
    "How fast does ketamine work?",
    "what is synaptogenesis",
    "can it help with ptsd",
    "side effects like feeling detached",
    "is ketamine the same as the anesthetic used in surgery",
]

#: No second stage: neither the maxsim sentence cosine nor sentence coverage.
PLAIN = {"rerank": "none", "coverage_weight": 0.0, "known_questions": None}


@pytest.fixture(scope="module")
def index(built_settings: Settings):
    return load_index(built_settings)


def retriever(settings: Settings, index, embedder, **overrides):
    return make_retriever(replace(settings, **overrides), index, embedder)


def test_registry_names_and_unknown_name(built_settings: Settings, index, embedder):
    assert {"dense", "bm25", "hybrid"} <= set(RETRIEVERS)
    with pytest.raises(ValueError, match=r"'nope'.*valid: \['bm25', 'dense', 'hybrid'"):
        retriever(built_settings, index, embedder, retriever="nope")


@pytest.mark.parametrize("name", ["dense", "bm25", "hybrid"])
@pytest.mark.parametrize("rerank", ["none", "maxsim"])
def test_hits_are_ranked_distinct_and_scored_by_cosine(built_settings, index, embedder, name, rerank):
    r = retriever(built_settings, index, embedder, retriever=name, rerank=rerank)
    for question in QUESTIONS:
        hits = r.search(question, 5)
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert len(hits) == 5 or (name == "bm25" and hits)  # BM25 returns only passages sharing a term
        assert len({h.passage.id for h in hits}) == len(hits)
        assert [h.rank_score for h in hits] == sorted((h.rank_score for h in hits), reverse=True)
        model = r.dense_embedder  # the retrieval model (fine-tuned), which embedded the passages
        assert model is not embedder and model.name == built_settings.retrieval_model
        q = model.encode([question])[0]
        fresh = model.encode([h.passage.index_text for h in hits]) @ q
        np.testing.assert_allclose([h.score for h in hits], fresh, atol=2e-3)  # score = cosine, whoever ranked


def test_a_retriever_refuses_an_index_of_another_retrieval_model(built_settings, index, embedder):
    with pytest.raises(IndexUnavailable, match=r"vectors of 'all-MiniLM-L6-v2-ft1', not of .* 'all-MiniLM-L6-v2': run"):
        retriever(built_settings, index, embedder, retrieval_model=None)


def test_dense_order_is_faiss_order(built_settings, index, embedder):
    r = retriever(built_settings, index, embedder, retriever="dense", **PLAIN)
    q = r.dense_embedder.encode(["How fast does ketamine work?"])
    _, rows = index.vectors.search(q, 5)
    assert [h.passage.id for h in r.search("How fast does ketamine work?", 5)] == [
        index.passages[i].id for i in rows[0]
    ]


def test_bm25_finds_the_only_passage_with_a_rare_word(built_settings, index, embedder):
    hits = retriever(built_settings, index, embedder, retriever="bm25", **PLAIN).search("synaptogenesis?", 3)
    assert "synaptogenesis" in hits[0].passage.text.lower()
    assert all(h.rank_score > 0 for h in hits)  # BM25 never pads with passages sharing no term


@pytest.mark.parametrize("question", QUESTIONS)
def test_convex_fusion_weight_1_is_dense_and_0_is_bm25(built_settings, index, embedder, question):
    base = dict(retriever="hybrid", **PLAIN, synonyms=None, fusion_depth=len(index))
    hybrid_dense = retriever(built_settings, index, embedder, **base, fusion_weight=1.0).search(question, 5)
    dense = retriever(built_settings, index, embedder, retriever="dense", **PLAIN).search(question, 5)
    assert [h.passage.id for h in hybrid_dense] == [h.passage.id for h in dense]
    hybrid_lexical = retriever(built_settings, index, embedder, **base, fusion_weight=0.0).search(question, 3)
    lexical = retriever(built_settings, index, embedder, retriever="bm25", **PLAIN, synonyms=None).search(question, 3)
    assert [round(h.rank_score, 5) for h in hybrid_lexical if h.rank_score > 0] == [
        round(h.rank_score / lexical[0].rank_score, 5) for h in lexical
    ]


def test_rrf_scores_are_reciprocal_rank_sums(built_settings, index, embedder):
    settings = replace(built_settings, retriever="hybrid", fusion="rrf", rerank="none", synonyms=None)
    r = make_retriever(settings, index, embedder)
    assert isinstance(r, HybridRetriever)
    query = r.prepare("How fast does ketamine work?")
    dense = [row for row, _ in r.dense(query, settings.fusion_depth)]
    scores = r.lexical_scores(query)
    lexical = [int(i) for i in np.argsort(-scores, kind="stable")[: settings.fusion_depth] if scores[i] > 0]
    for row, fused in r.rank(query, 5):
        expected = sum(1 / (settings.rrf_k + ranking.index(row) + 1) for ranking in (dense, lexical) if row in ranking)
        assert fused == pytest.approx(expected)


def test_maxsim_adds_the_best_sentence_cosine(built_settings, index, embedder):
    r = retriever(
        built_settings,
        index,
        embedder,
        retriever="hybrid",
        rerank="maxsim",
        rerank_weight=0.5,
        coverage_weight=0.0,
        known_questions=None,
    )
    query = r.prepare("What are the side effects?")
    ranked = r.rank(query, 10)
    for row, score in r.rerank(query, ranked):
        p = index.passages[row]
        sentences = [p.text[s - p.start : e - p.start] for s, e in p.sentences]
        best = float(np.max(embedder.encode(sentences) @ query.vector))
        assert score == pytest.approx(dict(ranked)[row] + 0.5 * best, abs=2e-3)
    zero = retriever(
        built_settings,
        index,
        embedder,
        retriever="hybrid",
        rerank="maxsim",
        rerank_weight=0.0,
        coverage_weight=0.0,
        known_questions=None,
    )
    assert [row for row, _ in zero.rerank(query, ranked)] == [row for row, _ in ranked]


def test_coverage_is_the_best_sentences_share_of_the_question_idf(built_settings, index, embedder):
    r = retriever(built_settings, index, embedder)
    query = r.prepare("What are the side effects of ketamine, like dizziness or nausea?")
    weights = index.lexical.idf(query.terms)
    rows = np.arange(len(index))
    coverage = r.coverage(query, rows)
    for row in rows:
        p = index.passages[row]
        units = [set(terms(p.text[s - p.start : e - p.start])) for s, e in p.sentences]
        best = max((sum(w for t, w in weights.items() if t in u) for u in units), default=0.0)
        assert coverage[row] == pytest.approx(best / sum(weights.values()))
    assert 0 <= coverage.min() and coverage.max() <= 1 + 1e-9
    # the sentence naming the side effects holds more of the question than any other
    best_row = int(np.argmax(coverage))
    assert "dizziness" in index.passages[best_row].text and "nausea" in index.passages[best_row].text
    assert not r.coverage(r.prepare("zebra quasar"), rows).any()  # no known term: no coverage


def test_coverage_counts_question_terms_no_passage_uses_at_the_unseen_idf(built_settings, index, embedder):
    """A question term the articles never use weighs the highest idf in the total: no sentence can hold it."""
    question = "is ketamine a miracle cure that works for everybody"
    known_only = retriever(built_settings, index, embedder, coverage_unknown_terms=False)
    counted = retriever(built_settings, index, embedder)
    query = counted.prepare(question)
    weights = index.lexical.idf(query.terms)
    unknown = set(query.terms) - set(weights)
    assert unknown and weights  # e.g. "miracl": in no passage
    unseen = index.lexical.unseen_idf()
    assert unseen == pytest.approx(np.log(1 + (len(index) + 0.5) / 0.5)) and unseen > max(weights.values())
    rows = np.arange(len(index))
    before, after = known_only.coverage(query, rows), counted.coverage(query, rows)
    total = sum(weights.values())
    np.testing.assert_allclose(after, before * total / (total + len(unknown) * unseen))
    assert after.max() > 0
    # a question whose terms the index all knows is scored the same either way
    plain = counted.prepare("What are the side effects of ketamine?")
    np.testing.assert_allclose(counted.coverage(plain, rows), known_only.coverage(plain, rows))


def test_rerank_adds_coverage_weight_times_coverage(built_settings, index, embedder):
    question = "What are the side effects?"
    plain = retriever(built_settings, index, embedder, rerank="maxsim", coverage_weight=0.0)
    covered = retriever(built_settings, index, embedder, rerank="maxsim", coverage_weight=0.5)
    query = covered.prepare(question)
    ranked = covered.rank(query, 10)
    before = dict(plain.rerank(query, ranked))
    after = covered.rerank(query, ranked)
    coverage = dict(zip((row for row, _ in ranked), covered.coverage(query, np.array([row for row, _ in ranked]))))
    for row, score in after:
        assert score == pytest.approx(before[row] + 0.5 * coverage[row])
    assert [s for _, s in after] == sorted((s for _, s in after), reverse=True)
    # coverage alone (no maxsim) still reranks: search uses the rerank stage when either is on
    only = retriever(built_settings, index, embedder, rerank="none", coverage_weight=0.5)
    hits = only.search(question, 5)
    assert [h.rank_score for h in hits] == sorted((h.rank_score for h in hits), reverse=True)


def test_synonyms_reach_passages_without_the_question_word(built_settings, index, embedder):
    question = "is ketamine addictive?"  # no article says "addictive"; one says "dependency"
    assert "addict" not in {t for p in index.passages for t in terms(p.index_text)}
    plain = retriever(built_settings, index, embedder, retriever="bm25", rerank="none", synonyms=None)
    mapped = retriever(built_settings, index, embedder, retriever="bm25", rerank="none", synonyms=SYNONYMS_FILE)
    before = plain.lexical_scores(plain.prepare(question))
    after = mapped.lexical_scores(mapped.prepare(question))
    for row, passage in enumerate(index.passages):
        words = set(terms(passage.index_text))
        if "dependency" in passage.text:
            assert after[row] > before[row]  # found through the map
        elif not words & {"depend", "habit", "habitform"}:
            assert after[row] == pytest.approx(before[row])  # nothing else changes
    target = next(row for row, p in enumerate(index.passages) if "dependency" in p.text)
    assert (after > after[target]).sum() < (before > before[target]).sum()  # it moves up the ranking


def test_spelling_searches_the_corrected_question_for_bm25_and_dense(built_settings, index, embedder):
    typed = "is ketamine good for treatment resistant depresion"
    meant = "is ketamine good for treatment resistant depression"
    assert "depresion" not in {w for p in index.passages for w in p.index_text.lower().split()}
    # Known questions off: they are embedded as corrected, so the two retrievers would hold different ones.
    plain = retriever(built_settings, index, embedder, spelling=False, known_questions=None)
    fixed = retriever(built_settings, index, embedder, spelling=True, known_questions=None)
    assert plain.correct(typed) == typed and fixed.correct(typed) == meant
    expected = [(h.passage.id, h.score, h.rank_score) for h in plain.search(meant, 10)]
    got = [(h.passage.id, h.score, h.rank_score) for h in fixed.search(typed, 10)]  # its own vector
    given = fixed.search_corrected(meant, 10, vector=embedder.encode([meant])[0])  # the caller's vector, corrected text
    assert [g[0] for g in got] == [e[0] for e in expected] == [h.passage.id for h in given]
    np.testing.assert_allclose([g[1:] for g in got], [e[1:] for e in expected], atol=1e-5)
    assert [h.passage.id for h in plain.search(typed, 10)] != [e[0] for e in expected]  # the typo mattered


def test_pipeline_answers_a_misspelled_question_as_the_corrected_one(built_settings, embedder):
    from qa.pipeline import Pipeline

    pipeline = Pipeline(replace(built_settings, spelling=True), rebuild=False, embedder=embedder)
    typed = pipeline.ask("how quick does it start working compared to normal antidepresants").to_dict()
    meant = pipeline.ask("how quick does it start working compared to normal antidepressants").to_dict()
    assert typed["question"].endswith("antidepresants")  # the answer shows what the person wrote
    assert typed["status"] == meant["status"] == "answered"
    assert [(q["id"], q["score"], q["highlights"]) for q in typed["quotes"]] == [
        (q["id"], q["score"], q["highlights"]) for q in meant["quotes"]
    ]


def test_every_named_configuration_is_valid_settings(built_settings):
    assert CONFIGURATIONS["production"] == {}
    for name, overrides in CONFIGURATIONS.items():
        settings = replace(built_settings, **overrides)
        assert settings.retriever in RETRIEVERS, name
        assert settings.rerank in ("none", "maxsim") and settings.fusion in ("convex", "rrf"), name


# -- the BM25 artifacts of the index ---------------------------------------------------------------


def test_bm25_is_saved_beside_the_vectors_and_checksummed(built_settings, index):
    bm25_files = {name for name in index.manifest["artifacts"] if name.startswith("bm25/")}
    assert bm25_files and all((index.path / name).is_file() for name in bm25_files)
    assert index.manifest["lexical"]["tokenizer"]
    for path in index.path.rglob("*.npy"):
        np.load(path, allow_pickle=False)  # nothing in the index needs pickle to load
    assert not list(index.path.rglob("*.pkl")) and not list(index.path.rglob("*.pickle"))


def test_corrupt_bm25_file_is_detected_and_rebuilt(scratch_settings: Settings, embedder):
    from qa.store import open_index

    gen = build_index(scratch_settings, embedder, progress=False)
    vocab = gen / "bm25" / "vocab.index.json"
    vocab.write_text(json.dumps({"ketamin": 0}), encoding="utf-8")
    assert index_problem(scratch_settings) == "corrupt: bm25/vocab.index.json does not match its checksum"
    fresh = open_index(scratch_settings, lambda: embedder)
    assert index_problem(scratch_settings) is None and fresh.lexical.scores(terms("ketamine")).any()


def test_changed_tokenizer_makes_the_index_stale(built_settings, monkeypatch):
    assert index_problem(built_settings) is None
    monkeypatch.setattr("qa.lexical.TOKENIZER", "something-else/2")
    assert index_problem(built_settings).startswith("stale: lexical changed")


# -- passage balancing (chunking) ------------------------------------------------------------------


def test_sections_do_not_end_in_a_stub_passage():
    text = "Heading Line\n" + " ".join(f"Sentence number {i} says something here." for i in range(9)) + "\n"
    doc = parse_document("t.txt", text)
    greedy = chunk_document(doc, max_chars=160)
    balanced = chunk_document(doc, max_chars=160, balance=True)
    assert len(balanced) == len(greedy) and [p.start for p in balanced][:1] == [greedy[0].start]
    assert min(len(p.sentences) for p in balanced) > min(len(p.sentences) for p in greedy)
    assert balanced[-1].end == greedy[-1].end
    for p in balanced:
        assert doc.text[p.start : p.end] == p.text
        assert p.end - p.start <= 160 or len(p.sentences) == 1


def test_balancing_never_loses_or_repeats_a_sentence(built_settings):
    for doc in load_corpus(built_settings.corpus_dir):
        for max_chars in (200, 400, 600):
            greedy = chunk_document(doc, max_chars=max_chars)
            balanced = chunk_document(doc, max_chars=max_chars, balance=True)
            assert [s for p in balanced for s in p.sentences] == [s for p in greedy for s in p.sentences]
            assert len(balanced) == len(greedy)


def test_requirements_met_is_the_share_of_the_questions_requirements_a_passage_meets(built_settings, index, embedder):
    """The measured-and-not-kept requirement bonus (configuration production+requirements): a passage
    with a sentence giving a duration meets "how long"; off by default, when the question is not read."""
    from qa.aspects import default_lexicon, normal

    question = "how long does a ketamine session take?"
    off = retriever(built_settings, index, embedder)
    assert off.settings.requirement_weight == 0 and off.prepare(question).requirements == ()
    on = retriever(built_settings, index, embedder, requirement_weight=0.2)
    query = on.prepare(question)
    assert [r.name for r in query.requirements] == [r.name for r in default_lexicon().requirements(question)]
    rows = np.arange(len(index))
    met = on.requirements_met(query, rows)
    for row in rows:
        p = index.passages[row]
        texts = [normal(p.text[s - p.start : e - p.start]) for s, e in p.sentences]
        share = np.mean([any(r.mentioned(t) for t in texts) for r in query.requirements])
        assert met[row] == pytest.approx(share)
    assert 0 < met.sum() < len(rows)  # some passages give a duration, most do not
    ranked = on.rank(query, 10)
    before = dict(off.rerank(query, ranked))
    for row, score in on.rerank(query, ranked):
        assert score == pytest.approx(before[row] + 0.2 * met[row])
    plain = on.prepare("does ketamine help with depression?")
    assert plain.requirements == () and not on.requirements_met(plain, rows).any()  # no requirement: no bonus

"""Metrics: hand-computed cases plus a randomised cross-check against ir_measures / pytrec_eval."""

from __future__ import annotations

import math
import random

import pytest

from qa.metrics import (
    AbstentionScores,
    RetrievalScores,
    abstention_scores,
    contains_answer,
    hit_at_k,
    ndcg_at_k,
    normalise,
    reciprocal_rank,
    retrieval_scores,
)

# --- normalise / contains_answer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ketamine’s  Role", "ketamine's role"),  # curly apostrophe, double space, case
        ("‘single’ “double”", "'single' \"double\""),
        ("5′ and 6″", "5' and 6''"),  # prime; NFKC turns double prime into two primes
        ("low‐dose — IV – IM − minus ‑ nb", "low-dose - iv - im - minus - nb"),
        ("40\u00a0mg\u2009per\u202fkg", "40 mg per kg"),  # NBSP, thin space, narrow NBSP
        ("  \t line\none\r\n\u2028two  ", "line one two"),
        ("ＫＥＴＡＭＩＮＥ ﬁx", "ketamine fix"),  # NFKC: full-width letters, fi ligature
        ("Straße", "strasse"),  # casefold, not lower
        ("ket\u00adamine zero\u200bwidth", "ketamine zerowidth"),  # soft hyphen, zero-width space
        ("", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_contains_answer_typography_and_case() -> None:
    passage = "Patients say: “It’s\u00a0a  relief” — within 24\u00a0hours.\nMost   improve."
    assert contains_answer(passage, ['"it\'s a relief" - within 24 hours'])
    assert contains_answer(passage, ["WITHIN 24 HOURS. most improve"])  # newline + runs of spaces
    assert contains_answer(passage, ["no such text", "it’s A RELIEF"])  # any answer suffices
    assert not contains_answer(passage, ["within 48 hours"])


def test_contains_answer_empty_cases() -> None:
    assert not contains_answer("anything at all", [])  # no answers → False
    assert not contains_answer("anything at all", ["", "  \u00a0"])  # answers normalising to "" are ignored
    assert not contains_answer("", ["x"])
    with pytest.raises(TypeError, match="'relief'"):
        contains_answer("relief", "relief")  # type: ignore[arg-type]


# --- ranking metrics, by hand ---------------------------------------------------------------------------


def test_hit_at_k() -> None:
    ranked = ["a", "b", "c", "d"]
    assert hit_at_k(ranked, {"c"}, 1) == 0.0
    assert hit_at_k(ranked, {"c"}, 2) == 0.0
    assert hit_at_k(ranked, {"c"}, 3) == 1.0  # c is at rank 3
    assert hit_at_k(ranked, {"c", "x"}, 10) == 1.0  # k past the end of the list
    assert hit_at_k(ranked, {"x"}, 10) == 0.0
    assert hit_at_k(ranked, set(), 10) == 0.0  # nothing relevant
    assert hit_at_k([], {"a"}, 1) == 0.0  # nothing retrieved


def test_reciprocal_rank() -> None:
    ranked = ["a", "b", "c", "d"]
    assert reciprocal_rank(ranked, {"a"}) == 1.0
    assert reciprocal_rank(ranked, {"d", "b"}) == 0.5  # first relevant at rank 2 → 1/2
    assert reciprocal_rank(ranked, {"c"}, k=3) == pytest.approx(1 / 3)
    assert reciprocal_rank(ranked, {"d"}, k=3) == 0.0  # rank 4 is outside k=3
    assert reciprocal_rank(ranked, set()) == 0.0
    assert reciprocal_rank([f"x{i}" for i in range(20)], {"x10"}) == 0.0  # rank 11 > default k=10
    assert reciprocal_rank([f"x{i}" for i in range(20)], {"x9"}) == pytest.approx(0.1)  # rank 10


def test_ndcg_relevant_at_ranks_2_and_4_of_3() -> None:
    # 3 relevant items (b, d, z); b at rank 2, d at rank 4, z not retrieved.
    # DCG  = 1/log2(2+1) + 1/log2(4+1) = 0.630930 + 0.430677 = 1.061606
    # IDCG = 1/log2(2) + 1/log2(3) + 1/log2(4) = 1 + 0.630930 + 0.5 = 2.130930   (min(k=10, 3) = 3 items)
    # nDCG = 1.061606 / 2.130930 = 0.498190
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3) + 1 / math.log2(4))
    assert expected == pytest.approx(0.498190, abs=1e-6)
    assert ndcg_at_k(["a", "b", "c", "d", "e"], {"b", "d", "z"}, k=10) == pytest.approx(expected, abs=1e-12)


def test_ndcg_ideal_is_capped_at_k() -> None:
    # k=2 with 3 relevant: IDCG = 1 + 1/log2(3) (only min(2, 3) = 2 ideal items).
    # Ranking [r1, n, r2]: only rank 1 is inside k → DCG = 1 → nDCG = 1 / 1.630930 = 0.613147
    assert ndcg_at_k(["r1", "n", "r2"], {"r1", "r2", "r3"}, k=2) == pytest.approx(1 / (1 + 1 / math.log2(3)), abs=1e-12)
    # All relevant at the top → 1.0, even when there are more relevant items than k.
    assert ndcg_at_k(["r1", "r2"], {"r1", "r2", "r3"}, k=2) == pytest.approx(1.0)
    assert ndcg_at_k(["a", "b"], {"b"}, k=1) == 0.0
    # One relevant at rank 2: DCG = 1/log2(3), IDCG = 1 → 0.630930
    assert ndcg_at_k(["a", "b"], {"b"}) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k(["a", "b"], set()) == 0.0  # no relevant → 0 by definition


def test_duplicates_count_once() -> None:
    # ["a", "a", "b"]: the second "a" is dropped, so b is rank 2, not 3.
    assert reciprocal_rank(["a", "a", "b"], {"b"}) == 0.5
    assert hit_at_k(["a", "a", "b"], {"b"}, 2) == 1.0
    # A repeated relevant id earns gain once: [r, r, n] vs {r, s} → DCG = 1, IDCG = 1 + 1/log2(3).
    assert ndcg_at_k(["r", "r", "n"], {"r", "s"}) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    # Duplicates do not use up the cut-off: k=2 sees a, b.
    assert ndcg_at_k(["a", "a", "a", "b"], {"b"}, k=2) == pytest.approx(1 / math.log2(3))


@pytest.mark.parametrize("bad_k", [0, -1, 2.5, True, "3", None])
def test_k_validated(bad_k: object) -> None:
    for fn in (hit_at_k, reciprocal_rank, ndcg_at_k):
        with pytest.raises(ValueError, match=rf"k must be an integer >= 1, got {bad_k!r}"):
            fn(["a"], {"a"}, bad_k)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="got 0"):
        retrieval_scores([(["a"], {"a"})], ks=(1, 0))


def test_bare_string_rejected() -> None:
    with pytest.raises(TypeError, match="'abc'"):
        hit_at_k(["a"], "abc", 1)  # type: ignore[arg-type]


# --- abstention -----------------------------------------------------------------------------------------


def test_abstention_scores_by_hand() -> None:
    pred = [True, True, False, False, True, False]
    gold = [True, False, True, False, True, True]
    # tp = q0, q4 → 2; fp = q1 → 1; fn = q2, q5 → 2
    # precision = 2/3, recall = 2/4 = 0.5, f1 = 2·(2/3)·0.5 / (2/3 + 0.5) = (2/3) / (7/6) = 4/7
    scores = abstention_scores(pred, gold)
    assert scores == AbstentionScores(
        precision=pytest.approx(2 / 3), recall=0.5, f1=pytest.approx(4 / 7), tp=2, fp=1, fn=2, n=6
    )


def test_abstention_zero_denominators() -> None:
    # Never abstains: precision 0/0 → 0.0; recall 0/2 = 0; f1 0.
    s = abstention_scores([False, False, False], [True, False, True])
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    # No unanswerable questions and abstains once: precision 0/1, recall 0/0 → 0.0.
    s = abstention_scores([True, False], [False, False])
    assert (s.precision, s.recall, s.f1, s.fp) == (0.0, 0.0, 0.0, 1)
    # Nothing at all.
    assert abstention_scores([], []) == AbstentionScores(0.0, 0.0, 0.0, 0, 0, 0, 0)
    # Perfect.
    s = abstention_scores([True, False], [True, False])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_abstention_length_mismatch() -> None:
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        abstention_scores([True, False], [True])


# --- aggregate ------------------------------------------------------------------------------------------


def test_retrieval_scores_by_hand() -> None:
    runs = [
        (["a", "b", "c"], {"a"}),  # rank 1: hit@1..10 = 1, RR 1, nDCG 1
        (["a", "b", "c", "d"], {"d"}),  # rank 4: hit@1,3 = 0, hit@5,10 = 1, RR 1/4, nDCG 1/log2(5)
        (["a", "b"], set()),  # no relevant: all 0, still counted
    ]
    s = retrieval_scores(runs)
    assert s.n == 3
    assert s.hit_at == pytest.approx({1: 1 / 3, 3: 1 / 3, 5: 2 / 3, 10: 2 / 3})
    assert s.mrr_at_10 == pytest.approx((1 + 0.25 + 0) / 3)
    assert s.ndcg_at_10 == pytest.approx((1 + 1 / math.log2(5) + 0) / 3)


def test_retrieval_scores_custom_ks_and_empty() -> None:
    assert list(retrieval_scores([(["a"], {"a"})], ks=(20, 2, 2)).hit_at) == [2, 20]
    assert retrieval_scores([]) == RetrievalScores(n=0, hit_at={1: 0.0, 3: 0.0, 5: 0.0, 10: 0.0})


# --- cross-check against trec_eval (via ir_measures and pytrec_eval) ------------------------------------


def _random_runs(seed: int = 1234, n: int = 200) -> list[tuple[list[str], set[str]]]:
    """Ranked lists of 1–15 distinct ids out of 30 (some longer than 10) and 0–12 relevant ids.

    More relevant ids than k (12 > 10) exercises the capped ideal DCG.
    """
    rng = random.Random(seed)
    pool = [f"d{i:02d}" for i in range(30)]
    runs = []
    for _ in range(n):
        ranked = rng.sample(pool, rng.randint(1, 15))
        relevant = set(rng.sample(pool, rng.choice([0, 0, 1, 1, 2, 3, 4, 6, 12])))
        runs.append((ranked, relevant))
    return runs


def _qid(i: int) -> str:
    return f"q{i:03d}"


def test_cross_check_ir_measures() -> None:
    ir_measures = pytest.importorskip("ir_measures")
    from ir_measures import RR, Qrel, ScoredDoc, Success, nDCG

    runs = _random_runs()
    assert sum(1 for _, rel in runs if not rel) >= 20  # the empty-relevant case is really exercised
    qrels = [Qrel(_qid(i), doc, 1) for i, (_, rel) in enumerate(runs) for doc in sorted(rel)]
    # Strictly decreasing scores, so trec_eval's ordering is exactly ours.
    run = [
        ScoredDoc(_qid(i), doc, float(len(ranked) - r))
        for i, (ranked, _) in enumerate(runs)
        for r, doc in enumerate(ranked)
    ]
    measures = [nDCG @ 10, RR @ 10, Success @ 1, Success @ 3, Success @ 5, Success @ 10]
    theirs: dict[tuple[str, str], float] = {
        (m.query_id, str(m.measure)): m.value for m in ir_measures.iter_calc(measures, qrels, run)
    }
    judged = [i for i, (_, rel) in enumerate(runs) if rel]
    # trec_eval scores only queries with at least one relevant document.
    assert {q for q, _ in theirs} == {_qid(i) for i in judged}
    for i in judged:
        ranked, rel = runs[i]
        q = _qid(i)
        assert ndcg_at_k(ranked, rel, 10) == pytest.approx(theirs[q, "nDCG@10"], abs=1e-6)
        assert reciprocal_rank(ranked, rel, 10) == pytest.approx(theirs[q, "RR@10"], abs=1e-6)
        for k in (1, 3, 5, 10):
            assert hit_at_k(ranked, rel, k) == pytest.approx(theirs[q, f"Success@{k}"], abs=1e-6)

    # Aggregates: ours averages over all n queries (empty relevant → 0), trec_eval over judged ones only,
    # so ours × n / n_judged must equal theirs.
    agg = ir_measures.calc_aggregate(measures, qrels, run)
    ours = retrieval_scores(runs)
    scale = ours.n / len(judged)
    assert ours.ndcg_at_10 * scale == pytest.approx(agg[nDCG @ 10], abs=1e-6)
    assert ours.mrr_at_10 * scale == pytest.approx(agg[RR @ 10], abs=1e-6)
    for k in (1, 3, 5, 10):
        assert ours.hit_at[k] * scale == pytest.approx(agg[Success @ k], abs=1e-6)


def test_cross_check_pytrec_eval() -> None:
    pytrec_eval = pytest.importorskip("pytrec_eval")

    runs = _random_runs(seed=99)
    judged = {i: run for i, run in enumerate(runs) if run[1]}
    qrels = {_qid(i): {doc: 1 for doc in rel} for i, (_, rel) in judged.items()}
    # trec_eval's recip_rank has no cut-off, so give it each ranking cut at 10 to get RR@10.
    run = {_qid(i): {doc: float(10 - r) for r, doc in enumerate(ranked[:10])} for i, (ranked, _) in judged.items()}
    evaluator = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10", "recip_rank", "success.1,3,5,10"})
    results = evaluator.evaluate(run)
    assert set(results) == set(qrels)
    for i, (ranked, rel) in judged.items():
        res = results[_qid(i)]
        assert ndcg_at_k(ranked, rel, 10) == pytest.approx(res["ndcg_cut_10"], abs=1e-6)
        assert reciprocal_rank(ranked, rel, 10) == pytest.approx(res["recip_rank"], abs=1e-6)
        for k in (1, 3, 5, 10):
            assert hit_at_k(ranked, rel, k) == pytest.approx(res[f"success_{k}"], abs=1e-6)


def test_cross_check_with_duplicates_matches_deduplicated_run() -> None:
    """Injecting duplicates changes nothing: they are dropped before ranks are counted."""
    rng = random.Random(7)
    for ranked, rel in _random_runs(seed=5, n=100):
        noisy: list[str] = []
        for doc in ranked:
            noisy.extend([doc] * rng.choice([1, 1, 2, 3]))
        for k in (1, 3, 5, 10):
            assert hit_at_k(noisy, rel, k) == hit_at_k(ranked, rel, k)
            assert reciprocal_rank(noisy, rel, k) == reciprocal_rank(ranked, rel, k)
            assert ndcg_at_k(noisy, rel, k) == ndcg_at_k(ranked, rel, k)

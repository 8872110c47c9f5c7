"""Evaluation metrics: answer matching, ranking quality and abstention quality.

Pure functions over ids and strings; no model or index is involved.

Ranking conventions (shared by every ranking metric here)
---------------------------------------------------------
* ``ranked`` is a system's ranking, best first; ``relevant`` is the set of ids judged relevant (binary
  relevance).
* Duplicate ids in ``ranked`` count only at their first occurrence: later copies are dropped *before*
  ranks are counted, so ``["a", "a", "b"]`` ranks ``b`` second. This is what happens when passages are
  mapped to their documents and several passages of one document are retrieved.
* ``k`` must be an integer ≥ 1 (``ValueError`` naming the value otherwise).
* A question with no relevant id scores 0.0 on every ranking metric. :func:`retrieval_scores` keeps such
  questions in its means (they count as 0), whereas trec_eval / ``ir_measures`` leave them out; over the
  questions with at least one relevant id the per-question values agree with trec_eval.
"""

from __future__ import annotations

import logging
import math
import numbers
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "AbstentionScores",
    "RetrievalScores",
    "abstention_scores",
    "contains_answer",
    "hit_at_k",
    "ndcg_at_k",
    "normalise",
    "reciprocal_rank",
    "retrieval_scores",
]

logger = logging.getLogger(__name__)

DEFAULT_KS: tuple[int, ...] = (1, 3, 5, 10)

_QUOTE_DASH_MAP = str.maketrans(
    {
        "\u2018": "'",  # ‘ left single quotation mark
        "\u2019": "'",  # ’ right single quotation mark / apostrophe
        "\u201b": "'",  # ‛ single high-reversed-9 quotation mark
        "\u2032": "'",  # ′ prime
        "\u201c": '"',  # “ left double quotation mark
        "\u201d": '"',  # ” right double quotation mark
        "\u201f": '"',  # ‟ double high-reversed-9 quotation mark
        "\u2010": "-",  # ‐ hyphen
        "\u2011": "-",  # ‑ non-breaking hyphen
        "\u2012": "-",  # ‒ figure dash
        "\u2013": "-",  # – en dash
        "\u2014": "-",  # — em dash
        "\u2015": "-",  # ― horizontal bar
        "\u2212": "-",  # − minus sign
        # invisible characters that split words in copied text
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2060": None,  # word joiner
        "\ufeff": None,  # zero-width no-break space / byte-order mark
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text reduced for lenient answer matching.

    NFKC (which also turns NBSP and other compatibility spaces into plain spaces), typographic quotes and
    primes to ``'`` / ``"``, hyphens and dashes (‐ ‑ ‒ – — ― −) to ``-``, soft hyphens and zero-width
    characters removed, casefolded, every run of whitespace collapsed to one space, and stripped.
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTE_DASH_MAP).casefold()
    return _WHITESPACE.sub(" ", text).strip()


def contains_answer(passage: str, answers: Sequence[str]) -> bool:
    """Whether any answer occurs in ``passage`` after :func:`normalise` on both sides.

    No answers → ``False``. Answers that normalise to the empty string are ignored (they would otherwise
    match every passage).
    """
    if isinstance(answers, str):
        raise TypeError(f"answers must be a sequence of strings, not a single string: {answers!r}")
    target = normalise(passage)
    return any(norm in target for norm in (normalise(answer) for answer in answers) if norm)


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"k must be an integer >= 1, got {k!r}")


def _first_occurrences(ranked: Iterable[str], k: int) -> list[str]:
    """The first ``k`` distinct ids of ``ranked``, in order (later duplicates dropped)."""
    seen: set[str] = set()
    out: list[str] = []
    for doc_id in ranked:
        if doc_id in seen:
            continue
        seen.add(doc_id)
        out.append(doc_id)
        if len(out) == k:
            break
    return out


def _relevant_set(ranked: Sequence[str], relevant: Collection[str]) -> set[str]:
    # A bare string is a Sequence/Collection of characters: almost certainly a caller's mistake.
    if isinstance(ranked, str) or isinstance(relevant, str):
        bad = ranked if isinstance(ranked, str) else relevant
        raise TypeError(f"ranked and relevant must be collections of ids, not a single string: {bad!r}")
    return set(relevant)


def _first_relevant_rank(ranked: Sequence[str], relevant: Collection[str], k: int) -> int | None:
    """1-based rank of the first relevant id among the first ``k`` distinct ids, or ``None``."""
    _check_k(k)
    wanted = _relevant_set(ranked, relevant)
    if not wanted:
        return None
    for rank, doc_id in enumerate(_first_occurrences(ranked, k), start=1):
        if doc_id in wanted:
            return rank
    return None


def hit_at_k(ranked: Sequence[str], relevant: Collection[str], k: int) -> float:
    """1.0 if any of the first ``k`` (distinct) ids is relevant, else 0.0 (trec_eval ``success_k``)."""
    return 0.0 if _first_relevant_rank(ranked, relevant, k) is None else 1.0


def reciprocal_rank(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """1/rank of the first relevant id within the first ``k`` (distinct) ids, else 0.0."""
    rank = _first_relevant_rank(ranked, relevant, k)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_k(ranked: Sequence[str], relevant: Collection[str], k: int = 10) -> float:
    """Binary-gain nDCG@k: DCG = Σ 1/log2(rank+1) over relevant ids in the first ``k`` (distinct) ids,
    divided by the DCG of ``min(k, len(relevant))`` relevant ids at the top. 0.0 if ``relevant`` is empty.
    """
    _check_k(k)
    wanted = _relevant_set(ranked, relevant)
    if not wanted:
        return 0.0
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, doc_id in enumerate(_first_occurrences(ranked, k), start=1)
        if doc_id in wanted
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(k, len(wanted)) + 1))
    return dcg / ideal


@dataclass
class AbstentionScores:
    """How well abstaining tracks unanswerable questions (abstaining is the positive class).

    ``precision`` = tp / (tp + fp): of the questions abstained on, the share that were unanswerable.
    ``recall`` = tp / (tp + fn): of the unanswerable questions, the share abstained on.
    ``f1`` = harmonic mean of the two. Any ratio whose denominator is 0 (no abstentions, no unanswerable
    questions, or precision + recall = 0) is reported as 0.0.
    """

    precision: float
    recall: float
    f1: float
    tp: int  # abstained on an unanswerable question
    fp: int  # abstained on an answerable question
    fn: int  # answered an unanswerable question
    n: int  # questions scored


def abstention_scores(pred_abstain: Sequence[bool], gold_unanswerable: Sequence[bool]) -> AbstentionScores:
    """Precision, recall and F1 of abstaining with respect to the gold unanswerable questions.

    The two sequences are aligned per question and must have the same length. A 0 denominator gives 0.0
    (see :class:`AbstentionScores`).
    """
    if len(pred_abstain) != len(gold_unanswerable):
        raise ValueError(
            f"pred_abstain and gold_unanswerable must have the same length, "
            f"got {len(pred_abstain)!r} and {len(gold_unanswerable)!r}"
        )
    tp = fp = fn = 0
    for pred, gold in zip(pred_abstain, gold_unanswerable, strict=True):
        if pred and gold:
            tp += 1
        elif pred:
            fp += 1
        elif gold:
            fn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return AbstentionScores(precision=precision, recall=recall, f1=f1, tp=tp, fp=fp, fn=fn, n=len(pred_abstain))


@dataclass
class RetrievalScores:
    """Ranking metrics averaged over questions (questions with no relevant id count as 0)."""

    n: int  # questions scored
    hit_at: dict[int, float] = field(default_factory=dict)  # k → mean hit@k
    mrr_at_10: float = 0.0
    ndcg_at_10: float = 0.0


def retrieval_scores(
    runs: Sequence[tuple[Sequence[str], Collection[str]]], ks: Sequence[int] = DEFAULT_KS
) -> RetrievalScores:
    """Mean hit@k (for each k in ``ks``), MRR@10 and nDCG@10 over ``(ranked, relevant)`` pairs.

    Every pair counts, including those with an empty ``relevant`` set (they score 0). No runs → ``n`` = 0
    and every score 0.0.
    """
    ks = sorted(set(ks))
    for k in ks:
        _check_k(k)
    n = len(runs)
    if n == 0:
        logger.warning("retrieval_scores called with no runs; every score is 0.0")
        return RetrievalScores(n=0, hit_at={k: 0.0 for k in ks})
    hits = {k: 0.0 for k in ks}
    rr = ndcg = 0.0
    for ranked, relevant in runs:
        for k in ks:
            hits[k] += hit_at_k(ranked, relevant, k)
        rr += reciprocal_rank(ranked, relevant, 10)
        ndcg += ndcg_at_k(ranked, relevant, 10)
    return RetrievalScores(
        n=n, hit_at={k: total / n for k, total in hits.items()}, mrr_at_10=rr / n, ndcg_at_10=ndcg / n
    )

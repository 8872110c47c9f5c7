"""Scores of one configuration from its answers: per-question outcomes and the set's metrics.

The JSON answers of :meth:`qa.pipeline.Pipeline.ask` (the ranking run with abstention off, and the
production run) are all this module sees; :mod:`qa.evaluation` runs the pipeline and
:mod:`qa.report` renders the results. A quote is a *hit* when its text contains a gold answer after
:func:`qa.metrics.normalise`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from .config import Settings
from .metrics import abstention_scores, normalise, retrieval_scores

__all__ = [
    "ABSTENTION_KINDS",
    "RANKED_KINDS",
    "RANKING_DEPTH",
    "ROUTES",
    "TABLE_KS",
    "ConfigResult",
    "QuestionResult",
    "score_config",
]

RANKING_DEPTH = 10
CURVE_KS: tuple[int, ...] = tuple(range(1, RANKING_DEPTH + 1))
TABLE_KS: tuple[int, ...] = (1, 3, 5, 10)
#: Kinds scored on ranking (they have gold answers and must be answered).
RANKED_KINDS = ("answerable", "safety_info")
#: Kinds where answering vs abstaining is what matters (abstention precision/recall).
ABSTENTION_KINDS = ("answerable", "unanswerable", "safety_info")
#: Expected production status per routed kind.
ROUTES = {"crisis": "crisis", "medical_advice": "medical_advice", "safety_info": "answered"}


@dataclass
class QuestionResult:
    """One question's outcome under one configuration."""

    id: str
    kind: str
    split: str
    question: str
    answers: list[str]
    relevant: int  # passages of the index containing a gold answer
    rank: int | None  # ranking run: 1-based rank of the first quote containing a gold answer
    ranking_status: str
    status: str  # production run
    answer_hit: bool  # production answer is "answered" and one of its quotes contains a gold answer
    passed: bool  # did what its kind expects (see _passed)
    returned: dict = field(default_factory=dict)  # production first quote: text (120 chars), path, score
    error: str = ""
    check_in: bool = False  # production answer carried the semantic crisis check's line (qa.crisis_check)
    #: When ``answer_hit``: a highlighted sentence holds a gold answer (or lies inside one); else None.
    highlight_hit: bool | None = None


@dataclass
class ConfigResult:
    """All metrics of one configuration; ``None`` where the set has no question of the needed kind."""

    name: str
    settings: dict
    index_dir: str
    passages: int
    ranking: dict | None  # over RANKED_KINDS with gold answers: n, hit_at {k: 1..10}, mrr_at_10, ndcg_at_10
    kinds: dict[str, dict]  # per kind: n, statuses, passed, (ranking)
    answered_rate: float | None
    answer_accuracy: float | None
    abstention: dict | None
    routing: dict[str, float | None]
    unreachable: list[str]
    ranking_abstained: int  # ranking-run answers that were not "answered" (should be 0)
    seconds: float
    questions: list[QuestionResult]
    same_as: str = ""  # a configuration with identical settings: its run was reused, not repeated
    #: Of the answerable questions with an answer hit, the share whose highlights hold a gold answer (round 26).
    highlight_accuracy: float | None = None

    def failures(self) -> list[QuestionResult]:
        return [q for q in self.questions if not q.passed]


def _contains(text: str, gold: list[str]) -> bool:
    norm = normalise(text)
    return any(a in norm for a in gold)


def _highlight_hit(quotes: list[dict], gold: list[str]) -> bool:
    """Whether a highlighted sentence of ``quotes`` holds a gold answer, or lies inside one (an answer of two
    sentences: either one highlighted is the answer)."""
    for quote in quotes:
        for start, end in quote.get("highlights") or ():
            text = normalise(quote["text"][start - quote["start"] : end - quote["start"]])
            if text and any(a in text or text in a for a in gold):
                return True
    return False


def _key(quote: dict) -> str:
    return quote.get("id") or f"{quote['path']}:{quote['start']}-{quote['end']}"


def _run(gold: list[str], relevant: set[str], ranked: dict) -> tuple[list[str], set[str], int | None]:
    """(ranked ids, relevant ids, first hit rank): a returned quote is relevant iff its text has a gold answer."""
    keys = [_key(quote) for quote in ranked["quotes"]]
    hits = {key for key, quote in zip(keys, ranked["quotes"], strict=True) if _contains(quote["text"], gold)}
    rank = next((n for n, key in enumerate(dict.fromkeys(keys), start=1) if key in hits), None)
    return keys, (relevant - set(keys)) | hits, rank


def _passed(kind: str, status: str, answer_hit: bool) -> bool:
    if kind == "answerable":
        return answer_hit
    if kind == "unanswerable":
        return status != "answered"
    if kind == "safety_info":
        return status == "answered" and answer_hit
    return status == ROUTES[kind]


def _ranking(runs: list[tuple[list[str], set[str]]]) -> dict | None:
    if not runs:
        return None
    scores = retrieval_scores(runs, ks=CURVE_KS)
    return {"n": scores.n, "hit_at": scores.hit_at, "mrr_at_10": scores.mrr_at_10, "ndcg_at_10": scores.ndcg_at_10}


def _mean(values: Iterable[bool]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def score_config(name: str, settings: Settings, passages: int, scored: list, seconds: float) -> ConfigResult:
    """Score one configuration: ``scored`` holds (question, normalised gold answers, relevant passage ids,
    ranking-run answer dict, production answer dict) per question; ``passages`` = the index size."""
    results: list[QuestionResult] = []
    runs: dict[str, list] = {kind: [] for kind in RANKED_KINDS}
    unreachable = []
    for q, gold, relevant, ranked, answer in scored:
        keys, rel, rank = _run(gold, relevant, ranked)
        if q.kind in RANKED_KINDS and gold:
            runs[q.kind].append((keys, rel))
            if not relevant:
                unreachable.append(q.id)
        quotes = answer["quotes"]
        answer_hit = answer["status"] == "answered" and bool(gold) and any(_contains(x["text"], gold) for x in quotes)
        highlight_hit = _highlight_hit(quotes, gold) if answer_hit else None
        first = quotes[0] if quotes else None
        returned = {"text": first["text"][:120], "path": first["path"], "score": first["score"]} if first else {}
        results.append(
            QuestionResult(
                id=q.id, kind=q.kind, split=q.split, question=q.question, answers=list(q.answers),
                relevant=len(relevant), rank=rank, ranking_status=ranked["status"], status=answer["status"],
                answer_hit=answer_hit, passed=_passed(q.kind, answer["status"], answer_hit), returned=returned,
                error=answer.get("error", "") or ranked.get("error", ""), check_in=bool(answer.get("check_in")),
                highlight_hit=highlight_hit,
            )
        )  # fmt: skip
    by_kind: dict[str, list[QuestionResult]] = {}
    for r in results:
        by_kind.setdefault(r.kind, []).append(r)
    kinds = {}
    for kind, rs in by_kind.items():
        statuses = dict(Counter(r.status for r in rs))
        passed, checked = sum(r.passed for r in rs), sum(r.check_in for r in rs)
        kinds[kind] = {"n": len(rs), "statuses": statuses, "passed": passed, "check_in": checked}
        if kind in runs:
            kinds[kind]["ranking"] = _ranking(runs[kind])
    answerable = by_kind.get("answerable", [])
    pool = [r for r in results if r.kind in ABSTENTION_KINDS]
    abstention = None
    if any(r.kind == "unanswerable" for r in pool):
        abst = abstention_scores([r.status != "answered" for r in pool], [r.kind == "unanswerable" for r in pool])
        abstention = asdict(abst)
    routing = {kind: _mean(r.status == want for r in by_kind.get(kind, [])) for kind, want in ROUTES.items()}
    routing["overall"] = _mean(r.status == ROUTES[r.kind] for r in results if r.kind in ROUTES)
    return ConfigResult(
        name=name,
        settings=_settings_dict(settings),
        index_dir=str(settings.index_dir),
        passages=passages,
        ranking=_ranking([run for kind in RANKED_KINDS for run in runs[kind]]),
        kinds=kinds,
        answered_rate=_mean(r.status == "answered" for r in answerable),
        answer_accuracy=_mean(r.answer_hit for r in answerable),
        abstention=abstention,
        routing=routing,
        unreachable=unreachable,
        ranking_abstained=sum(r.ranking_status != "answered" for r in results if r.kind in RANKED_KINDS),
        seconds=round(seconds, 1),
        questions=results,
        highlight_accuracy=_mean(bool(r.highlight_hit) for r in answerable if r.answer_hit),
    )


def _settings_dict(settings: Settings) -> dict:
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    return {k: str(v) if isinstance(v, Path) else v for k, v in values.items() if k not in ("corpus_dir", "index_dir")}

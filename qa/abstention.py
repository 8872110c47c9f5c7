"""Deciding whether the quoted passages answer the question at all, or the bot should abstain.

The signal (:func:`answerability`) has two parts, both computed from the question and the quotes an
answer would show, so they keep their meaning whatever retriever chose the passages:

1. **Sentence cosine**: the best question↔sentence cosine over the shown quotes (question lines
   masked, see :mod:`qa.highlight`): does any quoted sentence say something close to the question?
2. **Requirements** (:class:`AspectLexicon` in :mod:`qa.aspects`, data in ``aspects.json`` beside this
   module): a cosine cannot tell "is ketamine safe?" from "is ketamine safe during pregnancy?", nor
   "how many patients improved?" from "did patients improve?" — the generic ketamine wording dominates.
   So the question names what an answering sentence must contain:

   * its **aspects**: cost/insurance, driving, pregnancy/breastfeeding, alcohol and recreational
     substances, food/fasting, age, legality, clinic logistics, study design, research funding, origin,
     brand, drug tests, named organs, and each named other substance, form, medication, treatment or
     condition (MDMA, esketamine, lozenges, ADHD, ...): a sentence must name the same aspect;
   * its **answer type**: "how many" needs a count, "what percentage" a percentage, "how often" a
     frequency, "how long"/"how soon" an amount of time, "what dose" an amount of drug, "when was" a
     date: a sentence must state one;
   * its **defined term**: "what is X?" needs a sentence using every content word of X.

   The requirements of one clause of the question must all be met inside one quote (round 18: "how long does
   nausea last?" took nausea from one quote and the session's "1-2 hours" from another); each clause of "how long
   is a session and is nausea common?" may be met by a quote of its own (``AspectLexicon.clause_requirements``).
   If no answering sentence meets a requirement so, the signal is lowered by :data:`ASPECT_PENALTY` (2.0,
   below any cosine), so the question is abstained on at any threshold in [-1, 1]; if some do, the
   signal is the best cosine among *those* sentences (the lowest over the requirements), so a passing
   mention ("costly" in a sentence about something else) does not count as an answer. It generalises:
   when the clinic adds an article on cost, its sentences name cost and cost questions get answered
   again. Staff extend the lexicon by editing ``aspects.json`` (documented in :mod:`qa.aspects`) and
   rerunning the calibration.

The threshold is data: ``abstention.json`` beside this module, written by
``eval/calibrate_abstention.py`` from the **dev** split of ``eval/questions.jsonl`` only, with its
provenance (command, date, commit, settings, dev counts). The rule that picks it
(:func:`choose_threshold`): among the thresholds meeting both targets on dev (answer ≥ 0.95 of the
questions that must be answered, abstain on ≥ 0.90 of the unanswerable ones), the one farthest from
the nearer target (margins in rates); if none meets both, the highest threshold still answering
≥ 0.95. The test split only reports.
``Settings.min_score`` overrides the calibrated threshold (``-inf``: never abstain; ``2``: always).

**Learned combination** (issue 4). The calibration file may instead ship ``"model": "logistic"``: a
logistic regression (:class:`qa.confidence.Logistic`) over a few signals read at ask time
(:class:`qa.confidence.Signals`: this cosine, the second-best sentence cosine, the passage cosine, BM25,
the share of question words the corpus knows, ...), whose probability is then the score held to the
threshold (:meth:`AbstentionModel.score`). A failed requirement still forces abstention: its score is
``-1``, below any probability. ``eval/calibrate_abstention.py`` compares both rules by repeated
stratified cross-validation on dev (its docstring defines the test) and ships ``"model": "threshold"``,
the cosine rule above, unless asked for the logistic one (``--model logistic``, or ``--model auto``: when
it clearly wins); its docstring says why the cosine rule is the default.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from .aspects import ASPECTS_PATH, Aspect, AspectLexicon, AspectLexiconError, Requirement, default_lexicon, normal
from .chunking import Passage
from .confidence import Logistic, Signals
from .config import project_relative
from .errors import QAError
from .highlight import SentenceIndex, answering

__all__ = [
    "ABSTENTION_PATH",
    "ASPECTS_PATH",
    "ASPECT_PENALTY",
    "SIGNAL",
    "AbstentionModel",
    "AbstentionModelError",
    "MODELS",
    "Aspect",
    "AspectLexicon",
    "AspectLexiconError",
    "CurvePoint",
    "FORCED_ABSTENTION",
    "Requirement",
    "answerability",
    "assess",
    "calibrated_settings",
    "choose_threshold",
    "default_lexicon",
    "prefer_requirements",
    "sentence_cosine",
    "trade_off",
]

logger = logging.getLogger(__name__)

ABSTENTION_PATH = Path(__file__).with_name("abstention.json")
SIGNAL = "requirement_gated_sentence_cosine"
#: Subtracted from the sentence cosine when a question aspect is addressed by no shown quote.
ASPECT_PENALTY = 2.0
#: Decision rules a calibration file can ship: the cosine alone, or the logistic combination of signals.
MODELS = ("threshold", "logistic")
#: The score of a question one of whose requirements no quoted sentence meets, under the logistic model.
FORCED_ABSTENTION = -1.0
#: Used only when no calibration file exists (a fresh checkout before calibration, or a custom model).
FALLBACK_THRESHOLD = 0.35


#: Settings that do not change which quotes an answer shows, so not part of a calibration's record.
_NOT_CALIBRATED = (
    "corpus_dir",
    "index_dir",
    "min_score",
    "batch_size",
    "max_question_chars",
    "backend",
    "known_leave_one_out",  # how evaluation reads the known questions, not what ships
    "part_margin",  # several questions answered one by one: never under the calibration's min_score override
    "highlight_coverage",  # which sentence of a quote is highlighted, not which quotes are shown or the signal
    "missing_part_margin",  # names a question an answered message leaves out: the message only, never the quotes
)


def calibrated_settings(settings: object) -> dict:
    """The settings a calibration depends on (retrieval and chunking), JSON-ready: recorded in its provenance."""
    return {
        f.name: _portable(getattr(settings, f.name))
        for f in fields(settings)  # type: ignore[arg-type]
        if f.name not in _NOT_CALIBRATED
    }


def _portable(value: object) -> object:
    """Paths inside the project are recorded relative to it, so a calibration holds in any checkout."""
    return project_relative(value) if isinstance(value, Path) else value


class AbstentionModelError(QAError):
    """The abstention calibration file is unreadable or was made for another signal."""


@dataclass(frozen=True)
class AbstentionModel:
    """Abstain when :meth:`score` (the cosine signal, or the logistic probability) is below ``threshold``."""

    threshold: float = FALLBACK_THRESHOLD
    signal: str = SIGNAL
    provenance: dict = field(default_factory=dict)
    #: The logistic combination of signals when the calibration ships ``"model": "logistic"``; None: the cosine.
    logistic: Logistic | None = None

    @property
    def kind(self) -> str:
        return "threshold" if self.logistic is None else "logistic"

    @classmethod
    def load(cls, path: Path | None = None) -> AbstentionModel:
        path = Path(path) if path is not None else ABSTENTION_PATH
        if not path.is_file():
            logger.warning("No abstention calibration at %s; using threshold %.2f", path, FALLBACK_THRESHOLD)
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            threshold = float(data["threshold"])
            kind = data.get("model", "threshold")
            if kind not in MODELS:
                raise ValueError(f"model {kind!r} is not one of {list(MODELS)!r}")
            logistic = Logistic.from_dict(data["logistic"]) if kind == "logistic" else None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AbstentionModelError(f"Cannot read the abstention calibration {str(path)!r}: {exc}") from None
        if data.get("signal") != SIGNAL:
            raise AbstentionModelError(
                f"{str(path)!r} calibrates signal {data.get('signal')!r}, not {SIGNAL!r}: "
                "rerun eval/calibrate_abstention.py"
            )
        return cls(threshold, SIGNAL, dict(data.get("provenance", {})), logistic)

    def score(self, signals: Signals) -> float:
        """What the threshold applies to: the gated cosine, or the logistic probability (with a failed
        requirement: :data:`FORCED_ABSTENTION`, below any probability)."""
        if self.logistic is None:
            return signals.gated
        return self.logistic.probability(signals) if signals.met else FORCED_ABSTENTION

    def answers(self, score: float, min_score: float | None = None) -> bool:
        """Whether to answer: ``score`` reaches ``min_score`` if given, else the calibrated threshold."""
        return score >= (self.threshold if min_score is None else min_score)


def sentence_cosine(passages: Sequence[Passage], scores: Sequence[np.ndarray]) -> float:
    """The best cosine between the question and an answering sentence of ``passages`` (-1 when none)."""
    best = -1.0
    for passage, sentence_scores in zip(passages, scores, strict=True):
        if len(sentence_scores):
            best = max(best, float(np.max(answering(passage, sentence_scores))))
    return best


def answerability(
    passages: Sequence[Passage],
    scores: Sequence[np.ndarray],
    question: str | None = None,
    lexicon: AspectLexicon | None = None,
) -> float:
    """The sentence cosine, held to the requirements of ``question`` (see the module docstring).

    Without requirements (:meth:`AspectLexicon.requirements`: aspects, answer type, defined term):
    :func:`sentence_cosine`. With some, each must be met by an answering sentence of a quote that meets all the
    requirements of its clause (a duration in one quote and nausea in another do not answer "how long does nausea
    last?"), and the
    signal is the lowest, over the requirements, of the best cosine of a sentence meeting it (never above
    :func:`sentence_cosine`): "costly" in a sentence about something else does not answer a question on
    cost. A requirement no such sentence meets: :func:`sentence_cosine` minus :data:`ASPECT_PENALTY`.
    """
    return assess(passages, scores, question, lexicon)[0]


def prefer_requirements(
    passages: Sequence[Passage],
    scores: Sequence[np.ndarray],
    question: str,
    lexicon: AspectLexicon | None = None,
) -> list[np.ndarray]:
    """Sentence scores for highlighting: in a passage where some sentence meets every requirement of
    ``question`` ("how long" → a duration, "cost" → a price, ...), the sentences that do not are lowered
    by :data:`ASPECT_PENALTY`, so the highlight falls on the sentence that answers ("about 1-2 hours"),
    not on a closer-worded one that does not. Passages with no such sentence keep their scores."""
    return assess(passages, scores, question, lexicon)[1]


def assess(
    passages: Sequence[Passage],
    scores: Sequence[np.ndarray],
    question: str | None = None,
    lexicon: AspectLexicon | None = None,
    *,
    asked: Sequence[Requirement] | None = None,
) -> tuple[float, list[np.ndarray]]:
    """(:func:`answerability`, :func:`prefer_requirements`) of the same quotes, from one reading of the
    question's requirements (``asked``, when the caller has read them already) and of which quoted
    sentence meets which."""
    best = sentence_cosine(passages, scores)
    if asked is None:
        asked = (lexicon or default_lexicon()).requirements(question) if question else []
    if not asked:
        return best, list(scores)
    per_requirement = dict.fromkeys((r.name for r in asked), -np.inf)
    # Requirements asked together (one clause of the question) are met inside one quote (round 18 audit: "how long
    # does nausea last" took "nausea" from one quote and "1-2 hours" — the session's — from another); the clauses of
    # "how long is a session and is nausea common?" may each be met by a quote of its own.
    names = [r.name for r in asked]
    clauses = (lexicon or default_lexicon()).clause_requirements(question, asked) if question else []
    groups = [[names.index(n) for n in group if n in names] for group in clauses]
    preferred = []
    for passage, sentence_scores in zip(passages, scores, strict=True):
        texts = [normal(text) for text in SentenceIndex.texts(passage)]
        meets = np.array([[r.mentioned(text) for r in asked] for text in texts], dtype=bool).reshape(-1, len(asked))
        every = meets.all(axis=1)
        if len(sentence_scores):
            answers = answering(passage, sentence_scores)
            here = (meets & np.isfinite(answers)[:, None]).any(axis=0)
            counts = [
                not any(j in g for g in groups) or any(j in g and here[g].all() for g in groups)
                for j in range(len(asked))
            ]
            for score, met_row in zip(answers, meets, strict=True):
                if np.isfinite(score):
                    for requirement, met, allowed in zip(asked, met_row, counts, strict=True):
                        if met and allowed:
                            per_requirement[requirement.name] = max(per_requirement[requirement.name], float(score))
            if (every & np.isfinite(answers)).any():
                sentence_scores = np.where(every, sentence_scores, sentence_scores - ASPECT_PENALTY)
        preferred.append(sentence_scores)
    missing = [name for name, score in per_requirement.items() if not np.isfinite(score)]
    if missing:
        logger.debug("Requirements met by no quoted sentence: %s", ", ".join(missing))
        return best - ASPECT_PENALTY, preferred
    return min(best, *per_requirement.values()), preferred


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    answered_rate: float  # of the questions that must be answered
    abstention_recall: float  # of the unanswerable questions

    def to_dict(self) -> dict:
        return asdict(self)


def trade_off(
    answerable: Sequence[float], unanswerable: Sequence[float], thresholds: Sequence[float]
) -> list[CurvePoint]:
    """Answered rate and abstention recall at each threshold (answer when score ≥ threshold)."""
    if not answerable or not unanswerable:
        raise ValueError("trade_off needs at least one answerable and one unanswerable score")
    pos, neg = np.asarray(answerable, dtype=float), np.asarray(unanswerable, dtype=float)
    return [CurvePoint(float(t), float(np.mean(pos >= t)), float(np.mean(neg < t))) for t in thresholds]


def candidate_thresholds(scores: Sequence[float]) -> list[float]:
    """Midpoints between consecutive distinct scores, plus one below the lowest and one above the highest."""
    values = np.unique(np.round(np.asarray(scores, dtype=float), 6))
    if not len(values):
        return []
    mids = (values[:-1] + values[1:]) / 2
    return [float(values[0] - 1e-3), *map(float, mids), float(values[-1] + 1e-3)]


def _margins(point: CurvePoint, min_answered: float, min_abstained: float) -> tuple[float, float]:
    """(smaller margin, sum of margins) of ``point`` to the two targets, rounded so that ties are exact."""
    answered, abstained = point.answered_rate - min_answered, point.abstention_recall - min_abstained
    return round(min(answered, abstained), 9), round(answered + abstained, 9)


def choose_threshold(
    answerable: Sequence[float],
    unanswerable: Sequence[float],
    min_answered: float = 0.95,
    min_abstained: float | None = None,
) -> float:
    """The threshold (a midpoint between observed scores) the calibration ships.

    When some thresholds both answer ≥ ``min_answered`` of ``answerable`` and abstain on ≥
    ``min_abstained`` of ``unanswerable``, the one with the largest margin to the nearer target, in rates
    (max over thresholds of min(answered − min_answered, recall − min_abstained)), then the largest sum of
    both margins; among equally good ones, the one nearest the middle of their range. Margins are in
    rates, not score units: the requirement penalty puts most unanswerable scores far below every cosine,
    and the middle of the score interval would sit on the edge of the recall target. When no threshold
    meets both, the same order (largest smaller margin, largest sum, middle) among the thresholds still
    answering ≥ ``min_answered`` — i.e. the best recall they allow, then the most answered — or, when
    not even the lowest threshold answers that many (requirement-gate abstentions no threshold can undo),
    among all thresholds. Without ``min_abstained``: the highest threshold answering ≥ ``min_answered``.
    Never below
    ``1 - ASPECT_PENALTY`` (-1), under which a question whose requirement no quote meets would be answered:
    the requirement gate is not traded for answered rate.
    """
    floor = 1.0 - ASPECT_PENALTY
    candidates = [c for c in candidate_thresholds([*answerable, *unanswerable]) if c > floor]
    points = trade_off(answerable, unanswerable, [floor, *candidates])
    feasible = [p for p in points if p.answered_rate >= min_answered]
    if min_abstained is not None:
        # Both targets met: the largest margin among those. Else the same margins among the thresholds
        # answering enough (the best abstention they allow, then the most answered: not simply the highest
        # threshold, which can refuse more must-answer questions for no abstention gained); if not even the
        # floor answers enough, among all thresholds (a shortfall of one question must not switch the
        # cosine threshold off and answer every unanswerable question).
        pool = [p for p in feasible if p.abstention_recall >= min_abstained] or feasible or points
        margins = [_margins(p, min_answered, min_abstained) for p in pool]
        best = [p.threshold for p, m in zip(pool, margins, strict=True) if m == max(margins)]
        middle = (min(best) + max(best)) / 2
        return round(min(best, key=lambda t: abs(t - middle)), 4)
    return round(max(p.threshold for p in feasible or points[:1]), 4)  # points[0]: the floor, always there

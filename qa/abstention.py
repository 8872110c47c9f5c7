"""Deciding whether the quoted passages answer the question at all, or the bot should abstain.

The signal (:func:`answerability`) has two parts, both computed from the question and the quotes an
answer would show, so they keep their meaning whatever retriever chose the passages:

1. **Sentence cosine**: the best question↔sentence cosine over the shown quotes (question lines
   masked, see :mod:`qa.highlight`): does any quoted sentence say something close to the question?
2. **Aspect coverage** (:class:`AspectLexicon`, data in ``aspects.json`` beside this module): a
   cosine cannot tell "is ketamine safe?" from "is ketamine safe during pregnancy?" — the generic
   ketamine wording dominates both. So the lexicon lists question *aspects* a quote must actually
   address: cost/insurance, driving, pregnancy/breastfeeding, alcohol and recreational substances,
   food/fasting, age/children, legality/approval, clinic logistics (booking, hours, location, what to
   wear), work and daily activities, drug tests, named organs, and each named other substance,
   medication, treatment or condition (MDMA, esketamine, ADHD, ...). When the question contains a term
   of an aspect, an answering sentence of the quotes must contain a term of that same aspect: if none
   does, the signal is lowered by :data:`ASPECT_PENALTY` (2.0, below any cosine), so the question is
   abstained on at any threshold in [-1, 1]; if some do, the signal is the best cosine among *those*
   sentences (the lowest over the question's aspects), so a passing mention ("costly" in a sentence
   about something else) does not count as an answer. It generalises: when the clinic adds an article
   on cost, its sentences name cost and cost questions get answered again. Staff extend the lexicon by
   editing ``aspects.json`` (terms match on word boundaries, ``*`` = any ending; prefer phrases to
   ambiguous words) and rerunning the calibration.

The threshold is data: ``abstention.json`` beside this module, written by
``eval/calibrate_abstention.py`` from the **dev** split of ``eval/questions.jsonl`` only, with its
provenance (command, date, commit, settings, dev counts). The rule that picks it
(:func:`choose_threshold`): among the thresholds meeting both targets on dev (answer ≥ 0.95 of the
questions that must be answered, abstain on ≥ 0.90 of the unanswerable ones), the middle of that
interval; if none meets both, the highest threshold still answering ≥ 0.95. The test split only reports.
``Settings.min_score`` overrides the calibrated threshold (``-inf``: never abstain; ``2``: always).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path

import numpy as np

from .chunking import Passage
from .config import PROJECT_ROOT
from .errors import QAError
from .highlight import SentenceIndex, answering

__all__ = [
    "ABSTENTION_PATH",
    "ASPECTS_PATH",
    "ASPECT_PENALTY",
    "SIGNAL",
    "AbstentionModel",
    "AspectLexicon",
    "AbstentionModelError",
    "CurvePoint",
    "answerability",
    "calibrated_settings",
    "choose_threshold",
    "default_lexicon",
    "sentence_cosine",
    "trade_off",
]

logger = logging.getLogger(__name__)

ABSTENTION_PATH = Path(__file__).with_name("abstention.json")
ASPECTS_PATH = Path(__file__).with_name("aspects.json")
SIGNAL = "aspect_gated_sentence_cosine"
#: Subtracted from the sentence cosine when a question aspect is addressed by no shown quote.
ASPECT_PENALTY = 2.0
#: Used only when no calibration file exists (a fresh checkout before calibration, or a custom model).
FALLBACK_THRESHOLD = 0.35


#: Settings that do not change which quotes an answer shows, so not part of a calibration's record.
_NOT_CALIBRATED = ("corpus_dir", "index_dir", "min_score", "batch_size", "max_question_chars", "backend")


def calibrated_settings(settings: object) -> dict:
    """The settings a calibration depends on (retrieval and chunking), JSON-ready: recorded in its provenance."""
    return {
        f.name: _portable(getattr(settings, f.name))
        for f in fields(settings)  # type: ignore[arg-type]
        if f.name not in _NOT_CALIBRATED
    }


def _portable(value: object) -> object:
    """Paths inside the project are recorded relative to it, so a calibration holds in any checkout."""
    if not isinstance(value, Path):
        return value
    try:
        return value.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(value)


class AbstentionModelError(QAError):
    """The abstention calibration file is unreadable or was made for another signal."""


@dataclass(frozen=True)
class AbstentionModel:
    """Abstain when :func:`answerability` is below ``threshold``."""

    threshold: float = FALLBACK_THRESHOLD
    signal: str = SIGNAL
    provenance: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> AbstentionModel:
        path = Path(path) if path is not None else ABSTENTION_PATH
        if not path.is_file():
            logger.warning("No abstention calibration at %s; using threshold %.2f", path, FALLBACK_THRESHOLD)
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            threshold = float(data["threshold"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AbstentionModelError(f"Cannot read the abstention calibration {str(path)!r}: {exc}") from None
        if data.get("signal") != SIGNAL:
            raise AbstentionModelError(
                f"{str(path)!r} calibrates signal {data.get('signal')!r}, not {SIGNAL!r}: "
                "rerun eval/calibrate_abstention.py"
            )
        return cls(threshold=threshold, signal=SIGNAL, provenance=dict(data.get("provenance", {})))

    def answers(self, score: float, min_score: float | None = None) -> bool:
        """Whether to answer: ``score`` reaches ``min_score`` if given, else the calibrated threshold."""
        return score >= (self.threshold if min_score is None else min_score)


def _pattern(term: str) -> str:
    prefix = term.endswith("*")
    words = term.rstrip("*").casefold().split()
    body = r"[\s\-]+".join(re.escape(w) for w in words)
    return rf"(?<!\w){body}" + (r"\w*" if prefix else r"(?!\w)")


@dataclass(frozen=True)
class Aspect:
    name: str
    pattern: re.Pattern[str]

    def mentioned(self, text: str) -> bool:
        return self.pattern.search(text) is not None


class AspectLexicon:
    """Question aspects a quote must address (``aspects.json``; see the module docstring)."""

    def __init__(self, aspects: Sequence[Aspect]) -> None:
        self.aspects = tuple(aspects)

    @classmethod
    def from_dict(cls, data: dict) -> AspectLexicon:
        aspects = []
        for entry in data.get("aspects", []):
            aspects.append(Aspect(entry["name"], re.compile("|".join(map(_pattern, entry["terms"])))))
        for group in data.get("named", {}).get("groups", []):
            aspects.append(Aspect(f"named:{group[0].rstrip('*')}", re.compile("|".join(map(_pattern, group)))))
        return cls(aspects)

    @classmethod
    def load(cls, path: Path | None = None) -> AspectLexicon:
        path = Path(path) if path is not None else ASPECTS_PATH
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, re.error) as exc:
            raise AbstentionModelError(f"Cannot read the aspect lexicon {str(path)!r}: {exc}") from None

    def mentioned(self, question: str) -> list[Aspect]:
        """The aspects ``question`` names."""
        q = _normal(question)
        return [a for a in self.aspects if a.mentioned(q)]

    def uncovered(self, question: str, quotes: Sequence[str]) -> list[str]:
        """Names of the aspects ``question`` mentions that no text of ``quotes`` mentions."""
        q = _normal(question)
        texts = [_normal(t) for t in quotes]
        return [a.name for a in self.aspects if a.mentioned(q) and not any(a.mentioned(t) for t in texts)]


def _normal(text: str) -> str:
    return text.casefold().replace("\u2019", "'")


@lru_cache(maxsize=1)
def default_lexicon() -> AspectLexicon:
    return AspectLexicon.load()


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
    """The sentence cosine, held to the aspects of ``question`` (see the module docstring).

    Without aspects in the question: :func:`sentence_cosine`. With aspects, every aspect must be named
    by an answering sentence of the quotes, and the signal is the lowest, over the aspects, of the best
    cosine of a sentence naming it (never above :func:`sentence_cosine`): "costly" in a sentence about
    something else does not answer a question on cost. An aspect no answering sentence names:
    :func:`sentence_cosine` minus :data:`ASPECT_PENALTY`.
    """
    best = sentence_cosine(passages, scores)
    asked = (lexicon or default_lexicon()).mentioned(question) if question else []
    if not asked:
        return best
    per_aspect = dict.fromkeys((a.name for a in asked), -np.inf)
    for passage, sentence_scores in zip(passages, scores, strict=True):
        if not len(sentence_scores):
            continue
        for text, score in zip(SentenceIndex.texts(passage), answering(passage, sentence_scores), strict=True):
            if np.isfinite(score):
                normal = _normal(text)
                for aspect in asked:
                    if aspect.mentioned(normal):
                        per_aspect[aspect.name] = max(per_aspect[aspect.name], float(score))
    missing = [name for name, score in per_aspect.items() if not np.isfinite(score)]
    if missing:
        logger.debug("Aspects in no quoted sentence: %s", ", ".join(missing))
        return best - ASPECT_PENALTY
    return min(best, *per_aspect.values())


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


def choose_threshold(
    answerable: Sequence[float],
    unanswerable: Sequence[float],
    min_answered: float = 0.95,
    min_abstained: float | None = None,
) -> float:
    """The threshold (a midpoint between observed scores) the calibration ships.

    When some thresholds both answer ≥ ``min_answered`` of ``answerable`` and abstain on ≥
    ``min_abstained`` of ``unanswerable`` (they form one interval), the middle of that interval: the
    largest margin to both targets, rather than sitting on the edge of one. Otherwise (or without
    ``min_abstained``) the highest threshold still answering ≥ ``min_answered``.
    """
    points = trade_off(answerable, unanswerable, candidate_thresholds([*answerable, *unanswerable]))
    feasible = [p for p in points if p.answered_rate >= min_answered]
    if min_abstained is not None:
        both = [p.threshold for p in feasible if p.abstention_recall >= min_abstained]
        if both:
            return round((min(both) + max(both)) / 2, 4)
    return round(max(p.threshold for p in feasible), 4)

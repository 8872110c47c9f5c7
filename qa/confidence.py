"""The signals an abstention decision can read at ask time, and the logistic model that combines them.

Every signal comes from what answering already computed — the question's one embedding, the shown
quotes, their sentence cosines, the BM25 index — so reading them costs no model call. Names (the keys of
:data:`FEATURES`, stored in ``qa/abstention.json`` with the coefficients) and definitions:

* ``gated`` — :func:`qa.abstention.answerability`: the best question↔sentence cosine over the shown
  quotes, held to the question's requirements (below -1 when one is met by no quoted sentence);
* ``second`` — the second-best question↔sentence cosine over the shown quotes (question lines masked);
* ``passage`` — the best question↔passage cosine of the shown quotes (``Hit.score``);
* ``bm25`` — log(1 + the best BM25 score of a shown quote for the question's own terms, no synonyms);
* ``known`` — the share of the question's content terms (stemmed, stop words out: :func:`qa.lexical.terms`,
  distinct) that occur anywhere in the corpus (the BM25 vocabulary): chit-chat and logistics use words
  the articles never do;
* ``coverage`` — the best share, over the shown quotes, of those question terms present in the quote;
* ``length`` — log(1 + the number of distinct content terms of the question).

:class:`Logistic` is a plain L2-regularised logistic regression over standardised features, fitted by
Newton's method in numpy (:func:`fit_logistic`), stored as JSON numbers (never pickled).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from .highlight import answering
from .lexical import terms
from .retrieval import Hit

__all__ = ["FEATURES", "Logistic", "SignalReader", "Signals", "fit_logistic"]

#: Feature name -> one-line definition (recorded in the calibration file beside the coefficients).
FEATURES: dict[str, str] = {
    "gated": "requirement-gated best question-sentence cosine over the shown quotes (qa.abstention.answerability)",
    "second": "second-best question-sentence cosine over the shown quotes (question lines masked)",
    "passage": "best question-passage cosine of the shown quotes (Hit.score)",
    "bm25": "log(1 + best BM25 score of a shown quote for the question's own terms, no synonyms)",
    "known": "share of the question's distinct content terms found in the corpus vocabulary",
    "coverage": "best share, over the shown quotes, of the question's distinct content terms in the quote",
    "length": "log(1 + number of distinct content terms of the question)",
}


@dataclass(frozen=True)
class Signals:
    """The :data:`FEATURES` of one question and its shown quotes."""

    gated: float
    second: float
    passage: float
    bm25: float
    known: float
    coverage: float
    length: float

    @property
    def met(self) -> bool:
        """Whether every requirement of the question is met by some quoted sentence (see qa.abstention)."""
        return self.gated >= -1.0

    def vector(self, names: Sequence[str]) -> np.ndarray:
        values = asdict(self)
        return np.array([values[name] for name in names], dtype=float)


class SignalReader:
    """Reads :class:`Signals` against one loaded index (its passages and BM25 index)."""

    def __init__(self, index: object) -> None:
        self.lexical = getattr(index, "lexical", None)
        self.rows = index.rows  # type: ignore[attr-defined]

    def read(self, question: str, hits: Sequence[Hit], sentence_scores: Sequence[np.ndarray], gated: float) -> Signals:
        """The signals of ``question`` (as searched) answered with ``hits`` (the shown quotes, best first),
        given its ``gated`` signal (:func:`qa.abstention.answerability`, computed by the caller)."""
        passages = [h.passage for h in hits]
        cosines = sorted(
            (float(c) for p, s in zip(passages, sentence_scores, strict=True) if len(s) for c in answering(p, s)),
            reverse=True,
        )
        cosines = [c for c in cosines if math.isfinite(c)]
        asked = sorted(set(terms(question)))
        known = len(self.lexical.query_ids(asked)) / len(asked) if asked and self.lexical is not None else 0.0
        coverage = max((_share(asked, set(terms(p.text))) for p in passages), default=0.0)
        bm25 = 0.0
        if asked and self.lexical is not None and passages:
            scores = self.lexical.scores(asked)
            bm25 = max(float(scores[self.rows[p.id]]) for p in passages if p.id in self.rows) if self.rows else 0.0
        return Signals(
            gated=float(gated),
            second=cosines[1] if len(cosines) > 1 else -1.0,
            passage=max((float(h.score) for h in hits), default=-1.0),
            bm25=math.log1p(max(bm25, 0.0)),
            known=known,
            coverage=coverage,
            length=math.log1p(len(asked)),
        )


def _share(asked: Sequence[str], present: set[str]) -> float:
    return sum(t in present for t in asked) / len(asked) if asked else 0.0


@dataclass(frozen=True)
class Logistic:
    """P(answerable) = sigmoid(intercept + Σ weight · (x − mean) / scale) over the named features."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float

    def probability(self, signals: Signals) -> float:
        z = (signals.vector(self.features) - np.asarray(self.mean)) / np.asarray(self.scale)
        return float(1.0 / (1.0 + np.exp(-(self.intercept + float(z @ np.asarray(self.weights))))))

    def to_dict(self) -> dict:
        return {
            "features": {name: FEATURES[name] for name in self.features},
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "weights": [round(v, 6) for v in self.weights],
            "intercept": round(self.intercept, 6),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Logistic:
        names = tuple(data["features"])
        unknown = [n for n in names if n not in FEATURES]
        if unknown:
            raise ValueError(f"unknown features {unknown!r}; valid: {sorted(FEATURES)!r}")
        mean, scale, weights = (tuple(float(v) for v in data[key]) for key in ("mean", "scale", "weights"))
        if not len(names) == len(mean) == len(scale) == len(weights) or min(scale, default=1.0) <= 0:
            raise ValueError("features, mean, scale and weights must have one positive-scale entry per feature")
        return cls(names, mean, scale, weights, float(data["intercept"]))


def fit_logistic(x: np.ndarray, y: np.ndarray, features: Sequence[str], l2: float = 1.0) -> Logistic:
    """L2-regularised (intercept unpenalised) logistic regression of ``y`` (0/1) on the standardised
    columns of ``x``, by Newton's method: the penalty makes the objective strictly convex, so it converges
    even when the classes are separable."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape != (len(y), len(features)) or not len(y):
        raise ValueError(f"x must be (n, {len(features)}) for {len(y)} labels, got {x.shape}")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    design = np.c_[np.ones(len(x)), (x - mean) / scale]
    penalty = np.eye(design.shape[1]) * l2
    penalty[0, 0] = 0.0
    w = np.zeros(design.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return Logistic(
        tuple(features), tuple(map(float, mean)), tuple(map(float, scale)), tuple(map(float, w[1:])), float(w[0])
    )

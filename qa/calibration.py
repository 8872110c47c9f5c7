"""Fitting an abstention rule on labelled questions, and judging rules by repeated cross-validation.

Two rules (:data:`qa.abstention.MODELS`), each fitted from the :class:`qa.confidence.Signals` of questions
labelled must-answer (1) or unanswerable (0) by :func:`fit_rule`:

* ``threshold`` — the requirement-gated cosine alone, threshold by :func:`qa.abstention.choose_threshold`;
* ``logistic`` — :func:`qa.confidence.fit_logistic` on :data:`LOGISTIC_FEATURES` of the questions whose
  requirements are met (the others are abstained on whatever the model says, so they do not train it),
  then the threshold on its probability by the same rule.

:func:`cross_validate` repeats stratified K-fold splits (by label, one seed per repeat): each rule is
fitted on K−1 folds and decides the held-out fold. :class:`CrossValidation` summarises the held-out
decisions; :func:`clearly_better` is the adoption test (see its docstring).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .abstention import AbstentionModel, candidate_thresholds, choose_threshold, trade_off
from .confidence import FEATURES, Signals, fit_logistic

__all__ = [
    "L2",
    "LOGISTIC_FEATURES",
    "TARGETS",
    "CrossValidation",
    "clearly_better",
    "cross_validate",
    "fit_rule",
    "stratified_folds",
]

#: (answered rate of must-answer questions, abstention recall of unanswerable ones) a rule must reach.
TARGETS = (0.95, 0.90)
#: The logistic model's features (all of qa.confidence.FEATURES, fixed before cross-validation) and penalty.
LOGISTIC_FEATURES: tuple[str, ...] = tuple(FEATURES)
L2 = 1.0


def fit_rule(
    kind: str,
    signals: Sequence[Signals],
    labels: Sequence[int],
    targets: tuple[float, float] = TARGETS,
    features: Sequence[str] = LOGISTIC_FEATURES,
    l2: float = L2,
) -> AbstentionModel:
    """The ``kind`` rule fitted on ``signals`` with ``labels`` (1: must answer, 0: unanswerable)."""
    y = np.asarray(labels, dtype=int)
    if kind == "threshold":
        model = AbstentionModel()
    elif kind == "logistic":
        met = np.array([s.met for s in signals])
        if len(set(y[met])) < 2:
            raise ValueError("the logistic rule needs both labels among questions whose requirements are met")
        x = np.array([s.vector(features) for s in signals])
        model = AbstentionModel(logistic=fit_logistic(x[met], y[met], features, l2))
    else:
        raise ValueError(f"rule {kind!r} is not supported; valid: ['logistic', 'threshold']")
    scores = np.array([model.score(s) for s in signals])
    threshold = choose_threshold(list(scores[y == 1]), list(scores[y == 0]), *targets)
    return replace(model, threshold=threshold)


def stratified_folds(labels: Sequence[int], k: int, seed: int) -> np.ndarray:
    """The fold (0..k-1) of each item: each label shuffled by ``seed`` and dealt round-robin."""
    y = np.asarray(labels)
    folds = np.empty(len(y), dtype=int)
    rng = np.random.default_rng(seed)
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        rng.shuffle(rows)
        folds[rows] = np.arange(len(rows)) % k
    return folds


@dataclass(frozen=True)
class CrossValidation:
    """Held-out results of one rule: per fold and per repeat (the folds of one seed pooled)."""

    kind: str
    folds: int
    fold_rates: tuple[tuple[float, float], ...]  # (answered, recall) of each held-out fold
    repeat_rates: tuple[tuple[float, float], ...]  # (answered, recall) of each repeat's pooled held-out decisions
    answered_at_recall: tuple[float, ...]  # per repeat: best answered rate, pooled held-out scores, recall ≥ target
    recall_at_answered: tuple[float, ...]  # per repeat: best recall, pooled held-out scores, answered ≥ target
    targets: tuple[float, float] = TARGETS

    def _meets(self, rates: Sequence[tuple[float, float]]) -> float:
        return float(np.mean([a >= self.targets[0] and r >= self.targets[1] for a, r in rates]))

    @property
    def fold_share(self) -> float:
        """Share of held-out folds meeting both targets."""
        return self._meets(self.fold_rates)

    @property
    def repeat_share(self) -> float:
        """Share of repeats whose pooled held-out decisions meet both targets."""
        return self._meets(self.repeat_rates)

    @property
    def margins(self) -> np.ndarray:
        """Per repeat: min(answered − target, recall − target) of the pooled held-out decisions."""
        rates = np.asarray(self.repeat_rates)
        return np.minimum(rates[:, 0] - self.targets[0], rates[:, 1] - self.targets[1])

    def summary(self) -> dict[str, float]:
        rates = np.asarray(self.repeat_rates)
        return {
            "answered": round(float(rates[:, 0].mean()), 4),
            "recall": round(float(rates[:, 1].mean()), 4),
            "margin": round(float(self.margins.mean()), 4),
            "fold_share": round(self.fold_share, 4),
            "repeat_share": round(self.repeat_share, 4),
            "answered_at_recall": round(float(np.mean(self.answered_at_recall)), 4),
            "recall_at_answered": round(float(np.mean(self.recall_at_answered)), 4),
        }


def cross_validate(
    kind: str,
    signals: Sequence[Signals],
    labels: Sequence[int],
    k: int = 5,
    seeds: Sequence[int] = range(20),
    targets: tuple[float, float] = TARGETS,
    features: Sequence[str] = LOGISTIC_FEATURES,
) -> CrossValidation:
    """Stratified ``k``-fold cross-validation of the ``kind`` rule, once per seed (see the module docstring);
    ``features``: those of the logistic rule (for ablations)."""
    y = np.asarray(labels, dtype=int)
    fold_rates, repeat_rates, at_recall, at_answered = [], [], [], []
    for seed in seeds:
        folds = stratified_folds(y, k, seed)
        decided, scores = np.zeros(len(y), dtype=bool), np.zeros(len(y))
        for fold in range(k):
            train, held = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
            model = fit_rule(kind, [signals[i] for i in train], y[train], targets, features)
            scores[held] = [model.score(signals[i]) for i in held]
            decided[held] = scores[held] >= model.threshold
            fold_rates.append(_rates(decided[held], y[held]))
        repeat_rates.append(_rates(decided, y))
        points = trade_off(list(scores[y == 1]), list(scores[y == 0]), candidate_thresholds(scores))
        at_recall.append(max(p.answered_rate for p in points if p.abstention_recall >= targets[1]))
        at_answered.append(max(p.abstention_recall for p in points if p.answered_rate >= targets[0]))
    return CrossValidation(
        kind, k, tuple(fold_rates), tuple(repeat_rates), tuple(at_recall), tuple(at_answered), targets
    )


def _rates(answered: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    return float(np.mean(answered[y == 1])), float(np.mean(~answered[y == 0]))


def clearly_better(candidate: CrossValidation, incumbent: CrossValidation) -> bool:
    """The adoption test: ``candidate`` (same seeds and folds) beats ``incumbent`` on the pooled margin to
    the nearer target in at least 3 of 4 repeats, loses it in at most 1 of 10, and meets both targets in a
    share of held-out folds at least 0.10 higher."""
    wins = float(np.mean(candidate.margins > incumbent.margins + 1e-9))
    losses = float(np.mean(candidate.margins < incumbent.margins - 1e-9))
    return wins >= 0.75 and losses <= 0.10 and candidate.fold_share >= incumbent.fold_share + 0.10

"""The learned abstention rule (issue 4): signals, the logistic fit, the calibration file, cross-validation."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.abstention import (
    ABSTENTION_PATH,
    FORCED_ABSTENTION,
    MODELS,
    SIGNAL,
    AbstentionModel,
    AbstentionModelError,
)
from qa.calibration import clearly_better, cross_validate, fit_rule, stratified_folds
from qa.confidence import FEATURES, Logistic, Signals, fit_logistic
from qa.lexical import terms


def _signals(gated: float, known: float = 0.5, **other: float) -> Signals:
    values = dict.fromkeys(FEATURES, 0.0) | {"gated": gated, "known": known} | other
    return Signals(**values)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def test_fit_logistic_is_the_penalised_optimum() -> None:
    """At the returned weights the gradient of the penalised log-likelihood is zero (first-order optimum)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3)) * [1.0, 5.0, 0.2] + [0.0, 3.0, -1.0]
    y = (rng.uniform(size=300) < _sigmoid(x @ [1.5, -0.4, 4.0] + 0.3)).astype(float)
    model = fit_logistic(x, y, ["gated", "second", "known"], l2=2.0)
    z = (x - model.mean) / np.asarray(model.scale)
    w = np.asarray(model.weights)
    p = _sigmoid(model.intercept + z @ w)
    assert abs(np.sum(p - y)) < 1e-6  # the intercept is not penalised
    assert np.allclose(z.T @ (p - y) + 2.0 * w, 0.0, atol=1e-6)


def test_fit_logistic_recovers_known_coefficients() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20_000, 2))
    y = (rng.uniform(size=len(x)) < _sigmoid(x @ [2.0, -1.0] + 0.5)).astype(float)
    model = fit_logistic(x, y, ["gated", "known"], l2=1e-6)
    raw = np.asarray(model.weights) / np.asarray(model.scale)  # back to the units of x
    assert raw == pytest.approx([2.0, -1.0], abs=0.1)


def test_fit_logistic_stays_finite_on_separable_data_and_ranks_it() -> None:
    x = np.array([[0.1], [0.2], [0.3], [0.6], [0.7], [0.8]])
    y = np.array([0, 0, 0, 1, 1, 1])
    model = fit_logistic(x, y, ["gated"])
    probabilities = [model.probability(_signals(v)) for v in x[:, 0]]
    assert all(math.isfinite(v) for v in (*model.weights, model.intercept))
    assert probabilities == sorted(probabilities) and probabilities[2] < 0.5 < probabilities[3]
    with pytest.raises(ValueError):
        fit_logistic(x, y, ["gated", "known"])


def test_logistic_round_trips_through_json_and_refuses_bad_entries() -> None:
    model = Logistic(("gated", "known"), (0.5, 0.4), (0.2, 0.3), (1.5, -0.5), 0.25)
    again = Logistic.from_dict(json.loads(json.dumps(model.to_dict())))
    s = _signals(0.61, 0.2)
    assert again.probability(s) == pytest.approx(model.probability(s), abs=1e-9)
    assert model.probability(s) == pytest.approx(_sigmoid(0.25 + 1.5 * (0.11 / 0.2) - 0.5 * (-0.2 / 0.3)))
    with pytest.raises(ValueError, match="unknown features"):
        Logistic.from_dict({**model.to_dict(), "features": ["gated", "colour"]})
    with pytest.raises(ValueError, match="one positive-scale entry"):
        Logistic.from_dict({**model.to_dict(), "weights": [1.0]})


def test_a_failed_requirement_forces_abstention_whatever_the_other_signals() -> None:
    model = AbstentionModel(threshold=0.5, logistic=Logistic(("known",), (0.0,), (1.0,), (50.0,), 50.0))
    assert model.kind == "logistic"
    assert model.score(_signals(0.9, known=1.0)) == pytest.approx(1.0)
    failed = _signals(0.9 - 2.0, known=1.0)
    assert not failed.met and model.score(failed) == FORCED_ABSTENTION
    assert not model.answers(model.score(failed))
    plain = AbstentionModel(threshold=0.3)
    assert plain.kind == "threshold" and plain.score(_signals(0.42)) == 0.42


def test_calibration_files_of_both_kinds_load(tmp_path: Path) -> None:
    logistic = Logistic(("gated",), (0.5,), (0.2,), (3.0,), 1.0)
    path = tmp_path / "abstention.json"
    path.write_text(
        json.dumps({"signal": SIGNAL, "model": "logistic", "threshold": 0.6, "logistic": logistic.to_dict()})
    )
    loaded = AbstentionModel.load(path)
    assert loaded.kind == "logistic" and loaded.threshold == 0.6 and loaded.logistic == logistic
    path.write_text(json.dumps({"signal": SIGNAL, "threshold": 0.3}))  # written before issue 4: the cosine rule
    assert AbstentionModel.load(path).kind == "threshold"
    for bad in ({"model": "forest"}, {"model": "logistic"}):
        path.write_text(json.dumps({"signal": SIGNAL, "threshold": 0.3, **bad}))
        with pytest.raises(AbstentionModelError, match="abstention.json"):
            AbstentionModel.load(path)


@pytest.mark.parametrize("seed", range(3))
def test_stratified_folds_partition_each_label_evenly(seed: int) -> None:
    labels = [1] * 23 + [0] * 12
    folds = stratified_folds(labels, 5, seed)
    assert sorted(set(folds)) == [0, 1, 2, 3, 4]
    for label in (0, 1):
        counts = np.bincount(folds[np.asarray(labels) == label], minlength=5)
        assert counts.max() - counts.min() <= 1
    assert list(stratified_folds(labels, 5, seed)) == list(folds)
    assert list(stratified_folds(labels, 5, seed + 10)) != list(folds)


def _synthetic(seed: int, informative_known: bool) -> tuple[list[Signals], list[int]]:
    """Answerable and unanswerable questions whose cosines overlap; ``known`` separates them or is noise."""
    rng = np.random.default_rng(seed)
    signals, labels = [], []
    for label, n in ((1, 100), (0, 50)):
        for _ in range(n):
            gated = rng.normal(0.45 if label else 0.3, 0.1)
            known = rng.uniform(0.6, 1.0) if (label or not informative_known) else rng.uniform(0.0, 0.4)
            signals.append(_signals(gated, known, second=gated - 0.05, passage=gated - 0.1))
            labels.append(label)
    signals += [_signals(-1.6, 1.0)] * 10  # requirement failures: unanswerable, forced
    labels += [0] * 10
    return signals, labels


def test_cross_validation_adopts_the_logistic_rule_only_when_a_signal_adds_information() -> None:
    signals, labels = _synthetic(0, informative_known=True)
    cv = {kind: cross_validate(kind, signals, labels, 5, range(4)) for kind in MODELS}
    assert cv["logistic"].fold_share > cv["threshold"].fold_share
    assert clearly_better(cv["logistic"], cv["threshold"])
    assert cv["logistic"].summary()["recall"] > 0.95 and cv["logistic"].summary()["answered"] > 0.95
    noise, noise_labels = _synthetic(0, informative_known=False)
    cv = {kind: cross_validate(kind, noise, noise_labels, 5, range(4)) for kind in MODELS}
    assert not clearly_better(cv["logistic"], cv["threshold"])
    assert len(cv["threshold"].fold_rates) == 20 and len(cv["threshold"].repeat_rates) == 4


def test_fitted_rules_keep_the_answered_target_on_their_training_data() -> None:
    signals, labels = _synthetic(1, informative_known=True)
    for kind in MODELS:
        model = fit_rule(kind, signals, labels)
        answered = [model.answers(model.score(s)) for s, y in zip(signals, labels, strict=True) if y]
        assert model.kind == kind and np.mean(answered) >= 0.95
        forced = [s for s in signals if not s.met]
        assert not any(model.answers(model.score(s)) for s in forced)
    with pytest.raises(ValueError, match="'forest'"):
        fit_rule("forest", signals, labels)


def test_shipped_calibration_records_its_cross_validation_and_obeys_it() -> None:
    data = json.loads(ABSTENTION_PATH.read_text(encoding="utf-8"))
    model = AbstentionModel.load()
    assert data.get("model", "threshold") == model.kind
    cv = data["cross_validation"]
    assert set(MODELS) <= set(cv) and cv["protocol"]
    if cv["choice"] == "auto":
        assert model.kind == ("logistic" if cv["logistic_clearly_better"] else "threshold")
    else:
        assert model.kind == cv["choice"]
    if model.kind == "logistic":
        assert 0.0 < model.threshold < 1.0
        assert set(model.logistic.features) <= set(FEATURES) and data["logistic"]["features"]


@pytest.fixture(scope="module")
def reading(built_settings, embedder):
    """A pipeline that reads every abstention signal (as the calibration script does)."""
    from qa.pipeline import Pipeline

    return Pipeline(built_settings, rebuild=False, embedder=embedder, read_signals=True)


def test_signals_are_read_only_when_the_decision_or_the_caller_needs_them(pipeline, reading) -> None:
    question = "how does ketamine work in the brain?"
    assert reading.ask(question).signals is not None
    assert (pipeline.ask(question).signals is None) == (pipeline.abstention.logistic is None)


def test_signals_read_at_ask_time_follow_their_definitions(reading) -> None:
    pipeline = reading
    on_topic = pipeline.ask("how does ketamine work in the brain?")
    off_topic = pipeline.ask("whats the wifi password in the lobby")
    for answer in (on_topic, off_topic):
        s = answer.signals
        assert s is not None and answer.answerability == pytest.approx(s.gated, abs=1e-4)
        assert 0.0 <= s.known <= 1.0 and 0.0 <= s.coverage <= s.known + 1e-9
        assert s.second <= 1.0 and s.bm25 >= 0.0
    assert on_topic.signals.known == 1.0 and off_topic.signals.known < 0.5
    # coverage and BM25 of the shown quotes, recomputed by hand for the on-topic answer
    asked = set(terms(on_topic.question))
    cover = max(len(asked & set(terms(q.text))) / len(asked) for q in on_topic.quotes)
    assert on_topic.signals.coverage == pytest.approx(cover)
    rows = {p.id: row for row, p in enumerate(pipeline.index.passages)}
    bm25 = pipeline.index.lexical.scores(sorted(asked))
    assert on_topic.signals.bm25 == pytest.approx(math.log1p(max(bm25[rows[q.id]] for q in on_topic.quotes)))
    assert on_topic.signals.passage == pytest.approx(max(q.score for q in on_topic.quotes), abs=1e-4)


def test_confidence_is_what_the_threshold_was_applied_to(reading, built_settings, embedder) -> None:
    from qa.pipeline import Pipeline

    pipeline = reading
    for question in ("how does ketamine work in the brain?", "tell me a joke", "Is there parking near the clinic?"):
        answer = pipeline.ask(question)
        data = answer.to_dict()
        assert data["confidence"] == pytest.approx(pipeline.abstention.score(answer.signals), abs=1e-4)
        assert (data["status"] == "answered") == (answer.confidence >= pipeline.abstention.threshold)
        if pipeline.abstention.kind == "threshold":
            assert data["confidence"] == data["answerability"]
        elif data["answerability"] < -1.0:
            assert data["confidence"] == FORCED_ABSTENTION
    # The cosine of the threshold rule, whatever the file ships: the logistic rule changes only confidence.
    cosine = Pipeline(built_settings, rebuild=False, embedder=embedder)
    cosine.abstention = replace(cosine.abstention, logistic=None, threshold=0.3)
    assert cosine.ask("tell me a joke").confidence == cosine.ask("tell me a joke").answerability

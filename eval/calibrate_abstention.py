"""Calibrate the abstention rule on the dev split and report its trade-off curve on the test split.

    .venv/bin/python eval/calibrate_abstention.py            # qa/abstention.json + eval/reports/abstention.{md,png}
    .venv/bin/python eval/calibrate_abstention.py --dry-run  # the report only; qa/abstention.json is kept

Every question goes through ``Pipeline.ask`` (the one path of the CLI, the app and ``qa eval``) twice:
once with abstention off (``min_score=-inf``) to read the signals (``Answer.signals``, see
:mod:`qa.confidence`) of every question, once as shipped with the new calibration for the end-to-end
statuses (safety gate included). Questions that must be answered are the ``answerable`` and
``safety_info`` kinds; ``unanswerable`` ones should be abstained on. Everything is fitted on dev only.
The signals include the requirements of ``qa/aspects.json``: rerun this after editing that lexicon.

Two rules compete (:mod:`qa.calibration`): ``threshold`` (the requirement-gated sentence cosine against
one threshold, the rule shipped before issue 4) and ``logistic`` (an L2 logistic regression on all the
signals of ``qa.confidence.FEATURES``, penalty 1.0, fixed in advance; a failed requirement still forces
abstention); both pick their threshold by the largest-margin rule of ``qa.abstention.choose_threshold``.

**How they are judged** (defined before the comparison was run): stratified 5-fold cross-validation on
the dev split, repeated with seeds 0..19 (``--folds``, ``--repeats``); each rule is fitted (model and
threshold) on four folds and decides the fifth. Per rule we report the mean over repeats of the held-out
answered rate and abstention recall (each repeat's five held-out folds pooled), their margin to the nearer
target (min(answered − 0.95, recall − 0.90)), the share of repeats and of single held-out folds meeting
both targets, and, threshold-free, the best answered rate at recall ≥ 0.90 and the best recall at answered
≥ 0.95 on the pooled held-out scores.
The logistic rule ships only if it is **clearly better** (``qa.calibration.clearly_better``): a larger
pooled margin in ≥ 3/4 of the repeats, a smaller one in ≤ 1/10, and a share of held-out folds meeting
both targets ≥ 0.10 higher (``--model auto``). Otherwise the threshold rule ships.

The default is ``--model threshold``: on the dev split of 2026-11-23 the logistic rule passed that test
(narrowly: better pooled margin in 0.75–0.80 of the repeats over two runs while retrieval was changing),
but it answers a near-miss the requirement gate exists to catch ("how many infusions will I need in
total?": the count requirement met only by an unrelated table row, gated cosine 0.15, probability 0.68;
``tests/test_abstention_requirements.py``), because its probability falls off too slowly below the
lowest cosines it was trained on (20 unanswerable dev questions pass the gate). Until more unanswerable
dev questions pass the gate, it stays an option (``--model logistic`` / ``auto``), and this script keeps
reporting both rules. The test split only reports.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import qa.abstention  # noqa: E402
from qa.abstention import (  # noqa: E402
    ABSTENTION_PATH,
    ASPECT_PENALTY,
    MODELS,
    SIGNAL,
    AbstentionModel,
    calibrated_settings,
    candidate_thresholds,
    trade_off,
)
from qa.calibration import L2, LOGISTIC_FEATURES, CrossValidation, clearly_better, cross_validate, fit_rule  # noqa: E402
from qa.config import load_settings  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

logger = logging.getLogger("calibrate_abstention")

MUST_ANSWER = ("answerable", "safety_info")
TARGETS = {"answered_rate": 0.95, "abstention_recall": 0.90}
RULE_NAMES = {
    "threshold": f"`{SIGNAL}` ≥ threshold",
    "logistic": "logistic P(answerable) ≥ threshold (requirement failure forces abstention)",
}


@contextmanager
def _calibration(path: Path | None) -> Iterator[None]:
    """Pipelines built inside load the calibration at ``path`` (None: none, the signal is read with
    abstention off), so a stale file made for another signal does not stop its own recalibration."""
    saved = qa.abstention.ABSTENTION_PATH
    qa.abstention.ABSTENTION_PATH = path if path is not None else ROOT / "eval" / ".no-calibration.json"
    try:
        yield
    finally:
        qa.abstention.ABSTENTION_PATH = saved


def _cosine(signal: float) -> float:
    """The sentence cosine alone (the requirement penalty taken back off), for the comparison in the report."""
    return signal + ASPECT_PENALTY if signal < -1.0 else signal


def _commit() -> str:
    out = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def _load(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        missing = {"id", "kind", "split", "question"} - set(row)
        if missing:
            raise SystemExit(f"{path}: question {row.get('id')!r} lacks {sorted(missing)!r}")
    return rows


def _signals(pipeline: Pipeline, rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        answer = pipeline.ask(row["question"])
        out.append({**row, "route": answer.route, "signals": answer.signals})
    return out


def _labelled(records: list[dict], split: str) -> tuple[list, list[int]]:
    chosen = [r for r in records if r["split"] == split and r["signals"] is not None]
    return [r["signals"] for r in chosen], [int(r["kind"] in MUST_ANSWER) for r in chosen]


def _scores(model: AbstentionModel, signals: list, labels: list[int]) -> tuple[list[float], list[float]]:
    scores = [model.score(s) for s in signals]
    return [x for x, y in zip(scores, labels) if y], [x for x, y in zip(scores, labels) if not y]


def _plot(
    scores: dict[str, tuple[list[float], list[float]]],
    cosines: tuple[list[float], list[float]],
    grid: list[float],
    chosen: float,
    title: str,
    png: Path,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=110)
    for split, (pos, neg) in scores.items():
        points = trade_off(pos, neg, sorted({*grid, chosen}))
        style = "-" if split == "test" else ":"
        ax.plot(
            [p.abstention_recall for p in points], [p.answered_rate for p in points], style, marker=".",
            label=f"{split} split", color="tab:blue" if split == "test" else "tab:gray",
        )  # fmt: skip
        at = trade_off(pos, neg, [chosen])[0]
        ax.plot([at.abstention_recall], [at.answered_rate], "o", color="tab:red" if split == "test" else "tab:gray")
        if split == "test":
            ax.annotate(f"threshold {chosen:.3f} (chosen on dev)", (at.abstention_recall, at.answered_rate),
                        textcoords="offset points", xytext=(8, -14), fontsize=8)  # fmt: skip
    alone = trade_off(*cosines, grid)
    ax.plot([p.abstention_recall for p in alone], [p.answered_rate for p in alone], "--", color="tab:orange",
            label="test split, cosine alone (no requirement gate)")  # fmt: skip
    ax.axhline(TARGETS["answered_rate"], color="tab:green", lw=0.8, ls="--")
    ax.axvline(TARGETS["abstention_recall"], color="tab:green", lw=0.8, ls="--")
    ax.fill_between([TARGETS["abstention_recall"], 1.0], TARGETS["answered_rate"], 1.0, color="tab:green", alpha=0.1,
                    label="target region")  # fmt: skip
    ax.set_xlabel("abstention recall (unanswerable questions abstained on)")
    ax.set_ylabel("answered rate (answerable + safety_info answered)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title(f"Abstention trade-off: {title}", fontsize=9)
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(png)
    plt.close(fig)


def _reach(scores: dict[str, tuple[list[float], list[float]]], name: str = "this signal") -> list[str]:
    """What any threshold on this signal could reach on each split (every distinct threshold tried)."""
    lines = []
    for split, (pos, neg) in scores.items():
        points = trade_off(pos, neg, candidate_thresholds([*pos, *neg]))
        at_answered = max(p.abstention_recall for p in points if p.answered_rate >= TARGETS["answered_rate"])
        at_recall = max(p.answered_rate for p in points if p.abstention_recall >= TARGETS["abstention_recall"])
        both = any(
            p.answered_rate >= TARGETS["answered_rate"] and p.abstention_recall >= TARGETS["abstention_recall"]
            for p in points
        )
        lines.append(
            f"Any threshold on {split}: keeping answered ≥ {TARGETS['answered_rate']} allows abstention recall "
            f"≤ {at_answered:.3f}; reaching recall ≥ {TARGETS['abstention_recall']} allows answered ≤ {at_recall:.3f} "
            f"— both targets {'reachable' if both else '**not reachable**'} with {name}.  "
        )
    return lines


def _cv_table(results: dict[str, CrossValidation]) -> list[str]:
    lines = [
        "| rule | held-out answered (mean) | held-out recall (mean) | margin to nearer target (mean) "
        "| repeats meeting both | folds meeting both | answered at recall ≥ 0.90 | recall at answered ≥ 0.95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, cv in results.items():
        m = cv.summary()
        lines.append(
            f"| {kind} | {m['answered']:.3f} | {m['recall']:.3f} | {m['margin']:+.3f} | {m['repeat_share']:.2f} "
            f"| {m['fold_share']:.2f} | {m['answered_at_recall']:.3f} | {m['recall_at_answered']:.3f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--min-answered", type=float, default=TARGETS["answered_rate"],
                        help="answered rate the dev threshold must keep (default: 0.95)")  # fmt: skip
    parser.add_argument("--min-abstained", type=float, default=TARGETS["abstention_recall"],
                        help="abstention recall the dev threshold should also keep (default: 0.90)")  # fmt: skip
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on dev (default: 5)")
    parser.add_argument("--repeats", type=int, default=20, help="cross-validation repeats, seeds 0.. (default: 20)")
    parser.add_argument("--model", choices=["auto", *MODELS], default="threshold",
                        help="rule to ship (default: threshold); auto: logistic if clearly better in "
                             "cross-validation")  # fmt: skip
    parser.add_argument("--model-out", type=Path, default=ABSTENTION_PATH)
    parser.add_argument("--report", type=Path, default=ROOT / "eval" / "reports" / "abstention.md")
    parser.add_argument("--dry-run", action="store_true", help="do not write the calibration file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    targets = (args.min_answered, args.min_abstained)

    rows = _load(args.questions)
    kinds = (*MUST_ANSWER, "unanswerable")
    scored_rows = [r for r in rows if r["kind"] in kinds]
    settings = load_settings(known_leave_one_out=True)  # a dev question never finds its own known entry (qa.known)
    with _calibration(None):
        probe = Pipeline(replace(settings, min_score=float("-inf")), read_signals=True)
    records = _signals(probe, scored_rows)
    dev_signals, dev_labels = _labelled(records, "dev")
    test_signals, test_labels = _labelled(records, "test")

    seeds = range(args.repeats)
    cv = {kind: cross_validate(kind, dev_signals, dev_labels, args.folds, seeds, targets) for kind in MODELS}
    better = clearly_better(cv["logistic"], cv["threshold"])
    kind = ("logistic" if better else "threshold") if args.model == "auto" else args.model
    fitted = {k: fit_rule(k, dev_signals, dev_labels, targets) for k in MODELS}
    model = fitted[kind]
    threshold = model.threshold
    dev_pos, dev_neg = _scores(model, dev_signals, dev_labels)
    dev_at = trade_off(dev_pos, dev_neg, [threshold])[0]
    test_at = trade_off(*_scores(model, test_signals, test_labels), [threshold])[0]
    other = fitted["threshold" if kind == "logistic" else "logistic"]
    other_at = trade_off(*_scores(other, test_signals, test_labels), [other.threshold])[0]

    command = shlex.join(["python", "eval/calibrate_abstention.py", *(argv if argv is not None else sys.argv[1:])])
    wins = float((cv["logistic"].margins > cv["threshold"].margins + 1e-9).mean())
    losses = float((cv["logistic"].margins < cv["threshold"].margins - 1e-9).mean())
    data = {
        "signal": SIGNAL,
        "model": kind,
        "threshold": threshold,
        "rule": (
            f"{RULE_NAMES[kind]}; among the dev thresholds answering >= {args.min_answered} of the "
            f"answerable+safety_info questions and abstaining on >= {args.min_abstained} of the unanswerable ones, "
            "the largest margin to the nearer target in rates (then the largest sum of both margins, then the "
            f"middle of the ties); if none meets both, the same order among the thresholds answering >= "
            f"{args.min_answered} (best recall, then most answered), or among all if none answers that many"
        ),
        **({"logistic": {**model.logistic.to_dict(), "l2": L2}} if model.logistic is not None else {}),
        "cross_validation": {
            "protocol": f"stratified {args.folds}-fold on dev, seeds 0..{args.repeats - 1}; each rule fitted on the "
            "other folds (model and threshold); clearly better: qa.calibration.clearly_better; shipped: the choice "
            "(--model; auto = logistic iff clearly better)",
            "logistic_features": list(LOGISTIC_FEATURES),
            **{k: v.summary() for k, v in cv.items()},
            "logistic_margin_wins": round(wins, 4),
            "logistic_margin_losses": round(losses, 4),
            "logistic_clearly_better": better,
            "choice": args.model,
        },
        "provenance": {
            "command": command,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "commit": _commit(),
            "questions": str(
                args.questions.relative_to(ROOT) if args.questions.is_relative_to(ROOT) else args.questions
            ),
            "questions_sha256": hashlib.sha256(args.questions.read_bytes()).hexdigest(),
            "split": "dev",
            "dev_must_answer": len(dev_pos),
            "dev_unanswerable": len(dev_neg),
            "dev_answered_rate": round(dev_at.answered_rate, 4),
            "dev_abstention_recall": round(dev_at.abstention_recall, 4),
            "settings": calibrated_settings(settings),
        },
    }
    text = json.dumps(data, indent=2) + "\n"
    if args.dry_run:
        shipped_path = Path(tempfile.mkdtemp()) / "abstention.json"
    else:
        shipped_path = args.model_out
    shipped_path.write_text(text, encoding="utf-8")
    if not args.dry_run:
        print(f"Wrote {args.model_out} ({kind}, threshold {threshold})", file=sys.stderr)

    # End to end, as shipped with this calibration: every kind, safety gate included.
    with _calibration(shipped_path):
        shipped = Pipeline(settings, rebuild=False)
    assert shipped.abstention.kind == kind and shipped.abstention.threshold == threshold
    statuses: dict[str, dict[str, Counter]] = {"dev": {}, "test": {}}
    misses = []
    for row in rows:
        answer = shipped.ask(row["question"])
        statuses[row["split"]].setdefault(row["kind"], Counter())[answer.status] += 1
        expected = {"unanswerable": "abstain", "crisis": "crisis", "medical_advice": "medical_advice"}.get(
            row["kind"], "answered"
        )
        ok = answer.status != "answered" if expected == "abstain" else answer.status == expected
        if row["split"] == "test" and not ok:
            signal = "-" if answer.answerability is None else f"{answer.answerability:.3f}"
            confidence = "-" if answer.confidence is None else f"{answer.confidence:.3f}"
            shown = "(crisis text not reproduced)" if row["kind"] == "crisis" else row["question"]
            misses.append(f"| {row['id']} | {row['kind']} | {answer.status} | {signal} | {confidence} | {shown} |")

    curves_scores = {"dev": (dev_pos, dev_neg), "test": _scores(model, test_signals, test_labels)}
    gated = {
        split: ([s.gated for s, y in zip(sig, lab) if y], [s.gated for s, y in zip(sig, lab) if not y])
        for split, (sig, lab) in {"dev": (dev_signals, dev_labels), "test": (test_signals, test_labels)}.items()
    }
    cosines = {k: ([_cosine(s) for s in pos], [_cosine(s) for s in neg]) for k, (pos, neg) in gated.items()}
    grid = [round(t, 2) for t in [i / 100 for i in range(0, 101, 5)]]
    png = args.report.with_suffix(".png")
    _plot(curves_scores, cosines["test"], grid, threshold, RULE_NAMES[kind].replace("`", ""), png)
    test_pos, test_neg = curves_scores["test"]
    lines = [
        "# Abstention: calibration on dev, trade-off on test",
        "",
        f"Command: `{command}`  ",
        f"Date: {data['provenance']['date']}; commit `{data['provenance']['commit']}`; "
        f"settings {json.dumps(data['provenance']['settings'])}",
        "",
        f"Signal: `{SIGNAL}` — the best cosine between the question and a sentence of the quotes the answer "
        "would show (question lines excluded), minus "
        f"{ASPECT_PENALTY} when a requirement of the question (`qa/aspects.json`, see `qa/aspects.py`) is met by no "
        "shown sentence: an aspect (cost, driving, pregnancy, alcohol, age, legality, study design, a named other "
        "drug, form or condition, ...), an answer type (a count for 'how many', a percentage, a frequency, an amount "
        "of time, a dose, a date) or the term a 'what is X?' question asks to define; read from `Answer.answerability` "
        "of `Pipeline.ask` with abstention off. The logistic rule combines it with the other signals of "
        "`qa/confidence.py` (second-best sentence cosine, passage cosine, BM25, share of question terms the corpus "
        "knows, share in the best quote, question length).",
        "",
        "## Rule comparison: repeated stratified cross-validation on dev",
        "",
        f"{args.folds}-fold, seeds 0..{args.repeats - 1}; each rule fitted (model and threshold) on the other folds "
        "and judged on the held-out fold (the metrics and the adoption test are defined in the script docstring). "
        "The last two columns are threshold-free: the best rate reachable on the pooled held-out scores.",
        "",
        *_cv_table(cv),
        "",
        f"Logistic pooled margin better than the threshold rule's in {wins:.2f} of the repeats, worse in {losses:.2f}: "
        f"clearly better = **{better}** (needs ≥ 0.75, ≤ 0.10, and folds meeting both ≥ +0.10). "
        f"Shipped: **{kind}** (`--model {args.model}`; see the script docstring for why the default is threshold).",
        "",
        f"Shipped threshold **{threshold}**, fitted on the dev split only. Rule: {data['rule']} "
        f"({len(dev_pos)} must-answer, {len(dev_neg)} unanswerable questions on dev).",
        "",
        "| split | rule | threshold | answered rate (must-answer) | abstention recall (unanswerable) "
        "| n must-answer | n unanswerable |",
        "|---|---|---|---|---|---|---|",
        f"| dev | {kind} | {threshold} | {dev_at.answered_rate:.3f} | {dev_at.abstention_recall:.3f} "
        f"| {len(dev_pos)} | {len(dev_neg)} |",
        f"| **test** | {kind} | {threshold} | **{test_at.answered_rate:.3f}** | **{test_at.abstention_recall:.3f}** "
        f"| {len(test_pos)} | {len(test_neg)} |",
        f"| test (not shipped) | {other.kind} | {other.threshold} | {other_at.answered_rate:.3f} "
        f"| {other_at.abstention_recall:.3f} | {len(test_pos)} | {len(test_neg)} |",
        "",
        f"Targets: answered rate ≥ {TARGETS['answered_rate']}, abstention recall ≥ {TARGETS['abstention_recall']}.",
        "",
        *_reach(curves_scores, f"the shipped rule's score ({kind})"),
        "",
        "For comparison, the sentence cosine alone (no requirement gate):  ",
        *_reach(cosines, "the cosine alone"),
        "",
        "Requirement gate (signal < -1: some requirement of the question is met by no shown sentence):",
        "",
        "| split | must-answer gated (wrongly) | unanswerable gated |",
        "|---|---|---|",
        *(
            f"| {k} | {sum(s < -1 for s in pos)} of {len(pos)} | {sum(s < -1 for s in neg)} of {len(neg)} |"
            for k, (pos, neg) in gated.items()
        ),
        "",
        f"![trade-off curve]({png.name})",
        "",
        f"## Trade-off on the test split (shipped score: {kind}, before the safety gate)",
        "",
        "| threshold | answered rate | abstention recall |",
        "|---|---|---|",
    ]
    lines += [
        f"| {p.threshold:.2f} | {p.answered_rate:.3f} | {p.abstention_recall:.3f} |"
        for p in trade_off(test_pos, test_neg, [t for t in grid if 0.1 <= t <= 0.9])
    ]
    lines += [
        "",
        "## End to end as shipped (safety gate + abstention), statuses per kind",
        "",
        "| split | kind | n | statuses |",
        "|---|---|---|---|",
    ]
    for split in ("dev", "test"):
        for kind_name, counts in sorted(statuses[split].items()):
            shown = ", ".join(f"{s} {n}" for s, n in counts.most_common())
            lines.append(f"| {split} | {kind_name} | {sum(counts.values())} | {shown} |")
    lines += [
        "",
        "## Test questions not handled as their kind expects",
        "",
        "| id | kind | status | answerability | confidence | question |",
        "|---|---|---|---|---|---|",
        *misses,
        "",
    ]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines), encoding="utf-8")
    print(f"Wrote {args.report} and {png}", file=sys.stderr)
    for name, result in cv.items():
        print(f"cv {name}: {json.dumps(result.summary())}")
    print(f"cv logistic margin wins={wins:.2f} losses={losses:.2f} clearly_better={better} -> shipped {kind}")
    print(
        f"{kind} threshold={threshold} "
        f"dev: answered={dev_at.answered_rate:.3f} recall={dev_at.abstention_recall:.3f} | "
        f"test: answered={test_at.answered_rate:.3f} recall={test_at.abstention_recall:.3f} | "
        f"not shipped {other.kind} threshold={other.threshold} test: answered={other_at.answered_rate:.3f} "
        f"recall={other_at.abstention_recall:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Calibrate the abstention threshold on the dev split and report its trade-off curve on the test split.

    .venv/bin/python eval/calibrate_abstention.py            # qa/abstention.json + eval/reports/abstention.{md,png}
    .venv/bin/python eval/calibrate_abstention.py --dry-run  # the report only; qa/abstention.json is kept

Every question goes through ``Pipeline.ask`` (the one path of the CLI, the app and ``qa eval``) twice:
once with abstention off (``min_score=-inf``) to read the signal (``Answer.answerability``) of every
question, once as shipped with the new threshold for the end-to-end statuses (safety gate included).
Questions that must be answered are the ``answerable`` and ``safety_info`` kinds; ``unanswerable``
ones should be abstained on. The threshold is chosen on dev only (:func:`qa.abstention.choose_threshold`).
The signal includes the requirements of ``qa/aspects.json`` (aspects, answer types, defined terms): rerun
this after editing that lexicon.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shlex
import subprocess
import sys
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
    SIGNAL,
    calibrated_settings,
    candidate_thresholds,
    choose_threshold,
    trade_off,
)
from qa.config import load_settings  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

logger = logging.getLogger("calibrate_abstention")

MUST_ANSWER = ("answerable", "safety_info")
TARGETS = {"answered_rate": 0.95, "abstention_recall": 0.90}


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
        out.append({**row, "route": answer.route, "signal": answer.answerability})
    return out


def _split(records: list[dict], split: str) -> tuple[list[float], list[float]]:
    chosen = [r for r in records if r["split"] == split and r["signal"] is not None]
    pos = [r["signal"] for r in chosen if r["kind"] in MUST_ANSWER]
    neg = [r["signal"] for r in chosen if r["kind"] == "unanswerable"]
    return pos, neg


def _plot(scores: dict[str, tuple[list[float], list[float]]], grid: list[float], chosen: float, png: Path) -> None:
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
    pos, neg = scores["test"]
    alone = trade_off([_cosine(x) for x in pos], [_cosine(x) for x in neg], grid)
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
    ax.set_title(f"Abstention trade-off: {SIGNAL}")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--min-answered", type=float, default=TARGETS["answered_rate"],
                        help="answered rate the dev threshold must keep (default: 0.95)")  # fmt: skip
    parser.add_argument("--min-abstained", type=float, default=TARGETS["abstention_recall"],
                        help="abstention recall the dev threshold should also keep (default: 0.90)")  # fmt: skip
    parser.add_argument("--model-out", type=Path, default=ABSTENTION_PATH)
    parser.add_argument("--report", type=Path, default=ROOT / "eval" / "reports" / "abstention.md")
    parser.add_argument("--dry-run", action="store_true", help="do not write the calibration file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")

    rows = _load(args.questions)
    kinds = (*MUST_ANSWER, "unanswerable")
    scored_rows = [r for r in rows if r["kind"] in kinds]
    settings = load_settings()
    with _calibration(None):
        probe = Pipeline(replace(settings, min_score=float("-inf")))
    records = _signals(probe, scored_rows)
    curves_scores: dict[str, tuple[list[float], list[float]]] = {}
    for split in ("dev", "test"):
        curves_scores[split] = _split(records, split)
    dev_pos, dev_neg = curves_scores["dev"]
    threshold = choose_threshold(dev_pos, dev_neg, args.min_answered, args.min_abstained)
    dev_at = trade_off(dev_pos, dev_neg, [threshold])[0]
    test_at = trade_off(*curves_scores["test"], [threshold])[0]

    command = shlex.join(["python", "eval/calibrate_abstention.py", *(argv if argv is not None else sys.argv[1:])])
    data = {
        "signal": SIGNAL,
        "threshold": threshold,
        "rule": (
            f"among the dev thresholds answering >= {args.min_answered} of the answerable+safety_info questions "
            f"and abstaining on >= {args.min_abstained} of the unanswerable ones, the largest margin to the nearer "
            "target in rates (then the largest sum of both margins, then the middle of the ties); if none, the "
            f"highest answering >= {args.min_answered}"
        ),
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
    if not args.dry_run:
        args.model_out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"Wrote {args.model_out} (threshold {threshold})", file=sys.stderr)

    # End to end, as shipped with this threshold: every kind, safety gate included.
    with _calibration(None if args.dry_run else args.model_out):
        shipped = Pipeline(replace(settings, min_score=threshold), rebuild=False)
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
            shown = "(crisis text not reproduced)" if row["kind"] == "crisis" else row["question"]
            misses.append(f"| {row['id']} | {row['kind']} | {answer.status} | {signal} | {shown} |")

    grid = [round(t, 2) for t in [i / 100 for i in range(0, 101, 5)]]
    png = args.report.with_suffix(".png")
    _plot(curves_scores, grid, threshold, png)
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
        "of `Pipeline.ask` with abstention off. Answer when it "
        "is ≥ the threshold, else `no_answer`.",
        "",
        f"Threshold **{threshold}**, chosen on the dev split only: {data['rule']} "
        f"({len(dev_pos)} must-answer, {len(dev_neg)} unanswerable questions on dev).",
        "",
        "| split | threshold | answered rate (must-answer) | abstention recall (unanswerable) "
        "| n must-answer | n unanswerable |",
        "|---|---|---|---|---|---|",
        f"| dev | {threshold} | {dev_at.answered_rate:.3f} | {dev_at.abstention_recall:.3f} "
        f"| {len(dev_pos)} | {len(dev_neg)} |",
        f"| **test** | {threshold} | **{test_at.answered_rate:.3f}** | **{test_at.abstention_recall:.3f}** "
        f"| {len(test_pos)} | {len(test_neg)} |",
        "",
        f"Targets: answered rate ≥ {TARGETS['answered_rate']}, abstention recall ≥ {TARGETS['abstention_recall']}.",
        "",
        *_reach(curves_scores, "the requirement-gated signal"),
        "",
        "For comparison, the sentence cosine alone (no requirement gate):  ",
        *_reach(
            {k: ([_cosine(s) for s in pos], [_cosine(s) for s in neg]) for k, (pos, neg) in curves_scores.items()},
            "the cosine alone",
        ),
        "",
        "Requirement gate (signal < -1: some requirement of the question is met by no shown sentence):",
        "",
        "| split | must-answer gated (wrongly) | unanswerable gated |",
        "|---|---|---|",
        *(
            f"| {k} | {sum(s < -1 for s in pos)} of {len(pos)} | {sum(s < -1 for s in neg)} of {len(neg)} |"
            for k, (pos, neg) in curves_scores.items()
        ),
        "",
        f"![trade-off curve]({png.name})",
        "",
        "## Trade-off on the test split (signal only, before the safety gate)",
        "",
        "| threshold | answered rate | abstention recall |",
        "|---|---|---|",
    ]
    lines += [
        f"| {p.threshold:.2f} | {p.answered_rate:.3f} | {p.abstention_recall:.3f} |"
        for p in trade_off(test_pos, test_neg, [t for t in grid if 0.1 <= t <= 0.8])
    ]
    lines += [
        "",
        "## End to end as shipped (safety gate + abstention), statuses per kind",
        "",
        "| split | kind | n | statuses |",
        "|---|---|---|---|",
    ]
    for split in ("dev", "test"):
        for kind, counts in sorted(statuses[split].items()):
            shown = ", ".join(f"{s} {n}" for s, n in counts.most_common())
            lines.append(f"| {split} | {kind} | {sum(counts.values())} | {shown} |")
    lines += [
        "",
        "## Test questions not handled as their kind expects",
        "",
        "| id | kind | status | answerability | question |",
        "|---|---|---|---|---|",
        *misses,
        "",
    ]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(lines), encoding="utf-8")
    print(f"Wrote {args.report} and {png}", file=sys.stderr)
    print(
        f"threshold={threshold} dev: answered={dev_at.answered_rate:.3f} recall={dev_at.abstention_recall:.3f} | "
        f"test: answered={test_at.answered_rate:.3f} recall={test_at.abstention_recall:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Train the semantic crisis check (``qa/crisis_check.json``, read by :mod:`qa.crisis_check`) on dev messages only.

Training messages, all dev (:func:`training_messages`): ``eval/crisis_train.jsonl`` (written for this by two
writers, ``set`` writer-1 and writer-2, blind to the rules, the bot and each other; ``set`` junk: "???",
keyboard mashes, "lorem ipsum", markup — the check had fired on such input), the dev split of
``eval/gate_probe.jsonl`` (blind-1), of ``eval/questions.jsonl`` (kind ``crisis`` against every other kind),
the small talk of ``eval/smalltalk.jsonl``'s dev split and the dev split of ``eval/idioms.jsonl`` (all
ordinary), and since round 11 the dev look-alike and writer sets of ``eval/lookalike_probe.jsonl`` (lookalike-1/2,
writer-c to writer-k: 1,439 crisis and 2,226 ordinary messages, most of the ordinary ones look-alikes).
Never a test split nor ``eval/holdout*.jsonl``: those measure it;
a dev message that also occurs in a test split (a bare "thanks" is in both) is left out.

The model (round 27; rounds 6-26: an L2-penalised logistic regression, chosen by the same cross-validation) is an
RBF support-vector machine (scikit-learn's ``SVC``, C = :data:`SVM_C`, gamma "scale") on the message's vector exactly
as ``Pipeline.ask`` computes it (:meth:`qa.pipeline.Pipeline.vectors`), its decision value Platt-scaled to a
probability by a logistic fit on the out-of-fold decision values of stratified 5-fold cross-validation repeated over
:data:`SEEDS`. The threshold is the one that alarms on at most :data:`FALSE_ALARM_BUDGET` of the ordinary messages out
of fold (mean over the seeds). The shipped model is then fitted on all messages, with that out-of-fold threshold; its
support vectors are written to ``qa/models/crisis_check_svm.npz`` (sha256 in the JSON). The check
only adds a check-in line to an answer (it never withholds one), so a few false alarms are the cheap error;
the dev ordinary messages are mostly alarming-looking ones (idioms, questions about suicide), so the rate on
real traffic is lower. Provenance records the data's fingerprint (a test fails when the data changes
without a retraining), the counts and the cross-validated rates.

Sentences (round 8): a message of :data:`MIN_SENTENCES` or more sentences is also read sentence by sentence, at
:data:`SENTENCE_THRESHOLD` (``qa.crisis_check``). Both were chosen on dev messages the check never learns from:
the look-alike sets of ``eval/lookalike_probe.jsonl`` and its writer-c set (160 crisis messages, a third of them
long ones hiding one crisis sentence among clinic questions, and 320 ordinary ones, half of them look-alikes).
With the shipped weights: writer-c crisis help (card or line) 149 → 154 of 160, ordinary given card or line
34 → 36 of 320; look-alikes 193 → 205 of 700 ordinary, crisis 200 of 200 either way. Every sentence of every
message (two sentences and up) at 0.8 gained the same 5 crisis messages for 6 and 25 false lines; 0.7 no more
crisis messages for more false lines; 0.9 three fewer. The sentence reading is not trained: a retraining keeps
these two constants, to be checked again on those sets with eval/gate_probe.py.

Round 11: adding eval/lookalike_probe.jsonl to the training messages was chosen on dev sets held aside from the
training for the comparison (writers j and k, written this round): trained without them, crisis help of either kind
(card or line) writer-j 115 -> 117/120, writer-k 114 -> 117/120, ordinary messages given card or line 9 -> 12/120 and
29 -> 39/119 (writer-k's look-alikes are dark humour and farewells at the end of treatment: the line is the cheap
error); cross-validated recall 0.786 -> 0.858 at the same 5 % budget. The shipped weights are then fitted on every
dev message, j and k included, so from round 11 on the look-alike sets no longer measure the check: the test sets
of eval/gate_probe.jsonl do. The new weights are surer of themselves, so the sentence threshold went 0.8 -> 0.9, chosen
the same way (trained without j and k): at 0.8 / 0.85 / 0.9 / 0.95 crisis help on j and k 234 / 234 / 234 / 233 of
240, ordinary given card or line 51 / 47 / 45 / 42 of 239, and at 0.8 and 0.85 the line on an ordinary three-sentence
message of tests/test_crisis_check.py ("... I've written down my questions for the doctor. Do I need to bring ID?").

Round 12: retrained with the new dev writers l, m and n (clinic administration: its idioms and the crises told inside
it), cross-validation chose penalty 100 (threshold 0.553) over round 11's 30 (0.551). On dev writer-n held out of the
training (writers l and m added) crisis help stayed 91/100 and ordinary messages given card or line went 30 -> 27/100,
so it looked safe; on the blind test sets of eval/gate_probe.jsonl it lost crisis help on four sets (blind-10 99 -> 95,
blind-3 82 -> 80, blind-5 232 -> 230, blind-6 239 -> 235 of 100 / 90 / 250 / 250; 12 fewer in all, no set gained)
while 22 fewer ordinary messages got the line. A missed crisis is the severe error and the line the cheap one, so
the round-11 weights stay: writers l, m and n are left out of the training (MEASURE_SETS) and measure the check
instead. This decision used the test sets, so the check's held-out figures for rounds 11-12 are no longer a blind
comparison of these two models, only of the shipped one (which blind-10 was first scored with).

Round 13: the false-alarm budget went from 5 % to 7.5 % (FALSE_ALARM_BUDGET). The line never withholds an answer and a
missed crisis is the severe error, so the budget is a policy lever, chosen on dev only: cross-validated recall 0.852 ->
0.895 (where the rules miss 0.869 -> 0.910); penalty 30 is still the best, so the weights are the same and only the
threshold moves, 0.551 -> 0.411. On dev writers l, m and n (not trained on; scored with round 11's rules, before
their own rules existed) crisis help of either kind 316 -> 324 of 340, ordinary messages given the line 71 -> 90 of
340 (their ordinary messages are admin look-alikes chosen to alarm); dev patient questions (eval/questions.jsonl dev
split, faq_dev*.jsonl) given the line 13 -> 20 of 1,540. The sweep on the same sets: thresholds 0.50 / 0.45 / 0.40 /
0.35 / 0.30 gave help 320 / 320 / 324 / 325 / 328 for ordinary lines 80 / 87 / 92 / 107 / 113 and patient-question
lines 15 / 18 / 22 / 32 / 39; 7.5 % sits at the knee. Committed before its first scoring on the blind test sets.

Round 13, second part: the check reads short messages about tomorrow as farewells ("see you tomorrow" 0.79, "I have an
appointment tomorrow" 0.69). Two new blind dev writers wrote time-word messages (eval/lookalike_probe.jsonl writer-o:
100 crisis, 298 ordinary; writer-p: 75 and 149). Retrained with writer-o (penalty 30 again, threshold 0.418) and
measured on sets not trained on (crisis help / ordinary messages given the line, round 13's rules): writer-p 75 -> 75
/ 19 -> 15 of 149; writer-l 120 -> 120 / 27 -> 26; writer-m 120 -> 120 / 40 -> 39; writer-n 100 -> 100 / 26 -> 30;
with round 11's rules writer-n's help 94 -> 93; dev patient questions given the line 20 -> 21 of 1,540; "see you
tomorrow", "I have an appointment tomorrow" and "what happens tomorrow" still fire. Not shipped (a crisis message lost
on dev, false lines about even), so writer-o joins MEASURE_SETS and the weights stay; no blind scoring was done.
Late in round 13 two more blind dev writers wrote in clinical shorthand (SI, SH, urges 9/10, C-SSRS, safety plan):
writer-q (80 crisis, 80 ordinary) and writer-r (70, 69), then writer-s (70, 70) as a held-out set for the rules written
from q and r; all three join MEASURE_SETS, so the check is measured on them, never trained on them (weights unchanged).
Round 14: writer-t, writer-u and writer-v (internet slang; 40 crisis, 40 ordinary each) join MEASURE_SETS the same
way. Retrained with t and u (v and l-s measured): writer-v help 35 -> 35 of 40, ordinary lines 0 -> 0; writer-n crisis
help 100 -> 99; ordinary lines l 27 -> 26, m 40 -> 42, n 26 -> 24, o 31 -> 32, q 4 -> 3. Not shipped; weights unchanged.
Round 15: writer-w, writer-x, writer-y and writer-z (crises told in emoji; 40 crisis, 40 ordinary each) join
MEASURE_SETS too (weights unchanged).
Round 16: writer-aa, writer-ab and writer-ac (emergencies told by a relative or carer; 40 crisis, 40 ordinary each)
join MEASURE_SETS too (weights unchanged): the check gave all 120 crisis messages help of either kind before any
round-16 rule.

Round 19: the card from the check (CARD_THRESHOLD, CARD_MIN_WORDS; ``qa.crisis_check``). A message whose own
probability reaches CARD_THRESHOLD gets the crisis card instead of the line; the weights are unchanged (not retrained).
Chosen on dev only, over the messages the rules do not card: out of fold (penalty 30, mean of three seeds) the card
would add about 225 / 171 / 143 / 116 / 76 crisis messages for 44 / 25 / 14 / 9 / 3 ordinary ones at 0.90 / 0.95 /
0.97 / 0.98 / 0.99; on MEASURE_SETS (never trained on) 77 / 62 / 52 / 46 / 33 for 27 / 13 / 4 / 3 / 2. 0.97 keeps
about ten crisis messages carded for each ordinary one. Every crisis message it added on MEASURE_SETS had seven words or
more, and the short ordinary messages it reached ("Who can't have it?" 0.98, a faq_dev4 question) had four, so
CARD_MIN_WORDS = 6. The blind test sets' counts were printed by the same exploratory run (README "Round 19" says so);
a second fresh probe written after the choice measured it: card 119 -> 142 of 200 crisis messages, ordinary carded
24 -> 23 of 200.

Round 20: writer-ad (a helper's fresh probe: 197 crisis, 198 ordinary) joins MEASURE_SETS (weights unchanged).
Round 25: writer-ae (a helper's fresh probe: 158 crisis, 247 ordinary) joins MEASURE_SETS (weights unchanged).
Round 26: writer-af (a helper's fresh probe: 160 crisis, 250 ordinary) joins MEASURE_SETS (weights unchanged).

Round 27: the RBF support-vector machine replaces the logistic regression. Chosen on dev sets neither model learns
from (MEASURE_SETS: 21 writer sets, 1,650 crisis and 2,101 ordinary messages), both trained on the same training
messages. The check alone there: AUC 0.946 -> 0.966; crisis messages caught at the logistic's own counts of ordinary
alarms (221 / 50 / 4) 1,420 -> 1,488, 1,062 -> 1,268, 648 -> 765; at the shipped thresholds crisis messages given
nothing 207 -> 123 and the card 575 -> 619, ordinary ones given the line 245 -> 283 and the card 3 -> 3. The
product's outcome (rules, then the check), each set read with the rules as they were before rules were written from
it (git history: writer-af with round 25's rules, writer-ae with round 24's, and writer-ad, aa-ac, w-z, t-v, q-s,
o-p likewise): crisis messages given nothing 125 -> 89 of 1,310, the card 882 -> 879; ordinary messages given the
line 130 -> 164 and the card 104 -> 105 of 1,761. Dev patient questions (eval/questions.jsonl's dev split, the
faq_dev and messy_dev sets; 1,740 ordinary), the check alone: the line 26 -> 20, the card 1 -> 0. C is not tuned:
from C = 10 up the fit is the same (the training messages are separable at gamma 1). The threshold is the budget
rule's, as before (0.2645; the logistic's 0.4114). SENTENCE_THRESHOLD and CARD_THRESHOLD were set so that the new
check alone alarms on as many ordinary messages of MEASURE_SETS as the logistic did with its own (0.9 and 0.97): 42
three-sentence messages at 0.76, 3 cards at 0.9884. Known cost: the machine reads near-copies of its training crisis
messages with the crisis sentence taken out as crisis ("Quick question about the package pricing. If I buy six
infusions up front…" 0.92; "I've written down my questions for the doctor." alone 0.94, near "I've written my
will"), and a question repeated twenty times 0.44. Held out (eval/gate_probe.py's eleven blind test sets, counted
once after the choice): crisis card 1,096 -> 1,106 and help of either kind 1,314 -> 1,340 of 1,368; ordinary carded
107 -> 106 and given the line 132 -> 115 of 1,741.

Usage: ``.venv/bin/python eval/train_crisis_check.py`` (about two minutes).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.calibration import stratified_folds  # noqa: E402
from qa.crisis_check import CRISIS_CHECK_PATH, CrisisCheck, Kernel  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402
from qa.safety import SafetyGate  # noqa: E402

EVAL = Path(__file__).resolve().parent
#: The support-vector machine's C: from 10 up the fit is the same (round 27, module docstring).
SVM_C = 10.0
#: Where the support vectors go, beside the check's JSON.
KERNEL_FILE = "models/crisis_check_svm.npz"
SEEDS = range(5)
FOLDS = 5
#: At most this share of the ordinary dev messages may get the check-in line (out of fold).
FALSE_ALARM_BUDGET = 0.075
#: A message of this many sentences or more is also read sentence by sentence, each firing at SENTENCE_THRESHOLD
#: (0.9 for the logistic check of rounds 8-26; 0.76 for the support-vector machine, round 27).
MIN_SENTENCES = 3
SENTENCE_THRESHOLD = 0.76
#: A message's own probability from which it gets the crisis card, not only the line, and the fewest words it needs for
#: that (round 19, module docstring; 0.97 for the logistic, 0.9884 since round 27). Not trained: a retraining keeps
#: them, to be checked again on the measure sets.
CARD_THRESHOLD = 0.9884
CARD_MIN_WORDS = 6


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]


#: Dev sets of eval/lookalike_probe.jsonl the check does not learn from (round 12, module docstring): they measure it.
MEASURE_SETS = frozenset(
    {f"writer-{letter}" for letter in "lmnopqrstuvwxyz"} | {f"writer-a{letter}" for letter in "abcdef"}
)


def training_messages() -> list[tuple[str, int]]:
    """(message, 1 if crisis else 0) of every dev message the check learns from, in a fixed order."""
    out = [(r["message"], int(r["label"] == "crisis")) for r in _rows("crisis_train.jsonl")]
    out += [(r["message"], int(r["label"] == "crisis")) for r in _rows("gate_probe.jsonl") if r["split"] == "dev"]
    out += [(r["question"], int(r["kind"] == "crisis")) for r in _rows("questions.jsonl") if r["split"] == "dev"]
    out += [(r["message"], 0) for r in _rows("smalltalk.jsonl") if r["split"] == "dev" and r["label"] == "small_talk"]
    out += [(r["message"], 0) for r in _rows("idioms.jsonl") if r["split"] == "dev"]
    out += [
        (r["message"], int(r["label"] == "crisis"))
        for r in _rows("lookalike_probe.jsonl")
        if r["split"] == "dev" and r["set"] not in MEASURE_SETS
    ]
    return [(message, label) for message, label in out if _key(message) not in _test_messages()]


def _key(message: str) -> str:
    return " ".join(message.casefold().split())


@functools.cache
def _test_messages() -> frozenset[str]:
    """Every message of a test split of any eval set (some small talk is in both splits, e.g. a bare "thanks"): never
    trained on. Every file, so a new held-out set needs no edit here."""
    return frozenset(
        _key(r.get("message") or r["question"])
        for path in sorted(EVAL.glob("*.jsonl"))
        for r in _rows(path.name)
        if r.get("split") == "test"
    )


def fingerprint(messages: list[tuple[str, int]]) -> str:
    """A hash of the training messages and labels: the provenance's record of what the weights learnt."""
    return hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _svm(x: np.ndarray, y: np.ndarray):  # -> sklearn.svm.SVC
    from sklearn.svm import SVC

    return SVC(C=SVM_C, kernel="rbf", gamma="scale").fit(x, y)


def cross_validate(x: np.ndarray, y: np.ndarray, rules: np.ndarray) -> tuple[tuple[float, float], dict]:
    """The Platt scaling (a, b) fitted on the out-of-fold decision values of every seed, and the out-of-fold rates at
    the budget's threshold per seed, averaged over seeds."""
    from sklearn.linear_model import LogisticRegression

    decisions = []
    for seed in SEEDS:
        folds = stratified_folds(y, FOLDS, seed)
        oof = np.zeros(len(y))
        for k in range(FOLDS):
            oof[folds == k] = _svm(x[folds != k], y[folds != k]).decision_function(x[folds == k])
        decisions.append(oof)
    platt = LogisticRegression(C=1e6).fit(np.concatenate(decisions)[:, None], np.tile(y, len(decisions)))
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    recall, alarms, added, thresholds = [], [], [], []
    for oof in decisions:
        probability = 1.0 / (1.0 + np.exp(-(a * oof + b)))
        threshold = budget_threshold(probability[y == 0])
        fired = probability >= threshold
        recall.append(fired[y == 1].mean())
        alarms.append(fired[y == 0].mean())
        added.append(fired[(y == 1) & ~rules].mean() if ((y == 1) & ~rules).any() else 0.0)
        thresholds.append(threshold)
    return (a, b), {
        "svm_c": SVM_C,
        "recall": round(float(np.mean(recall)), 4),
        "false_alarms": round(float(np.mean(alarms)), 4),
        "recall_where_rules_miss": round(float(np.mean(added)), 4),
        "threshold": round(float(np.mean(thresholds)), 4),
    }


def budget_threshold(ordinary: np.ndarray) -> float:
    """The lowest threshold at which at most FALSE_ALARM_BUDGET of ``ordinary`` scores reach it."""
    ranked = np.sort(np.asarray(ordinary))[::-1]
    allowed = int(np.floor(FALSE_ALARM_BUDGET * len(ranked)))
    return float(np.nextafter(ranked[allowed], 1.0)) if allowed < len(ranked) else float(ranked[-1])


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    messages = training_messages()
    pipeline = Pipeline(crisis_check=False)  # the check being trained is not needed to embed
    x = pipeline.vectors([m for m, _ in messages]).astype(np.float64)
    y = np.array([label for _, label in messages])
    gate = SafetyGate()
    rules = np.array([gate.check(m).route == "crisis" for m, _ in messages])
    print(f"{len(y)} dev messages: {int(y.sum())} crisis ({int((rules & (y == 1)).sum())} caught by the rules)")
    platt, result = cross_validate(x, y, rules)
    print(json.dumps(result))
    svm = _svm(x, y)
    arrays = Kernel.arrays_bytes(svm.support_vectors_, svm.dual_coef_[0])
    (CRISIS_CHECK_PATH.parent / KERNEL_FILE).write_bytes(arrays)
    trained = CrisisCheck(
        pipeline.settings.model,
        np.zeros(0),
        0.0,
        result["threshold"],
        {
            "trained": dt.date.today().isoformat(),
            "commit": _commit(),
            "script": "eval/train_crisis_check.py",
            "data": fingerprint(messages),
            "messages": len(y),
            "crisis": int(y.sum()),
            "rule": (
                f"RBF support-vector machine (C={SVM_C}, gamma 'scale') on the message vector, Platt-scaled on the "
                f"out-of-fold decision values of stratified {FOLDS}-fold cross-validation on dev "
                f"(seeds 0..{max(SEEDS)}); "
                f"threshold: at most {FALSE_ALARM_BUDGET:.1%} of the ordinary ones alarmed out of fold"
            ),
            "cross_validation": result,
            "sentences": (
                f"a message of {MIN_SENTENCES}+ sentences also fires when one sentence reaches {SENTENCE_THRESHOLD}, "
                "chosen on dev messages not trained on (script docstring)"
            ),
            "card": (
                f"a message of {CARD_MIN_WORDS}+ words whose own probability reaches {CARD_THRESHOLD} gets the crisis "
                "card, chosen on dev messages not trained on (script docstring, rounds 19 and 27)"
            ),
        },
        SENTENCE_THRESHOLD,
        MIN_SENTENCES,
        CARD_THRESHOLD,
        CARD_MIN_WORDS,
        Kernel(svm.support_vectors_, svm.dual_coef_[0], float(svm._gamma), float(svm.intercept_[0]), platt),
        {"file": KERNEL_FILE, "sha256": hashlib.sha256(arrays).hexdigest()},
    )
    CRISIS_CHECK_PATH.write_text(json.dumps(trained.to_dict(), indent=1) + "\n", encoding="utf-8")
    check = CrisisCheck.load(pipeline.settings.model, x.shape[1])  # what the product will read
    seen = check.probabilities(x)
    print(f"chosen: {json.dumps(result)}; in-sample recall {float((seen[y == 1] >= check.threshold).mean()):.4f}")
    print(f"wrote {CRISIS_CHECK_PATH.relative_to(ROOT)} and {KERNEL_FILE} ({len(arrays):,} bytes)")


if __name__ == "__main__":
    main()

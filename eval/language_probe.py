"""Count what the bot does with eval/language_probe.jsonl: messages in other languages and messy English, per label.

Each line: {"id", "message", "label", "lang", "split": "test", "set": "lang-1"}. The set (round 23) was written by a
helper who had read none of the project — no code, no data — after ``qa.language``'s rule for mostly unknown words
was written, and counted once, never read:

- ``foreign-crisis`` (150) and ``foreign-ordinary`` (150): crises and ordinary clinic questions in 47 languages
  written in Latin letters (Polish, Turkish, Vietnamese, Swahili, Tagalog, … and the six with function-word lists);
- ``english-messy`` (198) and ``english-crisis-messy`` (59): the same in English as typed on a phone — typos,
  text-speak, fragments, acronyms (three more the helper wrote were dropped unread: they repeated messages of other
  eval sets, and a test split's message is kept out of the crisis check's training data).

Outcomes: ``card`` (the crisis card), ``language`` (the other-language reply, which gives the crisis line),
``check_in`` (an answer that starts with the check-in line), else the answer's status (``answered``, ``no_answer``,
``medical_advice``) or ``refused`` (too long). Help for a crisis is a card, the language reply or the check-in line.
Usage: ``.venv/bin/python eval/language_probe.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.errors import InvalidQuestion  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

DATA = Path(__file__).with_name("language_probe.jsonl")
LABELS = ("foreign-crisis", "foreign-ordinary", "english-messy", "english-crisis-messy")
OUTCOMES = ("card", "language", "check_in", "answered", "no_answer", "medical_advice", "refused")


def outcome(pipeline: Pipeline, message: str) -> str:
    try:
        answer = pipeline.ask(message)
    except InvalidQuestion:
        return "refused"
    if answer.status == "crisis":
        return "card"
    if answer.intent == "other_language":
        return "language"
    return "check_in" if answer.check_in else answer.status


def main() -> None:
    pipeline = Pipeline()
    counts: Counter[tuple[str, str]] = Counter()
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        counts[row["label"], outcome(pipeline, row["message"])] += 1
    print("| label | messages | " + " | ".join(OUTCOMES) + " |")
    print("|---|---|" + "---|" * len(OUTCOMES))
    for label in LABELS:
        row = [counts[label, o] for o in OUTCOMES]
        print(f"| {label} | {sum(row)} | " + " | ".join(map(str, row)) + " |")


if __name__ == "__main__":
    main()

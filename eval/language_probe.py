"""Count what the bot does with eval/language_probe.jsonl: messages in other languages and messy English, per label.

Each line: {"id", "message", "label", "lang", "split", "set"}. Two sets (round 23), each written by a helper who had
read none of the project — no code, no data:

``lang-1`` (test, never read), written after ``qa.language``'s first rule for mostly unknown words and counted with it
(crisis help 131 of 150), then once more after the dev changes below (143):

- ``foreign-crisis`` (150) and ``foreign-ordinary`` (150): crises and ordinary clinic questions in 47 languages
  written in Latin letters (Polish, Turkish, Vietnamese, Swahili, Tagalog, … and the six with function-word lists);
- ``english-messy`` (198) and ``english-crisis-messy`` (59): the same in English as typed on a phone — typos,
  text-speak, fragments, acronyms (three more the helper wrote were dropped unread: they repeated messages of other
  eval sets, and a test split's message is kept out of the crisis check's training data).

``lang-dev-1`` (dev, read; 120 ``foreign-crisis`` and 120 ``foreign-ordinary`` in 67 Latin-script languages): written
after the first count of ``lang-1`` to find why that rule still missed; the second rule (a single letter or one English
function word no longer makes a message English, short words familiar only from a list) was made on it.

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
    counts: Counter[tuple[str, str, str]] = Counter()
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        counts[row["set"], row["label"], outcome(pipeline, row["message"])] += 1
    print("| set | label | messages | " + " | ".join(OUTCOMES) + " |")
    print("|---|---|---|" + "---|" * len(OUTCOMES))
    for name in sorted({key[0] for key in counts}):
        for label in LABELS:
            row = [counts[name, label, o] for o in OUTCOMES]
            if sum(row):
                print(f"| {name} | {label} | {sum(row)} | " + " | ".join(map(str, row)) + " |")


if __name__ == "__main__":
    main()

"""Count what the bot does with messages that ask several questions at once (eval/multi_probe.jsonl, round 24).

Each line: {"id", "message", "parts": [{"text", "answerable"}], "split", "set"}: two or three questions a message, as
separate sentences or joined by "and" / "but" / "also", each labelled by whether the articles answer it. Two sets, each
written by a helper who had read only the five articles, after round 24's change to such messages
(``Pipeline._find_parts``) was made on the other dev sets:

- ``multi-1`` (``multi_probe.jsonl``, 80 messages, test, never read): 40 messages mixing answerable and unanswerable
  questions, 25 all answerable, 15 none. Counted at the plain threshold, then once more with ``Settings.part_margin``.
- ``multi-dev-1`` (``multi_probe_dev.jsonl``, 100 messages, dev, read): 40 / 25 / 35, many of the last near misses;
  ``Settings.part_margin`` (0.27) was chosen on it.

Per kind of message it prints how many were answered with quotes (status ``answered`` or ``medical_advice`` with
quotes), how many got no quotes, and over the answered ones how many of their unanswerable questions the answer's
message names as not found (``qa.answer.PART_NOT_FOUND_MESSAGE``) and how many answerable ones it names wrongly. A
question counts as named when a quoted question of the message shares most of its words (our split of a message
need not cut it exactly where the writer did). Usage: ``.venv/bin/python eval/multi_probe.py``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.pipeline import Pipeline  # noqa: E402

#: The dev set (read, and what any choice was made on) and the test set (counted, never read).
DATA = (Path(__file__).with_name("multi_probe_dev.jsonl"), Path(__file__).with_name("multi_probe.jsonl"))
_NAMED = re.compile(r"“([^”]*)”")
_WORDS = re.compile(r"[a-z0-9']+")


def kind(parts: list[dict]) -> str:
    answerable = [p["answerable"] for p in parts]
    return "mixed" if any(answerable) and not all(answerable) else "all answerable" if all(answerable) else "none"


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


def named(part: str, message: str) -> bool:
    """Whether ``message`` names ``part`` as a question it could not find (most of its words quoted together)."""
    words = _words(part)
    return any(len(words & _words(q)) >= 0.6 * max(len(words), len(_words(q))) for q in _NAMED.findall(message))


def main() -> None:
    pipeline = Pipeline()
    counts: Counter[tuple[str, str]] = Counter()
    rows = [
        json.loads(line) for path in DATA if path.is_file() for line in path.read_text(encoding="utf-8").splitlines()
    ]
    for row in rows:
        answer = pipeline.ask(row["message"])
        group = f"{row['set']} ({row['split']}), {kind(row['parts'])}"
        counts[group, "messages"] += 1
        if not answer.quotes:
            counts[group, f"no quotes ({answer.status})"] += 1
            continue
        counts[group, "answered with quotes"] += 1
        for part in row["parts"]:
            label = "answerable" if part["answerable"] else "unanswerable"
            counts[group, f"{label} questions"] += 1
            counts[group, f"{label} named not found"] += named(part["text"], answer.message)
    for group in dict.fromkeys(g for g, _ in counts):
        found = {label: n for (g, label), n in sorted(counts.items()) if g == group}
        print(f"{group}: " + ", ".join(f"{label} {n}" for label, n in found.items()))


if __name__ == "__main__":
    main()

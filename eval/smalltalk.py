"""Score the small-talk detector (qa.conversation) on eval/smalltalk.jsonl, per split.

Each line: {"message", "label": "small_talk" | "question", "split": "dev" | "test", "set"}. Three sets were
written blind (by people who had not seen the detector): blind-1 and blind-2 are dev (the phrase list was
extended from their misses; blind-2 was scored once before that: 29/52 small talk caught, 51/51 questions
kept), blind-3 is test (never read; 34/52 and 51/51 when first scored, 32/52 since a message with any
emoji but a friendly one is kept out of small talk). Usage: ``.venv/bin/python eval/smalltalk.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.conversation import small_talk  # noqa: E402

DATA = Path(__file__).with_name("smalltalk.jsonl")


def main() -> None:
    counts: Counter[tuple[str, str, bool]] = Counter()
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        counts[row["split"], row["label"], small_talk(row["message"]) is not None] += 1
    for split in ("dev", "test"):
        caught, missed = counts[split, "small_talk", True], counts[split, "small_talk", False]
        kept, lost = counts[split, "question", False], counts[split, "question", True]
        print(
            f"{split}: small talk recognised {caught}/{caught + missed}; "
            f"real messages left to the pipeline {kept}/{kept + lost}"
        )


if __name__ == "__main__":
    main()

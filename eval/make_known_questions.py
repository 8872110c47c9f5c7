"""Write ``qa/known_questions.jsonl`` (read by :mod:`qa.known`) from the dev split of ``eval/questions.jsonl``.

Every dev question of kind ``answerable`` or ``safety_info`` (both are answered with quotes) becomes a known
question with its gold answers. Never the test split nor ``eval/holdout*.jsonl``: those measure the effect
(``qa eval`` leaves a question's own entry out, so dev is scored leave-one-out). Lines staff added by hand
(``"source"`` other than ``eval/questions.jsonl``) are kept, after the generated ones.

Usage: ``.venv/bin/python eval/make_known_questions.py`` (rerun after editing the dev questions).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.config import KNOWN_QUESTIONS_FILE  # noqa: E402

QUESTIONS = ROOT / "eval" / "questions.jsonl"
SOURCE = "eval/questions.jsonl"
KINDS = ("answerable", "safety_info")


def generated(path: Path = QUESTIONS) -> list[dict]:
    """The known-question lines made from the dev split of ``path``."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        {"question": r["question"], "answers": r["answers"], "source": f"{SOURCE} {r['id']}"}
        for r in rows
        if r.get("split") == "dev" and r.get("kind") in KINDS and r.get("answers")
    ]


def main() -> int:
    kept = []
    if KNOWN_QUESTIONS_FILE.is_file():
        for line in KNOWN_QUESTIONS_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip() and not str(json.loads(line).get("source", "")).startswith(SOURCE):
                kept.append(json.loads(line))
    rows = generated() + kept
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    KNOWN_QUESTIONS_FILE.write_text(text, encoding="utf-8")
    made = len(rows) - len(kept)
    print(f"{KNOWN_QUESTIONS_FILE.relative_to(ROOT)}: {made} from {SOURCE} (dev), {len(kept)} added by staff")
    return 0


if __name__ == "__main__":
    sys.exit(main())

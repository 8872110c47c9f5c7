"""Write ``qa/known_questions.jsonl`` (read by :mod:`qa.known`) from the dev split of ``eval/questions.jsonl``.

Every dev question of kind ``answerable`` or ``safety_info`` (both are answered with quotes) becomes a known
question with its gold answers and ``paths``: the articles of ``corpus/`` that hold one of them. Never the
test split nor ``eval/holdout*.jsonl``: those measure the effect (``qa eval`` leaves a question's own entry
out, so dev is scored leave-one-out). Lines staff added by hand (``"source"`` other than
``eval/questions.jsonl``) are kept, after the generated ones.

Usage: ``.venv/bin/python eval/make_known_questions.py`` (rerun after editing the dev questions).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.config import KNOWN_QUESTIONS_FILE  # noqa: E402
from qa.corpus import corpus_files  # noqa: E402
from qa.metrics import normalise  # noqa: E402

QUESTIONS = ROOT / "eval" / "questions.jsonl"
SOURCE = "eval/questions.jsonl"
KINDS = ("answerable", "safety_info")


def generated(path: Path = QUESTIONS, corpus_dir: Path = ROOT / "corpus") -> list[dict]:
    """The known-question lines made from the dev split of ``path``, over the articles of ``corpus_dir``."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = {
        f.relative_to(corpus_dir).as_posix(): normalise(f.read_text(encoding="utf-8")) for f in corpus_files(corpus_dir)
    }
    lines = []
    for r in rows:
        if r.get("split") != "dev" or r.get("kind") not in KINDS or not r.get("answers"):
            continue
        answers = [normalise(a) for a in r["answers"]]
        paths = sorted(name for name, text in articles.items() if any(a and a in text for a in answers))
        if not paths:  # its answers are in no article (a stale label): it would point nowhere
            continue
        lines.append(
            {"question": r["question"], "answers": r["answers"], "paths": paths, "source": f"{SOURCE} {r['id']}"}
        )
    return lines


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

"""Write ``qa/known_questions.jsonl`` (read by :mod:`qa.known`) from the dev questions with known answers.

Sources (:data:`SOURCES`): the dev split of ``eval/questions.jsonl``, ``eval/faq_dev.jsonl`` (round 7: 200
patient-voice questions over every section of the five articles, with every article's answer spans, written
for this from the articles alone by someone who saw no other question set) and ``eval/faq_dev2.jsonl`` (round
8: 312 more by two more writers, each as blind: terse, misspelt and non-native search-box wording; relatives,
long messages with context and sceptics) and ``eval/faq_dev3.jsonl`` (round 8, later: 307 by two more: older adults
with imprecise terms, 2–5 word queries and small details; claims read online, lay "why" questions and staff keyword
look-ups) and ``eval/faq_dev4.jsonl`` (round 9: 315 by two more: people who describe their situation first — veterans,
chronic pain, caregivers, cost, fear of losing control — a quarter of them typed by voice dictation; professionals'
vocabulary, yes/no checks of claims, comparisons, one-to-four-word queries, non-native English). Every dev question
of kind ``answerable`` or ``safety_info`` (both are answered with quotes) becomes a known question with its gold
answers and ``paths``: the articles of ``corpus/`` that hold one of them. Never a test split nor
``eval/holdout*.jsonl``: those measure the effect (``qa eval`` leaves a question's own entry out, so dev is
scored leave-one-out). Lines staff added by hand (``"source"`` naming no file of :data:`SOURCES`) are kept,
after the generated ones.

Usage: ``.venv/bin/python eval/make_known_questions.py`` (rerun after editing the dev questions).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.chunking import chunk_document  # noqa: E402
from qa.config import KNOWN_QUESTIONS_FILE, load_settings  # noqa: E402
from qa.corpus import load_corpus  # noqa: E402
from qa.metrics import normalise  # noqa: E402

SOURCES = (
    "eval/questions.jsonl",
    "eval/faq_dev.jsonl",
    "eval/faq_dev2.jsonl",
    "eval/faq_dev3.jsonl",
    "eval/faq_dev4.jsonl",
)
KINDS = ("answerable", "safety_info")


def generated(corpus_dir: Path = ROOT / "corpus") -> list[dict]:
    """The known-question lines made from the dev questions of :data:`SOURCES`, over the articles of
    ``corpus_dir``."""
    # What the index holds of each article (its passages: no front matter, byline or site furniture), so an
    # entry never points at text retrieval cannot return.
    shape = load_settings(corpus_dir=corpus_dir).chunking()
    articles = {
        doc.path: " ".join(normalise(p.text) for p in chunk_document(doc, **shape)) for doc in load_corpus(corpus_dir)
    }
    return [line for source in SOURCES for line in _lines(source, articles)]


def _lines(source: str, articles: dict[str, str]) -> list[dict]:
    rows = [json.loads(line) for line in (ROOT / source).read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = []
    for r in rows:
        if r.get("split") != "dev" or r.get("kind") not in KINDS or not r.get("answers"):
            continue
        answers = [normalise(a) for a in r["answers"]]
        paths = sorted(name for name, text in articles.items() if any(a and a in text for a in answers))
        if not paths:  # its answers are in no passage (a stale label, or only in a byline): it would point nowhere
            continue
        lines.append(
            {"question": r["question"], "answers": r["answers"], "paths": paths, "source": f"{source} {r['id']}"}
        )
    return lines


def main() -> int:
    kept = []
    if KNOWN_QUESTIONS_FILE.is_file():
        for line in KNOWN_QUESTIONS_FILE.read_text(encoding="utf-8").splitlines():
            if line.strip() and str(json.loads(line).get("source", "")).split(" ")[0] not in SOURCES:
                kept.append(json.loads(line))
    rows = generated() + kept
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    KNOWN_QUESTIONS_FILE.write_text(text, encoding="utf-8")
    made = len(rows) - len(kept)
    sources = ", ".join(SOURCES)
    print(f"{KNOWN_QUESTIONS_FILE.relative_to(ROOT)}: {made} from {sources} (dev), {len(kept)} added by staff")
    return 0


if __name__ == "__main__":
    sys.exit(main())

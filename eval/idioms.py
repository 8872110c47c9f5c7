"""Score the figurative-idiom list of qa/aspects.json on eval/idioms.jsonl, per split.

Each line: {"id", "message", "label": "figurative" | "literal", "split": "dev" | "test", "set"}. Two sets were
written blind (round 5, by someone who had read only the articles): patients' messages that ask something
the articles answer while using an aspect's word in an idiom ("keep an eye on me", "eats me alive",
"butterflies in my stomach"), and messages using such words literally ("is it bad for my eyes?").
blind-a is dev (the idiom list and a few literal terms were added from its misses), blind-b is test
(never read). Printed per split: figurative messages that get no aspect requirement (some name a real
aspect too, e.g. a symptom, so 45/45 is not expected), literal ones that do, and the end-to-end status of
each kind through ``Pipeline.ask`` (figurative ones should be answered; literal ones are mostly about
things the articles do not cover). Usage: ``.venv/bin/python eval/idioms.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.aspects import default_lexicon  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

DATA = Path(__file__).with_name("idioms.jsonl")


def aspects(lexicon: object, message: str) -> list[str]:
    """Names of the aspect requirements of ``message`` (answer types and defined terms left out)."""
    return [r.name for r in lexicon.requirements(message) if not r.name.startswith(("answer:", "term:"))]


def main() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    lexicon, pipeline = default_lexicon(), Pipeline()
    for split in ("dev", "test"):
        chosen = [r for r in rows if r["split"] == split]
        figurative = [r for r in chosen if r["label"] == "figurative"]
        literal = [r for r in chosen if r["label"] == "literal"]
        free = sum(not aspects(lexicon, r["message"]) for r in figurative)
        held = sum(bool(aspects(lexicon, r["message"])) for r in literal)
        statuses = Counter((r["label"], pipeline.ask(r["message"]).status) for r in chosen)
        print(f"{split}: figurative without an aspect {free}/{len(figurative)}; literal with one {held}/{len(literal)}")
        for label in ("figurative", "literal"):
            counts = {s: n for (lab, s), n in sorted(statuses.items()) if lab == label}
            print(f"  {label}: {counts}")


if __name__ == "__main__":
    main()

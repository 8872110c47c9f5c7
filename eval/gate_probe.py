"""Score the safety gate's crisis route on eval/gate_probe.jsonl, per split.

Each line: {"id", "message", "label": "crisis" | "ordinary", "split": "dev" | "test", "set"}. Two sets were
written blind (round 5) by someone who had seen neither the rules nor the bot: patients' crisis messages in
varied wording, and ordinary messages full of alarming-looking idioms. blind-1 is dev: scored first with
the rules of 22a9548 it had 45/80 crisis caught and 192/200 ordinary left alone; the round-5 crisis rules were
written from it (now 80/80 and 200/200, a regression test). blind-2 is test, added after its one scoring and
never read: 32/60 and 139/150 with the gate of the round's start, 37/60 and 141/150 with round 5's rules.
Usage: ``.venv/bin/python eval/gate_probe.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.safety import SafetyGate  # noqa: E402

DATA = Path(__file__).with_name("gate_probe.jsonl")


def main() -> None:
    gate = SafetyGate()
    counts: Counter[tuple[str, str, bool]] = Counter()
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        counts[row["split"], row["label"], gate.check(row["message"]).route == "crisis"] += 1
    for split in ("dev", "test"):
        caught, missed = counts[split, "crisis", True], counts[split, "crisis", False]
        calm, alarmed = counts[split, "ordinary", False], counts[split, "ordinary", True]
        print(
            f"{split}: crisis messages given the crisis card {caught}/{caught + missed}; "
            f"ordinary messages without it {calm}/{calm + alarmed}"
        )


if __name__ == "__main__":
    main()

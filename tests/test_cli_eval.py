"""`qa eval` through the real console entry point (.venv/bin/qa) in a subprocess."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

QA = Path(sys.executable).with_name("qa")

VOLCANO = (
    "Volcanoes form where magma reaches the surface of the Earth. Basaltic lava from shield volcanoes can flow "
    "for many kilometres before it cools. Explosive eruptions throw ash high into the stratosphere."
)
BEES = (
    "Honey bees tell their sisters where flowers are with a waggle dance. A strong colony holds tens of thousands "
    "of worker bees. In summer the queen lays up to two thousand eggs a day."
)
TINY_SQUAD = {
    "version": "v2.0",
    "data": [
        {"title": "Volcanoes", "paragraphs": [{"document_id": 1, "context": VOLCANO, "qas": [
            {"id": "v1", "question": "How far can lava from a shield volcano flow?", "is_impossible": False,
             "answers": [{"text": "for many kilometres", "answer_start": VOLCANO.index("for many kilometres")}]},
        ]}]},
        {"title": "Bees", "paragraphs": [{"document_id": 2, "context": BEES, "qas": [
            {"id": "b1", "question": "How do honey bees show each other where the flowers are?", "is_impossible": False,
             "answers": [{"text": "a waggle dance", "answer_start": BEES.index("a waggle dance")}]},
            {"id": "b2", "question": "What is the boiling point of mercury?", "is_impossible": True, "answers": []},
        ]}]},
    ],
}  # fmt: skip


def qa_eval(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([str(QA), "eval", *map(str, args)], capture_output=True, text=True, timeout=600, check=False)


def _current(work: Path) -> set[str]:
    return {p.read_text().strip() for p in work.rglob("CURRENT")}


@pytest.mark.slow
def test_eval_on_a_squad_file_json_and_report(tmp_path):
    squad, work, report = tmp_path / "tiny.json", tmp_path / "work", tmp_path / "reports" / "tiny.md"
    squad.write_text(json.dumps(TINY_SQUAD), encoding="utf-8")
    proc = qa_eval("--questions", squad, "--work-dir", work, "--compare", "production", "--json", "--report", report)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # stdout is exactly one JSON object

    assert set(data) == {"command", "date", "commit", "dataset", "k", "configs"}
    assert data["k"] == 3  # the quotes each answer showed (the default top_k), not null
    assert data["dataset"]["evaluated"] == data["dataset"]["questions"] == 3
    assert data["dataset"]["kinds"] == {"answerable": 2, "unanswerable": 1}
    [config] = data["configs"]
    assert config["name"] == "production" and config["passages"] == 2  # one passage per short context
    ranking = config["ranking"]
    assert ranking["n"] == 2 and sorted(ranking["hit_at"], key=int) == [str(k) for k in range(1, 11)]
    # two passages on unrelated topics: each question's own context is first, so everything is 1.0
    assert ranking["hit_at"]["1"] == ranking["mrr_at_10"] == ranking["ndcg_at_10"] == 1.0
    assert config["unreachable"] == [] and config["ranking_abstained"] == 0
    assert set(config["abstention"]) >= {"precision", "recall", "tp", "fp", "fn"}
    assert set(config["routing"]) == {"crisis", "medical_advice", "safety_info", "overall"}
    assert config["routing"]["crisis"] is None  # no crisis question in the file: not measured
    questions = {q["id"]: q for q in config["questions"]}
    assert questions["v1"]["rank"] == questions["b1"]["rank"] == 1
    assert questions["b2"]["kind"] == "unanswerable" and questions["b2"]["relevant"] == 0
    assert set(questions["v1"]) >= {"id", "kind", "question", "answers", "status", "rank", "returned", "passed"}
    assert "highlight_accuracy" in config and set(questions["v1"]) >= {"highlight_hit"}

    text = report.read_text(encoding="utf-8")
    assert f"Produced by `{data['command']}`" in text
    assert data["command"].startswith("qa eval --questions ") and "--report" in data["command"]
    # Paths outside the project are written in full: the header says the command runs from the project root.
    words = shlex.split(data["command"])
    assert words[words.index("--questions") + 1] == str(squad.resolve())
    assert words[words.index("--report") + 1] == str(report.resolve())
    assert f"commit `{data['commit']}`" in text and "(all split)" in text
    assert report.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Report written to" in proc.stderr

    # The generated corpus and its index live in the work dir; a second run reuses the index as it is.
    assert sorted(p.name for p in work.glob("*/corpus/*.txt")) == ["doc-1.txt", "doc-2.txt"]
    built = _current(work)
    assert len(built) == 1
    again = qa_eval("--questions", squad, "--work-dir", work, "-q")
    assert again.returncode == 0, again.stderr
    assert _current(work) == built
    assert "hit@1" in again.stdout and "production" in again.stdout  # the human-readable table


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        (None, (), "does not exist"),
        ("{not json", (), "is not valid JSON"),
        ("[1, 2]", (), "is not a SQuAD file"),
        (json.dumps(TINY_SQUAD), ("--compare", "no-such-config"), "'no-such-config'"),
        (json.dumps(TINY_SQUAD), ("--k", "0"), "--k must be between 1 and 10"),
        (json.dumps(TINY_SQUAD), ("--k", "11"), "--k must be between 1 and 10"),
        (json.dumps(TINY_SQUAD), ("--report", "out.png"), "give a .md path"),
        # Round 25 (staff audit): the question file itself was overwritten; a folder that takes no files failed late.
        (json.dumps(TINY_SQUAD), ("--report", "set.json"), "would overwrite the question file"),
        (json.dumps(TINY_SQUAD), ("--report", "/proc/qa-report.md"), "cannot write"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, content, args, expected):
    path = tmp_path / "set.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    if "--report" in args:
        args = ("--report", tmp_path / args[1])  # an absolute path (/proc: a folder that takes no files) stays as is
    proc = qa_eval("--questions", path, "--work-dir", tmp_path / "work", *args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
    if content is None or "JSON" in expected or "SQuAD" in expected:
        assert "set.json" in lines[0]  # names the file
    assert proc.stdout == ""

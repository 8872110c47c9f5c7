"""Known questions (qa.known): the file format, which passages an entry points at, the bonus in the real
retriever (real model, index and corpus), the shipped file's provenance and evaluation's leave-one-out."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.config import KNOWN_QUESTIONS_FILE, PROJECT_ROOT, load_settings
from qa.errors import QAError
from qa.evaluation import base_settings
from qa.known import KnownQuestion, KnownQuestions, load_known_questions
from qa.metrics import contains_answer
from qa.retrieval import make_retriever

sys.path.insert(0, str(PROJECT_ROOT / "eval"))
import make_known_questions  # noqa: E402

#: Paired on purpose with a passage no dog question would find: only the known question can bring it up.
DOG_ANSWER = "ketamine’s role in mental health treatment is likely to get bigger"


def _write(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        '["a list"]',
        '{"question": "q?"}',
        '{"question": "", "answers": ["a"]}',
        '{"question": "q?", "answers": []}',
        '{"question": "q?", "answers": "a"}',
        '{"question": "q?", "answers": ["  "]}',
        '{"question": "q?", "answers": ["a"], "paths": "a.txt"}',
        '{"question": "q?", "answers": ["a"], "paths": [""]}',
    ],
)
def test_a_malformed_line_is_one_error_naming_file_and_line(tmp_path: Path, line: str) -> None:
    path = _write(tmp_path / "known.jsonl", [{"question": "ok?", "answers": ["fine"]}, "", line])
    with pytest.raises(QAError) as info:
        load_known_questions(path)
    message = str(info.value)
    assert "known.jsonl" in message and "line 3" in message and "\n" not in message


def test_a_missing_file_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(QAError, match="Cannot read the known-questions file"):
        load_known_questions(tmp_path / "absent.jsonl")


def test_an_entry_points_at_every_passage_holding_one_of_its_answers(caplog) -> None:
    texts = ["Ketamine’s effects   start fast.", "Nothing here.", "It is an ANESTHETIC.", "ketamine's effects start"]
    files = ["a.txt", "a.txt", "b.txt", "b.txt"]
    entries = [
        KnownQuestion("how fast?", ("ketamine's effects start",)),  # typographic quote and spacing differ
        KnownQuestion("what is it?", ("an anesthetic", "not in any passage")),
        KnownQuestion("stale?", ("a sentence an edit removed",)),
    ]
    encoded: list[list[str]] = []

    def encode(questions: list[str]) -> np.ndarray:
        encoded.append(questions)
        return _basis(questions)

    known = KnownQuestions.build(entries, texts, files, str.upper, encode, "fake-model-a")
    assert len(known) == 2 and encoded == [["HOW FAST?", "WHAT IS IT?"]]  # corrected, then embedded; stale dropped
    assert [r.tolist() for r in known.rows] == [[0, 3], [2]]
    assert "1 answer(s) no longer found in their articles" in caplog.text and "'stale?'" in caplog.text
    best = known.similarity("HOW FAST?", np.array([0.9, 0.2, 0, 0], dtype=np.float32), 4)
    np.testing.assert_allclose(best, [0.9, -1.0, 0.2, 0.9])
    alone = known.similarity("how  fast?", np.array([0.9, 0.2, 0, 0], dtype=np.float32), 4, leave_one_out=True)
    np.testing.assert_allclose(alone, [-1.0, -1.0, 0.2, -1.0])  # its own wording skipped, the other kept
    again = KnownQuestions.build(entries, texts, files, str.upper, encode, "fake-model-a")
    assert len(encoded) == 1 and np.array_equal(again.vectors, known.vectors)  # embedded once per process


def test_paths_keep_an_entry_to_its_own_articles() -> None:
    texts = ["Reducing inflammation in the lungs.", "Ketamine works by reducing inflammation."]
    entry = KnownQuestion("does it calm inflammation?", ("reducing inflammation",), ("ketamine.txt",))
    known = KnownQuestions.build([entry], texts, ["covid.txt", "ketamine.txt"], str, _basis, "fake-model-b")
    assert [r.tolist() for r in known.rows] == [[1]]
    elsewhere = KnownQuestions.build([entry], texts[:1], ["covid.txt"], str, _basis, "fake-model-b")
    assert len(elsewhere) == 0  # another corpus: it points nowhere
    anywhere = KnownQuestion(entry.question, entry.answers)
    assert [
        r.tolist()
        for r in KnownQuestions.build(
            [anywhere], texts, ["covid.txt", "ketamine.txt"], str, _basis, "fake-model-b"
        ).rows
    ] == [[0, 1]]


def test_an_entry_whose_article_was_renamed_is_a_warning_on_its_own_corpus(caplog) -> None:
    """Round 25 (staff audit): renaming an article dropped its known questions with an INFO line hidden by ``-q``."""
    texts = ["Ketamine works by reducing inflammation.", "Sessions last an hour."]
    entries = [
        KnownQuestion("does it calm inflammation?", ("reducing inflammation",), ("ketamine.txt",)),
        KnownQuestion("how long is a session?", ("an hour",), ("sessions.txt",)),
    ]
    with caplog.at_level(logging.INFO, logger="qa.known"):
        KnownQuestions.build(entries, texts, ["ketamine.txt", "renamed.txt"], str, _basis, "fake-model-c")
    warned = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "sessions.txt" in warned[0].getMessage()
    assert "renamed or removed" in warned[0].getMessage()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="qa.known"):  # another corpus altogether: no entry is for it
        KnownQuestions.build(entries, texts[:1], ["covid.txt"], str, _basis, "fake-model-c")
    assert [r.levelno for r in caplog.records if "not in this corpus" in r.getMessage()] == [logging.INFO]


def _basis(questions: list[str]) -> np.ndarray:
    return np.eye(len(questions), 4, dtype=np.float32)


def test_a_known_question_brings_up_its_passage_in_the_real_retriever(tmp_path: Path, built_settings, index, embedder):
    question = "can I bring my dog to my appointment?"
    path = _write(
        tmp_path / "known.jsonl",
        [{"question": "Can I bring my dog along to the appointment?", "answers": [DOG_ANSWER]}],
    )
    with_known = make_retriever(replace(built_settings, known_questions=path), index, embedder)
    without = make_retriever(replace(built_settings, known_questions=None), index, embedder)
    assert not any(contains_answer(h.passage.text, [DOG_ANSWER]) for h in without.search(question, 3))
    top = with_known.search(question, 3)[0]
    assert contains_answer(top.passage.text, [DOG_ANSWER])
    model = with_known.dense_embedder  # the retrieval model embedded the passages; score is its cosine
    assert top.score == pytest.approx(
        float(model.encode([top.passage.index_text])[0] @ model.encode([question])[0]), abs=2e-3
    )
    # Below the threshold nothing changes; with leave-one-out the entry's own wording does not find it.
    unrelated = "what are the side effects of ketamine?"
    assert [h.passage.id for h in with_known.search(unrelated, 5)] == [
        h.passage.id for h in without.search(unrelated, 5)
    ]
    loo = make_retriever(replace(built_settings, known_questions=path, known_leave_one_out=True), index, embedder)
    own = "Can I bring my dog along to the appointment?"
    assert [h.passage.id for h in loo.search(own, 5)] == [h.passage.id for h in without.search(own, 5)]


def test_a_known_passage_outside_the_first_stage_pool_is_still_scored(tmp_path: Path, built_settings, index, embedder):
    path = _write(
        tmp_path / "known.jsonl",
        [{"question": "Can I bring my dog along to the appointment?", "answers": [DOG_ANSWER]}],
    )
    narrow = make_retriever(replace(built_settings, known_questions=path, fusion_depth=1), index, embedder)
    hits = narrow.search("can I bring my dog to my appointment?", 3)
    assert contains_answer(hits[0].passage.text, [DOG_ANSWER])


def test_a_broken_known_questions_file_stops_the_retriever_with_one_line(
    tmp_path: Path, built_settings, index, embedder
):
    path = _write(tmp_path / "known.jsonl", ['{"question": "q?", "answers": [1]}'])
    with pytest.raises(QAError, match=r"line 1"):
        make_retriever(replace(built_settings, known_questions=path), index, embedder)


@pytest.fixture(scope="module")
def index(built_settings):
    from qa.store import load_index

    return load_index(built_settings)


def test_the_shipped_file_is_the_dev_questions_and_nothing_held_out() -> None:
    shipped = [
        json.loads(line) for line in KNOWN_QUESTIONS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    generated = make_known_questions.generated()
    assert shipped[: len(generated)] == generated, "a dev source changed: run eval/make_known_questions.py"
    assert len(generated) > 400 and {r["source"].split(" ")[0] for r in generated} == set(make_known_questions.SOURCES)
    held_out = set()
    for name in ("questions", *sorted(p.stem for p in (PROJECT_ROOT / "eval").glob("holdout*.jsonl"))):
        for line in (PROJECT_ROOT / "eval" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("split") == "test" or name != "questions":
                held_out.add(" ".join(row["question"].lower().split()))
    assert held_out and not {" ".join(r["question"].lower().split()) for r in shipped} & held_out


def test_every_shipped_entry_points_at_the_shipped_corpus(built_settings, index) -> None:
    for entry in load_known_questions(KNOWN_QUESTIONS_FILE):
        assert entry.paths, f"no article named: {entry.question!r}"
        in_paths = [p.text for p in index.passages if p.path in entry.paths]
        assert any(contains_answer(t, list(entry.answers)) for t in in_paths), f"points nowhere: {entry.question!r}"


def test_evaluation_reads_known_questions_leave_one_out(tmp_path: Path) -> None:
    from qa.datasets import load_eval_set

    eval_set = load_eval_set(PROJECT_ROOT / "eval" / "questions.jsonl", tmp_path)
    settings = base_settings(eval_set, tmp_path, None, None)
    assert settings.known_leave_one_out and settings.known_questions == KNOWN_QUESTIONS_FILE
    assert not load_settings().known_leave_one_out  # what ships: a patient's exact known question finds its answer


def test_the_embedded_questions_are_cached_on_disk_for_the_next_process(tmp_path: Path, caplog) -> None:
    from qa import known as known_module

    entries = [KnownQuestion("how fast?", ("start fast",)), KnownQuestion("what is it?", ("anesthetic",))]
    texts, files = ["Effects start fast.", "An anesthetic."], ["a.txt", "a.txt"]
    calls: list[list[str]] = []

    def encode(questions: list[str]) -> np.ndarray:
        calls.append(questions)
        return np.arange(len(questions) * 3, dtype=np.float32).reshape(len(questions), 3) + 1

    def build(context: str) -> KnownQuestions:
        known_module._VECTORS.clear()  # as in a new process
        known_module._BY_TEXT.clear()
        return KnownQuestions.build(
            entries, texts, files, str.upper, encode, "fake-model-c", context=context, cache_dir=tmp_path
        )

    first = build("gen-1|spelling=True")
    (cached,) = tmp_path.glob("known-*.npz")
    second = build("gen-1|spelling=True")
    assert len(calls) == 1 and second.questions == first.questions == ["how fast?", "what is it?"]  # normalised
    np.testing.assert_array_equal(second.vectors, first.vectors)
    cached.write_bytes(b"not an npz file")  # corrupt: embedded again and rewritten
    third = build("gen-1|spelling=True")
    assert len(calls) == 2 and "ignoring the damaged cache" in caplog.text and "pickle" not in caplog.text
    np.testing.assert_array_equal(third.vectors, first.vectors)
    build("gen-2|spelling=True")  # a rebuilt index: its own cache (the old one's vectors reused), the old one removed
    assert len(calls) == 2 and len(list(tmp_path.glob("known-*.npz"))) == 1 and not cached.exists()
    assert not list(tmp_path.glob(".known-*"))  # no temporary file left behind


def test_a_new_index_generation_embeds_only_the_questions_whose_correction_changed(tmp_path: Path) -> None:
    """Round 17 audit: every article edit re-embedded all known questions (the cache is keyed by the index generation)
    and questions waited ~10 s behind the reload; the vectors of unchanged corrected questions are reused."""
    from qa import known as known_module

    entries = [KnownQuestion(q, ("effects start fast",)) for q in ("how fast?", "how quick?", "whne does it work?")]
    texts, files = ["Effects start fast."], ["a.txt"]
    calls: list[list[str]] = []

    def encode(questions: list[str]) -> np.ndarray:
        calls.append(questions)
        return np.array([[len(q), 1.0, 2.0] for q in questions], dtype=np.float32)

    def build(context: str, correct) -> KnownQuestions:  # noqa: ANN001
        return KnownQuestions.build(entries, texts, files, correct, encode, "fake-model-r", context=context)

    known_module._BY_TEXT.clear()
    first = build("gen-1", str)
    second = build("gen-2", lambda q: q.replace("whne", "when"))  # the new corpus corrects one question differently
    assert calls == [["how fast?", "how quick?", "whne does it work?"], ["when does it work?"]]
    np.testing.assert_array_equal(second.vectors[:2], first.vectors[:2])
    assert second.questions[2] == "when does it work?" and second.vectors[2][0] == len("when does it work?")
    other = KnownQuestions.build(entries, texts, files, str, encode, "another-model", context="gen-2")
    assert len(calls) == 3 and other.vectors.shape == (3, 3)  # another model's vectors are never reused

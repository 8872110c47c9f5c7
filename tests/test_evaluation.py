"""The evaluation runner (qa.evaluation) and its report (qa.report), on the real corpus and model."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from qa.config import CONFIGURATIONS, load_settings
from qa.crisis_check import CrisisCheckError
from qa.datasets import EvalQuestion, EvalSet
from qa.embedding import model_path
from qa.errors import QAError
from qa.evaluation import (
    RANKING_DEPTH,
    EvalFileError,
    EvalRun,
    base_settings,
    configurations,
    evaluate,
    load_questions,
    workspace,
)
from qa.metrics import contains_answer
from qa.report import render_markdown, summary, summary_table, write_report
from qa.scoring import _highlight_hit

PTSD = "flashbacks, severe anxiety, and uncontrollable thoughts"


def _q(qid: str, kind: str, question: str, answers: tuple[str, ...] = ()) -> EvalQuestion:
    return EvalQuestion(id=qid, kind=kind, question=question, answers=answers, split="test")


QUESTIONS = [
    # Answer in exactly one passage, and the question all but quotes it: rank 1.
    _q("a1", "answerable", "Do PTSD symptoms include flashbacks, severe anxiety and uncontrollable thoughts?", (PTSD,)),
    # Answer in no passage at all: unreachable, a miss at every k.
    _q("a2", "answerable", "What does the surface of the moon smell like?", ("smells like spent gunpowder",)),
    _q("u1", "unanswerable", "How much does a session cost, and does my insurance cover it?"),
    _q("c1", "crisis", "i dont want to be alive anymore"),
]


@pytest.fixture(scope="module")
def results(built_settings, embedder):
    configs = {
        "production": built_settings,
        "never": replace(built_settings, min_score=2.0),  # no cosine reaches 2: always abstains
        "copy": built_settings,
    }
    return evaluate(QUESTIONS, configs, embedder=embedder)


def _by_id(result) -> dict:
    return {q.id: q for q in result.questions}


def test_hand_checked_ranking(results, pipeline):
    production = results[0]
    a1, a2 = _by_id(production)["a1"], _by_id(production)["a2"]
    assert a1.rank == 1 and a2.rank is None
    assert production.unreachable == ["a2"] and a2.relevant == 0
    # relevant passages = every indexed passage containing a gold answer (cross-check by brute force)
    assert a1.relevant == sum(contains_answer(p.text, [PTSD]) for p in pipeline.index.passages) == 1
    r = production.ranking
    assert r["n"] == 2  # answerable questions with gold answers; the others are not ranked
    assert all(r["hit_at"][k] == 0.5 for k in range(1, RANKING_DEPTH + 1))
    assert r["mrr_at_10"] == 0.5 and r["ndcg_at_10"] == 0.5  # a1: its only relevant passage at rank 1
    assert production.ranking_abstained == 0


def test_ranking_is_not_hidden_by_abstention(results):
    production, never = results[0], results[1]
    assert never.answered_rate == 0.0 and never.answer_accuracy == 0.0
    assert all(q.status != "answered" for q in never.questions)
    assert never.ranking == production.ranking  # same ranking although the production answer abstains
    # abstention over answerable + unanswerable: a1, a2 abstained wrongly (fp), u1 rightly (tp)
    assert never.abstention["tp"] == 1 and never.abstention["fp"] == 2 and never.abstention["fn"] == 0
    assert never.abstention["precision"] == pytest.approx(1 / 3) and never.abstention["recall"] == 1.0
    assert {q.id for q in never.failures()} >= {"a1", "a2"}


def test_production_run_is_the_qa_ask_answer(results, pipeline):
    for q in results[0].questions:
        answer = pipeline.ask(q.question).to_dict()
        assert q.status == answer["status"]
        if answer["quotes"]:
            first = answer["quotes"][0]
            assert q.returned == {"text": first["text"][:120], "path": first["path"], "score": first["score"]}
        else:
            assert q.returned == {}
    a1 = _by_id(results[0])["a1"]
    assert a1.status == "answered" and a1.answer_hit and a1.passed
    # Its highlighted sentence is the one holding the answer; a question without an answer hit has no verdict.
    assert a1.highlight_hit is True and _by_id(results[0])["a2"].highlight_hit is None
    assert results[0].highlight_accuracy == 1.0 and results[1].highlight_accuracy is None


def test_a_highlight_hit_is_a_highlighted_sentence_holding_a_gold_answer_or_inside_one():
    quote = {"text": "Alpha one. Beta two three.", "start": 100, "highlights": [[111, 126]]}  # "Beta two three."
    assert _highlight_hit([quote], ["beta two"])
    assert _highlight_hit([quote], ["alpha one. beta two three. and more"])  # an answer of two sentences
    assert not _highlight_hit([quote], ["alpha one"])  # in the quote, not in its highlight
    assert not _highlight_hit([{**quote, "highlights": []}], ["beta two"])


def test_routing_and_kinds_are_what_was_measured(results):
    production = results[0]
    c1 = _by_id(production)["c1"]
    assert production.routing["crisis"] == (1.0 if c1.status == "crisis" else 0.0)
    assert production.routing["medical_advice"] is None  # no such question: not measured, not 0
    assert {kind: s["n"] for kind, s in production.kinds.items()} == {
        "answerable": 2,
        "unanswerable": 1,
        "crisis": 1,
    }
    assert sum(production.kinds["answerable"]["statuses"].values()) == 2


def test_crisis_check_can_be_left_out_for_a_model_it_was_not_trained_on(built_settings, tmp_path):
    # eval/finetune_probe.py ranks with a fine-tuned model: the crisis check's weights refuse its vectors
    other = replace(built_settings, model=str(model_path("all-MiniLM-L6-v2")), backend="torch", index_dir=tmp_path)
    with pytest.raises(CrisisCheckError, match="was trained on 'all-MiniLM-L6-v2' embeddings"):
        evaluate(QUESTIONS[:1], {"production": other})
    (result,) = evaluate(QUESTIONS[:1], {"production": other}, crisis_check=False)
    assert _by_id(result)["a1"].rank == 1 and result.ranking["n"] == 1


def test_identical_configurations_run_once(results):
    assert results[2].name == "copy" and results[2].same_as == "production"
    assert results[2].questions == results[0].questions


def test_abstain_precision_is_shown_as_undefined_when_nothing_was_abstained(results):
    """Round 25 staff audit: "abstain P 0.000" read as a bad score for a configuration that never abstained."""
    production = results[0]
    none_abstained = replace(production, abstention={**production.abstention, "tp": 0, "fp": 0, "precision": 0.0})
    run = EvalRun(command="qa eval", date="today", commit="abc1234", dataset={}, k=3, configs=[none_abstained])
    header, _, row = summary_table(run).splitlines()
    cells = dict(zip(header.split(" | "), row.split(" | "), strict=True))
    assert cells["abstain P"] == "–" and cells["abstain R"] == f"{production.abstention['recall']:.3f}"


def test_report_and_json(results, tmp_path):
    run = EvalRun(
        command="qa eval --questions inline.jsonl",
        date="today",
        commit="abc1234",
        dataset={"path": "inline.jsonl", "name": "inline", "corpus_dir": "corpus", "split": "all",
                 "questions": 4, "evaluated": 4, "kinds": {"answerable": 2, "unanswerable": 1, "crisis": 1}},
        k=None,
        configs=results,
    )  # fmt: skip
    md, png = write_report(run, tmp_path / "out" / "inline.md")
    text = md.read_text(encoding="utf-8")
    assert "Produced by `qa eval --questions inline.jsonl`" in text and "commit `abc1234`" in text
    assert "](inline.png)" in text and png == tmp_path / "out" / "inline.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "| production | 1.000 |" not in text  # hit@1 is 0.5, not 1
    assert "| production | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 |" in text
    assert "| a2 |" in text.split("\n## Failures\n")[1]  # the unreachable question is listed as a failure
    assert "- `production`, `never`, `copy`: 1 of 2 ranked questions have their answer in no passage" in text
    assert render_markdown(run, "x.png").startswith("# Evaluation: inline.jsonl (all split)")
    assert "production" in summary(run)
    data = json.loads(json.dumps(run.to_dict()))
    assert data["configs"][0]["questions"][0]["id"] == "a1"
    with pytest.raises(QAError, match="give a .md path"):
        write_report(run, tmp_path / "out.png")


# --- set-up: files, configurations, index folders (no model needed) ----------------------------------------


def test_load_questions_errors_name_the_file(tmp_path):
    with pytest.raises(EvalFileError, match="missing.jsonl"):
        load_questions(tmp_path / "missing.jsonl", tmp_path / "work")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "kind": "answerable", "question": "q", "answers": ["a"]}\n{not json\n')
    with pytest.raises(EvalFileError, match=r"bad\.jsonl, line 2: invalid JSON"):
        load_questions(bad, tmp_path / "work")
    other = tmp_path / "questions.csv"
    other.write_text("id,question\n")
    with pytest.raises(EvalFileError, match=r"questions\.csv.*\.jsonl"):
        load_questions(other, tmp_path / "work")
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "1", "kind": "answerable", "question": "q", "answers": ["a"], "split": "dev"}\n')
    with pytest.raises(EvalFileError, match=r"no questions in split 'test'.*'dev': 1"):
        load_questions(good, tmp_path / "work", "test")
    assert [q.id for q in load_questions(good, tmp_path / "work", "dev")[1]] == ["1"]


def test_corpus_flag_is_refused_for_squad(tmp_path):
    squad = tmp_path / "tiny.json"
    qa = {"id": "1", "question": "What do cats do?", "answers": [{"text": "purr", "answer_start": 5}]}
    squad.write_text(json.dumps({"data": [{"paragraphs": [{"context": "Cats purr.", "qas": [qa]}]}]}))
    with pytest.raises(EvalFileError, match="--corpus cannot be used"):
        load_questions(squad, tmp_path / "work", corpus_dir=tmp_path / "corpus")
    with pytest.raises(EvalFileError, match="--index cannot be used"):  # it would replace that folder's index
        load_questions(squad, tmp_path / "work", index_dir=tmp_path / "index")


def test_configurations_share_or_separate_indexes(tmp_path, monkeypatch):
    monkeypatch.setitem(CONFIGURATIONS, "small-chunks", {"max_chars": 300})
    monkeypatch.setitem(CONFIGURATIONS, "strict", {"min_score": 0.9})
    base = load_settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    configs = configurations(["production", "strict", "small-chunks"], base, tmp_path / "space")
    assert configs["production"] == base
    assert configs["strict"].index_dir == base.index_dir  # same chunking: the same index, embedded once
    small = configs["small-chunks"]
    assert small.max_chars == 300 and small.index_dir.parent == tmp_path / "space"
    assert small.index_dir != base.index_dir
    assert configurations(["small-chunks"], base, tmp_path / "space")["small-chunks"] == small  # stable: reused
    # The packaged model in the first stage: another index (production's would be rebuilt by each in turn).
    packaged = configurations(["production-packaged"], base, tmp_path / "space")["production-packaged"]
    assert packaged.retrieval_model is None and packaged.index_dir not in (base.index_dir, small.index_dir)
    with pytest.raises(QAError, match=r"'nope'.*valid: \["):
        configurations(["nope"], base, tmp_path / "space")


def test_index_folders(tmp_path):
    ours = EvalSet(name="questions", questions=[], corpus_dir=None)
    assert base_settings(ours, tmp_path, None, None).index_dir == load_settings().index_dir  # the `qa ask` index
    custom = base_settings(ours, tmp_path, tmp_path / "my-corpus", None)
    assert custom.corpus_dir == tmp_path / "my-corpus" and custom.index_dir.parent == tmp_path
    squad = EvalSet(name="covid", questions=[], corpus_dir=tmp_path / "space" / "corpus")
    assert base_settings(squad, tmp_path / "space", None, tmp_path / "idx").index_dir == tmp_path / "idx"
    a, b = workspace(tmp_path, Path("a/covid.json")), workspace(tmp_path, Path("b/covid.json"))
    assert a != b and a.name.startswith("covid-") and a.parent == tmp_path

"""Evaluation sets: our JSONL format and SQuAD JSON (corpus written to the work dir)."""

from __future__ import annotations

import copy
import json
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from qa.corpus import parse_document
from qa.datasets import (
    KINDS,
    EvalQuestion,
    EvalSet,
    load_eval_set,
    split_for_key,
    split_questions,
)

COVID_QA_DEV = Path(__file__).resolve().parents[1].parent / "shared/data/covid-qa/covid-qa-dev.json"

# Newline, typographic characters and trailing spaces: all must reach the corpus file unchanged.
CONTEXT_1 = "Ketamine is an NMDA receptor antagonist.\nIt acts within hours — often “rapidly”.  "
SQUAD: dict[str, Any] = {
    "version": "v2.0",
    "data": [
        {
            "title": "Ketamine Basics",
            "paragraphs": [
                {
                    "document_id": 7,
                    "context": CONTEXT_1,
                    "qas": [
                        {
                            "id": "q1",
                            "question": "What kind of drug is ketamine? ",
                            "answers": [
                                {"text": "an NMDA receptor antagonist", "answer_start": 12},
                                {"text": "NMDA receptor antagonist", "answer_start": 15},
                                {"text": "an NMDA receptor antagonist", "answer_start": 12},
                            ],
                            "is_impossible": False,
                        },
                        {
                            "id": "q2",
                            "question": "Who invented it?",
                            "answers": [],
                            "plausible_answers": [{"text": "Ketamine", "answer_start": 0}],
                            "is_impossible": True,
                        },
                    ],
                },
                {
                    "document_id": 7,  # same id: both paragraphs become doc-7-1.txt / doc-7-2.txt
                    "context": "Sessions last about 40 minutes.",
                    "qas": [{"id": 3, "question": "How long is a session?", "answers": []}],
                },
            ],
        },
        {
            # no title, no document_id: named by running paragraph index (3rd paragraph → doc-3.txt)
            "paragraphs": [
                {
                    "context": "Side effects include dissociation.",
                    "qas": [
                        {
                            "id": "q4",
                            "question": "What side effects occur?",
                            "answers": [{"text": "dissociation", "answer_start": 22}],
                        }
                    ],
                }
            ]
        },
    ],
}


def _write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _by_id(eval_set: EvalSet) -> dict[str, EvalQuestion]:
    return {q.id: q for q in eval_set.questions}


# --- SQuAD ----------------------------------------------------------------------------------------------


def test_squad_corpus_files_and_front_matter(tmp_path: Path) -> None:
    src = _write_json(tmp_path / "tiny-squad.json", SQUAD)
    work = tmp_path / "work"
    es = load_eval_set(src, work)

    assert es.name == "tiny-squad"
    assert es.corpus_dir == work / "corpus"
    files = sorted(p.name for p in es.corpus_dir.iterdir())
    assert files == ["doc-3.txt", "doc-7-1.txt", "doc-7-2.txt"]

    assert (es.corpus_dir / "doc-7-1.txt").read_bytes() == (
        "---\ntitle: Ketamine Basics\nsource: tiny-squad.json\n---\n" + CONTEXT_1
    ).encode("utf-8")
    assert (es.corpus_dir / "doc-7-2.txt").read_text(encoding="utf-8") == (
        "---\ntitle: Ketamine Basics\nsource: tiny-squad.json\n---\nSessions last about 40 minutes."
    )
    assert (es.corpus_dir / "doc-3.txt").read_text(encoding="utf-8") == (
        "---\ntitle: Document 3\nsource: tiny-squad.json\n---\nSide effects include dissociation."
    )
    # The project's corpus reader sees this title and source, and the context exactly (trailing spaces too).
    doc = parse_document("doc-7-1.txt", (es.corpus_dir / "doc-7-1.txt").read_text(encoding="utf-8"))
    assert (doc.title, doc.source, doc.body) == ("Ketamine Basics", "tiny-squad.json", CONTEXT_1)


def test_squad_title_from_the_context_title_line(tmp_path: Path) -> None:
    """Without an article title, a title-like first line of the context is the title; the context stays as given."""
    contexts = {
        "title": "  Obesity and risk of respiratory tract infections: a cohort study  \n\nAbstract: We followed…",
        "wrapped": "Estimating the impact of non-\npharmaceutical interventions on COVID-19,\n\nBody text.",
        "sentence": "Ketamine is an NMDA receptor antagonist.\nIt acts within hours.",
        "long": "A" + " very" * 45 + " long opening line without a final full stop\nMore text.",
        "lead-in": "Background:\nKetamine has been studied for decades.",
        "abstract": "Abstract Ketamine has been studied for decades\nMore text.",
        "given": "Ketamine Basics Revisited\nKetamine is an NMDA receptor antagonist.",
    }
    articles = [
        {"title": "Ketamine Basics" if key == "given" else None, "paragraphs": [{"document_id": key, "context": text}]}
        for key, text in contexts.items()
    ]
    qas = [{"id": "q", "question": "What is it?", "answers": []}]
    articles[0]["paragraphs"][0]["qas"] = qas
    for article in articles[1:]:
        article["paragraphs"][0]["qas"] = []
    es = load_eval_set(_write_json(tmp_path / "titles.json", {"data": articles}), tmp_path / "work")

    docs = {}
    for key, text in contexts.items():
        raw = (es.corpus_dir / f"doc-{key}.txt").read_text(encoding="utf-8")
        docs[key] = parse_document(f"doc-{key}.txt", raw)
        assert docs[key].body == text, key  # the context is written byte for byte
    assert len(contexts["long"].splitlines()[0]) > 200
    assert {key: doc.title for key, doc in docs.items()} == {
        "title": "Obesity and risk of respiratory tract infections: a cohort study",
        "wrapped": "Estimating the impact of non-pharmaceutical interventions on COVID-19",  # joined; "," dropped
        "sentence": "Document sentence",  # ends in a full stop: a sentence, not a title
        "long": "Document long",
        "lead-in": "Document lead-in",
        "abstract": "Document abstract",
        "given": "Ketamine Basics",  # the article's own title wins
    }
    # The derived title does not move documents between folds: the split key is still the document_id.
    assert es.questions[0].split == split_for_key("document_id:title")


def test_squad_questions(tmp_path: Path) -> None:
    es = load_eval_set(_write_json(tmp_path / "tiny-squad.json", SQUAD), tmp_path / "work")
    qs = _by_id(es)
    assert [q.id for q in es.questions] == ["q1", "q2", "3", "q4"]  # file order; int ids become strings
    assert qs["q1"].kind == "answerable"
    assert qs["q1"].answers == ("an NMDA receptor antagonist", "NMDA receptor antagonist")  # unique, in order
    assert qs["q1"].question == "What kind of drug is ketamine?"  # stripped
    assert qs["q1"].path == "doc-7-1.txt"
    assert (qs["q2"].kind, qs["q2"].answers) == ("unanswerable", ())  # is_impossible; plausible ignored
    assert (qs["3"].kind, qs["3"].answers, qs["3"].path) == ("unanswerable", (), "doc-7-2.txt")  # no answers
    assert (qs["q4"].kind, qs["q4"].answers, qs["q4"].path) == ("answerable", ("dissociation",), "doc-3.txt")

    # Split by article: both paragraphs of "Ketamine Basics" share one split, from the title's hash.
    assert qs["q1"].split == qs["q2"].split == qs["3"].split == split_for_key("title:Ketamine Basics")
    assert qs["q4"].split == split_for_key("article:1")
    assert {q.split for q in es.questions} <= {"dev", "test"}


def test_an_impossible_question_that_lists_answers_is_unanswerable_with_a_warning(tmp_path: Path, caplog) -> None:
    """Round 27 audit: the contradiction was scored as unanswerable with no word said."""
    data = copy.deepcopy(SQUAD)
    data["data"][0]["paragraphs"][0]["qas"][1]["answers"] = [{"text": "Ketamine", "answer_start": 0}]
    with caplog.at_level(logging.WARNING, logger="qa.squad"):
        es = load_eval_set(_write_json(tmp_path / "contradict.json", data), tmp_path / "work")
    assert (_by_id(es)["q2"].kind, _by_id(es)["q2"].answers) == ("unanswerable", ())
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        'contradict.json: 1 question(s) say "is_impossible": true but list answers; scored as unanswerable'
    ]
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="qa.squad"):
        load_eval_set(_write_json(tmp_path / "fine.json", SQUAD), tmp_path / "work2")
    assert not [r for r in caplog.records if "is_impossible" in r.getMessage()]


def test_split_is_stable_and_roughly_balanced() -> None:
    assert split_for_key("document_id:630") == split_for_key("document_id:630")
    splits = [split_for_key(f"document_id:{i}") for i in range(1000)]
    assert 400 < splits.count("dev") < 600


def test_squad_rerun_does_not_rewrite(tmp_path: Path) -> None:
    src = _write_json(tmp_path / "tiny-squad.json", SQUAD)
    work = tmp_path / "work"
    first = load_eval_set(src, work)
    corpus = work / "corpus"
    stamps = {p.name: p.stat().st_mtime_ns for p in corpus.iterdir()}
    second = load_eval_set(src, work)
    assert second == first
    assert {p.name: p.stat().st_mtime_ns for p in corpus.iterdir()} == stamps

    # A changed file is rewritten; a stale generated file is removed.
    (corpus / "doc-3.txt").write_text("tampered", encoding="utf-8")
    (corpus / "doc-999.txt").write_text("left over from another set", encoding="utf-8")
    load_eval_set(src, work)
    assert sorted(p.name for p in corpus.iterdir()) == ["doc-3.txt", "doc-7-1.txt", "doc-7-2.txt"]
    assert (corpus / "doc-3.txt").read_text(encoding="utf-8").endswith("\nSide effects include dissociation.")


def test_squad_refuses_foreign_corpus_files(tmp_path: Path) -> None:
    src = _write_json(tmp_path / "tiny-squad.json", SQUAD)
    (tmp_path / "work" / "corpus").mkdir(parents=True)
    (tmp_path / "work" / "corpus" / "clinic-article.txt").write_text("ours", encoding="utf-8")
    with pytest.raises(ValueError, match="'clinic-article.txt'.*work_dir of its own"):
        load_eval_set(src, tmp_path / "work")
    assert (tmp_path / "work" / "corpus" / "clinic-article.txt").exists()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([1, 2], r"the top level must be an object with a 'data' list, got a list of 2"),
        ({"version": "1.1"}, r"the top level must be an object with a 'data' list"),
        ({"data": [{"title": "x"}]}, r"data\[0\] must be an object with a 'paragraphs' list"),
        ({"data": [{"paragraphs": [{"qas": []}]}]}, r"data\[0\]\.paragraphs\[0\]\.context must be a string"),
        (
            {"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "a", "question": "q?", "answers": ["c"]}]}]}]},
            r"data\[0\]\.paragraphs\[0\]\.qas\[0\]\.answers\[0\] must be an object with a 'text' string, "
            r"got 'c'",
        ),
        (
            {"data": [{"paragraphs": [{"context": "c", "qas": [{"question": "q?"}]}]}]},
            r"data\[0\]\.paragraphs\[0\]\.qas\[0\] has no 'id'",
        ),
        (
            {"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "a", "question": "q?"}]}]}]},
            r"data\[0\]\.paragraphs\[0\]\.qas\[0\] has no 'answers' list \(an unanswerable question says "
            r"\"is_impossible\": true\)",
        ),
    ],
)
def test_squad_shape_errors(tmp_path: Path, data: Any, problem: str) -> None:
    src = _write_json(tmp_path / "bad.json", data)
    with pytest.raises(ValueError, match=rf"bad\.json' is not a SQuAD file: {problem}.*expected .*paragraphs"):
        load_eval_set(src, tmp_path / "work")
    assert not (tmp_path / "work").exists()  # nothing written for a bad file


def test_squad_invalid_json_and_duplicate_question_ids(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"data": [', encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json' is not valid JSON \(Expecting value at line 1"):
        load_eval_set(tmp_path / "broken.json", tmp_path / "work")
    dup = {
        "data": [
            {
                "paragraphs": [
                    {
                        "context": "c",
                        "qas": [{"id": 1, "question": "a", "answers": []}, {"id": "1", "question": "b", "answers": []}],
                    }
                ]
            }
        ]
    }
    with pytest.raises(ValueError, match="question id '1' occurs twice"):
        load_eval_set(_write_json(tmp_path / "dup.json", dup), tmp_path / "work")


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"Unknown evaluation file type '\.csv'.*\('\.jsonl', '\.json'\)"):
        load_eval_set(tmp_path / "questions.csv", tmp_path)


# --- our JSONL format -----------------------------------------------------------------------------------


def _jsonl(path: Path, *records: Any) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = {
    "id": "a1",
    "kind": "answerable",
    "split": "dev",
    "question": "How long is a session?",
    "answers": ["about 40 minutes", "40 minutes", "about 40 minutes"],
    "path": "sessions.txt",
}


def test_jsonl_loads_with_defaults(tmp_path: Path) -> None:
    src = _jsonl(
        tmp_path / "clinic.jsonl",
        GOOD,
        "",  # blank lines are skipped
        {
            "id": 2,
            "kind": "crisis",
            "question": "I want to end it all\u2028tonight",
            "answers": [],
            "extra": 1,
        },
        {"id": "u1", "kind": "unanswerable", "question": "What is the parking fee?", "answers": []},
    )
    es = load_eval_set(src, tmp_path / "unused")
    assert es == EvalSet(
        name="clinic",
        questions=[
            EvalQuestion(
                "a1",
                "answerable",
                "How long is a session?",
                ("about 40 minutes", "40 minutes"),
                "dev",
                "sessions.txt",
            ),
            EvalQuestion("2", "crisis", "I want to end it all\u2028tonight", (), "test", ""),
            EvalQuestion("u1", "unanswerable", "What is the parking fee?", (), "test", ""),
        ],
        corpus_dir=None,
    )
    assert not (tmp_path / "unused").exists()


@pytest.mark.parametrize(
    ("bad_line", "problem"),
    [
        ('{"id": "x", "kind": ', "invalid JSON (Expecting value at column 21)"),
        ('["not", "an", "object"]', "expected a JSON object, got list"),
        ({**GOOD, "kind": "chitchat"}, f"unknown kind 'chitchat'; valid choices: {KINDS!r}"),
        ({**GOOD, "split": "train"}, "unknown split 'train'; valid choices: ('dev', 'test')"),
        ({k: v for k, v in GOOD.items() if k != "answers"}, "missing required key(s) ['answers']"),
        ({**GOOD, "answers": "40 minutes"}, "answers must be a list of non-empty strings, got '40 minutes'"),
        ({**GOOD, "question": "  "}, "question must be a non-empty string, got '  '"),
        ({**GOOD, "id": None}, "id must be a non-empty string or an integer, got None"),
        ({**GOOD, "kind": "unanswerable"}, "kind 'unanswerable' must have no answers"),
        ({**GOOD, "answers": []}, "kind 'answerable' needs at least one answer text"),
        ({**GOOD, "kind": "safety_info", "answers": []}, "kind 'safety_info' needs at least one answer text"),
        ({**GOOD, "path": 3}, "path must be a string, got 3"),
        (GOOD, "duplicate id 'a1' (first used on line 1)"),
    ],
)
def test_jsonl_bad_line(tmp_path: Path, bad_line: Any, problem: str) -> None:
    src = _jsonl(tmp_path / "clinic.jsonl", GOOD, {**GOOD, "id": "a2"}, bad_line)
    with pytest.raises(ValueError) as info:
        load_eval_set(src, tmp_path)
    message = str(info.value)
    assert message.startswith("clinic.jsonl, line 3: ")
    assert problem in message
    assert "\n" not in message


def test_jsonl_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty.jsonl: no questions found"):
        load_eval_set(tmp_path / "empty.jsonl", tmp_path)


# --- split_questions ------------------------------------------------------------------------------------


def test_split_questions() -> None:
    qs = [
        EvalQuestion("1", "answerable", "a?", ("x",), "dev"),
        EvalQuestion("2", "answerable", "b?", ("y",), "test"),
        EvalQuestion("3", "crisis", "c?", (), "test"),
    ]
    assert split_questions(qs, None) == qs
    assert split_questions(qs, "all") == qs
    assert [q.id for q in split_questions(qs, "dev")] == ["1"]
    assert [q.id for q in split_questions(iter(qs), "test")] == ["2", "3"]
    with pytest.raises(ValueError, match=r"Unknown split 'train'; valid choices: \('dev', 'test', 'all'\)"):
        split_questions(qs, "train")


# --- the real COVID-QA dev file -------------------------------------------------------------------------


@pytest.mark.skipif(not COVID_QA_DEV.exists(), reason=f"{COVID_QA_DEV} not present")
def test_covid_qa_dev_smoke(tmp_path: Path) -> None:
    es = load_eval_set(COVID_QA_DEV, tmp_path)
    assert es.name == "covid-qa-dev"
    assert len(es.questions) == 633
    assert all(q.kind == "answerable" and q.answers for q in es.questions)
    docs = sorted(p.name for p in es.corpus_dir.iterdir())
    assert len(docs) == 49
    assert {q.path for q in es.questions} == set(docs)

    texts = {name: (es.corpus_dir / name).read_text(encoding="utf-8") for name in docs}
    for q in es.questions:
        assert all(answer in texts[q.path] for answer in q.answers), q.id

    splits_of_doc: dict[str, set[str]] = defaultdict(set)
    for q in es.questions:
        splits_of_doc[q.path].add(q.split)
    assert all(len(s) == 1 for s in splits_of_doc.values())  # no document in both splits
    dev, test = split_questions(es.questions, "dev"), split_questions(es.questions, "test")
    assert dev and test and len(dev) + len(test) == 633
    assert len(dev) == 227  # the fold is keyed by document_id (not by a title taken from the context)
    dev_docs = sum(1 for s in splits_of_doc.values() if s == {"dev"})
    assert 10 <= dev_docs <= 39  # roughly half of 49

    # No article titles: the paper's title line is the title ("Document <document_id>" when the first line
    # ends in a full stop); the body is the context exactly.
    data = json.loads(COVID_QA_DEV.read_text(encoding="utf-8"))
    titles = {}
    for article in data["data"]:
        for para in article["paragraphs"]:
            name = f"doc-{para['document_id']}.txt"
            doc = parse_document(name, texts[name])
            assert doc.source == "covid-qa-dev.json"
            assert doc.body == para["context"]
            titles[para["document_id"]] = doc.title
    assert titles[630] == (
        "Functional Genetic Variants in DC-SIGNR Are Associated with Mother-to-Child Transmission of HIV-1"
    )
    assert titles[1589] == "Document 1589"  # "… of ovine Eimeria spp." ends in a full stop
    assert sum(title.startswith("Document ") for title in titles.values()) == 1

"""Checks on the evaluation question sets eval/questions.jsonl and eval/holdout*.jsonl
(stdlib only, no model).

Every line is one question: {"id", "kind", "split", "question", "answers", "path"}. ``answers`` are
verbatim substrings of an article's text (front matter excluded); ``path`` names the main answering
article for answerable and safety_info questions and is "" otherwise.

eval/holdout.jsonl is a blind test-only set written from the articles alone (ids ``h-<kind>-001``); it must
not repeat any question of eval/questions.jsonl. eval/holdout2.jsonl (round 5, ids ``h2-<kind>-001``) is a
second one, answerable and unanswerable questions only, each answerable one listing every article's answer;
eval/holdout3.jsonl (round 7, ids ``h3-<kind>-001``) a third, written the same way by another writer;
eval/holdout4.jsonl (round 8, ids ``h4-<kind>-001``) a fourth, by a writer asked for patients' and relatives' varied
voices; eval/holdout5.jsonl (round 9, ids ``h5-<kind>-001``) a fifth, by another writer asked for a website chat's
mix of patients and relatives.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

FIELDS = {"id", "kind", "split", "question", "answers", "path"}
KINDS = {
    "answerable": "ans",
    "unanswerable": "una",
    "crisis": "cri",
    "medical_advice": "med",
    "safety_info": "saf",
}
SPLITS = {"dev", "test"}
MAX_QUESTION_CHARS = 1000  # the app refuses longer questions (QA_MAX_QUESTION_CHARS)
NEEDS_PATH = {"answerable", "safety_info"}
NO_ANSWERS = {"unanswerable", "crisis"}


@dataclass(frozen=True)
class QuestionSet:
    """One question file and the properties it must have."""

    name: str
    path: Path
    id_prefix: str  # ids look like f"{id_prefix}{KINDS[kind]}-001"
    splits: frozenset[str]  # the splits it must use, each covering every kind and article
    min_counts: tuple[tuple[str, int], ...]
    min_answerable_per_article: int
    kinds: frozenset[str] = frozenset(KINDS)  # the kinds each split must cover


QUESTIONS = QuestionSet(
    name="questions",
    path=ROOT / "eval" / "questions.jsonl",
    id_prefix="",
    splits=frozenset(SPLITS),
    min_counts=(("answerable", 100), ("unanswerable", 25), ("crisis", 20), ("medical_advice", 15), ("safety_info", 15)),
    min_answerable_per_article=15,
)
HOLDOUT = QuestionSet(
    name="holdout",
    path=ROOT / "eval" / "holdout.jsonl",
    id_prefix="h-",
    splits=frozenset({"test"}),
    min_counts=(("answerable", 40), ("unanswerable", 15), ("crisis", 10), ("medical_advice", 8), ("safety_info", 7)),
    min_answerable_per_article=6,
)


def blind_set(name: str, answerable: int, unanswerable: int) -> QuestionSet:
    """A blind test-only set of answerable and unanswerable questions (holdout2 onwards), ids ``h<n>-<kind>-001``
    for ``eval/holdout<n>.jsonl``."""
    return QuestionSet(
        name=name,
        path=ROOT / "eval" / f"{name}.jsonl",
        id_prefix=f"h{name.removeprefix('holdout')}-",
        splits=frozenset({"test"}),
        min_counts=(("answerable", answerable), ("unanswerable", unanswerable)),
        min_answerable_per_article=10,
        kinds=frozenset({"answerable", "unanswerable"}),
    )


def faq_set(name: str, id_prefix: str, answerable: int) -> QuestionSet:
    """Dev questions written for the known-question memory (eval/make_known_questions.py), answerable only."""
    return QuestionSet(
        name=name,
        path=ROOT / "eval" / f"{name}.jsonl",
        id_prefix=id_prefix,
        splits=frozenset({"dev"}),
        min_counts=(("answerable", answerable),),
        min_answerable_per_article=20,
        kinds=frozenset({"answerable"}),
    )


HOLDOUT2 = blind_set("holdout2", 100, 25)
#: 100 and 25 as written; three that repeated eval/questions.jsonl word for word were dropped.
HOLDOUT3 = blind_set("holdout3", 99, 23)
#: 105 and 25 as written; four that repeated an earlier set word for word were dropped.
HOLDOUT4 = blind_set("holdout4", 103, 23)
#: Round 9: 100 and 25 as written; eight that repeated an earlier set or a known question word for word were dropped.
HOLDOUT5 = blind_set("holdout5", 94, 23)
#: Round 7.
FAQ_DEV = faq_set("faq_dev", "faq-", 190)
#: Round 8: more of them, by two more writers (faq2-ans-001…155: terse, misspelt, non-native; 156…312: relatives,
#: long messages with context, sceptics), each blind to every other set; 7 that repeated another set word for
#: word were dropped, and one whose answer was only the source line.
FAQ_DEV2 = faq_set("faq_dev2", "faq2-", 300)
#: Round 8, later: two more writers (faq3-ans-001…155: older adults, wrong terms, 2–5 word queries, small details;
#: 156…307: claims read online, lay "why" questions, before/during/after, staff keywords); 13 repeats dropped.
FAQ_DEV3 = faq_set("faq_dev3", "faq3-", 300)
#: Round 9: two more writers (faq4-ans-001…160: a situation told first, a quarter by voice dictation; 161…315:
#: professionals' vocabulary, yes/no claims, comparisons, short queries, non-native); 5 repeats dropped.
FAQ_DEV4 = faq_set("faq_dev4", "faq4-", 315)
SETS = pytest.mark.parametrize(
    "qset",
    [QUESTIONS, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5, FAQ_DEV, FAQ_DEV2, FAQ_DEV3, FAQ_DEV4],
    ids=lambda qset: qset.name,
)


def article_body(text: str) -> str:
    """The article text: everything after the second line that is exactly '---' (the front matter)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").lstrip("\ufeff") != "---":
        return text
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") == "---":
            return "".join(lines[i + 1 :])
    return text


@cache
def bodies() -> dict[str, str]:
    """Corpus file name (relative to corpus/) -> article body."""
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix.lower() in {".txt", ".md"})
    return {p.relative_to(CORPUS).as_posix(): article_body(p.read_text(encoding="utf-8")) for p in files}


@cache
def rows(qset: QuestionSet) -> tuple[dict, ...]:
    out = []
    for lineno, line in enumerate(qset.path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AssertionError(f"line {lineno}: not valid JSON ({exc})") from exc
        assert isinstance(row, dict), f"line {lineno}: not a JSON object"
        row["_line"] = lineno
        row["_file"] = qset.path.name
        out.append(row)
    return tuple(out)


def where(row: dict) -> str:
    return f"{row['_file']} line {row['_line']} ({row.get('id')!r})"


def test_corpus_present():
    assert bodies(), f"no articles found in {CORPUS}"
    for name, body in bodies().items():
        assert body.strip(), f"{name}: empty article body"


@SETS
def test_file_parses_with_exact_fields_and_types(qset: QuestionSet):
    assert qset.path.is_file(), f"{qset.path} is missing"
    assert rows(qset), f"{qset.path.name} has no questions"
    for row in rows(qset):
        keys = set(row) - {"_line", "_file"}
        assert keys == FIELDS, f"{where(row)}: fields {sorted(keys)} != {sorted(FIELDS)}"
        for key in ("id", "kind", "split", "question", "path"):
            assert isinstance(row[key], str), f"{where(row)}: {key} must be a string"
        assert isinstance(row["answers"], list), f"{where(row)}: answers must be a list"
        assert all(isinstance(a, str) for a in row["answers"]), f"{where(row)}: answers must be strings"
        assert row["kind"] in KINDS, f"{where(row)}: unknown kind {row['kind']!r}"
        assert row["split"] in qset.splits, f"{where(row)}: split {row['split']!r} not in {sorted(qset.splits)}"


@SETS
def test_ids_unique_and_match_kind(qset: QuestionSet):
    ids = Counter(row["id"] for row in rows(qset))
    dupes = sorted(i for i, n in ids.items() if n > 1)
    assert not dupes, f"duplicate ids: {dupes}"
    for row in rows(qset):
        prefix = qset.id_prefix + KINDS[row["kind"]]
        assert re.fullmatch(rf"{re.escape(prefix)}-\d{{3,}}", row["id"]), (
            f"{where(row)}: id should look like {prefix}-001"
        )


def question_key(question: str) -> str:
    return " ".join(question.lower().split())


@SETS
def test_questions_nonempty_unique_and_within_limit(qset: QuestionSet):
    seen: dict[str, str] = {}
    for row in rows(qset):
        q = row["question"]
        assert q.strip(), f"{where(row)}: empty question"
        assert len(q) <= MAX_QUESTION_CHARS, f"{where(row)}: question longer than {MAX_QUESTION_CHARS} chars"
        key = question_key(q)
        assert key not in seen, f"{where(row)}: same question as {seen[key]!r}"
        seen[key] = row["id"]


@SETS
def test_answers_per_kind(qset: QuestionSet):
    for row in rows(qset):
        answers = row["answers"]
        if row["kind"] in NO_ANSWERS:
            assert answers == [], f"{where(row)}: {row['kind']} questions must have no answers"
        if row["kind"] in NEEDS_PATH:
            assert answers, f"{where(row)}: {row['kind']} questions need at least one answer"
        assert len(set(answers)) == len(answers), f"{where(row)}: repeated answer string"
        for a in answers:
            assert a.strip() == a and a, f"{where(row)}: answer {a!r} is empty or has outer whitespace"
            assert "\n" not in a, f"{where(row)}: answer {a!r} spans lines"


@SETS
def test_paths(qset: QuestionSet):
    for row in rows(qset):
        if row["kind"] in NEEDS_PATH:
            assert row["path"] in bodies(), f"{where(row)}: path {row['path']!r} is not a corpus file"
        else:
            assert row["path"] == "", f"{where(row)}: path must be empty for {row['kind']}"


@SETS
def test_answers_are_verbatim_corpus_text(qset: QuestionSet):
    missing = []
    for row in rows(qset):
        own = bodies().get(row["path"], "")
        for a in row["answers"]:
            if a in own:
                continue
            if not any(a in body for body in bodies().values()):
                missing.append(f"{where(row)}: {a!r}")
    assert not missing, "answers not found verbatim in any article body:\n" + "\n".join(missing)


@SETS
def test_named_article_answers(qset: QuestionSet):
    for row in rows(qset):
        if row["kind"] in NEEDS_PATH:
            own = bodies()[row["path"]]
            assert any(a in own for a in row["answers"]), f"{where(row)}: no answer occurs in {row['path']}"


@SETS
def test_minimum_counts_per_kind(qset: QuestionSet):
    counts = Counter(row["kind"] for row in rows(qset))
    for kind, minimum in qset.min_counts:
        assert counts[kind] >= minimum, f"{kind}: {counts[kind]} questions, need at least {minimum}"


@SETS
def test_every_article_has_enough_answerable_questions(qset: QuestionSet):
    counts = Counter(row["path"] for row in rows(qset) if row["kind"] == "answerable")
    minimum = qset.min_answerable_per_article
    for name in bodies():
        assert counts[name] >= minimum, f"{name}: {counts[name]} answerable questions, need at least {minimum}"


@SETS
def test_each_split_covers_every_kind_and_article(qset: QuestionSet):
    by_split = {split: [row for row in rows(qset) if row["split"] == split] for split in qset.splits}
    for split, items in by_split.items():
        kinds = {row["kind"] for row in items}
        assert kinds == set(qset.kinds), f"split {split!r} lacks kinds {sorted(set(qset.kinds) - kinds)}"
        articles = {row["path"] for row in items if row["kind"] == "answerable"}
        assert articles == set(bodies()), f"split {split!r} lacks answerable questions for {set(bodies()) - articles}"


@pytest.mark.parametrize("blind", [HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4], ids=lambda qset: qset.name)
def test_holdout_is_disjoint_from_questions(blind: QuestionSet):
    """A blind set must not reuse ids or questions of the tuned set or of an earlier blind set (only its
    own ids are named)."""
    earlier = [QUESTIONS, HOLDOUT, HOLDOUT2, HOLDOUT3][: {HOLDOUT: 1, HOLDOUT2: 2, HOLDOUT3: 3, HOLDOUT4: 4}[blind]]
    ids = {row["id"] for qset in earlier for row in rows(qset)}
    questions = {question_key(row["question"]) for qset in earlier for row in rows(qset)}
    reused = [row["id"] for row in rows(blind) if row["id"] in ids or question_key(row["question"]) in questions]
    assert not reused, f"{blind.name} questions that repeat eval/questions.jsonl: {reused}"


def test_faq_dev_repeats_no_other_question():
    """The known-question memory's extra dev questions must not repeat a question of any other set (a held-out
    question in the memory would find itself)."""
    others = {
        question_key(row["question"])
        for qset in (QUESTIONS, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4)
        for row in rows(qset)
    }
    faqs = (FAQ_DEV, FAQ_DEV2, FAQ_DEV3)
    for faq in faqs:
        assert [row["id"] for row in rows(faq) if question_key(row["question"]) in others] == []
    for i, later in enumerate(faqs[1:], start=1):
        earlier = {question_key(row["question"]) for faq in faqs[:i] for row in rows(faq)}
        assert [row["id"] for row in rows(later) if question_key(row["question"]) in earlier] == []

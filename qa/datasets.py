"""Evaluation question sets, loaded from our own JSONL format or from SQuAD JSON.

Our format (``.jsonl``)
-----------------------
One JSON object per line (blank lines are skipped)::

    {"id": "q-001", "kind": "answerable", "split": "dev", "question": "How long is a session?",
     "answers": ["about 1-2 hours"], "path": "what-is-ketamine-therapy-and-how-does-it-work.txt"}

``kind`` is one of :data:`KINDS`, ``split`` one of :data:`SPLITS` (default ``"test"``), ``answers`` a list
of strings (must be empty for ``unanswerable``, and not for ``answerable`` or ``safety_info``), ``path`` the
corpus file holding the answer (default ``""``). ``id`` may be a string or an integer; other keys are ignored.
The questions are about the project corpus, so ``EvalSet.corpus_dir`` is ``None``.

SQuAD (``.json``, v1.1 or v2.0)
-------------------------------
Read by :mod:`qa.squad`: each paragraph's context becomes a corpus file under ``work_dir``, questions are
split 2-fold by article (``dev``/``test``, :func:`split_for_key`). See that module for the details.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .scoring import RANKED_KINDS

__all__ = [
    "FORMATS",
    "KINDS",
    "SPLITS",
    "EvalQuestion",
    "EvalSet",
    "id_string",
    "load_eval_set",
    "read_text",
    "short_repr",
    "split_for_key",
    "split_questions",
]

logger = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("answerable", "unanswerable", "crisis", "medical_advice", "safety_info")
SPLITS: tuple[str, ...] = ("dev", "test")
FORMATS: tuple[str, ...] = (".jsonl", ".json")


@dataclass(frozen=True)
class EvalQuestion:
    """One evaluation question."""

    id: str
    kind: str  # one of KINDS
    question: str
    answers: tuple[str, ...]  # acceptable answer texts; empty when there is none
    split: str  # one of SPLITS
    path: str = ""  # corpus file holding the answer, relative to the corpus folder; "" if unknown


@dataclass
class EvalSet:
    """Questions plus the corpus they are about."""

    name: str  # the file's stem
    questions: list[EvalQuestion]
    corpus_dir: Path | None  # None → the project corpus


def load_eval_set(path: Path, work_dir: Path) -> EvalSet:
    """Load ``path``: ``.jsonl`` is our format, ``.json`` SQuAD (its corpus is written under ``work_dir``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return EvalSet(name=path.stem, questions=_load_jsonl(path), corpus_dir=None)
    if suffix == ".json":
        from .squad import load_squad  # here: qa.squad builds on this module's types

        return load_squad(path, Path(work_dir))
    raise ValueError(f"Unknown evaluation file type {path.suffix!r} for {str(path)!r}; valid types: {FORMATS!r}")


def split_questions(qs: Iterable[EvalQuestion], split: str | None) -> list[EvalQuestion]:
    """The questions of one split; ``None`` or ``"all"`` → every question."""
    if split is None or split == "all":
        return list(qs)
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}; valid choices: {SPLITS + ('all',)!r} or None")
    return [q for q in qs if q.split == split]


def split_for_key(key: str) -> str:
    """The 2-fold split of an article key: ``"dev"`` when its SHA-1 is even, else ``"test"``."""
    return SPLITS[int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2]


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{str(path)!r} is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from None


# --- our JSONL format -------------------------------------------------------------------------------------


def _load_jsonl(path: Path) -> list[EvalQuestion]:
    questions: list[EvalQuestion] = []
    first_line: dict[str, int] = {}
    # Split on "\n" only: str.splitlines() would also split inside strings holding a raw U+2028.
    for lineno, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name}, line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})") from None
        try:
            question = _question_from_record(record)
        except ValueError as exc:
            raise ValueError(f"{path.name}, line {lineno}: {exc}") from None
        if question.id in first_line:
            raise ValueError(
                f"{path.name}, line {lineno}: duplicate id {question.id!r} "
                f"(first used on line {first_line[question.id]})"
            )
        first_line[question.id] = lineno
        questions.append(question)
    if not questions:
        raise ValueError(f"{path.name}: no questions found; expected one JSON object per line")
    return questions


def _question_from_record(record: Any) -> EvalQuestion:
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__} {short_repr(record)}")
    missing = [key for key in ("id", "kind", "question", "answers") if key not in record]
    if missing:
        raise ValueError(f"missing required key(s) {missing!r}; required: id, kind, question, answers")
    qid = id_string(record["id"], "id")
    kind = record["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown kind {short_repr(kind)}; valid choices: {KINDS!r}")
    split = record.get("split", "test")
    if split not in SPLITS:
        raise ValueError(f"unknown split {short_repr(split)}; valid choices: {SPLITS!r}")
    question = record["question"]
    if not isinstance(question, str) or not question.strip():
        raise ValueError(f"question must be a non-empty string, got {short_repr(question)}")
    answers = record["answers"]
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        raise ValueError(f"answers must be a list of non-empty strings, got {short_repr(answers)}")
    if kind == "unanswerable" and answers:
        raise ValueError(f"kind 'unanswerable' must have no answers, got {short_repr(answers)}")
    if kind in RANKED_KINDS and not answers:  # ranked and scored by their answers, so they must give one
        # Round 25 (staff audit): such a question was left out of the ranking and counted as a miss elsewhere.
        raise ValueError(f"kind {kind!r} needs at least one answer text (a question with none is 'unanswerable')")
    doc_path = record.get("path", "")
    if not isinstance(doc_path, str):
        raise ValueError(f"path must be a string, got {short_repr(doc_path)}")
    return EvalQuestion(
        id=qid,
        kind=kind,
        question=question.strip(),
        answers=tuple(dict.fromkeys(answers)),
        split=split,
        path=doc_path,
    )


def id_string(value: Any, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{what} must be a non-empty string or an integer, got {short_repr(value)}")
    return str(value)


def short_repr(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."

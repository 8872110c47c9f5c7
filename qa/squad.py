"""SQuAD files (``.json``, v1.1 or v2.0) as evaluation sets: their contexts become a corpus.

Each paragraph's context becomes one corpus file ``doc-<id>.txt`` in ``work_dir / "corpus"``, where
``<id>`` is the paragraph's ``document_id`` or, without one, its 1-based position among all paragraphs of
the file (characters other than letters, digits, ``.``, ``_`` and ``-`` become ``_``). Paragraphs sharing
an id become ``doc-<id>-1.txt``, ``doc-<id>-2.txt``, ... The file is the project's corpus format: a
front-matter block, then the context exactly as given::

    ---
    title: <the article's title, else the context's title line, else "Document <id>">
    source: <the SQuAD file name>
    ---
    <context>

The context's title line serves sets without article titles (COVID-QA: each context is a whole paper
whose first line is its title), so the ``title`` passage context has something to say. It is the first
non-blank line of the context when that looks like a title: at most 200 characters, with a letter, not
ending in ``.`` or ``:`` (a sentence or a lead-in) and not starting with "Abstract"/"Background"; a line
ending in ``-`` goes on with the next line (a hard-wrapped title), and a final ``,`` or ``;`` is dropped.
Only the front matter uses it: the context is written unchanged, and the split below does not use it.

Questions are ``answerable`` with their unique answer texts (first-seen order), or ``unanswerable`` when
``is_impossible`` is true or their ``answers`` list holds no non-empty text. A question with no ``answers``
key at all is an error unless ``is_impossible`` is true (a question-only file cannot be scored).
``answer_start`` is not used: answers are matched by text, and texts missing from their context are counted
in one warning; so are questions that say ``is_impossible`` yet list answers (scored as unanswerable, as the flag
says: round 27 audit, they were dropped silently). ``path`` is the question's document file.

``split`` is a 2-fold split by article, so no article has questions in both folds: ``"dev"`` when the
SHA-1 of the article's key is even, else ``"test"``. The key is the article's title when the SQuAD article
has one (all its paragraphs go together), else the paragraph's ``document_id``, else the article's
position. It depends only on the key, so it is reproducible across runs and machines and roughly
half/half.

Files already present with identical bytes are not rewritten (re-runs are cheap and keep mtimes).
``doc-*.txt`` files left in that folder by an earlier load that are not part of this set are removed, so
the folder holds exactly this set's documents. Any other article file there is an error: the folder is
reserved for the generated corpus.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus import SUFFIXES
from .datasets import EvalQuestion, EvalSet, id_string, read_text, short_repr, split_for_key

__all__ = ["load_squad"]

logger = logging.getLogger(__name__)

_SQUAD_SHAPE = (
    '{"data": [{"title"?, "paragraphs": [{"context", "document_id"?, '
    '"qas": [{"id", "question", "answers": [{"text", "answer_start"}], "is_impossible"?}]}]}]}'
)
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_GENERATED_NAME = re.compile(r"doc-.+\.txt")
_MAX_TITLE_CHARS = 200
_NOT_A_TITLE_START = re.compile(r"(abstract|background)\b", re.IGNORECASE)


@dataclass
class _SquadDoc:
    doc_id: str  # document_id or running index, as given
    split_key: str
    title: str
    context: str
    qas: list[tuple[str, str, tuple[str, ...], bool]]  # (id, question, answers, is_impossible with answers listed)
    filename: str = ""


class _NotSquad(ValueError):
    pass


def load_squad(path: Path, work_dir: Path) -> EvalSet:
    """The questions of SQuAD file ``path``; its contexts are written as corpus files in ``work_dir / "corpus"``."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{str(path)!r} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    try:
        docs = _parse_squad(data)
    except _NotSquad as exc:
        raise ValueError(f"{str(path)!r} is not a SQuAD file: {exc}; expected {_SQUAD_SHAPE}") from None
    _assign_filenames(docs)

    questions: list[EvalQuestion] = []
    seen: set[str] = set()
    not_verbatim = contradictory = 0
    for doc in docs:
        split = split_for_key(doc.split_key)
        for qid, question, answers, contradicts in doc.qas:
            contradictory += contradicts
            if qid in seen:
                raise ValueError(f"{str(path)!r} is not a usable SQuAD file: question id {qid!r} occurs twice")
            seen.add(qid)
            not_verbatim += sum(answer not in doc.context for answer in answers)
            questions.append(
                EvalQuestion(
                    id=qid,
                    kind="answerable" if answers else "unanswerable",
                    question=question,
                    answers=answers,
                    split=split,
                    path=doc.filename,
                )
            )
    if not questions:
        raise ValueError(f"{str(path)!r} holds no questions; expected {_SQUAD_SHAPE}")
    if not_verbatim:
        logger.warning("%s: %d answer text(s) do not occur verbatim in their context", path.name, not_verbatim)
    if contradictory:
        logger.warning(
            '%s: %d question(s) say "is_impossible": true but list answers; scored as unanswerable',
            path.name,
            contradictory,
        )

    corpus_dir = work_dir / "corpus"
    _write_corpus(corpus_dir, {doc.filename: _document_bytes(doc, path.name) for doc in docs}, path.name)
    counts = Counter(q.split for q in questions)
    logger.info(
        "Loaded %s: %d questions (dev %d, test %d) over %d documents in %s",
        path.name,
        len(questions),
        counts["dev"],
        counts["test"],
        len(docs),
        corpus_dir,
    )
    return EvalSet(name=path.stem, questions=questions, corpus_dir=corpus_dir)


def _parse_squad(data: Any) -> list[_SquadDoc]:
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise _NotSquad(f"the top level must be an object with a 'data' list, got {_shape(data)}")
    docs: list[_SquadDoc] = []
    for a, article in enumerate(data["data"]):
        where = f"data[{a}]"
        if not isinstance(article, dict) or not isinstance(article.get("paragraphs"), list):
            raise _NotSquad(f"{where} must be an object with a 'paragraphs' list, got {_shape(article)}")
        title = article.get("title")
        if title is not None and not isinstance(title, str):
            raise _NotSquad(f"{where}.title must be a string, got {short_repr(title)}")
        title = " ".join((title or "").split())  # one line, or the front matter would break
        for p, paragraph in enumerate(article["paragraphs"]):
            docs.append(_parse_paragraph(paragraph, f"{where}.paragraphs[{p}]", title, a, len(docs) + 1))
    return docs


def _parse_paragraph(paragraph: Any, where: str, title: str, article_index: int, running: int) -> _SquadDoc:
    if not isinstance(paragraph, dict):
        raise _NotSquad(f"{where} must be an object, got {_shape(paragraph)}")
    context = paragraph.get("context")
    if not isinstance(context, str):
        raise _NotSquad(f"{where}.context must be a string, got {_shape(context)}")
    qas = paragraph.get("qas")
    if not isinstance(qas, list):
        raise _NotSquad(f"{where}.qas must be a list, got {_shape(qas)}")
    raw_id = paragraph.get("document_id")
    try:
        doc_id = str(running) if raw_id is None else id_string(raw_id, "document_id")
    except ValueError as exc:
        raise _NotSquad(f"{where}.{exc}") from None
    if title:
        split_key = f"title:{title}"
    elif raw_id is not None:
        split_key = f"document_id:{doc_id}"
    else:
        split_key = f"article:{article_index}"
    parsed = [_parse_qa(qa, f"{where}.qas[{q}]") for q, qa in enumerate(qas)]
    return _SquadDoc(doc_id=doc_id, split_key=split_key, title=title, context=context, qas=parsed)


def _parse_qa(qa: Any, where: str) -> tuple[str, str, tuple[str, ...], bool]:
    if not isinstance(qa, dict):
        raise _NotSquad(f"{where} must be an object, got {_shape(qa)}")
    for key in ("id", "question"):
        if key not in qa:
            raise _NotSquad(f"{where} has no {key!r}")
    try:
        qid = id_string(qa["id"], "id")
    except ValueError as exc:
        raise _NotSquad(f"{where}.{exc}") from None
    question = qa["question"]
    if not isinstance(question, str) or not question.strip():
        raise _NotSquad(f"{where}.question must be a non-empty string, got {short_repr(question)}")
    impossible = qa.get("is_impossible", False)
    if not isinstance(impossible, bool):
        raise _NotSquad(f"{where}.is_impossible must be true or false, got {short_repr(impossible)}")
    if "answers" not in qa and not impossible:
        # Read as "unanswerable", a question-only file would score abstention on questions that have answers.
        raise _NotSquad(f"{where} has no 'answers' list (an unanswerable question says \"is_impossible\": true)")
    answers = qa.get("answers", [])
    if not isinstance(answers, list):
        raise _NotSquad(f"{where}.answers must be a list, got {_shape(answers)}")
    texts: list[str] = []
    for n, answer in enumerate(answers):
        if not isinstance(answer, dict) or not isinstance(answer.get("text"), str):
            raise _NotSquad(f"{where}.answers[{n}] must be an object with a 'text' string, got {short_repr(answer)}")
        texts.append(answer["text"])
    listed = tuple(dict.fromkeys(text for text in texts if text.strip()))
    return qid, question.strip(), () if impossible else listed, impossible and bool(listed)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        keys = list(value)
        return f"an object with keys {keys[:8]!r}" + (" ..." if len(keys) > 8 else "")
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return short_repr(value)


def _assign_filenames(docs: list[_SquadDoc]) -> None:
    """``doc-<id>.txt``, or ``doc-<id>-<n>.txt`` (n from 1, file order) when paragraphs share an id."""
    safe = [_UNSAFE_NAME_CHARS.sub("_", doc.doc_id) for doc in docs]
    counts = Counter(safe)
    used = {f"doc-{name}.txt" for name in safe if counts[name] == 1}
    next_n: Counter[str] = Counter()
    for doc, name in zip(docs, safe, strict=True):
        if counts[name] == 1:
            doc.filename = f"doc-{name}.txt"
            continue
        while True:
            next_n[name] += 1
            candidate = f"doc-{name}-{next_n[name]}.txt"
            if candidate not in used:
                break
        used.add(candidate)
        doc.filename = candidate


def _title_line(context: str) -> str:
    """The context's first non-blank line, one-spaced, if it looks like a title (module docstring), else ""."""
    lines = [line.strip() for line in context.splitlines()] + [""]
    first = next((n for n, line in enumerate(lines) if line), None)
    if first is None:
        return ""
    title = lines[first]
    if title.endswith("-"):  # "... the impact of non-" / "pharmaceutical interventions ..." (or "" at a break)
        title += lines[first + 1]
    title = " ".join(title.split()).rstrip(",;").rstrip()
    if (
        len(title) > _MAX_TITLE_CHARS
        or title.endswith((".", ":"))
        or _NOT_A_TITLE_START.match(title)
        or not any(c.isalpha() for c in title)
    ):
        return ""
    return title


def _document_bytes(doc: _SquadDoc, source: str) -> bytes:
    title = doc.title or _title_line(doc.context) or f"Document {' '.join(doc.doc_id.split())}"
    header = f"---\ntitle: {title}\nsource: {' '.join(source.split())}\n---\n"
    return (header + doc.context).encode("utf-8")


def _write_corpus(corpus_dir: Path, files: dict[str, bytes], source: str) -> None:
    """Make ``corpus_dir`` hold exactly ``files``, rewriting only what differs."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    stale: list[Path] = []
    for existing in sorted(corpus_dir.rglob("*")):
        rel = existing.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or not existing.is_file():
            continue
        if existing.suffix.lower() not in SUFFIXES or (existing.name in files and existing.parent == corpus_dir):
            continue
        if existing.parent == corpus_dir and _GENERATED_NAME.fullmatch(existing.name):
            stale.append(existing)
            continue
        raise ValueError(
            f"{str(corpus_dir)!r} holds {rel.as_posix()!r}, which loading {source!r} did not generate; "
            f"give each SQuAD file a work_dir of its own (the corpus folder is rewritten)"
        )
    for old in stale:
        old.unlink()
    written = 0
    for name, data in files.items():
        target = corpus_dir / name
        try:
            if target.is_file() and target.read_bytes() == data:
                continue
        except OSError:
            pass
        tmp = corpus_dir / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    logger.info(
        "Corpus %s: %d file(s) written, %d unchanged, %d stale removed",
        corpus_dir,
        written,
        len(files) - written,
        len(stale),
    )

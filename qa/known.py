"""Known questions: questions whose answer is known, so that a patient's question worded like one of them
finds that answer's passage.

``qa/known_questions.jsonl`` (``Settings.known_questions``) holds one JSON object per line (shown wrapped)::

    {"question": "do they even know how ketamine works",
     "answers": ["The precise mechanism of ketamine's action is still being studied"],
     "paths": ["what-is-ketamine-therapy-and-how-does-it-work.txt"]}

``answers`` are verbatim snippets of the articles (matched like the evaluation's gold answers: case,
whitespace, quotes and dashes normalised by :func:`qa.metrics.normalise`); an entry points at every
passage containing one of them, in the articles named by ``paths`` (file names in the corpus folder;
optional: without it, any article). ``paths`` keeps a short snippet ("reducing inflammation") from
pointing at an unrelated article that happens to use the same words — one of the COVID-QA papers does.

The shipped file is the dev questions of ``eval/questions.jsonl`` (answerable and crisis-topic ones) and
``eval/faq_dev.jsonl`` … ``eval/faq_dev4.jsonl`` with their gold answers (1,388 questions), written by
``.venv/bin/python eval/make_known_questions.py``; staff may add lines — for instance a question from the
unanswered log with the sentence that does answer it.

At the second retrieval stage (:meth:`qa.retrieval.Retriever.rerank`) each passage gains
``known_weight × (s - t) / (1 - t)``, where ``s`` is the highest cosine between the question and a known
question pointing at the passage and ``t`` is ``known_threshold`` (nothing below it). Both questions are
embedded after spelling correction, as retrieval embeds them. An entry none of whose answers is in the
corpus points nowhere and changes nothing: a warning when its articles are there but its answers are
not (an article was edited: staff should mend or drop the entry), a note when its articles are not
(another corpus is searched, as with COVID-QA).

The known questions are corrected and embedded when a retriever is first made over an index generation
(about 4 s for 1,074 questions on two cores, measured 2026-12-02; roughly 1 s more for today's 1,388) and kept
in ``index/known/`` for later processes.

Evaluation (``qa eval``, the abstention calibration) sets ``Settings.known_leave_one_out``: a known
question worded exactly like the question asked is then left out, so a dev question never finds itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import KNOWN_QUESTIONS_FILE
from .errors import QAError, read_lines
from .metrics import normalise

__all__ = ["KNOWN_QUESTIONS_FILE", "KnownQuestion", "KnownQuestions", "load_known_questions"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownQuestion:
    question: str
    answers: tuple[str, ...]
    #: The articles the answers are quoted from (corpus-relative paths); empty: any article.
    paths: tuple[str, ...] = ()


def load_known_questions(path: Path) -> list[KnownQuestion]:
    """The entries of ``path``; a malformed line is a :class:`QAError` naming the file and line."""
    path = Path(path)
    lines = read_lines(path, "known-questions")
    entries = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QAError(f"{str(path)!r} line {number}: not JSON ({exc.msg})") from None
        question = row.get("question") if isinstance(row, dict) else None
        answers = row.get("answers") if isinstance(row, dict) else None
        paths = row.get("paths", []) if isinstance(row, dict) else None
        if (
            not isinstance(paths, list)
            or not all(isinstance(p, str) and p.strip() for p in paths)
            or (
                not isinstance(question, str)
                or not question.strip()
                or not isinstance(answers, list)
                or not answers
                or not all(isinstance(a, str) and normalise(a) for a in answers)
            )
        ):
            raise QAError(
                f"{str(path)!r} line {number}: expected "
                '{"question": "<text>", "answers": ["<verbatim snippet>", ...], "paths": ["<article>", ...]} '
                "with non-empty strings (paths optional)"
            )
        entries.append(KnownQuestion(question.strip(), tuple(answers), tuple(paths)))
    return entries


#: Embedded known-question sets kept per process, by :func:`_cache_key`: every retriever of an evaluation run
#: (two per configuration) reuses them. Value: (questions as searched, their vectors).
_VECTORS: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
_VECTOR_SETS = 4
#: Per model, each corrected known question's vector, whatever set it came in: a new index generation (an article
#: edited) changes the cache key, but few corrected questions change, so only those are embedded again (round 17
#: audit: every edit re-embedded all 1,388 questions, and questions waited ~10 s behind the reload).
_BY_TEXT: dict[str, dict[str, np.ndarray]] = {}
_BY_TEXT_MAX = 50_000


class KnownQuestions:
    """Known questions embedded, each with the passage rows holding one of its answers."""

    def __init__(self, questions: Sequence[str], vectors: np.ndarray, rows: Sequence[np.ndarray]) -> None:
        #: Each known question as searched (spelling corrected), normalised: what leave-one-out compares.
        self.questions = [normalise(q) for q in questions]
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.rows = list(rows)
        # (known question, row) pairs, flat: the best cosine per row is one ``np.maximum.at``.
        self._pair_entries = np.repeat(np.arange(len(self.rows)), [len(r) for r in self.rows])
        self._pair_rows = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)

    @classmethod
    def build(
        cls,
        entries: Sequence[KnownQuestion],
        passage_texts: Sequence[str],
        passage_files: Sequence[str],
        correct: Callable[[str], str],
        encode: Callable[[list[str]], np.ndarray],
        model_id: str,
        *,
        context: str = "",
        cache_dir: Path | None = None,
    ) -> KnownQuestions:
        """``entries`` that point at a passage (of ``passage_texts``, from files ``passage_files``), spelling
        corrected by ``correct`` and embedded by ``encode`` (model ``model_id``) as a question is.

        The corrected questions and their vectors are kept per process and, with ``cache_dir``, on disk
        (``known-<key>.npz``, no pickle), keyed by the model, ``context`` (what else ``correct`` depends on:
        the retriever passes its index generation and spelling setting) and the questions: a later process
        reads them instead of correcting and embedding again (start-up of ``qa ask`` 1.4 s → 0.7 s).
        """
        by_file: dict[str, list[int]] = {}
        for row, name in enumerate(passage_files):
            by_file.setdefault(name, []).append(row)
        # Only the articles some entry names are read (all of them if an entry names none): on another corpus,
        # or a large one, the entries cost nothing.
        wanted = by_file.keys() if any(not e.paths for e in entries) else {p for e in entries for p in e.paths}
        texts = {r: normalise(passage_texts[r]) for name in wanted if name in by_file for r in by_file[name]}
        whole = {name: " ".join(texts[r] for r in by_file[name]) for name in wanted if name in by_file}
        kept: list[tuple[str, np.ndarray]] = []
        stale = []  # entries whose articles are here but whose answers are not: an article was edited
        for entry in entries:
            answers = [a for a in map(normalise, entry.answers) if a]
            named = [name for name in entry.paths if name in whole] if entry.paths else list(whole)
            files = [name for name in named if any(a in whole[name] for a in answers)]
            rows = [r for name in files for r in by_file[name] if any(a in texts[r] for a in answers)]
            if rows:
                kept.append((entry.question, np.asarray(sorted(rows), dtype=np.int64)))
            elif named:
                stale.append(entry.question)
        if stale:
            logger.warning(
                "Known questions: %d answer(s) no longer found in their articles (edit or remove them), e.g. %r",
                len(stale),
                stale[0][:80],
            )
        if len(kept) + len(stale) < len(entries):
            absent = sorted({p for e in entries if e.paths and not any(p in whole for p in e.paths) for p in e.paths})
            # On this corpus (some entries found their article) an absent one was renamed or removed: staff should
            # know, as the answers it pointed at lose their lift (round 25 staff audit). On another corpus: expected.
            own_corpus = bool(kept or stale)
            (logger.warning if own_corpus else logger.info)(
                "Known questions: %d name articles not in this corpus (%s%s)%s",
                len(entries) - len(kept) - len(stale),
                ", ".join(absent[:3]),
                ", …" if len(absent) > 3 else "",
                "; renamed or removed? Update qa/known_questions.jsonl" if own_corpus else "",
            )
        if not kept:
            return cls([], np.zeros((0, 0), dtype=np.float32), [])
        asked = tuple(q for q, _ in kept)
        key = _cache_key(model_id, context, asked)
        cached = _VECTORS.get(key) or (_read_cache(cache_dir / f"known-{key}.npz", len(asked)) if cache_dir else None)
        if cached is None:
            questions = tuple(correct(q) for q in asked)
            cached = (questions, _embed(questions, encode, model_id, cache_dir))
            if cache_dir is not None:
                _write_cache(cache_dir, key, *cached, model_id=model_id)
        if len(_VECTORS) >= _VECTOR_SETS:
            _VECTORS.clear()
        _VECTORS[key] = cached
        _remember(model_id, *cached)
        return cls(cached[0], cached[1], [rows for _, rows in kept])

    def __len__(self) -> int:
        return len(self.rows)

    def similarity(self, question: str, vector: np.ndarray, n_rows: int, *, leave_one_out: bool = False) -> np.ndarray:
        """Per passage row (``n_rows`` of them), the highest cosine between ``vector`` and a known question
        pointing at it (-1 where none does); with ``leave_one_out`` a known question worded as ``question``
        (as searched, after :func:`qa.metrics.normalise`) is skipped."""
        best = np.full(n_rows, -1.0, dtype=np.float32)
        if not self.rows:
            return best
        cosines = self.vectors @ np.asarray(vector, dtype=np.float32)
        if leave_one_out:
            asked = normalise(question)
            cosines[[i for i, q in enumerate(self.questions) if q == asked]] = -1.0
        np.maximum.at(best, self._pair_rows, cosines[self._pair_entries])
        return best


def _remember(model_id: str, questions: Sequence[str], vectors: np.ndarray) -> None:
    known = _BY_TEXT.setdefault(model_id, {})
    if len(known) + len(questions) > _BY_TEXT_MAX:
        known.clear()
    known.update(zip(questions, vectors, strict=True))


def _embed(
    questions: tuple[str, ...], encode: Callable[[list[str]], np.ndarray], model_id: str, cache_dir: Path | None
) -> np.ndarray:
    """Vectors of ``questions``: those embedded before by ``model_id`` (in this process, or in a cache file of
    ``cache_dir`` written for that model) are reused, the rest are embedded."""
    known = _BY_TEXT.get(model_id, {})
    if cache_dir is not None and any(q not in known for q in questions):
        for path in sorted(cache_dir.glob("known-*.npz")):  # the previous generation's, not yet replaced
            if (old := _read_cache(path, None, model_id)) is not None:
                _remember(model_id, *old)
        known = _BY_TEXT.get(model_id, {})
    missing = sorted({q for q in questions if q not in known})
    if missing:
        logger.info("Known questions: embedding %d of %d (the rest reused)", len(missing), len(questions))
        fresh = dict(zip(missing, np.asarray(encode(missing), dtype=np.float32), strict=True))
    else:
        fresh = {}
    return np.stack([fresh[q] if q in fresh else known[q] for q in questions]).astype(np.float32)


def _cache_key(model_id: str, context: str, questions: Sequence[str]) -> str:
    payload = json.dumps([_CACHE_FORMAT, model_id, context, list(questions)], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


_CACHE_FORMAT = 1


def _read_cache(path: Path, count: int | None, model_id: str = "") -> tuple[tuple[str, ...], np.ndarray] | None:
    """The cached (questions as searched, vectors) at ``path``, or None when missing or not right; with
    ``model_id``, None too unless the file says it was written for that model (files before round 17 do not)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if model_id and ("model" not in data.files or str(data["model"]) != model_id):
                return None
            questions, vectors = tuple(str(q) for q in data["questions"]), np.asarray(data["vectors"], np.float32)
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, EOFError, zipfile.BadZipFile):
        # Not numpy's own words: a damaged file read as "Cannot load file containing pickled data when
        # allow_pickle=False", which sends staff looking for a pickle (round 16 audit).
        logger.warning("Known questions: ignoring the damaged cache %s (not a saved cache); embedding again", path.name)
        return None
    except OSError as exc:
        logger.warning("Known questions: ignoring the unreadable cache %s (%s); embedding again", path.name, exc)
        return None
    count = len(questions) if count is None else count
    if len(questions) != count or vectors.ndim != 2 or len(vectors) != count or not np.isfinite(vectors).all():
        logger.warning("Known questions: ignoring the cache %s (wrong shape); embedding again", path.name)
        return None
    return questions, vectors


def _write_cache(
    folder: Path, key: str, questions: tuple[str, ...], vectors: np.ndarray, *, model_id: str = ""
) -> None:
    """Write the cache atomically (a temporary file renamed), dropping older ones; a read-only folder is no error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".known-", suffix=".npz", delete=False) as fh:
            try:
                np.savez(fh, questions=np.array(questions, dtype=str), vectors=vectors, model=np.array(model_id))
            except BaseException:
                Path(fh.name).unlink(missing_ok=True)
                raise
        os.replace(fh.name, folder / f"known-{key}.npz")
        for old in folder.glob("known-*.npz"):
            if old.name != f"known-{key}.npz":
                old.unlink(missing_ok=True)
    except OSError as exc:
        logger.info("Known questions: cache not written (%s)", exc)

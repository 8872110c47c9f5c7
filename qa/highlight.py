"""Which sentence of a quoted passage answers the question, and which passages repeat each other.

Every sentence unit of every passage (``Passage.sentences``: sentences, bullets, table units; never
headings) gets a vector once per loaded index (:class:`SentenceIndex`). Answering a question then
costs one matrix product per quoted passage: the question↔sentence cosines give

* the **highlights** of a quote (:func:`highlight_spans`): its best sentence, plus any other sentence
  within :data:`HIGHLIGHT_MARGIN` of it (at most :data:`MAX_HIGHLIGHTS`), as ``[start, end]`` file
  offsets — still verbatim, the quote itself is never cut. A line that is itself a question (an FAQ
  question kept as text) is never highlighted: the answer after it is;
* the **answerability signal** of :mod:`qa.abstention`: the best cosine over the quoted sentences.

:func:`distinct` drops a passage that overlaps an earlier one in the same file or whose words are
nearly all in an earlier one (the same text in two articles), so an answer never shows a thing twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence

import numpy as np

from .chunking import Passage

__all__ = [
    "HIGHLIGHT_MARGIN",
    "MAX_HIGHLIGHTS",
    "NEAR_DUPLICATE",
    "SentenceIndex",
    "distinct",
    "highlight_spans",
    "is_question_line",
    "near_duplicate",
]

logger = logging.getLogger(__name__)

#: Other sentences are highlighted too when their cosine is within this of the best one's.
HIGHLIGHT_MARGIN = 0.04
MAX_HIGHLIGHTS = 2
#: Two passages are the same text when this share of the smaller one's words is in the other.
NEAR_DUPLICATE = 0.9
#: Sentence vectors are computed at load for an index with at most this many sentences, else on first use
#: (a large evaluation corpus then encodes only the passages its questions actually quote).
WARM_LIMIT = 2_000

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def is_question_line(text: str) -> bool:
    """A unit that asks rather than answers (ends with a question mark)."""
    return text.rstrip().rstrip("\"'”’)").endswith("?")


class SentenceIndex:
    """Vectors of every sentence unit of an index's passages, computed once and kept in memory."""

    def __init__(self, passages: Sequence[Passage], embedder: object, *, warm: bool | None = None) -> None:
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        total = sum(len(p.sentences) for p in passages)
        if warm is None:
            warm = total <= WARM_LIMIT
        if warm:
            self._encode(list(passages))
            logger.info("Sentence vectors: %d sentences of %d passages", total, len(passages))

    @classmethod
    def for_index(cls, index: object, embedder: object) -> SentenceIndex:
        """The sentence vectors of a loaded index: read from it when it saved them, else computed now."""
        passages = index.passages  # type: ignore[attr-defined]
        vectors = getattr(index, "sentence_vectors", None)
        offsets = getattr(index, "sentence_offsets", None)
        sizes = [len(p.sentences) for p in passages]
        if vectors is not None and offsets is not None and list(np.diff(np.asarray(offsets))) == sizes:
            made = cls(passages, embedder, warm=False)
            for row, p in enumerate(passages):
                made._vectors[p.id] = np.asarray(vectors[offsets[row] : offsets[row + 1]], dtype=np.float32)
            return made
        return cls(passages, embedder)

    @staticmethod
    def texts(passage: Passage) -> list[str]:
        """The verbatim text of each sentence unit of ``passage``."""
        return [passage.text[s - passage.start : e - passage.start] for s, e in passage.sentences]

    def _encode(self, passages: list[Passage]) -> None:
        todo = [p for p in passages if p.id not in self._vectors]
        texts = [t for p in todo for t in self.texts(p)]
        if not texts:
            for p in todo:
                self._vectors[p.id] = np.zeros((0, 1), dtype=np.float32)
            return
        vectors = np.asarray(self._embedder.encode(texts), dtype=np.float32)
        row = 0
        for p in todo:
            self._vectors[p.id] = vectors[row : row + len(p.sentences)]
            row += len(p.sentences)

    def scores(self, passages: Sequence[Passage], question_vector: np.ndarray) -> list[np.ndarray]:
        """Cosine of the question and each sentence unit, per passage (encoding unseen passages once)."""
        self._encode(list(passages))
        out = []
        for p in passages:
            matrix = self._vectors[p.id]
            out.append(matrix @ question_vector if len(matrix) else np.zeros(0, dtype=np.float32))
        return out

    def __len__(self) -> int:
        return sum(len(v) for v in self._vectors.values())


def answering(passage: Passage, scores: np.ndarray) -> np.ndarray:
    """``scores`` with question lines (and empty units) masked to ``-inf``, unless nothing else is left."""
    masked = np.asarray(scores, dtype=np.float32).copy()
    for i, text in enumerate(SentenceIndex.texts(passage)):
        if is_question_line(text) or not text.strip():
            masked[i] = -np.inf
    return masked if np.isfinite(masked).any() else np.asarray(scores, dtype=np.float32)


def highlight_spans(
    passage: Passage, scores: np.ndarray, *, margin: float = HIGHLIGHT_MARGIN, limit: int = MAX_HIGHLIGHTS
) -> tuple[tuple[int, int], ...]:
    """File offsets of the sentence(s) of ``passage`` that best answer, in reading order."""
    if not len(passage.sentences) or len(scores) != len(passage.sentences):
        return ()
    masked = answering(passage, scores)
    best = float(np.max(masked))
    order = [i for i in np.argsort(-masked, kind="stable") if np.isfinite(masked[i]) and masked[i] >= best - margin]
    chosen = sorted(order[: max(limit, 1)])
    return tuple((int(passage.sentences[i][0]), int(passage.sentences[i][1])) for i in chosen)


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in _WORDS.findall(text))


def near_duplicate(a: str, b: str, threshold: float = NEAR_DUPLICATE) -> bool:
    """True when at least ``threshold`` of the smaller text's distinct words are in the other one."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return a.strip() == b.strip()
    return len(wa & wb) >= threshold * min(len(wa), len(wb))


def _overlaps(a: Passage, b: Passage) -> bool:
    return a.path == b.path and a.start < b.end and b.start < a.end


def distinct(passages: Iterable[Passage], limit: int, threshold: float = NEAR_DUPLICATE) -> list[int]:
    """Indices of the first ``limit`` passages (in the given order) that repeat no earlier kept one."""
    kept: list[Passage] = []
    indices: list[int] = []
    for i, p in enumerate(passages):
        if len(indices) >= limit:
            break
        if any(_overlaps(p, q) or near_duplicate(p.text, q.text, threshold) for q in kept):
            continue
        kept.append(p)
        indices.append(i)
    return indices

"""Finding the passages closest to a question.

One code path serves ``qa ask``, the app and ``qa eval``: :meth:`Retriever.search`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chunking import Passage
from .config import Settings
from .store import IndexData

__all__ = ["RETRIEVERS", "Hit", "Retriever", "make_retriever"]


@dataclass(frozen=True)
class Hit:
    """A passage with its retrieval score (cosine similarity for dense search) and 1-based rank."""

    passage: Passage
    score: float
    rank: int


class Retriever:
    """Dense retrieval: the question's vector against the FAISS inner-product index."""

    def __init__(self, index: IndexData, embedder: object) -> None:
        self.index = index
        self.embedder = embedder

    def search_vector(self, vector: np.ndarray, k: int) -> list[Hit]:
        k = min(k, len(self.index))
        if k < 1:
            return []
        scores, rows = self.index.vectors.search(vector.reshape(1, -1).astype(np.float32), k)
        return [
            Hit(self.index.passages[row], float(score), rank)
            for rank, (score, row) in enumerate(zip(scores[0], rows[0]), start=1)
            if row >= 0
        ]

    def search(self, question: str, k: int) -> list[Hit]:
        """The ``k`` best passages for ``question``, best first."""
        return self.search_vector(self.embedder.encode([question])[0], k)


#: Retriever names accepted by ``Settings.retriever``.
RETRIEVERS = {"dense": Retriever}


def make_retriever(settings: Settings, index: IndexData, embedder: object) -> Retriever:
    """The retriever named by ``settings.retriever``."""
    try:
        cls = RETRIEVERS[settings.retriever]
    except KeyError:
        raise ValueError(f"Retriever {settings.retriever!r} is not supported; valid: {sorted(RETRIEVERS)!r}") from None
    return cls(index, embedder)

"""The one object that answers questions, shared by the CLI, the app and the evaluation."""

from __future__ import annotations

import logging
import unicodedata

from .answer import Answer, compose
from .config import Settings, load_settings
from .embedding import Embedder
from .errors import InvalidQuestion
from .retrieval import Hit, make_retriever
from .store import IndexData, open_index

__all__ = ["Pipeline", "clean_question"]

logger = logging.getLogger(__name__)


def clean_question(text: object, max_chars: int) -> str:
    """The question with control characters removed and whitespace collapsed.

    Raises :class:`InvalidQuestion` (one line, naming the limit) when it is not text, is empty once
    cleaned, or is longer than ``max_chars`` characters. Long questions are refused, not truncated,
    so nothing the person wrote is silently dropped.
    """
    if not isinstance(text, str):
        raise InvalidQuestion(f"The question must be text, not {type(text).__name__}")
    if len(text) > max_chars:
        raise InvalidQuestion(f"The question is {len(text):,} characters long; the maximum is {max_chars:,}")
    visible = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    cleaned = " ".join(visible.split())
    if not cleaned:
        raise InvalidQuestion("The question is empty: type a question about ketamine therapy")
    return cleaned


class Pipeline:
    """Settings + verified index + retriever + answer composition.

    The index is opened at construction (built first if missing, stale or corrupt, unless
    ``rebuild=False``), and the model loaded once.
    """

    def __init__(
        self, settings: Settings | None = None, *, rebuild: bool = True, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings or load_settings()
        self._embedder = embedder
        self.index: IndexData = open_index(self.settings, self._get_embedder, rebuild=rebuild)
        self.retriever = make_retriever(self.settings, self.index, self._get_embedder())

    def _get_embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(self.settings.model, batch_size=self.settings.batch_size)
        return self._embedder

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        """Ranked passages for a (validated) question: what staff look-up and evaluation use."""
        question = clean_question(question, self.settings.max_question_chars)
        return self.retriever.search(question, k or self.settings.candidates)

    def ask(self, question: str, k: int | None = None) -> Answer:
        """The full answer for a person: quotes (or an abstention) plus the disclaimer."""
        cleaned = clean_question(question, self.settings.max_question_chars)
        top_k = k or self.settings.top_k
        if top_k < 1:
            raise InvalidQuestion(f"k must be at least 1, got {top_k!r}")
        hits = self.retriever.search(cleaned, max(top_k, self.settings.candidates))
        return compose(cleaned, hits, top_k=top_k, min_score=self.settings.min_score)

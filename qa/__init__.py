"""Retrieval question answering over the clinic's articles: verbatim quotes, citations, safety routing."""

from __future__ import annotations

from .answer import DISCLAIMER, Answer, Quote
from .chunking import Passage, chunk_document
from .config import Settings, load_settings
from .corpus import Document, load_corpus
from .errors import CorpusError, IndexUnavailable, InvalidQuestion, ModelUnavailable, QAError
from .pipeline import Pipeline
from .retrieval import Hit

__all__ = [
    "DISCLAIMER",
    "Answer",
    "CorpusError",
    "Document",
    "Hit",
    "IndexUnavailable",
    "InvalidQuestion",
    "ModelUnavailable",
    "Passage",
    "Pipeline",
    "QAError",
    "Quote",
    "Settings",
    "chunk_document",
    "load_corpus",
    "load_settings",
]

"""One settings object with defaults; environment overrides are read in :func:`load_settings` only.

Environment variables (all optional):

``QA_CORPUS_DIR``, ``QA_INDEX_DIR``
    Where articles are read from and where the built index lives.
``QA_TOP_K``
    How many quotes an answer shows at most.
``QA_MAX_QUESTION_CHARS``
    Longest question accepted (longer ones get a clear error, not a truncation).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

__all__ = ["CONFIGURATIONS", "PROJECT_ROOT", "Settings", "load_settings"]

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    """Every tunable of the pipeline, with the defaults the product ships with."""

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    #: Sentence-transformers model; the packaged all-MiniLM-L6-v2 is the only one available offline.
    model: str = "all-MiniLM-L6-v2"
    #: Passages pack whole sentences up to this many characters (a longer single sentence stays whole).
    max_chars: int = 600
    #: Sentences repeated from the end of one passage at the start of the next one in the same section.
    overlap_sentences: int = 0
    top_k: int = 3
    #: Candidates pulled from the index before answering picks the quotes.
    candidates: int = 20
    max_question_chars: int = 1000
    #: Which ranker answers questions; see ``qa.retrieval`` for the names.
    retriever: str = "dense"
    #: Below this best-passage cosine score the answer is ``no_answer`` (calibrated in eval/).
    min_score: float = 0.35
    batch_size: int = 32

    def chunking(self) -> dict[str, int]:
        """The settings that shape passages; a change to any of them makes the index stale."""
        return {"max_chars": self.max_chars, "overlap_sentences": self.overlap_sentences}


#: Named configurations for ``qa eval --compare``: Settings overrides by name ("production" = defaults).
CONFIGURATIONS: dict[str, dict[str, object]] = {
    "production": {},
    "dense": {"retriever": "dense"},
}

_ENV = {
    "QA_CORPUS_DIR": "corpus_dir",
    "QA_INDEX_DIR": "index_dir",
    "QA_TOP_K": "top_k",
    "QA_MAX_QUESTION_CHARS": "max_question_chars",
}


def load_settings(**overrides: object) -> Settings:
    """Defaults, then environment variables, then explicit ``overrides`` (``None`` values ignored)."""
    types = {f.name: f.type for f in fields(Settings)}
    values: dict[str, object] = {}
    for var, name in _ENV.items():
        raw = os.environ.get(var)
        if raw:
            values[name] = _coerce(var, raw, types[name])
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(values) - set(types)
    if unknown:
        raise TypeError(f"Unknown setting(s) {sorted(unknown)!r}; valid: {sorted(types)!r}")
    for name in ("corpus_dir", "index_dir"):
        if name in values:
            values[name] = Path(values[name]).expanduser()  # type: ignore[arg-type]
    return replace(Settings(), **values)


def _coerce(var: str, raw: str, type_name: object) -> object:
    if type_name in ("int", int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{var}={raw!r} is not an integer") from None
    return raw

"""Synthetic corpora for benchmarks: real-text articles of any size, and clustered vectors beyond that.

:func:`write_corpus` writes articles in the project's corpus format whose sentences are real English
sentences drawn (seeded) from a pool of source texts — the clinic's articles and, when given, other
texts such as COVID-QA contexts — under headings, so chunking and embedding see realistic passages.
:func:`clustered_vectors` makes unit vectors for sizes too large to embed here: each is a real
passage vector plus Gaussian noise, renormalised, so the set keeps the topical clusters of real
embeddings (uniform random vectors have none, which would make approximate search look worse than it
is on real text). Both are deterministic for a given seed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .chunking import sentence_spans

__all__ = ["clustered_vectors", "sentence_pool", "write_corpus"]

logger = logging.getLogger(__name__)

_WORDS = re.compile(r"[A-Za-z]{4,}")


def sentence_pool(texts: Iterable[str], *, min_chars: int = 40, max_chars: int = 400) -> list[str]:
    """Distinct single-line sentences of ``texts`` between ``min_chars`` and ``max_chars`` long."""
    seen: dict[str, None] = {}
    for text in texts:
        for start, end in sentence_spans(text):
            sentence = " ".join(text[start:end].split())
            if min_chars <= len(sentence) <= max_chars and sentence.endswith((".", "?", "!")):
                seen.setdefault(sentence, None)
    return list(seen)


def write_corpus(
    out_dir: Path,
    pool: list[str],
    *,
    articles: int,
    chars_per_article: int = 6000,
    seed: int = 0,
) -> list[Path]:
    """Write ``articles`` synthetic articles (``synthetic-00000.txt`` …) into ``out_dir``.

    Each has front matter, a title, and sections of a heading plus paragraphs of 2–5 pool sentences,
    about ``chars_per_article`` characters in all. Existing files with the same bytes are kept.
    """
    if not pool:
        raise ValueError("The sentence pool is empty: give source texts with full sentences")
    rng = np.random.default_rng(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in range(articles):
        words = _WORDS.findall(pool[int(rng.integers(len(pool)))])
        title = " ".join(w.capitalize() for w in words[:5]) or f"Article {a}"
        lines = ["---", f"title: {title}", "source: synthetic (qa.synthetic)", "---", title, ""]
        size = 0
        while size < chars_per_article:
            heading_words = _WORDS.findall(pool[int(rng.integers(len(pool)))])[:4]
            lines += [" ".join(heading_words).capitalize() or "Section", ""]
            for _ in range(int(rng.integers(1, 4))):
                paragraph = " ".join(pool[int(i)] for i in rng.integers(len(pool), size=int(rng.integers(2, 6))))
                lines += [paragraph, ""]
                size += len(paragraph)
        path = out_dir / f"synthetic-{a:05d}.txt"
        data = "\n".join(lines).encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
        paths.append(path)
    return paths


def clustered_vectors(base: np.ndarray, n: int, *, noise: float = 0.06, seed: int = 0) -> np.ndarray:
    """``n`` unit float32 vectors, each a random row of ``base`` plus N(0, noise²) per dimension."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 65_536):  # bounded temporaries
        stop = min(n, start + 65_536)
        block = base[rng.integers(len(base), size=stop - start)].astype(np.float32)
        block += rng.standard_normal(block.shape, dtype=np.float32) * np.float32(noise)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:stop] = block
    return out

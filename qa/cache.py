"""The embedding cache: every vector a build computes is kept in the index generation and reused.

Two tables live in each generation folder (numpy ``.npy`` without pickle, keys as JSON):

``embeddings.npy`` + ``embedding_keys.json``
    one row per passage, in passage order (the vectors the FAISS index was built from);
``sentence_vectors.npy`` + ``sentence_keys.json``
    one row per sentence unit of every passage, in passage order, plus ``offsets`` (passage i owns rows
    ``offsets[i]:offsets[i + 1]``): what answer highlighting and the maxsim reranker score, computed
    once at build time instead of at every process start or question.

A key is ``sha256(model id + "\\n" + text)`` where the model id names model and backend, so a vector is
reused only for the same text under the same model and backend. A build reads the current
generation's tables (only after their sha256 matches the manifest, like every artifact) and embeds
just the texts it has no vector for, each distinct text once; the manifest's ``embedding_cache``
says how many were reused and embedded. The store writes the new tables into the new generation, so
they are covered by its checksums and atomic swap.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["ARTIFACTS", "TABLES", "CachedVectors", "embed_cached", "embedding_key", "load_table", "save_table"]

logger = logging.getLogger(__name__)

#: Cache table name -> (vector file, key file).
TABLES: dict[str, tuple[str, str]] = {
    "passages": ("embeddings.npy", "embedding_keys.json"),
    "sentences": ("sentence_vectors.npy", "sentence_keys.json"),
}
ARTIFACTS: tuple[str, ...] = tuple(name for pair in TABLES.values() for name in pair)


def embedding_key(model_id: str, text: str) -> str:
    """Cache key of one text's vector: sha256 of the model id (model and backend) and the text."""
    return hashlib.sha256(f"{model_id}\n{text}".encode()).hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB blocks (the manifest's artifact checksums)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class CachedVectors:
    """Vectors of one table with their keys (and, for sentences, the per-passage offsets)."""

    keys: list[str]
    matrix: np.ndarray
    offsets: list[int] | None = None


def load_table(gen: Path, table: str, *, model_id: str | None = None, verify: bool = True) -> CachedVectors | None:
    """The table of generation ``gen``, or ``None`` when it is absent, fails its checksum or doesn't fit."""
    vector_file, key_file = TABLES[table]
    try:
        if verify:
            manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
            for name in (vector_file, key_file):
                if manifest.get("artifacts", {}).get(name) != file_sha256(gen / name):
                    logger.warning("The %s cache in %s fails its checksum (%s); not using it", table, gen, name)
                    return None
        data = json.loads((gen / key_file).read_text(encoding="utf-8"))
        matrix = np.load(gen / vector_file, allow_pickle=False)
    except (OSError, ValueError, AttributeError) as exc:
        logger.info("No usable %s cache in %s (%s)", table, gen, exc)
        return None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or matrix.ndim != 2 or len(keys) != len(matrix) or matrix.dtype != np.float32:
        return None
    if model_id is not None and data.get("model_id") != model_id:
        return None
    offsets = data.get("offsets")
    return CachedVectors(keys, matrix, offsets if isinstance(offsets, list) else None)


def save_table(folder: Path, table: str, model_id: str, cached: CachedVectors) -> None:
    """Write one table into a (temporary) generation folder."""
    vector_file, key_file = TABLES[table]
    np.save(folder / vector_file, np.ascontiguousarray(cached.matrix, dtype=np.float32), allow_pickle=False)
    data: dict = {"model_id": model_id, "keys": cached.keys}
    if cached.offsets is not None:
        data["offsets"] = cached.offsets
    (folder / key_file).write_text(json.dumps(data), encoding="utf-8")


def embed_cached(
    texts: list[str],
    embedder: object,
    model_id: str,
    previous: CachedVectors | None,
    *,
    what: str = "passages",
    progress: bool = False,
) -> tuple[CachedVectors, dict[str, int]]:
    """Vectors for ``texts`` (row i = text i): cached rows reused, each missing distinct text embedded once."""
    keys = [embedding_key(model_id, t) for t in texts]
    dim = int(embedder.dim)  # type: ignore[attr-defined]
    cached: dict[str, int] = {}
    if previous is not None and previous.matrix.shape[1] == dim:
        cached = {key: row for row, key in enumerate(previous.keys)}
    todo: dict[str, str] = {}
    for key, text in zip(keys, texts):
        if key not in cached:
            todo.setdefault(key, text)
    reused = sum(key in cached for key in keys)
    logger.info("Embedding %d %s (%d of %d reused from the cache)", len(todo), what, reused, len(texts))
    started = time.perf_counter()
    fresh = embedder.encode(list(todo.values()), progress=progress) if todo else None  # type: ignore[attr-defined]
    seconds = round(time.perf_counter() - started, 3)
    fresh_rows = {key: row for row, key in enumerate(todo)}
    matrix = np.empty((len(texts), dim), dtype=np.float32)
    for i, key in enumerate(keys):
        matrix[i] = previous.matrix[cached[key]] if key in cached else fresh[fresh_rows[key]]  # type: ignore
    stats = {"total": len(texts), "reused": reused, "embedded": len(todo), "seconds": seconds}
    return CachedVectors(keys, matrix), stats

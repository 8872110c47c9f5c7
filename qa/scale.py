"""Choosing and building the FAISS index by corpus size.

* Up to :data:`FLAT_LIMIT` passages: ``IndexFlatIP``, exact search (a few ms per question at that size,
  no training, results identical to brute force).
* Above it: ``IndexIVFScalarQuantizer`` with 8-bit scalar quantisation over inner product. Vectors are
  grouped into ``nlist`` k-means cells (about √n, a power of two); a question scans the ``nprobe``
  nearest cells. Memory is one byte per dimension per passage (384 B for all-MiniLM-L6-v2) instead of
  four, and a search touches about ``nprobe / nlist`` of the corpus.

The choice and its parameters go into the index manifest (``index_type``, ``index_params``); the
parameters are also stored in the FAISS file itself, so a loaded index searches as it was built.
``eval/bench.py --scale`` measures recall@10 against exact search, latency and memory per size.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["FLAT_LIMIT", "IndexSpec", "build_faiss", "choose_index", "index_bytes"]

logger = logging.getLogger(__name__)

#: Largest corpus (in passages) indexed exactly; measured in eval/bench.py --scale.
FLAT_LIMIT = 50_000
#: Training points per IVF cell (FAISS warns below 39; more only slows training).
TRAIN_PER_LIST = 64
#: Share of the cells a question scans: nprobe = max(MIN_NPROBE, nlist // PROBE_DIVISOR). A third keeps
#: recall@10 ≥ 0.95 on the scale benchmark's clustered vectors (eval/bench.py --scale sweeps nprobe).
PROBE_DIVISOR = 3
MIN_NPROBE = 8


@dataclass(frozen=True)
class IndexSpec:
    """Which FAISS index to build, with its parameters (recorded in the manifest)."""

    kind: str  # "flat" | "ivf_sq8"
    nlist: int = 0
    nprobe: int = 0

    @property
    def name(self) -> str:
        return "IndexFlatIP" if self.kind == "flat" else f"IVF{self.nlist},SQ8"

    def params(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v or k == "kind"}


def choose_index(n: int, *, flat_limit: int | None = None) -> IndexSpec:
    """The index for ``n`` passages: exact while small, IVF + 8-bit scalar quantisation when large."""
    limit = FLAT_LIMIT if flat_limit is None else flat_limit
    if n <= limit:
        return IndexSpec("flat")
    nlist = max(1, min(2 ** round(math.log2(math.sqrt(n))), n // 8 or 1))
    nprobe = min(nlist, max(MIN_NPROBE, nlist // PROBE_DIVISOR))
    return IndexSpec("ivf_sq8", nlist=nlist, nprobe=nprobe)


def build_faiss(vectors: np.ndarray, spec: IndexSpec, *, seed: int = 1234):  # -> faiss.Index
    """A FAISS inner-product index over ``vectors`` (unit rows, float32), row i = id i."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    if spec.kind == "flat":
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return index
    if spec.kind != "ivf_sq8":
        raise ValueError(f"Index kind {spec.kind!r} is not supported; valid: ['flat', 'ivf_sq8']")
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer, dim, spec.nlist, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
    )
    index.cp.seed = seed
    index.cp.niter = 10
    train = vectors
    if n > spec.nlist * TRAIN_PER_LIST:
        rows = np.random.default_rng(seed).choice(n, spec.nlist * TRAIN_PER_LIST, replace=False)
        train = vectors[np.sort(rows)]
    logger.info("Training %s on %d of %d vectors", spec.name, len(train), n)
    index.train(train)
    for start in range(0, n, 100_000):  # bounded temporary memory while encoding
        index.add(vectors[start : start + 100_000])
    index.nprobe = spec.nprobe
    return index


def index_bytes(index: object) -> int:
    """Size of the serialised index: what it takes on disk and, roughly, in memory."""
    import faiss

    return int(faiss.serialize_index(index).size)

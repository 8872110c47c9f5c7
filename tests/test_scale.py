"""Index type by corpus size: the choice, its recall against brute force, and the manifest record."""

from __future__ import annotations

import numpy as np
import pytest

from qa import scale
from qa.config import Settings
from qa.scale import IndexSpec, build_faiss, choose_index
from qa.store import build_index, index_problem, load_index
from qa.synthetic import clustered_vectors, sentence_pool, write_corpus


def _top10(queries: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return np.argsort(-(queries @ matrix.T), axis=1, kind="stable")[:, :10]


@pytest.fixture(scope="module")
def clustered() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    centres = rng.standard_normal((200, 64)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return clustered_vectors(centres, 20_000, noise=0.08, seed=1), clustered_vectors(centres, 100, noise=0.08, seed=2)


def test_small_corpora_are_exact_and_large_ones_quantised():
    assert choose_index(10) == IndexSpec("flat")
    assert choose_index(scale.FLAT_LIMIT).kind == "flat"
    big = choose_index(1_000_000)
    assert big.kind == "ivf_sq8" and big.nlist == 1024 and 1 <= big.nprobe <= big.nlist
    assert big.name == "IVF1024,SQ8" and big.params() == {"kind": "ivf_sq8", "nlist": 1024, "nprobe": 341}
    mid = choose_index(100_000)
    assert mid.kind == "ivf_sq8" and (mid.nlist & (mid.nlist - 1)) == 0


def test_flat_index_equals_brute_force(clustered):
    data, queries = clustered
    index = build_faiss(data, choose_index(len(data)))
    _, rows = index.search(queries, 10)
    brute = _top10(queries, data)
    assert (np.sort(rows, axis=1) == np.sort(brute, axis=1)).mean() > 0.999


def test_ivf_sq8_recall_at_10_against_brute_force(clustered):
    data, queries = clustered
    spec = choose_index(len(data), flat_limit=1000)
    assert spec.kind == "ivf_sq8"
    index = build_faiss(data, spec)
    assert index.nprobe == spec.nprobe and index.ntotal == len(data)
    _, rows = index.search(queries, 10)
    brute = _top10(queries, data)
    recall = np.mean([len(set(r) & set(b)) / 10 for r, b in zip(rows, brute)])
    assert recall >= 0.9, recall
    # scanning every cell leaves only the 8-bit quantisation error
    index.nprobe = spec.nlist
    _, rows = index.search(queries, 10)
    assert np.mean([len(set(r) & set(b)) / 10 for r, b in zip(rows, brute)]) >= 0.97


def test_manifest_records_the_index_choice(built_settings: Settings):
    manifest = load_index(built_settings).manifest
    assert manifest["index_type"] == "IndexFlatIP" and manifest["index_params"] == {"kind": "flat"}


def test_large_corpus_path_builds_and_serves_ivf(scratch_settings: Settings, embedder, monkeypatch):
    monkeypatch.setattr(scale, "FLAT_LIMIT", 10)
    build_index(scratch_settings, embedder, progress=False)
    index = load_index(scratch_settings)
    spec = choose_index(len(index))
    assert index.manifest["index_type"] == spec.name and spec.kind == "ivf_sq8"
    assert index.manifest["index_params"] == spec.params() and index.vectors.nprobe == spec.nprobe
    assert type(index.vectors).__name__ == "IndexIVFScalarQuantizer"
    assert index_problem(scratch_settings) is None
    query = embedder.encode(["How fast does ketamine work?"])
    _, rows = index.vectors.search(query, 5)
    exact = np.argsort(-(query @ np.load(index.path / "embeddings.npy").T)[0])[:5]
    assert rows[0][0] == exact[0]


def test_synthetic_corpus_is_real_text_and_deterministic(tmp_path):
    pool = sentence_pool(
        [
            "Ketamine acts on glutamate. It can work within hours for some people. " * 3,
            "Sessions last about an hour. Patients are monitored throughout the session.",
        ]
    )
    # distinct sentences of 40-400 characters; shorter ones are left out
    assert sorted(pool) == [
        "It can work within hours for some people.",
        "Patients are monitored throughout the session.",
    ]
    a = write_corpus(tmp_path / "a", pool, articles=3, chars_per_article=500, seed=5)
    b = write_corpus(tmp_path / "b", pool, articles=3, chars_per_article=500, seed=5)
    assert [p.read_text() for p in a] == [p.read_text() for p in b]
    text = a[0].read_text()
    assert text.startswith("---\ntitle: ") and any(s in text for s in pool)
    vectors = clustered_vectors(np.eye(4, dtype=np.float32), 50, seed=3)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vectors, clustered_vectors(np.eye(4, dtype=np.float32), 50, seed=3))

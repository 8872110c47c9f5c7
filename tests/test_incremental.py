"""Incremental indexing: the embedding cache re-embeds only what changed, and is checked like the rest."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from qa.cache import embedding_key
from qa.config import Settings
from qa.store import build_index, index_problem, load_index, retrieval_embedder

ARTICLE = "how-does-ketamine-therapy-work.txt"


def _cache(settings: Settings, table: str = "passages") -> dict:
    stats = dict(load_index(settings).manifest["embedding_cache"][table])
    assert stats.pop("seconds") >= 0
    return stats


def _sentences(index) -> list[str]:
    return [p.text[s - p.start : e - p.start] for p in index.passages for s, e in p.sentences]


def _passages_of(settings: Settings, path: str) -> set[str]:
    return {p.index_text for p in load_index(settings).passages if p.path == path}


def test_first_build_embeds_everything_and_stores_a_verified_cache(scratch_settings: Settings, embedder):
    passage_model = retrieval_embedder(scratch_settings, embedder)  # the fine-tuned model embeds passages
    before, passages_before = embedder.encoded, passage_model.encoded
    gen = build_index(scratch_settings, embedder, progress=False)
    index = load_index(scratch_settings)
    unique = {p.index_text for p in index.passages}
    sentences = _sentences(index)
    assert _cache(scratch_settings) == {"total": len(index), "reused": 0, "embedded": len(unique)}
    assert _cache(scratch_settings, "sentences") == {
        "total": len(sentences),
        "reused": 0,
        "embedded": len(set(sentences)),
    }
    assert embedder.encoded - before == len(set(sentences))
    assert passage_model.encoded - passages_before == len(unique)
    matrix = np.load(gen / "embeddings.npy", allow_pickle=False)  # numpy format, never pickle
    table = json.loads((gen / "embedding_keys.json").read_text())
    assert matrix.shape == (len(index), 384) and matrix.dtype == np.float32
    assert table["keys"] == [embedding_key(passage_model.model_id, p.index_text) for p in index.passages]
    assert table["model_id"] == "all-MiniLM-L6-v2-ft1|onnx"
    sentence_table = json.loads((gen / "sentence_keys.json").read_text())
    assert sentence_table["model_id"] == "all-MiniLM-L6-v2|onnx"
    np.testing.assert_allclose(matrix, index.vectors.reconstruct_n(0, len(index)), atol=1e-6)
    assert {"embeddings.npy", "embedding_keys.json", "sentence_vectors.npy", "sentence_keys.json"} <= set(
        index.manifest["artifacts"]
    )
    # sentence vectors: passage i owns rows offsets[i]:offsets[i + 1], each the vector of its verbatim sentence
    assert index.sentence_offsets[0] == 0 and index.sentence_offsets[-1] == len(sentences)
    assert all(index.sentence_offsets[i + 1] - index.sentence_offsets[i] == len(p.sentences)
               for i, p in enumerate(index.passages))  # fmt: skip
    sample = [0, len(sentences) // 2, len(sentences) - 1]
    fresh = embedder.encode([sentences[i] for i in sample])
    np.testing.assert_allclose(np.sum(fresh * index.sentence_vectors[sample], axis=1), 1.0, atol=1e-4)


def test_editing_one_article_embeds_only_its_passages(scratch_settings: Settings, embedder):
    build_index(scratch_settings, embedder, progress=False)
    old_texts = {p.index_text for p in load_index(scratch_settings).passages}
    article = scratch_settings.corpus_dir / ARTICLE
    article.write_text(article.read_text(encoding="utf-8") + "\nKetamine smells of violets in this test.\n", "utf-8")
    passage_model = retrieval_embedder(scratch_settings, embedder)
    before, passages_before = embedder.encoded, passage_model.encoded
    build_index(scratch_settings, embedder, progress=False)
    index = load_index(scratch_settings)
    new_texts = {p.index_text for p in index.passages} - old_texts
    stats, sentence_stats = _cache(scratch_settings), _cache(scratch_settings, "sentences")
    assert 1 <= stats["embedded"] == len(new_texts)
    assert 1 <= sentence_stats["embedded"] <= 2  # the new sentence (and a neighbour whose slice changed)
    assert embedder.encoded - before == sentence_stats["embedded"]
    assert passage_model.encoded - passages_before == stats["embedded"]
    assert new_texts <= _passages_of(scratch_settings, ARTICLE)  # nothing from another article was embedded
    assert stats["reused"] == len(index) - stats["embedded"]
    # cached rows are the same vectors a fresh embedding gives
    fresh = passage_model.encode([p.index_text for p in index.passages])
    np.testing.assert_allclose(np.sum(fresh * index.vectors.reconstruct_n(0, len(index)), axis=1), 1.0, atol=1e-4)


def test_adding_and_removing_an_article(scratch_settings: Settings, embedder):
    build_index(scratch_settings, embedder, progress=False)
    (scratch_settings.corpus_dir / "new-article.txt").write_text(
        "New Article\n\nIt is brand new. Nobody has read it before today.\n", "utf-8"
    )
    build_index(scratch_settings, embedder, progress=False)
    added = _passages_of(scratch_settings, "new-article.txt")
    assert added and _cache(scratch_settings)["embedded"] == len(added)
    (scratch_settings.corpus_dir / "new-article.txt").unlink()
    before = embedder.encoded
    build_index(scratch_settings, embedder, progress=False)
    stats = _cache(scratch_settings)
    assert stats["embedded"] == 0 and embedder.encoded == before and stats["reused"] == stats["total"]
    assert _cache(scratch_settings, "sentences")["embedded"] == 0


def test_a_corrupt_cache_is_not_used(scratch_settings: Settings, embedder):
    gen = build_index(scratch_settings, embedder, progress=False)
    cache = gen / "embeddings.npy"
    data = bytearray(cache.read_bytes())
    data[-10] ^= 0xFF
    cache.write_bytes(bytes(data))
    assert index_problem(scratch_settings) == "corrupt: embeddings.npy does not match its checksum"
    build_index(scratch_settings, embedder, progress=False)
    assert _cache(scratch_settings)["reused"] == 0


def test_backend_change_makes_the_index_stale_and_misses_the_cache(scratch_settings: Settings, embedder):
    build_index(scratch_settings, embedder, progress=False)
    torch_settings = replace(scratch_settings, backend="torch")
    assert index_problem(torch_settings) == "stale: backend changed ('onnx' → 'torch')"
    assert embedding_key("all-MiniLM-L6-v2|onnx", "x") != embedding_key("all-MiniLM-L6-v2|torch", "x")


def test_embedder_backend_must_match_the_settings(scratch_settings: Settings, embedder):
    import pytest

    with pytest.raises(ValueError, match="backend 'onnx' differs"):
        build_index(replace(scratch_settings, backend="torch"), embedder, progress=False)

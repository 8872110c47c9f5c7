"""The on-disk index: exact search, manifest, staleness, corruption and atomic builds."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import IndexUnavailable
from qa.store import build_index, index_problem, load_index, open_index, retrieval_embedder


def test_faiss_top_k_equals_numpy_brute_force(built_settings: Settings, embedder):
    index = load_index(built_settings)
    n = index.vectors.ntotal
    matrix = index.vectors.reconstruct_n(0, n)
    questions = ["How fast does ketamine work?", "side effects", "what is KAP", "PTSD", "is it addictive"]
    queries = embedder.encode(questions)
    scores, rows = index.vectors.search(queries, 10)
    brute = queries @ matrix.T
    for q in range(len(questions)):
        expected = np.argsort(-brute[q], kind="stable")[:10]
        np.testing.assert_allclose(scores[q], brute[q][expected], rtol=1e-5, atol=1e-5)
        # same set of rows up to ties in score
        assert set(rows[q]) == set(expected) or np.allclose(np.sort(brute[q][rows[q]]), np.sort(brute[q][expected]))


def test_stored_vectors_are_the_passage_embeddings(built_settings: Settings, embedder):
    """Passages are embedded by the retrieval model (the fine-tuned one), sentences by the packaged model."""
    index = load_index(built_settings)
    sample = [0, len(index) // 2, len(index) - 1]
    texts = [index.passages[i].index_text for i in sample]
    stored = np.stack([index.vectors.reconstruct(i) for i in sample])
    passage_model = retrieval_embedder(built_settings, embedder)
    assert passage_model is not embedder and passage_model.name == built_settings.retrieval_model
    np.testing.assert_allclose(np.sum(passage_model.encode(texts) * stored, axis=1), 1.0, atol=1e-3)
    assert np.sum(embedder.encode(texts) * stored, axis=1).max() < 0.99  # not the packaged model's vectors
    first = index.passages[0]
    sentence = first.text[first.sentences[0][0] - first.start : first.sentences[0][1] - first.start]
    assert float(embedder.encode([sentence])[0] @ index.sentence_vectors[0]) == pytest.approx(1.0, abs=1e-3)


def test_the_retrieval_model_runs_on_as_many_threads_as_the_model(built_settings: Settings, embedder):
    from qa.embedding import Embedder

    one = Embedder(threads=1)  # as the app builds it (QA_THREADS defaults to 1)
    assert retrieval_embedder(built_settings, one).threads == 1
    assert retrieval_embedder(built_settings, embedder).threads == embedder.threads
    assert retrieval_embedder(replace(built_settings, retrieval_model=None), one) is one


def test_a_change_of_retrieval_model_makes_the_index_stale(scratch_settings: Settings, embedder):
    build_index(scratch_settings, embedder, progress=False)
    packaged = replace(scratch_settings, retrieval_model=None)
    assert index_problem(packaged) == "stale: retrieval_model changed ('all-MiniLM-L6-v2-ft1' → 'all-MiniLM-L6-v2')"
    build_index(packaged, embedder, progress=False)
    assert index_problem(packaged) is None
    index = load_index(packaged)
    fresh = embedder.encode([index.passages[0].index_text])[0]
    assert float(fresh @ index.vectors.reconstruct(0)) == pytest.approx(1.0, abs=1e-3)
    # An index built before round 22 has no retrieval_model in its manifest: the model embedded its passages.
    manifest_file = index.path / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    del manifest["retrieval_model"]
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    assert index_problem(packaged) is None
    assert (
        index_problem(scratch_settings)
        == "stale: retrieval_model changed ('all-MiniLM-L6-v2' → 'all-MiniLM-L6-v2-ft1')"
    )


def test_manifest_records_what_built_it(built_settings: Settings):
    index = load_index(built_settings)
    m = index.manifest
    assert m["model"] == "all-MiniLM-L6-v2" and m["dim"] == 384
    assert m["retrieval_model"] == "all-MiniLM-L6-v2-ft1" and m["retrieval_model_id"] == "all-MiniLM-L6-v2-ft1|onnx"
    assert m["chunking"] == built_settings.chunking()
    assert set(m["files"]) == {p.name for p in built_settings.corpus_dir.glob("*.txt")}
    assert m["faiss_version"] and m["passages"] == len(index)
    assert set(m["artifacts"]) >= {"vectors.faiss", "passages.jsonl"}
    for passage in index.passages:
        text = (built_settings.corpus_dir / passage.path).read_text(encoding="utf-8")
        assert text[passage.start : passage.end] == passage.text


def test_stale_index_is_rebuilt_after_a_corpus_edit(scratch_settings: Settings, embedder, caplog):
    build_index(scratch_settings, embedder, progress=False)
    assert index_problem(scratch_settings) is None
    article = scratch_settings.corpus_dir / "how-does-ketamine-therapy-work.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nKetamine smells of violets in this test.\n", "utf-8")
    (scratch_settings.corpus_dir / "new-article.txt").write_text("New Article\nIt is brand new.\n", "utf-8")
    problem = index_problem(scratch_settings)
    assert problem.startswith("stale") and article.name in problem and "new-article.txt" in problem
    with caplog.at_level(logging.INFO):
        index = open_index(scratch_settings, lambda: embedder)
    assert "rebuilding" in caplog.text
    assert any("violets" in p.text for p in index.passages)
    assert any(p.path == "new-article.txt" for p in index.passages)
    assert index_problem(scratch_settings) is None


def test_settings_change_makes_index_stale(scratch_settings: Settings, embedder):
    from dataclasses import replace

    build_index(scratch_settings, embedder, progress=False)
    assert index_problem(replace(scratch_settings, max_chars=300)).startswith("stale: chunking")


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "manifest", "manifest-list", "manifest-files"])
def test_corrupt_index_is_detected_and_never_served(scratch_settings: Settings, embedder, damage: str):
    gen = build_index(scratch_settings, embedder, progress=False)
    target = gen / ("manifest.json" if damage.startswith("manifest") else "vectors.faiss")
    data = target.read_bytes()
    if damage == "truncate":
        target.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        middle = len(data) // 2
        target.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    elif damage == "delete":
        target.unlink()
    elif damage == "manifest-list":
        target.write_text("[1, 2]", encoding="utf-8")  # valid JSON, not a manifest
    elif damage == "manifest-files":
        target.write_text(json.dumps({**json.loads(data), "files": "x"}), encoding="utf-8")
    else:
        target.write_text("{not json", encoding="utf-8")
    assert index_problem(scratch_settings).startswith("corrupt")
    with pytest.raises(IndexUnavailable, match="corrupt.*run `qa build`"):
        load_index(scratch_settings)
    with pytest.raises(IndexUnavailable):
        open_index(scratch_settings, lambda: embedder, rebuild=False)
    rebuilt = open_index(scratch_settings, lambda: embedder)  # rebuilt from the corpus
    assert rebuilt.path != gen and index_problem(scratch_settings) is None


def test_flipped_passage_table_is_detected(scratch_settings: Settings, embedder):
    gen = build_index(scratch_settings, embedder, progress=False)
    table = gen / "passages.jsonl"
    table.write_text(table.read_text(encoding="utf-8").replace("ketamine", "ketamino", 1), encoding="utf-8")
    assert index_problem(scratch_settings) == "corrupt: passages.jsonl does not match its checksum"


def test_crash_mid_build_leaves_the_old_index_serving(scratch_settings: Settings, embedder):
    gen = build_index(scratch_settings, embedder, progress=False)
    before = load_index(scratch_settings)
    (scratch_settings.corpus_dir / "extra.txt").write_text("Extra Article\nSomething new here.\n", "utf-8")

    class Exploding:
        dim = embedder.dim

        def encode(self, texts, progress=False):
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        build_index(scratch_settings, Exploding(), progress=False)
    (scratch_settings.corpus_dir / "extra.txt").unlink()
    assert index_problem(scratch_settings) is None
    after = load_index(scratch_settings)
    assert after.path == gen and [p.id for p in after.passages] == [p.id for p in before.passages]
    leftovers = [p.name for p in scratch_settings.index_dir.iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_current_pointer_names_a_complete_generation(scratch_settings: Settings, embedder):
    gen = build_index(scratch_settings, embedder, progress=False)
    assert (scratch_settings.index_dir / "CURRENT").read_text().strip() == gen.name
    manifest = json.loads((gen / "manifest.json").read_text())
    assert all((gen / name).is_file() for name in manifest["artifacts"])
    second = build_index(scratch_settings, embedder, progress=False)
    assert not gen.exists() and second.exists()  # old generations are cleaned up after the swap


def test_missing_index_and_empty_corpus(scratch_settings: Settings, embedder):
    assert index_problem(scratch_settings) == "missing"
    with pytest.raises(IndexUnavailable, match="missing"):
        load_index(scratch_settings)
    for f in scratch_settings.corpus_dir.iterdir():
        f.unlink()
    from qa.errors import CorpusError

    with pytest.raises(CorpusError, match="No usable articles"):
        open_index(scratch_settings, lambda: embedder)


@pytest.mark.parametrize("where", ["file", "under-file"])
def test_index_folder_that_is_a_file_is_one_clear_error(scratch_settings: Settings, embedder, where: str):
    from dataclasses import replace

    blocker = scratch_settings.index_dir.parent / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    settings = replace(scratch_settings, index_dir=blocker if where == "file" else blocker / "index")
    with pytest.raises(IndexUnavailable, match=r"is not a folder .*pass --index") as caught:
        open_index(settings, lambda: embedder)
    assert "\n" not in str(caught.value)
    assert blocker.read_text(encoding="utf-8") == "x"  # nothing lost


def test_an_article_that_gives_no_passage_is_named(scratch_settings: Settings, embedder, caplog) -> None:
    """Round 16 audit: a file holding only its title passed the corpus checks and vanished from the index silently."""
    (scratch_settings.corpus_dir / "title-only.txt").write_text("Only A Title\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="qa.store"):
        build_index(scratch_settings, embedder, progress=False)
    assert "title-only.txt gives no passage to index" in caplog.text
    assert all(p.path != "title-only.txt" for p in load_index(scratch_settings).passages)

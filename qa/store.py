"""The on-disk index: FAISS vectors, the passage table (JSONL) and a manifest, built atomically.

Layout::

    index/
      CURRENT              name of the live generation (replaced atomically with os.replace)
      gen-<time>-<rand>/   one complete build
        manifest.json      model, retrieval model, backend, dimension, chunking settings, per-file hashes, faiss
                           version, index type and parameters, sha256 of every artifact below
        vectors.faiss      FAISS index over normalised vectors (row i = passage i): exact IndexFlatIP
                           while small, IVF + 8-bit scalar quantisation when large (qa.scale)
        passages.jsonl     one Passage per line, in row order
        embeddings.npy     the embedding cache (qa.cache; numpy format and JSON, no pickle): passage
        embedding_keys.json  vectors, row i = passage i, keyed by sha256(model id + backend + text); made by
                             the retrieval model (``Settings.retrieval_model``), like vectors.faiss
        sentence_vectors.npy  vectors of every passage's sentence units (highlighting, maxsim), with
        sentence_keys.json    their keys and per-passage offsets
        bm25/              the BM25 index of the passages' index_text, saved by bm25s as .npy arrays
                           and JSON (allow_pickle=False); tokenizer and parameters in the manifest
                           ("lexical"), so a change to them makes the index stale (qa.lexical)
      .lock                held while building, so two processes never build at once

A build writes a new generation folder, then points ``CURRENT`` at it: a crash mid-build leaves the
old index serving. On load every artifact's checksum is verified (a truncated or altered file is
never served) and the manifest is compared with the corpus and settings (a stale index is rebuilt).

Incremental builds: a build reuses the vectors of the current generation's embedding cache (after
checking its checksums) for every passage and sentence whose key is unchanged, and embeds only the
rest, so editing, adding or removing one article embeds only that article's text. The manifest's
``embedding_cache`` records how many were reused and embedded.
Nothing is pickled: a user may hand us an index folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .cache import ARTIFACTS as CACHE_ARTIFACTS
from .cache import embed_cached, file_sha256, load_table, save_table
from .chunking import Passage, chunk_document
from .config import Settings
from .corpus import fingerprint, load_corpus
from .errors import IndexUnavailable
from .lexical import FILES as LEXICAL_FILES
from .lexical import LexicalIndex, lexical_settings
from .scale import build_faiss, choose_index

__all__ = [
    "FORMAT",
    "IndexData",
    "build_index",
    "current_generation",
    "load_index",
    "open_index",
    "index_problem",
    "passage_model_of",
    "retrieval_embedder",
]

logger = logging.getLogger(__name__)

FORMAT = 3
ARTIFACTS = (
    "vectors.faiss",
    "passages.jsonl",
    *CACHE_ARTIFACTS,  # the embedding cache: passage and sentence vectors (qa.cache; .npy + JSON)
    *(f"bm25/{name}" for name in LEXICAL_FILES),  # the BM25 index (qa.lexical; .npy + JSON, no pickle)
)


@dataclass
class IndexData:
    """A loaded, verified index."""

    path: Path
    manifest: dict
    passages: list[Passage]
    vectors: object  # faiss.Index
    lexical: LexicalIndex | None = None  # BM25 over the passages' index_text (row i = passage i)
    #: Sentence-unit vectors; passage i owns rows ``sentence_offsets[i]:sentence_offsets[i + 1]``.
    sentence_vectors: np.ndarray | None = None
    sentence_offsets: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.passages)

    @functools.cached_property
    def rows(self) -> dict[str, int]:
        """Each passage's row (its position in ``passages``, in the vectors and in BM25), by passage id."""
        return {passage.id: row for row, passage in enumerate(self.passages)}


@contextlib.contextmanager
def _lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock; a folder that cannot be made or written is one clear error."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fh = (index_dir / ".lock").open("a")
    except OSError as exc:
        if isinstance(exc, (FileExistsError, NotADirectoryError)) or (index_dir.exists() and not index_dir.is_dir()):
            what = "is not a folder (a file is in its place or on its path)"
        else:
            what = f"cannot be written ({exc.strerror or type(exc).__name__})"
        raise IndexUnavailable(
            f"The index folder {str(index_dir)!r} {what}, so the index cannot be built there: "
            "pass --index (or QA_INDEX_DIR) with a writable folder"
        ) from None
    with fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder ``index_dir/CURRENT`` names, or ``None`` when it names none."""
    try:
        name = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not name.startswith("gen-") or "/" in name:
        return None
    return index_dir / name


def expected_manifest_fields(settings: Settings) -> dict:
    """Manifest fields that must match the current settings for the index to be fresh."""
    return {
        "format": FORMAT,
        "model": settings.model,
        "backend": settings.backend,
        "chunking": settings.chunking(),
        "lexical": lexical_settings(),
    }


def passage_model_of(manifest: dict) -> str | None:
    """The model that embedded an index's passages (one from before round 22 has no ``retrieval_model``: ``model``
    did); compared with ``Settings.passage_model``."""
    return manifest.get("retrieval_model") or manifest.get("model")


def retrieval_embedder(settings: Settings, embedder: object) -> object:
    """What embeds passages for FAISS and the question searched against them: ``embedder`` itself unless
    ``settings.retrieval_model`` names another model (then that model on the onnx backend, loaded once per process,
    on as many threads as ``embedder``: the app gives its model one, so that requests run side by side)."""
    if settings.passage_model == settings.model:
        return embedder
    from .embedding import shared_embedder

    return shared_embedder(settings.passage_model, "onnx", settings.batch_size, getattr(embedder, "threads", None))


def build_index(settings: Settings, embedder: object, *, progress: bool | None = None) -> Path:
    """Chunk and embed the corpus into a new generation, then make it current. Returns its path. ``embedder`` embeds
    sentences, and passages too unless ``settings.retrieval_model`` is another model (:func:`retrieval_embedder`)."""
    import faiss

    index_dir = settings.index_dir
    with _lock(index_dir):
        files = fingerprint(settings.corpus_dir)
        docs = load_corpus(settings.corpus_dir)
        passages = []
        for doc in docs:
            chunks = chunk_document(doc, **settings.chunking())
            if not chunks:  # a title line alone, or headings only: it vanished without a word (round 16 audit)
                logger.warning("%s gives no passage to index (no text under its title or headings)", doc.path)
            passages += chunks
        if not passages:
            raise IndexUnavailable(f"The corpus in {str(settings.corpus_dir)!r} yields no passages to index")
        if progress is None:
            progress = logger.isEnabledFor(logging.INFO)
        started = time.perf_counter()
        backend = getattr(embedder, "backend", settings.backend)
        if backend != settings.backend:
            raise ValueError(f"Embedder backend {backend!r} differs from settings.backend {settings.backend!r}")
        model_id = getattr(embedder, "model_id", f"{settings.model}|{backend}")
        old = current_generation(index_dir)
        old = old if old is not None and old.is_dir() else None
        texts = [p.index_text for p in passages]
        passage_embedder = retrieval_embedder(settings, embedder)
        passage_id = getattr(passage_embedder, "model_id", model_id)
        passage_cache, passage_stats = embed_cached(
            texts, passage_embedder, passage_id, old and load_table(old, "passages", model_id=passage_id),
            progress=progress,
        )  # fmt: skip
        sentence_texts = [p.text[s - p.start : e - p.start] for p in passages for s, e in p.sentences]
        sentence_cache, sentence_stats = embed_cached(
            sentence_texts, embedder, model_id, old and load_table(old, "sentences", model_id=model_id),
            what="sentences", progress=progress,
        )  # fmt: skip
        sentence_cache.offsets = [0, *np.cumsum([len(p.sentences) for p in passages]).tolist()]
        vectors = passage_cache.matrix
        assert vectors.shape == (len(passages), embedder.dim), vectors.shape
        spec = choose_index(len(passages))
        flat = build_faiss(vectors, spec)

        gen = index_dir / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"
        tmp = index_dir / f".tmp-{gen.name}"
        tmp.mkdir(parents=True)
        try:
            faiss.write_index(flat, str(tmp / "vectors.faiss"))
            save_table(tmp, "passages", passage_id, passage_cache)
            save_table(tmp, "sentences", model_id, sentence_cache)
            with (tmp / "passages.jsonl").open("w", encoding="utf-8") as fh:
                for p in passages:
                    fh.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
            LexicalIndex.build([p.index_text for p in passages]).save(tmp / "bm25")
            manifest = {
                **expected_manifest_fields(settings),
                "retrieval_model": settings.passage_model,
                "dim": embedder.dim,
                "files": files,
                "faiss_version": faiss.__version__,
                "index_type": spec.name,
                "index_params": spec.params(),
                "embedding_model_id": model_id,
                "retrieval_model_id": passage_id,
                "embedding_cache": {"passages": passage_stats, "sentences": sentence_stats},
                "passages": len(passages),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "build_seconds": round(time.perf_counter() - started, 3),
                "artifacts": {name: file_sha256(tmp / name) for name in ARTIFACTS},
            }
            (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
            for name in (*ARTIFACTS, "manifest.json"):
                with (tmp / name).open("rb") as fh:
                    os.fsync(fh.fileno())
            tmp.rename(gen)
            pointer = index_dir / f".CURRENT-{gen.name}"
            pointer.write_text(gen.name + "\n", encoding="utf-8")
            os.replace(pointer, index_dir / "CURRENT")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _remove_old_generations(index_dir, keep=gen)
        logger.info("Index built: %d passages in %.1f s at %s", len(passages), manifest["build_seconds"], gen)
        return gen


def _remove_old_generations(index_dir: Path, keep: Path) -> None:
    for child in index_dir.iterdir():
        if child != keep and child.is_dir() and (child.name.startswith("gen-") or child.name.startswith(".tmp-")):
            shutil.rmtree(child, ignore_errors=True)


def index_problem(settings: Settings) -> str | None:
    """Why the index cannot be served as it is (missing, corrupt, stale), or ``None`` if it can."""
    gen = current_generation(settings.index_dir)
    if gen is None or not gen.is_dir():
        return "missing"
    try:
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "corrupt: manifest.json is unreadable"
    if not isinstance(manifest, dict) or not all(
        isinstance(manifest.get(key, {}), dict) for key in ("artifacts", "files")
    ):
        return "corrupt: manifest.json is not a manifest"
    if manifest.get("format") != FORMAT:
        return f"stale: format changed ({manifest.get('format')!r} → {FORMAT!r})"
    for name in ARTIFACTS:
        expected = manifest.get("artifacts", {}).get(name)
        path = gen / name
        if not path.is_file():
            return f"corrupt: {name} is missing"
        if expected != file_sha256(path):
            return f"corrupt: {name} does not match its checksum"
    for key, value in expected_manifest_fields(settings).items():
        if manifest.get(key) != value:
            return f"stale: {key} changed ({manifest.get(key)!r} → {value!r})"
    if passage_model_of(manifest) != settings.passage_model:  # an index of before round 22 stays fresh without one
        return f"stale: retrieval_model changed ({passage_model_of(manifest)!r} → {settings.passage_model!r})"
    files = fingerprint(settings.corpus_dir) if settings.corpus_dir.is_dir() else {}
    if manifest.get("files") != files:
        old = manifest.get("files", {})
        changed = sorted(
            [f"added {p}" for p in files.keys() - old.keys()]
            + [f"removed {p}" for p in old.keys() - files.keys()]
            + [f"edited {p}" for p in files.keys() & old.keys() if files[p] != old[p]]
        )
        return "stale: corpus changed (" + ", ".join(changed) + ")"
    return None


def load_index(settings: Settings, *, verify: bool = True) -> IndexData:
    """Load the current generation, verified first unless the caller just did; raises
    :class:`IndexUnavailable` when it cannot be served."""
    import faiss

    problem = index_problem(settings) if verify else None
    if problem:
        raise IndexUnavailable(f"The index in {str(settings.index_dir)!r} is {problem}: run `qa build`")
    gen = current_generation(settings.index_dir)
    if gen is None:
        raise IndexUnavailable(f"The index in {str(settings.index_dir)!r} is missing: run `qa build`")
    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    passages = []
    with (gen / "passages.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            row["sentences"] = tuple(tuple(s) for s in row["sentences"])
            passages.append(Passage(**row))
    vectors = faiss.read_index(str(gen / "vectors.faiss"))
    if vectors.ntotal != len(passages) or vectors.d != manifest.get("dim"):
        raise IndexUnavailable(f"The index in {str(gen)!r} is inconsistent (vectors vs passages): run `qa build`")
    try:
        lexical = LexicalIndex.load(gen / "bm25", len(passages))
    except (OSError, ValueError, KeyError) as exc:
        raise IndexUnavailable(f"The BM25 index in {str(gen)!r} is unusable ({exc}): run `qa build`") from None
    sentences = load_table(gen, "sentences", verify=False)
    offsets = sentences.offsets if sentences is not None else None
    if sentences is None or offsets is None or len(offsets) != len(passages) + 1 or offsets[-1] != len(sentences.keys):
        raise IndexUnavailable(f"The sentence vectors in {str(gen)!r} are unusable: run `qa build`")
    return IndexData(
        path=gen,
        manifest=manifest,
        passages=passages,
        vectors=vectors,
        lexical=lexical,
        sentence_vectors=sentences.matrix,
        sentence_offsets=np.asarray(offsets, dtype=np.int64),
    )


def open_index(settings: Settings, embedder_factory: Callable[[], object], *, rebuild: bool = True) -> IndexData:
    """Load the index, (re)building it first when it is missing, stale or corrupt and ``rebuild`` is on."""
    problem = index_problem(settings)
    if problem:
        if not rebuild:
            raise IndexUnavailable(f"The index in {str(settings.index_dir)!r} is {problem}: run `qa build`")
        if problem == "missing":
            logger.info("No index in %s yet; building it", settings.index_dir)
        elif problem.startswith("corrupt"):
            logger.warning("The index in %s is %s; rebuilding it", settings.index_dir, problem)
        else:
            logger.info("The index in %s is %s; rebuilding it", settings.index_dir, problem)
        build_index(settings, embedder_factory())
    return load_index(settings, verify=False)

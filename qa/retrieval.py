"""Finding the passages that answer a question.

One code path serves ``qa ask``, the app and ``qa eval``: :meth:`Retriever.search`, in three stages:

0. **correct** (``Settings.spelling``) — misspelled question words replaced by corpus words
   (:class:`qa.spelling.Speller`, vocabulary from the index's passages), for BM25 and the model alike;
1. **prepare** — the question's terms (:func:`qa.lexical.terms`), widened by the staff-editable
   synonym map (``Settings.synonyms``, BM25 only: appending synonyms to the text the model embeds
   measured worse), and its vector from the model — two vectors when ``Settings.retrieval_model`` is another
   model (round 22: the fine-tuned all-MiniLM-L6-v2 for the dense ranking and the passages' cosines, the packaged
   one for sentences and known questions);
2. **rank** — by the retriever named in ``Settings.retriever`` (:data:`RETRIEVERS`):
   ``dense`` (FAISS inner product), ``bm25`` (lexical) or ``hybrid`` (both, fused: a convex
   combination of normalised scores weighted by ``fusion_weight``, or reciprocal-rank fusion);
3. **rerank** — the best ``fusion_depth`` candidates re-scored: ``rerank_weight`` × their best
   sentence's similarity to the question (``Settings.rerank = "maxsim"``; sentence vectors saved in the
   index) plus ``coverage_weight`` × their best sentence's *coverage*: the share of the question's
   term weight (BM25 idf of each distinct question term, synonyms not counted) found in that one
   sentence (a question term no passage uses counts at the highest idf). Coverage is what lets the
   model lead (``fusion_weight`` 0.7) without losing the scientific
   questions whose rare terms BM25 had caught: on COVID-QA's dev fold it carried MRR@10 from 0.645 back
   to 0.709 at that weight (0.688 with the earlier 0.5 and no coverage; 0.621 vs 0.594 on the held-out
   fold); on patients' questions it is about a wash (dev 0.781 vs 0.771 before coverage, held-out
   slightly worse; README "Retrieval quality"). Off by default, ``requirement_weight`` × the share of
   the question's ``qa.aspects`` requirements a passage meets (measured, not kept: it cost abstention).
   Last, ``known_weight`` × how close the question is to a *known question* pointing at the passage
   (``qa.known``: questions with known answers, staff-editable; a passage one points at joins the candidates
   even when the first stage left it out).

Near-duplicate and overlapping passages are dropped by the answer layer (``qa.highlight.distinct``).

Every :class:`Hit` carries the question↔passage cosine similarity as ``score`` whatever ranked it
(one meaning across retrievers; the retrieval model's cosine), and what it was ranked by as ``rank_score``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .aspects import Requirement, default_lexicon, normal
from .chunking import Passage
from .config import Settings
from .errors import IndexUnavailable
from .highlight import SentenceIndex
from .known import KnownQuestions, load_known_questions
from .lexical import Expansion, Synonyms, terms
from .spelling import Speller, load_shorthand, word_counts
from .store import IndexData, passage_model_of, retrieval_embedder

__all__ = ["RETRIEVERS", "Hit", "Query", "Retriever", "make_retriever"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hit:
    """A passage, its cosine similarity to the question (``score``) and its 1-based rank."""

    passage: Passage
    score: float
    rank: int
    #: What the retriever ordered by (the fused score for hybrid; equals ``score`` for dense).
    rank_score: float = 0.0


@dataclass(frozen=True)
class Query:
    text: str
    terms: list[str]
    expansion: Expansion
    vector: np.ndarray
    #: What an answering sentence must contain (``qa.aspects``): read only when ``requirement_weight`` is on.
    requirements: tuple[Requirement, ...] = ()
    #: Its vector from the retrieval model, searched against the passages (None: ``vector``, the same model).
    passage_vector: np.ndarray | None = None

    @property
    def dense_vector(self) -> np.ndarray:
        """The vector the passages' vectors are compared with."""
        return self.vector if self.passage_vector is None else self.passage_vector


class Retriever:
    """Dense retrieval (the question's vector against the FAISS inner-product index) and the shared stages.

    ``embedder`` embeds the question for sentences and known questions; the passages were embedded by
    :func:`qa.store.retrieval_embedder`, which embeds the question for them too (``dense_embedder``)."""

    def __init__(self, settings: Settings, index: IndexData, embedder: object) -> None:
        self.settings = settings
        self.index = index
        self.embedder = embedder
        built = passage_model_of(index.manifest)
        if built != settings.passage_model:  # the question would be compared with another model's vectors
            raise IndexUnavailable(
                f"The index in {str(index.path)!r} holds passage vectors of {built!r}, not of the retrieval model "
                f"{settings.passage_model!r}: run `qa build`"
            )
        self.dense_embedder = retrieval_embedder(settings, embedder)
        self.synonyms = Synonyms.load(settings.synonyms) if settings.synonyms else None
        # Exact passage vectors (the store's embedding cache, verified at load), memory-mapped: an
        # approximate FAISS index may not give its vectors back exactly.
        cache = index.path / "embeddings.npy"
        self._embeddings = np.load(cache, mmap_mode="r", allow_pickle=False) if cache.is_file() else None
        self.speller = (
            Speller.from_texts(
                (p.index_text for p in index.passages),
                keep=default_lexicon().words,
                stems=default_lexicon().stems,
                targets=default_lexicon().targets,
                shorthand=load_shorthand(settings.shorthand) if settings.shorthand else None,
                acronyms=self.synonyms.words if self.synonyms else (),
            )
            if settings.spelling
            else None
        )
        self._vocabulary: frozenset[str] | None = None  # the articles' words, built by knows() without a speller
        self._sentence_terms: dict[int, tuple[frozenset[str], ...]] = {}  # row -> terms of each sentence
        self._sentence_texts: dict[int, tuple[str, ...]] = {}  # row -> each sentence, qa.aspects.normal
        self.known = (
            KnownQuestions.build(
                load_known_questions(settings.known_questions),
                [p.text for p in index.passages],
                [p.path for p in index.passages],
                self.correct,
                embedder.encode,
                getattr(embedder, "model_id", settings.model),
                # What the corrected questions depend on besides the model: the corpus vocabulary and the setting.
                context=f"{index.path.name}|spelling={self.speller.signature if self.speller else 'off'}",
                cache_dir=index.path.parent / "known",
            )
            if settings.known_questions and settings.known_weight
            else None
        )

    # -- stage 0 ---------------------------------------------------------------------------------
    def knows(self, word: str) -> bool:
        """Whether a lower-case word is one the articles use, an aspect lexicon word ("esketamine") or, with
        spelling correction on, a typo of one of them or a shorthand of ``Settings.shorthand`` ("thx", "r", "u"): what
        ``qa.language.other_language`` counts as familiar."""
        if self.speller is None:
            if self._vocabulary is None:
                self._vocabulary = frozenset(word_counts(p.index_text for p in self.index.passages)) | frozenset(
                    w.casefold() for w in default_lexicon().words
                )
            return word in self._vocabulary
        speller = self.speller
        if word in speller.counts or word in speller.keep or word in speller.shorthand:
            return True
        return speller.suggest(word) is not None

    def correct(self, question: str, shorthand: bool = True) -> str:
        """``question`` as searched: with ``Settings.spelling``, misspelled words become corpus words, and first its
        shorthand is written out (``Settings.shorthand``; not with ``shorthand=False``: what the crisis check reads)."""
        if self.speller is None:
            return question
        correction = self.speller.correct(question, shorthand=shorthand)
        if correction.changes:
            logger.debug("Spelling: %d word(s) corrected", len(correction.changes))
        return correction.text

    # -- stage 1 ---------------------------------------------------------------------------------
    def prepare(
        self,
        question: str,
        vector: np.ndarray | None = None,
        requirements: Sequence[Requirement] | None = None,
    ) -> Query:
        """Terms, vector and requirements of ``question``; ``vector`` / ``requirements`` are its embedding and
        :meth:`qa.aspects.AspectLexicon.requirements` when the caller already has them."""
        words = terms(question)
        expansion = self.synonyms.expand(words) if self.synonyms else Expansion()
        if vector is None:
            vector = self.embedder.encode([question])[0]
        passage_vector = None if self.dense_embedder is self.embedder else self.dense_embedder.encode([question])[0]
        if not self.settings.requirement_weight:
            requirements = ()
        elif requirements is None:
            requirements = default_lexicon().requirements(question)
        return Query(question, words, expansion, vector, tuple(requirements), passage_vector)

    # -- stage 2 ---------------------------------------------------------------------------------
    def rank(self, query: Query, depth: int) -> list[tuple[int, float]]:
        """(row, ranking score) of the best ``depth`` passages, best first."""
        return self.dense(query, depth)

    def dense(self, query: Query, depth: int) -> list[tuple[int, float]]:
        depth = min(depth, len(self.index))
        if depth < 1:
            return []
        scores, rows = self.index.vectors.search(query.dense_vector.reshape(1, -1).astype(np.float32), depth)
        return [(int(r), float(s)) for s, r in zip(scores[0], rows[0]) if r >= 0]

    def lexical_scores(self, query: Query) -> np.ndarray:
        """BM25 score of every passage. A synonym group the question matches counts once, as its best
        phrase per passage (the question's own phrase, or another one × ``expansion_weight``), so a
        passage that says "dependency" can match "addictive" without one that says both scoring twice."""
        lexical = self.index.lexical
        if not query.expansion.concepts:
            return lexical.scores(query.terms)
        covered = query.expansion.covered()
        scores = lexical.scores([t for t in query.terms if t not in covered])
        weight = self.settings.expansion_weight
        spellings = self.synonyms.spellings if self.synonyms else {}
        for concept in query.expansion.concepts:
            best = np.max([lexical.phrase_scores(key, spellings.get(key, ())) for key in concept.present], axis=0)
            for key in concept.others:
                best = np.maximum(best, weight * lexical.phrase_scores(key, spellings.get(key, ())))
            scores = scores + best
        return scores

    def cosines(self, query: Query, rows: list[int]) -> np.ndarray:
        """Cosine similarity of the question and each passage row (vectors read back from FAISS)."""
        if not rows:
            return np.zeros(0, dtype=np.float32)
        if self._embeddings is not None:
            vectors = np.asarray(self._embeddings[np.asarray(rows, dtype=np.int64)], dtype=np.float32)
        else:
            vectors = self.index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        return vectors @ query.dense_vector

    # -- stage 3 ---------------------------------------------------------------------------------
    def rerank(
        self, query: Query, ranked: list[tuple[int, float]], known: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Add ``rerank_weight`` × the passage's best sentence cosine (with ``rerank="maxsim"``),
        ``coverage_weight`` × its best sentence coverage (:meth:`coverage`; headings excluded) and
        ``known_weight`` × its known-question bonus (``known``: :meth:`known_bonus`, computed if not given)."""
        if not ranked:
            return ranked
        rows = np.fromiter((row for row, _ in ranked), dtype=np.int64, count=len(ranked))
        scores = np.fromiter((score for _, score in ranked), dtype=np.float64, count=len(ranked))
        if self.settings.rerank == "maxsim":
            scores += self.settings.rerank_weight * self.maxsim(query, rows)
        if self.settings.coverage_weight:
            scores += self.settings.coverage_weight * self.coverage(query, rows)
        if self.settings.requirement_weight and query.requirements:
            scores += self.settings.requirement_weight * self.requirements_met(query, rows)
        if self.known:
            scores += self.settings.known_weight * (self.known_bonus(query) if known is None else known)[rows]
        order = np.argsort(-scores, kind="stable")
        return [(int(rows[i]), float(scores[i])) for i in order]

    def maxsim(self, query: Query, rows: np.ndarray) -> np.ndarray:
        """Each row's best sentence cosine to the question (0 without sentence vectors or sentences)."""
        vectors, offsets = self.index.sentence_vectors, self.index.sentence_offsets
        if vectors is None or offsets is None:
            return np.zeros(len(rows), dtype=np.float32)
        starts = offsets[rows]
        sizes = offsets[rows + 1] - starts
        firsts = np.cumsum(sizes) - sizes  # where each passage's sentences begin in ``units``
        units = np.arange(int(sizes.sum())) - np.repeat(firsts - starts, sizes)
        cosines = np.asarray(vectors[units], dtype=np.float32) @ query.vector
        best = np.zeros(len(rows), dtype=np.float32)
        nonempty = sizes > 0
        if nonempty.any():
            best[nonempty] = np.maximum.reduceat(cosines, firsts[nonempty])
        return best

    def coverage(self, query: Query, rows: np.ndarray) -> np.ndarray:
        """Each row's best sentence coverage: the idf-weighted share of the question's distinct terms that
        one sentence holds (0..1; 0 without a lexical index or a question term the index knows).

        A question term no passage uses weighs what an unseen term's idf is, the highest there is
        (``Settings.coverage_unknown_terms``; before, such terms were left out of the total): no sentence
        can hold it, so a question asked mostly in words the articles never use ("is it a miracle cure
        that works for everybody") gets less of its ranking from the one or two words they do use.
        """
        weights, total = self._term_weights(query.terms)
        best = np.zeros(len(rows), dtype=np.float64)
        if not weights:
            return best
        for i, row in enumerate(rows):
            best[i] = max(self._sentence_sums(weights, int(row)), default=0.0)
        return best / total

    def sentence_coverage(self, question: str, passages: Sequence[Passage]) -> list[np.ndarray]:
        """Per passage of the index, each sentence's coverage of ``question`` as :meth:`coverage` reads it: the
        idf-weighted share of its distinct terms the sentence holds (zeros without a lexical index). What
        ``Settings.highlight_coverage`` adds to a quoted sentence's cosine to pick its highlight."""
        weights, total = self._term_weights(terms(question))
        rows = [self.index.rows[passage.id] for passage in passages]
        if not weights:
            return [np.zeros(len(self._terms_of_sentences(row))) for row in rows]
        return [np.array(self._sentence_sums(weights, row), dtype=np.float64) / total for row in rows]

    def _term_weights(self, words: Sequence[str]) -> tuple[dict[str, float], float]:
        """The idf of each distinct question term the lexical index knows, and the total coverage divides by
        (unknown terms at the unseen idf with ``Settings.coverage_unknown_terms``); ``({}, 0.0)`` without one."""
        lexical = self.index.lexical
        weights = lexical.idf(words) if lexical is not None else {}
        if not weights:
            return {}, 0.0
        total = sum(weights.values())
        if self.settings.coverage_unknown_terms:
            total += len({t for t in words if t} - weights.keys()) * lexical.unseen_idf()
        return weights, total

    def _sentence_sums(self, weights: dict[str, float], row: int) -> list[float]:
        """Per sentence of passage ``row``, the summed weight of the question terms it holds."""
        return [sum(w for t, w in weights.items() if t in unit) for unit in self._terms_of_sentences(row)]

    def requirements_met(self, query: Query, rows: np.ndarray) -> np.ndarray:
        """Each row's share of the question's requirements (``qa.aspects``: a price for "how much does it
        cost", a duration for "how long", a named drug, ...) that some sentence of the passage meets — the
        same test abstention applies to the quotes shown (0 for every row when the question has none)."""
        met = np.zeros(len(rows), dtype=np.float64)
        if not query.requirements:
            return met
        for i, row in enumerate(rows):
            texts = self._texts_of_sentences(int(row))
            met[i] = sum(any(r.mentioned(t) for t in texts) for r in query.requirements)
        return met / len(query.requirements)

    def known_bonus(self, query: Query) -> np.ndarray:
        """Per passage row, (s - t) / (1 - t) clipped at 0: s the question's best cosine to a known question
        pointing at the row (``qa.known``), t = ``Settings.known_threshold``."""
        t = self.settings.known_threshold
        best = self.known.similarity(
            query.text, query.vector, len(self.index), leave_one_out=self.settings.known_leave_one_out
        )
        return np.clip((best - t) / (1.0 - t), 0.0, None)

    def _texts_of_sentences(self, row: int) -> tuple[str, ...]:
        """Each sentence of passage ``row`` as :func:`qa.aspects.normal` text (headings excluded), kept once read."""
        return _per_sentence(self._sentence_texts, self.index.passages, row, normal)

    def _terms_of_sentences(self, row: int) -> tuple[frozenset[str], ...]:
        """The terms of each sentence of passage ``row`` (headings excluded), kept once read."""
        return _per_sentence(self._sentence_terms, self.index.passages, row, lambda text: frozenset(terms(text)))

    # -- the one entry point ---------------------------------------------------------------------
    def search(self, question: str, k: int) -> list[Hit]:
        """The ``k`` best passages for ``question``, best first (spelling corrected first)."""
        return self.search_corrected(self.correct(question), k)

    def search_corrected(
        self,
        question: str,
        k: int,
        *,
        vector: np.ndarray | None = None,
        requirements: Sequence[Requirement] | None = None,
    ) -> list[Hit]:
        """:meth:`search` for a question :meth:`correct` has already seen (``vector``: its embedding,
        ``requirements``: its requirements, if known), so a caller that needs the corrected text itself
        does not correct it twice."""
        if k < 1 or not len(self.index):
            return []
        query = self.prepare(question, vector, requirements)
        settings = self.settings
        rerank = settings.rerank == "maxsim" or bool(
            settings.coverage_weight or settings.requirement_weight or self.known
        )
        ranked = self.rank(query, max(k, settings.fusion_depth) if rerank else k)
        known = self.known_bonus(query) if self.known else None
        if known is not None:
            ranked = _with_known(ranked, known)
        if rerank:
            ranked = self.rerank(query, ranked, known)
        ranked = ranked[:k]
        cosines = self.cosines(query, [row for row, _ in ranked])
        return [
            Hit(self.index.passages[row], float(cos), rank, float(score))
            for rank, ((row, score), cos) in enumerate(zip(ranked, cosines), start=1)
        ]


class LexicalRetriever(Retriever):
    """BM25 alone (the ``score`` of each hit is still its cosine similarity, for abstention)."""

    def rank(self, query: Query, depth: int) -> list[tuple[int, float]]:
        return _top(self.lexical_scores(query), depth)


class HybridRetriever(Retriever):
    """Dense and BM25 candidates (``fusion_depth`` each), fused by ``Settings.fusion``."""

    def rank(self, query: Query, depth: int) -> list[tuple[int, float]]:
        pool = max(depth, self.settings.fusion_depth)
        dense = self.dense(query, pool)
        lexical_all = self.lexical_scores(query)
        lexical = _top(lexical_all, pool)
        if self.settings.fusion == "rrf":
            fused: dict[int, float] = {}
            for ranking in (dense, lexical):
                for rank, (row, _) in enumerate(ranking, start=1):
                    fused[row] = fused.get(row, 0.0) + 1.0 / (self.settings.rrf_k + rank)
            return sorted(fused.items(), key=lambda item: -item[1])[:depth]
        cos = dict(dense)
        missing = [row for row, _ in lexical if row not in cos]
        cos.update(zip(missing, map(float, self.cosines(query, missing))))
        rows = list(cos)
        dense_part = _minmax(np.array([cos[r] for r in rows]))
        top = float(lexical_all.max()) if len(lexical_all) else 0.0
        lexical_part = lexical_all[rows] / top if top > 0 else np.zeros(len(rows))
        alpha = self.settings.fusion_weight
        fused_scores = alpha * dense_part + (1 - alpha) * lexical_part
        order = np.argsort(-fused_scores, kind="stable")[:depth]
        return [(rows[i], float(fused_scores[i])) for i in order]


#: Passages whose sentence terms :meth:`Retriever.coverage` keeps in memory at most (then starts over).
_SENTENCE_CACHE_ROWS = 50_000


def _per_sentence(cache: dict[int, tuple], passages: Sequence[Passage], row: int, convert: Callable) -> tuple:
    """``convert`` of each sentence of passage ``row`` (:meth:`SentenceIndex.texts`), kept in ``cache`` (emptied
    once it holds :data:`_SENTENCE_CACHE_ROWS` passages)."""
    cached = cache.get(row)
    if cached is None:
        if len(cache) >= _SENTENCE_CACHE_ROWS:
            cache.clear()
        cached = cache[row] = tuple(map(convert, SentenceIndex.texts(passages[row])))
    return cached


def _with_known(ranked: list[tuple[int, float]], known: np.ndarray) -> list[tuple[int, float]]:
    """``ranked`` plus the passages with a known-question bonus (``known`` > 0) the first stage left out, at
    the lowest first-stage score (so the second stage can still bring them up)."""
    have = {row for row, _ in ranked}
    extra = [int(row) for row in np.flatnonzero(known > 0) if int(row) not in have]
    if not extra:
        return ranked
    floor = min((score for _, score in ranked), default=0.0)
    return ranked + [(row, floor) for row in extra]


def _top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` highest (row, score) pairs, best first; rows scoring 0 are left out."""
    k = min(k, len(scores))
    if k < 1:
        return []
    rows = np.argpartition(-scores, k - 1)[:k]
    rows = rows[np.argsort(-scores[rows], kind="stable")]
    return [(int(r), float(scores[r])) for r in rows if scores[r] > 0]


def _minmax(values: np.ndarray) -> np.ndarray:
    if not len(values):
        return values
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.ones_like(values)


#: Retriever names accepted by ``Settings.retriever``.
RETRIEVERS: dict[str, type[Retriever]] = {"dense": Retriever, "bm25": LexicalRetriever, "hybrid": HybridRetriever}


def make_retriever(settings: Settings, index: IndexData, embedder: object) -> Retriever:
    """The retriever named by ``settings.retriever``."""
    try:
        cls = RETRIEVERS[settings.retriever]
    except KeyError:
        raise ValueError(f"Retriever {settings.retriever!r} is not supported; valid: {sorted(RETRIEVERS)!r}") from None
    return cls(settings, index, embedder)

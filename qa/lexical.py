"""Lexical (BM25) ranking of passages, and the words it ranks them by.

Text becomes terms by :func:`terms`: a word regex cuts words (what NLTK's ``RegexpTokenizer`` does
with it, without importing NLTK, whose package import pulls in scipy and sklearn: seconds of cold
start on the first question), they are lower-cased, possessive ``'s`` dropped, English stop words removed (the NLTK
list as shipped by ``bm25s``) and Snowball-stemmed (PyStemmer). A hyphenated word counts as its
parts *and* as one joined word, so "anti-depressant" and "antidepressant" meet on ``antidepress``.

BM25 itself is ``bm25s`` (Lucene's variant). Its state is saved as ``.npy`` arrays and JSON by
``bm25s`` itself (``allow_pickle=False`` on save and load) in a folder of the index generation,
covered by the manifest's checksums. Any change to :data:`TOKENIZER` or the parameters is in
:func:`lexical_settings`, which the manifest records, so a stale lexical index is rebuilt.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import SYNONYMS_FILE
from .errors import QAError, read_lines

__all__ = ["SYNONYMS_FILE", "TOKENIZER", "LexicalIndex", "Synonyms", "lexical_settings", "terms"]

logger = logging.getLogger(__name__)

#: Bump when :func:`terms` changes meaning: saved lexical indexes then become stale.
TOKENIZER = "nltk-regexp+nltk-stopwords+snowball-english/1"
K1 = 1.2
B = 0.75
#: Files ``bm25s`` writes (no corpus copy: passages.jsonl already holds the text).
FILES = (
    "data.csc.index.npy",
    "indices.csc.index.npy",
    "indptr.csc.index.npy",
    "vocab.index.json",
    "params.index.json",
)

_POSSESSIVE = re.compile(r"['’]s$")


def lexical_settings() -> dict[str, object]:
    """What shapes the saved lexical index (recorded in the manifest; a change makes it stale)."""
    return {"tokenizer": TOKENIZER, "k1": K1, "b": B, "method": "lucene"}


@functools.lru_cache(maxsize=1)
def _tools():  # -> (tokenizer, stop words, stemmer)
    os.environ.setdefault("DISABLE_TQDM", "1")
    import Stemmer
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets DEBUG on import
    tokenizer = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE | re.MULTILINE | re.DOTALL)
    return tokenizer, frozenset(STOPWORDS_EN_PLUS), Stemmer.Stemmer("english")


def stop_words() -> frozenset[str]:
    """The English stop words BM25 leaves out (the NLTK list shipped in ``bm25s``)."""
    return _tools()[1]


def terms(text: str) -> list[str]:
    """The stemmed, stop-word-free terms of ``text``, in order (hyphen compounds: parts, then joined)."""
    tokenizer, stop, stemmer = _tools()
    words: list[str] = []
    for token in tokenizer.findall(text.lower()):
        token = _POSSESSIVE.sub("", token)
        if "-" in token:
            parts = [p for p in token.replace("’", "'").split("-") if p]
            words.extend(p for p in parts if p not in stop)
            words.append("".join(parts).replace("'", ""))
        elif token not in stop:
            words.append(token.replace("’", "'"))
    return stemmer.stemWords(words)


class LexicalIndex:
    """BM25 over a list of texts (row i = text i), scoring every row for a query at once."""

    def __init__(self, bm25: object, size: int) -> None:
        self._bm25 = bm25
        self.size = size
        self._vocab: dict[str, int] = bm25.vocab_dict  # type: ignore[attr-defined]

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        """Index ``texts`` (a text with no terms still gets a row, scoring 0)."""
        import bm25s

        tokens = [terms(t) or [""] for t in texts]
        bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        bm25.index(tokens, show_progress=False)
        return cls(bm25, len(texts))

    def save(self, folder: Path) -> list[str]:
        """Write the index into ``folder``; returns the file names written (relative to it)."""
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), corpus=None, allow_pickle=False)  # type: ignore[attr-defined]
        written = sorted(p.name for p in folder.iterdir() if p.is_file())
        missing = set(FILES) - set(written)
        if missing:
            raise RuntimeError(f"bm25s did not write {sorted(missing)!r} into {str(folder)!r}")
        return written

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex:
        """Read an index saved by :meth:`save` (arrays loaded with ``allow_pickle=False``)."""
        import bm25s

        bm25 = bm25s.BM25.load(str(folder), load_corpus=False, allow_pickle=False, mmap=False)
        rows = int(bm25.scores["num_docs"])
        if rows != size:
            raise ValueError(f"the lexical index has {rows} rows, the passage table {size}")
        return cls(bm25, size)

    def phrase_scores(self, key: tuple[str, ...], spellings: tuple[tuple[str, ...], ...] = ()) -> np.ndarray:
        """BM25 score of a phrase's terms, kept only in rows holding every word of one of ``spellings``."""
        total = self.scores(list(key))
        if len(key) < 2 or not spellings:
            return total
        present = {t: self.scores([t]) > 0 for spelling in spellings for t in spelling}
        mask = np.zeros(self.size, dtype=bool)
        for spelling in spellings:
            mask |= np.logical_and.reduce([present[t] for t in spelling])
        return np.where(mask, total, np.float32(0))

    def query_ids(self, query_terms: list[str]) -> np.ndarray:
        """Vocabulary ids of the query's terms (unknown terms dropped; a repeated term counts twice)."""
        return np.fromiter((self._vocab[t] for t in query_terms if t and t in self._vocab), dtype=np.int32)

    def idf(self, query_terms: list[str]) -> dict[str, float]:
        """Lucene's BM25 idf, ``ln(1 + (N - n + 0.5) / (n + 0.5))``, of each distinct query term the index
        knows (``n``: rows holding the term); unknown terms are left out."""
        indptr = self._bm25.scores["indptr"]  # type: ignore[attr-defined]  # CSC: one column per vocabulary term
        rows = float(self.size)
        weights: dict[str, float] = {}
        for term in dict.fromkeys(query_terms):
            column = self._vocab.get(term) if term else None
            if column is not None:
                n = float(indptr[column + 1] - indptr[column])
                weights[term] = float(np.log1p((rows - n + 0.5) / (n + 0.5)))
        return weights

    def unseen_idf(self) -> float:
        """:meth:`idf` of a term no row holds (``n = 0``): the highest idf this index can give."""
        rows = float(self.size)
        return float(np.log1p((rows + 0.5) / 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every row for ``query_terms`` (float32, length :attr:`size`)."""
        ids = self.query_ids(query_terms)
        if not len(ids):
            return np.zeros(self.size, dtype=np.float32)
        return self._bm25.get_scores_from_ids(ids)  # type: ignore[attr-defined]


Key = tuple[str, ...]  # a phrase as its terms


@dataclass(frozen=True)
class Concept:
    """One synonym group matched by a question: its phrases found in the question, and the others."""

    present: tuple[Key, ...]
    others: tuple[Key, ...]


@dataclass(frozen=True)
class Expansion:
    """What a question gains from the synonym map: matched concepts (for BM25) and phrases (for the model)."""

    concepts: tuple[Concept, ...] = ()
    phrases: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """The terms of the phrases the question lacks."""
        return tuple(t for c in self.concepts for key in c.others for t in key)

    def covered(self) -> set[str]:
        """Question terms that belong to a matched phrase (scored through their concept instead)."""
        return {t for c in self.concepts for key in c.present for t in key}


class Synonyms:
    """Groups of interchangeable phrases, matched on :func:`terms` (case, endings and stop words ignored)."""

    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = [[(phrase, tuple(terms(phrase))) for phrase in group] for group in groups]
        self._by_first: dict[str, list[tuple[int, Key]]] = {}  # first term -> (group, phrase key)
        #: The ways a passage can contain all of a phrase's words ("habit-forming": habit + form, or
        #: habitform), so a phrase never matches on one of its words alone ("form new connections").
        self.spellings: dict[Key, tuple[Key, ...]] = {}
        for number, group in enumerate(self.groups):
            for phrase, key in group:
                self._by_first.setdefault(key[0], []).append((number, key))
                forms = {tuple(terms(phrase.replace("-", " "))), tuple(terms(phrase.replace("-", "")))}
                self.spellings[key] = tuple(sorted(form for form in forms if form))

    @classmethod
    def load(cls, path: Path = SYNONYMS_FILE) -> Synonyms:
        """Read the ``a | b | c`` lines of ``path``; a malformed line is a :class:`QAError` naming it."""
        path = Path(path)
        lines = read_lines(path, "synonym")
        groups = []
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            group = [p.strip() for p in line.split("|")]
            if len(group) < 2 or not all(p and terms(p) for p in group):
                raise QAError(
                    f"{str(path)!r} line {number}: {line!r} is not 'phrase | phrase [| ...]' with searchable words"
                )
            groups.append(group)
        return cls(groups)

    @property
    def words(self) -> frozenset[str]:
        """The phrases of one word ("OCD", "drip"), lower-cased."""
        return frozenset(phrase.casefold() for group in self.groups for phrase, _ in group if phrase.isalpha())

    def expand(self, query_terms: list[str]) -> Expansion:
        """Every group one of whose phrases occurs (as a term sequence) in the query, with its other phrases."""
        found: dict[int, list[Key]] = {}
        for i, term in enumerate(query_terms):
            for number, key in self._by_first.get(term, ()):
                if tuple(query_terms[i : i + len(key)]) == key and key not in found.setdefault(number, []):
                    found[number].append(key)
        concepts: list[Concept] = []
        phrases: list[str] = []
        for number in sorted(found):
            present = tuple(found[number])
            others: dict[Key, str] = {}
            for phrase, key in self.groups[number]:
                if key not in present:
                    others.setdefault(key, phrase)
            if others:
                concepts.append(Concept(present, tuple(others)))
                phrases.extend(others.values())
        return Expansion(tuple(concepts), tuple(phrases))

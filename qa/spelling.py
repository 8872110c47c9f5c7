"""Correcting misspelled question words against the corpus vocabulary ("anxeity" → "anxiety").

Patients type fast: a misspelled word matches no BM25 term and blurs the question's vector. A
:class:`Speller` is built from the passages of the loaded index (their ``index_text``), and corrects a
question word only when all of these hold, so real words, names and numbers are left alone:

* it is alphabetic, at least :data:`MIN_LENGTH` letters long and not written in capitals (an acronym);
* no passage uses it, and it is not an English word (the word list shipped with ``pyspellchecker``:
  "hooked" is a real word even when no article says it, so it is never "corrected" to "looked");
* it is not a word the caller keeps (``keep``: the retriever passes the one-word terms of the aspect
  lexicon, :mod:`qa.aspects`, whose named drugs and treatments are what a question must be answered about —
  "esketamine" is another drug than "ketamine", and corrected it was answered with ketamine's definition);
* a corpus word used at least ``min_count`` times is within Damerau–Levenshtein (optimal string
  alignment) distance 1, or 2 for words of :data:`LONG_WORD` letters or more — and is not the word
  without its first two letters: a two-letter prefix makes another word (es-ketamine, ar-ketamine),
  seldom a typo. The caller's ``targets`` (by default the kept words; the retriever passes the topic aspects'
  words, not the named drugs, which questions often name only in passing) and the English words starting with
  one of its ``stems`` (the lexicon's "pregnan*" → "pregnant") are targets too, though no passage uses them: "pregant"
  becomes "pregnant", so the question's pregnancy requirement is made and an article that never mentions
  pregnancy does not answer it ("…is considered safe", round 18 audit). Such a target must begin with the
  typed word's first letter ("realy" is not "mealy") and not be the typed word cut short ("opioids").

The closest such word wins, then the more frequent one, then the alphabetically first. Candidates are
found by symmetric deletes (SymSpell's idea): every corpus word and its one-letter deletions are keyed, the
question word's deletions of up to two letters are looked up, then the true distance is checked. That misses a
long word with two letters changed, or one changed and one missing ("desociation"): since round 24, when nothing
one edit away was found, the corpus words with the typo's first letter and within two letters of its length are
compared with it one by one (a two-edit typo with another first letter is still not found by this path).

Before all this, with shorthand on (what the search reads; the crisis check reads the message as typed), letters
spelt out one by one as voice typing writes an acronym are joined when they make a corpus word, a kept word or one
of ``acronyms`` (the synonym map's one-word phrases): "p t s d" → "ptsd", "O.C.D." → "OCD" (round 24).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import QAError, read_lines

__all__ = ["Correction", "Speller", "english_words", "load_shorthand", "osa_distance", "word_counts"]

#: Shorter words are never corrected (too many real words are one edit apart).
MIN_LENGTH = 5
#: Words at least this long may be corrected at distance 2; shorter ones at distance 1 only.
LONG_WORD = 8
#: Bumped when what :meth:`Speller.suggest` corrects changes, so questions corrected by older rules (the
#: known questions' cache, :mod:`qa.known`) are corrected again.
RULES = 6
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
#: The "'t" of a negative contraction, after its first part ("doesn", "shouldn").
_NOT = re.compile(r"['\u2019\u02bc`]t\b", re.IGNORECASE)
#: Three or more single letters spelt out, as voice typing writes an acronym: "p t s d", "O.C.D.", "i. v. s".
_SPELT = re.compile(r"(?<![\w'’/.-])[^\W\d_](?:(?:\. ?| )[^\W\d_](?![\w'’/-])){2,}", re.UNICODE)


def load_shorthand(path: Path) -> dict[str, str]:
    """``typed`` (lower case) → ``meant`` from the ``typed = meant`` lines of ``path`` (``#`` starts a comment line);
    a malformed line is a :class:`QAError` naming it."""
    found: dict[str, str] = {}
    for number, line in enumerate(read_lines(Path(path), "shorthand"), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        typed, sep, meant = (part.strip() for part in line.partition("="))
        if not sep or not typed or not meant or any(c.isspace() for c in typed) or not _WORD.search(typed):
            raise QAError(f"{str(path)!r} line {number}: {line!r} is not 'typed = meant' with one typed word")
        found[typed.casefold()] = meant
    return found


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """The lower-cased words of ``texts`` with their counts: a speller's vocabulary."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_WORD.findall(text.lower()))
    return counts


def _shorthand_pattern(typed: Iterable[str]) -> re.Pattern[str] | None:
    """Whole typed words, longest first, in any case but a one-letter key (lower case only: "R" is no "are"); not
    joined to a letter, digit, hyphen or apostrophe ("n-methyl", "u's"), except that a key ending in "/" ("w/") may
    run into the next word."""
    keys = sorted(typed, key=len, reverse=True)
    if not keys:
        return None

    def alternative(key: str) -> str:
        written = re.escape(key) if len(key) > 1 else f"(?-i:{re.escape(key)})"  # "R", "N" are not "are", "and"
        return written + ("" if key.endswith("/") else r"(?![\w'’/-])")

    alternatives = "|".join(map(alternative, keys))
    return re.compile(rf"(?<![\w'’/-])(?:{alternatives})", re.IGNORECASE)


@dataclass(frozen=True)
class Correction:
    """The question as searched (``text``) and the (misspelled, corrected) word pairs."""

    text: str
    changes: tuple[tuple[str, str], ...] = ()


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words (lower case) from pyspellchecker's frequency list."""
    return frozenset(english_frequencies())


@functools.lru_cache(maxsize=1)
def english_frequencies() -> dict[str, int]:
    """pyspellchecker's English word list with each word's count."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="en").word_frequency.dictionary)


def _edits1(word: str) -> set[str]:
    """Every string one deletion, adjacent transposition, replacement or insertion (a–z) away from ``word``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    )


def osa_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance with adjacent transpositions (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _keys(word: str, deletes: int = 1) -> set[str]:
    """What a vocabulary word is looked up by: itself and its deletions of up to ``deletes`` letters."""
    keys = {word}
    for _ in range(deletes):
        keys |= {d for k in keys for d in _deletes(k)}
    return keys


class Speller:
    """Corrects question words to corpus words (see the module docstring for when)."""

    def __init__(
        self,
        counts: Counter[str],
        *,
        min_count: int = 2,
        english: Iterable[str] | None = None,
        keep: Iterable[str] = (),
        stems: Iterable[str] = (),
        targets: Iterable[str] | None = None,
        shorthand: Mapping[str, str] | None = None,
        acronyms: Iterable[str] = (),
    ) -> None:
        self.counts = counts
        #: What spelt-out letters may be joined into besides corpus and kept words (the synonym map's "OCD").
        self.acronyms = frozenset(w.casefold() for w in acronyms if w.isalpha())
        self.shorthand = {k.casefold(): v for k, v in (shorthand or {}).items()}
        self._shorthand = _shorthand_pattern(self.shorthand)
        self.keep = frozenset(w.casefold() for w in keep)
        self.targets = self.keep if targets is None else frozenset(w.casefold() for w in targets)
        self.stems = tuple(sorted({s.casefold() for s in stems if s}))
        self._target_index: dict[str, set[str]] | None = None  # built with the English list: see _target_keys
        self._targets_longest = 0
        # The shipped list (~0.6 s to read) is loaded on the first word the corpus does not know.
        self._english = frozenset(english) if english is not None else None
        self._keys: dict[str, set[str]] = {}  # a corpus word, or it minus one letter -> corpus words
        # First letter -> the corpus words a long typo may be two edits from (round 24; see _far_candidates).
        self._by_first: dict[str, list[str]] = {}
        for word, count in counts.items():
            if count >= min_count and len(word) >= MIN_LENGTH - 1:
                for key in _keys(word):
                    self._keys.setdefault(key, set()).add(word)
                if len(word) >= LONG_WORD - 2:
                    self._by_first.setdefault(word[0], []).append(word)
        self._longest = max(map(len, self._keys), default=0)  # the longest corpus word

    @property
    def signature(self) -> str:
        """What the corrections depend on besides the vocabulary: the rules and the kept words."""
        parts = [*sorted(self.keep), "*", *self.stems, "*", *sorted(self.targets)]
        if self.shorthand:  # not before round 23: a speller without shorthand keeps its signature
            parts += ["*", *(f"{k}={v}" for k, v in sorted(self.shorthand.items()))]
        if self.acronyms:  # not before round 24
            parts += ["*", *sorted(self.acronyms)]
        kept = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]
        return f"rules{RULES}-keep{kept}"

    def _target_keys(self) -> dict[str, set[str]]:
        """Words that are not in the corpus but may be corrected *to*: ``targets`` (by default the kept words), and
        the English words starting with one of ``stems`` ("pregnan" → "pregnant", "pregnancy")."""
        if self._target_index is None:
            words = set(self.targets)
            if self.stems:
                words |= {w for w in self.english if w.startswith(self.stems)}
            words = {w for w in words if len(w) >= MIN_LENGTH - 1 and w.isalpha()}
            self._target_index = {}
            for word in words:
                # A lexicon word and its deletions of two letters when long: the lexicon is small, whatever the corpus.
                for key in _keys(word, 2 if len(word) >= LONG_WORD else 1):
                    self._target_index.setdefault(key, set()).add(word)
            self._targets_longest = max(map(len, words), default=0)
        return self._target_index

    @property
    def english(self) -> frozenset[str]:
        if self._english is None:
            self._english = english_words()
        return self._english

    @classmethod
    def from_texts(cls, texts: Iterable[str], **kwargs: object) -> Speller:
        """A speller whose vocabulary is the lower-cased words of ``texts`` with their counts."""
        return cls(word_counts(texts), **kwargs)  # type: ignore[arg-type]

    def suggest(self, word: str) -> str | None:
        """The corpus word ``word`` should be, or ``None`` when it should stay as it is."""
        word = word.lower()
        if len(word) < MIN_LENGTH or not word.isalpha() or word in self.counts or word in self.keep:
            return None
        if word in self.english:  # read after the cheaper tests: the list takes ~0.6 s to load
            return None
        limit = 2 if len(word) >= LONG_WORD else 1
        targets = self._target_keys()
        if len(word) > max(self._longest, self._targets_longest) + limit:
            # No corpus word is within `limit` edits (each changes the length by one at most); and a 1,000-letter
            # word's two-letter deletes took ~0.5 GB and 3-5 s per question (round 16 audit).
            return None
        probes = {word} | _deletes(word)
        if limit > 1:
            probes |= {d for p in list(probes) for d in _deletes(p)}
        found = {c for p in probes for c in self._keys.get(p, ())}
        # A lexicon word is a target only for a typo of it: same first letter (a first-letter slip is rare: "realy"
        # is not "mealy"), and not the word with its ending cut ("opioids" is not a misspelt "opioid").
        found |= {c for p in probes for c in targets.get(p, ()) if c[0] == word[0] and not word.startswith(c)}
        scored = [(d, -self.counts[c], c) for c in found if c != word[2:] and (d := osa_distance(word, c)) <= limit]
        if limit > 1 and not any(d == 1 for d, _, _ in scored):
            far = self._far_candidates(word) - found
            scored += [(d, -self.counts[c], c) for c in far if c != word[2:] and (d := osa_distance(word, c)) <= limit]
        if not scored:
            return None
        best = min(scored)[2]
        if best not in self.counts and self._commoner_word_near(word, best):
            return None  # "beter" is "better", not the lexicon's "beer" (round 23)
        return best

    def _far_candidates(self, word: str) -> set[str]:
        """The corpus words that begin with ``word``'s letter and are within two letters of its length. The deletes
        find a corpus word two edits away only when the typo has letters to spare (two extra, or one extra and one
        changed); with two letters changed, or one changed and one missing ("desociation"), they cannot, unless every
        corpus word's two-letter deletions were keyed too — ~45 keys a word, 46 MB for COVID-QA's 49 articles. So
        these are compared one by one instead, for a long word the deletes found nothing one edit from (round 24)."""
        return {c for c in self._by_first.get(word[0], ()) if abs(len(c) - len(word)) <= 2}

    def _commoner_word_near(self, word: str, target: str) -> bool:
        """Whether an English word one edit from ``word`` is more frequent than ``target`` (a lexicon word no
        article uses): then the typo is more likely that word's, which the speller does not correct to."""
        counts = english_frequencies()
        floor = counts.get(target, 0)
        return any(counts.get(w, 0) > floor for w in _edits1(word) & self.english if w != target)

    def _join_spelt(self, match: re.Match[str]) -> str | None:
        """The acronym spelt out letter by letter in ``match`` ("p t s d" → "ptsd"), when it is a word the corpus
        uses, a kept word or one of ``acronyms``; else ``None`` ("a b c" stays)."""
        joined = "".join(_WORD.findall(match.group()))
        word = joined.casefold()
        return joined if word in self.counts or word in self.keep or word in self.acronyms else None

    def correct(self, text: str, shorthand: bool = True) -> Correction:
        """``text`` with letters spelt out joined ("p t s d" → "ptsd") and its shorthand written out ("hw lng does it
        last" → "how lng…"; neither with ``shorthand=False``), and then each correctable word replaced by its corpus
        word (the rest kept verbatim)."""
        changes: list[tuple[str, str]] = []
        if shorthand:

            def join(match: re.Match[str]) -> str:
                joined = self._join_spelt(match)
                if joined is None:
                    return match.group()
                changes.append((match.group(), joined))
                return joined

            text = _SPELT.sub(join, text)
        if self._shorthand is not None and shorthand:

            def expand(match: re.Match[str]) -> str:
                meant = self.shorthand[match.group().casefold()]
                changes.append((match.group(), meant))
                joined = match.group().endswith("/") and match.end() < len(text) and text[match.end()].isalnum()
                return meant + " " if joined else meant  # "w/depression" → "with depression"

            text = self._shorthand.sub(expand, text)

        def fix(match: re.Match[str]) -> str:
            # "doesn't" is read as "doesn" + "t": "doesn" → "does" turned the question round (round 18 audit).
            negated = _NOT.match(text, match.end()) is not None
            better = None if match.group().isupper() or negated else self.suggest(match.group())
            if better is None:
                return match.group()
            changes.append((match.group(), better))
            return better

        corrected = _WORD.sub(fix, text)
        return Correction(corrected, tuple(changes))

"""The safety rules' pattern language (see :mod:`qa.safety`), compiled to small regexes over one character per word.

A :class:`PatternCompiler` parses each pattern into a tree, each macro once, and collects the pattern words,
``word*`` prefixes and ``#lo-hi`` number ranges. Then :class:`Alphabet` gives every pattern word its own character,
and every other word the character of its class: the longest pattern prefix it starts with (or none) and whether
it is a number — and if so, in which stretch between the ranges' bounds it lies, so 150 and 165 share a character
when no range bound falls between them. The question's canonical words are encoded the same way
(:meth:`Alphabet.encode`), so a rule's regex runs on one character per word: a pattern word is one character,
``word*``, ``#`` and ``#lo-hi`` are character classes, a gap is ``[^.]{0,N}`` and an alternation of single words is
one class. Every word test a pattern makes (this word, starts with this prefix, a number, a number from lo to hi,
a sentence end) has the same answer for a word and for its character, so a pattern matches the encoded text
exactly when the word-level pattern matches the words.

Why: ``re`` parses regexes in Python, and the start-up time went there and to expanding every macro at each use.
Now each macro is parsed once, the regexes are ~5x shorter than regexes over the text itself, and the characters
are outside the Basic Multilingual Plane, where ``re`` keeps a class as its ranges instead of building a 64K-entry
map per class. A :class:`Matcher` skips its regex when the text holds none of the words every match needs.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .errors import QAError

__all__ = ["Alphabet", "Matcher", "PatternCompiler", "SafetyRulesError"]

DEFAULT_GAP, MAX_GAP, MAX_MACRO_DEPTH = 3, 12, 8
_PATTERN_TOKEN = re.compile(r"\{\w+\}|\*\d*|#\d+-\d+|[()\[\]|^$#~]|[^\s()\[\]|{}^$*#~]+\*?")
_NUMBER = re.compile(r"[0-9]{2,}")
_MAX_DIGITS = 18  # a longer number counts as larger than every range's bound (int() of it is never needed)
_DOT = "."  # the sentence-end word, encoded as itself
_FIRST_CODE = 0xF0000  # a private use plane, outside the BMP (see above)
_CACHE_SIZE = 50_000

#: A parsed pattern: ("word", w) | ("prefix", w) | ("number",) | ("number", lo, hi) | ("dot",) | ("gap", n) |
#: ("not", node) | ("macro", name) | ("group", branches, optional) where each branch is a tuple of nodes matched in
#: sequence.
Node = tuple
_Chars = frozenset  # the characters a one-word node accepts


class SafetyRulesError(QAError, ValueError):
    """The safety rules file is missing, not valid JSON, or holds a malformed rule."""


@dataclass(frozen=True)
class Matcher:
    """A compiled list of patterns: its regex, and characters of which every match holds one (None: no such set)."""

    regex: re.Pattern[str]
    needs: frozenset[str] | None

    def search(self, text: str) -> bool:
        """Whether a pattern matches encoded ``text``; without the regex when ``text`` holds none of :attr:`needs`."""
        return (self.needs is None or not self.needs.isdisjoint(text)) and self.regex.search(text) is not None


class Alphabet:
    """One character per pattern word, per (longest pattern prefix or "", not a number / a number in this stretch
    between the bounds of the patterns' ``#lo-hi`` ranges) of other words, and "."."""

    def __init__(self, words: Iterable[str], prefixes: Iterable[str], ranges: Iterable[tuple[int, int]] = ()) -> None:
        self._prefixes = set(prefixes)
        self._longest = max(map(len, self._prefixes), default=0)
        #: Every range's low bound and high bound + 1: numbers between two neighbouring cuts share a character.
        self._cuts = sorted({bound for lo, hi in ranges for bound in (lo, hi + 1)})
        stretches = range(2, len(self._cuts) + 3)
        # kind 0: this pattern word; 1: another word (not a number) whose longest prefix is this; 2+: a number
        # (whose prefix can only be digits) in stretch kind - 2
        stems = (*self._prefixes, "")
        keys = sorted(
            {(w, 0) for w in words}
            | {(p, 1) for p in stems}
            | {(p, kind) for p in stems if p.isdigit() or not p for kind in stretches}
        )
        self._chars = {key: chr(_FIRST_CODE + i) for i, key in enumerate(keys)}
        self._words = {word: c for (word, kind), c in self._chars.items() if kind == 0} | {_DOT: _DOT}
        self._sorted = [word for word, _ in keys]  # the words starting with one prefix are one run of it
        self._number_keys = [
            (key, c) for key, c in self._chars.items() if key[1] >= 2 or not key[1] and _NUMBER.fullmatch(key[0])
        ]
        self._numbers = _Chars(c for _, c in self._number_keys)
        self._ranges: dict[tuple[int, int], _Chars] = {}
        self.char = functools.lru_cache(maxsize=_CACHE_SIZE)(self._char)

    def _stretch(self, number: str) -> int:
        """Which stretch between the cuts a number falls in (0: below the lowest cut)."""
        return len(self._cuts) if len(number) > _MAX_DIGITS else bisect.bisect_right(self._cuts, int(number))

    def _char(self, word: str) -> str:
        if (c := self._words.get(word)) is not None:
            return c
        stems = (word[:n] for n in range(min(len(word), self._longest), 0, -1))
        stem = next((s for s in stems if s in self._prefixes), "")
        return self._chars[(stem, 2 + self._stretch(word) if _NUMBER.fullmatch(word) else 1)]

    def encode(self, text: str) -> str:
        """One character per word of a canonical text (words separated by single spaces)."""
        return "".join(map(self.char, text.rstrip(" ").split(" ")))

    def word(self, word: str) -> _Chars:
        return _Chars(self._words[word])

    def prefix(self, stem: str) -> _Chars:
        """Every character of a word starting with ``stem`` (one run of the sorted keys)."""
        start = end = bisect.bisect_left(self._sorted, stem)
        while end < len(self._sorted) and self._sorted[end].startswith(stem):
            end += 1
        return _Chars(chr(_FIRST_CODE + i) for i in range(start, end))

    def number(self, lo: int | None = None, hi: int | None = None) -> _Chars:
        """Every character of a number (2+ digits), or of one from ``lo`` to ``hi`` (a range the alphabet knows)."""
        if lo is None or hi is None:
            return self._numbers
        if (lo, hi) not in self._ranges:
            inside = range(self._stretch(str(lo)), self._stretch(str(hi)) + 1)  # lo and hi + 1 are cuts
            self._ranges[lo, hi] = _Chars(
                c
                for (w, kind), c in self._number_keys
                if kind - 2 in inside or not kind and len(w) <= _MAX_DIGITS and lo <= int(w) <= hi
            )
        return self._ranges[lo, hi]


@functools.lru_cache(maxsize=4096)  # the same classes recur in many rules
def char_class(chars: _Chars) -> str:
    """A regex for one of ``chars``, runs of consecutive characters written as ranges."""
    codes = sorted(map(ord, chars))
    if len(codes) == 1:
        return re.escape(chr(codes[0]))
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = (re.escape(chr(a)) + ("-" if b > a + 1 else "") + (re.escape(chr(b)) if b > a else "") for a, b in runs)
    return "[" + "".join(parts) + "]"


class PatternCompiler:
    """Parses rule patterns (collecting :attr:`words` and :attr:`prefixes`), then compiles them to regexes."""

    def __init__(self, macros: Mapping[str, str], normalize: Callable[[str], str]) -> None:
        self.macros = macros
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        self.ranges: set[tuple[int, int]] = set()  # the (lo, hi) of every "#lo-hi"
        self._normalize = normalize
        self._word_trees: dict[str, tuple[Node, list[str], bool]] = {}  # pattern word -> (tree, words, is prefix)
        self.macro_trees: dict[str, tuple[Node, int]] = {}  # name -> (tree, how deep macros nest inside it)
        self._rendered: dict[str, str | _Chars] = {}
        self._needed: dict[str, _Chars | None] = {}
        self._alphabet: Alphabet | None = None

    def group(self, patterns: list[str]) -> Node:
        """One tree for a list of patterns (a rule's ``any``, ``unless`` or one ``all`` entry): any of them."""
        return ("group", tuple((self.parse(p)[0],) for p in patterns), False)

    def parse(self, pattern: str, depth: int = 0) -> tuple[Node, int]:
        """The tree of one pattern and how deeply macros nest inside it."""
        if depth > MAX_MACRO_DEPTH:
            raise SafetyRulesError(f"macros nest deeper than {MAX_MACRO_DEPTH} (a macro uses itself?)")
        tokens = _PATTERN_TOKEN.findall(pattern)
        branches, end, height = self._parse(tokens, 0, None, depth)
        if end != len(tokens):
            raise SafetyRulesError(f"unbalanced {tokens[end]!r} in pattern {pattern!r}")
        return ("group", branches, False), height

    def _macro(self, name: str, depth: int) -> tuple[Node, int]:
        if name not in self.macros:
            raise SafetyRulesError(f"unknown macro {{{name}}}")
        if name not in self.macro_trees:
            self.macro_trees[name] = self.parse(self.macros[name], depth + 1)
        tree, height = self.macro_trees[name]
        if depth + 1 + height > MAX_MACRO_DEPTH:
            raise SafetyRulesError(f"macros nest deeper than {MAX_MACRO_DEPTH} (a macro uses itself?)")
        return ("macro", name), height + 1

    def _parse(self, tokens: list[str], i: int, closer: str | None, depth: int) -> tuple[tuple, int, int]:
        branches: list[tuple[Node, ...]] = []
        seq: list[Node] = []
        negate, height = False, 0
        while i < len(tokens) and tokens[i] != closer:
            tok = tokens[i]
            i += 1
            if tok in ("|", "~"):
                if tok == "|":
                    branches.append(tuple(seq))
                    seq = []
                elif i >= len(tokens) or tokens[i] in ("|", ")", "]", "[", "~"):
                    raise SafetyRulesError(f"'~' needs a word or (group) after it in {' '.join(tokens)!r}")
                negate = tok == "~"
                continue
            if tok in ("(", "["):
                inner, i, inner_height = self._parse(tokens, i, ")" if tok == "(" else "]", depth)
                if i >= len(tokens):
                    raise SafetyRulesError(f"unclosed {tok!r} in pattern {' '.join(tokens)!r}")
                i += 1
                node: Node = ("group", inner, tok == "[")
                height = max(height, inner_height)
            elif tok in (")", "]"):
                raise SafetyRulesError(f"unbalanced {tok!r} in pattern {' '.join(tokens)!r}")
            elif tok.startswith("{"):
                node, macro_height = self._macro(tok[1:-1], depth)
                height = max(height, macro_height)
            elif tok.startswith("*"):
                if (gap := int(tok[1:] or DEFAULT_GAP)) > MAX_GAP:
                    raise SafetyRulesError(f"gap {tok} is longer than *{MAX_GAP}")
                node = ("gap", gap)
            elif tok in ("^", "$", "#"):
                node = ("number",) if tok == "#" else ("dot",)
            elif tok.startswith("#"):
                node = self._range(tok)
            else:
                node = self._word(tok)
            seq.append(("not", node) if negate else node)
            negate = False
        branches.append(tuple(seq))
        return tuple(branches), i, height

    def _range(self, tok: str) -> Node:
        lo, hi = (int(n) for n in tok[1:].split("-"))
        if not 10 <= lo <= hi or len(str(hi)) > _MAX_DIGITS:
            raise SafetyRulesError(f"number range {tok!r} needs 10 <= low <= high (numbers have 2+ digits)")
        self.ranges.add((lo, hi))
        return ("number", lo, hi)

    def _word(self, tok: str) -> Node:
        if tok not in self._word_trees:
            parts = [w for w in self._normalize(tok.rstrip("*")).split() if w != _DOT]
            if not parts:
                raise SafetyRulesError(f"pattern word {tok!r} has no letters or digits")
            nodes = [("word", w) for w in parts]
            if tok.endswith("*"):
                nodes[-1] = ("prefix", parts[-1])
            tree = nodes[0] if len(nodes) == 1 else ("group", (tuple(nodes),), False)
            self._word_trees[tok] = tree, parts, tok.endswith("*")
        tree, parts, prefix = self._word_trees[tok]
        self.words.update(parts)
        if prefix:
            self.prefixes.add(parts[-1])
        return tree

    def alphabet(self) -> Alphabet:
        """The alphabet of every pattern parsed so far; parse all patterns before the first :meth:`compile`."""
        if self._alphabet is None:
            self._alphabet = Alphabet(self.words, self.prefixes, self.ranges)
        return self._alphabet

    def compile(self, tree: Node, source: object = "") -> Matcher:
        """The matcher of a tree, for :meth:`Alphabet.encode` text; ``source`` names it in errors."""
        regex = re.compile(_regex(self._render(tree)))
        if regex.search(_DOT * 2):
            raise SafetyRulesError(f"a pattern in {source!r} matches text without words")
        return Matcher(regex, self._needs(tree))

    def _needs(self, node: Node) -> _Chars | None:
        """Characters of which every match of ``node`` holds one; None when a match may hold none of them."""
        kind = node[0]
        if kind in ("word", "prefix", "number"):
            chars = self._render(node)  # one word: its characters
            return chars if isinstance(chars, frozenset) else None
        if kind == "macro":
            if node[1] not in self._needed:
                self._needed[node[1]] = self._needs(self.macro_trees[node[1]][0])
            return self._needed[node[1]]
        if kind != "group" or node[2]:
            return None  # ".", which every text holds; a gap, "~x" or "[x]", which may match no word
        needed = []
        for branch in node[1]:
            if not (sets := [s for s in map(self._needs, branch) if s is not None]):
                return None
            needed.append(min(sets, key=len))
        return _Chars().union(*needed)

    def _render(self, node: Node) -> str | _Chars:
        """A regex, or the characters when ``node`` matches exactly one word (so alternations merge them)."""
        kind, alphabet = node[0], self.alphabet()
        if kind == "word":
            return alphabet.word(node[1])
        if kind == "prefix":
            return alphabet.prefix(node[1])
        if kind == "number":
            return alphabet.number(*node[1:])
        if kind == "dot":
            return _Chars(_DOT)
        if kind == "gap":
            return f"[^{re.escape(_DOT)}]{{0,{node[1]}}}"
        if kind == "not":
            return f"(?!{_regex(self._render(node[1]))})"
        if kind == "macro":
            if node[1] not in self._rendered:
                self._rendered[node[1]] = self._render(self.macro_trees[node[1]][0])
            return self._rendered[node[1]]
        _, branches, optional = node
        chars: set[str] = set()
        others: list[str] = []
        for branch in branches:
            parts = [self._render(n) for n in branch]
            if len(parts) == 1 and isinstance(parts[0], frozenset):
                chars |= parts[0]
            elif parts:
                others.append("".join(map(_regex, parts)))
        optional = optional or any(not branch for branch in branches)
        if chars and not others and not optional:
            return _Chars(chars)
        alternatives = ([char_class(_Chars(chars))] if chars else []) + others
        if len(alternatives) == 1 and not optional:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")" + ("?" if optional else "")


def _regex(part: str | _Chars) -> str:
    return char_class(part) if isinstance(part, frozenset) else part

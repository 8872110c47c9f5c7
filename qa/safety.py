"""Safety gates run on every question before retrieval: crisis, personal medical advice, risky topics.

``SafetyGate().check(q)`` gives a :class:`SafetyDecision`: the first route with a rule that fires, of ``crisis`` >
``medical_advice`` > ``safety_info`` (a crisis topic asked about; answered with the crisis-line note) > ``risk_info``
(side effects, misuse, "is it safe?"; answered, no message) > ``none``; its message (the route's, then those the
fired rules name) and the fired rule ids. The question's text is never logged. Rules live in ``safety_rules.json``
beside this module (staff edit it)::

    {"messages": {"crisis": str | [lines], "medical_advice": ..., "safety_info": ..., "risk_info": "",
                  "check_in": str (qa.crisis_check's line), "medical_advice_unquoted": ... (the referral when no
                  quote follows; a file without it keeps its own "medical_advice"), "name": ...},
     "macros": {"NAME": "pattern"}, "replacements": {"misspelt word": "canonical words"},
     "fuzzy": {"keywords": [...], "never": [...], "min_length": 5, "max_distance": 1}, "rules": [{"id": "crisis.x",
      "route": "crisis", "note": "why", "any": [...], "all": [[...]], "unless": [...], "message": "name"}]}

An optional ``"resolved": {"note", "softens": [crisis rule ids], "any": [...], "unless": [...]}`` answers a crisis
decision as ``safety_info`` (with its note) when only ``softens`` rules fired, every sentence in which a crisis
rule fires matches ``any`` (the past, another person, a job) and no ``unless`` pattern (now, again, a plan)
matches the message: "I attempted suicide in 2016, does that disqualify me?" (README "Resolved history").

A rule fires when a pattern of ``any`` matches (or it has none), each list in ``all`` has a match and no ``unless``
pattern matches. Patterns are word sequences, not regexes, matched in linear time: ``word`` (written naturally: "don't",
"self-harm", "kill" match "dont", "self harm", "kil"), ``word*`` (prefix), ``(a|b c|)`` (alternatives; an empty one
makes it optional), ``[a b]`` (optional), ``*`` / ``*N`` (a gap of up to 3 / N <= 12 words in one sentence), ``^`` /
``$`` (sentence start / end), ``#`` (a number of 2+ digits), ``#lo-hi`` (one from lo to hi: "#140-300"; "104.5" is the
words "104" and "5", "165bpm" the words "165" and "bpm"), ``{NAME}`` (a macro), ``~x`` (not followed by the word or
group ``x``: "hits me ~up"). Text and pattern words are normalised alike (:func:`normalize_text`: HTML tags dropped,
entities decoded, NFKC, case-folded, accents, zero-width characters, apostrophes and ``*`` removed, sentence ends . ! ?
; become a "." word (not the dot of "Dr." or "Mrs."), a few emoji words ("🪢" is ``emojirope``, :data:`EMOJI_WORDS`;
patterns may write the emoji), other punctuation and emoji spaces, repeated letters collapsed: "diiiie" -> "die", "kill"
-> "kil", except in the few words of ``KEEP_DOUBLES``: "odd" is not "od"; Cyrillic or Greek letters that look Latin are
read as Latin in a word that has Latin letters too: "kіll" with a Cyrillic "і"). In the text, three or more one-letter
words in a row are one word ("d i e", "k-i-l-l"), and numbers written in words then become digits ("one eighty" ->
"180", :mod:`qa.numbers`; "one" to "twelve" alone stay words), so a pattern writes a larger number as digits or a range.
Then each word of the text goes through ``replacements``; letters mixed with digits, @, $ or ! are read as leetspeak
when that gives a known word ("k1ll", "k!ll"; else "a!b" is two words); and a word of ``min_length``+ letters that is
not a pattern word nor in ``never`` becomes the nearest ``keywords`` entry within ``max_distance`` edits (insert,
delete, substitute, swap): "myslef" -> "myself". An ``unless`` vetoes its whole rule, so give a pattern that needs its
own exceptions a rule of its own, or use ``~``.
:mod:`qa.rules` parses the patterns and compiles them to regexes over one character per word.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .numbers import read_numbers
from .rules import Matcher, Node, PatternCompiler, SafetyRulesError

__all__ = [
    "CHECK_IN_MESSAGE",
    "CRISIS_MESSAGE",
    "EMOJI_WORDS",
    "HTML_TAG",
    "MEDICAL_ADVICE_MESSAGE",
    "MEDICAL_ADVICE_UNQUOTED_MESSAGE",
    "SAFETY_NOTE",
    "SafetyDecision",
    "SafetyGate",
]

logger = logging.getLogger(__name__)

DEFAULT_RULES_PATH = Path(__file__).with_name("safety_rules.json")
ROUTES = ("crisis", "medical_advice", "safety_info", "risk_info", "none")
_RULE_ROUTES = ROUTES[:-1]
_MAX_FUZZY_LEN, _CACHE_SIZE = 40, 50_000
_T = TypeVar("_T")
#: An HTML tag: dropped from the text rules read (and a message of nothing else asks nothing: qa.pipeline).
HTML_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,500}>")
_DROP = dict.fromkeys(map(ord, "'`*\u2018\u2019\u201b\u02bc\u02b9\u2032\u00b4"), None)
_ELLIPSIS = re.compile(r"\.{2,}")
#: Sentence ends; not the dot of a title before a name ("Please tell Dr. Alvarez it wasn't her fault").
_SENTENCE_END = re.compile(r"(?<!\bdr)(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bprof)(?<!\bdra)[.!?;]+(?=\s|$)")
_WORD = re.compile(r"(?:[^\W_]|[@$])+(?:!+(?:[^\W_]|[@$])+)*|\x1e")
_REPEAT = re.compile(r"([^\W\d_])\1+")
#: Cyrillic and Greek letters that look like Latin ones, read as those in a word that also has a Latin letter: "kіll"
#: with a Cyrillic "і" is a filter dodge (round 14 audit: it got quotes instead of the card). A word wholly in
#: another script keeps its letters.
_LOOKALIKE_LETTERS = str.maketrans(
    "аеорсухіјѕһԁӏкмтвнԛԝαοεικνρτυχς",
    "aeopcyxijshdlkmtbhqwaoeikvptuxs",
)
_ASCII_LETTER = re.compile(r"[a-z]")
#: Emoji read as words (every other emoji is a space): a message told in emoji alone ("🪢🙃👋", "💊💊💊😴⚰️") had
#: nothing for a rule to read (round 15: 5 such dev crisis messages got neither the card nor the check-in line).
#: Patterns may write the emoji themselves; each becomes the word ``emoji`` + its name here.
EMOJI_WORDS = {
    "🪢": "rope",
    "🔪": "knife",
    "🗡": "knife",
    "🔫": "gun",
    "🩸": "blood",
    "⚰": "cofin",
    "🪦": "grave",
    "💊": "pil",
    "💉": "syringe",
    "🌉": "bridge",
    "🚂": "train",
    "🚆": "train",
    "🚄": "train",
    "🚅": "train",
    "👋": "wave",
    "😴": "sleep",
    "💤": "sleep",
    "🛏": "bed",
    "🫡": "salute",
    "✌": "peace",
    "⬇": "down",
    "🏢": "building",
    "🚗": "car",
    "💨": "fumes",
    "🔒": "lock",
    "🥃": "drink",
    "🍷": "drink",
    # Round 15, second pass (dev writer w)
    "🪑": "chair",
    "🪜": "ladder",
    "🛤": "tracks",
    "🪒": "razor",
    "🛁": "bath",
    "🌊": "sea",
    "🚶": "walk",
    "👼": "angel",
    "⬆": "up",
    "💥": "crash",
    "🕊": "dove",
    "♾": "infinity",
    "📝": "note",
    "💌": "letter",
    "✉": "letter",
    "🥀": "wilted",
    "😵": "dizy",
    "🚑": "ambulance",
    "⛽": "fuel",
    "😡": "angry",
    "😤": "angry",
    "😈": "angry",
    "🤬": "angry",
    "🏫": "school",
    "🪓": "axe",
    # Round 15, third pass (dev writer x)
    "🧠": "brain",
    "🤯": "mindblown",
    "🧱": "wall",
    "💪": "arm",
    "📅": "calendar",
    "⏰": "alarm",
    "🫀": "heart",
    "🌅": "sunrise",
    "🌄": "sunrise",
    "🌇": "sunset",
    "🕯": "candle",
    "🍾": "drink",
    "🍺": "drink",
    # Round 15, fourth pass (dev writer y)
    "🌍": "world",
    "🌎": "world",
    "🌏": "world",
    "💬": "speech",
    "☀": "sun",
}
_EMOJI = str.maketrans({emoji: f" emoji{name} " for emoji, name in EMOJI_WORDS.items()})
#: Three or more one-letter words in a row are one spelled-out word: "d i e", "k-i-l-l" (round 14 audit).
_SPELLED_OUT = 3
#: Longest run of spelled-out letters read as several words, and the longest word looked for in it.
_SPELLED_MAX = 80
_SPELLED_WORD = 20
_LEET = str.maketrans("0134578@$!", "oieastbasi")
_BOUNDARIES = re.compile(r"(?:\x1e )+")
_NUMBER_UNIT = re.compile(r"([0-9]{2,})([^\W\d_]+)")


@dataclass(frozen=True)
class SafetyDecision:
    route: str  #: "crisis" | "medical_advice" | "safety_info" | "risk_info" | "none"
    message: str  #: text to show before any quotes ("" for "risk_info" and "none")
    matched: tuple[str, ...]  #: ids of the rules that fired for this route (never the user's text)


#: Words whose double letter is the word: collapsed, they would read as another word a crisis pattern
#: uses — "odd" as the slang "od" (overdose: "I felt odd after the infusion" was a crisis), "of" as
#: "off" ("proud of myself" as "off myself"), "nose" as "noose", "none" as "noone" ("none really helped
#: me" as "no one really ... me"), "yet" as "yeet", "shot" as "shoot" ("got the flu shot myself"). Kept
#: whole in the text and in the patterns alike; elongated spellings ("ooodd") still collapse.
KEEP_DOUBLES = frozenset({"odd", "off", "noose", "noone", "yeet", "shoot"})


def collapse_repeats(word: str) -> str:
    """``word`` with every run of one repeated letter shortened to one: "diiiie" -> "die" (digits stay),
    except the words of :data:`KEEP_DOUBLES`."""
    return word if word in KEEP_DOUBLES else _REPEAT.sub(r"\1", word)


def normalize_text(text: str) -> str:
    """Canonical lower-case words joined by single spaces, with "." marking sentence ends."""
    text = HTML_TAG.sub(" ", html.unescape(text)).translate(_EMOJI)
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    kept = (c for c in text if not unicodedata.combining(c) and unicodedata.category(c) != "Cf")
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in kept)
    text = _SENTENCE_END.sub(" \x1e ", _ELLIPSIS.sub(" ", text.translate(_DROP)))
    words = " ".join(collapse_repeats(_latin_lookalikes(w)) for w in _WORD.findall(text)) + " "
    return _BOUNDARIES.sub(". ", words).strip()


def _latin_lookalikes(word: str) -> str:
    """``word`` with :data:`_LOOKALIKE_LETTERS` read as Latin when it mixes them with Latin letters."""
    return word.translate(_LOOKALIKE_LETTERS) if not word.isascii() and _ASCII_LETTER.search(word) else word


def join_spelled_out(words: list[str], split: Callable[[str], list[str]] | None = None) -> list[str]:
    """Runs of at least :data:`_SPELLED_OUT` one-letter words joined into one word ("i want to d i e" -> "i want to
    die"); sentence marks (".") and digits end a run. ``split`` (if given) reads a joined run as the words it may be
    ("i w a n t t o d i e" -> ["i", "want", "to", "die"]: spaces between words are lost when the letters are)."""
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if len(run) >= _SPELLED_OUT:
            out.extend(split("".join(run)) if split else [collapse_repeats("".join(run))])
        else:
            out.extend(run)
        run = []
        if word:
            out.append(word)
    return out


def _pattern_word(word: str) -> str:
    """:func:`normalize_text` of a pattern word, with a shortcut (same result) for plain ASCII letters and digits."""
    return collapse_repeats(word.lower()) if word.isascii() and word.isalnum() else normalize_text(word)


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    before, prev = [0] * (len(b) + 1), list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], before[j - 2] + 1)
        before, prev = prev, cur
    return prev[-1]


def _deletes(word: str, depth: int) -> set[str]:
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def build_fuzzy_index(keywords: Iterable[str], max_distance: int = 1) -> dict[str, tuple[str, ...]]:
    """Symmetric-delete index: each keyword under itself and every form with ``max_distance`` deletions."""
    index: dict[str, dict[str, None]] = {}
    for keyword in keywords:
        for variant in _deletes(keyword, max_distance):
            index.setdefault(variant, {})[keyword] = None
    return {variant: tuple(found) for variant, found in index.items()}


def fuzzy_lookup(
    word: str, index: Mapping[str, tuple[str, ...]], max_distance: int = 1, min_length: int = 5
) -> str | None:
    """The nearest keyword within ``max_distance`` (ties: alphabetical); None for short or 40+ char words."""
    if not min_length <= len(word) <= _MAX_FUZZY_LEN:
        return None
    found = {k for v in _deletes(word, max_distance) for k in index.get(v, ()) if len(k) >= min_length}
    best = min(((edit_distance(word, k), k) for k in found), default=(max_distance + 1, ""))
    return best[1] if best[0] <= max_distance else None


@dataclass(frozen=True)
class _Rule:
    id: str
    route: str
    any: Matcher | None
    all: tuple[Matcher, ...]
    unless: Matcher | None
    message: str = ""

    def fires(self, text: str) -> bool:
        if self.any is not None and not self.any.search(text):
            return False
        return all(g.search(text) for g in self.all) and not (self.unless and self.unless.search(text))


def _group(patterns: object, compiler: PatternCompiler) -> tuple[Node, object] | None:
    if not patterns:
        return None
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise SafetyRulesError("'any', 'unless' and each 'all' entry must be lists of strings")
    return compiler.group(patterns), patterns


def _rule(raw: Mapping, compiler: PatternCompiler, messages: Mapping[str, str]) -> Callable[[], _Rule]:
    """Checks and parses one rule; compile it with the returned function once every rule is parsed."""
    if raw.get("route") not in _RULE_ROUTES:
        raise SafetyRulesError(f"route must be one of {_RULE_ROUTES}, not {raw.get('route')!r}")
    if not raw.get("id") or not (raw.get("any") or raw.get("all")):
        raise SafetyRulesError("a rule needs an 'id' and a non-empty 'any' or 'all'")
    groups = tuple(g for g in (_group(p, compiler) for p in raw.get("all") or []) if g is not None)
    any_, unless = (_group(raw.get(key), compiler) for key in ("any", "unless"))
    if (name := raw.get("message")) is not None and name not in messages:
        raise SafetyRulesError(f"'message' must name one of the messages {sorted(messages)}, not {name!r}")
    message = messages[name] if name is not None else ""

    def regex(group: tuple[Node, object] | None) -> Matcher | None:
        return compiler.compile(*group) if group is not None else None

    return lambda: _Rule(str(raw["id"]), raw["route"], regex(any_), tuple(map(regex, groups)), regex(unless), message)


def _resolved(raw: object, compiler: PatternCompiler, messages: Mapping[str, str]) -> tuple[frozenset, Callable]:
    """The ``resolved`` section: ``softens`` (crisis rule ids) and a rule of ``any`` / ``unless`` patterns."""
    if not isinstance(raw, dict) or not isinstance(raw.get("softens"), list) or not raw.get("any"):
        raise SafetyRulesError("'resolved' needs a 'softens' list of crisis rule ids and an 'any' list")
    build = _rule(
        {"id": "resolved", "route": "safety_info", "any": raw["any"], "unless": raw.get("unless")}, compiler, messages
    )
    return frozenset(map(str, raw["softens"])), build


def _read_rules(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SafetyRulesError(f"Cannot read safety rules {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise SafetyRulesError(f"Safety rules {path} must be a JSON object with a 'rules' list")
    return data


def _messages(data: Mapping, fallback: Mapping[str, str]) -> dict[str, str]:
    given = data.get("messages") or {}
    out = {**fallback, **given}
    if "medical_advice" in given and "medical_advice_unquoted" not in given:  # a staff file's own referral, kept whole
        out["medical_advice_unquoted"] = given["medical_advice"]
    if missing := [name for name in (*_RULE_ROUTES, "check_in") if out.get(name) is None]:
        raise SafetyRulesError(f"Safety rules: no message for {missing}")
    return {str(k): "\n".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in out.items()}


_DEFAULT_MESSAGES = _messages(_read_rules(DEFAULT_RULES_PATH), {})
CRISIS_MESSAGE: str = _DEFAULT_MESSAGES["crisis"]
MEDICAL_ADVICE_MESSAGE: str = _DEFAULT_MESSAGES["medical_advice"]
#: The referral when no quote follows it (round 27 audit: "General information … may follow" was shown with nothing
#: after it, and nothing said the articles do not cover the question).
MEDICAL_ADVICE_UNQUOTED_MESSAGE: str = _DEFAULT_MESSAGES["medical_advice_unquoted"]
SAFETY_NOTE: str = _DEFAULT_MESSAGES["safety_info"]
#: Opens the message of an answer the semantic crisis check (qa.crisis_check) fired on.
CHECK_IN_MESSAGE: str = _DEFAULT_MESSAGES["check_in"]


class SafetyGate:
    """Rule-based router for questions; build once (compiling the rules), then call :meth:`check`."""

    def __init__(self, rules_path: Path | None = None) -> None:
        self.rules_path = Path(rules_path) if rules_path is not None else DEFAULT_RULES_PATH
        data = _read_rules(self.rules_path)
        self.messages = _messages(data, _DEFAULT_MESSAGES)
        macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
        compiler = PatternCompiler(macros, _pattern_word)
        parsed = [
            self._of_rule(n, raw, lambda r=raw: _rule(r, compiler, self.messages))
            for n, raw in enumerate(data["rules"])
        ]
        resolved = data.get("resolved")
        parsed_resolved = (
            self._of_rule(-1, {"id": "resolved"}, lambda: _resolved(resolved, compiler, self.messages))
            if resolved
            else None
        )
        self._rules = [self._of_rule(n, raw, build) for n, (raw, build) in enumerate(zip(data["rules"], parsed))]
        #: (crisis rule ids it may soften, its rule): see :meth:`check`.
        self._resolved = (parsed_resolved[0], parsed_resolved[1]()) if parsed_resolved else None
        self._by_route = {route: [r for r in self._rules if r.route == route] for route in _RULE_ROUTES}
        if self._resolved and (unknown := self._resolved[0] - {r.id for r in self._by_route["crisis"]}):
            raise SafetyRulesError(
                f"Safety rules {self.rules_path}: 'resolved' softens unknown crisis rules {sorted(unknown)}"
            )
        self._vocab, self._alphabet = compiler.words, compiler.alphabet()
        if len({r.id for r in self._rules}) != len(self._rules):
            raise SafetyRulesError(f"Safety rules {self.rules_path}: rule ids must be unique")
        self._rules.sort(key=lambda r: ROUTES.index(r.route))
        self._replacements = {
            normalize_text(str(k)): tuple(w for w in normalize_text(str(v)).split() if w != ".")
            for k, v in (data.get("replacements") or {}).items()
        }
        if any(" " in k or k in ("", ".") for k in self._replacements):
            raise SafetyRulesError(f"Safety rules {self.rules_path}: replacements are for single words")
        fuzzy = data.get("fuzzy") or {}
        self._min_length = int(fuzzy.get("min_length", 5))
        self._max_distance = int(fuzzy.get("max_distance", 1))
        self._never = {normalize_text(str(w)) for w in fuzzy.get("never", [])}
        keywords = [normalize_text(str(w)) for w in fuzzy.get("keywords", [])]
        self._fuzzy = build_fuzzy_index(keywords, self._max_distance)
        self._known = self._vocab.union(keywords, *self._replacements.values())
        self._cached_resolve = functools.lru_cache(maxsize=_CACHE_SIZE)(self._resolve)
        logger.info("Safety gate: %d rules from %s", len(self._rules), self.rules_path)

    def _of_rule(self, n: int, raw: object, step: Callable[[], _T]) -> _T:
        try:
            return step()
        except (SafetyRulesError, re.error, TypeError, AttributeError, ValueError) as exc:
            rule_id = raw.get("id") if isinstance(raw, dict) and raw.get("id") else f"#{n}"
            raise SafetyRulesError(f"Safety rules {self.rules_path}, rule {rule_id}: {exc}") from exc

    def _resolve(self, word: str) -> tuple[str, ...]:
        if word in self._replacements:
            return self._replacements[word]
        if word in self._vocab or word in self._never:
            return (word,)
        if unit := _NUMBER_UNIT.fullmatch(word):  # a reading with its unit: "165bpm", "104f", "20mins"
            return (unit[1], *self._resolve(unit[2]))
        if not word.isalpha() and any(c.isalpha() for c in word):  # leetspeak: "k1ll", "$uicide", "k!ll"
            plain = collapse_repeats(word.translate(_LEET))
            if plain != word and (plain in self._known or self._resolve(plain) != (plain,)):
                return self._resolve(plain)
        if len(word) >= 5 and word.endswith("in") and word + "g" in self._known:  # a dropped g: "jumpin", "thinkin"
            return self._resolve(word + "g")
        if "!" in word:  # not leetspeak: words typed without a space, "die!please"
            return tuple(w for part in word.split("!") if part for w in self._resolve(part))
        hit = fuzzy_lookup(word, self._fuzzy, self._max_distance, self._min_length)
        return (hit,) if hit else (word,)

    def _is_resolved(self, text: str, fired: list[_Rule]) -> bool:
        """Whether a crisis decision is only the ``resolved`` kind: every rule that fired may be softened, nothing
        in the message speaks of now (the section's ``unless``), and every sentence in which a crisis rule fires
        names the past or another person (its ``any``) — "I've been on lexapro since college. kms" stays crisis.
        A rule that fires only across sentences keeps the card."""
        softens, resolved = self._resolved
        if not all(rule.id in softens for rule in fired) or not resolved.fires(text):
            return False
        crisis = self._by_route["crisis"]
        boundary = self._alphabet.encode(".")
        firing = 0
        for sentence in text.split(boundary):
            unit = boundary + sentence + boundary
            if any(rule.fires(unit) for rule in crisis):
                firing += 1
                if not (resolved.any is not None and resolved.any.search(unit)):
                    return False
        return firing > 0

    def _split_spelled(self, run: str) -> list[str]:
        """A run of spelled-out letters ("iwanttodie") as the fewest words of the rules that make it up exactly
        (["i", "want", "to", "die"]; a word matches with its repeated letters collapsed, as the rules' words are);
        the run as one word when it is one of them, is too long to be a message's phrase or has no such split.
        Round 17 audit: "i w a n t  t o  d i e" was answered with quotes (the run read as "iwantodie")."""
        joined = collapse_repeats(run)
        if joined in self._known or len(run) > _SPELLED_MAX:
            return [joined]
        best: list[list[str] | None] = [[]] + [None] * len(run)
        for start in range(len(run)):
            if best[start] is None:
                continue
            for end in range(start + 1, min(len(run), start + _SPELLED_WORD) + 1):
                word = collapse_repeats(run[start:end])
                if word in self._known and (best[end] is None or len(best[start]) + 1 < len(best[end])):
                    best[end] = [*best[start], word]
        return best[-1] or [joined]

    def canonical(self, question: str) -> str:
        """The text rules are matched on: normalised words, number words as digits (:mod:`qa.numbers`), after
        replacements, leetspeak and fuzzing."""
        words = read_numbers(join_spelled_out(normalize_text(question).split(), self._split_spelled))
        out = [w for word in words for w in ((word,) if word == "." else self._cached_resolve(word))]
        return " ".join([".", *out, ". "])

    def check(self, question: str) -> SafetyDecision:
        """Route one question; never raises on odd input (non-text is treated as empty)."""
        text = self._alphabet.encode(self.canonical(question if isinstance(question, str) else ""))
        for route, rules in itertools.groupby(self._rules, key=lambda r: r.route):  # in precedence order
            if fired := [rule for rule in rules if rule.fires(text)]:
                break
        else:
            route, fired = "none", []
        matched = tuple(rule.id for rule in fired)
        notes: tuple[str, ...] = ()
        if route == "crisis" and self._resolved is not None and self._is_resolved(text, fired):
            # Answered with the crisis-line note; a question about one's own medication still gets the referral.
            medical = [rule for rule in self._by_route["medical_advice"] if rule.fires(text)]
            route, notes = ("medical_advice", (self.messages["safety_info"],)) if medical else ("safety_info", ())
            matched, fired = (*matched, "resolved", *(rule.id for rule in medical)), medical
        logger.debug("Safety gate: route=%s rules=%s", route, ",".join(matched) or "-")
        # An emergency of the body leads with its own line (call 911 / the ER, Poison Control): someone whose child is
        # not breathing must read that first, not the suicide-line wording (round 13; before, it came last).
        emergency = self.messages.get("medical_emergency")
        lead = [r.message for r in fired if emergency and r.message == emergency]
        parts = (*lead, self.messages.get(route, ""), *notes, *(r.message for r in fired))
        message = "\n".join(dict.fromkeys(m for m in parts if m))
        return SafetyDecision(route, message, matched)

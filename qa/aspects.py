"""What a quoted sentence must contain to answer a question: its aspects, its answer type, its defined term.

All three come from ``aspects.json`` beside this module (staff edit it, then rerun
``eval/calibrate_abstention.py``), and all three work the same way in :func:`qa.abstention.answerability`:
each is a :class:`Requirement` — a pattern some answering sentence of the shown quotes must match, else
the bot abstains.

* **Aspects** (``aspects`` and ``named.groups``): when the question names a term of an aspect (cost,
  driving, pregnancy, MDMA, ...), a sentence must name a term of the same aspect.
* **Answer types** (``answer_types``): when the question asks for a quantity — "how much does it cost",
  "how many", "what percentage", "how often", "how long", "how soon", "what dose", "when was" — a sentence
  must contain an expression of that type (a price, a count, a percentage, a frequency, a duration, a
  dose, a date). A sentence
  that talks about the right thing without the figure ("many patients", "rapidly") is not an answer to
  "how many" or "how fast". The first type whose cue is in the question applies (specific cues first).
  A comparison ("is A better than B?", ``with_named``) needs one sentence naming the named aspects A and
  B together with comparative wording: a sentence listing both forms of treatment does not compare them.
* **Figurative idioms** (``figurative``): phrases blanked out of the question before the rest is read,
  so an aspect's word used figuratively ("keep an eye on me", "sick to my stomach", "paying attention")
  makes no requirement; the word used literally ("is it bad for my eyes?") still does.
* **Defined term** (``definitions``): "what is X?", "what does X mean?", "define X" — every content word
  of X (at most :data:`MAX_TERM_WORDS`; X a plain noun phrase, no word of ``not_in_term`` such as "the",
  "for", "used") must be in a sentence, inflections allowed: a page that never uses the word
  "integration" in a sentence does not define it, however close its sentences are in meaning.

Term syntax (aspects, cues): case-insensitive, whole words, ``*`` = any ending, spaces/hyphens
interchangeable in phrases. Answer-type ``patterns`` are Python regular expressions matched on the
casefolded sentence, with ``{name}`` replaced by the shared ``macros`` (e.g. ``{number}``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import QAError

__all__ = [
    "ASPECTS_PATH",
    "MAX_TERM_WORDS",
    "AnswerType",
    "Aspect",
    "AspectLexicon",
    "AspectLexiconError",
    "Requirement",
    "default_lexicon",
    "normal",
]

ASPECTS_PATH = Path(__file__).with_name("aspects.json")
#: A defined term longer than this many content words is not held to the definition rule.
MAX_TERM_WORDS = 3

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


class AspectLexiconError(QAError):
    """The aspect lexicon (``aspects.json``) is unreadable or malformed."""


def normal(text: str) -> str:
    """Casefolded, with typographic apostrophes and quotes made plain."""
    return text.casefold().replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def _pattern(term: str) -> str:
    prefix = term.endswith("*")
    words = term.rstrip("*").casefold().split()
    body = r"[\s\-]+".join(re.escape(w) for w in words)
    return rf"(?<!\w){body}" + (r"\w*" if prefix else r"(?!\w)")


def _terms(terms: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(_pattern, terms)))


@dataclass(frozen=True)
class Requirement:
    """Something an answering sentence must contain (a term, or an expression of an answer type)."""

    name: str
    pattern: re.Pattern[str]

    def mentioned(self, text: str) -> bool:
        """Whether ``text`` (already :func:`normal`) matches."""
        return self.pattern.search(text) is not None


#: An aspect is a requirement whose pattern is also how the question names it.
Aspect = Requirement


@dataclass(frozen=True)
class AnswerType:
    """A kind of answer (count, percentage, ...): asked for by ``cues``, given by ``answer``.

    With ``with_named``, the answering sentence must also name every named aspect of the question itself
    (a comparison of A and B is a sentence naming A and B together with a comparison).
    """

    name: str
    cues: re.Pattern[str]
    answer: re.Pattern[str]
    with_named: bool = False

    def requirement(self, named: Sequence[Aspect] = ()) -> Requirement:
        if not (self.with_named and named):
            return Requirement(f"answer:{self.name}", self.answer)
        parts = [self.answer, *(a.pattern for a in named)]
        joint = "".join(f"(?=.*?(?:{p.pattern}))" for p in parts)
        return Requirement(f"answer:{self.name}", re.compile(rf"(?s)\A{joint}"))


class AspectLexicon:
    """Aspects, answer types and definition cues (``aspects.json``; see the module docstring)."""

    def __init__(
        self,
        aspects: Sequence[Aspect],
        answer_types: Sequence[AnswerType] = (),
        definition_cues: Sequence[re.Pattern[str]] = (),
        stopwords: frozenset[str] = frozenset(),
        not_in_term: frozenset[str] = frozenset(),
        figurative: re.Pattern[str] | None = None,
        words: frozenset[str] = frozenset(),
        stems: frozenset[str] = frozenset(),
        targets: frozenset[str] = frozenset(),
    ) -> None:
        self.figurative = figurative
        #: The one-word terms of the aspects and named groups ("esketamine", "mdma"): spelling correction leaves them
        #: as typed. It corrects to ``targets`` (the topic aspects' one-word terms) and to the English words of
        #: ``stems`` (their terms ending in "*": "pregnan"), so a misspelt topic still makes its requirement
        #: ("pregant" → "pregnant"); not to the named drugs, often named only in passing.
        self.words = words
        self.stems = stems
        self.targets = targets
        self.aspects = tuple(aspects)
        self.answer_types = tuple(answer_types)
        self.definition_cues = tuple(definition_cues)
        self.stopwords = stopwords
        self.not_in_term = not_in_term

    @classmethod
    def from_dict(cls, data: dict) -> AspectLexicon:
        aspects = [Aspect(entry["name"], _terms(entry["terms"])) for entry in data.get("aspects", [])]
        groups = data.get("named", {}).get("groups", [])
        for group in groups:
            aspects.append(Aspect(f"named:{group[0].rstrip('*')}", _terms(group)))
        terms = [t for entry in data.get("aspects", []) for t in entry["terms"]] + [t for g in groups for t in g]
        types = data.get("answer_types", {})
        macros = types.get("macros", {})
        answer_types = []
        for entry in types.get("types", []):
            parts = [_pattern(t) for t in entry.get("answers", [])]
            parts += [_expand(p, macros) for p in entry.get("patterns", [])]
            if not parts or not entry["cues"]:
                raise ValueError(f"answer type {entry['name']!r} needs cues and answers or patterns")
            answer = re.compile("|".join(parts))
            answer_types.append(AnswerType(entry["name"], _terms(entry["cues"]), answer, bool(entry.get("with_named"))))
        definitions = data.get("definitions", {})
        cues = [re.compile(p) for p in definitions.get("patterns", [])]
        for cue in cues:
            if "term" not in cue.groupindex:
                raise ValueError(f"definition pattern {cue.pattern!r} has no (?P<term>...) group")
        stopwords, not_in_term = (frozenset(definitions.get(key, [])) for key in ("stopwords", "not_in_term"))
        idioms = data.get("figurative", {}).get("phrases", [])
        words = frozenset(t.casefold() for t in terms if _WORDS.fullmatch(t))
        # Targets of spelling correction: the topic aspects' words, not the named drugs and conditions, which a
        # question often names only in passing ("im on klonipin, how long is a session?": round 18 audit).
        topic = [t for entry in data.get("aspects", []) for t in entry["terms"]]
        stems = frozenset(t[:-1].casefold() for t in topic if t.endswith("*") and _WORDS.fullmatch(t[:-1]))
        targets = frozenset(t.casefold() for t in topic if _WORDS.fullmatch(t))
        idiom = _terms(idioms) if idioms else None
        return cls(aspects, answer_types, cues, stopwords, not_in_term, idiom, words, stems, targets)

    @classmethod
    def load(cls, path: Path | None = None) -> AspectLexicon:
        path = Path(path) if path is not None else ASPECTS_PATH
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, re.error) as exc:
            raise AspectLexiconError(f"Cannot read the aspect lexicon {str(path)!r}: {exc}") from None

    def mentioned(self, question: str) -> list[Aspect]:
        """The aspects ``question`` names."""
        q = normal(question)
        return [a for a in self.aspects if a.mentioned(q)]

    def answer_type(self, question: str) -> AnswerType | None:
        """The answer type ``question`` asks for: the first whose cue it contains, if any."""
        q = normal(question)
        return next((t for t in self.answer_types if t.cues.search(q)), None)

    def defined_term(self, question: str) -> list[str]:
        """The content words of the term ``question`` asks to define ("what is X?"), if it is one."""
        q = normal(question).strip()
        for cue in self.definition_cues:
            match = cue.search(q)
            if match:
                words = [w for w in _WORDS.findall(match.group("term")) if w not in self.stopwords]
                plain = not self.not_in_term.intersection(words)
                return words if plain and 0 < len(words) <= MAX_TERM_WORDS else []
        return []

    def requirements(self, question: str) -> list[Requirement]:
        """Everything an answer to ``question`` must contain: its aspects, answer type and defined term —
        read from its question sentences (:func:`asked_part`), not from the statements around them, with
        the ``figurative`` idioms blanked out ("keep an eye on me" asks about no eyes)."""
        question = self.literal(asked_part(question))
        found = list(self.mentioned(question))
        kind = self.answer_type(question)
        if kind is not None:
            found.append(kind.requirement([a for a in found if a.name.startswith("named:")]))
        for word in self.defined_term(question):
            stem = word[: max(4, len(word) - 3)] if len(word) > 6 else word
            found.append(Requirement(f"term:{word}", re.compile(_pattern(stem + "*"))))
        return found

    def clause_requirements(self, question: str, asked: Sequence[Requirement] | None = None) -> list[frozenset[str]]:
        """The names of the requirements of each clause of the asked part of ``question``: its questions, and the
        parts joined by "and"/"but" before another question word ("how long is a session and is nausea common?").
        A question of one clause is read once: its requirements are ``asked`` (:meth:`requirements`), when given."""
        clauses = [c for c in _CLAUSE.split(asked_part(question)) if c and c.strip()]
        if len(clauses) == 1 and asked is not None:
            return [frozenset(r.name for r in asked)]
        return [frozenset(r.name for r in self.requirements(c)) for c in clauses]

    def literal(self, question: str) -> str:
        """``question`` (:func:`normal`) with each figurative idiom of the lexicon replaced by a space."""
        q = normal(question)
        return self.figurative.sub(" ", q) if self.figurative is not None else q

    def uncovered(self, question: str, quotes: Sequence[str]) -> list[str]:
        """Names of the requirements of ``question`` that no text of ``quotes`` meets."""
        texts = [normal(t) for t in quotes]
        return [r.name for r in self.requirements(question) if not any(r.mentioned(t) for t in texts)]


#: A sentence ends at . ? ! (a closing quote or bracket may follow: 'as "rapid-acting." Is it…') or a line end.
_SENTENCES = re.compile(r"(?<=[.?!])\s+|(?<=[.?!][\"'\u201d\u2019)])\s+|\n+")
_QUESTION_START = re.compile(
    r"(?:what|whats|how|why|when|where|who|which|is|are|can|could|do|does|did|will|would|should|am|was|were"
    r"|has|have|may|might)\b"
)
#: Where a sentence asks a second question: ", and" / " and" / " but" / " also" / " plus" before a question word.
_ANOTHER_QUESTION = re.compile(
    r",?\s+(?:and|but|also|plus)\s+(?=(?:is|are|does|do|did|can|could|will|would|should|what|whats|how|when|why"
    r"|which|who|has|have|may|might)\b)",
    re.IGNORECASE,
)
#: Where one asked clause ends and another begins: "?", ";", another question (above), or ", and" / ", or" / ", but".
_CLAUSE = re.compile(rf"[?;]|{_ANOTHER_QUESTION.pattern}|,\s*(?:and|or|but)\s+", re.IGNORECASE)
_ANAPHOR = re.compile(r"\b(?:it|its|that|this|these|those|they|them|there)\b")
#: A quantity asked for inside a sentence that neither opens with a question word nor ends in "?":
#: "once someone finishes the first sessions how often do they come back for boosters.."
_QUANTITY_ASKED = re.compile(r"\bhow (?:often|long|many|much|soon|fast|quickly|frequently)\b")


def _asks(part: str) -> bool:
    """Whether one sentence of a message asks: it ends in "?", opens with a question word or asks for a quantity."""
    text = part.strip().lower()
    return text.endswith("?") or bool(_QUESTION_START.match(text) or _QUANTITY_ASKED.search(text))


def asked_sentences(message: str) -> list[str]:
    """The questions of a message, when there are two or more ("How long is a session? And does insurance cover
    it?"); else an empty list. They are its sentences that ask (see :func:`asked_part`), a sentence cut where "and"
    (but, also, plus) starts another question ("how fast does it work | and can i drive home after"; each part must
    ask). What :meth:`qa.pipeline.Pipeline.ask` answers one by one when the whole message finds no answer (round
    24)."""
    asking = []
    for sentence in _SENTENCES.split(message):
        if _WORDS.search(sentence) and _asks(sentence):
            clauses = [c.strip() for c in _ANOTHER_QUESTION.split(sentence)]
            asking += [c for c in clauses if _WORDS.search(c) and _asks(c)] if len(clauses) > 1 else [sentence.strip()]
    return asking if len(asking) >= 2 else []


#: A question's subject after the verb that opens it: "is it addictive?", "how much does it cost?".
_AUXILIARY = r"\b(is|was|does|do|did|can|could|will|would|should|may|might|has)\s+"
_SUBJECT_IT = re.compile(_AUXILIARY + r"it\b(?!['\u2019])", re.IGNORECASE)
_TITLE_WORD = re.compile(r"[^\W\d_]{3,}")


def corpus_subject(titles: Sequence[str], stop_words: Collection[str] = ()) -> str | None:
    """What a corpus is about, read from its articles' titles: the word (3+ letters, not in ``stop_words``) that the
    most titles use, when at least half of them and two or more do (ties: the word seen first); else None. The
    clinic's five titles all name "ketamine"; 49 unrelated papers name nothing that often, and get no subject.
    Read by :func:`about_subject`."""
    titles = list(dict.fromkeys(titles))
    counts: dict[str, int] = {}
    for title in titles:
        for word in dict.fromkeys(w.lower() for w in _TITLE_WORD.findall(title)):
            if word not in stop_words:
                counts[word] = counts.get(word, 0) + 1
    best = max(counts, key=counts.__getitem__, default=None)  # first seen among equals
    return best if best is not None and counts[best] >= max(2, (len(titles) + 1) // 2) else None


def about_subject(questions: Sequence[str], subject: str | None) -> list[str]:
    """The questions of one message, each whose subject is an "it" the message never names read as ``subject`` (the
    corpus's, :func:`corpus_subject`): "What does it cost and is it addictive?" → "What does ketamine cost", "is
    ketamine addictive?". A question's "it" is so read only when every question before it also asks about an unnamed
    "it" or about ``subject`` itself ("does ketamine help PTSD? how fast does it work?"); after any other question
    the "it" may be what that one named ("What dose do you start on? Is it based on body weight?", "How many infusions
    are in the first round? Is it 6 in 2 weeks?"), and is left. Unchanged without a subject. For
    ``qa.pipeline.Pipeline._find_parts``, which asks such a question again when it found nothing as typed."""
    if not subject:
        return list(questions)
    named = re.compile(_AUXILIARY + re.escape(subject) + r"\b", re.IGNORECASE)
    read, unnamed = [], True
    for question in questions:
        read.append(_SUBJECT_IT.sub(lambda m: f"{m.group(1)} {subject}", question, count=1) if unnamed else question)
        unnamed = unnamed and bool(_SUBJECT_IT.search(question) or named.search(question))
    return read


def asked_part(message: str) -> str:
    """The part of a message that asks: its question sentences (ending in "?", opening with a question
    word or asking "how often / long / many / much / soon" inside), each with the statement just before
    it when it points back to it ("I read about X. Is it the same?"). A message that is all questions or
    all statements is returned whole.

    Measured on the dev split (round 4, incl. 79 new blind patient-voice questions): statements around a
    question were making requirements the quotes could not meet — "is it totally risk free? the website
    makes it sound perfect" required the website aspect, "what r the side effects. im scared of throwing
    up" required vomiting — 4 answerable questions abstained that now answer, none the other way, and no
    unanswerable question is answered that was not before (the blind held-out set lost one: README).
    """
    parts = [part for part in _SENTENCES.split(message) if part.strip()]
    asks = [_asks(part) for part in parts]
    if len(parts) < 2 or all(asks) or not any(asks):
        return message
    kept = []
    for i, part in enumerate(parts):
        refers = asks[i] and i > 0 and not asks[i - 1] and _ANAPHOR.search(part.lower())
        if refers:
            kept.append(parts[i - 1])
        if asks[i]:
            kept.append(part)
    return " ".join(kept)


def _expand(pattern: str, macros: dict[str, str]) -> str:
    for name, body in macros.items():
        pattern = pattern.replace("{" + name + "}", f"(?:{body})")
    re.compile(pattern)
    return pattern


@lru_cache(maxsize=1)
def default_lexicon() -> AspectLexicon:
    return AspectLexicon.load()

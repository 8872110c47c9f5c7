"""Messages not written in English: the articles are English, so the bot says so instead of quoting.

Before this, "¿Cuánto dura una sesión de ketamina?" was answered with the articles' opening lines (the word
"ketamina" is close enough to "ketamine" for the embedding) and a question in Chinese got "I couldn't find this
in our articles" and went to the staff's list as a content gap. Now such a message gets :data:`REPLY`: in English
and in Spanish (the language a US clinic hears most after English), it says the bot answers in English only and
points to the care team, and — since a message the bot cannot read may be a crisis the rules did not see — it
gives the crisis line (988, with its Spanish option) and 911. It is status ``no_answer``, no quotes, ``intent``
``"other_language"``; the safety gate still reads the message first, so a crisis it recognises (its Spanish
patterns included) gets the crisis card.

:func:`other_language` is deliberately narrow, since calling an English question foreign costs an answer:

- a message whose letters are mostly of a non-Latin script (Chinese, Cyrillic, Arabic, ...) is foreign;
- a message in Latin letters is foreign only when it holds **no** English function word (``the``, ``is``,
  ``how``, ``what``, ... — bm25s' English list, less the few that those languages write too: "me", "a", "no",
  "y", "in", :data:`_SHARED`) and at least two function words of Spanish, French, German,
  Italian, Portuguese or Dutch (bm25s' lists, minus words that are also English or common in our English
  text: "die", "come", "also", "son", "per", "et", "al", single letters, ...) — or of :data:`_TOPIC_WORDS`, the
  few words a question about this clinic uses in those languages that English never does ("ketamina", "ketamin",
  "wirkt", "efectos", "secundarios", "Nebenwirkungen", ...), so "Wie wirkt Ketamin?" and "ketamina efectos
  secundarios" count as foreign, while an English question with a misspelt "ketamin" still has its English words.

- (round 23) a message in Latin letters with at most one English function word (a single letter — the "m" of
  "m'athair", the "d" of "d'epilepsie" — is none: one such word is a word of many languages too, "ma", "to", "is",
  "am"), at least two different words, and at most a third of them *familiar* — an English function word, an English
  word of pyspellchecker's list (of one or two letters only :data:`SHORT_ENGLISH`: the list also holds "mi", "ka",
  "se", "ne"), a word of the articles, a typo of one or a shorthand of ``qa/shorthand.txt`` (``known``: the pipeline
  passes ``Retriever.knows``), or a word in capitals — is foreign too: the languages with no list here. "Chcę się
  zabić" (Polish: "I want to kill myself") got "I couldn't find this in our articles"; so did Turkish, Vietnamese,
  Swahili, Tagalog, Indonesian, Romanian, Somali, Yoruba crisis messages. Swedish, Danish, Norwegian and Turkish
  function words (bm25s' lists) count with the six languages' now (without any English function word, as before).
  Over every eval message (dev, test and blind: about 13,900) this flags six junk lines of the crisis check's
  training set ("lorem ipsum", "qwer asdf zxcv", "def f(): pass"), which get this reply — it asks for English and
  gives the crisis line — instead of "I couldn't find this", and four Spanish and French look-alike messages with an
  English phrase; no question of any eval set. Not caught: a message with enough words English also has ("Berapa
  lama sesi ketamin?").

The pipeline reads this after the semantic crisis check's card, so an English message typed badly enough to look
foreign still gets the card the check would give it. "Ketamine side effects?" (no function word of any language)
stays a question, and so does English with a foreign phrase in it ("what does 'la sesión' mean?").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

from .spelling import english_words

__all__ = ["REPLY", "other_language"]

REPLY = (
    "I can only answer in English: the clinic's articles are in English. Please ask your question in English, "
    "or ask your care team. If you are thinking about suicide or are in danger, call or text 988 (for Spanish, "
    "call and press 2) or call 911.\n\n"
    "Solo puedo responder en inglés: los artículos de la clínica están en inglés. Haga su pregunta en inglés o "
    "consulte a su equipo de atención médica. Si está pensando en el suicidio o corre peligro, llame al 988 y "
    "oprima 2 para español, o llame al 911."
)

_WORD = re.compile(r"[^\W\d_]+")
_LANGUAGES = (
    "SPANISH",
    "FRENCH",
    "GERMAN",
    "ITALIAN",
    "PORTUGUESE",
    "DUTCH",
    "DANISH",
    "NORWEGIAN",
    "SWEDISH",
    "TURKISH",
)
#: Stop words of those languages that are English words too, or common in English medical text.
_ALSO_ENGLISH = frozenset(
    "al et also non want per il im come ci er ed die ha li son door men ai com na yo sea man ta bin mi wat dies "
    "ya hat will war was over den sin van hem her had them has then".split()
)

#: Words of a question about ketamine treatment in Spanish, French, German, Italian, Portuguese or Dutch that are not
#: English words (counted like those languages' function words; accents as typed or left out).
_TOPIC_WORDS = frozenset(
    "ketamina ketamin kétamine cetamina esketamina esketamin efectos efecto secundarios secundario "
    "nebenwirkungen nebenwirkung effets secondaires effetti collaterali efeitos colaterais bijwerkingen tratamiento "
    "tratamento trattamento traitement behandlung behandeling depresión depresion depressione depressão depressao "
    "sesión sesion sessão sessao sitzung séance seance seduta wirkt funciona funziona fonctionne werkt cuánto cuanto "
    "cuesta precio prix preis kosten quanto custa".split()
)


#: Words of a Spanish greeting ("hola", "buenos días", "hola, ¿qué tal?"), accents as typed or left out.
_SPANISH_GREETING = frozenset(
    "hola holaa buenas buenos buen dia dias día días tardes noches saludos qué que tal".split()
)
_SPANISH_HELLO = frozenset("hola holaa buenas buenos saludos".split())
#: English function words that are also words of those languages ("me", "a", "no", "y", "in", "was"...): alone they do
#: not make a message English ("me voy a quitar la vida esta noche" was read as English: round 18 audit).
_SHARED = frozenset("a me no y he i as do so in on was will an o".split())


@functools.cache
def _words() -> tuple[frozenset[str], frozenset[str]]:
    """(English function words, other languages' function words that are not English plus :data:`_TOPIC_WORDS`)."""
    import bm25s.stopwords as stop

    english = frozenset(stop.STOPWORDS_EN_PLUS)  # the list qa.lexical drops (it holds STOPWORDS_EN)
    foreign = frozenset().union(*(getattr(stop, f"STOPWORDS_{name}") for name in _LANGUAGES))
    return english, frozenset(w for w in foreign - english - _ALSO_ENGLISH if len(w) > 1) | _TOPIC_WORDS


def _latin(letter: str) -> bool:
    return unicodedata.name(letter, "").startswith("LATIN")


def other_language(text: str, known: Callable[[str], bool] | None = None) -> bool:
    """Whether ``text`` (a cleaned question) is written in a language other than English (see the module).

    ``known`` tells whether a lower-case word is one the articles use, a typo of one or a shorthand: the pipeline passes
    ``Retriever.knows``; without it only English words count as familiar.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    if sum(not _latin(c) for c in letters) > len(letters) / 2:
        return True
    words = [unicodedata.normalize("NFC", w) for w in _WORD.findall(text.casefold())]
    english, foreign = _words()
    # A single letter is no English function word here: "m'athair", "d'epilepsie", "t-trattament" (round 23 dev).
    function_words = {w for w in words if w in english and w not in _SHARED and len(w) > 1}
    if not function_words:
        # A Spanish greeting alone ("hola", "buenas tardes") is one foreign word or none: it got "I couldn't find this"
        # in English only (round 17 audit).
        greeting = all(w in _SPANISH_GREETING for w in words) and any(w in _SPANISH_HELLO for w in words)
        if greeting or sum(w in foreign for w in words) >= 2:
            return True
    # One English function word is a word of many languages too ("ma", "to", "are", "is", "more", "am", "my").
    return len(function_words) < 2 and _mostly_unknown(text, words, function_words, known)


#: The words of one or two letters that count as familiar English besides the function words ("vs", "mg", "ml", "dr"
#: since round 25: "ketamine vs ssri" was taken for another language by an answer audit). pyspellchecker's list
#: holds "mi", "ka", "pa", "se", "ne", "e", "o" too — words of many languages, and more frequent there than "ok" ("de"
#: 98,568 against 56,872) — so a short word is familiar only if it is one of these, the articles' ("iv") or in capitals.
SHORT_ENGLISH = frozenset("i ok oh hi ya ye yo uh um hm mm tv pm ad ex id k ty np vs mg ml dr".split())


def _mostly_unknown(text: str, words: list[str], function_words: set[str], known: Callable[[str], bool] | None) -> bool:
    """At least two different words, and at most a third of them familiar: English (pyspellchecker's list; a word of one
    or two letters only from :data:`SHORT_ENGLISH`), the articles' or the shorthand file's (``known``), an English
    function word, or written in capitals (an acronym, a name): "Chcę się zabić", "Gusto ko nang mamatay", "mo fe pa
    ara mi" (Yoruba)."""
    distinct = set(words)
    if len(distinct) < 2:
        return False
    english = english_words()
    capitals = {w.casefold() for w in _WORD.findall(text) if len(w) > 1 and w.isupper()}

    def familiar(word: str) -> bool:
        if word in function_words or word in capitals or (known is not None and known(word)):
            return True
        if word in _SHARED and len(word) > 1:  # "he", "do", "so", "in": English too, though not enough alone
            return True
        return word in SHORT_ENGLISH if len(word) <= 2 else word in english

    return sum(map(familiar, distinct)) * 3 <= len(distinct)

"""Messages in another language: told the bot answers in English, given the crisis line, never quoted loosely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer import DISCLAIMER
from qa.language import REPLY, other_language
from qa.pipeline import clean_question
from qa.render import answer_html

EVAL = Path(__file__).resolve().parents[1] / "eval"
COVID_QA = Path(__file__).resolve().parents[2] / "shared" / "data" / "covid-qa" / "covid-qa-dev.json"

FOREIGN = [
    "¿Cuánto dura una sesión de ketamina?",
    "Como funciona la ketamina",
    "es seguro la ketamina para la depresion",
    "Quels sont les effets secondaires de la kétamine?",
    "Quanto costa una seduta di ketamina?",
    "氯胺酮有什么副作用？",
    "Что такое кетамин?",
    "Wie wirkt Ketamin?",  # one German function word and two topic words (qa.language._TOPIC_WORDS)
    "ketamina efectos secundarios",
    "Ketamin Nebenwirkungen",
    "hola",  # a Spanish greeting alone (round 17 audit: "I couldn't find this" in English only)
    "Buenas tardes",
    "hola, ¿qué tal?",
    # Round 18 audit: English function words that Spanish writes too ("me", "a", "no", "y") made these English.
    "me voy a quitar la vida esta noche",
    "hola, me duele la cabeza despues de la sesion, es normal?",
    "ich will nicht mehr leben",
]
ENGLISH = [
    "Ketamine side effects?",  # no function word of any language
    "ketamin dosage",  # a misspelling: one topic word is not enough
    "how does ketamin work",
    "what does 'la sesión' mean?",  # English around a foreign phrase
    "How long does a session last?",
    "Is ketamine de-addictive or habit forming",
    "come to the clinic per the letter, also die-hard fans of my doctor",
    "🙂🙂",
    "",
    "que",
    "hola how fast does ketamine work",
    "me too",
    "no side effects?",
    "a dose of ketamina?",
]


#: Round 23: languages with no function-word list here, told by having almost no word English or the articles know.
#: Before, "Chcę się zabić" ("I want to kill myself", Polish) got "I couldn't find this in our articles".
MOSTLY_UNKNOWN = [
    "Chcę się zabić",  # Polish
    "Kendimi öldürmek istiyorum",  # Turkish (also its function-word list now: none of these words is on it)
    "Tôi muốn tự tử",  # Vietnamese
    "Nataka kujiua",  # Swahili
    "Gusto ko nang mamatay",  # Tagalog: "gusto" is an English word, one of four
    "Saya ingin bunuh diri",  # Indonesian
    "Vreau să mă sinucid",  # Romanian
    "Mwen vle touye tèt mwen",  # Haitian Creole
    "Waxaan rabaa inaan is dilo",  # Somali: one English function word ("is") is a word of many languages too
    "mo fe pa ara mi",  # Yoruba: "mo", "fe", "pa", "mi" are in the English list; short words count only from a list
    "níl m'athair ag análú",  # Irish: "m" of "m'" is no English function word
    "Haluan tappaa itseni",  # Finnish
]
#: Function words of Swedish, Danish, Norwegian and Turkish (bm25s' lists) count now, as the six languages' did.
NORDIC_AND_TURKISH = [
    "Jag vill ta livet av mig",
    "Jeg vil ikke leve mere",
    "Jeg orker ikke mer, jeg vil dø",
    "Ben artık yaşamak istemiyorum",
]


@pytest.mark.parametrize("message", FOREIGN + NORDIC_AND_TURKISH)
def test_other_languages_are_recognised(message: str) -> None:
    assert other_language(message)


@pytest.mark.parametrize("message", MOSTLY_UNKNOWN)
def test_a_message_of_mostly_unknown_words_is_another_language(pipeline, message: str) -> None:
    assert other_language(message, pipeline.retriever.knows)


@pytest.mark.parametrize(
    "message",
    [
        "ketamine ocd",  # "ocd" is no English word, "ketamine" no word of the English list: the articles know both
        "ketamine reduce inflamation",  # a typo of an article word counts as the word
        "esketamine spravato",  # the aspect lexicon's words, which no article uses
        "IV vs IM?",  # capitals: acronyms
        "post infusion dip is bad. active SI. home alone. husband is away til sunday",  # English words, and capitals
        "how r u",  # shorthand ("r", "u") counts as familiar: qa/shorthand.txt
        "i wanna kms",  # "i" is one of the short English words, "wanna" shorthand
        "do u do weekend appts",
        "Jag vill ta livet av mig and my partner is not home",  # two English function words: English
        "wasd wasd wasd",  # one word, however often
        "ketamin?",
        "ketamine vs ssri",  # round 25 (answer audit): "vs" is English, though of two letters
        "kap vs infusion",
    ],
)
def test_a_message_with_enough_known_words_is_not(pipeline, message: str) -> None:
    assert not other_language(message, pipeline.retriever.knows)


def test_without_the_articles_words_only_english_counts() -> None:
    """``known`` is the caller's: without it an article's word such as "ketamine" is unknown."""
    assert other_language("ketamine ocd") and not other_language("ketamine ocd", lambda w: w == "ketamine")


def test_a_polish_crisis_message_gets_the_reply_with_the_crisis_line(pipeline) -> None:
    data = pipeline.ask("Chcę się zabić").to_dict()
    assert (data["status"], data["intent"], data["message"]) == ("no_answer", "other_language", REPLY)


@pytest.mark.parametrize("message", ENGLISH)
def test_english_is_not(message: str) -> None:
    assert not other_language(message)


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _messages(path: Path) -> list[str]:
    return [r.get("question") or r.get("message") for r in _rows(path) if r.get("split") != "test"]


def test_no_english_question_of_the_eval_sets_is_taken_for_another_language(pipeline) -> None:
    """Every dev message of the question, FAQ, messy, small-talk, idiom and crisis sets (with the articles' words, as
    the pipeline reads them), and COVID-QA's questions (without): 0 flagged but six junk lines of the crisis check's
    ordinary training messages (the look-alike sets' few Spanish messages, and round 20's writer-ad probe, which
    wrote messages in eleven languages on purpose — 28 flagged until round 23, 30 since with two French ones —, are
    below)."""
    files = ["questions.jsonl", "smalltalk.jsonl", "idioms.jsonl", "messy_dev.jsonl"]
    files += [f"faq_dev{n}.jsonl" for n in ("", 2, 3, 4)]
    messages = [m for name in files for m in _messages(EVAL / name)] + _messages(EVAL / "crisis_train.jsonl")
    assert len(messages) > 3600
    flagged = [m for m in messages if other_language(m, pipeline.retriever.knows)]
    junk = ["lorem ipsum", "def f(): pass", "qwer asdf zxcv", "abc def ghi jkl mno pqr stu vwx yz"]
    assert sorted(flagged, key=len)[:4] == junk
    assert len(flagged) == 6 and all(m.startswith("lorem ipsum dolor sit amet") for m in flagged if len(m) > 40)
    data = json.loads(COVID_QA.read_text(encoding="utf-8"))
    covid = [q["question"] for a in data["data"] for p in a["paragraphs"] for q in p["qas"]]
    assert len(covid) > 600 and [m for m in covid if other_language(m)] == []
    rows = _rows(EVAL / "lookalike_probe.jsonl")
    spanish = [r["message"] for r in rows if r["set"] != "writer-ad" and other_language(r["message"])]
    spanish_marks = [*"áéíóñ¿", " la ", " el ", "quiero"]
    assert spanish and all(any(w in m for w in spanish_marks) for m in spanish)
    # writer-ad: German, Portuguese, Italian, Spanish, French, Russian, Arabic, Hindi, Japanese, Chinese, Korean.
    probe = [r["message"] for r in rows if r["set"] == "writer-ad" and other_language(r["message"])]
    assert len(probe) == 30 and [m for m in probe if m.isascii()] == [
        "Meine Mutter ist nach der Behandlung zusammengebrochen und reagiert nicht mehr",
        "ich habe die Tabletten schon genommen, alle",
        "mio padre ha un forte dolore al petto e fa fatica a respirare dopo l'infusione",
    ]


def test_pipeline_says_it_answers_in_english_with_the_crisis_line(pipeline) -> None:
    data = pipeline.ask("¿Cuánto dura una sesión de ketamina?").to_dict()
    assert (data["status"], data["intent"], data["route"], data["check_in"]) == (
        "no_answer",
        "other_language",
        "none",
        False,
    )
    assert data["message"] == REPLY and data["quotes"] == [] and data["disclaimer"] == DISCLAIMER
    assert "988" in REPLY and "911" in REPLY and "oprima 2" in REPLY


def test_the_gate_still_reads_it_first(pipeline) -> None:
    """A Spanish crisis the rules know gets the crisis card, not the language reply."""
    assert pipeline.ask("No quiero vivir más. Esta noche lo termino.").status == "crisis"


def test_reply_renders_in_two_languages_with_tappable_numbers(pipeline) -> None:
    markup = answer_html(pipeline.ask("Como funciona la ketamina"))
    assert '<p class="qa-abstain" lang="es">' in markup
    assert markup.count('href="tel:988"') == 2 and markup.count('href="tel:911"') == 2


def test_a_question_typed_in_full_width_letters_is_read_as_english(pipeline) -> None:
    """Round 16 audit: East Asian keyboards type full-width ASCII; such a question got the other-language reply or
    'couldn't find this', while the same words in ASCII are answered."""
    plain = "what are the side effects of ketamine?"
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in plain)
    assert wide != plain and clean_question(wide, 1000) == plain
    answer, expected = pipeline.ask(wide), pipeline.ask(plain)
    assert (answer.status, answer.intent) == (expected.status, expected.intent) == ("answered", "question")
    assert [q.id for q in answer.quotes] == [q.id for q in expected.quotes]

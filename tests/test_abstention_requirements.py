"""Answer types and defined terms: what a quoted sentence must state to answer "how many", "what is X?"."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from qa.abstention import ASPECT_PENALTY, answerability
from qa.aspects import (
    ASPECTS_PATH,
    MAX_TERM_WORDS,
    AspectLexicon,
    AspectLexiconError,
    asked_part,
    default_lexicon,
    normal,
)
from qa.chunking import Passage

SHIPPED = json.loads(ASPECTS_PATH.read_text(encoding="utf-8"))
TYPES = SHIPPED["answer_types"]["types"]


def _passage(*sentences: str) -> Passage:
    text, offsets = "", []
    for sentence in sentences:
        offsets.append((len(text), len(text) + len(sentence)))
        text += sentence + " "
    return Passage(f"a:0-{len(text)}", "a", 0, len(text), text, "T", "", text, tuple(offsets))


@pytest.mark.parametrize("entry", TYPES, ids=[t["name"] for t in TYPES])
def test_every_shipped_answer_type_holds_to_its_own_examples(entry: dict) -> None:
    """The examples in aspects.json are the type's specification: a staff edit that breaks one fails here."""
    lexicon = default_lexicon()
    kind = next(t for t in lexicon.answer_types if t.name == entry["name"])
    assert entry["why"] and entry["examples"]["asks"] and entry["examples"]["answered_by"]
    for question in entry["examples"]["asks"]:
        assert lexicon.answer_type(question) == kind, question
    for sentence in entry["examples"]["answered_by"]:
        assert kind.answer.search(normal(sentence)), sentence
    for sentence in entry["examples"]["not_answered_by"]:
        assert not kind.answer.search(normal(sentence)), sentence


@pytest.mark.parametrize(
    "question",
    [
        "how does ketamine work?",
        "will getting sessions more often change how it works",
        "has it helped many people?",
        "is it the same dose they use for surgery?",
        "does the improvement last or fade fast",  # "fast" alone is no cue; "how fast" is
        "what happens once they've decided I'm a good fit",
        "how big of a risk is the dissociation",
        "can i get it as a nasal spray instead of an IV",  # an alternative asked for, not a comparison (round 18)
        "is the usual dose much lower than what they use for surgery?",  # yes/no: "much lower than" answers it
    ],
)
def test_questions_that_ask_for_no_quantity_have_no_answer_type(question: str) -> None:
    assert default_lexicon().answer_type(question) is None


def test_who_invented_asks_for_a_person_and_who_wrote_does_not() -> None:
    """Round 25 (answer audit): "who invented ketamine?" was answered by a sentence saying when it was developed."""
    lexicon = default_lexicon()
    assert lexicon.answer_type("Who invented ketamine?").name == "person"
    assert lexicon.answer_type("who wrote the what is ketamine therapy article") is None
    assert lexicon.answer_type("Who runs the consultation?") is None


def test_dissociation_is_a_named_symptom_but_a_dissociative_is_not() -> None:
    """Round 25 (answer audit): "how long does the dissociation last?" was answered by the session's "1-2 hours"."""
    lexicon = default_lexicon()
    assert lexicon.clause_requirements("How long does the dissociation last after a session?") == [
        frozenset({"named:dissociation", "answer:duration"})
    ]
    assert [a.name for a in lexicon.mentioned("will I feel detached or have an out of body experience?")] == [
        "named:dissociation"
    ]
    assert lexicon.mentioned('My friend calls ketamine a "dissociative". Why do doctors think it helps?') == []


def test_the_first_matching_type_applies() -> None:
    lexicon = default_lexicon()
    assert lexicon.answer_type("how many hours does a session take").name == "duration"
    assert lexicon.answer_type("how many infusions a week").name == "frequency"
    assert lexicon.answer_type("how many patients were in the study").name == "count"


def test_a_sentence_without_the_figure_does_not_answer_a_quantity_question() -> None:
    """ "Many patients improve" is close in meaning to "how many patients improve?" but states no number."""
    vague = _passage("Many patients experience rapid relief from their symptoms.")
    figure = _passage("The study enrolled 102 patients.")
    question = "how many patients improve with ketamine"
    assert answerability([vague], [np.array([0.8])], question) == pytest.approx(0.8 - ASPECT_PENALTY)
    # A figure anywhere in the quotes answers, with that sentence's own cosine as the signal.
    assert answerability([vague, figure], [np.array([0.8]), np.array([0.4])], question) == pytest.approx(0.4)
    # Without the quantity cue, the cosine alone.
    assert answerability([vague], [np.array([0.8])], "do patients improve with ketamine") == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("What is psychedelic integration?", ["psychedelic", "integration"]),
        ("I'm curious. What is psychedelic integration?", ["psychedelic", "integration"]),
        ("whats glutamate", ["glutamate"]),
        ("what do they mean by dissociation?", ["dissociation"]),
        ("what does 'treatment resistant' mean exactly", ["treatment", "resistant"]),
        ("define neuroplasticity", ["neuroplasticity"]),
        ("What is an NMDA receptor?", ["nmda", "receptor"]),
        # Not plain noun phrases, or too long: no term requirement.
        ("what is synaptic plasticity needed for", []),
        ("what's so special about ketamine", []),
        ("What is ketamine therapy and how does it work?", []),
        ("what is ketamine used for?", []),
        ("what is the price?", []),  # "what is the X?" asks for an attribute ("costs ..."), not a definition
        ("what is the long term outcome for treatment resistant depression patients", []),
    ],
)
def test_the_defined_term_of_a_question(question: str, term: list[str]) -> None:
    words = default_lexicon().defined_term(question)
    assert words == term
    assert len(words) <= MAX_TERM_WORDS


def test_a_defined_term_must_be_used_by_an_answering_sentence() -> None:
    """A page whose only mention is a link title (a question line) does not define the term."""
    nav = _passage("Ketamine promotes neuroplasticity in key brain regions.", "What is Psychedelic Integration?")
    scores = [np.array([0.38, 0.95])]
    assert answerability([nav], scores, "What is psychedelic integration?") == pytest.approx(0.38 - ASPECT_PENALTY)
    # Inflections count: "dissociative" uses the term "dissociation".
    used = _passage("Side effects include dissociative experiences during treatment.")
    assert answerability([used], [np.array([0.3])], "what is dissociation?") == pytest.approx(0.3)


def test_requirements_are_named_by_kind() -> None:
    names = [r.name for r in default_lexicon().requirements("What percentage of MDMA users get nauseous?")]
    assert names == ["named:mdma", "named:nause", "answer:percentage"]
    assert default_lexicon().uncovered("What is psychedelic integration?", ["Integration is ..."]) == [
        "term:psychedelic"
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"answer_types": {"types": [{"name": "x", "cues": ["how many"]}]}},  # no answers
        {"answer_types": {"types": [{"name": "x", "cues": ["how many"], "patterns": ["(unclosed"]}]}},
        {"definitions": {"patterns": ["what is (.+)"]}},  # no (?P<term>...) group
    ],
)
def test_a_malformed_requirement_is_an_error_naming_the_file(tmp_path, data: dict) -> None:
    bad = tmp_path / "aspects.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(AspectLexiconError, match="aspects.json"):
        AspectLexicon.load(bad)


def test_macros_expand_in_patterns() -> None:
    lexicon = AspectLexicon.from_dict(
        {
            "answer_types": {
                "macros": {"n": r"\d+"},
                "types": [{"name": "c", "cues": ["how many"], "patterns": ["{n} x"]}],
            }
        }
    )
    kind = lexicon.answer_type("How many x?")
    assert kind.answer.pattern == r"(?:\d+) x"
    assert kind.answer.search("12 x") and not kind.answer.search("twelve x")


def test_shipped_definition_patterns_all_capture_a_term() -> None:
    for pattern in SHIPPED["definitions"]["patterns"]:
        assert "term" in re.compile(pattern).groupindex


@pytest.mark.parametrize(
    "question",
    [
        "how often should the infusions be repeated?",
        "What is microdosing?",
        "what percentage of patients feel dizzy?",
    ],
)
def test_near_misses_are_abstained_on_end_to_end(pipeline, question: str) -> None:
    """The articles talk about infusions, side effects and sessions, but give none of these figures or terms."""
    data = pipeline.ask(question).to_dict()
    assert data["status"] == "no_answer" and data["quotes"] == []
    assert data["answerability"] < -1.0


def test_a_count_met_only_by_an_unrelated_figure_is_still_abstained_on(pipeline) -> None:
    """A table row's sample size meets "how many" (so the requirement holds), but the sentence is about
    something else: its cosine stays under the calibrated threshold."""
    data = pipeline.ask("how many infusions will I need in total?").to_dict()
    assert data["status"] == "no_answer" and data["quotes"] == []
    assert data["answerability"] < pipeline.abstention.threshold


@pytest.mark.parametrize(
    "question",
    [
        "when was ketamine first developed?",
        "how many patients were in the 2018 study?",
        "how long does a ketamine session take?",
        "what is neuroplasticity?",
    ],
)
def test_questions_the_articles_answer_with_a_figure_or_definition_meet_their_requirements(
    pipeline, question: str
) -> None:
    lexicon = default_lexicon()
    assert lexicon.requirements(question)
    data = pipeline.ask(question).to_dict()
    assert data["answerability"] > -1.0  # every requirement met by a shown sentence
    quoted = [normal(q["text"]) for q in data["quotes"]]
    assert lexicon.uncovered(question, quoted) == []


def test_a_comparison_needs_one_sentence_comparing_the_named_things() -> None:
    """Listing both forms is not comparing them; a comparison of something else is not either."""
    question = "is the nasal spray as effective as the IV infusion?"
    listing = _passage("Patients receive their dose either via intravenous infusion or intranasal spray.")
    other = _passage("The doses used in therapy are much lower than those used for anesthesia.")
    compares = _passage("Intranasal spray was less effective than intravenous infusion in one trial.")
    assert answerability([listing, other], [np.array([0.6]), np.array([0.5])], question) < -1.0
    assert answerability([listing, compares], [np.array([0.6]), np.array([0.3])], question) == pytest.approx(0.3)
    # With no named aspect in the question, any comparative sentence answers.
    assert answerability([other], [np.array([0.5])], "is ketamine better than the usual pills?") == pytest.approx(0.5)


def test_a_passing_mention_of_cost_is_not_a_price() -> None:
    costly = _passage("Trying medication after medication is time-consuming, costly, and draining.")
    assert answerability([costly], [np.array([0.5])], "how much does ketamine therapy cost?") < -1.0
    assert default_lexicon().answer_type("how much does it help with anxiety?") is None
    assert default_lexicon().mentioned("how much does it help with anxiety?") == []


def test_a_named_symptom_needs_a_sentence_naming_it() -> None:
    """A list of other side effects does not answer a question about headaches."""
    listing = _passage("Common side effects are nausea, dizziness, and dissociative experiences during treatment.")
    assert answerability([listing], [np.array([0.7])], "does ketamine cause headaches?") < -1.0
    assert answerability([listing], [np.array([0.7])], "will it make me nauseous?") == pytest.approx(0.7)


def test_the_highlight_falls_on_the_sentence_meeting_the_answer_type(pipeline) -> None:
    """ "How long" asks for a duration: the highlighted sentence is the one giving it, even where a
    sentence without one is closer in wording to the question."""
    data = pipeline.ask("how long does a ketamine session take?").to_dict()
    assert data["status"] == "answered"
    corpus = pipeline.settings.corpus_dir
    highlighted = [
        (corpus / q["path"]).read_text(encoding="utf-8")[s:e] for q in data["quotes"] for s, e in q["highlights"]
    ]
    assert any("1-2 hours" in text for text in highlighted), highlighted
    duration_quote = next(q for q in data["quotes"] if "1-2 hours" in q["text"])
    assert all(
        "1-2 hours" in (corpus / duration_quote["path"]).read_text(encoding="utf-8")[s:e]
        for s, e in duration_quote["highlights"]
    )


def test_prefer_requirements_lowers_only_the_sentences_that_miss_a_met_requirement(pipeline) -> None:
    from qa.abstention import ASPECT_PENALTY, prefer_requirements

    question = "how long does a ketamine session take?"
    passages = [p for p in pipeline.index.passages if len(p.sentences) > 1]
    scores = [np.full(len(p.sentences), 0.5, dtype=np.float32) for p in passages]
    # No requirement in the question: every score unchanged.
    plain = prefer_requirements(passages, scores, "does ketamine help depression")
    assert all(np.array_equal(a, b) for a, b in zip(plain, scores, strict=True))
    preferred = prefer_requirements(passages, scores, question)
    changed = [i for i, (a, b) in enumerate(zip(preferred, scores, strict=True)) if not np.array_equal(a, b)]
    assert changed, "the session-length passage should have a sentence meeting the duration requirement"
    for i in changed:
        lowered = np.isclose(preferred[i], 0.5 - ASPECT_PENALTY)
        assert lowered.any() and (~lowered).any()  # some sentences meet it, the others drop by the penalty
        assert np.all(np.isclose(preferred[i][~lowered], 0.5))


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("is it totally risk free? the website makes it sound perfect lol", "is it totally risk free?"),
        ("what r the side effects. im scared of feeling weird or throwing up", "what r the side effects."),
        (
            "my teenager has OCD really bad, the checking and the hand washing. is ketamine ever used for ocd",
            "is ketamine ever used for ocd",
        ),
        # a question pointing back ("it", "that") keeps the statement it points to
        ("I read about esketamine. is it the same?", "I read about esketamine. is it the same?"),
        ("I want to drive home after. can I do that?", "I want to drive home after. can I do that?"),
        # all questions, all statements, or one sentence: whole
        ("how much does it cost? is it covered?", "how much does it cost? is it covered?"),
        ("tell me about the cost of treatment", "tell me about the cost of treatment"),
        ("how long does a session last", "how long does a session last"),
    ],
)
def test_requirements_come_from_the_sentences_that_ask(message: str, asked: str) -> None:
    assert asked_part(message) == asked
    lexicon = default_lexicon()
    assert [r.name for r in lexicon.requirements(message)] == [r.name for r in lexicon.requirements(asked)]


def test_statements_around_a_question_no_longer_block_its_answer(pipeline) -> None:
    """Round 4's blind patient-voice dev questions: answerable, abstained before because a side remark
    made a requirement ("website", "throwing up") no quote could meet."""
    for question in (
        "is it totally risk free? the website makes it sound perfect lol",
        "what r the side effects. im scared of feeling weird or throwing up",
    ):
        assert pipeline.ask(question).status == "answered", question


@pytest.mark.parametrize(
    ("question", "requirements"),
    [
        # "ppl" / "people" are not a term being defined
        ("brain 'rewiring'... what do ppl mean by that", []),
        # the slang "horse tranquilizer" is not a question about benzodiazepines
        ("wait isnt ketamine a horse tranquilizer lol. what is it actually", []),
        ("can I take my benzos the night before?", ["named:benzo"]),
        # hours and sessions-until are durations, not counts; spelling slips count
        ("how many hrs does the whole thing take", ["answer:duration"]),
        ("how many sessions untill people usually start feeling less anxious", ["answer:duration"]),
        ("how many sessions will I need in total?", ["answer:count"]),
    ],
)
def test_round_4_lexicon_fixes(question: str, requirements: list[str]) -> None:
    assert [r.name for r in default_lexicon().requirements(question)] == requirements


@pytest.mark.parametrize(
    ("question", "requirements"),
    [
        # Round 26 (answer audit): a hospital's emergency room is a thing the articles never name ...
        ("Is ketamine used in emergency rooms for suicidal patients?", ["emergency rooms"]),
        ("is ketamine ever used in the ER for people who are suicidal?", ["emergency rooms"]),
        # ... and a car accident is how a trauma happened, not driving after a session.
        ("My mom has PTSD from a car accident. Does ketamine actually do anything for that?", []),
        ("can i drive home after the infusion?", ["driving"]),
        # ... nor is an ER nurse's job; where ketamine was developed asks for a place, where it came from does not.
        ("I'm an ER nurse with high blood pressure, is that a problem for the infusion?", ["organs and body systems"]),
        ("Where was ketamine developed?", ["answer:place"]),
        ("wasnt ketamine originally a surgery drug? where did it come from", []),
    ],
)
def test_round_26_lexicon_fixes(question: str, requirements: list[str]) -> None:
    assert [r.name for r in default_lexicon().requirements(question)] == requirements


@pytest.mark.parametrize(
    ("question", "requirements"),
    [
        # Round 27 (an outside evaluator's library articles): a book to read is not booking an appointment.
        ("How long can I borrow a book?", ["answer:duration"]),
        ("is there a good book about ketamine therapy?", []),
        ("how do I book a session?", ["booking"]),
        ("can I book the 3pm slot?", ["booking"]),
    ],
)
def test_round_27_lexicon_fixes(question: str, requirements: list[str]) -> None:
    assert [r.name for r in default_lexicon().requirements(question)] == requirements


@pytest.mark.parametrize(
    ("question", "requirements"),
    [
        # an aspect's word in an idiom makes no requirement ...
        ("will someone keep an eye on me during the session?", []),
        ("if i get dizzy or sick to my stomach from it, does that go away after", ["named:dizz"]),
        ("my heart is broken and i feel so low, can ketamine help with depression?", []),
        ("will I be able to pay attention at my desk afterwards?", []),
        ("my insomnia is driving me crazy, does ketamine help with sleep?", ["named:insomnia"]),
        ("Is it some brand-new drug?", []),  # round 24
        ("is ketamine a brand new treatment?", []),
        # ... the word said literally still does
        ("what brand of ketamine do you use?", ["brand"]),
        ("is ketamine bad for my eyes?", ["organs and body systems"]),
        ("does it hurt your stomach?", ["organs and body systems"]),
        ("does ketamine raise your heart rate?", ["organs and body systems"]),
        ("is paying for it out of pocket allowed?", ["cost"]),
        ("can I drive myself home?", ["driving"]),
    ],
)
def test_figurative_idioms_make_no_requirement(question: str, requirements: list[str]) -> None:
    assert [r.name for r in default_lexicon().requirements(question)] == requirements


@pytest.mark.parametrize(
    ("question", "requirements"),
    [
        # round 24: clinic hours asked without the words "opening hours", and refunds
        ("do u have evening appts after 6", ["opening hours"]),
        ("Can I have my session in the evening after work?", ["opening hours"]),
        ("r u guys open sundays?", ["opening hours"]),
        ("Do you give refunds?", ["cost"]),
        # ... not an evening told in passing, nor the availability of the treatment
        ("Is it normal to get a headache after a session? Mine lasted most of the evening.", ["named:headache"]),
        ("what is the availability of ketamine therapy", []),
    ],
)
def test_clinic_hours_and_refunds_are_requirements(question: str, requirements: list[str]) -> None:
    assert [r.name for r in default_lexicon().requirements(question)] == requirements


def test_figurative_idioms_are_blanked_only_where_the_lexicon_lists_them() -> None:
    lexicon = default_lexicon()
    assert "eye" not in lexicon.literal("Will they keep an eye on me?") and "me" in lexicon.literal("keep an eye on me")
    bare = AspectLexicon.from_dict({"aspects": SHIPPED["aspects"]})  # no "figurative" entry: every word counts
    assert bare.literal("keep an eye on me") == "keep an eye on me"
    assert [r.name for r in bare.requirements("will someone keep an eye on me?")] == ["organs and body systems"]


def test_a_patient_asking_to_be_watched_is_answered_end_to_end(pipeline) -> None:
    """Before the idioms, "keep an eye on me" required a sentence about eyes and the bot abstained."""
    data = pipeline.ask("will someone keep an eye on me during the session?").to_dict()
    assert data["status"] == "answered" and data["answerability"] > 0


def _idiom_sets() -> list[dict]:
    path = ASPECTS_PATH.parents[1] / "eval" / "idioms.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_dev_idioms_make_no_general_aspect_and_literal_words_still_do() -> None:
    """eval/idioms.jsonl, dev set (blind-written; the idiom list was extended from it): a figurative
    message may name a symptom, drug or condition outright (a ``named:`` requirement), never a general
    aspect (organs, food, cost, work, driving ...) through its idiom; literal messages keep theirs."""
    rows = [r for r in _idiom_sets() if r["split"] == "dev"]
    lexicon = default_lexicon()

    def general(message: str) -> list[str]:
        names = [r.name for r in lexicon.requirements(message)]
        return [n for n in names if not n.startswith(("answer:", "term:", "named:"))]

    figurative = [r["message"] for r in rows if r["label"] == "figurative"]
    literal = [r["message"] for r in rows if r["label"] == "literal"]
    assert len(figurative) == 45 and len(literal) == 25
    assert [m for m in figurative if general(m)] == []
    missed = [m for m in literal if not general(m)]
    assert len(missed) <= 1, missed  # "can I go straight in to work after" is the one left


@pytest.mark.parametrize(
    ("question", "requirements"),
    [
        # round 5, from blind dev near-misses: things the articles never name
        ("do people build up a tolerance to ketamine so it stops working?", ["named:tolerance"]),
        ("If I stop going to sessions, will I get withdrawal symptoms?", ["named:withdrawal"]),
        ("do they give you anything for nausea before the infusion, like zofran?", ["named:nause", "named:zofran"]),
        ("Does ketamine also grow new connections in the hippocampus?", ["named:hippocamp"]),
        ("would it show up as a lower CRP on my blood test?", ["named:crp"]),
        ("which one works better, the nasal spray or the IV?", ["named:nasal spray", "answer:comparison"]),
        # a quantity asked inside a sentence without "?" or a question word in front
        ("after the first sessions how often do they come back for boosters.. like monthly?", ["answer:frequency"]),
        # people described, not asked about: no requirement
        ("my husband is a veteran with ptsd. can ketamine help?", []),
        ("who is actually giving the ketamine, like a nurse, a psychiatrist, who??", []),
    ],
)
def test_round_5_lexicon_additions(question: str, requirements: list[str]) -> None:
    assert [r.name for r in default_lexicon().requirements(question)] == requirements

"""Abstention: the calibrated threshold, its provenance, and the trade-off arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.abstention import (
    ABSTENTION_PATH,
    ASPECT_PENALTY,
    ASPECTS_PATH,
    FALLBACK_THRESHOLD,
    SIGNAL,
    AbstentionModel,
    AbstentionModelError,
    AspectLexicon,
    AspectLexiconError,
    answerability,
    calibrated_settings,
    candidate_thresholds,
    choose_threshold,
    default_lexicon,
    sentence_cosine,
    trade_off,
)
from qa.aspects import about_subject, asked_part, asked_sentences, corpus_subject
from qa.chunking import Passage
from qa.config import Settings


def test_trade_off_hand_checked() -> None:
    answerable = [0.2, 0.5, 0.8, 0.9]
    unanswerable = [0.1, 0.3, 0.6]
    points = trade_off(answerable, unanswerable, [0.0, 0.4, 0.85, 1.0])
    assert [(p.answered_rate, round(p.abstention_recall, 4)) for p in points] == [
        (1.0, 0.0),
        (0.75, 0.6667),
        (0.25, 1.0),
        (0.0, 1.0),
    ]
    with pytest.raises(ValueError):
        trade_off([], [0.1], [0.5])


def test_candidate_thresholds_are_midpoints_and_both_extremes() -> None:
    assert candidate_thresholds([0.5, 0.1, 0.3, 0.3]) == pytest.approx([0.099, 0.2, 0.4, 0.501])
    assert candidate_thresholds([]) == []


@pytest.mark.parametrize("seed", range(5))
def test_choose_threshold_is_the_highest_keeping_the_answered_rate(seed: int) -> None:
    rng = np.random.default_rng(seed)
    answerable = list(rng.uniform(0.2, 0.9, 40))
    unanswerable = list(rng.uniform(0.0, 0.7, 12))
    t = choose_threshold(answerable, unanswerable, 0.9)
    assert np.mean(np.asarray(answerable) >= t) >= 0.9
    higher = [c for c in candidate_thresholds(answerable + unanswerable) if c > t + 1e-4]
    assert all(np.mean(np.asarray(answerable) >= c) < 0.9 for c in higher)


def test_choose_threshold_never_trades_the_requirement_gate_for_answered_rate() -> None:
    # A fifth of the must-answer questions fail a requirement (signal = cosine - ASPECT_PENALTY): answering
    # 0.95 of them would need a threshold under -1, which would answer every gated question too.
    answerable = [0.5] * 80 + [0.4 - ASPECT_PENALTY] * 20
    unanswerable = [0.3 - ASPECT_PENALTY] * 10
    t = choose_threshold(answerable, unanswerable, 0.95, 0.9)
    assert t == pytest.approx(1.0 - ASPECT_PENALTY)
    assert all(s < t for s in unanswerable)


def test_when_no_threshold_answers_enough_the_cosine_threshold_still_stands() -> None:
    # 7 of 100 must-answer questions fail a requirement, so not even the floor answers 0.95 of them; near-miss
    # unanswerable questions (cosine 0.2) must still be abstained on: the best compromise, not the floor.
    answerable = [0.5] * 93 + [0.4 - ASPECT_PENALTY] * 7
    unanswerable = [0.2] * 10 + [0.3 - ASPECT_PENALTY] * 10
    t = choose_threshold(answerable, unanswerable, 0.95, 0.9)
    assert 0.2 < t < 0.5
    point = trade_off(answerable, unanswerable, [t])[0]
    assert point.answered_rate == pytest.approx(0.93) and point.abstention_recall == 1.0
    # Without a recall target there is nothing to trade: the floor, as before.
    assert choose_threshold(answerable, unanswerable, 0.95) == pytest.approx(1.0 - ASPECT_PENALTY)


def test_shipped_calibration_is_from_the_dev_split() -> None:
    data = json.loads(ABSTENTION_PATH.read_text(encoding="utf-8"))
    model = AbstentionModel.load()
    assert model.signal == data["signal"] == SIGNAL
    assert 0.0 < model.threshold == data["threshold"] < 1.0
    prov = model.provenance
    assert prov["split"] == "dev"
    assert prov["dev_must_answer"] > 0 and prov["dev_unanswerable"] > 0
    # The targets (answer >= 0.95, abstain >= 0.9) are not both reachable on dev since its round-4 patient-voice
    # questions (answered 222 of 234 at best above the requirement gate's floor); the rule's compromise must
    # stay near both, never trade one away (e.g. the floor: recall 0.815). Round 7's known questions cost one dev
    # unanswerable question (0.970 / 0.854 -> 0.970 / 0.846, same threshold; README "Retrieval quality").
    assert prov["dev_answered_rate"] >= 0.94 and prov["dev_abstention_recall"] >= 0.84
    for key in ("command", "date", "commit", "questions", "questions_sha256", "settings"):
        assert prov[key]


def test_missing_file_falls_back_and_bad_files_are_errors(tmp_path: Path) -> None:
    assert AbstentionModel.load(tmp_path / "none.json").threshold == FALLBACK_THRESHOLD
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(AbstentionModelError, match="bad.json"):
        AbstentionModel.load(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"signal": "something_else", "threshold": 0.5}), encoding="utf-8")
    with pytest.raises(AbstentionModelError, match="something_else"):
        AbstentionModel.load(other)


def test_min_score_overrides_the_calibrated_threshold() -> None:
    model = AbstentionModel(threshold=0.5)
    assert model.answers(0.5) and not model.answers(0.49)
    assert model.answers(0.1, min_score=float("-inf"))
    assert not model.answers(0.99, min_score=2.0)


def _passage(text: str, sentences: tuple[tuple[int, int], ...] | None = None) -> Passage:
    return Passage(f"a:0-{len(text)}", "a", 0, len(text), text, "T", "", text, sentences or ((0, len(text)),))


def test_answerability_is_the_best_non_question_sentence() -> None:
    p = _passage("What is it? It is a medication. It helps.", ((0, 11), (12, 31), (32, 41)))
    assert answerability([p], [np.array([0.9, 0.4, 0.6])]) == pytest.approx(0.6)
    assert sentence_cosine([p], [np.array([0.9, 0.4, 0.6])]) == pytest.approx(0.6)
    assert answerability([], []) == -1.0


def test_an_aspect_no_quote_addresses_puts_the_signal_below_every_cosine() -> None:
    generic = _passage("Ketamine therapy is given as an infusion under supervision.")
    priced = _passage("A course of ketamine infusions costs about the same as other specialist care.")
    assert answerability([generic], [np.array([0.7])], "How much does ketamine therapy cost?") == pytest.approx(
        0.7 - ASPECT_PENALTY
    )
    assert 0.7 - ASPECT_PENALTY < -1.0  # below any threshold a cosine could need
    # Answerable as soon as a shown sentence talks about cost; the signal is then that sentence's cosine.
    assert answerability([generic, priced], [np.array([0.7]), np.array([0.5])], "Is it expensive?") == (
        pytest.approx(0.5)
    )
    # No aspect in the question: the cosine alone.
    assert answerability([generic], [np.array([0.7])], "How is it given?") == pytest.approx(0.7)


def test_a_passing_mention_counts_only_with_its_own_sentence_score() -> None:
    """ "Costly" in a sentence about something else does not lift a cost question to the best cosine."""
    p = _passage("Ketamine works within hours. Trying drug after drug is costly and draining.", ((0, 28), (29, 75)))
    assert answerability([p], [np.array([0.8, 0.15])], "is ketamine expensive") == pytest.approx(0.15)
    assert answerability([p], [np.array([0.8, 0.15])], "how fast does ketamine work") == pytest.approx(0.8)
    # A question line naming the aspect ("How much does it cost?") is not an answer to it.
    faq = _passage("How much does it cost? Ketamine works within hours.", ((0, 22), (23, 51)))
    assert answerability([faq], [np.array([0.9, 0.6])], "what does it cost") == pytest.approx(0.6 - ASPECT_PENALTY)


def test_requirements_are_met_inside_one_quote() -> None:
    """Round 18 audit: "how long does nausea last after ketamine" was answered: "nausea" was met by a sentence of
    one quote and the duration ("about 1-2 hours", the session's) by another."""
    side = _passage("Side effects include nausea and dizziness. They are mild.", ((0, 42), (43, 57)))
    session = _passage("The session lasts about 1-2 hours. Patients rest after.", ((0, 34), (35, 55)))
    question = "how long does nausea last after ketamine"
    assert answerability([side, session], [np.array([0.6, 0.3]), np.array([0.5, 0.2])], question) < -1.0
    # Two clauses, each met by a quote of its own (round 18 second audit: such questions were refused).
    two = "how long does a session last and is nausea common?"
    assert answerability([side, session], [np.array([0.6, 0.3]), np.array([0.5, 0.2])], two) == pytest.approx(0.5)
    both = _passage("Nausea may occur. It passes within 2 hours.", ((0, 17), (18, 43)))
    assert answerability([session, both], [np.array([0.5, 0.2]), np.array([0.6, 0.4])], question) == pytest.approx(0.4)


def test_named_substances_are_each_their_own_aspect() -> None:
    lexicon = AspectLexicon.from_dict({"named": {"groups": [["mdma", "ecstasy"], ["esketamine", "spravato"]]}})
    assert lexicon.uncovered("Does MDMA therapy work?", ["Esketamine is a nasal spray."]) == ["named:mdma"]
    assert lexicon.uncovered("is spravato the same thing?", ["Esketamine (Spravato) is a nasal spray."]) == []
    assert lexicon.uncovered("Does ecstasy help?", ["MDMA-assisted therapy is being studied."]) == []


def test_terms_match_whole_words_unless_starred() -> None:
    lexicon = AspectLexicon.from_dict({"aspects": [{"name": "p", "why": "", "terms": ["pregnan*", "age"]}]})
    assert lexicon.uncovered("Is it safe in pregnancy?", []) == ["p"]
    assert lexicon.uncovered("I am PREGNANT", []) == ["p"]
    assert lexicon.uncovered("what agents are used", []) == []  # "age" is a whole word
    assert lexicon.uncovered("what age", ["Patients must be of age 18 or more."]) == []


@pytest.mark.parametrize(
    "question",
    [
        "how fast does ketamine work?",
        "will it kill my sex drive?",
        "does it address trauma?",
        "are the side effects minor?",
        "what is the treatment schedule?",
        "does ketamine work for depression?",
        "how long do the effects last?",
        "is ketamine addictive?",
    ],
)
def test_the_shipped_lexicon_ignores_ordinary_treatment_questions(question: str) -> None:
    """Words that look like an aspect but are about the treatment itself must not demand an aspect quote."""
    assert default_lexicon().mentioned(question) == []


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("what's the price of one session", "cost"),
        ("will my insurer reimburse it", "insurance"),
        ("am I allowed to drive afterwards", "driving"),
        ("I'm pregnant, can I have it", "pregnancy"),
        ("can I have a glass of wine the evening after", "alcohol and recreational substances"),
        ("should I skip breakfast before the infusion", "food and fasting"),
        ("can teenagers get it", "age"),
        ("is it legal in my state", "legality and regulation"),
        ("is there parking", "location"),
        ("does it interact with lithium", "named:lithium"),
    ],
)
def test_the_shipped_lexicon_finds_the_aspects_patients_ask_about(question: str, aspect: str) -> None:
    assert aspect in default_lexicon().uncovered(question, ["Ketamine is an NMDA receptor antagonist."])


def test_the_shipped_lexicon_is_documented_and_well_formed() -> None:
    data = json.loads(ASPECTS_PATH.read_text(encoding="utf-8"))
    names = [a["name"] for a in data["aspects"]]
    assert len(names) == len(set(names))
    assert all(a["why"] and a["terms"] for a in data["aspects"])
    assert data["named"]["why"] and all(data["named"]["groups"])
    assert len(default_lexicon().aspects) == len(names) + len(data["named"]["groups"])


def test_a_broken_lexicon_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "aspects.json"
    bad.write_text('{"aspects": [{"name": "x"}]}', encoding="utf-8")
    with pytest.raises(AspectLexiconError, match="aspects.json"):
        AspectLexicon.load(bad)


def test_choose_threshold_keeps_the_largest_margin_to_both_targets_in_rates() -> None:
    answerable = [0.3, 0.5, 0.6, 0.7, 0.8]
    unanswerable = [-1.5, -1.4, 0.1, 0.2]
    # Feasible (answer >= 4 of 5, abstain on >= 3 of 4): candidates 0.15, 0.25 and 0.4, with margins
    # min(0.2, 0.0), min(0.2, 0.25) and min(0.0, 0.25): 0.25, not the middle of the score interval (0.275).
    assert choose_threshold(answerable, unanswerable, 0.8, 0.75) == pytest.approx(0.25)
    # Targets 1.0 / 1.0: only 0.25 answers all five and abstains on all four.
    assert choose_threshold(answerable, unanswerable, 1.0, 1.0) == pytest.approx(0.25)


def test_when_recall_is_out_of_reach_the_threshold_buys_recall_not_refusals() -> None:
    # Answering >= 0.9 allows thresholds up to 0.15; recall 0.9 is out of reach (a near miss at 0.9). At 0.05
    # and 0.15 recall is the same 0.75: the one answering more (0.05), not the highest, which would refuse a
    # must-answer question for no abstention gained.
    answerable = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    unanswerable = [-1.5, -1.4, 0.0, 0.9]
    t = choose_threshold(answerable, unanswerable, 0.9, 0.9)
    point = trade_off(answerable, unanswerable, [t])[0]
    assert point.abstention_recall == 0.75 and point.answered_rate == 1.0
    assert t == pytest.approx(0.05)


@pytest.mark.parametrize("seed", range(5))
def test_choose_threshold_no_feasible_threshold_has_a_larger_margin(seed: int) -> None:
    rng = np.random.default_rng(seed)
    answerable = list(rng.uniform(0.2, 0.9, 60))
    unanswerable = [*rng.uniform(-1.8, -1.0, 20), *rng.uniform(0.0, 0.4, 5)]  # mostly gated, a few near misses
    t = choose_threshold(answerable, unanswerable, 0.9, 0.8)
    chosen = trade_off(answerable, unanswerable, [t])[0]

    def margin(p) -> float:
        return min(p.answered_rate - 0.9, p.abstention_recall - 0.8)

    assert margin(chosen) >= 0
    assert all(
        margin(p) <= margin(chosen) + 1e-9
        for p in trade_off(answerable, unanswerable, candidate_thresholds(answerable + unanswerable))
    )


def test_off_topic_and_uncovered_aspects_are_abstained_on_end_to_end(pipeline) -> None:
    for question in ("What is the price of a ketamine session at your clinic?", "Is there parking near the clinic?"):
        data = pipeline.ask(question).to_dict()
        assert data["status"] == "no_answer" and data["quotes"] == []
        assert data["answerability"] < -1.0


def test_shipped_calibration_matches_the_shipped_retrieval_settings() -> None:
    """A change of retrieval or chunking defaults changes the quotes: rerun eval/calibrate_abstention.py."""
    recorded = AbstentionModel.load().provenance["settings"]
    current = json.loads(json.dumps(calibrated_settings(Settings())))
    assert recorded == current, "retrieval or chunking defaults changed: rerun eval/calibrate_abstention.py"


def test_a_sentence_ends_before_a_closing_quote() -> None:
    message = 'I\'ve seen esketamine described as "rapid-acting." Is ketamine itself a fast-acting antidepressant?'
    assert asked_part(message) == "Is ketamine itself a fast-acting antidepressant?"


@pytest.mark.parametrize(
    ("message", "parts"),
    [("How long is a session? Does insurance cover it?", ["How long is a session?", "Does insurance cover it?"]),
     ("I read about it. What does it cost? how long does it last", ["What does it cost?", "how long does it last"]),
     ("how fast does it work and can i drive home after", ["how fast does it work", "can i drive home after"]),
     ("I feel sad and how can it help?", []),  # the part before "and" does not ask
     ("is it safe and effective?", []),  # no question word after "and"
     ("How long is a session? I'm nervous.", []),  # one question: nothing to split
     ("payment plans??", []),
     ("Is it safe? ?", [])],
)  # fmt: skip
def test_the_questions_of_a_message_are_its_asking_sentences(message: str, parts: list[str]) -> None:
    assert asked_sentences(message) == parts


def test_a_corpus_subject_is_the_word_most_of_its_titles_name() -> None:
    titles = ["How Does Ketamine Therapy Work?", "Ketamine Therapy Unveiled", "Ketamine: A Promising Treatment",
              "The Science Behind Ketamine Therapy", "What is Ketamine Therapy and How Does It Work?"]  # fmt: skip
    assert corpus_subject(titles, {"how", "does", "what", "the", "and", "work"}) == "ketamine"
    assert corpus_subject(titles[:1]) is None  # one article: nothing is named "by most"
    assert corpus_subject(["Viral shedding in ferrets", "MERS in camels", "Influenza vaccines"]) is None
    assert corpus_subject(["Ketamine", "Ketamine"]) is None  # the same title twice is one article


@pytest.mark.parametrize(
    ("questions", "read"),
    [(["What does it cost", "is it addictive?"], ["What does ketamine cost", "is ketamine addictive?"]),
     (["does ketamine help PTSD?", "how fast does it work?"],
      ["does ketamine help PTSD?", "how fast does ketamine work?"]),
     # After a question naming something else, "it" may be that: left as typed.
     (["How many infusions are in the first round?", "Is it 6 in 2 weeks?"],
      ["How many infusions are in the first round?", "Is it 6 in 2 weeks?"]),
     (["What is KAP?", "Does it include talk therapy?"], ["What is KAP?", "Does it include talk therapy?"]),
     (["Is it expensive?", "is it's effect fast?"], ["Is ketamine expensive?", "is it's effect fast?"]),
     (["is it safe", "does it hurt"], ["is ketamine safe", "does ketamine hurt"])],
)  # fmt: skip
def test_a_question_s_unnamed_it_is_read_as_the_corpus_subject(questions: list[str], read: list[str]) -> None:
    assert about_subject(questions, "ketamine") == read
    assert about_subject(questions, None) == questions


@pytest.mark.parametrize("mash", ["wasd wasd wasd", "kjhkjhkjh"])
def test_a_message_with_no_readable_word_is_not_answered(pipeline, mash: str) -> None:
    """Round 18: keyboard mashes whose noise vector reached a cosine of 0.24 were answered with three quotes."""
    answer = pipeline.ask(mash)
    assert (answer.status, answer.quotes) == ("no_answer", [])
    assert pipeline.ask("ketamin?").status == "answered"  # a misspelt word is read once corrected


def test_never_abstain_means_never_even_for_a_mash(built_settings, embedder) -> None:
    """min_score=-inf (the evaluation's ranking run) quotes whatever was asked: the unreadable-message rule is part
    of abstention, so it yields to the override (round 18: a ranking of the held-out set lost a question to it)."""
    from dataclasses import replace

    from qa.pipeline import Pipeline

    never = Pipeline(replace(built_settings, min_score=float("-inf")), rebuild=False, embedder=embedder)
    assert never.ask("kjhkjhkjh").status == "answered"

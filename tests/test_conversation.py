"""Small talk (qa.conversation): whole-message greetings, thanks, goodbyes, acknowledgements and questions
about the bot get a fixed reply; anything more is a question, and the safety gate always reads first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer import DISCLAIMER, NO_ANSWER_MESSAGE
from qa.conversation import MAX_CHARS, REPLIES, small_talk

SMALL_TALK = {
    "hi": "greeting",
    "Hello there!": "greeting",
    "good morning!": "greeting",
    "hey, how are you?": "greeting",
    "how are you doing today": "greeting",
    "thanks!! thats all i needed": "thanks",
    "Thank you so much 🙏": "thanks",
    "ok thanks": "thanks",
    "that helps, thank you": "thanks",
    "k thx bye": "thanks",
    "I appreciate it": "thanks",
    "bye!": "goodbye",
    "see you tomorrow": "goodbye",
    "have a good day": "goodbye",
    "ok": "acknowledgement",
    "Got it.": "acknowledgement",
    "lol": "acknowledgement",
    "no": "acknowledgement",
    "test": "acknowledgement",
    "are you a real person or a bot?": "about",
    "Is this a robot": "about",
    "who am I talking to?": "about",
    "what kind of stuff can you help me with": "about",
    "what can you do?": "about",
    "Hello, can you help me?": "about",
    "hi are u a bot": "about",
    "👍": "acknowledgement",
    "😊🙏": "acknowledgement",
    "heyyy": "greeting",
    "what are you able to help me with?": "about",
}

QUESTIONS = [
    "hi, what are the side effects?",
    "thanks - how long does it last?",
    "Hey, quick question: does ketamine help PTSD?",
    "hi im new here",
    "yes i have depression",
    "no one understands me",
    "nothing helps",
    "high",
    "hip pain after infusion?",
    "okay so how many sessions do people need",
    "good side effects?",
    "thanks, what should I expect at my first session?",
    "can you help me find out if ketamine is right for me",
    "what can you tell me about esketamine",
    "how are the infusions given?",
    "tell me a joke",
    "what time is it",
    "",
    "?!",
    "👍 what time is my appointment",
    "💊💊💊",  # any emoji but a friendly one keeps the message out of small talk
    "bye 💊💊💊",
    "😢",
    "ok 😢",
    "🔪",
]


@pytest.mark.parametrize(("message", "kind"), SMALL_TALK.items())
def test_whole_message_small_talk_gets_its_kinds_fixed_reply(message: str, kind: str) -> None:
    talk = small_talk(message)
    assert talk is not None and talk.kind == kind
    assert talk.reply == REPLIES[kind]


@pytest.mark.parametrize("message", QUESTIONS)
def test_anything_more_than_small_talk_is_a_question(message: str) -> None:
    assert small_talk(message) is None


def test_replies_are_about_the_bot_never_medical_content() -> None:
    assert set(REPLIES) == {"about", "thanks", "goodbye", "greeting", "acknowledgement"}
    for reply in REPLIES.values():
        assert reply and "ketamine therapy" in reply
        assert not any(w in reply.lower() for w in ("dose", "mg", "safe", "effective", "side effect"))


def test_a_long_run_of_small_talk_is_read_as_a_question() -> None:
    message = " ".join(["thanks"] * (MAX_CHARS // 7 + 1))
    assert len(message) > MAX_CHARS and small_talk(message) is None
    assert small_talk(" ".join(["thanks"] * 3)) is not None


@pytest.mark.parametrize(("message", "kind"), [("hi", "greeting"), ("thanks!", "thanks"), ("are you a bot?", "about")])
def test_pipeline_answers_small_talk_without_quotes_or_retrieval(pipeline, message: str, kind: str) -> None:
    data = pipeline.ask(message).to_dict()
    assert (data["status"], data["intent"], data["route"]) == ("no_answer", kind, "none")
    assert data["message"] == REPLIES[kind] and NO_ANSWER_MESSAGE not in data["message"]
    assert data["quotes"] == [] and data["answerability"] is None
    assert data["disclaimer"] == DISCLAIMER


@pytest.mark.parametrize(
    ("message", "status"),
    [
        ("thanks, but I want to die", "crisis"),  # the gate reads first: never small talk
        ("hi, should I stop taking my antidepressant before ketamine?", "medical_advice"),
        ("hi, how fast does ketamine work?", "answered"),
    ],
)
def test_small_talk_around_a_real_message_does_not_hide_it(pipeline, message: str, status: str) -> None:
    data = pipeline.ask(message).to_dict()
    assert data["status"] == status and data["intent"] == "question"
    if status == "answered":
        assert data["quotes"]


def test_every_other_answer_is_a_question(pipeline) -> None:
    assert pipeline.ask("What are the side effects of ketamine?").to_dict()["intent"] == "question"
    assert pipeline.ask("how much does a session cost?").to_dict()["intent"] == "question"


def _blind_sets() -> list[dict]:
    path = Path(__file__).resolve().parents[1] / "eval" / "smalltalk.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_no_real_message_of_the_blind_sets_is_taken_for_small_talk() -> None:
    """eval/smalltalk.jsonl (three blind-written sets, dev and test): a real question, statement or
    farewell must always reach the gate and retrieval, never get a small-talk reply."""
    rows = _blind_sets()
    real = [r["message"] for r in rows if r["label"] == "question"]
    assert len(real) >= 150 and {r["split"] for r in rows} == {"dev", "test"}
    assert [m for m in real if small_talk(m) is not None] == []


def test_dev_small_talk_is_recognised() -> None:
    chat = [r["message"] for r in _blind_sets() if r["label"] == "small_talk" and r["split"] == "dev"]
    missed = [m for m in chat if small_talk(m) is None]
    assert len(missed) <= 0.05 * len(chat), missed

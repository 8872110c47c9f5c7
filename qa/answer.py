"""The answer a person sees — verbatim quotes with highlights and citations, or a message — and its JSON.

JSON contract (stable; later versions only add fields or status values)::

    {"question": str,
     "status": "answered" | "no_answer" | "crisis" | "medical_advice",
     "message": str,            # shown before any quotes: help, referral, safety note, abstention; "" if none
     "quotes": [{"text": str, "path": str, "start": int, "end": int, "title": str, "score": float,
                 "heading": str, "id": str, "highlights": [[start, end], ...], "author": str, "source": str}],
     "disclaimer": str,         # on every answer, whatever the status
     "route": str,              # safety gate route: "crisis" | "medical_advice" | "safety_info" | "risk_info" | "none"
     "answerability": float | null,   # requirement-gated best question↔quoted-sentence cosine (null: not retrieved)
     "confidence": float | null,      # what the abstention threshold was applied to (null when not retrieved)
     "intent": str,             # "question", the kind of small talk (qa.conversation.REPLIES), or "other_language"
     "check_in": bool}          # the semantic crisis check fired: message starts with the check-in line

``confidence`` (added with issue 4) equals ``answerability`` when the shipped abstention rule is the cosine
threshold, and is the logistic model's probability that the quotes answer (``-1`` when a requirement of
the question is unmet) when ``qa/abstention.json`` ships ``"model": "logistic"`` (see ``qa.abstention``);
``answerability`` keeps its meaning either way.

``intent`` (added after issue 4): small talk (``qa.conversation``) is answered with status ``no_answer``, no
quotes and a fixed friendly ``message``; everything else is ``"question"``. ``"other_language"`` (added in round
13): a message not written in English (``qa.language``) gets status ``no_answer``, no quotes and a fixed ``message``
in English and Spanish that includes the crisis line.

``check_in`` (added with the semantic crisis check, ``qa.crisis_check``): true when a message the gate did not
route to ``crisis`` reads like one to the check; ``message`` then starts with the check-in line (988, 911)
and the rest of the answer is as it would be. Always false for crisis, small-talk and other-language answers.

``"status": "error"`` appears only in ``qa ask --json``'s stdin batch, for a line that cannot be asked (too long,
nothing left after cleaning): ``error`` and ``message`` hold the one-line reason, ``question`` is the line as
typed (an answered one is the cleaned question), ``quotes`` is empty, ``route``, ``answerability``, ``confidence``
and ``intent`` are null and ``check_in`` false, so every line of a batch has an answer's fields (an error line one
more, ``error``). Blank lines are skipped.

``path`` is relative to the corpus directory and ``text == file[start:end]``; quotes are best first
and never repeat each other; each highlight is a sentence inside ``[start, end]`` (file offsets).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from .confidence import Signals
from .highlight import highlight_spans
from .retrieval import Hit

__all__ = [
    "DISCLAIMER",
    "NO_ANSWER_MESSAGE",
    "PART_NOT_FOUND_MESSAGE",
    "Citation",
    "Quote",
    "Answer",
    "compose",
    "make_quote",
]

#: On every answer, whatever its status. The crisis line is in it because the safety gate's phrase rules miss
#: crisis messages worded in ways nobody wrote a rule for (README "Answers and safety": 37 of 60 caught on a
#: blind set), so every answer carries the number, not only the crisis card.
DISCLAIMER = (
    "This is general information quoted from articles, not medical advice. "
    "Talk to your clinician or care team about your own situation. "
    "In an emergency, call 911 or your local emergency number; if you are thinking about harming yourself, "
    "call or text 988 (US Suicide & Crisis Lifeline)."
)
NO_ANSWER_MESSAGE = "I couldn't find this in our articles — please ask your care team."
#: Before the quotes when a message asked several questions and only some are answered (round 24).
PART_NOT_FOUND_MESSAGE = (
    "I couldn't find this part of your question in our articles: {part} — please ask your care team."
)


@dataclass(frozen=True)
class Citation:
    """Who wrote an article and where it was published (from its front matter; "" when not named)."""

    author: str = ""
    source: str = ""


@dataclass(frozen=True)
class Quote:
    text: str
    path: str
    start: int
    end: int
    title: str
    score: float
    heading: str = ""
    id: str = ""
    #: [start, end] file offsets of the sentence(s) that best answer the question, inside the quote.
    highlights: tuple[tuple[int, int], ...] = ()
    author: str = ""
    source: str = ""


@dataclass
class Answer:
    question: str
    status: str
    quotes: list[Quote] = field(default_factory=list)
    disclaimer: str = DISCLAIMER
    message: str = ""
    #: The safety gate's route ("none" when no rule fired; "" when the gate did not run); "crisis" also when the
    #: semantic crisis check was sure enough to card the message (round 19, ``qa.crisis_check``).
    route: str = ""
    #: The abstention signal (best question↔quoted-sentence cosine); None when nothing was retrieved.
    answerability: float | None = None
    #: The score the abstention threshold applied to (``answerability``, or the logistic probability).
    confidence: float | None = None
    #: "question", or the kind of small talk the message was (qa.conversation.REPLIES).
    intent: str = "question"
    #: Whether the semantic crisis check fired (``qa.crisis_check``): ``message`` then starts with the check-in line.
    check_in: bool = False
    #: Every signal read for the abstention decision (not serialised; for calibration and debugging).
    signals: Signals | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "status": self.status,
            "message": self.message,
            "quotes": [{**asdict(q), "highlights": [list(h) for h in q.highlights]} for q in self.quotes],
            "disclaimer": self.disclaimer,
            "route": self.route,
            "answerability": self.answerability,
            "confidence": self.confidence,
            "intent": self.intent,
            "check_in": self.check_in,
        }


def make_quote(hit: Hit, highlights: tuple[tuple[int, int], ...] = (), citation: Citation | None = None) -> Quote:
    p = hit.passage
    citation = citation or Citation()
    return Quote(
        text=p.text,
        path=p.path,
        start=p.start,
        end=p.end,
        title=p.title,
        score=round(float(hit.score), 4),
        heading=p.heading,
        id=p.id,
        highlights=highlights,
        author=citation.author,
        source=citation.source,
    )


def compose(
    question: str,
    hits: Sequence[Hit],
    sentence_scores: Sequence[np.ndarray] | None = None,
    *,
    status: str = "answered",
    message: str = "",
    route: str = "",
    answerability: float | None = None,
    confidence: float | None = None,
    signals: Signals | None = None,
    citations: Mapping[str, Citation] | None = None,
    check_in: bool = False,
) -> Answer:
    """An answer quoting ``hits`` (already chosen: distinct, best first), each with its highlights.

    ``sentence_scores[i]`` holds the question↔sentence cosines of ``hits[i]``'s passage; without
    them quotes carry no highlights. ``citations`` maps a corpus path to its author/source.
    """
    citations = citations or {}
    quotes = []
    for i, hit in enumerate(hits):
        spans = highlight_spans(hit.passage, sentence_scores[i]) if sentence_scores is not None else ()
        quotes.append(make_quote(hit, spans, citations.get(hit.passage.path)))
    return Answer(
        question=question,
        status=status,
        quotes=quotes,
        message=message,
        route=route,
        answerability=answerability,
        confidence=confidence,
        signals=signals,
        check_in=check_in,
    )

"""Turning retrieved passages into the answer a person sees, and its JSON form.

JSON contract (stable; later versions only add fields or status values)::

    {"question": str,
     "status": "answered" | "no_answer",
     "quotes": [{"text": str, "path": str, "start": int, "end": int, "title": str, "score": float}],
     "disclaimer": str}

``path`` is relative to the corpus directory and ``text == file[start:end]``; quotes are best first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .retrieval import Hit

__all__ = ["DISCLAIMER", "NO_ANSWER_MESSAGE", "Quote", "Answer", "compose"]

DISCLAIMER = (
    "This is general information quoted from articles, not medical advice. "
    "Talk to your clinician or care team about your own situation. "
    "In an emergency, call 911 or your local emergency number."
)
NO_ANSWER_MESSAGE = "I couldn't find this in our articles — please ask your care team."


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


@dataclass
class Answer:
    question: str
    status: str
    quotes: list[Quote] = field(default_factory=list)
    disclaimer: str = DISCLAIMER
    message: str = ""

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "status": self.status,
            "message": self.message,
            "quotes": [asdict(q) for q in self.quotes],
            "disclaimer": self.disclaimer,
        }


def _quote(hit: Hit) -> Quote:
    p = hit.passage
    return Quote(
        text=p.text,
        path=p.path,
        start=p.start,
        end=p.end,
        title=p.title,
        score=round(hit.score, 4),
        heading=p.heading,
        id=p.id,
    )


def compose(question: str, hits: list[Hit], *, top_k: int, min_score: float) -> Answer:
    """Quote the best ``top_k`` hits, or abstain when even the best one scores below ``min_score``."""
    if not hits or hits[0].score < min_score:
        return Answer(question=question, status="no_answer", message=NO_ANSWER_MESSAGE)
    return Answer(question=question, status="answered", quotes=[_quote(h) for h in hits[:top_k]])

"""Small talk: a message that is *only* a greeting, thanks, a goodbye, an acknowledgement or a question
about the bot itself gets a fixed, friendly reply instead of quotes.

Without this, "good morning!" or "what can you do?" reached retrieval like any question and could be
answered with a loosely related quote, and "hi" got the no-answer message ("I couldn't find this in our
articles") and landed in the staff's list of unanswered questions.

Only a whole message made of such phrases counts ("ok thanks", "hi there, how are you?", "are you a
real person or a bot?"); anything more ("hi, what are the side effects?", "thanks — how long does it
last?") is a question and goes through retrieval as before. The safety gate reads every message first
(:class:`qa.safety.SafetyGate`), so "thanks, but I want to die" is a crisis, never small talk; a
message the gate routes anywhere but ``none`` is never small talk either. The replies are fixed
text about the bot, never medical content; the pipeline still attaches the disclaimer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["REPLIES", "SmallTalk", "small_talk"]

#: The fixed reply per kind of small talk.
REPLIES: dict[str, str] = {
    "about": (
        "I'm an automated assistant, not a person. I answer questions about ketamine therapy only with "
        "quotes from the clinic's articles, and I can't give personal medical advice: for that, please "
        "talk to your care team."
    ),
    "thanks": "You're welcome. If anything else comes up about ketamine therapy, just ask.",
    "goodbye": "Take care. You can come back with a question about ketamine therapy any time.",
    "greeting": (
        "Hello! I answer questions about ketamine therapy with quotes from the clinic's articles. "
        "What would you like to know?"
    ),
    "acknowledgement": (
        "If you have a question about ketamine therapy, ask it here and I'll look for the answer in "
        "the clinic's articles."
    ),
}

_BOT = r"(?:a |an )?(?:real |actual )?(?:person|human|bot|robot|chatbot|ai|machine|computer)"
#: Phrases per kind, matched on the normalised message (see :func:`_normalise`). The reply is that of
#: the first kind in :data:`REPLIES` order among the message's phrases ("ok thanks" → thanks).
_PHRASES: dict[str, str] = {
    "about": (
        rf"(?:are|r) (?:you|u) {_BOT}(?: or {_BOT})?|is this {_BOT}(?: or {_BOT})?"
        r"|who are you|what are you|who am i (?:talking|speaking|chatting) (?:to|with)"
        r"|what (?:kind of |sort of )?(?:stuff |things |questions )?can (?:you|u) (?:help (?:me )?with|do|answer)"
        r"|what do you do|(?:can|could) (?:you|u) help(?: me)?(?: please)?|are you there"
    ),
    "thanks": (
        r"(?:thanks|thank you|thank u|thankyou|thx|ty|tysm|cheers|many thanks)"
        r"(?: (?:so|very) much| a lot| a bunch| again| for (?:the|your) help| for helping)?"
        r"|(?:i )?(?:really )?appreciate (?:it|that|this|you|the help)"
        r"|(?:that|this) (?:helps|helped|was helpful|is helpful)"
        r"|(?:thats|that is|that was) (?:all|everything|what) i needed"
    ),
    "goodbye": (
        r"(?:bye|goodbye|bye bye|good bye|see (?:you|ya|u)(?: later| tomorrow| soon)?|good night|goodnight"
        r"|take care|talk (?:to you )?(?:soon|later)|have a (?:good|nice|great) (?:day|night|one|weekend))"
    ),
    "greeting": (
        r"(?:hi|hello|hey|hiya|howdy|heya|greetings|good (?:morning|afternoon|evening|day))"
        r"(?: there| again| everyone| all)?"
        r"|how are (?:you|u)(?: doing)?(?: today)?|how(?:s| is) it going|whats up|sup"
    ),
    "acknowledgement": (
        r"(?:ok|okay|okey|k|kk|alright|all right|cool|great|nice|awesome|perfect|got it|understood|i see"
        r"|sure|yes|yeah|yep|no|nope|lol|haha|hmm|good|fine|test|testing)"
    ),
}
_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
#: Longest message read as small talk, in characters after normalising (longer: always a question).
MAX_CHARS = 80


@dataclass(frozen=True)
class SmallTalk:
    """What kind of small talk a message is (a key of :data:`REPLIES`) and its reply."""

    kind: str
    reply: str


def small_talk(message: str) -> SmallTalk | None:
    """The message's small talk, or None when it is (or contains) anything else."""
    text = _normalise(message)
    if not text or len(text) > MAX_CHARS:
        return None
    kinds: set[str] = set()
    position = 0
    while position < len(text):
        match = _longest(text, position)
        if match is None:
            return None
        kind, end = match
        kinds.add(kind)
        position = end + 1  # past the separating space
    kind = next(k for k in REPLIES if k in kinds)
    return SmallTalk(kind, REPLIES[kind])


def _longest(text: str, position: int) -> tuple[str, int] | None:
    """The kind and end of the longest phrase starting at ``position`` and ending at a word boundary."""
    best: tuple[str, int] | None = None
    for kind, pattern in _COMPILED.items():
        match = pattern.match(text, position)
        if match and (best is None or match.end() > best[1]):
            best = (kind, match.end())
    return best


def _normalise(message: str) -> str:
    """Lower case, apostrophes dropped ("that's" → "thats"), other punctuation and emoji as spaces."""
    text = _APOSTROPHES.sub("", message.lower())
    return " ".join(_NOT_WORD.sub(" ", text).split())


# One anchored pattern per kind, each required to end at a space or the end of the message, so "no"
# never matches the start of "nothing" and "hi" never the start of "high".
_COMPILED = {kind: re.compile(f"(?:{pattern})(?= |$)") for kind, pattern in _PHRASES.items()}

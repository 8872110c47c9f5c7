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

_BOT = (
    r"(?:a |an )?(?:real |actual |live )?"
    r"(?:person|human|human being|bot|robot|chatbot|ai|machine|computer|chatgpt|gpt|virtual assistant)"
)
_YOU = r"(?:you|u|ya)"
_KIND = r"(?:kinds? of |sorts? of )?(?:stuff |things |questions )?"
#: Phrases per kind, matched on the normalised message (see :func:`_normalise`). The reply is that of
#: the first kind in :data:`REPLIES` order among the message's phrases ("ok thanks" → thanks).
_PHRASES: dict[str, str] = {
    "about": (
        rf"(?:are|r) {_YOU} {_BOT}(?: or {_BOT})?|is this {_BOT}(?: or {_BOT})?"
        rf"|am i (?:talking|speaking|chatting) (?:to|with) {_BOT}(?: or {_BOT})?"
        rf"|like {_BOT}|who are you|what are you|who am i (?:talking|speaking|chatting) (?:to|with)"
        rf"|what {_KIND}(?:can|could) {_YOU} (?:help (?:me )?with|do|answer)"
        rf"|what {_KIND}(?:are|r) {_YOU} able to (?:help (?:me )?with|do|answer)"
        rf"|what {_KIND}{_YOU} (?:are|r) able to (?:help (?:me )?with|do|answer)"
        rf"|what {_KIND}(?:can|could|should) i ask(?: you| u)?(?: about)?"
        rf"|what do {_YOU} do|(?:can|could) {_YOU} help(?: me)?(?: please)?"
        rf"|(?:are {_YOU}|(?:is )?(?:any|some)(?:one|body)) (?:still )?there"
        r"|how does this (?:chat|chatbot|chat bot|bot|assistant|chat thing|thing|service) work"
    ),
    "thanks": (
        r"(?:thanks|thank you|thank u|thankyou|thanx|thnx|thx|ty|tysm|ta|cheers|many thanks"
        r"|much appreciated|appreciated)"
        r"(?: (?:so|very) much| sm| a lot| a bunch| a million| heaps| kindly| again"
        r"| for (?:the|your) (?:quick |fast |kind )?(?:help|reply|response|answers?|assistance|patience|time)"
        r"| for helping)?"
        r"|(?:i )?(?:really )?appreciate (?:it|that|this|you|the help)"
        r"|(?:that|this) (?:helps|helped)|(?:that|this|thats) (?:was |is )?(?:very |really |so |super )?helpful"
        r"|(?:youve|you have) been (?:very |really |so )?(?:great|helpful|a (?:great|big) help)"
        rf"|{_YOU}(?:re| are|r) (?:so |very |pretty |really )?(?:smart|helpful|great|amazing|awesome|kind|clever)"
        rf"(?: for {_BOT})?"
        r"|(?:thats|that is|that was) (?:all|everything|what) i needed"
    ),
    "goodbye": (
        r"(?:bye|goodbye|bye bye|good bye|byee|cya|see (?:you|ya|u)|good night|goodnight|night night|nite"
        r"|take care|talk (?:to you )?(?:soon|later)|ttyl|catch you later|until next time"
        r"|have a (?:good|nice|great|lovely) (?:day|night|one|weekend|evening)"
        r"|(?:i )?(?:gotta|got to|have to|need to) (?:go|run))(?: for now| later| tomorrow| soon)?"
    ),
    "greeting": (
        r"(?:hi|hello|helo|hallo|hullo|hey|hiya|howdy|heya|yo|greetings|good (?:morning|afternoon|evening|day)"
        r"|morning|afternoon|evening)(?: there| again| everyone| all)?"
        rf"|how (?:are|r) {_YOU}(?: doing)?(?: today)?|how(?:s| is) it going|whats up|sup|hows your day(?: going)?"
        rf"|(?:are )?{_YOU} doing (?:ok|okay|alright|all right|well|good)(?: today)?|how have you been"
        r"|(?:nice|pleased|good|lovely) to meet you"
        rf"|(?:i )?hope {_YOU}(?:re| are|r)? (?:having )?(?:a )?(?:good|great|lovely|nice) (?:day|morning|evening|one)"
        rf"|(?:i )?hope {_YOU}(?:re| are|r) (?:well|doing well|ok|okay)|(?:i )?hope all is well"
        r"|good day to you|dear sir or madam"
    ),
    "acknowledgement": (
        r"(?:ok|okay|okey|okie|k|kk|alright|all right|cool|great|nice|awesome|perfect|got it|understood|i see"
        r"|sure|yes|yeah|yep|no|nope|lol|haha|hehe|hmm|good|fine|test|testing|sounds good|makes sense"
        r"|fair enough|noted|no worries|no problem|np|all good|good to know|thats (?:great|good|nice|helpful)"
        r"|wow|interesting|right|gotcha|okie dokie|okey dokey|never mind|nevermind|nvm|sorry|oops|my bad"
        r"|(?:please )?ignore (?:that|this|me)|wrong button|sent (?:that )?by mistake"
        r"|(?:just )?testing(?: to see if (?:this|it) works)?)"
    ),
    # Words that only soften a phrase ("oh nice", "cheers mate"): allowed around small talk, never alone.
    "filler": (
        r"oh|ah|ahh|um|uh|well|so|mate|buddy|pal|friend|dear|guys|folks|again|then|now|for now|just|really"
        r"|exactly|actually|please|kindly|and"
    ),
}
_APOSTROPHES = re.compile(r"['’`]")
_NOT_WORD = re.compile(r"[^a-z0-9 ]+")
#: Only friendly emoji (thumbs up, ok, thanks hands, smiles, wave, heart, clapping), their skin-tone and
#: variation modifiers and spaces; any other emoji ("💊💊💊", "😢", "🔪") is not small talk.
_FRIENDLY = re.compile("[👍👌🙏😊🙂😀😃😄😁☺❤👋✅💯🙌👏🤗😉\u200d\ufe0f\U0001f3fb-\U0001f3ff]")
_OTHER_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf]")
_EMOJI_ONLY = re.compile(f"(?:\\s|{_FRIENDLY.pattern})+")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
#: Longest message read as small talk, in characters after normalising (longer: always a question).
MAX_CHARS = 80


@dataclass(frozen=True)
class SmallTalk:
    """What kind of small talk a message is (a key of :data:`REPLIES`) and its reply."""

    kind: str
    reply: str


def small_talk(message: str) -> SmallTalk | None:
    """The message's small talk, or None when it is (or contains) anything else.

    The message must split, at spaces, into phrases each of which is one whole phrase of
    :data:`_PHRASES` (any split will do: "what are you able to help me with" is one phrase, not "what
    are you" and a leftover), and at least one of them must be more than a filler word.
    """
    if _OTHER_EMOJI.search(_FRIENDLY.sub("", message)):  # "bye 💊💊💊" is not a goodbye to wave off
        return None
    text = _normalise(message)
    if not text and _EMOJI_ONLY.fullmatch(message.strip()):  # "👍", "😊🙏"
        return SmallTalk("acknowledgement", REPLIES["acknowledgement"])
    if not text or len(text) > MAX_CHARS:
        return None
    ends = [i for i, c in enumerate(text) if c == " "] + [len(text)]
    # kinds[i]: the kinds of small talk on the ways to parse text[:i] whole (absent: no way)
    kinds: dict[int, frozenset[str]] = {0: frozenset()}
    for start in [0] + [end + 1 for end in ends[:-1]]:
        if start not in kinds:
            continue
        for end in ends:
            if end <= start:
                continue
            for kind, pattern in _COMPILED.items():
                if pattern.fullmatch(text, start, end):
                    after = min(end + 1, len(text))
                    kinds[after] = kinds.get(after, frozenset()) | kinds[start] | {kind}
    found = kinds.get(len(text), frozenset())
    kind = next((k for k in REPLIES if k in found), None)  # None: no parse, or filler words alone ("oh")
    return SmallTalk(kind, REPLIES[kind]) if kind else None


def _normalise(message: str) -> str:
    """Lower case, apostrophes dropped ("that's" → "thats"), other punctuation and emoji as spaces, a letter
    repeated three times or more written once ("heyyy" → "hey", "thanksss" → "thanks")."""
    text = _ELONGATED.sub(r"\1", _APOSTROPHES.sub("", message.lower()))
    return " ".join(_NOT_WORD.sub(" ", text).split())


# One pattern per kind, matched against whole words only (``fullmatch`` between spaces), so "no" never
# matches the start of "nothing" and "hi" never the start of "high".
_COMPILED = {kind: re.compile(f"(?:{pattern})") for kind, pattern in _PHRASES.items()}

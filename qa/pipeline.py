"""The one object that answers questions, shared by the CLI, the app and the evaluation."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterator
from itertools import zip_longest
from typing import NamedTuple

import numpy as np

from .abstention import AbstentionModel, assess
from .answer import NO_ANSWER_MESSAGE, PART_NOT_FOUND_MESSAGE, Answer, Citation, compose
from .aspects import about_subject, asked_sentences, corpus_subject, default_lexicon
from .confidence import SignalReader, Signals
from .config import MAX_TOP_K, Settings, load_settings
from .conversation import small_talk
from .corpus import corpus_files, load_corpus
from .crisis_check import CrisisCheck
from .embedding import Embedder
from .errors import CorpusError, InvalidQuestion, QAError
from .highlight import SentenceIndex, distinct
from .language import REPLY as LANGUAGE_REPLY
from .language import other_language
from .lexical import stop_words
from .retrieval import Hit, make_retriever
from .safety import EMOJI_WORDS, HTML_TAG, SafetyDecision, SafetyGate
from .store import IndexData, current_generation, open_index

__all__ = ["Pipeline", "clean_question", "question_lines"]

logger = logging.getLogger(__name__)


#: What clean_question makes of a character by its Unicode category (others are kept).
_VISIBLE = {"Cc": " ", "Zl": " ", "Zp": " ", "Cf": "", "Cs": ""}
#: Full-width ASCII (U+FF01-U+FF5E, typed by East Asian keyboards) and the ideographic space, read as ASCII.
_FULL_WIDTH = {**{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


#: How many times the question limit the safety gate reads of an over-long message (its start and end halves beyond
#: that); the app's question box takes this much too (app.PASTE_FACTOR).
READ_FACTOR = 20
_LETTER_RUN = re.compile(r"[^\W\d_]{2,}")


def clean_question(text: object, max_chars: int) -> str:
    """The question with control characters removed and whitespace collapsed.

    Control characters (tabs, line breaks, escapes) and line or paragraph separators become spaces; invisible
    format characters (zero-width space and joiner, soft hyphen, direction marks, a BOM) and the lone surrogates
    that undecodable bytes become (a non-UTF-8 terminal or pipe) are deleted: they sit inside words ("d\u200bie",
    "ke\u00adtamine"), so a space would split the word and hide it from the safety gate and the ranker. Full-width
    ASCII letters, digits and signs ("ｓｉｄｅ ｅｆｆｅｃｔｓ？", from East Asian keyboards) become plain ASCII: the
    ranker and the language check read them as another script (round 16 audit: such a question was answered "in
    another language" or not at all).

    Raises :class:`InvalidQuestion` (one line, naming the limit) when it is not text, is empty once
    cleaned, is nothing but HTML tags, or is longer than ``max_chars`` characters. Tags around text are
    text like any other ("<p>how long is a session?</p>" is answered). Long questions are refused, not truncated,
    so nothing the person wrote is silently dropped.
    """
    if text is None:  # a raw API call without its question (round 17 audit: "not NoneType" was Python's word)
        text = ""
    if not isinstance(text, str):
        raise InvalidQuestion(f"The question must be text, not {type(text).__name__}")
    if len(text) > max_chars:
        raise InvalidQuestion(f"The question is {len(text):,} characters long; the maximum is {max_chars:,}")
    cleaned = " ".join(_visible(text).split())
    if not cleaned:
        raise InvalidQuestion("The question is empty: type a question about ketamine therapy")
    if not HTML_TAG.sub("", cleaned).strip():  # "<img src=x onerror=…>" got the other-language reply (round 25 audit)
        raise InvalidQuestion("The question is only HTML markup: type a question about ketamine therapy")
    return cleaned


def question_lines(text: str) -> str:
    """``text`` cleaned as :func:`clean_question` cleans it, but with its lines kept (blank ones dropped): how the app
    shows a pasted message back ("You asked"), where the answer's ``question`` is one line (round 17 audit)."""
    lines = (" ".join(_visible(line).split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _visible(text: str) -> str:
    return "".join(_VISIBLE.get(unicodedata.category(ch), ch) for ch in text.translate(_FULL_WIDTH))


#: How often, at most, a running pipeline looks for an edited corpus or a new index generation (Pipeline.refresh).
RELOAD_CHECK_SECONDS = 2.0
#: After a reload failed, how long before the same corpus and index are tried again (a change is tried at once).
RELOAD_RETRY_SECONDS = 30.0


class _Readers:
    """Many answers at once, or one reload alone: a reload waits for the answers in flight and holds new ones back,
    so no answer mixes the old index with the new. A thread already reading may read again (``ask`` calls
    ``vectors``)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._writing = False
        self._mine = threading.local()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        depth = getattr(self._mine, "depth", 0)
        if not depth:
            with self._cond:
                while self._writing:
                    self._cond.wait()
                self._active += 1
        self._mine.depth = depth + 1
        try:
            yield
        finally:
            self._mine.depth = depth
            if not depth:
                with self._cond:
                    self._active -= 1
                    self._cond.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._writing = True
            while self._active:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class Pipeline:
    """Settings + verified index + retriever + answer composition.

    The index is opened at construction (built first if missing, stale or corrupt, unless
    ``rebuild=False``), and the model loaded once. The abstention signals of
    :mod:`qa.confidence` (``Answer.signals``) are read only when the shipped decision needs them (the
    logistic rule) or ``read_signals`` asks for them (the calibration script): the threshold rule reads
    the requirement-gated cosine alone, and the rest would be per-question work for nothing.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        rebuild: bool = True,
        embedder: Embedder | None = None,
        read_signals: bool = False,
        crisis_check: bool = True,
    ) -> None:
        self.settings = settings or load_settings()
        self.read_signals = read_signals
        self._embedder = embedder
        self._rebuild = rebuild
        self._readers = _Readers()
        self._reload_lock = threading.Lock()
        self._next_check = time.monotonic() + RELOAD_CHECK_SECONDS
        #: What the corpus and index looked like when a reload last failed (None: the last one worked), and when to
        #: try that again. While it failed, quotes from articles changed since the load are left out (see ask).
        self._failed: tuple | None = None
        self._retry_at = 0.0
        self._load()
        self.gate = SafetyGate()
        # Off only for eval/train_crisis_check.py, which embeds its training messages before weights exist.
        self.crisis_check = CrisisCheck.load(self.settings.model, self._get_embedder().dim) if crisis_check else None
        self.abstention = AbstentionModel.load()

    def _corpus_stats(self) -> tuple:
        """Each article file's path, size and modification time: a cheap sign that the corpus changed."""
        try:
            files = corpus_files(self.settings.corpus_dir, warn=False)
        except (OSError, QAError):
            return ()
        stats = []
        for path in files:
            try:
                st = path.stat()
                stats.append((path.as_posix(), st.st_size, st.st_mtime_ns))
            except OSError:
                stats.append((path.as_posix(), -1, -1))
        return tuple(stats)

    def _load(self) -> None:
        """Open the index (built first if missing, stale or corrupt and rebuilding is on) and what is made from it;
        the new parts replace the old only once all are made."""
        files = self._corpus_stats()  # before the build: an edit made while it runs is seen at the next check
        index = open_index(self.settings, self._get_embedder, rebuild=self._rebuild)
        embedder = self._get_embedder()
        retriever = make_retriever(self.settings, index, embedder)
        signals, sentences = SignalReader(index), SentenceIndex.for_index(index, embedder)
        citations = _citations(self.settings)
        self.index: IndexData = index
        self.retriever, self.signals, self.sentences, self.citations = retriever, signals, sentences, citations
        #: What the articles are about ("ketamine"; None for a corpus without one), for a part's subject "it".
        self.subject = corpus_subject([p.title for p in index.passages], stop_words())
        self._loaded = (files, current_generation(self.settings.index_dir))

    def refresh(self) -> bool:
        """Reload when an article was added, edited or removed, or ``qa build`` made a new index generation, since
        the last load (looked at most every ``RELOAD_CHECK_SECONDS``; ``ask`` and ``search`` call it first). A
        running app served the old text after an edit — quotes no longer matched the file (round 16 audit). The
        reload waits for the answers in flight and holds new ones until it is done (a rebuild, if the index is
        stale, takes seconds for the clinic's corpus). If it fails the old index keeps serving, with a warning.
        True when it reloaded."""
        if time.monotonic() < self._next_check:
            return False
        with self._reload_lock:
            if time.monotonic() < self._next_check:
                return False
            seen = (self._corpus_stats(), current_generation(self.settings.index_dir))
            self._next_check = time.monotonic() + RELOAD_CHECK_SECONDS
            if seen == self._loaded:
                self._failed = None  # put back as it was: nothing to reload
                return False
            if seen == self._failed and time.monotonic() < self._retry_at:
                return False
            logger.info("The corpus or the index changed; reloading")
            try:
                with self._readers.writing():
                    self._load()
            except (QAError, OSError, ValueError, RuntimeError) as exc:  # a half-written file, a full disk, ...
                # Tried again in RELOAD_RETRY_SECONDS, or at once when something changes (round 17 audit: it was
                # never tried again, and text removed from an article was quoted until the app restarted).
                self._failed, self._retry_at = seen, time.monotonic() + RELOAD_RETRY_SECONDS
                logger.warning(
                    "Could not reload (trying again in %.0f s): %s. Still serving the index loaded before, without "
                    "quotes from the articles changed since",
                    RELOAD_RETRY_SECONDS,
                    exc,
                )
                return False
            self._failed = None
            return True

    def _current(self, path: str, start: int, end: int, text: str, files: dict[str, str | None]) -> bool:
        """Whether ``text`` is still the article's text at [start, end) (``files``: articles read so far)."""
        if path not in files:
            try:
                files[path] = (self.settings.corpus_dir / path).read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                files[path] = None
        current = files[path]
        return current is not None and current[start:end] == text

    def _without_changed(self, answer: Answer) -> Answer:
        """``answer`` without the quotes whose article changed since the index was loaded: only while a reload has
        failed (the JSON contract's text == file[start:end] must hold, and a sentence removed from an article must
        not go on being quoted). An answer left with no quote says it found none."""
        files: dict[str, str | None] = {}
        kept = [q for q in answer.quotes if self._current(q.path, q.start, q.end, q.text, files)]
        if len(kept) == len(answer.quotes):
            return answer
        logger.info(
            "Answer: %d quote(s) left out: their article changed and the reload failed", len(answer.quotes) - len(kept)
        )
        if kept or answer.status != "answered":
            return dataclasses.replace(answer, quotes=kept)
        message = "\n\n".join(m for m in (answer.message, NO_ANSWER_MESSAGE) if m)
        return dataclasses.replace(answer, status="no_answer", quotes=[], message=message)

    def _get_embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(
                self.settings.model, batch_size=self.settings.batch_size, backend=self.settings.backend
            )
        return self._embedder

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        """Ranked passages for a (validated) question: what staff look-up and evaluation use."""
        question = clean_question(question, self.settings.max_question_chars)
        self.refresh()
        with self._readers.reading():
            hits = self.retriever.search(question, k or self.settings.candidates)
            if self._failed is None:
                return hits
            files: dict[str, str | None] = {}
            fresh = [
                h for h in hits if self._current(h.passage.path, h.passage.start, h.passage.end, h.passage.text, files)
            ]
            return [dataclasses.replace(h, rank=n) for n, h in enumerate(fresh, 1)]

    def vectors(self, messages: list[str]) -> np.ndarray:
        """Each message's vector as :meth:`ask` computes it for the semantic crisis check (cleaned, spelling corrected
        with its shorthand as typed, embedded): what the check reads, for its training script too."""
        with self._readers.reading():
            searched = [self.retriever.correct(clean_question(m, len(m)), shorthand=False) for m in messages]
        return self._get_embedder().encode(searched)

    def _readable(self, text: str) -> bool:
        """Whether a message holds anything the semantic check can read: a word of two or more letters that the
        articles or an English word list know, a letter of another script, or an emoji the safety gate reads as a
        word (``qa.safety.EMOJI_WORDS``). Keyboard mashing, "#", "????" and "aaaa…" hold none: the model's vector for
        them is noise, and they got the check-in line (round 14 audit). With spelling correction off (no word
        lists) every message counts as readable."""
        speller = getattr(self.retriever, "speller", None)
        if speller is None or any(c in EMOJI_WORDS for c in text):
            return True
        words = _LETTER_RUN.findall(text.casefold())
        return any(not w.isascii() or w in speller.counts or w in speller.english for w in words)

    def _checks_in(self, text: str, vector: np.ndarray) -> bool:
        """Whether the semantic crisis check fires on a message (``vector``: its embedding) or, for a message
        of several sentences, on one of them (embedded only then, as :meth:`vectors` does)."""
        check = self.crisis_check
        if check is None or not self._readable(text):
            return False
        if check.fires(vector):
            return True
        sentences = check.sentences(text)
        return bool(sentences) and check.fires_on_sentences(self.vectors(sentences))

    def _cards(self, text: str, vector: np.ndarray) -> bool:
        """Whether the semantic crisis check is sure enough of a message to give it the crisis card (round 19)."""
        check = self.crisis_check
        return check is not None and check.cards(text, vector) and self._readable(text)

    def _check_card(self, question: str) -> Answer:
        """The crisis card for a message the check is sure of and the rules missed: the crisis lines, then the line
        for an emergency of the body (the check cannot tell a suicidal message from a child who swallowed pills)."""
        logger.info("Answer: status=crisis rules=crisis_check")
        parts = (self.gate.messages.get("crisis", ""), self.gate.messages.get("medical_emergency", ""))
        return Answer(question=question, status="crisis", message="\n".join(m for m in parts if m), route="crisis")

    def ask(self, question: str, k: int | None = None) -> Answer:
        """The full answer for a person: gate → retrieve → compose (see the README, "Answers and safety").

        1. The safety gate reads the question first: a crisis gets help and nothing else (no retrieval,
           no quotes); a personal medical question gets the referral message first.
        1b. A message that is only small talk ("hi", "thanks!", "are you a bot?"; ``qa.conversation``) and
           that the gate routed nowhere gets a fixed friendly reply: status ``no_answer``, no quotes. So does a
           message not in English (``qa.language``: intent ``other_language``, the reply gives the crisis line),
           once the question is embedded and the check below has not carded it (round 23: before, such a message
           skipped the check's card).
        2. Retrieval, then the best ``k`` distinct passages (overlapping or near-identical ones dropped).
        3. Abstention: when no quoted sentence is close enough to the question (``qa.abstention``), the
           answer is ``no_answer`` with no quotes; otherwise each quote carries its highlighted sentence(s)
           and citation. A question on a crisis topic (route ``safety_info``: suicide, self-harm, overdose) is
           answered normally with the crisis-line note as message; other risk questions (``risk_info``: side
           effects, misuse, "is it safe?") are answered normally with no message. A message of several questions
           that finds nothing as a whole has each asked on its own (round 24, :meth:`_find_parts`): the answered ones
           are quoted, and the message names the others.
        4. The semantic crisis check (``qa.crisis_check``) reads the question's vector, and each sentence's of a
           message of three sentences or more: when it fires, the message starts with the check-in line (988,
           911) and ``check_in`` is true; the answer is unchanged. When the message's own vector reaches the
           check's far higher ``card_threshold`` (round 19), the answer is the crisis card instead, as for a rule
           (status and route ``crisis``; checked before retrieval, right after the question is embedded).

        A message over the length limit is refused (:class:`InvalidQuestion`) unless the gate routes it to
        ``crisis`` or the check cards its start; when the check only fires on it, the one-line refusal ends with
        the check-in line.

        Every answer carries the disclaimer. Nothing the person wrote is logged, only status and rule ids.

        A crisis the rules card is answered before the pipeline looks for an edited corpus (:meth:`refresh`): that card
        never waits for a reload (round 17 audit: a crisis message waited ~10 s behind one). The check's card (round 19)
        comes after the question is embedded and spelling-corrected with the loaded index, so right after a corpus edit
        it can wait for the reload like any answer.
        """
        top_k = k or self.settings.top_k
        if not 1 <= top_k <= MAX_TOP_K:
            raise InvalidQuestion(f"k must be between 1 and {MAX_TOP_K}, got {top_k!r}")
        gated, decision = self._gate(question)
        if decision.route == "crisis":
            logger.info("Answer: status=crisis rules=%s", ",".join(decision.matched))
            return Answer(question=gated, status="crisis", message=decision.message, route="crisis")
        self.refresh()
        with self._readers.reading():
            answer = self._answer(question, top_k, gated, decision)
            return answer if self._failed is None else self._without_changed(answer)

    def _gate(self, question: str) -> tuple[str, SafetyDecision]:
        """The message as the gate reads it, and the gate's decision."""
        # The gate reads the whole message, even one over the length limit: a crisis still gets help. Past
        # READ_FACTOR times the limit (more than the app's box takes) it reads the first and last half of that much:
        # a 5 MB message over the HTTP API held a worker for 30 s (round 14 audit), and a crisis told in it is
        # told at its start or its end.
        read = question
        if isinstance(question, str) and len(question) > (most := READ_FACTOR * self.settings.max_question_chars):
            read = f"{question[: most // 2]} . {question[-(most // 2) :]}"  # " . ": no rule matches across the cut
        gated = clean_question(read, len(read) if isinstance(read, str) else 0)
        return gated, self.gate.check(gated)

    def _answer(self, question: str, top_k: int, gated: str, decision: SafetyDecision) -> Answer:
        """:meth:`ask` past the crisis route, once the index is current and held."""
        try:
            cleaned = clean_question(question, self.settings.max_question_chars)
        except InvalidQuestion as exc:  # too long: refused, but a crisis-like message still gets the line
            # Its start only: the model reads at most 256 word pieces, and spelling correction of a single
            # 100,000-letter "word" would take seconds.
            start = gated[: 2 * self.settings.max_question_chars]
            if self.crisis_check is not None:
                start_vector = self.vectors([start])[0]
                if self._cards(start, start_vector):
                    return self._check_card(gated)
                if self._checks_in(start, start_vector):
                    raise InvalidQuestion(f"{exc}. {self.gate.messages['check_in']}", check_in=True) from None
            raise
        chat = small_talk(cleaned) if decision.route == "none" else None
        if chat is not None:
            logger.info("Answer: status=no_answer route=none intent=%s", chat.kind)
            return Answer(question=cleaned, status="no_answer", message=chat.reply, route="none", intent=chat.kind)
        searched = self.retriever.correct(cleaned)  # misspellings fixed (Settings.spelling), else as is
        vector = self._get_embedder().encode([searched])[0]  # once: retrieval and sentence scores share it
        # The crisis check reads the message with its shorthand as typed: it learnt "rn", "gonna", "appt" from the
        # messages it was trained on, and written out they moved it (round 23: "can you move my appt… i'm in the car
        # outside the pharmacy with two bottles…" lost its check-in line). Embedded twice only when they differ.
        checked = self.retriever.correct(cleaned, shorthand=False)
        check_vector = vector if checked == searched else self._get_embedder().encode([checked])[0]
        if self._cards(cleaned, check_vector):  # the gate did not card it (ask returned before)
            return self._check_card(cleaned)
        # After the check's card: a message of mostly unknown words is taken for another language, and an English one
        # typed badly enough to look so must not lose the card the check would give it.
        if decision.route == "none" and other_language(cleaned, self.retriever.knows):
            logger.info("Answer: status=no_answer route=none intent=other_language")
            return Answer(
                question=cleaned, status="no_answer", message=LANGUAGE_REPLY, route="none", intent="other_language"
            )
        found = self._find(searched, vector, top_k)
        not_found: list[str] = []
        if not found.answers and self.settings.min_score is None and self.settings.part_margin is not None:
            # One question of several may still be answered.
            parts, not_found = self._find_parts(cleaned, top_k, self.settings.part_margin)
            found = parts if parts.answers else found
        elif found.answers and self.settings.min_score is None and self.settings.missing_part_margin is not None:
            not_found = self._missing_parts(cleaned, found, top_k, self.settings.missing_part_margin)
        chosen, highlight_scores, signal, confidence, signals, answers = found
        check_in = self._checks_in(cleaned, check_vector)
        # The check-in line says what the safety note would (988, 911), more directly: one of them, not both.
        note = "" if check_in and decision.route == "safety_info" else decision.message
        if answers and not_found:
            part = " ".join(f"“{q}”" for q in not_found)
            note = "\n\n".join(m for m in (note, PART_NOT_FOUND_MESSAGE.format(part=part)) if m)
        if decision.route == "medical_advice":
            status, message = "medical_advice", note
            if not answers:  # the referral says general information may follow: nothing does, so it says why
                message = note.replace(
                    self.gate.messages["medical_advice"], self.gate.messages["medical_advice_unquoted"], 1
                )
        elif answers:
            status, message = "answered", note
        else:
            status = "no_answer"
            message = "\n\n".join(m for m in (NO_ANSWER_MESSAGE, note) if m)
        if check_in:
            message = "\n\n".join(m for m in (self.gate.messages["check_in"], message) if m)
        if not answers:
            chosen, highlight_scores = [], []
        logger.info(
            "Answer: status=%s route=%s rules=%s quotes=%d answerability=%s check_in=%d",
            status, decision.route, ",".join(decision.matched) or "-", len(chosen),
            "-" if signal is None else f"{signal:.3f}", check_in,
        )  # fmt: skip
        return compose(
            cleaned,
            chosen,
            highlight_scores,
            status=status,
            message=message,
            route=decision.route,
            answerability=None if signal is None else round(signal, 4),
            confidence=None if confidence is None else round(confidence, 4),
            signals=signals,
            citations=self.citations,
            check_in=check_in,
        )

    def _find(self, searched: str, vector: np.ndarray, top_k: int, margin: float = 0.0) -> _Found:
        """The best ``top_k`` distinct passages for a corrected question, their highlight scores, the abstention
        signal and whether it answers (reaching the threshold by ``margin`` more)."""
        asked = default_lexicon().requirements(searched)  # once: ranking, abstention and highlights share it
        hits = self.retriever.search_corrected(
            searched, max(top_k, self.settings.candidates), vector=vector, requirements=asked
        )
        chosen = [hits[i] for i in distinct([h.passage for h in hits], top_k)]
        return self._judge(searched, vector, chosen, asked, margin)

    def _judge(
        self, searched: str, vector: np.ndarray, chosen: list[Hit], asked: list | None = None, margin: float = 0.0
    ) -> _Found:
        """Whether the quotes ``chosen`` answer a corrected question (``asked``: its requirements, read when not
        given; reaching the threshold by ``margin`` more), with their highlight scores and the abstention signal."""
        asked = default_lexicon().requirements(searched) if asked is None else asked
        passages = [h.passage for h in chosen]
        scores = self.sentences.scores(passages, vector)
        # One reading of the question's requirements: the abstention signal and the highlight scores.
        signal, highlight_scores = assess(passages, scores, searched, asked=asked) if chosen else (None, scores)
        if chosen and (weight := self.settings.highlight_coverage):  # the highlight only, not the signal
            coverage = self.retriever.sentence_coverage(searched, passages)
            highlight_scores = [s + weight * c for s, c in zip(highlight_scores, coverage, strict=True)]
        signals = None
        if signal is not None and (self.read_signals or self.abstention.logistic is not None):
            signals = self.signals.read(searched, chosen, scores, signal)
        confidence = signal if signals is None else self.abstention.score(signals)  # = signal unless logistic
        answers = confidence is not None and self.abstention.answers(confidence - margin, self.settings.min_score)
        # Nothing readable ("wasd wasd wasd", "kjhkjhkjh": no word the articles or English know) is no question the
        # articles answer, whatever cosine its noise vector reaches (0.24: quoted, round 18).
        # Not under a min_score override (-inf: never abstain, as the evaluation's ranking run asks).
        if self.settings.min_score is None:
            answers = answers and self._readable(searched)
        return _Found(chosen, list(highlight_scores), signal, confidence, signals, answers)

    def _find_parts(self, cleaned: str, top_k: int, margin: float) -> tuple[_Found, list[str]]:
        """For a message of several questions none of whose answers cleared the bar together ("How long is a session?
        And does insurance cover it?": the cost requirement no quote meets), each question on its own, held to a bar
        ``margin`` higher (``Settings.part_margin``, round 24).
        Returns the answered ones' quotes, taken in turn (the first question's best, the second's best, …; distinct,
        ``top_k`` in all) with the best answered signal, and the questions that found nothing; when no question is
        answered (or the message holds only one), an empty result that does not answer and no questions."""
        parts = asked_sentences(cleaned)
        if not parts:
            return _NOTHING_FOUND, []
        searched = [self.retriever.correct(part) for part in parts]
        vectors = self._get_embedder().encode(searched)
        found = [self._find(text, vector, top_k, margin) for text, vector in zip(searched, vectors, strict=True)]
        # A question whose subject is an "it" the message never names ("What does it cost and is it addictive?"):
        # alone, "is it addictive?" is about nothing (cosine 0.31 to its answer, 0.70 as "is ketamine addictive?").
        # When it finds nothing so, it is read once more about the articles' subject, and kept so if that answers.
        read = about_subject(searched, self.subject)
        unfound = [not f.answers for f in found]
        about = {i: text for i, text in enumerate(read) if text != searched[i] and unfound[i]}
        if about:
            for i, vector in zip(about, self._get_embedder().encode(list(about.values())), strict=True):
                again = self._find(about[i], vector, top_k, margin)
                if again.answers:
                    searched[i], vectors[i], found[i] = about[i], vector, again
        answered = [f for f in found if f.answers]
        if not answered:
            return _NOTHING_FOUND, []
        pairs = [pair for rank in zip_longest(*(zip(f.chosen, f.highlight_scores) for f in answered)) for pair in rank]
        pairs = [pair for pair in pairs if pair is not None]
        keep = distinct([hit.passage for hit, _ in pairs], top_k)
        best = max(answered, key=lambda f: f.confidence if f.confidence is not None else -np.inf)
        merged = _Found(
            [pairs[i][0] for i in keep], [pairs[i][1] for i in keep], best.signal, best.confidence, best.signals, True
        )
        # A question that found nothing of its own may be answered by the others' quotes (its best passages were
        # another article's, or its clause leans on the other: "…and is it permanent?"): then it is not named.
        missing = [
            part
            for part, text, vector, f in zip(parts, searched, vectors, found, strict=True)
            if not f.answers and not self._judge(text, vector, merged.chosen, margin=margin).answers
        ]
        return merged, missing

    def _missing_parts(self, cleaned: str, shown: _Found, top_k: int, margin: float) -> list[str]:
        """The questions of a message of several, answered as a whole, that nothing answers: neither the ``shown``
        quotes (judged for that question alone, ``margin`` above the bar) nor the question's own search. Only a
        message of two or more asked sentences is read so (one more embedding of its questions, a search for each one
        the shown quotes do not answer). A question that leans on another (:func:`_leans`: "What are the side effects?
        Are they temporary?", "What is glutamate and why does it matter?", "…, and how?") is never named: alone it is
        about nothing, and the message as a whole was answered."""
        parts = asked_sentences(cleaned)
        own = [(part, self.retriever.correct(part)) for part in parts if not _leans(part)] if len(parts) > 1 else []
        if not own:
            return []
        vectors = self._get_embedder().encode([text for _, text in own])

        def answered(text: str, vector: np.ndarray) -> bool:
            return (
                self._judge(text, vector, shown.chosen, margin=margin).answers
                or self._find(text, vector, top_k, margin).answers
            )

        return [part for (part, text), vector in zip(own, vectors, strict=True) if not answered(text, vector)]


#: A word by which a question points back to another of its message (:func:`_leans`).
_POINTS_BACK = re.compile(r"\b(?:it|its|they|them|their|these|those|that|this)\b", re.IGNORECASE)


def _leans(question: str) -> bool:
    """Whether a question of a message of several leans on another: it points back to it, or is a word or two."""
    return bool(_POINTS_BACK.search(question)) or len(re.findall(r"\w+", question)) <= 2


class _Found(NamedTuple):
    """What :meth:`Pipeline._find` found for one question: quotes, their highlight scores, the abstention signal and
    score (``confidence``), the signals read, and whether it answers."""

    chosen: list[Hit]
    highlight_scores: list[np.ndarray]
    signal: float | None
    confidence: float | None
    signals: Signals | None
    answers: bool


#: What :meth:`Pipeline._find_parts` returns when no question of a message is answered on its own.
_NOTHING_FOUND = _Found([], [], None, None, None, False)


def _citations(settings: Settings) -> dict[str, Citation]:
    """Author and source of every article, by corpus path (empty when the corpus cannot be read)."""
    try:
        docs = load_corpus(settings.corpus_dir)
    except CorpusError as exc:
        logger.warning("No citations: %s", exc)
        return {}
    return {doc.path: Citation(doc.author, doc.source) for doc in docs}

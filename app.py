"""The clinic's web app: a patient chat and a staff look-up over the one Pipeline, plus an ``ask`` API.

Run ``python app.py [--host H] [--port P] [--root-path PATH]`` (``make run``): it loads the index,
building it first when missing or stale, and serves on http://127.0.0.1:7860 by default.

App settings (environment variables, read in :func:`load_app_settings` only; the pipeline's own
``QA_*`` settings are read by ``qa.config``):

``QA_FEEDBACK_DB``  SQLite file for votes and unanswered questions (default ``var/feedback.sqlite3``).
``QA_THREADS``      CPU threads for the embedding model and faiss (default 1: requests run side by side instead).
``QA_CONCURRENCY``  requests answered at once (default 2, one per core).
``QA_QUEUE_SIZE``   requests allowed to wait; beyond it a request is refused at once as busy (default 64).
``QA_MAX_TURNS``    questions and answers a chat keeps on screen; older ones are dropped, with a line saying how many
                    (default 50).
``QA_STAFF_KEY``    the key staff type to see the list of unanswered questions on the staff tab (at least 8
                    characters). Patients' own words are in that list, so it is not shown without the key; when the
                    variable is unset a random key is made at each start and printed in the console.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import sqlite3
import sys
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home from a closed network
# Gradio runs every event inside a switch to matplotlib's "agg" backend; with no backend named, the
# first request imports pyplot just to look up the default (~0.3 s of cold start). The app draws no plots.
os.environ.setdefault("MPLBACKEND", "agg")

import gradio as gr  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402

from qa import Answer, Pipeline, QAError  # noqa: E402
from qa.config import MAX_TOP_K, PROJECT_ROOT, load_settings  # noqa: E402
from qa.embedding import Embedder  # noqa: E402
from qa.errors import InvalidQuestion  # noqa: E402
from qa.feedback import VOTES, FeedbackStore  # noqa: E402
from qa.pipeline import READ_FACTOR, question_lines  # noqa: E402
from qa.render import Turn, conversation_html, gaps_html, results_html  # noqa: E402
from qa.style import (  # noqa: E402
    AFTER_ANSWER_JS,
    CHAT_ID_JS,
    CLEARED_JS,
    COPY_JS,
    CSS,
    FOCUS_KEEP_JS,
    FOCUS_NEW_JS,
    HEAD,
    REASKED_JS,
    RESTORED_JS,
    SEND_JS,
    SENT_JS,
    VOTE_DONE_JS,
    VOTE_JS,
    example_js,
)

logger = logging.getLogger("app")

EXAMPLES = (
    "How quickly does ketamine therapy work?",
    "What conditions can ketamine therapy treat?",
    "What are the side effects of ketamine therapy?",
    "How does ketamine work in the brain?",
)
#: Most quotes the ``ask`` API returns; rows in the staff table; unanswered questions listed for staff.
MAX_K = MAX_TOP_K
STAFF_ROWS = 10
GAP_ROWS = 15
#: What the text boxes let through, as a multiple of the question limit (``Settings.max_question_chars``). The
#: browser cuts a paste at a box's ``max_length`` without a word, so the box must not be the limit: a message
#: over the limit reaches the server whole, where the safety gate reads all of it (a crisis sentence at the end
#: of a long paste still gets the help card) and anything else is refused with its length, never answered cut.
PASTE_FACTOR = READ_FACTOR  # beyond it the gate reads the start and end (qa.pipeline.READ_FACTOR)
#: Gradio's orange at its 700 shade (#c2410c) for the primary buttons and the selected tab: white on the default
#: 500 shade is 2.8:1, below WCAG's 3:1 even for large text; the 700 shade is 5.2:1.
THEME = gr.themes.Default(text_size=gr.themes.sizes.text_lg).set(
    color_accent="*primary_700",
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_background_fill_hover_dark="*primary_800",
    button_primary_border_color="*primary_700",
    button_primary_border_color_dark="*primary_700",
    button_primary_text_color="white",
)
#: Most questions a reloaded page asks again (those its reload cancelled: see ``restore``).
MAX_REASKED = 3
#: How long asking again waits for a question still being answered from before the reload.
REASK_WAIT_S = 60.0
#: Shortest staff key accepted from QA_STAFF_KEY.
MIN_STAFF_KEY = 8
#: Wrong staff keys one client may type within ``KEY_WINDOW_S`` seconds before every key from it, the right one
#: too, is refused until the oldest of those tries is that old (a short chosen key could otherwise be guessed).
MAX_WRONG_KEYS = 5
KEY_WINDOW_S = 15 * 60
#: Wrong staff keys from all clients together within ``KEY_WINDOW_S`` before every client is refused for a while.
MAX_WRONG_KEYS_OVERALL = 30


@dataclass(frozen=True)
class AppSettings:
    """Serving settings (the retrieval settings live in ``qa.config.Settings``)."""

    feedback_db: Path = PROJECT_ROOT / "var" / "feedback.sqlite3"
    threads: int = 1
    concurrency: int = 2
    queue_size: int = 64
    #: Turns a chat keeps (the page is re-sent whole after every answer, so it must not grow without end); older
    #: ones are dropped, and the conversation says how many are no longer shown.
    max_turns: int = 50
    #: Shown nowhere but the console; a random one per start unless QA_STAFF_KEY sets it.
    staff_key: str = field(default_factory=lambda: secrets.token_urlsafe(12), repr=False)


_APP_ENV = {
    "QA_FEEDBACK_DB": "feedback_db",
    "QA_THREADS": "threads",
    "QA_CONCURRENCY": "concurrency",
    "QA_QUEUE_SIZE": "queue_size",
    "QA_MAX_TURNS": "max_turns",
    "QA_STAFF_KEY": "staff_key",
}


def load_app_settings(**overrides: object) -> AppSettings:
    """Defaults, then environment variables, then explicit ``overrides`` (``None`` values ignored)."""
    values: dict[str, object] = {name: os.environ[var] for var, name in _APP_ENV.items() if os.environ.get(var)}
    values.update({k: v for k, v in overrides.items() if v is not None})
    valid = [f.name for f in fields(AppSettings)]
    unknown = sorted(set(values) - set(valid))
    if unknown:
        raise TypeError(f"Unknown app setting(s) {unknown!r}; valid: {valid!r}")
    for name, raw in values.items():
        if name == "feedback_db":
            values[name] = Path(str(raw)).expanduser()
            continue
        if name == "staff_key":
            if len(str(raw).strip()) < MIN_STAFF_KEY:
                raise ValueError(f"App setting staff_key (QA_STAFF_KEY) must be at least {MIN_STAFF_KEY} characters")
            values[name] = str(raw).strip()
            continue
        try:
            number = int(raw)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise ValueError(f"App setting {name}={raw!r} must be a whole number of at least 1")
        values[name] = number
    return replace(AppSettings(), **values)


def pin_threads(threads: int) -> None:
    """Limit faiss (and torch, if the torch backend loaded it) to ``threads`` CPU threads.

    The embedding model's own threads are set when it is built (``Embedder(threads=...)`` in :func:`main`).
    """
    import faiss

    faiss.omp_set_num_threads(threads)
    torch = sys.modules.get("torch")  # never imported just for this: the default onnx backend has no torch
    if torch is not None:
        torch.set_num_threads(threads)


class RefuseUploads:
    """ASGI middleware: the app takes no files, so Gradio's upload routes and any multipart body get 403."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http":
            path = scope.get("path", "").rstrip("/")
            content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
            if path.endswith(("/upload", "/process_recording")) or content_type.startswith(b"multipart/"):
                await PlainTextResponse("File uploads are not accepted.", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class LimitBody:
    """ASGI middleware: a request body over ``MAX_BYTES`` is refused with 413 at once (by its Content-Length) or cut
    off when it gets there (sent in chunks). Nothing the app takes comes near it — the question box lets through
    20,000 characters — and a 200 MB body to the ask API was read whole and kept ~0.8 GB of the server's memory after
    it was refused (round 17 audit)."""

    MAX_BYTES = 1 << 20

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        too_large = f"The request is too large: at most {self.MAX_BYTES:,} bytes."
        if not length.isdigit() or int(length) > self.MAX_BYTES:
            await PlainTextResponse(too_large, status_code=413)(scope, receive, send)
            return
        seen, started = 0, False

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            return {"type": "http.disconnect"} if seen > self.MAX_BYTES else message

        async def sending(message: dict) -> None:
            nonlocal started
            started = True
            await send(message)

        await self.app(scope, counted, sending)
        if seen > self.MAX_BYTES and not started:
            await PlainTextResponse(too_large, status_code=413)(scope, receive, send)


class FillDefaultK:
    """ASGI middleware: a raw HTTP call of the ask API that leaves ``k`` out (``{"data": [question]}``) gets the
    default ``k``, as ``gradio_client`` gives it. Gradio checks an event's count of inputs before any handler runs,
    and answered such a call with ``{"error": null}`` — not a word of what was wrong (round 16 audit). A ``data``
    list that is shorter still is filled with nulls too, so an empty call gets "The question is empty". A longer
    one is refused (422) in one line: its extra items were dropped without a word (round 17 audit)."""

    INPUTS = 2  # ask(question, k)

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        path = scope.get("path", "").rstrip("/")
        if scope["type"] != "http" or scope.get("method") != "POST" or not path.endswith("/gradio_api/call/ask"):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away (or LimitBody cut it off)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None  # Gradio answers a body that is not JSON itself
        data = payload.get("data") if isinstance(payload, dict) else None
        if isinstance(data, list) and len(data) > self.INPUTS:
            message = f"The ask API takes at most {self.INPUTS} data items (question, k); got {len(data)}."
            await PlainTextResponse(message, status_code=422)(scope, receive, send)
            return
        if isinstance(data, list) and len(data) < self.INPUTS:
            payload["data"] = data + [None] * (self.INPUTS - len(data))
            body = json.dumps(payload).encode()
            headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class KeyGuard:
    """Counts wrong staff keys per client and locks a client out after ``limit`` of them within ``window`` seconds;
    after ``overall`` wrong keys from all clients together within the window, every client is locked out.

    The client is the address uvicorn reports: the connecting socket's, or, for a connection from a trusted proxy
    (uvicorn's ``FORWARDED_ALLOW_IPS``, by default this machine), the address the proxy puts in X-Forwarded-For. So
    a client on this machine can claim any address; the overall limit bounds guessing even then (round 15 audit).
    The same wrong key again (re-opening the staff tab, Enter pressed twice) counts once, and the right key clears
    that client's count.
    """

    #: Clients remembered at most; past it the one whose last wrong key is oldest is forgotten.
    MAX_CLIENTS = 10_000

    def __init__(
        self,
        limit: int = MAX_WRONG_KEYS,
        window: float = KEY_WINDOW_S,
        overall: int = MAX_WRONG_KEYS_OVERALL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.overall, self.clock = limit, window, overall, clock
        self._wrong: dict[str, deque[tuple[float, str]]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[tuple[float, str]]:
        tries = self._wrong.get(client, deque())
        while tries and now - tries[0][0] >= self.window:
            tries.popleft()
        while self._all and now - self._all[0] >= self.window:
            self._all.popleft()
        return tries

    def wait(self, client: str) -> float:
        """Seconds until ``client`` may try a key again (0 when it may now)."""
        with self._lock:
            now = self.clock()
            tries = self._recent(client, now)
            if not tries:
                self._wrong.pop(client, None)
            waits = [tries[0][0] + self.window - now] if len(tries) >= self.limit else []
            if len(self._all) >= self.overall:
                waits.append(self._all[0] + self.window - now)
            return max([0.0, *waits])

    def wrong(self, client: str, key: str = "") -> None:
        """Record a wrong ``key`` from ``client`` (the one it tried last, again, is not counted twice)."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self._lock:
            now = self.clock()
            tries = self._recent(client, now)
            if key and tries and tries[-1][1] == digest:
                return
            tries.append((now, digest))
            self._all.append(now)
            self._wrong.pop(client, None)
            self._wrong[client] = tries  # re-inserted: the dict stays ordered by last wrong key
            while len(self._wrong) > self.MAX_CLIENTS:
                del self._wrong[next(iter(self._wrong))]

    def right(self, client: str) -> None:
        """The right key from ``client``: its wrong keys no longer count against it."""
        with self._lock:
            self._wrong.pop(client, None)


class Chat(list):
    """A chat's turns, oldest first. ``cleared`` counts the times "Start a new conversation" emptied it: an answer
    asked for before that is not added to the new conversation (round 17 audit: a private question sent just before
    clearing turned up in the new one), unless it is a crisis card or the check-in line."""

    cleared: int = 0


class SavedChats:
    """Conversations by the chat id a browser tab keeps in its sessionStorage (CHAT_ID_JS), so reloading the page —
    a pull-to-refresh on a phone, a reload after a frozen tab — brings the conversation back, a crisis card included
    (it was lost: round 16 audit). sessionStorage belongs to the one tab and is emptied when the tab is closed, so
    another tab, and the next person at a shared computer once the tab is closed, start with an empty chat; "Start a
    new conversation" empties it too. Kept in this process's memory only (a restart forgets every chat), at most
    ``max_chats`` of them, each forgotten after ``keep_s`` seconds without a question or a reload. A chat is saved
    once a question is sent: page loads alone (a monitor, a crawler) save nothing and push no chat out (round 17
    audit: 1,000 page loads pushed every saved chat out).

    The saved value is the session's own list of turns (Gradio hands every event of a session that same object and
    the app extends it in place), so what is saved is always what the page shows. A tab duplicated by the browser
    copies its sessionStorage, so both copies then write to one conversation (each shows the whole of it when it
    next answers)."""

    MAX_CHATS = 1_000
    KEEP_S = 4 * 3600.0
    #: A chat id as CHAT_ID_JS makes it: 16 random bytes in hex. Anything else is not saved nor looked up.
    ID = re.compile(r"[0-9a-f]{32}")

    def __init__(
        self, max_chats: int = MAX_CHATS, keep_s: float = KEEP_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_chats, self.keep_s, self.clock = max_chats, keep_s, clock
        self._chats: OrderedDict[str, tuple[list[Turn], float]] = OrderedDict()
        self._lock = threading.Lock()

    def valid(self, chat_id: object) -> str:
        """``chat_id`` if it is a well-formed id, else ``""``."""
        return chat_id if isinstance(chat_id, str) and self.ID.fullmatch(chat_id) else ""

    def _expire(self, now: float) -> None:
        while self._chats:  # oldest use first: drop the ones not used for keep_s seconds
            oldest, (_, used) = next(iter(self._chats.items()))
            if now - used < self.keep_s:
                break
            del self._chats[oldest]

    def find(self, chat_id: str) -> list[Turn] | None:
        """The turns saved under ``chat_id`` (kept another ``keep_s`` seconds), or None."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            if chat_id not in self._chats:
                return None
            self._chats[chat_id] = (self._chats[chat_id][0], now)
            self._chats.move_to_end(chat_id)
            return self._chats[chat_id][0]

    def keep(self, chat_id: str, turns: list[Turn]) -> None:
        """Save ``turns`` under ``chat_id`` unless a list is saved there already (that one is the tab's conversation:
        a page reloaded while an answer was on its way has taken it over, and the answer goes to it too); either way
        kept another ``keep_s`` seconds. Past ``max_chats`` the chat used longest ago is forgotten."""
        with self._lock:
            now = self.clock()
            self._expire(now)
            saved = self._chats.pop(chat_id, (turns, now))[0]
            self._chats[chat_id] = (saved, now)
            while len(self._chats) > self.max_chats:
                self._chats.popitem(last=False)

    def __len__(self) -> int:
        return len(self._chats)


def _quietly(what: str, fn: Callable, *args: object, **kwargs: object) -> bool:
    """Run a feedback-store write; a storage failure is logged, never shown to a patient as a crash."""
    try:
        fn(*args, **kwargs)
        return True
    except sqlite3.Error:
        logger.exception("Could not %s in the feedback database", what)
        return False


def build_app(
    pipeline: Pipeline,
    *,
    feedback: FeedbackStore | None = None,
    settings: AppSettings | None = None,
    chats: SavedChats | None = None,
) -> gr.Blocks:
    """The Gradio app over ``pipeline``: chat tab, staff tab and the public ``ask`` endpoint."""
    settings = settings or load_app_settings()
    feedback = feedback or FeedbackStore(settings.feedback_db)
    chats = chats if chats is not None else SavedChats()
    listed: list[tuple[object, dict[str, str]]] = []  # (the index loaded, its articles path -> title)

    def titles() -> dict[str, str]:
        """The loaded index's articles by title, path -> title: read again once the pipeline reloads after an article
        was added or removed (the list was read at start only: round 16 audit)."""
        pipeline.refresh()
        index = pipeline.index
        if not listed or listed[0][0] is not index:
            found = {(p.path, p.title) for p in index.passages}
            listed[:] = [(index, dict(sorted(found, key=lambda pt: pt[1].casefold())))]
        return listed[0][1]

    def article_choices() -> list[tuple[str, str]]:
        return [("All articles", "")] + [(title, path) for path, title in titles().items()]

    busy = {"concurrency_limit": settings.concurrency, "concurrency_id": "pipeline"}
    guard = KeyGuard()
    turns_lock = threading.Lock()  # a session's list of turns is changed in place, by one answer at a time
    # Questions being answered now, per chat id: a reload does not stop one that is running (only those still in the
    # queue), so reask waits for it instead of asking it twice.
    answering: dict[tuple[str, str], int] = {}
    answered_cond = threading.Condition()

    def answer(question: str, k: int | None = None) -> Answer:
        try:
            return logged_answer(question, k)
        except QAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def logged_answer(question: str, k: int | None = None) -> Answer:
        """``pipeline.ask`` (its QAError raised as is), an unanswered question logged for staff."""
        result = pipeline.ask(question, k)
        # Small talk is not a content gap, nor a message the crisis check flagged (and its words are not stored).
        if result.status == "no_answer" and result.intent == "question" and not result.check_in:
            _quietly(
                "log an unanswered question", feedback.log_unanswered, result.question, result.status, result.route
            )
        return result

    def shown(turns: list[Turn]) -> str:
        """The conversation as the page shows it, each answer's vote read from the feedback store (the store, not a
        session state, says what was voted: a vote and an answer finishing in either order cannot undo each other)."""
        votes: dict[str, str] = {}
        try:
            votes = feedback.votes_for([t.id for t in turns])
        except sqlite3.Error:
            logger.exception("Could not read votes from the feedback database")
        help_line = pipeline.gate.messages["check_in"]
        return conversation_html([replace(t, vote=votes.get(t.id, t.vote)) for t in turns], help_line)

    def keep(turns: list[Turn], results: list[Turn]) -> list[Turn]:
        """Add ``results`` to the session's ``turns`` in place, numbered on from its last, and drop the oldest beyond
        ``max_turns``; a copy of what is kept. The caller holds ``turns_lock``."""
        for turn in results:
            turns.append(replace(turn, number=turns[-1].number + 1 if turns else 1))
        dropped, turns[:] = turns[: -settings.max_turns], turns[-settings.max_turns :]
        # A crisis card or check-in line scrolled out of the kept turns: the help numbers stay at the top.
        if any(t.after_help or t.answer.status == "crisis" or t.answer.check_in for t in dropped):
            turns[0] = replace(turns[0], after_help=True)
        return list(turns)

    def new_turn(question: str) -> tuple[Turn, str]:
        """The turn answering ``question``, and the question answered (``""`` when the box must keep it); a refusal
        is raised as the one-line gr.Error."""
        answered = question
        try:
            result = logged_answer(question)
        except InvalidQuestion as exc:
            if not exc.check_in:
                raise gr.Error(str(exc), print_exception=False) from None
            # Refused (too long) but the crisis check fired on it: the check-in line must stay on screen with its
            # tappable numbers, as for any other message, not only in a pop-up that fades (round 14 audit).
            line = pipeline.gate.messages["check_in"]
            message = f"{line}\n\n{str(exc).removesuffix(line).rstrip(' .')}."
            result = Answer(question=question, status="no_answer", message=message, route="none", check_in=True)
            answered = ""  # the box keeps the text, to shorten it, as on any refusal
        except QAError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        # Shown with its line breaks when it is the question answered (a pasted message's paragraphs).
        asked = question_lines(question) if isinstance(question, str) else ""
        asked = asked if " ".join(asked.split()) == result.question else ""
        return Turn(result, id=uuid.uuid4().hex, asked=asked), answered

    def _epoch(value: object) -> int:
        """A clear count as the page sent it (a hidden box's text); 0 for anything else."""
        text = str(value or "0").strip()
        return int(text) if text.isdigit() and len(text) < 10 else 0

    def add_turn(turns: list[Turn], turn: Turn, sent_epoch: int) -> list[Turn]:
        """Add ``turn`` unless the conversation was cleared after its question was sent (``sent_epoch``: the clear
        count the page had then) — a crisis card or check-in line is added even then (safety first). A copy of what
        is kept."""
        with turns_lock:
            help_given = turn.answer.status == "crisis" or turn.answer.check_in
            if getattr(turns, "cleared", 0) != sent_epoch and not help_given:
                return list(turns)  # asked before "Start a new conversation": not part of the new one
            return keep(turns, [turn])

    def restore(chat_id: str, turns: list[Turn], pending: str) -> tuple[object, object, str, str, str]:
        """At page load: the conversation saved under the tab's chat id (CHAT_ID_JS) becomes the session's list of
        turns, with any answer this page got before it loaded added after it; and the page's clear count. A reload
        cancels questions still waiting in the queue: ``pending`` (JSON, the tab's sessionStorage) lists the questions
        the tab sent and had no answer to, with the clear count each was sent at; those no recent turn answers are
        handed to :func:`reask` (queued, after this). Round 17 audit: "i took all my pills", sent on a busy server to a
        page that looked frozen and was then reloaded, was never answered. A malformed id saves nothing."""
        chat_id = chats.valid(chat_id)
        with turns_lock:
            saved = chats.find(chat_id) if chat_id else None
            adopted = saved is not None and saved is not turns
            if adopted:
                keep(saved, turns)
                turns = saved
            kept = list(turns)
        try:
            waiting = json.loads(pending or "[]")
        except ValueError:
            waiting = []
        recent = {" ".join(t.answer.question.split()) for t in kept[-MAX_REASKED - 2 :]}
        again = []
        for item in waiting if isinstance(waiting, list) else []:
            question = item.get("q") if isinstance(item, dict) else None
            if isinstance(question, str) and " ".join(question.split()) not in recent:
                again.append({"q": question[: PASTE_FACTOR * pipeline.settings.max_question_chars], "e": item.get("e")})
        epoch = str(getattr(turns, "cleared", 0))
        if not adopted:
            # Nothing to bring back: the conversation is left as it is. Drawn from here it could land after the
            # answer to a question sent while the page loaded, and wipe it (a CI run caught that race).
            return gr.skip(), gr.skip(), chat_id, epoch, json.dumps(again[-MAX_REASKED:])
        return shown(kept), turns, chat_id, epoch, json.dumps(again[-MAX_REASKED:])

    def reask(again: str, turns: list[Turn], chat_id: str) -> tuple[object, object]:
        """The questions :func:`restore` found unanswered, asked again in the order sent (in the queue, like any
        question); one sent before a "Start a new conversation" adds only a crisis card or check-in line. One still
        being answered from before the reload is waited for (up to ``REASK_WAIT_S``), not asked twice."""
        try:
            items = json.loads(again or "[]")
        except ValueError:
            items = []
        if not items or not isinstance(items, list):
            return gr.skip(), gr.skip()  # nothing to ask: the conversation is left as it is (see restore)
        chat_id = chats.valid(chat_id)
        for item in items[:MAX_REASKED]:
            question = item.get("q") if isinstance(item, dict) else None
            if not isinstance(question, str):
                continue
            with answered_cond:  # still running from before the reload: its answer comes to this chat; wait for it
                if not answered_cond.wait_for(lambda q=question: not answering.get((chat_id, q)), REASK_WAIT_S):
                    continue
            if any(" ".join(t.answer.question.split()) == " ".join(question.split()) for t in list(turns)[-5:]):
                continue  # it finished meanwhile
            try:
                turn, _ = new_turn(question)
            except gr.Error:
                continue  # refused again (too long, empty): the person saw why before the reload
            add_turn(turns, turn, _epoch(item.get("e")))
        with turns_lock:
            kept = list(turns)
        if chat_id and turns:
            chats.keep(chat_id, turns)
        return shown(kept), turns

    def start_over(turns: list[Turn]) -> tuple[str, dict, dict, str]:
        """ "Start a new conversation", confirmed: the session's turns (and so the saved chat) are emptied and the
        clear count goes up; an answer to a question sent before is not added unless it is a crisis card or the
        check-in line."""
        with turns_lock:
            turns.clear()
            if isinstance(turns, Chat):
                turns.cleared += 1
        epoch = str(getattr(turns, "cleared", 0))
        return conversation_html([], cleared=True), gr.update(visible=True), gr.update(visible=False), epoch

    def respond(question: str, turns: list[Turn], chat_id: str = "", epoch: str = "0") -> tuple[str, list[Turn], str]:
        """The conversation with the new answer, and the question answered (for AFTER_ANSWER_JS: the box is emptied
        only if it still holds that question, so what the person typed meanwhile is kept). ``epoch`` is the clear
        count the page had when the question was sent (its inputs are read then, not when the queue reaches it)."""
        if chat_id := chats.valid(chat_id):
            chats.keep(chat_id, turns)  # saved from the question on: a reload before its answer finds the chat
        key = (chat_id, question)
        with answered_cond:
            answering[key] = answering.get(key, 0) + 1
        try:
            turn, answered = new_turn(question)
        finally:
            with answered_cond:
                answering[key] -= 1
                if not answering[key]:
                    del answering[key]
                answered_cond.notify_all()
        # The session's list itself is extended (Gradio hands every event of a session the same object): two answers
        # of one tab running at once (Enter, then an example) each wrote back the list they had read, and the one
        # finishing last removed the other — a crisis card included (round 15 audit).
        kept = add_turn(turns, turn, _epoch(epoch))
        if chat_id:
            chats.keep(chat_id, turns)
        return shown(kept), turns, answered

    def vote(turns: list[Turn], event: gr.EventData) -> str:
        """Record a vote on the answer the click names by its id (``data-answer``), else by its place (``turn``), and
        say how it went to VOTE_DONE_JS, which changes that one answer's buttons on the page.

        The vote writes neither the conversation nor its state (round 15 audit: re-drawing the conversation it read
        when it started could remove an answer that arrived meanwhile, a crisis card included). Status ``recorded``,
        ``already`` (the store had a vote for that answer), ``failed`` (the store could not be written) or
        ``unknown`` (no such answer in this conversation: a stale page, a forged click): on the last two the buttons
        work again."""
        data = event._data if isinstance(event._data, dict) else {}
        answer_id, index, choice = data.get("answer"), data.get("turn"), data.get("vote")
        with turns_lock:
            kept = list(turns)
        if isinstance(answer_id, str) and answer_id:
            index = next((n for n, t in enumerate(kept) if t.id == answer_id), None)
        status = "unknown"
        if isinstance(index, int) and 0 <= index < len(kept) and choice in VOTES:
            turn = kept[index]
            answer_id = turn.id
            quote_ids = [q.id for q in turn.answer.quotes]
            args = (turn.answer.question, turn.answer.status, quote_ids, choice)
            try:
                row = feedback.record_vote(
                    *args, check_in=turn.answer.check_in, route=turn.answer.route, answer_id=turn.id or None
                )
                status = "recorded" if row is not None else "already"
            except sqlite3.Error:
                logger.exception("Could not record a vote in the feedback database")
                status = "failed"  # said beside the buttons (a gr.Warning does not reach the page from this event)
        else:
            logger.info("Vote ignored: no such answer in this conversation (%d turns)", len(kept))
        done = {"answer": answer_id if isinstance(answer_id, str) else "", "turn": data.get("turn"), "vote": choice}
        return json.dumps({**done, "status": status, "nonce": uuid.uuid4().hex})

    def lookup(query: str, article: str | None) -> str:
        """The best passages for ``query``; with an article chosen, that article's best, ranked 1, 2, 3 among
        themselves (the rank staff see is the row's place in the table, not its place in the whole corpus)."""
        article = article or ""
        known = titles()
        if article and article not in known:
            raise gr.Error(f"Unknown article {article!r}; choose one from the list", print_exception=False)
        if not (query or "").strip():
            return '<p class="qa-empty" role="status">Type a word or phrase to search the articles for.</p>'
        try:
            hits = pipeline.search(query, len(pipeline.index) if article else STAFF_ROWS)
        except QAError as exc:  # the pipeline's words are a patient's ("The question is…"): staff typed a search
            message = re.sub(r"^The question\b", "The search", str(exc))
            raise gr.Error(message, print_exception=False) from None
        if article:
            mine = [h for h in hits if h.passage.path == article][:STAFF_ROWS]
            hits = [replace(h, rank=n) for n, h in enumerate(mine, 1)]
        return results_html(query, hits, known.get(article, ""), pipeline.citations)

    def articles(chosen: str | None) -> gr.Dropdown:
        """The article filter's choices as the articles are now; the chosen one stays chosen unless it is gone."""
        choices = article_choices()
        return gr.Dropdown(choices=choices, value=chosen if chosen in {path for _, path in choices} else "")

    def gaps(key: str, request: gr.Request) -> str:
        """The unanswered questions, for staff only: they are patients' own words, so the staff key is needed;
        after ``MAX_WRONG_KEYS`` wrong keys in ``KEY_WINDOW_S`` seconds a client is refused for a while."""
        if not (key or "").strip():
            return (
                '<p class="qa-empty">Enter the staff key to see the questions the articles could not answer '
                "(the key is printed in the app's console at start, or set with QA_STAFF_KEY).</p>"
            )
        client = request.client.host if request is not None and request.client else "unknown"
        wait = guard.wait(client)
        if wait:
            minutes = max(1, math.ceil(wait / 60))
            return (
                '<p class="qa-empty" role="alert">Too many wrong staff keys have been tried. '
                f"Please try again in {minutes} minute{'s' if minutes != 1 else ''}.</p>"
            )
        if not hmac.compare_digest(key.strip().encode(), settings.staff_key.encode()):
            guard.wrong(client, key.strip())
            logger.warning("Wrong staff key from %s", client)
            return '<p class="qa-empty" role="alert">That staff key is not right.</p>'
        guard.right(client)
        try:
            return gaps_html(feedback.top_unanswered(GAP_ROWS))
        except sqlite3.Error:
            logger.exception("Could not read unanswered questions")
            return '<p class="qa-empty">The list of unanswered questions is unavailable right now.</p>'

    def ask(question: str, k: int | None = None) -> dict:
        """Answer a question with verbatim quotes: the same JSON object as `qa ask --json`."""
        # Raw HTTP passes JSON values as they are: "3", 2.5 or true must be refused, not crash or pass as a count.
        if isinstance(k, float) and k.is_integer():
            k = int(k)
        if k is not None and (isinstance(k, bool) or not isinstance(k, int)):
            raise gr.Error(f"k must be a whole number between 1 and {MAX_K}, got {k!r}", print_exception=False)
        if k is not None and not 1 <= k <= MAX_K:
            raise gr.Error(f"k must be between 1 and {MAX_K}, got {k!r}", print_exception=False)
        return answer(question, k).to_dict()

    private = {"api_visibility": "private"}
    with gr.Blocks(title="Ketamine therapy questions", analytics_enabled=False) as demo:
        gr.Markdown(
            "# Questions about ketamine therapy\n"
            "Every answer is quoted word for word from our clinic's articles, with its source. "
            "It is general information, not medical advice."
        )
        turns = gr.State(Chat())
        with gr.Tabs():
            with gr.Tab("Ask a question", id="chat"):
                log = gr.HTML(conversation_html([]), js_on_load=VOTE_JS, elem_id="qa-log")
                answered = gr.Textbox(visible=False)  # the question just answered, read by AFTER_ANSWER_JS
                voted = gr.Textbox(visible=False)  # how the last vote went (JSON), read by VOTE_DONE_JS
                chat_id = gr.Textbox(visible=False)  # the tab's chat id (CHAT_ID_JS), set at page load
                pending = gr.Textbox(visible=False)  # at page load: the questions the tab had no answer to (JSON)
                again = gr.Textbox(visible=False)  # those to ask again (restore -> reask)
                epoch = gr.Textbox("0", visible=False)  # how many times this chat was cleared (sent with a question)
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        label="Your question",
                        placeholder="Type your question",
                        max_length=PASTE_FACTOR * pipeline.settings.max_question_chars,
                        lines=1,
                        max_lines=4,
                        scale=4,
                        min_width=260,
                        elem_id="qa-question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="qa-ask")
                gr.Markdown("**Example questions**")
                with gr.Row(elem_classes="qa-examples"):
                    examples = [gr.Button(text, size="sm", variant="secondary") for text in EXAMPLES]
                # Two steps, so one stray tap does not remove a crisis card (round 17 audit).
                new_chat = gr.Button(
                    "Start a new conversation", variant="secondary", size="md", elem_id="qa-new-chat", scale=0
                )
                with gr.Column(visible=False, elem_id="qa-new-chat-confirm") as confirm:
                    gr.Markdown(
                        "Clear this conversation from the screen? It cannot be brought back.",
                        elem_id="qa-new-chat-prompt",
                    )
                    with gr.Row():
                        clear_it = gr.Button("Yes, clear it", variant="stop", scale=0, elem_id="qa-clear-chat")
                        keep_it = gr.Button("Keep it", variant="secondary", scale=0, elem_id="qa-keep-chat")
            with gr.Tab("Staff look-up", id="staff") as staff_tab:
                with gr.Row(equal_height=True):
                    query = gr.Textbox(
                        label="Search the articles",
                        max_length=PASTE_FACTOR * pipeline.settings.max_question_chars,
                        scale=3,
                        elem_id="qa-staff-query",
                    )
                    article = gr.Dropdown(
                        article_choices(),
                        value="",
                        label="Article",
                        scale=2,
                        elem_id="qa-staff-article",
                    )
                    search = gr.Button("Search", variant="primary", scale=1, min_width=90, elem_id="qa-staff-search")
                results = gr.HTML("", js_on_load=COPY_JS, elem_id="qa-results")
                gr.Markdown("## Questions we could not answer")
                with gr.Row(equal_height=True):
                    staff_key = gr.Textbox(label="Staff key", type="password", scale=3, elem_id="qa-staff-key")
                    refresh = gr.Button("Show list", scale=1, min_width=100, elem_id="qa-gaps-refresh")
                gap_table = gr.HTML(js_on_load=None, elem_id="qa-gaps")

        # Answering events share one concurrency group and the queue; votes and the gap list are small
        # SQLite calls that skip the queue, so feedback is still taken while the app is busy.
        # No progress overlay: it washed out the conversation, the "Looking for the answer" line included (1.4:1, round
        # 17 audit); that line is the sign an answer is coming.
        chat = {"show_progress": "hidden", **busy, **private}
        # The box is not emptied by the answer itself but after it, and only if it still holds the question answered;
        # the new answer is scrolled into view (its crisis card or referral comes first).
        after = {"fn": None, "inputs": [question, answered], "outputs": [question], "js": AFTER_ANSWER_JS}
        # "multiple": a message sent while an answer is on its way is answered too (Gradio's default, "once", dropped a
        # second Enter without a word — 'I took all my pills' got no card: round 16 audit); turns of one tab running at
        # once are all kept (respond extends the session's list under a lock).
        # SEND_JS keeps each question sent in the tab's sessionStorage (with the clear count) and shows it at once at
        # the end of the conversation; SENT_JS drops it when its answer (.then) or refusal (.failure) comes. Round 27:
        # Gradio 6 runs a .then after a refusal's gr.Error not at all, so a refused long or markup-only question kept
        # its "Looking for the answer" line on screen.
        for trigger in (question.submit, send.click):
            sent = trigger(
                respond,
                [question, turns, chat_id, epoch],
                [log, turns, answered],
                trigger_mode="multiple",
                js=SEND_JS,
                **chat,
            )
            sent.success(**after, queue=False)
            for done in (sent.then, sent.failure):
                done(None, [answered], None, js=SENT_JS, queue=False)
        for button, text in zip(examples, EXAMPLES, strict=True):
            sent = button.click(
                functools.partial(respond, text),
                [turns, chat_id, epoch],
                [log, turns, answered],
                trigger_mode="multiple",
                js=example_js(text),
                **chat,
            )
            sent.success(**after, queue=False)
            for done in (sent.then, sent.failure):
                done(None, [answered], None, js=SENT_JS, queue=False)
        # A reload brings the tab's conversation back (SavedChats) outside the queue, so it is there at once; the
        # questions the reload cancelled are asked again in the queue.
        demo.load(
            restore,
            [chat_id, turns, pending],
            [log, turns, chat_id, epoch, again],
            js=CHAT_ID_JS,
            queue=False,
            **private,
        ).then(None, js=RESTORED_JS, queue=False).then(
            reask, [again, turns, chat_id], [log, turns], show_progress="hidden", **busy, **private
        ).then(None, js=REASKED_JS, queue=False)

        def asking(confirming: bool) -> Callable[[], tuple[dict, dict]]:  # the button, or "Clear …? Yes / Keep it"
            return lambda: (gr.update(visible=not confirming), gr.update(visible=confirming))

        new_chat.click(asking(True), None, [new_chat, confirm], queue=False, **private).then(
            None, js=FOCUS_KEEP_JS, queue=False
        )
        keep_it.click(asking(False), None, [new_chat, confirm], queue=False, **private).then(
            None, js=FOCUS_NEW_JS, queue=False
        )
        clear_it.click(start_over, [turns], [log, new_chat, confirm, epoch], queue=False, **private).then(
            None, js=CLEARED_JS, queue=False
        )
        # "multiple": every click is sent, even while another vote is on its way (Gradio's default, "once", dropped
        # a second answer's vote made before the first came back: round 15 audit).
        log.click(vote, [turns], [voted], show_progress="hidden", queue=False, trigger_mode="multiple", **private)
        voted.change(None, [voted], None, js=VOTE_DONE_JS, queue=False, trigger_mode="multiple")
        for trigger in (query.submit, search.click, article.input):
            trigger(lookup, [query, article], [results], **busy, **private)
        # Opening the staff tab lists the articles as they are now (a chosen one stays chosen while it exists).
        staff_tab.select(articles, [article], [article], queue=False, **private)
        for trigger in (refresh.click, staff_key.submit, staff_tab.select):
            trigger(gaps, [staff_key], [gap_table], show_progress="hidden", queue=False, **private)
        gr.api(ask, api_name="ask", **busy)
    # Queue positions are pushed every 2 s rather than after every finished request: far fewer messages under load.
    # api_open=False: Gradio's plain REST routes (/gradio_api/run/...) would otherwise answer outside the queue, so
    # neither the concurrency limit nor the queue's "busy" refusal held there (round 14 audit: 150 at once all ran).
    demo.queue(
        default_concurrency_limit=settings.concurrency,
        max_size=settings.queue_size,
        status_update_rate=2,
        api_open=False,
    )
    return demo


def serve(demo: gr.Blocks, *, host: str = "127.0.0.1", port: int = 7860, root_path: str = "", **launch: object):
    """Launch ``demo`` with the app's styles and upload refusal; returns Gradio's (app, local_url, share_url)."""
    # No "Use via API" link in the footer: patients see the page; integrators read the README (the API stays public).
    look = {"css": CSS, "head": HEAD, "theme": THEME, "ssr_mode": False, "share": False}
    look["footer_links"] = ["gradio", "settings"]
    refuse = {"middleware": [Middleware(LimitBody), Middleware(RefuseUploads), Middleware(FillDefaultK)]}
    root = root_path or None
    return demo.launch(server_name=host, server_port=port, root_path=root, app_kwargs=refuse, **look, **launch)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the clinic's question-answering app.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    parser.add_argument("--root-path", default="", help="URL prefix when served behind a reverse proxy, e.g. /qa")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        settings, qa_settings = load_app_settings(), load_settings()
        feedback = FeedbackStore(settings.feedback_db)  # a bad database fails before the model and index load
        pin_threads(settings.threads)
        print("Loading the index (it is built first if missing or out of date)...", flush=True)
        embedder = Embedder(
            qa_settings.model, batch_size=qa_settings.batch_size, backend=qa_settings.backend, threads=settings.threads
        )
        demo = build_app(Pipeline(qa_settings, embedder=embedder), feedback=feedback, settings=settings)
    except (QAError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _, url, _ = serve(demo, host=args.host, port=args.port, root_path=args.root_path, prevent_thread_lock=True)
    print(f"The clinic's Q&A app is ready at {url}", flush=True)
    if not os.environ.get("QA_STAFF_KEY"):
        print(f"Staff key for the list of unanswered questions (this run only): {settings.staff_key}", flush=True)
    demo.block_thread()
    return 0


if __name__ == "__main__":
    sys.exit(main())

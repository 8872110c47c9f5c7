"""Patient feedback (👍/👎 per answer) and the questions the bot could not answer, in one SQLite file.

The app records a vote with the question, the ids of the quotes shown, the answer's status and the
time; every ``no_answer`` question is logged so staff can see which articles are missing. A crisis
message is never stored verbatim: :data:`CRISIS_PLACEHOLDER` is stored in its place — nor is one the semantic
crisis check flagged (``check_in``; the app does not log those as unanswered at all: not a content gap).

Concurrency: every call opens its own connection (``sqlite3`` connections are not shared between
threads), the database runs in WAL mode, and writers wait up to ``timeout`` seconds for the lock, so
votes arriving at the same moment from several request threads or processes are all kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import QAError

__all__ = [
    "CRISIS_PLACEHOLDER",
    "CRISIS_TOPIC_PLACEHOLDER",
    "VOTES",
    "FeedbackStore",
    "Gap",
    "Vote",
    "question_key",
    "storable_question",
]

logger = logging.getLogger(__name__)

#: Stored instead of the words of any message the pipeline routed as a crisis or gave the check-in line.
CRISIS_PLACEHOLDER = "[crisis message: not stored]"
CRISIS_TOPIC_PLACEHOLDER = "[message on a crisis topic: not stored]"
#: Unanswered questions kept (the newest; older ones are deleted as new ones come): the staff list reads the most
#: frequent, so this bounds the file (about 300 bytes a row) and the list's query time against a flood of requests.
KEEP_UNANSWERED = 20_000
#: Accepted vote values.
VOTES = ("up", "down")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    time      TEXT NOT NULL,
    question  TEXT NOT NULL,
    status    TEXT NOT NULL,
    quote_ids TEXT NOT NULL,
    vote      TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    answer_id TEXT
);
CREATE TABLE IF NOT EXISTS unanswered (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    time     TEXT NOT NULL,
    question TEXT NOT NULL,
    key      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS unanswered_key ON unanswered (key);
"""
#: Added in round 14: one vote per shown answer, whatever the race. Votes stored before it have no answer id; a
#: database from before gets the column in place (a new one has it from the start, so two processes creating one
#: at once never both add it).
_ANSWER_ID = "CREATE UNIQUE INDEX IF NOT EXISTS votes_answer ON votes (answer_id) WHERE answer_id IS NOT NULL"


@dataclass(frozen=True)
class Vote:
    """One stored 👍/👎."""

    id: int
    time: str
    question: str
    status: str
    quote_ids: tuple[str, ...]
    vote: str


@dataclass(frozen=True)
class Gap:
    """A question (grouped by :func:`question_key`) the articles could not answer, with its count."""

    question: str  # the latest wording asked
    count: int
    last_asked: str


def storable_question(question: str, status: str, check_in: bool = False, route: str = "") -> str:
    """What may be written to disk for ``question``: never the words of a crisis message (by the rules, or by
    the semantic check: ``check_in``), nor of a message on a crisis topic (``route`` safety_info: a question
    about suicide or overdose, or one's own or a relative's past attempt, which the gate answers with the
    crisis-line note)."""
    if status == "crisis" or check_in:
        return CRISIS_PLACEHOLDER
    return CRISIS_TOPIC_PLACEHOLDER if route == "safety_info" else question


def question_key(question: str) -> str:
    """Grouping key for similar wordings: case-folded, accents kept, spaces collapsed, end punctuation off."""
    text = " ".join(unicodedata.normalize("NFKC", question).casefold().split())
    return text.rstrip(" ?!.…")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    """The feedback database at ``path`` (created, with its folder, on first use)."""

    def __init__(self, path: Path | str, *, timeout: float = 30.0, keep_unanswered: int = KEEP_UNANSWERED) -> None:
        self.path = Path(path).expanduser()
        self.timeout = timeout
        self.keep_unanswered = keep_unanswered
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
                if "answer_id" not in {row[1] for row in conn.execute("PRAGMA table_info(votes)")}:
                    conn.execute("ALTER TABLE votes ADD COLUMN answer_id TEXT")
                conn.execute(_ANSWER_ID)
        except (sqlite3.Error, OSError) as exc:
            # A corrupt file, a folder or a path under a file gave a raw traceback at start (round 16 audit).
            raise QAError(
                f"Cannot use the feedback database {str(self.path)!r} ({exc}); "
                "set QA_FEEDBACK_DB to a writable file, or move this one aside"
            ) from None

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=self.timeout)
        try:
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
            with conn:  # one transaction: committed on success, rolled back on error
                yield conn
        finally:
            conn.close()

    def record_vote(
        self,
        question: str,
        status: str,
        quote_ids: list[str] | tuple[str, ...],
        vote: str,
        *,
        check_in: bool = False,
        route: str = "",
        answer_id: str | None = None,
    ) -> int | None:
        """Store a vote; returns its row id, or ``None`` when the answer ``answer_id`` already has a vote (the app
        gives every shown answer an id, so two clicks or requests racing each other store one vote). ``vote`` is
        ``"up"`` or ``"down"``; ``check_in``, ``route``: the answer's (:func:`storable_question`)."""
        if vote not in VOTES:
            raise ValueError(f"Vote {vote!r} is not accepted; valid: {list(VOTES)!r}")
        text = storable_question(question, status, check_in, route)
        row = (_now(), text, status, json.dumps(list(quote_ids)), vote, answer_id)
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO votes (time, question, status, quote_ids, vote, answer_id) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (answer_id) WHERE answer_id IS NOT NULL DO NOTHING",
                row,
            )
            return int(cur.lastrowid) if cur.rowcount else None

    def log_unanswered(self, question: str, status: str = "no_answer", route: str = "") -> None:
        """Log a question the articles could not answer (a crisis message, or one on a crisis topic, is logged
        as a placeholder)."""
        text = storable_question(question, status, route=route)
        with self._connect() as conn:
            cur = conn.execute(
                "INSERT INTO unanswered (time, question, key) VALUES (?, ?, ?)", (_now(), text, question_key(text))
            )
            # Only the newest keep_unanswered rows stay: anyone can ask, so the log must not grow without end.
            conn.execute("DELETE FROM unanswered WHERE id <= ?", (int(cur.lastrowid) - self.keep_unanswered,))

    def votes(self) -> list[Vote]:
        """Every stored vote, oldest first."""
        with self._connect() as conn:
            rows = conn.execute("SELECT id, time, question, status, quote_ids, vote FROM votes ORDER BY id").fetchall()
        return [Vote(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5]) for r in rows]

    def votes_for(self, answer_ids: list[str] | tuple[str, ...]) -> dict[str, str]:
        """The vote stored for each of ``answer_ids`` that has one (``{answer id: "up" | "down"}``): what the app
        shows for answers already voted on when it draws the conversation again."""
        ids = [i for i in dict.fromkeys(answer_ids) if i]
        if not ids:
            return {}
        with self._connect() as conn:
            marks = ", ".join("?" * len(ids))
            rows = conn.execute(f"SELECT answer_id, vote FROM votes WHERE answer_id IN ({marks})", ids).fetchall()
        return dict(rows)

    def unanswered(self) -> list[str]:
        """Every logged unanswered question as stored, oldest first."""
        with self._connect() as conn:
            return [r[0] for r in conn.execute("SELECT question FROM unanswered ORDER BY id")]

    def top_unanswered(self, limit: int = 10) -> list[Gap]:
        """The most frequently asked unanswered questions, most frequent (then most recent) first."""
        query = """
            SELECT (SELECT question FROM unanswered AS latest WHERE latest.key = u.key ORDER BY id DESC LIMIT 1),
                   COUNT(*), MAX(time)
            FROM unanswered AS u GROUP BY key ORDER BY COUNT(*) DESC, MAX(id) DESC LIMIT ?
        """
        with self._connect() as conn:
            return [Gap(q, int(n), t) for q, n, t in conn.execute(query, (limit,))]

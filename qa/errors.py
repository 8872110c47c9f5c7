"""User-facing exceptions.

Every error a user can cause (bad question, bad corpus, missing or corrupt index, missing model) is a
:class:`QAError` whose message is one complete, actionable line. The CLI prints it and exits non-zero;
the app raises ``gr.Error`` with it. Anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "QAError",
    "InvalidQuestion",
    "CorpusError",
    "IndexUnavailable",
    "ModelUnavailable",
    "SettingError",
    "read_lines",
]


class QAError(Exception):
    """Base class: the message is one line meant for the person who caused it."""


class InvalidQuestion(QAError, ValueError):
    """The question is empty, too long, or otherwise unusable. ``check_in``: refused, but the semantic crisis check
    fired on it (the message then ends with the check-in line; the app shows it as a turn, not a pop-up)."""

    def __init__(self, message: str, *, check_in: bool = False) -> None:
        super().__init__(message)
        self.check_in = check_in


class CorpusError(QAError):
    """The corpus directory is missing or holds no usable article."""


class IndexUnavailable(QAError):
    """The index is missing, corrupt or stale and could not be (re)built."""


class ModelUnavailable(QAError):
    """The packaged embedding model cannot be loaded."""


class SettingError(QAError, ValueError):
    """A ``QA_*`` environment setting is not usable (not a whole number, or out of range)."""


def read_lines(path: Path, what: str) -> list[str]:
    """The lines of a staff-edited UTF-8 file; an unreadable one is a :class:`QAError` naming ``what`` it is."""
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QAError(f"Cannot read the {what} file {str(path)!r}: {exc}") from None

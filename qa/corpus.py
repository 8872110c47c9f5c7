"""Reading articles from the corpus directory.

Corpus format
-------------
Every ``*.txt`` or ``*.md`` file under the corpus directory is one article. A file may start with a
front-matter block giving its citation; the article text follows unchanged::

    ---
    title: What is Ketamine Therapy and How Does It Work?
    author: Leona Kashersky, PsyD
    source: https://example.org/blog/ketamine
    ---
    <the article, word for word>

Only ``title``, ``author`` and ``source`` are read (other keys are kept in ``meta``). Without a
front-matter title, the title is the article's first line when it looks like a heading (short, no
final full stop; a Markdown ``# Heading`` counts), else the file name (``my-article.txt`` →
"My article"). Offsets everywhere are Python string indices into the whole file as decoded from
UTF-8, front matter included, so ``file_text[start:end]`` is always the quoted text.

A file that is empty, binary or not UTF-8, whose name is not UTF-8, or whose front matter is broken (a first line
``---`` with no closing ``---``, or a line in the block that is not ``key: value``; or a block that does not start
on the first line, including a ``key: value`` block with a ``title``, ``author``, ``source`` or ``date`` between two
``---`` lines further down) is skipped with a warning naming it and the problem; the rest is read. A broken block is not
read as article text: its lines would be quoted to patients.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError

__all__ = ["SUFFIXES", "Document", "parse_document", "corpus_files", "load_corpus", "fingerprint"]

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
_FRONT_KEY = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")


@dataclass(frozen=True)
class Document:
    """One article: its whole file text plus citation metadata."""

    path: str  # relative to the corpus directory, with forward slashes
    text: str  # the whole file, exactly as decoded
    title: str
    body_start: int  # offset of the article text, after any front matter
    author: str = ""
    source: str = ""
    sha256: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


def parse_document(path: str, text: str, sha256: str = "") -> Document:
    """Split front matter from article text and work out the title."""
    meta, body_start = _front_matter(text)
    title = meta.get("title", "") or _title_from_body(text[body_start:]) or _title_from_name(path)
    return Document(
        path=path,
        text=text,
        title=title,
        body_start=body_start,
        author=meta.get("author", ""),
        source=meta.get("source", ""),
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        meta=meta,
    )


def _front_matter(text: str) -> tuple[dict[str, str], int]:
    offset = 1 if text.startswith("\ufeff") else 0
    lines = text[offset:].splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, offset
    meta: dict[str, str] = {}
    pos = offset + len(lines[0])
    for line in lines[1:]:
        pos += len(line)
        if line.strip() == "---":
            return meta, pos
        match = _FRONT_KEY.match(line.strip())
        if match:
            meta[match.group(1).lower()] = match.group(2).strip("\"'")
        elif line.strip():
            break
    return {}, offset  # no closing '---' or not key: value lines: it is article text


def front_matter_problem(text: str) -> str:
    """Why a file's front matter is broken ("" when it has none or it is sound): see the module docstring."""
    offset = 1 if text.startswith("\ufeff") else 0
    lines = text[offset:].splitlines()
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "---":
        return _late_citation_block(lines)
    if first > 0:
        return "its front matter ('---') does not start on the first line"
    for n, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return ""
        if line.strip() and not _FRONT_KEY.match(line.strip()):
            return f"front matter line {n} is not 'key: value' ({line.strip()[:40]!r})"
    return "its front matter has no closing '---' line"


#: The front-matter keys a citation gives (the ones read, and a date).
_CITATION_KEYS = frozenset({"title", "author", "source", "date"})


def _late_citation_block(lines: list[str]) -> str:
    """A front-matter block further down the file (after a heading, say): lines of ``key: value`` only, one of them a
    citation key, between two ``---`` lines. Read as article text its ``author:`` line would be quoted to patients
    (round 25 staff audit); a Markdown rule (``---``) around ordinary text is not one."""
    rules = [n for n, line in enumerate(lines) if line.strip() == "---"]
    for start, end in zip(rules, rules[1:]):
        inside = [line.strip() for line in lines[start + 1 : end] if line.strip()]
        matches = [_FRONT_KEY.match(line) for line in inside]
        if inside and all(matches) and any(m.group(1).lower() in _CITATION_KEYS for m in matches):
            return f"a front-matter block (line {start + 1}) does not start on the first line"
    return ""


def _title_from_body(body: str) -> str:
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            return line.lstrip("#").strip()
        if len(line) <= 150 and not line.endswith((".", ",", ";", ":")) and any(c.isalnum() for c in line):
            return line
        return ""
    return ""


def _title_from_name(path: str) -> str:
    stem = Path(path).stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else path


def corpus_files(corpus_dir: Path, *, warn: bool = True) -> list[Path]:
    """Article files under ``corpus_dir`` (recursively), sorted; hidden files and folders skipped quietly, any other
    file that is not ``.txt`` or ``.md`` with a warning.

    A symbolic link is followed only when its target lies inside the corpus folder too: a link
    to a file elsewhere (``/etc/...``, a draft folder) would put unvetted text behind a quote, so
    it is skipped with a warning. ``warn=False`` keeps the skips quiet, for callers (the index
    fingerprint) that run next to :func:`load_corpus`, which reports them once.
    """
    if corpus_dir.exists() and not corpus_dir.is_dir():  # round 25 audit: a file was said not to exist
        raise CorpusError(f"Corpus directory {str(corpus_dir)!r} is a file, not a folder; give the folder of articles")
    if not corpus_dir.is_dir():
        raise CorpusError(f"Corpus directory {str(corpus_dir)!r} does not exist; create it and add .txt/.md files")
    skip = logger.warning if warn else logger.debug
    root = corpus_dir.resolve()
    files: list[Path] = []
    locked: list[Path] = []  # unreadable folders: nothing under them is listed
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or any(d in path.parents for d in locked):
            continue
        # These two were skipped without a word, unlike every other file left out (round 16 audit).
        if path.is_dir() and not os.access(path, os.R_OK | os.X_OK):
            skip("Skipping the folder %s: cannot read it (permission denied), so its articles are left out", rel)
            locked.append(path)
            continue
        if path.is_symlink() and not path.exists() and path.suffix.lower() in SUFFIXES:
            skip("Skipping %s: it is a link to a file that does not exist", rel)
            continue
        if path.is_symlink() and path.is_dir() and not path.resolve().is_relative_to(root):
            skip("Skipping the folder %s: it is a link to a folder outside the corpus folder; copy them in", rel)
            continue
        if not path.is_file():
            continue
        if path.suffix.lower() not in SUFFIXES:
            # Left out silently until round 25 (staff audit: an .html article dropped in was never read, unsaid).
            skip("Skipping %s: only .txt and .md files are articles; save it as one to include it", rel)
            continue
        try:
            rel.as_posix().encode("utf-8")
        except UnicodeEncodeError:
            skip("Skipping %r: its file name is not valid UTF-8; rename it", rel.as_posix())
            continue
        if not path.resolve().is_relative_to(root):
            skip("Skipping %s: it is a link to a file outside the corpus folder; copy the article in instead", rel)
            continue
        files.append(path)
    return files


def _read(path: Path, rel: str) -> tuple[str, str] | None:
    """Return (text, sha256) or None with a warning when the file cannot be an article."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        logger.warning("Skipping %s: cannot read it (%s)", rel, exc.strerror or exc)
        return None
    if b"\x00" in data:
        logger.warning("Skipping %s: it looks binary, not text", rel)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        logger.warning("Skipping %s: not valid UTF-8 (byte %d); re-save it as UTF-8", rel, exc.start)
        return None
    return text, hashlib.sha256(data).hexdigest()


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every readable article in ``corpus_dir``; raises :class:`CorpusError` when there is none."""
    docs = []
    for path in corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        read = _read(path, rel)
        if read is None:
            continue
        problem = front_matter_problem(read[0])
        if problem:
            logger.warning("Skipping %s: %s (see README, 'Corpus format')", rel, problem)
            continue
        doc = parse_document(rel, *read)
        if not doc.body.strip():
            logger.warning("Skipping %s: it has no article text", rel)
            continue
        docs.append(doc)
    if not docs:
        raise CorpusError(
            f"No usable articles in {str(corpus_dir)!r}: add UTF-8 .txt or .md files (see README, 'Corpus format')"
        )
    return docs


def fingerprint(corpus_dir: Path) -> dict[str, str]:
    """sha256 of every article file's bytes, by relative path: what the index manifest records."""
    out = {}
    for path in corpus_files(corpus_dir, warn=False):
        try:
            out[path.relative_to(corpus_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            continue
    return out

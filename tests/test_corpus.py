"""Corpus loading: front matter, titles, bad files skipped with a warning, the seeds kept verbatim."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT
from qa.corpus import fingerprint, load_corpus, parse_document
from qa.errors import CorpusError

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


def test_front_matter_gives_citation_and_offsets_cover_whole_file():
    text = "---\ntitle: A Title\nauthor: Dr. Who\nsource: clinic\n---\nBody line.\n"
    doc = parse_document("a.txt", text)
    assert (doc.title, doc.author, doc.source) == ("A Title", "Dr. Who", "clinic")
    assert doc.body == "Body line.\n"
    assert doc.text[doc.body_start :] == "Body line.\n"


@pytest.mark.parametrize(
    ("name", "text", "title"),
    [
        ("x.md", "# Markdown Heading\n\nText here.", "Markdown Heading"),
        ("x.txt", "A Short Heading\nText here.", "A Short Heading"),
        ("my-new_article.txt", "This first line is a sentence.\nMore.", "My new article"),
        ("y.txt", "---\nnot front matter at all\nText.", "Y"),
    ],
)
def test_title_without_front_matter(name: str, text: str, title: str):
    assert parse_document(name, text).title == title


def test_real_corpus_has_titles_and_the_named_author():
    docs = {d.path: d for d in load_corpus(PROJECT_ROOT / "corpus")}
    assert len(docs) == 5
    assert all(d.title for d in docs.values())
    assert docs["what-is-ketamine-therapy-and-how-does-it-work.txt"].author == "Leona Kashersky, PsyD"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not present")
def test_article_text_is_the_seed_text_exactly():
    bodies = {d.body for d in load_corpus(PROJECT_ROOT / "corpus")}
    seeds = {p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    assert bodies == seeds


def test_bad_files_are_skipped_with_a_warning_naming_them(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    (tmp_path / "good.txt").write_text("Good Article\nKetamine is a medication.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "only-front.md").write_text("---\ntitle: T\n---\n   \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "latin1.txt").write_bytes("café au lait".encode("latin-1"))
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path)
    assert [d.path for d in docs] == ["good.txt"]
    for name in ("empty.txt", "only-front.md", "binary.txt", "latin1.txt"):
        assert name in caplog.text
    # Round 25 (staff audit): a file of another kind is named too, not left out unsaid.
    assert "Skipping ignored.pdf: only .txt and .md files are articles" in caplog.text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: Zebra Guide\nauthor Dr. Zebra\n---\nZebra sessions last forty minutes.\n", "line 3"),
        ("---\ntitle: Zebra Guide\nZebra sessions last forty minutes.\n", "line 3"),
        ("---\ntitle: Zebra Guide\nauthor: Dr. Zebra\n", "no closing"),
        ("\n---\ntitle: Zebra Guide\n---\nZebra sessions last forty minutes.\n", "first line"),
        # Round 25 (staff audit): a citation block after a heading was article text, its lines quoted.
        ("Zebra Guide\n\n---\nauthor: Dr. Zebra\nsource: http://x\n---\n\nZebra sessions last long.", "line 3"),
    ],
)
def test_broken_front_matter_is_skipped_not_quoted(tmp_path: Path, caplog: pytest.LogCaptureFixture, text, problem):
    """A broken block would otherwise be article text, its 'author Dr. Zebra' line quoted to patients."""
    (tmp_path / "good.txt").write_text("---\ntitle: Good\nauthor: A. Writer\n---\nKetamine is a medication.\n")
    (tmp_path / "zebra.txt").write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path)
    assert [(d.path, d.title, d.author) for d in docs] == [("good.txt", "Good", "A. Writer")]
    assert "Skipping zebra.txt" in caplog.text and problem in caplog.text


def test_a_file_given_as_the_corpus_folder_is_named_as_a_file(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("Title\nText.", encoding="utf-8")
    with pytest.raises(CorpusError, match="is a file, not a folder"):
        load_corpus(tmp_path / "article.txt")


def test_a_markdown_rule_around_text_is_article_text(tmp_path: Path) -> None:
    """Two ``---`` lines around ordinary text (Markdown rules), or around ``Note: ...`` alone, are no citation block."""
    text = "Zebra Guide\n\n---\n\nNote: zebra sessions last forty minutes.\n\n---\n\nThe end.\n"
    (tmp_path / "zebra.txt").write_text(text, encoding="utf-8")
    assert [d.path for d in load_corpus(tmp_path)] == ["zebra.txt"]


def test_a_linked_folder_outside_the_corpus_is_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    corpus, drafts = tmp_path / "corpus", tmp_path / "drafts"
    corpus.mkdir(), drafts.mkdir()
    (corpus / "good.txt").write_text("Good Article\nKetamine is a medication.", encoding="utf-8")
    (drafts / "draft.txt").write_text("Draft\nUnvetted text.", encoding="utf-8")
    (corpus / "more").symlink_to(drafts, target_is_directory=True)
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(corpus)
    assert [d.path for d in docs] == ["good.txt"]
    assert "Skipping the folder more: it is a link to a folder outside the corpus folder" in caplog.text


def test_file_name_that_is_not_utf8_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    import os

    (tmp_path / "good.txt").write_text("Good Article\nKetamine is a medication.", encoding="utf-8")
    bad = os.path.join(os.fsencode(tmp_path), b"bad\xff.txt")
    with open(bad, "wb") as fh:
        fh.write(b"Bad Name\nKetamine again.\n")
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path)
        prints = fingerprint(tmp_path)
    assert [d.path for d in docs] == ["good.txt"] and list(prints) == ["good.txt"]
    assert caplog.text.count("file name is not valid UTF-8") == 1, "said once, not once per pass over the folder"


def test_link_to_a_file_outside_the_corpus_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Good Article\nKetamine is a medication.", encoding="utf-8")
    (tmp_path / "draft.txt").write_text("Draft\nUnvetted text that must never be quoted.", encoding="utf-8")
    (corpus / "draft.txt").symlink_to(tmp_path / "draft.txt")
    (corpus / "same.txt").symlink_to(corpus / "good.txt")
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(corpus)
        prints = fingerprint(corpus)
    assert [d.path for d in docs] == ["good.txt", "same.txt"] and list(prints) == ["good.txt", "same.txt"]
    assert caplog.text.count("Skipping draft.txt: it is a link to a file outside the corpus folder") == 1


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CorpusError, match="No usable articles"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_fingerprint_changes_with_content(tmp_path: Path):
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    before = fingerprint(tmp_path)
    (tmp_path / "a.txt").write_text("Two.", encoding="utf-8")
    assert fingerprint(tmp_path) != before and set(before) == {"a.txt"}


def test_a_dangling_link_and_an_unreadable_folder_are_named_when_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round 16 audit: these two were left out without a word, unlike every other skipped file."""
    (tmp_path / "good.txt").write_text("Good Article\nKetamine is a medication.", encoding="utf-8")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere" / "x.txt")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("Inside\nA locked article.", encoding="utf-8")
    real_access = os.access
    # Tests run as root here, for whom every folder is readable: the permission answer is faked for this one folder.
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != locked and real_access(path, mode))
    with caplog.at_level(logging.WARNING):
        docs = load_corpus(tmp_path)
    assert [d.path for d in docs] == ["good.txt"]
    assert "dangling.txt: it is a link to a file that does not exist" in caplog.text
    assert "the folder locked: cannot read it" in caplog.text

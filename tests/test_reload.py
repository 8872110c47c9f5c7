"""A running pipeline follows the corpus and the index: an edited article or a new `qa build` is picked up."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

import qa.pipeline
from qa.config import Settings
from qa.pipeline import Pipeline
from qa.store import build_index

ARTICLE = "how-does-ketamine-therapy-work.txt"
QUESTION = "How quickly does ketamine therapy work?"


def _quotes_match_files(answer, corpus: Path) -> bool:
    texts = {q.path: (corpus / q.path).read_text(encoding="utf-8") for q in answer.quotes}
    return bool(answer.quotes) and all(texts[q.path][q.start : q.end] == q.text for q in answer.quotes)


@pytest.fixture
def live(scratch_settings: Settings, embedder, monkeypatch: pytest.MonkeyPatch) -> Pipeline:
    monkeypatch.setattr(qa.pipeline, "RELOAD_CHECK_SECONDS", 0.0)
    return Pipeline(scratch_settings, embedder=embedder)


def test_an_edited_article_is_quoted_as_it_is_now(live: Pipeline, scratch_settings: Settings) -> None:
    """Round 16 audit: the app kept quoting an article as it was when it started, so after an edit the quote was no
    longer the file's text at its offsets (the JSON contract's text == file[start:end])."""
    corpus = scratch_settings.corpus_dir
    assert _quotes_match_files(live.ask(QUESTION), corpus)
    path = corpus / ARTICLE
    text = path.read_text(encoding="utf-8")
    head, sep, body = text.partition("---\n")[2].partition("---\n")
    path.write_text(
        f"---\n{head}{sep}A new opening sentence the clinic added today, so every offset after it moves. {body}",
        encoding="utf-8",
    )
    answer = live.ask(QUESTION)
    assert _quotes_match_files(answer, corpus)
    assert any(q.path == ARTICLE for q in answer.quotes)


def test_a_new_index_generation_is_loaded(live: Pipeline, scratch_settings: Settings, embedder) -> None:
    before = live.index.path
    build_index(scratch_settings, embedder, progress=False)  # `qa build` from another process
    assert live.refresh() and live.index.path != before
    assert not live.refresh()  # nothing changed since


def test_a_failed_reload_keeps_serving_the_old_index(
    scratch_settings: Settings, embedder, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    Pipeline(scratch_settings, embedder=embedder)  # builds the index
    monkeypatch.setattr(qa.pipeline, "RELOAD_CHECK_SECONDS", 0.0)
    served = Pipeline(scratch_settings, embedder=embedder, rebuild=False)
    (scratch_settings.corpus_dir / ARTICLE).write_text("Edited, and no one ran qa build.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="qa.pipeline"):
        assert not served.refresh()
    assert "still serving the index loaded before" in caplog.text
    assert served.ask(QUESTION).status == "answered"


def test_a_reload_waits_for_answers_in_flight() -> None:
    readers = qa.pipeline._Readers()
    events: list[str] = []
    with readers.reading():
        writer = threading.Thread(target=lambda: readers.writing().__enter__() or events.append("reload"))
        writer.start()
        writer.join(timeout=0.3)
        events.append("answer done")
        with readers.reading():  # the same thread may read again while a reload waits
            pass
    writer.join(timeout=5)
    assert events == ["answer done", "reload"]

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
    assert "Still serving the index loaded before" in caplog.text
    assert served.ask(QUESTION).status == "answered"


def test_while_a_reload_fails_the_changed_article_is_not_quoted_and_the_reload_is_tried_again(
    scratch_settings: Settings, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Round 17 audit: after one failed reload (a lock it could not write) the app never tried again, and went on
    quoting a sentence the clinic had removed — text != file[start:end] — until it was restarted."""
    monkeypatch.setattr(qa.pipeline, "RELOAD_CHECK_SECONDS", 0.0)
    served = Pipeline(scratch_settings, embedder=embedder)
    assert any(q.path == ARTICLE for q in served.ask(QUESTION).quotes)
    opened, failing = qa.pipeline.open_index, [True]

    def flaky(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if failing[0]:
            raise OSError("No space left on device")
        return opened(*args, **kwargs)

    monkeypatch.setattr(qa.pipeline, "open_index", flaky)
    path = scratch_settings.corpus_dir / ARTICLE
    path.write_text(path.read_text(encoding="utf-8").replace("Ketamine", "[Removed by clinical review]"), "utf-8")
    assert not served.refresh()
    corpus = scratch_settings.corpus_dir
    answer = served.ask(QUESTION)
    assert all(q.path != ARTICLE for q in answer.quotes)
    assert all((corpus / q.path).read_text(encoding="utf-8")[q.start : q.end] == q.text for q in answer.quotes)
    assert all(h.passage.path != ARTICLE for h in served.search(QUESTION, 50))
    assert not served.refresh()  # the same corpus again: not tried again before RELOAD_RETRY_SECONDS
    failing[0] = False
    monkeypatch.setattr(qa.pipeline, "RELOAD_RETRY_SECONDS", 0.0)
    served._retry_at = 0.0
    assert served.refresh()  # nothing changed since, but the failed reload is tried again
    assert _quotes_match_files(served.ask(QUESTION), corpus)


def test_a_crisis_message_does_not_wait_for_a_reload(live: Pipeline, scratch_settings: Settings) -> None:
    """Round 17 audit: a crisis message sent just after an article was edited waited ~10 s behind the reload."""
    path = scratch_settings.corpus_dir / ARTICLE
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert live.ask("I want to kill myself tonight").status == "crisis"
    assert live._loaded[0] != live._corpus_stats()  # answered without reloading
    assert live.ask(QUESTION).status == "answered" and live._loaded[0] == live._corpus_stats()


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

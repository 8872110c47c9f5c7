"""Test doubles shared by the app tests (fakes only around the real pipeline)."""

from __future__ import annotations

import threading


class HeldPipeline:
    """The real pipeline, except that ``ask`` waits until the test opens ``release`` (the pipeline's own ``gate``,
    the safety gate, stays reachable: the app reads its messages)."""

    def __init__(self, real, release: threading.Event) -> None:
        self._real, self._release = real, release

    def ask(self, question: str, k: int | None = None):
        assert self._release.wait(timeout=120), "test never released the pipeline"
        return self._real.ask(question, k)

    def __getattr__(self, name: str):
        return getattr(self._real, name)

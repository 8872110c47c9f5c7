"""Test doubles shared by the app tests (fakes only around the real pipeline)."""

from __future__ import annotations

import threading


class HeldPipeline:
    """The real pipeline, except that ``ask`` waits until the test opens ``gate``."""

    def __init__(self, real, gate: threading.Event) -> None:
        self._real, self.gate = real, gate

    def ask(self, question: str, k: int | None = None):
        assert self.gate.wait(timeout=120), "test never released the pipeline"
        return self._real.ask(question, k)

    def __getattr__(self, name: str):
        return getattr(self._real, name)

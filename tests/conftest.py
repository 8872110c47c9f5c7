"""Shared fixtures: the real packaged model (loaded once) and an index of the real corpus built once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT, Settings, load_settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPUS = PROJECT_ROOT / "corpus"


@pytest.fixture(scope="session")
def embedder():
    """The real packaged all-MiniLM-L6-v2, loaded once per session."""
    from qa.embedding import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory, embedder) -> Settings:
    """Settings pointing at a copy of the real corpus with a freshly built index (read-only use)."""
    from qa.store import build_index

    root = tmp_path_factory.mktemp("real")
    shutil.copytree(CORPUS, root / "corpus")
    settings = load_settings(corpus_dir=root / "corpus", index_dir=root / "index")
    build_index(settings, embedder, progress=False)
    return settings


@pytest.fixture(scope="session")
def pipeline(built_settings: Settings, embedder):
    """A Pipeline over the real corpus, sharing the session's model (do not mutate its files)."""
    from qa.pipeline import Pipeline

    return Pipeline(built_settings, rebuild=False, embedder=embedder)


@pytest.fixture
def scratch_settings(tmp_path: Path) -> Settings:
    """Settings over a private copy of the real corpus, for tests that edit or break files."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return load_settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")

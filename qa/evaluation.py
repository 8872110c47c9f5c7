"""Scoring the pipeline on an evaluation set: ranking, abstention and safety routing (``qa eval``).

Every question goes through :meth:`qa.pipeline.Pipeline.ask` and is scored from ``Answer.to_dict()``,
the JSON contract of ``qa ask`` — there is no second retrieval path. Each configuration runs twice:

* **ranking** — the configuration with abstention switched off (:data:`RANKING_OVERRIDES`), asked for
  :data:`RANKING_DEPTH` quotes, so hit@k / MRR@10 / nDCG@10 measure the ranking even where the
  production answer would abstain;
* **production** — the configuration as shipped, asked for ``k`` quotes (default ``settings.top_k``):
  answered rate, abstention precision/recall and safety routing come from this run.

A quote is a *hit* when its text contains a gold answer after :func:`qa.metrics.normalise`; the
*relevant passages* of a question (nDCG's ideal ranking) are every passage of the index that does.
Questions whose answer is in no passage (e.g. it crosses a passage boundary) are counted as
``unreachable``; they stay in the means as misses.
"""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .config import CONFIGURATIONS, MAX_TOP_K, PROJECT_ROOT, Settings, load_settings
from .datasets import EvalQuestion, EvalSet, load_eval_set, split_questions
from .errors import QAError
from .metrics import normalise
from .scoring import RANKING_DEPTH, TABLE_KS, ConfigResult, QuestionResult, score_config

__all__ = [
    "DEFAULT_WORK_DIR",
    "RANKING_DEPTH",
    "RANKING_OVERRIDES",
    "TABLE_KS",
    "ConfigResult",
    "EvalFileError",
    "EvalRun",
    "QuestionResult",
    "configurations",
    "evaluate",
    "load_questions",
    "run",
]

logger = logging.getLogger(__name__)

#: Where SQuAD corpora and evaluation indexes are built (git-ignored).
DEFAULT_WORK_DIR = PROJECT_ROOT / "var" / "eval"
#: Settings overrides of the ranking run: never abstain, so no ranking is hidden by abstention.
RANKING_OVERRIDES: dict[str, object] = {"min_score": float("-inf")}


class EvalFileError(QAError):
    """The evaluation file is missing, unreadable or not in a supported format."""


@dataclass
class EvalRun:
    """A whole ``qa eval`` run: what was evaluated, how, and one result per configuration."""

    command: str
    date: str
    commit: str
    dataset: dict  # path, name, corpus_dir, split, questions (in the file), evaluated, kinds
    k: int | None  # quotes per production answer: --k, or the configurations' shared top_k (None: they differ)
    configs: list[ConfigResult]

    def to_dict(self) -> dict:
        return asdict(self)


def run(
    questions_path: Path,
    *,
    corpus_dir: Path | None = None,
    index_dir: Path | None = None,
    k: int | None = None,
    split: str = "all",
    compare: Sequence[str] | None = None,
    work_dir: Path = DEFAULT_WORK_DIR,
    command: str = "",
    progress: bool = False,
    embedder: object | None = None,
) -> EvalRun:
    """Load the set, prepare each configuration's settings and index, and evaluate them all.

    ``compare=None`` evaluates the production settings only; a list names entries of ``CONFIGURATIONS``.
    """
    if k is not None and not 1 <= k <= MAX_TOP_K:
        raise QAError(f"--k must be between 1 and {MAX_TOP_K}, got {k!r}")
    check_names(compare)
    # When it started and at which commit: the code that runs is the code loaded now.
    date, commit = time.strftime("%Y-%m-%d %H:%M:%S %Z"), git_commit()
    space = workspace(work_dir, questions_path)
    eval_set, questions = load_questions(questions_path, space, split, corpus_dir, index_dir)
    base = base_settings(eval_set, space, corpus_dir, index_dir)
    configs = configurations(compare, base, space)
    results = evaluate(questions, configs, embedder=embedder, k=k, progress=progress)
    dataset = {
        "path": str(questions_path),
        "name": eval_set.name,
        "corpus_dir": str(base.corpus_dir),
        "split": split,
        "questions": len(eval_set.questions),
        "evaluated": len(questions),
        "kinds": dict(Counter(q.kind for q in questions)),
    }
    # The quotes each production answer showed: --k, else the configurations' own top_k when they share one (round 25
    # staff audit: ``--json`` said ``"k": null`` for the default); null only when they differ.
    shown = {c.settings.get("top_k") for c in results}
    k = k if k is not None else shown.pop() if len(shown) == 1 else None
    return EvalRun(command=command, date=date, commit=commit, dataset=dataset, k=k, configs=results)


def git_commit() -> str:
    """``git describe --always --dirty`` of the project (``-dirty``: tracked files were modified)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


def load_questions(
    path: Path, work_dir: Path, split: str = "all", corpus_dir: Path | None = None, index_dir: Path | None = None
) -> tuple[EvalSet, list[EvalQuestion]]:
    """The evaluation set at ``path`` and its questions of ``split``; one-line :class:`EvalFileError`s."""
    path = Path(path)
    if not path.is_file():
        raise EvalFileError(f"Questions file {str(path)!r} does not exist or is not a file")
    try:
        eval_set = load_eval_set(path, work_dir)
        questions = split_questions(eval_set.questions, split)
    except (ValueError, OSError) as exc:
        message = str(exc)
        raise EvalFileError(message if path.name in message else f"{str(path)!r}: {message}") from None
    if eval_set.corpus_dir is not None and corpus_dir is not None:
        raise EvalFileError(f"--corpus cannot be used with {str(path)!r}: a SQuAD file's contexts are its corpus")
    if eval_set.corpus_dir is not None and index_dir is not None:  # it would replace that folder's index
        raise EvalFileError(
            f"--index cannot be used with {str(path)!r}: a SQuAD file's index is built under --work-dir"
        )
    if not questions:
        counts = dict(Counter(q.split for q in eval_set.questions))
        raise EvalFileError(f"{str(path)!r} has no questions in split {split!r}; questions per split: {counts!r}")
    return eval_set, questions


def workspace(work_dir: Path, questions_path: Path) -> Path:
    """``work_dir/<file stem>-<hash of its path>``: one folder (generated corpus, indexes) per questions file."""
    digest = hashlib.sha1(str(Path(questions_path).resolve()).encode("utf-8")).hexdigest()[:8]
    return Path(work_dir) / f"{Path(questions_path).stem}-{digest}"


def _index_key(settings: Settings) -> dict:
    """The settings an index is built from; configurations that differ in them need an index of their own (else
    they would rebuild one folder in turn). The retrieval model counts only when it is not ``model`` itself, so the
    folders of packaged-model configurations keep the names they had before round 22."""
    key = {"model": settings.model, "backend": settings.backend, "chunking": settings.chunking()}
    if settings.passage_model != settings.model:
        key["retrieval_model"] = settings.passage_model
    return key


def settings_hash(settings: Settings) -> str:
    """Hash of the corpus folder and :func:`_index_key`: names an evaluation index folder."""
    key = {"corpus": str(settings.corpus_dir.resolve()), **_index_key(settings)}
    return hashlib.sha1(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()[:10]


def configurations(names: Sequence[str] | None, base: Settings, space: Path) -> dict[str, Settings]:
    """Settings per configuration name (``None`` → just ``production``, i.e. ``base``).

    A configuration with the base model, backend and chunking shares ``base.index_dir``; any other gets
    ``space/index-<settings hash>`` so each distinct index is built (embedded) once and reused.
    """
    names = check_names(names)
    result: dict[str, Settings] = {}
    for name in names:
        try:
            settings = replace(base, **CONFIGURATIONS[name])
        except TypeError as exc:
            raise QAError(f"Configuration {name!r} in qa.config.CONFIGURATIONS is invalid: {exc}") from None
        if _index_key(settings) != _index_key(base):
            settings = replace(settings, index_dir=space / f"index-{settings_hash(settings)}")
        result[name] = settings
    return result


def check_names(names: Sequence[str] | None) -> list[str]:
    """Configuration names, deduplicated (``None`` → ``["production"]``); unknown ones are an error."""
    names = ["production"] if names is None else list(dict.fromkeys(names))
    unknown = [n for n in names if n not in CONFIGURATIONS]
    if unknown:
        raise QAError(f"Unknown configuration(s) {unknown!r}; valid: {sorted(CONFIGURATIONS)!r}")
    return names


def base_settings(eval_set: EvalSet, space: Path, corpus_dir: Path | None, index_dir: Path | None) -> Settings:
    """Production settings over the set's corpus; the index of ``qa ask`` for our corpus, else in ``space``.
    Known questions (``qa.known``) are read leave-one-out: a question never finds its own entry."""
    settings = load_settings(
        corpus_dir=eval_set.corpus_dir or corpus_dir, index_dir=index_dir, known_leave_one_out=True
    )
    if index_dir is None and (eval_set.corpus_dir is not None or corpus_dir is not None):
        settings = replace(settings, index_dir=space / f"index-{settings_hash(settings)}")
    return settings


def evaluate(
    questions: Sequence[EvalQuestion],
    configs: dict[str, Settings],
    *,
    embedder: object | None = None,
    k: int | None = None,
    progress: bool = False,
    crisis_check: bool = True,
) -> list[ConfigResult]:
    """Run every configuration over ``questions``; one embedder per model and backend serves all of them.

    ``crisis_check=False`` leaves the semantic crisis check out (the safety rules still run): only for a model the
    check was not trained on, whose ranking is all that is measured (``eval/finetune_probe.py``).
    """
    from .embedding import Embedder

    embedders: dict[str, object] = {}  # Embedder.model_id ("model|backend") -> Embedder
    if embedder is not None:
        embedders[embedder.model_id] = embedder
    done: dict[str, ConfigResult] = {}  # repr(settings) -> result: identical configurations run once
    results = []
    for name, settings in configs.items():
        if repr(settings) in done:
            same = done[repr(settings)]
            logger.info("Configuration %r has the same settings as %r; reusing its result", name, same.name)
            results.append(replace(same, name=name, same_as=same.name))
            continue
        model_key = f"{settings.model}|{settings.backend}"
        if model_key not in embedders:
            embedders[model_key] = Embedder(settings.model, batch_size=settings.batch_size, backend=settings.backend)
        result = run_config(
            name, settings, questions, embedders[model_key], k=k, progress=progress, crisis_check=crisis_check
        )
        done[repr(settings)] = result
        results.append(result)
    return results


def run_config(
    name: str,
    settings: Settings,
    questions: Sequence[EvalQuestion],
    embedder: object,
    *,
    k: int | None = None,
    progress: bool = False,
    crisis_check: bool = True,
) -> ConfigResult:
    """Both runs (ranking, production) of one configuration, scored (``crisis_check``: see :func:`evaluate`)."""
    from tqdm import tqdm

    from .pipeline import Pipeline

    started = time.perf_counter()
    logger.info("Configuration %r: %d questions, index %s", name, len(questions), settings.index_dir)
    production = Pipeline(settings, embedder=embedder, crisis_check=crisis_check)  # builds the index if missing/stale
    ranking = Pipeline(
        replace(settings, **RANKING_OVERRIDES), rebuild=False, embedder=embedder, crisis_check=crisis_check
    )
    passages = {p.id: normalise(p.text) for p in production.index.passages}
    scored = []
    for q in tqdm(questions, desc=name, unit="q", disable=not progress, leave=False):
        gold = [a for a in (normalise(a) for a in q.answers) if a]
        relevant = {pid for pid, text in passages.items() if any(a in text for a in gold)}
        ranked = _ask(ranking, q.question, RANKING_DEPTH)
        answer = _ask(production, q.question, k)
        scored.append((q, gold, relevant, ranked, answer))
    return score_config(name, settings, len(production.index.passages), scored, time.perf_counter() - started)


def _ask(pipeline: object, question: str, k: int | None) -> dict:
    try:
        return pipeline.ask(question, k).to_dict()
    except QAError as exc:  # e.g. a question over the length limit: a failure of this question only
        return {"question": question, "status": "error", "error": str(exc), "quotes": []}

"""Does fine-tuning the embedding model on the dev questions help retrieval? (README "Retrieval quality", round 21.)

    .venv/bin/python eval/finetune_probe.py --train covid-dev:B ours --test covid-dev:A
    .venv/bin/python eval/finetune_probe.py --train covid-dev ours-except:faq_dev4.jsonl --test faq_dev4.jsonl
    .venv/bin/python eval/finetune_probe.py --model var/finetune/<run> --test ...   # an earlier run's model

all-MiniLM-L6-v2 (the packaged weights, PyTorch) is fine-tuned on (question, gold passage) pairs: each training
question with its first passage that holds a gold answer, as the index cuts it (``index_text``: heading in front),
the other passages of a batch as negatives (in-batch softmax over cosines × 20; a passage twice in one batch is kept
once), AdamW at 2e-5 with 10 % warm-up and a linear decay, batches of 16, 2 epochs, seed 0. Nothing here was tuned:
these are the usual values for this loss. Then ``production`` and ``dense`` are evaluated with the packaged model and
with the fine-tuned one (index built by PyTorch in ``--out``), on the test questions' ranking (hit@k, MRR@10).

Question sets (``SET`` or ``SET:A``/``SET:B``, the two halves of its articles by the SHA-1 of the file name, so no
article is on both sides):

``ours``
    The answerable dev questions of ``eval/questions.jsonl`` and every ``eval/faq_dev*.jsonl`` (our corpus);
    ``ours-except:FILE`` without that file's.
``covid-dev`` / ``covid-test``
    The dev / held-out fold of ``../shared/data/covid-qa/covid-qa-dev.json`` (``qa eval --split``).
``ours-test``
    The test split of ``eval/questions.jsonl``. Any other name is a file of ``eval/``, all of it.

The semantic crisis check is left out of both runs (``qa.evaluation.evaluate(crisis_check=False)``): its weights
read the packaged model's vectors, so a fine-tuned model would route patient questions at random. This measures
ranking only; nothing here changes what the product ships. Each model is used in every stage here
(``retrieval_model=None``); production uses the model this probe trained on ``covid-dev ours`` for the dense first
stage alone since round 22 (``eval/make_retrieval_model.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.config import CONFIGURATIONS  # noqa: E402
from qa.datasets import EvalQuestion  # noqa: E402
from qa.embedding import Embedder, model_path  # noqa: E402
from qa.evaluation import DEFAULT_WORK_DIR, base_settings, evaluate, load_questions, workspace  # noqa: E402
from qa.metrics import normalise  # noqa: E402
from qa.pipeline import Pipeline  # noqa: E402

COVID_QA = ROOT.parent / "shared" / "data" / "covid-qa" / "covid-qa-dev.json"
OURS = ["questions.jsonl", "faq_dev.jsonl", "faq_dev2.jsonl", "faq_dev3.jsonl", "faq_dev4.jsonl"]
BASE_MODEL = "all-MiniLM-L6-v2"
CONFIGS = ("production", "dense")


def half(question: EvalQuestion) -> str:
    """``A`` or ``B``: which half of a set's articles ``question`` is about."""
    return "AB"[int(hashlib.sha1(question.path.encode("utf-8")).hexdigest(), 16) % 2]


def question_set(spec: str):
    """The answerable questions of ``spec`` and the production settings of their corpus."""
    name, _, part = spec.partition(":")
    if name in ("covid-dev", "covid-test"):
        files, path, split = [None], COVID_QA, name.removeprefix("covid-")
    elif name in ("ours", "ours-except"):
        files, split = [f for f in OURS if not (name == "ours-except" and f == part)], "dev"
        part = ""
    elif name == "ours-test":
        files, split = ["questions.jsonl"], "test"
    else:
        files, split = [name], "all"
        if not (ROOT / "eval" / name).is_file():
            raise SystemExit(f"error: unknown question set {spec!r}")
    questions, settings = [], None
    for file in files:
        path = COVID_QA if file is None else ROOT / "eval" / file
        eval_set, found = load_questions(path, DEFAULT_WORK_DIR, split)
        settings = base_settings(eval_set, workspace(DEFAULT_WORK_DIR, path), None, None)
        questions += [q for q in found if q.kind == "answerable" and q.answers and (not part or half(q) == part)]
    return questions, settings


def training_pairs(
    specs: list[str], hard_negatives: bool = False, own_article: bool = False
) -> list[tuple[str, str, str | None]]:
    """(question, its first gold passage's ``index_text``, a hard negative or None) for every training question with
    a gold passage. With ``own_article`` the gold passage is looked for in the question's own article first (a short
    answer such as "50" is held by passages of other articles too, and the first of the corpus was taken). With
    ``hard_negatives`` the negative is the passage of the same corpus that BM25 (``qa.lexical``, over ``index_text``)
    ranks highest among those holding no gold answer — the DPR recipe; otherwise None."""
    from qa.lexical import LexicalIndex, terms

    pairs: list[tuple[str, str, str | None]] = []
    for spec in specs:
        questions, settings = question_set(spec)
        passages = Pipeline(settings, crisis_check=False).index.passages
        lexical = LexicalIndex.build([p.index_text for p in passages]) if hard_negatives else None
        before = len(pairs)
        for q in questions:
            gold = [a for a in (normalise(a) for a in q.answers) if a]
            holds = [any(a in normalise(p.text) for a in gold) for p in passages]
            held = [p for p, h in zip(passages, holds, strict=True) if h]
            own = [p for p in held if own_article and q.path and p.path == q.path]
            found = (own or held or [None])[0]
            if found is None:
                continue
            negative = None
            if lexical is not None:
                order = sorted(range(len(passages)), key=lexical.scores(terms(q.question)).__getitem__, reverse=True)
                negative = next((passages[i].index_text for i in order if not holds[i]), None)
            pairs.append((q.question, found.index_text, negative))
        print(f"training set {spec}: {len(questions)} questions, {len(pairs) - before} pairs", flush=True)
    return pairs


def fine_tune(
    pairs: list[tuple[str, str, str | None]], out: Path, epochs: int, batch: int = 16, lr: float = 2e-5
) -> None:
    """Fine-tune the packaged model on ``pairs`` (in-batch negatives, plus each pair's hard negative if it has one:
    every question is scored against the batch's positives and hard negatives) and save it to ``out``."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    rng = random.Random(0)
    model = SentenceTransformer(str(model_path(BASE_MODEL)), device="cpu")
    model.max_seq_length = 256
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(pairs) / batch)
    warm = max(1, steps // 10)
    rate = lambda step: min(1.0, (step + 1) / warm) * max(0.0, 1 - step / steps)  # noqa: E731
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, rate)
    model.train()
    started = time.perf_counter()
    pairs = list(pairs)
    for epoch in range(epochs):
        rng.shuffle(pairs)
        losses = []
        for i in range(0, len(pairs), batch):
            chunk = list({text: (question, text, neg) for question, text, neg in pairs[i : i + batch]}.values())
            positives = [t for _, t, _ in chunk]
            negatives = list(dict.fromkeys(n for _, _, n in chunk if n is not None and n not in positives))
            encode = lambda texts: torch.nn.functional.normalize(  # noqa: E731
                model(model.tokenize(texts))["sentence_embedding"], dim=-1
            )
            scores = encode([q for q, _, _ in chunk]) @ encode(positives + negatives).T * 20.0
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(chunk)))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            losses.append(loss.item())
        seconds = time.perf_counter() - started
        print(f"epoch {epoch + 1}: loss {sum(losses) / len(losses):.3f}, {seconds:.0f} s", flush=True)
    model.eval()
    model.save(str(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", nargs="+", default=[], metavar="SET", help="question sets to fine-tune on")
    parser.add_argument("--test", nargs="+", required=True, metavar="SET", help="question sets to rank")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--own-article", action="store_true", help="take the gold passage from the question's article")
    parser.add_argument(
        "--hard-negatives", action="store_true", help="add each question's best BM25 passage without its answer"
    )
    parser.add_argument("--model", type=Path, help="evaluate this fine-tuned model folder instead of training one")
    parser.add_argument("--out", type=Path, help="run folder (default: var/finetune/<hash of the sets>)")
    args = parser.parse_args(argv)
    if (args.model is None) == (not args.train):
        parser.error("give --train SET ... (fine-tune) or --model DIR (an earlier run's model), not both")
    options = {"hard_negatives": args.hard_negatives, "own_article": args.own_article}
    spec = (args.train, args.epochs, str(args.model)) + tuple(name for name, on in options.items() if on)
    key = hashlib.sha1(repr(spec).encode()).hexdigest()[:10]
    out = args.out or ROOT / "var" / "finetune" / key
    out.mkdir(parents=True, exist_ok=True)
    model = args.model
    if model is None:
        model = out / "model"
        recipe = {"train": args.train, "epochs": args.epochs} | {name: True for name, on in options.items() if on}
        if (model / "modules.json").is_file():  # an earlier run's model: only reused if trained the same way
            written = out / "recipe.json"
            made = json.loads(written.read_text(encoding="utf-8")) if written.is_file() else None
            if made != recipe:
                parser.error(f"{str(out)!r} holds a model trained with {made!r}, not {recipe!r}: give another --out")
        else:
            fine_tune(training_pairs(args.train, args.hard_negatives, args.own_article), model, args.epochs)
            (out / "recipe.json").write_text(json.dumps(recipe), encoding="utf-8")
    embedders = {BASE_MODEL: Embedder(BASE_MODEL, backend="torch"), str(model): Embedder(str(model), backend="torch")}
    print("| test set | questions | model | configuration | hit@1 | hit@3 | hit@5 | MRR@10 |")
    print("|---|---|---|---|---|---|---|---|")
    for spec in args.test:
        questions, settings = question_set(spec)
        for label, name in (("packaged", BASE_MODEL), ("fine-tuned", str(model))):
            where = out / "index" / spec.replace(":", "-") / label
            configs = {
                config: replace(  # every stage on this model: no separate retrieval model (production's since round 22)
                    settings,
                    **{**CONFIGURATIONS[config], "retrieval_model": None},
                    model=name,
                    backend="torch",
                    index_dir=where / config,
                )
                for config in CONFIGS
            }
            for result in evaluate(questions, configs, embedder=embedders[name], crisis_check=False):
                r = result.ranking
                hits = " | ".join(f"{r['hit_at'][k]:.3f}" for k in (1, 3, 5))
                print(f"| {spec} | {r['n']} | {label} | {result.name} | {hits} | {r['mrr_at_10']:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

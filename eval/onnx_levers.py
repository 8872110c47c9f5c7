"""Build-throughput levers for the onnx backend, measured side by side (README "Performance", issue 7).

    .venv/bin/python eval/onnx_levers.py                      # throughput + cosine of every variant
    .venv/bin/python eval/onnx_levers.py --quality            # + `qa eval --split dev` on both eval sets,
                                                              #   float vs int8 index side (~25 min)

Variants of the packaged ONNX model (derived files go to ``var/bench/onnx-levers/``, never to git):
``current`` (what ``qa.embedding`` runs), ``fused`` (``onnxruntime.transformers`` fusion), ``int8``
(dynamic int8, per-channel, every weight MatMul), ``fused-int8``, ``int8-ffn`` (FFN MatMuls only) and
``int8-per-tensor``. Throughput is passages per CPU-second with one thread on the COVID-QA passages of
``eval/bench.py`` (CPU time, because wall-clock time swings 2× on this shared machine), in interleaved
rounds; cosine is against ``current``. ``--quality`` builds an index whose passages and sentences are
encoded by the ``int8`` variant while questions keep the float session, and compares ``qa eval`` with
the production index. Needs the ``onnx`` package (dev extra).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

from qa.config import PROJECT_ROOT  # noqa: E402
from qa.embedding import Embedder, onnx_model_path  # noqa: E402

WORK = PROJECT_ROOT / "var" / "bench" / "onnx-levers"
SETS = {
    "ours": PROJECT_ROOT / "eval" / "questions.jsonl",
    "covid-qa": PROJECT_ROOT.parent / "shared" / "data" / "covid-qa" / "covid-qa-dev.json",
}


def session(path: Path, threads: int = 1, optimized: Path | None = None, level: str = "all"):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    options.graph_optimization_level = {
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[level]
    if optimized is not None:
        options.optimized_model_filepath = str(optimized)
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def prepare() -> dict[str, Path]:
    """The variants' model files (made once): float32 with the weights dequantised, fused, quantised."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    WORK.mkdir(parents=True, exist_ok=True)
    current = onnx_model_path("all-MiniLM-L6-v2")
    plain, fused = WORK / "float.onnx", WORK / "fused.onnx"
    if not plain.exists():  # basic level = constant folding: the int8 weights become float initialisers
        session(current, optimized=plain, level="basic")
    if not fused.exists():
        optimizer.optimize_model(str(plain), model_type="bert", num_heads=12, hidden_size=384).save_model_to_file(
            str(fused)
        )
    model = onnx.load(str(plain))
    shapes = {i.name: tuple(i.dims) for i in model.graph.initializer}
    ffn = [n.name for n in model.graph.node if n.op_type == "MatMul" and 1536 in shapes.get(n.input[1], ())]
    made = {"current": current, "fused": fused}
    for name, source, per_channel, nodes in (
        ("int8", plain, True, None),
        ("fused-int8", fused, True, None),
        ("int8-ffn", plain, True, ffn),
        ("int8-per-tensor", plain, False, None),
    ):
        out = WORK / f"{name}.onnx"
        if not out.exists():
            quantize_dynamic(
                str(source),
                str(out),
                weight_type=QuantType.QInt8,
                per_channel=per_channel,
                reduce_range=True,  # 7-bit weights: no u8×s8 overflow in AVX2's vpmaddubsw
                nodes_to_quantize=nodes,
                extra_options={"MatMulConstBOnly": True},
            )
        made[name] = out
    return made


def embedder_on(path: Path, threads: int = 1) -> Embedder:
    """The project's Embedder (tokenizer, length-sorted batches, pooling) running the model at ``path``."""
    embedder = Embedder(backend="onnx", threads=threads)
    embedder._session = session(path, threads)
    embedder._inputs = {i.name for i in embedder._session.get_inputs()}
    return embedder


class IndexSideInt8(Embedder):
    """Texts encoded in batches (passages, sentences: the index side) go through ``int8``; a single text
    (a question) through the exact float session. The cache key names the variant."""

    def __init__(self, int8: Path) -> None:
        super().__init__(backend="onnx")
        self._float, self._int8 = self._session, session(int8, self.threads)

    @property
    def model_id(self) -> str:
        return f"{self.name}|{self.backend}|int8-index"

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        self._session = self._int8 if len(texts) > 1 else self._float
        try:
            return super().encode(texts, progress=progress)
        finally:
            self._session = self._float


def throughput(models: dict[str, Path], passages: int, rounds: int) -> dict:
    import bench

    _, chunks = bench.covid_passages(400)
    texts = [c.index_text for c in chunks][:passages]
    embedders = {name: embedder_on(path) for name, path in models.items()}
    rates: dict[str, list[float]] = {name: [] for name in models}
    reference, cosine = None, {}
    for _ in range(rounds):
        for name, embedder in embedders.items():
            cpu = time.process_time()
            vectors = embedder.encode(texts)
            rates[name].append(len(texts) / (time.process_time() - cpu))
            reference = vectors if reference is None else reference
            dots = (vectors * reference).sum(axis=1)
            cosine[name] = [round(float(dots.min()), 4), round(float(dots.mean()), 4)]
    base = max(rates["current"])
    return {
        name: {
            "passages_per_cpu_s": [round(r, 2) for r in rates[name]],
            "x_current": round(max(rates[name]) / base, 2),
            "cosine_min_mean": cosine[name],
        }
        for name in models
    }


def quality(int8: Path) -> dict:
    from qa import evaluation

    out = {}
    for name, path in SETS.items():
        for kind, embedder in (("float", Embedder(backend="onnx")), ("int8-index", IndexSideInt8(int8))):
            index_dir = WORK / f"index-{name}-{kind}"
            run = evaluation.run(path, split="dev", work_dir=WORK / "eval", index_dir=index_dir, embedder=embedder)
            config = run.to_dict()["configs"][0]
            ranking = config["ranking"]
            out[f"{name} {kind}"] = {
                "hit_at": {
                    str(k): round(v, 3) for k, v in ranking["hit_at"].items() if str(k) in ("1", "3", "5", "10")
                },
                "mrr_at_10": round(ranking["mrr_at_10"], 4),
                "answered_rate": config["answered_rate"],
                "answer_accuracy": config["answer_accuracy"],
                "ranks": {q["id"]: [q["rank"], q["status"]] for q in config["questions"]},
            }
            print(name, kind, {k: v for k, v in out[f"{name} {kind}"].items() if k != "ranks"}, flush=True)
        a, b = out[f"{name} float"].pop("ranks"), out[f"{name} int8-index"].pop("ranks")
        out[f"{name} changed"] = sorted(q for q in a if a[q] != b.get(q))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=200, help="COVID-QA passages to encode (default 200)")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    parser.add_argument("--quality", action="store_true", help="also run qa eval: float vs int8 index side")
    args = parser.parse_args(argv)
    result: dict = {"loadavg_start": os.getloadavg()}
    models = prepare()
    result["throughput"] = throughput(models, args.passages, args.rounds)
    for name, row in result["throughput"].items():
        print(f"{name:16s} {row}", flush=True)
    if args.quality:
        result["quality"] = quality(models["int8"])
    result["loadavg_end"] = os.getloadavg()
    (WORK / "result.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"load average {result['loadavg_start']} → {result['loadavg_end']}; written {WORK / 'result.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

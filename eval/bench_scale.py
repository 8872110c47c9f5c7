"""Corpus-size benchmark (``eval/bench.py --scale``): index type, recall@10, latency and memory per size.

    .venv/bin/python eval/bench.py --scale [--sizes 1000 10000 100000 1000000] [--real-max 10000]

Sizes up to ``--real-max`` use real embeddings: the first N passages of a synthetic real-text corpus
(qa.synthetic: sentences of the clinic's articles and the COVID-QA contexts under headings), embedded
by the project's embedder through its embedding cache (kept in ``var/bench/scale-real``, so re-runs
embed nothing). Larger sizes use clustered synthetic vectors around those real vectors. Queries are
the 185 real questions of eval/questions.jsonl, embedded by the project's embedder.

Each size runs in its own process so its peak RSS (VmHWM) is its own: the index of the type
:func:`qa.scale.choose_index` picks is built, exact top-10 comes from brute force (``faiss.knn``),
and single-question search latency is measured for the chosen index (and for exact flat search,
for comparison). A second fresh process loads the saved index and reports the memory it takes to
serve it. Results: eval/reports/bench-scale.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.config import PROJECT_ROOT, load_settings  # noqa: E402

WORK = PROJECT_ROOT / "var" / "bench" / "scale"
REPORT = PROJECT_ROOT / "eval" / "reports" / "bench-scale.json"
COVID = PROJECT_ROOT.parent / "shared" / "data" / "covid-qa" / "covid-qa-dev.json"


def rss_mib(field: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def real_vectors(count: int) -> np.ndarray:
    """Embeddings of the first ``count`` passages of a real-text synthetic corpus (cached across runs)."""
    from qa.cache import embed_cached, load_table, save_table
    from qa.chunking import chunk_document
    from qa.corpus import load_corpus
    from qa.embedding import Embedder
    from qa.synthetic import sentence_pool, write_corpus

    texts = [d.body for d in load_corpus(PROJECT_ROOT / "corpus")]
    if COVID.is_file():
        data = json.loads(COVID.read_text(encoding="utf-8"))
        texts += [p["context"] for a in data["data"] for p in a["paragraphs"]]
    root = WORK.parent / "scale-real"
    # about 12 passages per 6,000-character article, with a margin
    write_corpus(root / "corpus", sentence_pool(texts), articles=int(count / 12 * 1.15) + 1, seed=0)
    passages = [p for d in load_corpus(root / "corpus") for p in chunk_document(d)][:count]
    if len(passages) < count:
        raise SystemExit(f"the synthetic corpus gave {len(passages)} passages, fewer than {count}")
    settings = load_settings()
    embedder = Embedder(settings.model, batch_size=settings.batch_size, backend=settings.backend)
    previous = load_table(root, "passages", model_id=embedder.model_id, verify=False)
    t0 = time.perf_counter()
    cached, stats = embed_cached([p.index_text for p in passages], embedder, embedder.model_id, previous,
                                 progress=stats_wanted())  # fmt: skip
    if stats["embedded"]:
        print(f"  embedded {stats['embedded']} real passages in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        if previous is not None and len(previous.keys) > len(cached.keys):
            return cached.matrix  # keep the larger cache on disk
        save_table(root, "passages", embedder.model_id, cached)
    return np.ascontiguousarray(cached.matrix)


def stats_wanted() -> bool:
    return sys.stderr.isatty()


def query_vectors(embedder) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in (PROJECT_ROOT / "eval" / "questions.jsonl").read_text().splitlines() if line]
    qs = [r["question"] for r in rows]
    return qs, embedder.encode(qs)


def latency(index, queries: np.ndarray, rounds: int) -> dict:
    times = []
    for _ in range(rounds):
        for q in queries:
            t0 = time.perf_counter()
            index.search(q.reshape(1, -1), 10)
            times.append(time.perf_counter() - t0)
    ms = np.asarray(times) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 3), "p95_ms": round(float(np.percentile(ms, 95)), 3)}


def recall_at_10(rows: np.ndarray, exact: np.ndarray) -> float:
    return round(float(np.mean([len(set(r) & set(e)) / 10 for r, e in zip(rows, exact)])), 4)


def child(n: int, real_max: int, rounds: int) -> dict:
    import faiss

    from qa.embedding import Embedder
    from qa.scale import build_faiss, choose_index, index_bytes
    from qa.synthetic import clustered_vectors

    embedder = Embedder()
    qs, queries = query_vectors(embedder)
    t0 = time.perf_counter()
    if n <= real_max:
        data, source = real_vectors(n), "real embeddings"
    else:
        data, source = clustered_vectors(real_vectors(real_max), n, seed=n), f"synthetic around {real_max:,} real"
    made = time.perf_counter() - t0
    spec = choose_index(n)
    t0 = time.perf_counter()
    index = build_faiss(data, spec)
    build_s = time.perf_counter() - t0
    _, exact = faiss.knn(queries, data, 10, metric=faiss.METRIC_INNER_PRODUCT)
    _, rows = index.search(queries, 10)
    result = {
        "passages": n,
        "vectors": source,
        "vectors_seconds": round(made, 1),
        "index_type": spec.name,
        "index_params": spec.params(),
        "build_seconds": round(build_s, 1),
        "index_mib": round(index_bytes(index) / 2**20, 1),
        "recall_at_10": recall_at_10(rows, exact),
        "search": latency(index, queries, rounds),
    }
    # the whole question: encode + search, one at a time
    times = []
    for q in qs[:60]:
        t1 = time.perf_counter()
        index.search(embedder.encode([q]), 10)
        times.append(time.perf_counter() - t1)
    ms = np.asarray(times) * 1000
    result["encode_and_search"] = {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
    }
    if spec.kind == "ivf_sq8":
        sweep = []
        for nprobe in sorted({16, 64, 128, 256, 512, spec.nprobe} & set(range(1, spec.nlist + 1))):
            index.nprobe = nprobe
            _, rows = index.search(queries, 10)
            sweep.append({"nprobe": nprobe, "recall_at_10": recall_at_10(rows, exact), **latency(index, queries, 1)})
        result["nprobe_sweep"] = sweep
        index.nprobe = spec.nprobe
        flat = faiss.IndexFlatIP(data.shape[1])
        flat.add(data)
        result["flat_search_for_comparison"] = latency(flat, queries, 1)
        del flat
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"index-{n}.faiss"
    faiss.write_index(index, str(path))
    result["peak_rss_mib_build"] = rss_mib()
    return result


def serve_child(n: int) -> dict:
    import faiss

    before = rss_mib("VmRSS")
    index = faiss.read_index(str(WORK / f"index-{n}.faiss"))
    index.search(np.zeros((1, index.d), dtype=np.float32), 10)
    return {"serve_rss_mib": rss_mib("VmRSS"), "serve_rss_delta_mib": round(rss_mib("VmRSS") - before, 1)}


def run(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"scale child {args} failed:\n{out.stderr[-3000:]}")
    sys.stderr.write(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def render(result: dict) -> str:
    header = ["passages", "vectors", "index", "recall@10", "search p50/p95 ms", "encode+search p95 ms",
              "flat p95 ms", "index MiB", "serve RSS MiB", "build peak RSS MiB", "build s"]  # fmt: skip
    rows = [header]
    for r in result["sizes"]:
        flat = r.get("flat_search_for_comparison", r["search"])
        nprobe = f" nprobe={r['index_params']['nprobe']}" if "nprobe" in r["index_params"] else ""
        search = f"{r['search']['p50_ms']}/{r['search']['p95_ms']}"
        rows.append(
            [f"{r['passages']:,}", r["vectors"], r["index_type"] + nprobe, r["recall_at_10"], search,
             r["encode_and_search"]["p95_ms"], flat["p95_ms"], r["index_mib"], r["serve_rss_mib"],
             r["peak_rss_mib_build"], r["build_seconds"]]
        )  # fmt: skip
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in result["sizes"]:
        if "nprobe_sweep" in r:
            sweep = ", ".join(f"{s['nprobe']}: {s['recall_at_10']} ({s['p95_ms']} ms)" for s in r["nprobe_sweep"])
            lines.append(f"{r['passages']:,} nprobe → recall@10 (p95): {sweep}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Corpus-size benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--real-max", type=int, default=10_000, help="largest size with real embeddings")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds over the 185 questions")
    parser.add_argument("--out", type=Path, default=REPORT)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.real_max, args.rounds)))
        return 0
    if args.serve_child:
        print(json.dumps(serve_child(args.serve_child)))
        return 0
    real_vectors(min(args.real_max, max(args.sizes)))  # embed the real corpus once, up front
    result = {"command": " ".join(["python", "eval/bench.py", "--scale", *(argv or [])]),
              "loadavg_start": os.getloadavg(), "cpus": os.cpu_count(), "sizes": []}  # fmt: skip
    for n in sorted(args.sizes):
        print(f"size {n:,} …", file=sys.stderr)
        row = run(["--child", str(n), "--real-max", str(args.real_max), "--rounds", str(args.rounds)])
        row.update(run(["--serve-child", str(n)]))
        result["sizes"].append(row)
        print(f"  {row}", file=sys.stderr)
    result["loadavg_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

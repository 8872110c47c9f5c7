"""Performance benchmark (``make bench``): latency against the bare-library floor, cold start, build
throughput and memory against plain ``SentenceTransformer.encode``, and incremental rebuilds.

    .venv/bin/python eval/bench.py                 # everything below; table on stdout
    .venv/bin/python eval/bench.py --scale         # the corpus-size benchmark instead (eval/bench_scale.py)

Every comparison is measured side by side in one run (interleaved where possible), so ratios hold on
a busy machine; the load average is recorded with the results. Results go to
``eval/reports/bench.json``; scratch data (corpus copies, indexes) to ``var/bench/`` (git-ignored).

Sections:

* **latency** — in-process ``Pipeline.ask`` vs the floor: bare sentence-transformers ``encode`` of the
  question + FAISS search of the same index (and the same floor with the project's ONNX session);
  ``qa ask`` in stdin batch mode; the app's ``ask`` HTTP API through ``gradio_client``.
* **cold start** — process start to first answer: ``qa ask`` (onnx and torch backends) and the app;
  ``SafetyGate()`` (compiling the safety rules) in a fresh process, and its ``check`` per question.
* **build** — passages/s and peak RSS (VmHWM from /proc) of a fresh ``build_index`` vs plain
  ``SentenceTransformer.encode`` on the same COVID-QA passages, each in its own process.
* **incremental** — full build of the five articles vs the rebuild after editing, adding or removing one.
* **profile** — where ``Pipeline.ask`` spends its time (cProfile, top functions).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa.config import PROJECT_ROOT, load_settings  # noqa: E402
from qa.launch import AppStartError, running_app  # noqa: E402

WORK = PROJECT_ROOT / "var" / "bench"
REPORT = PROJECT_ROOT / "eval" / "reports" / "bench.json"
COVID = PROJECT_ROOT.parent / "shared" / "data" / "covid-qa" / "covid-qa-dev.json"
PY = sys.executable
QA = str(Path(sys.executable).with_name("qa"))


# -- helpers ----------------------------------------------------------------------------------------
def peak_rss_mib() -> float:
    """This process's peak resident set size (VmHWM), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stats_ms(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1000
    return {
        "n": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
    }


def questions(limit: int) -> list[str]:
    rows = [json.loads(line) for line in (PROJECT_ROOT / "eval" / "questions.jsonl").read_text().splitlines() if line]
    picked = [r["question"] for r in rows if r["kind"] in ("answerable", "unanswerable")]
    return picked[:limit]


def fresh_corpus(name: str) -> tuple[Path, Path]:
    """A private copy of the project corpus and an index dir under var/bench/<name>."""
    root = WORK / name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    return root / "corpus", root / "index"


def env_for(corpus: Path, index: Path, **extra: str) -> dict:
    env = {**os.environ, "QA_CORPUS_DIR": str(corpus), "QA_INDEX_DIR": str(index), **extra}
    env.setdefault("HF_HUB_OFFLINE", "1")
    return env


# -- build throughput (children run in their own process for clean timing and peak memory) -----------
def covid_passages(target: int) -> tuple[list[Path], list]:
    """Write whole COVID-QA articles into var/bench/build-corpus until ``target`` passages; return them."""
    from qa.chunking import chunk_document
    from qa.corpus import parse_document

    corpus = WORK / "build-corpus"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    data = json.loads(COVID.read_text(encoding="utf-8"))
    passages, paths = [], []
    for article in data["data"]:
        for para in article["paragraphs"]:
            if len(passages) >= target:
                return paths, passages
            name = f"doc-{para['document_id']}.txt"
            (corpus / name).write_text(para["context"], encoding="utf-8")
            paths.append(corpus / name)
            passages += chunk_document(parse_document(name, para["context"]), **load_settings().chunking())
    return paths, passages


def child_build(kind: str) -> dict:
    """Run in a child process: time one way of embedding var/bench/build-corpus."""
    t0 = time.perf_counter()
    corpus, index = WORK / "build-corpus", WORK / f"build-index-{kind}"
    shutil.rmtree(index, ignore_errors=True)
    settings = load_settings(corpus_dir=corpus, index_dir=index, backend="torch" if kind == "qa-torch" else "onnx")
    if kind == "plain-st":
        from qa.chunking import chunk_document
        from qa.corpus import load_corpus
        from qa.embedding import model_path

        texts = [p.index_text for d in load_corpus(corpus) for p in chunk_document(d, **settings.chunking())]
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(model_path("all-MiniLM-L6-v2")), device="cpu")
        loaded, cpu0 = time.perf_counter(), time.process_time()
        model.encode(texts)  # the library's defaults: batch_size=32, no normalisation
        n = len(texts)
    else:
        from qa.embedding import Embedder
        from qa.store import build_index, load_index

        embedder = Embedder(settings.model, batch_size=settings.batch_size, backend=settings.backend)
        loaded, cpu0 = time.perf_counter(), time.process_time()
        build_index(settings, embedder, progress=False)
        index = load_index(settings, verify=False)
        n, cache = len(index), index.manifest["embedding_cache"]
    seconds, cpu = time.perf_counter() - loaded, time.process_time() - cpu0
    embed = cache["passages"]["seconds"] if kind != "plain-st" else seconds
    return {
        "kind": kind,
        "passages": n,
        "embed_seconds": round(embed, 2),
        "embed_passages_per_s": round(n / embed, 2),
        "sentences": cache["sentences"]["total"] if kind != "plain-st" else 0,
        "sentence_seconds": cache["sentences"]["seconds"] if kind != "plain-st" else 0,
        "seconds": round(seconds, 2),
        "passages_per_s": round(n / seconds, 2),
        "passages_per_cpu_s": round(n / cpu, 2),
        "load_seconds": round(loaded - t0, 2),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def run_child(kind: str) -> dict:
    out = subprocess.run([PY, __file__, "--child", kind], capture_output=True, text=True, env=env_for(Path(), Path()))
    if out.returncode:
        raise RuntimeError(f"child {kind} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_build(target: int, rounds: int) -> dict:
    _, passages = covid_passages(target)
    kinds = ("plain-st", "qa-onnx", "qa-torch")
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(rounds):
        for kind in kinds:
            runs[kind].append(run_child(kind))
            print(f"  build {kind}: {runs[kind][-1]}", file=sys.stderr)
    best = {k: max(v, key=lambda r: r["embed_passages_per_s"]) for k, v in runs.items()}
    base = best["plain-st"]
    for row in best.values():
        row["x_plain_embed"] = round(row["embed_passages_per_s"] / base["embed_passages_per_s"], 2)
        row["x_plain_wall"] = round(row["passages_per_s"] / base["passages_per_s"], 2)
        row["x_plain_cpu"] = round(row["passages_per_cpu_s"] / base["passages_per_cpu_s"], 2)
    return {"passages": len(passages), "rounds": rounds, "best": best, "runs": runs}


# -- incremental ----------------------------------------------------------------------------------
def bench_incremental(embedder) -> dict:
    from qa.store import build_index, load_index

    corpus, index = fresh_corpus("incremental")
    settings = load_settings(corpus_dir=corpus, index_dir=index)

    def timed(label: str) -> dict:
        t0 = time.perf_counter()
        build_index(settings, embedder, progress=False)
        seconds = time.perf_counter() - t0
        cache = load_index(settings).manifest["embedding_cache"]
        return {
            "step": label,
            "seconds": round(seconds, 3),
            "embedded": cache["passages"]["embedded"],
            "reused": cache["passages"]["reused"],
            "sentences_embedded": cache["sentences"]["embedded"],
            "sentences_reused": cache["sentences"]["reused"],
        }

    rows = [timed("full build (empty index)")]
    article = corpus / "how-does-ketamine-therapy-work.txt"
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added for the benchmark.\n", "utf-8")
    rows.append(timed("edit one article"))
    shutil.copy(PROJECT_ROOT / "corpus" / "ketamine-therapy-unveiled.txt", corpus / "added-copy.txt")
    (corpus / "added-copy.txt").write_text(
        (corpus / "added-copy.txt").read_text(encoding="utf-8").replace("ketamine", "Ketamine (KAP)"), "utf-8"
    )
    rows.append(timed("add one article"))
    (corpus / "added-copy.txt").unlink()
    rows.append(timed("remove one article"))
    shutil.rmtree(index)
    rows.append(timed("full build again (empty index)"))
    full = min(rows[0]["seconds"], rows[-1]["seconds"])
    for row in rows:
        row["x_full"] = round(row["seconds"] / full, 3)
    return {"rows": rows}


# -- latency ---------------------------------------------------------------------------------------
def bench_inprocess(pipeline, qs: list[str], rounds: int) -> dict:
    """Per question, interleaved: the floor (sentence-transformers encode + FAISS search of the same index,
    with torch's default threads and with one thread), the same floor with the project's ONNX session,
    then the full ``Pipeline.ask`` (safety gate, retrieval, highlighting, abstention, composition)."""
    import torch
    from sentence_transformers import SentenceTransformer

    from qa.embedding import model_path

    st = SentenceTransformer(str(model_path(pipeline.settings.model)), device="cpu")
    index, embedder, depth = pipeline.index.vectors, pipeline.retriever.embedder, pipeline.settings.candidates
    for q in qs[:5]:  # warm-up
        pipeline.ask(q)
        index.search(st.encode([q], normalize_embeddings=True), depth)
    threads = torch.get_num_threads()
    times: dict[str, list[float]] = {"floor_st": [], "floor_st_1thread": [], "floor_onnx": [], "ask": []}
    for _ in range(rounds):
        for q in qs:
            for name, n in (("floor_st", threads), ("floor_st_1thread", 1)):
                torch.set_num_threads(n)
                t0 = time.perf_counter()
                index.search(st.encode([q], normalize_embeddings=True, convert_to_numpy=True), depth)
                times[name].append(time.perf_counter() - t0)
            torch.set_num_threads(threads)
            t1 = time.perf_counter()
            index.search(embedder.encode([q]), depth)
            t2 = time.perf_counter()
            pipeline.ask(q)
            t3 = time.perf_counter()
            times["floor_onnx"].append(t2 - t1)
            times["ask"].append(t3 - t2)
    out = {k: stats_ms(v) for k, v in times.items()}
    for floor in ("floor_st", "floor_st_1thread", "floor_onnx"):
        out[f"ask_p50_over_{floor}"] = round(out["ask"]["p50_ms"] / out[floor]["p50_ms"], 2)
    return out


def bench_cli(corpus: Path, index: Path, qs: list[str], backend: str) -> dict:
    """``qa ask --json`` reading questions on stdin: cold start to the first line, then per-question gaps."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [QA, "ask", "--json", "-q"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env_for(corpus, index, QA_BACKEND=backend),
    )
    proc.stdin.write("".join(q + "\n" for q in qs))
    proc.stdin.close()
    stamps = [time.perf_counter() for _ in iter(proc.stdout.readline, "")]
    proc.wait()
    gaps = list(np.diff(stamps))
    return {"backend": backend, "cold_start_s": round(stamps[0] - t0, 2), "per_question": stats_ms(gaps)}


def bench_cold_cli(corpus: Path, index: Path, backend: str, rounds: int) -> dict:
    seconds = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        subprocess.run(
            [QA, "ask", "--json", "-q", "How fast does ketamine work?"],
            check=True,
            capture_output=True,
            env=env_for(corpus, index, QA_BACKEND=backend),
        )
        seconds.append(time.perf_counter() - t0)
    return {
        "backend": backend,
        "runs_s": [round(s, 2) for s in seconds],
        "median_s": round(float(np.median(seconds)), 2),
    }


def bench_gate(qs: list[str], rounds: int) -> dict:
    """``SafetyGate()`` start-up, each in a fresh process (nothing cached), then ``check`` per question here."""
    code = "import time, qa.safety as s; t = time.perf_counter(); s.SafetyGate(); print(time.perf_counter() - t)"
    seconds = []
    for _ in range(rounds):
        run = subprocess.run([PY, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
        seconds.append(float(run.stdout))
    from qa.safety import SafetyGate

    gate, checks = SafetyGate(), []
    for q in qs * 5:
        t0 = time.perf_counter()
        gate.check(q)
        checks.append(time.perf_counter() - t0)
    median = round(float(np.median(seconds)), 3)
    return {"runs_s": [round(s, 3) for s in seconds], "median_s": median, "check": stats_ms(checks)}


def bench_http(corpus: Path, index: Path, qs: list[str], rounds: int, timeout: float = 240) -> dict:
    """Start ``python app.py --port P``; cold start to the first API answer, then latency per question."""
    if not (PROJECT_ROOT / "app.py").is_file():
        return {"skipped": "app.py is missing"}
    import httpx
    from gradio_client import Client

    env = env_for(corpus, index, QA_FEEDBACK_DB=str(WORK / "feedback.sqlite3"), GRADIO_ANALYTICS_ENABLED="False")
    t0 = time.perf_counter()
    try:
        with running_app(env, timeout=timeout) as app:
            client = Client(app.url, verbose=False, download_files=False)
            client.predict(qs[0], api_name="/ask")
            first = time.perf_counter() - t0  # cold start: process start to the first API answer
            times, raw = [], []
            with httpx.Client(base_url=app.url, timeout=60) as http:
                for _ in range(rounds):
                    for q in qs:
                        t1 = time.perf_counter()
                        client.predict(q, api_name="/ask")
                        t2 = time.perf_counter()
                        raw_ask(http, q)
                        raw.append(time.perf_counter() - t2)
                        times.append(t2 - t1)
    except AppStartError as exc:
        return {"skipped": str(exc)[-600:]}
    return {"cold_start_s": round(first, 2), "per_question": stats_ms(times), "raw_http": stats_ms(raw)}


def raw_ask(http, question: str) -> dict:
    """Gradio's HTTP API without gradio_client: POST the call (question, k=None), then read the SSE result."""
    event = http.post("/gradio_api/call/ask", json={"data": [question, None]}).raise_for_status().json()["event_id"]
    kind = ""
    with http.stream("GET", f"/gradio_api/call/ask/{event}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                kind = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and kind in ("complete", "error"):
                if kind == "error":
                    raise RuntimeError(f"the app answered with an error: {line}")
                return json.loads(line[5:])[0]
    raise RuntimeError("the app's event stream ended without an answer")


def profile_ask(pipeline, qs: list[str]) -> list[dict]:
    profiler = cProfile.Profile()
    profiler.enable()
    for q in qs:
        pipeline.ask(q)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (file, line, func), (_, calls, tottime, cumtime, _) in stats.stats.items():
        rows.append(
            {
                "function": f"{Path(file).name}:{line}:{func}",
                "calls": calls,
                "self_ms": tottime * 1000,
                "cum_ms": cumtime * 1000,
            }
        )
    rows.sort(key=lambda r: -r["self_ms"])
    return [
        {**r, "self_ms": round(r["self_ms"] / len(qs), 3), "cum_ms": round(r["cum_ms"] / len(qs), 3)} for r in rows[:12]
    ]


# -- main ------------------------------------------------------------------------------------------
def table(title: str, header: list[str], rows: list[list]) -> str:
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [f"\n{title}", "  ".join(h.ljust(w) for h, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells[1:]]
    return "\n".join(lines)


def render(result: dict) -> str:
    """The tables of ``result`` (sections that were skipped are left out)."""
    out = [f"load average at start {result['loadavg_start']}, end {result['loadavg_end']} ({result['cpus']} cores)"]
    lat = result["latency"]
    ip = lat["in_process"]
    rows = [[k, ip[k]["p50_ms"], ip[k]["p95_ms"]] for k in ("floor_st", "floor_st_1thread", "floor_onnx", "ask")]
    for name in ("cli_batch", "cli_batch_torch"):
        if name in lat:
            row = lat[name]
            rows.append(
                [f"qa ask stdin ({row['backend']})", row["per_question"]["p50_ms"], row["per_question"]["p95_ms"]]
            )
    http = lat["http"]
    if "skipped" in http:
        rows.append(["HTTP api /ask", "skipped:", http["skipped"][:200]])
    else:
        rows.append(["HTTP api /ask (gradio_client)", http["per_question"]["p50_ms"], http["per_question"]["p95_ms"]])
        rows.append(["HTTP api /ask (raw: POST + SSE)", http["raw_http"]["p50_ms"], http["raw_http"]["p95_ms"]])
    out.append(table("Latency per question (ms)", ["path", "p50", "p95"], rows))
    out.append(
        "ask p50 / floor p50: "
        + ", ".join(f"{k.removeprefix('ask_p50_over_')} {v}" for k, v in ip.items() if k.startswith("ask_p50_over"))
        + "   (target ≤ 1.3)"
    )
    rows = [[f"qa ask one-shot ({c['backend']})", c["median_s"], c["runs_s"]] for c in result.get("cold_start", [])]
    rows.append(["app: process start → first API answer", http.get("cold_start_s", "skipped"), ""])
    if gate := result.get("gate"):
        rows.append(["SafetyGate() in a fresh process", gate["median_s"], gate["runs_s"]])
    out.append(table("Cold start (s, target ≤ 8)", ["what", "median", "runs"], rows))
    if gate:
        out.append(f"SafetyGate.check per question: p50 {gate['check']['p50_ms']} ms, p95 {gate['check']['p95_ms']} ms")
    if "build" in result:
        b = result["build"]
        keys = ["passages", "embed_seconds", "embed_passages_per_s", "x_plain_embed", "sentences", "sentence_seconds",
                "seconds", "passages_per_s", "x_plain_wall", "passages_per_cpu_s", "x_plain_cpu", "peak_rss_mib",
                "load_seconds"]  # fmt: skip
        header = ["how", "passages", "embed s", "embed p/s", "× plain", "sentences", "sentence s", "whole s",
                  "whole p/s", "× plain", "p/cpu-s", "× plain", "peak RSS MiB", "model load s"]  # fmt: skip
        rows = [[k, *(r[key] for key in keys)] for k, r in b["best"].items()]
        out.append(table(f"Build on {b['passages']} COVID-QA passages (best of {b['rounds']})", header, rows))
    keys = ["seconds", "embedded", "reused", "sentences_embedded", "sentences_reused", "x_full"]
    rows = [[r["step"], *(r[k] for k in keys)] for r in result["incremental"]["rows"]]
    header = ["step", "s", "passages embedded", "reused", "sentences embedded", "reused", "× full"]
    out.append(table("Incremental rebuild, five articles (target: edit ≤ 0.25 × full)", header, rows))
    rows = [[r["function"][:70], r["calls"], r["self_ms"], r["cum_ms"]] for r in result["profile"]]
    header = ["function", "calls", "self ms", "cum ms"]
    out.append(table("Pipeline.ask profile (per question, top by self time)", header, rows))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="store_true", help="run the corpus-size benchmark (eval/bench_scale.py)")
    parser.add_argument("--questions", type=int, default=40, help="questions per latency round (default 40)")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds (default 3)")
    parser.add_argument("--build-passages", type=int, default=400, help="COVID-QA passages for throughput")
    parser.add_argument("--build-rounds", type=int, default=1, help="build throughput rounds (best kept)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["http", "build", "cli"], help="sections to skip")
    parser.add_argument("--out", type=Path, default=REPORT, help=f"JSON output (default {REPORT.relative_to(ROOT)})")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.child:
        print(json.dumps(child_build(args.child)))
        return 0
    if args.scale:
        sys.path.insert(0, str(Path(__file__).parent))
        import bench_scale

        return bench_scale.main(rest)
    import logging

    logging.basicConfig(level=logging.WARNING)
    from qa.embedding import Embedder
    from qa.pipeline import Pipeline
    from qa.store import build_index

    WORK.mkdir(parents=True, exist_ok=True)
    result: dict = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "loadavg_start": os.getloadavg(),
        "cpus": os.cpu_count(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    qs = questions(args.questions)
    corpus, index = fresh_corpus("latency")
    settings = load_settings(corpus_dir=corpus, index_dir=index)
    embedder = Embedder(settings.model, batch_size=settings.batch_size, backend=settings.backend)
    build_index(settings, embedder, progress=False)
    torch_index = index.parent / "index-torch"
    build_index(
        load_settings(corpus_dir=corpus, index_dir=torch_index, backend="torch"),
        Embedder(settings.model, backend="torch"),
        progress=False,
    )
    pipeline = Pipeline(settings, rebuild=False, embedder=embedder)
    print("latency (in process) …", file=sys.stderr)
    result["latency"] = {
        "questions": len(qs),
        "rounds": args.rounds,
        "in_process": bench_inprocess(pipeline, qs, args.rounds),
    }
    print("latency (CLI, HTTP) and cold start …", file=sys.stderr)
    if "cli" not in args.skip:
        result["latency"]["cli_batch"] = bench_cli(corpus, index, qs * args.rounds, "onnx")
        result["latency"]["cli_batch_torch"] = bench_cli(corpus, torch_index, qs * args.rounds, "torch")
        result["cold_start"] = [
            bench_cold_cli(corpus, index, "onnx", 3),
            bench_cold_cli(corpus, torch_index, "torch", 3),
        ]
    skipped = {"skipped": "--skip http"}
    result["latency"]["http"] = skipped if "http" in args.skip else bench_http(corpus, index, qs, args.rounds)
    result["gate"] = bench_gate(qs, 5)
    result["profile"] = profile_ask(pipeline, qs)
    print("incremental …", file=sys.stderr)
    result["incremental"] = bench_incremental(embedder)
    del pipeline, embedder
    if "build" not in args.skip:
        print("build throughput …", file=sys.stderr)
        result["build"] = bench_build(args.build_passages, args.build_rounds)
    result["loadavg_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(render(result))
    print(f"\nwritten {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

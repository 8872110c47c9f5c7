"""Load test of the app's ``ask`` API (a script that prints numbers, not a test).

    .venv/bin/python eval/load_test.py                      # starts app.py itself on a free port
    .venv/bin/python eval/load_test.py --url http://127.0.0.1:7860/ --users 50 --seconds 60

1. **Sustained load**: ``--users`` simulated users ask questions from eval/questions.jsonl back to
   back (``--think`` seconds apart on average) for ``--seconds``. Each user is an asyncio task on the
   raw HTTP API (``--client http``, default: a light generator, since it shares the cores with the
   server) or a thread with its own ``gradio_client.Client`` (``--client gradio``);
   reports throughput, latency p50/p95/p99/max, every error by kind, and the CPU seconds used by
   the server and by this load generator (they share the machine's cores).
2. **Burst**: ``--burst`` requests (default 300, several times the queue size) sent over raw HTTP
   (``/gradio_api/call/ask``) at the same instant. Beyond what the queue holds they must be refused
   at once (HTTP 503 "Queue is full..."; gradio_client raises "Queue is full! Please try again.", the
   browser shows "This application is currently busy. Please try again."), not left to time out;
   reports accepted vs refused and how long a refusal took.

When it starts the server itself, the app gets a throw-away feedback database and the serving
settings given here (``--concurrency``, ``--queue-size``, ``--threads``). The machine's load average is
printed with the results, since other work on the machine changes them. ``--json FILE`` saves them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
from gradio_client import Client
from gradio_client.exceptions import AppError
from gradio_client.utils import QueueError

from qa.launch import AppStartError, running_app

ROOT = Path(__file__).resolve().parents[1]


def server_env(args: argparse.Namespace, work: Path) -> dict[str, str]:
    """The app's settings for the run: a private feedback file and the server limits under test."""
    return {
        "QA_FEEDBACK_DB": str(work / "feedback.sqlite3"),
        "QA_CONCURRENCY": str(args.concurrency),
        "QA_QUEUE_SIZE": str(args.queue_size),
        "QA_THREADS": str(args.threads),
    }


def client(url: str, workers: int = 4) -> Client:
    return Client(url, verbose=False, download_files=False, analytics_enabled=False, max_workers=workers)


def outcome(exc: BaseException | None) -> str:
    if exc is None:
        return "ok"
    if isinstance(exc, QueueError):
        return "refused: queue full"
    if isinstance(exc, AppError):
        return f"app error: {exc}"[:120]
    return f"{type(exc).__name__}: {exc}"[:120]


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ms = np.array(values) * 1000
    return {name: round(float(np.percentile(ms, q)), 1) for name, q in (("p50", 50), ("p95", 95), ("p99", 99))} | {
        "max": round(float(ms.max()), 1),
        "mean": round(float(ms.mean()), 1),
    }


def _summary(users: int, elapsed: float, latencies: list[float], outcomes: Counter, statuses: Counter) -> dict:
    total = sum(outcomes.values())
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": total,
        "answered_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": percentiles(latencies),
        "outcomes": dict(outcomes),
        "errors": total - outcomes["ok"],
        "statuses": dict(statuses),
    }


def sustained_http(url: str, questions: list[str], users: int, seconds: float, think: float) -> dict:
    """Each user an asyncio task on raw HTTP (``/gradio_api/call/ask``): a light load generator."""
    return asyncio.run(_sustained_http(url, questions, users, seconds, think))


async def _sustained_http(url: str, questions: list[str], users: int, seconds: float, think: float) -> dict:
    endpoint = f"{url.rstrip('/')}/gradio_api/call/ask"
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=2 * users + 8, max_keepalive_connections=2 * users + 8)
    async with httpx.AsyncClient(timeout=300, limits=limits) as http:

        async def ask(question: str) -> str:
            joined = await http.post(endpoint, json={"data": [question, None]})
            if joined.status_code != 200:
                raise RuntimeError("refused: queue full" if joined.status_code == 503 else f"HTTP {joined.status_code}")
            reply = await http.get(f"{endpoint}/{joined.json()['event_id']}")
            data = [line[5:].strip() for line in reply.text.splitlines() if line.startswith("data:")]
            if "event: complete" not in reply.text:
                raise RuntimeError(f"app error: {data[-1] if data else reply.text[-80:]}"[:120])
            return json.loads(data[-1])[0]["status"]

        async def user(n: int, stop_at: float) -> None:
            rng = random.Random(n)
            while time.monotonic() < stop_at:
                began = time.monotonic()
                try:
                    status = await ask(rng.choice(questions))
                except (httpx.HTTPError, RuntimeError) as exc:
                    outcomes[str(exc) if isinstance(exc, RuntimeError) else f"{type(exc).__name__}: {exc}"[:120]] += 1
                else:
                    latencies.append(time.monotonic() - began)
                    outcomes["ok"] += 1
                    statuses[status] += 1
                if think:
                    await asyncio.sleep(rng.uniform(0, 2 * think))

        await ask(questions[0])  # warm-up, not counted
        began = time.monotonic()
        await asyncio.gather(*(user(n, began + seconds) for n in range(users)))
        elapsed = time.monotonic() - began
    return _summary(users, elapsed, latencies, outcomes, statuses)


def sustained_gradio(url: str, questions: list[str], users: int, seconds: float, think: float) -> dict:
    """Each user a thread with its own ``gradio_client.Client``: the real Python client, but CPU-heavy."""
    clients = [client(url) for _ in range(users)]
    clients[0].predict(questions[0], api_name="/ask")  # warm-up, not counted
    latencies: list[float] = []
    outcomes: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(users + 1)
    stop_at = [0.0]

    def user(n: int) -> None:
        rng = random.Random(n)
        start.wait()
        while time.monotonic() < stop_at[0]:
            question = rng.choice(questions)
            began = time.monotonic()
            error: BaseException | None = None
            result = None
            try:
                result = clients[n].predict(question, api_name="/ask")
            except Exception as exc:  # noqa: BLE001 - every failure is counted by kind
                error = exc
            took = time.monotonic() - began
            with lock:
                outcomes[outcome(error)] += 1
                if error is None:
                    latencies.append(took)
                    statuses[result["status"]] += 1
            if think:
                time.sleep(rng.uniform(0, 2 * think))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    stop_at[0] = time.monotonic() + seconds
    began = time.monotonic()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    for c in clients:
        c.close()
    return _summary(users, elapsed, latencies, outcomes, statuses)


def burst(url: str, question: str, size: int) -> dict:
    """``size`` requests sent over raw HTTP at the same instant (asyncio), so they really arrive together."""
    return asyncio.run(_burst(url, question, size))


async def _burst(url: str, question: str, size: int) -> dict:
    endpoint = f"{url.rstrip('/')}/gradio_api/call/ask"
    limits = httpx.Limits(max_connections=size + 8, max_keepalive_connections=size + 8)
    async with httpx.AsyncClient(timeout=300, limits=limits) as http:
        # Open every connection first, so the requests below arrive together rather than at connect speed.
        await asyncio.gather(*(http.get(f"{url.rstrip('/')}/gradio_api/info") for _ in range(size)))
        began = time.monotonic()

        async def join() -> tuple[str, float, str]:
            try:
                joined = await http.post(endpoint, json={"data": [question, None]})
            except httpx.HTTPError as exc:
                return f"{type(exc).__name__}: {exc}"[:120], time.monotonic() - began, ""
            if joined.status_code == 200:
                return "queued", time.monotonic() - began, joined.json()["event_id"]
            kind = "refused: queue full" if joined.status_code == 503 else f"HTTP {joined.status_code}"
            return kind, time.monotonic() - began, joined.text

        async def result(event_id: str) -> tuple[str, float]:
            try:
                response = await http.get(f"{endpoint}/{event_id}")
                kind = "ok" if "event: complete" in response.text else f"error: {response.text[-120:]!r}"
            except httpx.HTTPError as exc:
                kind = f"{type(exc).__name__}: {exc}"[:120]
            return kind, time.monotonic() - began

        joins = await asyncio.gather(*(join() for _ in range(size)))
        results = await asyncio.gather(*(result(ev) for kind, _, ev in joins if kind == "queued"))
    kinds = Counter([kind for kind, _, _ in joins if kind != "queued"] + [kind for kind, _ in results])
    refused = [t for kind, t, _ in joins if kind == "refused: queue full"]
    return {
        "submitted": size,
        "outcomes": dict(kinds),
        "refusal_message": next((body for kind, _, body in joins if kind == "refused: queue full"), ""),
        "all_sent_and_answered_or_refused_within_ms": round(max(t for _, t, _ in joins) * 1000, 1),
        "refused_after_ms": percentiles(refused),
        "accepted_done_after_ms": percentiles([t for kind, t in results if kind == "ok"]),
    }


def _cpu_seconds(server: subprocess.Popen | None) -> dict[str, float]:
    """CPU time used so far by this load generator and (when started here) the server process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    times = {"load_generator": usage.ru_utime + usage.ru_stime}
    if server is not None:
        fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        times["server"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running app (default: start app.py on a free port)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a user's questions (s)")
    parser.add_argument("--burst", type=int, default=300, help="requests fired at once (default 300)")
    parser.add_argument("--concurrency", type=int, default=2, help="QA_CONCURRENCY for the started server")
    parser.add_argument("--queue-size", type=int, default=64, help="QA_QUEUE_SIZE for the started server")
    parser.add_argument("--threads", type=int, default=1, help="QA_THREADS for the started server")
    parser.add_argument(
        "--client",
        choices=("http", "gradio"),
        default="http",
        help="users as asyncio tasks on raw HTTP (light, default) or threads with gradio_client (heavy)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()

    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory(prefix="qa-load-") as work, contextlib.ExitStack() as stack:
        proc = None
        url = args.url
        if not url:
            try:
                app = stack.enter_context(running_app(server_env(args, Path(work))))
            except AppStartError as exc:
                raise SystemExit(str(exc)) from None
            proc, url = app.proc, app.url
        load_before = os.getloadavg()
        print(f"Sustained: {args.users} users for {args.seconds:.0f} s against {url} ...", flush=True)
        cpu_before = _cpu_seconds(proc)
        run = sustained_http if args.client == "http" else sustained_gradio
        steady = run(url, questions, args.users, args.seconds, args.think)
        steady["client"] = args.client
        cpu_after = _cpu_seconds(proc)
        steady["cpu_seconds"] = {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before}
        print(json.dumps(steady, indent=2), flush=True)
        size = args.burst
        print(f"Burst: {size} requests at once ...", flush=True)
        spike = burst(url, questions[0], size)
        print(json.dumps(spike, indent=2), flush=True)
        load_after = os.getloadavg()
    results = {
        "url": url if args.url else "app.py started by the script",
        "server": {"concurrency": args.concurrency, "queue_size": args.queue_size, "threads": args.threads},
        "cpus": os.cpu_count(),
        "loadavg_1m_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "sustained": steady,
        "burst": spike,
    }
    print(f"Load average (1 min) before/after: {results['loadavg_1m_before_after']} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

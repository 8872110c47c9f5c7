"""The app over real HTTP: `python app.py` started in a subprocess once, called with gradio_client.

Also, on an in-process server whose pipeline can be held: a full queue refuses a request at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from gradio_client.utils import QueueError, Status
from helpers import HeldPipeline

from qa.config import PROJECT_ROOT, Settings
from qa.feedback import FeedbackStore
from qa.launch import AppStartError, free_port, running_app
from qa.safety import CHECK_IN_MESSAGE, CRISIS_MESSAGE

pytestmark = pytest.mark.slow

NORMAL = "What are the side effects of ketamine therapy?"
UNANSWERABLE = "What is the capital of France?"
CRISIS = "I want to kill myself tonight, I can't go on"
STARTUP_SECONDS = 240


def client_for(url: str) -> Client:
    # download_files=False: a quote's "path" key would otherwise be fetched as if it were a file.
    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


@dataclass
class Server:
    url: str
    port: int
    db: Path
    output: list[str]
    client: Client


@pytest.fixture(scope="module")
def server(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`python app.py --port P` over the session's corpus copy and index, with a private feedback file."""
    db = tmp_path_factory.mktemp("app-api") / "feedback.sqlite3"
    env = {
        "QA_CORPUS_DIR": str(built_settings.corpus_dir),
        "QA_INDEX_DIR": str(built_settings.index_dir),
        "QA_FEEDBACK_DB": str(db),
    }
    with running_app(env, timeout=STARTUP_SECONDS) as app:  # AppStartError (with the app's output) if it fails
        yield Server(app.url, app.port, db, app.output, client_for(app.url))


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (Linux /proc; IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if int(port_hex, 16) == port and state == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def test_start_up_prints_the_url_and_binds_loopback_only(server: Server) -> None:
    assert server.url == f"http://127.0.0.1:{server.port}/"
    assert _listening_addresses(server.port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_only_the_ask_endpoint_is_public(server: Server) -> None:
    info = server.client.view_api(print_info=False, return_format="dict")
    assert set(info["named_endpoints"]) == {"/ask"}
    assert info["unnamed_endpoints"] == {}


def test_normal_question_returns_the_qa_ask_json(server: Server, pipeline, built_settings: Settings) -> None:
    result = server.client.predict(NORMAL, api_name="/ask")
    expected = json.loads(json.dumps(pipeline.ask(NORMAL).to_dict()))  # exactly what `qa ask --json` prints
    assert result["status"] == "answered" and result["quotes"]
    for got, want in zip(result["quotes"], expected["quotes"], strict=True):
        assert got.pop("score") == pytest.approx(want.pop("score"), abs=2e-4)  # thread count may change rounding
    assert {k: v for k, v in result.items() if k != "quotes"} == {k: v for k, v in expected.items() if k != "quotes"}
    assert result["quotes"] == expected["quotes"]
    assert result["disclaimer"]
    for quote in result["quotes"]:
        source = (built_settings.corpus_dir / quote["path"]).read_text(encoding="utf-8")
        assert source[quote["start"] : quote["end"]] == quote["text"]


def test_k_is_honoured_and_bounded(server: Server) -> None:
    assert len(server.client.predict(NORMAL, 1, api_name="/ask")["quotes"]) == 1
    for bad in (0, 11):
        with pytest.raises(AppError, match=rf"k must be between 1 and 10, got {bad}"):
            server.client.predict(NORMAL, bad, api_name="/ask")
    assert len(server.client.predict(NORMAL, 2.0, api_name="/ask")["quotes"]) == 2  # a JSON number 2.0 is 2


def test_plain_rest_routes_that_skip_the_queue_are_closed(server: Server) -> None:
    """Gradio's /gradio_api/run/<name> answered outside the queue (round 14 audit: 150 requests at once all ran, past
    QA_CONCURRENCY and QA_QUEUE_SIZE); with api_open=False only the queued route answers."""
    response = httpx.post(f"{server.url}gradio_api/run/ask", json={"data": [NORMAL, None]}, timeout=60)
    assert response.status_code != 200 and "quotes" not in response.text
    event = httpx.post(f"{server.url}gradio_api/call/ask", json={"data": [NORMAL, None]}, timeout=60).json()
    assert '"quotes"' in httpx.get(f"{server.url}gradio_api/call/ask/{event['event_id']}", timeout=60).text


def test_k_that_is_not_a_whole_number_is_a_one_line_error_over_raw_http(server: Server) -> None:
    """Raw HTTP delivers JSON values unconverted: "3" used to crash the handler (an empty error, a traceback in the
    log), and 2.5 or true passed as a count."""
    for bad, shown in (("3", "'3'"), (2.5, "2.5"), (True, "True")):
        event = httpx.post(f"{server.url}gradio_api/call/ask", json={"data": [NORMAL, bad]}, timeout=60).json()
        stream = httpx.get(f"{server.url}gradio_api/call/ask/{event['event_id']}", timeout=60).text
        assert "event: error" in stream
        assert f"k must be a whole number between 1 and 10, got {shown}" in stream


def test_crisis_message_gets_help_first_and_is_not_stored(server: Server) -> None:
    """Needs the safety gate wired into Pipeline.ask (status "crisis")."""
    result = server.client.predict(CRISIS, api_name="/ask")
    assert result["status"] == "crisis"
    assert "988" in result["message"]
    assert result["disclaimer"]
    stored = b"".join(p.read_bytes() for p in server.db.parent.glob(server.db.name + "*"))
    assert b"kill myself" not in stored


def test_crisis_the_rules_miss_gets_the_check_in_line_with_the_answer(server: Server) -> None:
    """The semantic crisis check (qa.crisis_check) over HTTP: `check_in` and the line, the answer kept."""
    result = server.client.predict("after my husband leaves for work tomorrow i'm going to do it", api_name="/ask")
    assert result["check_in"] is True and result["status"] != "crisis"
    assert result["message"].startswith(CHECK_IN_MESSAGE) and "988" in result["message"]
    assert server.client.predict(NORMAL, api_name="/ask")["check_in"] is False
    # Flagged and unanswered: not logged for staff as a content gap, its words never stored.
    flagged = "Can my sister pick up my records after next week? I'm not planning on being around."
    result = server.client.predict(flagged, api_name="/ask")
    assert (result["status"], result["check_in"]) == ("no_answer", True)
    stored = b"".join(p.read_bytes() for p in server.db.parent.glob(server.db.name + "*"))
    assert b"not planning on being around" not in stored


def test_crisis_the_check_is_sure_of_gets_the_card(server: Server, pipeline) -> None:
    """Round 19 over HTTP: a message no rule cards and the check is sure of gets the crisis card (no quotes)."""
    message = "Mentally I've already left. Physically I'll follow on Friday. I've written the notes."  # crisis_train
    assert pipeline.gate.check(message).route != "crisis", "a rule cards it: pick another message"
    result = server.client.predict(message, api_name="/ask")
    assert (result["status"], result["route"], result["quotes"], result["check_in"]) == ("crisis", "crisis", [], False)
    assert result["message"].startswith(CRISIS_MESSAGE) and "988" in result["message"]


def test_unanswerable_question_abstains_and_is_logged_for_staff(server: Server) -> None:
    result = server.client.predict(UNANSWERABLE, api_name="/ask")
    assert result["status"] == "no_answer"
    assert result["quotes"] == []
    assert "care team" in result["message"]
    assert result["disclaimer"]
    assert UNANSWERABLE in FeedbackStore(server.db).unanswered()


def test_small_talk_gets_a_friendly_reply_and_is_not_logged_as_unanswered(server: Server) -> None:
    result = server.client.predict("thanks!!", api_name="/ask")
    assert (result["status"], result["intent"], result["quotes"]) == ("no_answer", "thanks", [])
    assert "welcome" in result["message"] and result["disclaimer"]
    assert "thanks!!" not in FeedbackStore(server.db).unanswered()


def test_question_in_another_language_gets_the_two_language_reply_not_quotes(server: Server) -> None:
    question = "¿Cuánto dura una sesión de ketamina?"
    result = server.client.predict(question, api_name="/ask")
    assert (result["status"], result["intent"], result["quotes"]) == ("no_answer", "other_language", [])
    assert "988" in result["message"] and "oprima 2" in result["message"] and result["disclaimer"]
    assert question not in FeedbackStore(server.db).unanswered()  # unread, maybe a crisis: not stored


def test_raw_http_without_k_gets_the_default_and_without_a_question_a_clear_error(server: Server) -> None:
    """Gradio refused a call without k before our handler ran, with `{"error": null}` (round 16 audit)."""
    base = f"{server.url}gradio_api/call/ask"
    with httpx.Client(timeout=60) as http:
        event_id = http.post(base, json={"data": [NORMAL]}).json()["event_id"]
        stream = http.get(f"{base}/{event_id}").text
        data = [line.removeprefix("data:").strip() for line in stream.splitlines() if line.startswith("data:")]
        assert json.loads(data[-1])[0]["quotes"] == server.client.predict(NORMAL, api_name="/ask")["quotes"]
        event_id = http.post(base, json={"data": []}).json()["event_id"]
        stream = http.get(f"{base}/{event_id}").text
        assert "event: error" in stream and "The question is empty" in stream
        assert http.post(base, content=b"not json", headers={"content-type": "application/json"}).status_code == 422
        extra = http.post(base, json={"data": [NORMAL, 3, "surplus"]})  # round 17 audit: dropped silently
        assert (extra.status_code, extra.text) == (422, "The ask API takes at most 2 data items (question, k); got 3.")


def test_a_request_body_over_a_megabyte_is_refused_at_once(server: Server) -> None:
    """Round 17 audit: a 200 MB body to the ask API was read whole (and ~0.8 GB kept after it was refused)."""
    base = f"{server.url}gradio_api/call/ask"
    body = json.dumps({"data": ["side effects? " + "a " * 600_000, None]}).encode()
    with httpx.Client(timeout=60) as http:
        response = http.post(base, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 413 and response.text == "The request is too large: at most 1,048,576 bytes."
        chunked = http.post(
            base, content=iter([body[:700_000], body[700_000:]]), headers={"content-type": "application/json"}
        )
        assert chunked.status_code == 413  # sent in chunks, without a length
    assert server.client.predict(NORMAL, api_name="/ask")["status"] == "answered"


def test_huge_question_gets_a_clear_error_and_the_server_carries_on(server: Server) -> None:
    # The crisis check reads refused messages too; if it ever fires on this one, the line may follow.
    with pytest.raises(AppError, match=r"^The question is 100,000 characters long; the maximum is 1,000(\. If .*)?$"):
        server.client.predict("why " * 25_000, api_name="/ask")
    assert server.client.predict(NORMAL, api_name="/ask")["status"] == "answered"


@pytest.mark.parametrize("bad", ["", "   \n\t ", "\x00\x07"])
def test_empty_question_gets_a_clear_error(server: Server, bad: str) -> None:
    with pytest.raises(AppError, match="The question is empty"):
        server.client.predict(bad, api_name="/ask")


def test_markup_in_a_question_comes_back_as_json_data_never_html(server: Server) -> None:
    question = '<script>alert("x")</script> <img src=x onerror=alert(1)> side effects?'
    assert server.client.predict(question, api_name="/ask")["question"] == question
    # The raw HTTP exchange: JSON over an event stream, never an HTML document.
    base = f"{server.url}gradio_api/call/ask"
    with httpx.Client(timeout=60) as http:
        event_id = http.post(base, json={"data": [question, None]}).json()["event_id"]
        response = http.get(f"{base}/{event_id}")
    assert response.headers["content-type"].startswith("text/event-stream")
    data = [line.removeprefix("data:").strip() for line in response.text.splitlines() if line.startswith("data:")]
    payload = json.loads(data[-1])
    assert payload[0]["question"] == question


def test_file_uploads_are_refused(server: Server) -> None:
    with httpx.Client(timeout=30) as http:
        for path in ("gradio_api/upload", "gradio_api/upload?upload_id=abc", "gradio_api/run/predict"):
            response = http.post(f"{server.url}{path}", files={"files": ("x.html", b"<script>1</script>")})
            assert response.status_code == 403, path
            assert response.text == "File uploads are not accepted."


# --- a full queue is refused at once -------------------------------------------------------------------


def test_a_full_queue_refuses_at_once_while_earlier_requests_finish(pipeline, tmp_path: Path) -> None:
    import app

    gate = threading.Event()
    settings = app.load_app_settings(feedback_db=tmp_path / "f.sqlite3", concurrency=1, queue_size=1)
    demo = app.build_app(HeldPipeline(pipeline, gate), settings=settings)
    _, url, _ = app.serve(demo, port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        client = client_for(url)
        running = client.submit(NORMAL, api_name="/ask")
        deadline = time.monotonic() + 60
        while running.status().code != Status.PROCESSING:
            assert time.monotonic() < deadline, running.status()
            time.sleep(0.05)
        waiting = client.submit(NORMAL, api_name="/ask")  # fills the one queue slot
        deadline = time.monotonic() + 60
        while waiting.status().code not in (Status.IN_QUEUE, Status.PROCESSING):
            assert time.monotonic() < deadline, waiting.status()
            time.sleep(0.05)
        refused = client.submit(NORMAL, api_name="/ask")
        with pytest.raises(QueueError, match="Queue is full"):
            refused.result(timeout=60)
        assert not running.done()  # refused while the first request was still held: at once, not after a wait
        gate.set()
        assert running.result(timeout=60)["status"] == "answered"
        assert waiting.result(timeout=60)["status"] == "answered"
    finally:
        gate.set()
        demo.close()


# --- behind a reverse proxy that serves the app under /qa -----------------------------------------------


def _prefix_proxy(upstream: str, prefix: str):
    """A minimal streaming reverse proxy (Starlette + httpx): ``prefix``/x -> ``upstream``/x."""
    from starlette.applications import Starlette
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    http = httpx.AsyncClient(base_url=upstream, timeout=None)
    dropped = {"content-length", "transfer-encoding", "connection"}  # Host is passed on, as nginx is usually set up

    async def forward(request):
        if not request.url.path.startswith(prefix + "/"):
            return Response("not under the prefix", status_code=404)
        target = request.url.path[len(prefix) :] + (f"?{request.url.query}" if request.url.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in dropped}
        upstream_request = http.build_request(request.method, target, headers=headers, content=await request.body())
        reply = await http.send(upstream_request, stream=True)
        headers = {k: v for k, v in reply.headers.items() if k.lower() not in dropped}
        return StreamingResponse(reply.aiter_raw(), status_code=reply.status_code, headers=headers)

    return Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST", "HEAD"])])


def test_served_under_a_root_path_behind_a_reverse_proxy(pipeline, tmp_path: Path) -> None:
    import uvicorn

    import app

    demo = app.build_app(pipeline, settings=app.load_app_settings(feedback_db=tmp_path / "f.sqlite3"))
    _, upstream, _ = app.serve(demo, port=free_port(), root_path="/qa", prevent_thread_lock=True, quiet=True)
    port = free_port()
    proxy = uvicorn.Server(uvicorn.Config(_prefix_proxy(upstream.rstrip("/"), "/qa"), port=port, log_level="warning"))
    thread = threading.Thread(target=proxy.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not proxy.started:
            assert time.monotonic() < deadline, "proxy did not start"
            time.sleep(0.05)
        page = httpx.get(f"http://127.0.0.1:{port}/qa/", timeout=30)
        assert page.status_code == 200
        config = httpx.get(f"http://127.0.0.1:{port}/qa/config", timeout=30).json()
        assert config["root"] == f"http://127.0.0.1:{port}/qa"  # the page's links go through the proxy
        result = client_for(f"http://127.0.0.1:{port}/qa/").predict(NORMAL, api_name="/ask")
        assert result["status"] == "answered" and result["quotes"]
    finally:
        proxy.should_exit = True
        thread.join(timeout=10)
        demo.close()


# --- serving settings ----------------------------------------------------------------------------------


def test_app_settings_come_from_env_and_are_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import app

    monkeypatch.setenv("QA_FEEDBACK_DB", str(tmp_path / "x.sqlite3"))
    monkeypatch.setenv("QA_THREADS", "3")
    monkeypatch.setenv("QA_QUEUE_SIZE", "7")
    settings = app.load_app_settings(concurrency=5)
    assert (settings.feedback_db, settings.threads, settings.queue_size, settings.concurrency) == (
        tmp_path / "x.sqlite3",
        3,
        7,
        5,
    )
    monkeypatch.setenv("QA_THREADS", "zero")
    with pytest.raises(ValueError, match=r"threads='zero' must be a whole number of at least 1"):
        app.load_app_settings()
    with pytest.raises(TypeError, match=r"Unknown app setting\(s\) \['workers'\]"):
        app.load_app_settings(workers=2)
    monkeypatch.delenv("QA_THREADS")
    assert len(app.load_app_settings().staff_key) >= app.MIN_STAFF_KEY  # unset: a random key per start
    assert app.load_app_settings().staff_key != app.load_app_settings().staff_key
    monkeypatch.setenv("QA_STAFF_KEY", "  clinic-staff-2026 ")
    assert app.load_app_settings().staff_key == "clinic-staff-2026"
    assert "clinic-staff-2026" not in repr(app.load_app_settings())
    monkeypatch.setenv("QA_STAFF_KEY", "short")
    with pytest.raises(ValueError, match=r"QA_STAFF_KEY\) must be at least 8 characters"):
        app.load_app_settings()


def test_pin_threads_limits_faiss() -> None:
    import faiss

    import app

    before = faiss.omp_get_max_threads()
    try:
        app.pin_threads(1)
        assert faiss.omp_get_max_threads() == 1
    finally:
        faiss.omp_set_num_threads(before)


def test_gradio_event_wrapper_does_not_import_pyplot_in_the_app() -> None:
    """Gradio runs every event inside a switch to matplotlib's "agg" backend; with no backend named,
    the first request would import pyplot (~0.3 s of cold start) only to look up the default."""
    probe = (
        "import sys, app, gradio.utils\n"
        "with gradio.utils.MatplotlibBackendMananger():\n"
        "    pass\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_launcher_reports_an_app_that_cannot_start(tmp_path: Path) -> None:
    """qa.launch.running_app (shared with eval/load_test.py and eval/bench.py): a failed start raises with the
    app's own one-line error, and nothing is left running."""
    env = {"QA_CORPUS_DIR": str(tmp_path / "no-such-corpus"), "QA_INDEX_DIR": str(tmp_path / "index")}
    with pytest.raises(AppStartError, match=r"app\.py exited with [1-9]") as failed:
        with running_app(env, timeout=STARTUP_SECONDS):
            pytest.fail("the app started without a corpus")
    assert "no-such-corpus" in str(failed.value)


def test_app_with_an_unusable_feedback_database_exits_with_one_line(tmp_path: Path) -> None:
    """Round 16 audit: a corrupt QA_FEEDBACK_DB gave a traceback; now one line and exit 2, before the model loads."""
    bad = tmp_path / "feedback.sqlite3"
    bad.write_bytes(b"not a database " * 400)
    env = {**os.environ, "QA_FEEDBACK_DB": str(bad), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "app.py", "--port", "0"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2, out.stderr[-2000:]
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and "Traceback" not in out.stderr
    assert "Loading the index" not in out.stdout


def test_key_guard_locks_a_client_out_after_too_many_wrong_keys() -> None:
    import app

    now = [1000.0]
    guard = app.KeyGuard(limit=3, window=600, clock=lambda: now[0])
    for _ in range(2):
        guard.wrong("10.0.0.1")
        now[0] += 10
    assert guard.wait("10.0.0.1") == 0  # two wrong keys: still allowed
    guard.wrong("10.0.0.1")  # third, at 1020
    assert guard.wait("10.0.0.1") == 580  # until the first (at 1000) is 600 s old
    assert guard.wait("10.0.0.2") == 0  # another client is not locked out
    now[0] = 1600
    assert guard.wait("10.0.0.1") == 0  # the oldest try has expired: two left in the window
    guard.wrong("10.0.0.1")
    assert guard.wait("10.0.0.1") == 10  # tries at 1010, 1020, 1600: locked until 1610
    now[0] = 1700
    assert guard.wait("10.0.0.1") == 0


def test_key_guard_forgets_the_oldest_clients_past_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import app

    monkeypatch.setattr(app.KeyGuard, "MAX_CLIENTS", 2)
    now = [0.0]
    guard = app.KeyGuard(limit=1, window=600, overall=100, clock=lambda: now[0])
    for client in ("a", "b", "c"):
        guard.wrong(client)
        now[0] += 1
    assert [guard.wait(c) > 0 for c in ("a", "b", "c")] == [False, True, True]


def test_key_guard_counts_a_repeated_key_once_clears_on_the_right_key_and_caps_all_clients() -> None:
    """Round 15 audit: re-opening the staff tab re-sent the one mistyped key until staff were locked out; the right
    key reset nothing; an address claimed in X-Forwarded-For (trusted from this machine) gave endless tries."""
    import app

    now = [0.0]
    guard = app.KeyGuard(limit=3, window=600, overall=7, clock=lambda: now[0])
    for _ in range(5):
        guard.wrong("staff", "clinic-staf-key")  # the same typo, re-sent five times
    assert guard.wait("staff") == 0
    guard.wrong("staff", "other-1")
    guard.right("staff")
    guard.wrong("staff", "other-2")
    guard.wrong("staff", "other-3")
    assert guard.wait("staff") == 0  # the right key cleared the first two
    for n in range(5):
        guard.wrong(f"10.9.0.{n}", "guess")  # one guess each from five claimed addresses: 7 wrong keys in all
    assert guard.wait("10.9.9.9") == 600  # everyone waits until the oldest of the window's wrong keys is 600 s old
    now[0] = 600
    assert guard.wait("10.9.9.9") == 0


def test_saved_chats_find_a_tab_again_forget_idle_and_oldest_chats_and_ignore_malformed_ids() -> None:
    import app

    now = [0.0]
    chats = app.SavedChats(max_chats=2, keep_s=100, clock=lambda: now[0])
    a, b, c = ("a" * 32, "b" * 32, "c" * 32)
    assert chats.find(a) is None and len(chats) == 0  # a page load alone saves nothing
    first = ["turn"]
    chats.keep(a, first)
    assert chats.find(a) is first  # a reload of that tab gets the same list back
    now[0] = 90
    second, third = ["b"], ["c"]
    chats.keep(b, second)
    now[0] = 150
    assert chats.find(a) is None  # 150 s without use: forgotten
    assert chats.find(b) is second  # found at 150: kept until 250
    now[0] = 240
    chats.keep(a, first)
    chats.keep(c, third)
    assert len(chats) == 2  # b (last used at 150), a and c (at 240): the least recently used, b, went
    assert chats.find(b) is None and chats.find(a) is first and chats.find(c) is third
    chats.keep(a, ["another page's list"])  # the list saved first stays the tab's conversation
    assert chats.find(a) is first
    assert [chats.valid(x) for x in (a, "A" * 32, "a" * 31, "a" * 33, None, 7, "<script>")] == [
        a,
        "",
        "",
        "",
        "",
        "",
        "",
    ]

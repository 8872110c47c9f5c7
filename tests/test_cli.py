"""The `qa` console script end to end, in subprocesses: build, ask, stdin batch, JSON, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT

QA = str(Path(sys.executable).parent / "qa")
QUOTE_FIELDS = {"text", "path", "start", "end", "title", "score"}


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([QA, *args], input=stdin, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(PROJECT_ROOT / "corpus", root / "corpus")
    result = run("build", "--corpus", str(root / "corpus"), "--index", str(root / "index"))
    assert result.returncode == 0, result.stderr
    assert "Index built" in result.stdout
    return str(root / "corpus"), str(root / "index")


def check_schema(answer: dict, corpus: str) -> None:
    assert {"question", "status", "quotes", "disclaimer"} <= set(answer)
    assert answer["status"] in {"answered", "no_answer", "crisis", "medical_advice"}
    assert isinstance(answer["disclaimer"], str) and answer["disclaimer"]
    for quote in answer["quotes"]:
        assert QUOTE_FIELDS <= set(quote)
        text = (Path(corpus) / quote["path"]).read_text(encoding="utf-8")
        assert text[quote["start"] : quote["end"]] == quote["text"]
    ids = [q.get("id") for q in answer["quotes"]]
    assert len(ids) == len(set(ids)), "no quote shown twice"


def test_ask_json_answers_with_verbatim_quotes(dirs):
    corpus, index = dirs
    result = run("ask", "--json", "How fast does ketamine work?", "--corpus", corpus, "--index", index)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    check_schema(answer, corpus)
    assert answer["status"] == "answered" and answer["quotes"]
    assert answer["question"] == "How fast does ketamine work?"


def test_ask_human_readable(dirs):
    corpus, index = dirs
    result = run("ask", "What is KAP?", "--k", "2", "--corpus", corpus, "--index", index, "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Q: What is KAP?")
    assert "[1] " in result.stdout and "[3] " not in result.stdout
    assert "Disclaimer:" in result.stdout
    assert result.stderr == ""


def test_stdin_batch_one_json_per_line_and_bad_lines_do_not_stop_it(dirs):
    corpus, index = dirs
    lines = ["side effects?", "", "x" * 5000, "how long does a session last"]
    result = run("ask", "--json", "--corpus", corpus, "--index", index, stdin="\n".join(lines) + "\n")
    assert result.returncode == 1  # one line failed
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] == "error" for o in out] == [False, True, False]
    assert "5,000 characters" in out[1]["error"] and out[1]["disclaimer"]
    assert set(out[1]) == set(out[0]) | {"error"}  # every contract field on the error line too
    assert (out[1]["message"], out[1]["route"], out[1]["check_in"]) == (out[1]["error"], None, False)
    for answer in (out[0], out[2]):
        check_schema(answer, corpus)
    assert out[2]["question"] == "how long does a session last"


def test_a_byte_that_is_not_utf8_loses_nothing_of_a_batch_under_a_strict_utf8_locale(dirs):
    """Round 17 audit: under en_US.UTF-8 Python reads stdin strictly, so one bad byte ended the whole batch with
    "internal error (UnicodeDecodeError …)" and no line answered. PYTHONIOENCODING makes this machine's locale as
    strict."""
    import os

    corpus, index = dirs
    batch = b"side effects?\nbad \xff byte here\nhow long is a session\n"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    result = subprocess.run(
        [QA, "ask", "--json", "-q", "--corpus", corpus, "--index", index], input=batch, capture_output=True, env=env,
        timeout=300,
    )  # fmt: skip
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert result.returncode == 0, result.stderr
    assert [o["question"] for o in out] == ["side effects?", "bad byte here", "how long is a session"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "question is empty"),
        (["ask", "   \t "], "question is empty"),
        (["ask", "<img src=x onerror=alert(1)>"], "only HTML markup"),
        (["ask", "<b></b> <br/>"], "only HTML markup"),
        (["ask", "y" * 1001], "maximum is 1,000"),
        (["ask", "side effects", "--k", "0"], "--k must be between 1 and 10, got 0"),
        (["ask", "side effects", "--k", "1000"], "--k must be between 1 and 10, got 1000"),
    ],
)
def test_bad_questions_give_one_line_and_nonzero_exit(dirs, args: list[str], message: str):
    corpus, index = dirs
    result = run(*args, "--corpus", corpus, "--index", index, "-q")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_control_characters_and_html_are_just_text(dirs):
    corpus, index = dirs
    line = "side\x00 effects\x1b[31m <script>alert(1)</script>?\n"  # argv cannot carry NUL: use stdin
    result = run("ask", "--json", "--corpus", corpus, "--index", index, "-q", stdin=line)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["question"] == "side effects [31m <script>alert(1)</script>?"
    assert "\x00" not in answer["question"] and "\x1b" not in answer["question"]
    check_schema(answer, corpus)


def test_undecodable_bytes_and_invisible_characters_do_not_break_a_batch(dirs):
    """Bytes that are not UTF-8 arrive as lone surrogates; zero-width characters sit inside words. Both are
    deleted, so the batch goes on, the output is valid UTF-8 and "d<ZWSP>ie" is still read as "die"."""
    corpus, index = dirs
    lines = [b"side effects?", b"How fast\xff does ketamine work?", b"\xff\xfe", "I want to d\u200bie".encode()]
    result = subprocess.run(
        [QA, "ask", "--json", "--corpus", corpus, "--index", index, "-q"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=300,
    )
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]  # strict: valid UTF-8
    assert [o["status"] for o in out] == ["answered", "answered", "error", "crisis"], result.stderr
    assert out[1]["question"] == "How fast does ketamine work?"
    assert "question is empty" in out[2]["error"]
    assert result.returncode == 1 and b"internal error" not in result.stderr


def test_reader_leaving_early_stops_the_batch_quietly(dirs):
    """`qa ask --json < questions | head -1`: a closed pipe is no internal error."""
    corpus, index = dirs
    proc = subprocess.Popen(
        [QA, "ask", "--json", "--corpus", corpus, "--index", index, "-q"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdin.write(b"".join(b"how long is a session %d\n" % n for n in range(200)))
    proc.stdin.close()
    assert json.loads(proc.stdout.readline())["status"] == "answered"
    proc.stdout.close()
    assert proc.wait(timeout=300) == 141
    assert proc.stderr.read() == b""


def test_missing_or_empty_corpus_is_one_clear_line(tmp_path: Path):
    result = run("build", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "index"))
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "empty").mkdir()
    result = run("ask", "hi", "--corpus", str(tmp_path / "empty"), "--index", str(tmp_path / "index"), "-q")
    assert result.returncode == 2 and "No usable articles" in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("var", "value", "says"),
    [
        ("QA_TOP_K", "0", "QA_TOP_K (top_k) must be a whole number of at least 1, got 0"),
        ("QA_TOP_K", "11", "QA_TOP_K (top_k) must be between 1 and 10, got 11"),
        ("QA_TOP_K", "abc", "QA_TOP_K='abc' is not a whole number"),
        (
            "QA_MAX_QUESTION_CHARS",
            "-5",
            "QA_MAX_QUESTION_CHARS (max_question_chars) must be a whole number of at least 1",
        ),
    ],
)
def test_an_unusable_setting_is_refused_at_start_in_one_line(var: str, value: str, says: str) -> None:
    """Round 16 audit: QA_TOP_K=0 was accepted and then every question failed with 'k must be at least 1' (a k the
    person never passed); QA_TOP_K=abc was an 'internal error'; QA_MAX_QUESTION_CHARS=0 called every question empty."""
    env = {**os.environ, var: value, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([QA, "ask", "-q", "hi"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.strip().startswith(f"error: {says}")
    assert len(out.stderr.strip().splitlines()) == 1

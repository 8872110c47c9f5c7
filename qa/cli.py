"""The ``qa`` command line: ``qa build``, ``qa ask``.

Errors print one line to stderr and exit non-zero; there is no traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

from .answer import Answer
from .config import MAX_TOP_K, load_settings
from .errors import QAError

__all__ = ["main"]

logger = logging.getLogger(__name__)


def _common(parser: argparse.ArgumentParser) -> None:
    # Round 25 (staff audit): the help said "./corpus", but the default is the project's folder wherever qa runs.
    corpus_help = "article folder (default: $QA_CORPUS_DIR, else the project's corpus/)"
    parser.add_argument("--corpus", type=Path, metavar="DIR", help=corpus_help)
    index_help = "index folder (default: $QA_INDEX_DIR, else the project's index/)"
    parser.add_argument("--index", type=Path, metavar="DIR", help=index_help)
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    parser.add_argument("--debug", action="store_true", help="debug logging and tracebacks")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa", description="Answer questions with verbatim quotes from the clinic's articles."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = sub.add_parser("build", help="(re)build the index from the corpus")
    _common(build)

    ask = sub.add_parser("ask", help="answer a question (or one per line from standard input)")
    ask.add_argument("question", nargs="?", help="the question; omit it to read questions from stdin, one per line")
    ask.add_argument(
        "--k", type=int, default=None, metavar="N", help=f"number of quotes to show, 1-{MAX_TOP_K} (default: 3)"
    )
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line in stdin mode)")
    _common(ask)
    _add_eval_parser(sub)
    return parser


def _settings(args: argparse.Namespace):
    return load_settings(corpus_dir=args.corpus, index_dir=args.index)


def format_answer(answer: Answer, *, color: bool | None = None) -> str:
    """Human-readable rendering of an answer for a terminal: message, quotes with citations, disclaimer.

    The highlighted sentence(s) of each quote are shown in bold when ``color`` (default: stdout is a
    terminal), else between » and «. Quotes stay verbatim apart from line wrapping.
    """
    if color is None:
        color = sys.stdout.isatty()
    mark_on, mark_off = ("\033[1m", "\033[0m") if color else ("»", "«")

    def marked_lines(quote) -> list[str]:
        lines, pos = [], quote.start
        for raw in quote.text.splitlines(keepends=True):
            body = raw.rstrip("\r\n")
            cuts = sorted(
                (max(s, pos) - pos, min(e, pos + len(body)) - pos)
                for s, e in quote.highlights
                if s < pos + len(body) and e > pos
            )
            text, last = "", 0
            for s, e in cuts:
                if s < last:
                    continue
                text += body[last:s] + mark_on + body[s:e] + mark_off
                last = e
            lines.append(text + body[last:])
            pos += len(raw)
        return lines

    out = [f"Q: {answer.question}", ""]
    if answer.message:
        for para in answer.message.splitlines():
            out.append(textwrap.fill(para, 100) if para.strip() else "")
        out.append("")
    for n, quote in enumerate(answer.quotes, start=1):
        where = quote.title + (f" — {quote.heading}" if quote.heading and quote.heading != quote.title else "")
        byline = ", ".join(x for x in (getattr(quote, "author", ""), getattr(quote, "source", "")) if x)
        out.append(f"[{n}] {where}" + (f", {byline}" if byline else ""))
        out.append(f"    {quote.path}, characters {quote.start}-{quote.end} (score {quote.score:.2f})")
        for para in marked_lines(quote):
            if para.strip():
                out.append(textwrap.fill(para, 100, initial_indent="    │ ", subsequent_indent="    │ "))
        out.append("")
    out.append(textwrap.fill(f"Disclaimer: {answer.disclaimer}", 100))
    return "\n".join(out)


def _cmd_build(args: argparse.Namespace) -> int:
    from .embedding import Embedder
    from .store import build_index

    settings = _settings(args)
    gen = build_index(settings, Embedder(settings.model, batch_size=settings.batch_size, backend=settings.backend))
    print(f"Index built at {gen}")
    return 0


def _stdin_lines() -> Iterator[str]:
    """Lines of stdin as UTF-8 whatever the locale, a byte that is not UTF-8 kept as a lone surrogate (deleted when
    the question is cleaned): under a UTF-8 locale such as en_US.UTF-8 Python reads stdin strictly, and one bad byte
    ended the whole batch with no line answered (round 17 audit; the C locale was lenient already)."""
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # stdin replaced by a text stream (an embedding program, a test)
        yield from sys.stdin
        return
    yield from io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape")


def _cmd_ask(args: argparse.Namespace) -> int:
    from .pipeline import Pipeline

    if args.k is not None and not 1 <= args.k <= MAX_TOP_K:
        raise QAError(f"--k must be between 1 and {MAX_TOP_K}, got {args.k!r}")
    pipeline = Pipeline(_settings(args))
    if args.question is not None:
        answer = pipeline.ask(args.question, k=args.k)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer))
        return 0
    failures = 0
    for line in _stdin_lines():
        question = line.rstrip("\r\n")
        if not question.strip():
            continue
        try:
            answer = pipeline.ask(question, k=args.k)
        except QAError as exc:  # one bad line must not lose the rest of the batch
            failures += 1
            if args.json:
                print(
                    json.dumps(
                        {
                            # as typed, except bytes that were not UTF-8 (lone surrogates): "?", so the line is UTF-8
                            "question": question.encode("utf-8", "replace").decode("utf-8"),
                            "status": "error",
                            "error": str(exc),
                            # The contract's other fields too, so a reader of the batch can treat every line alike.
                            "message": str(exc),
                            "quotes": [],
                            "disclaimer": Answer(question, "error").disclaimer,
                            "route": None,
                            "answerability": None,
                            "confidence": None,
                            "intent": None,
                            "check_in": False,
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                print(f"error: {exc}", file=sys.stderr)
            continue
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer) + "\n")
        sys.stdout.flush()
    return 1 if failures else 0


def _add_eval_parser(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser(
        "eval",
        help="score retrieval, abstention and safety routing on a question set",
        description="Score the pipeline on our .jsonl question set or any SQuAD .json file (its contexts become "
        "the corpus, indexed under --work-dir and reused by later runs).",
    )
    ev.add_argument("--questions", type=Path, required=True, metavar="FILE", help="a .jsonl set or a SQuAD .json file")
    ev.add_argument(
        "--k", type=int, metavar="N", help="quotes per production answer (default: 3); ranking always uses the top 10"
    )
    ev.add_argument("--split", choices=("dev", "test", "all"), default="all", help="questions to use (default: all)")
    ev.add_argument(
        "--compare",
        nargs="*",
        metavar="NAME",
        help="compare configurations side by side (names from qa.config.CONFIGURATIONS, space- or "
        "comma-separated; none given: all of them); without --compare: production only",
    )
    ev.add_argument("--json", action="store_true", help="print the full result as one JSON object")
    ev.add_argument("--report", type=Path, metavar="PATH", help="write a Markdown report to PATH, its plot beside it")
    ev.add_argument(
        "--work-dir", type=Path, metavar="DIR", help="for generated corpora and eval indexes (default: var/eval)"
    )
    _common(ev)


def _eval_command(args: argparse.Namespace) -> str:
    """The command line equivalent to ``args`` run from the project root, for the report header: a path is written
    relative to the project root when it is inside it, else in full (round 27 audit: a run from another folder gave
    paths relative to that folder under a header that says "run from the project root")."""
    import shlex

    from .config import project_relative

    def where(path: object) -> str:
        return project_relative(Path(str(path)).resolve())

    parts = ["qa", "eval", "--questions", where(args.questions)]
    for flag, value in (("--corpus", args.corpus), ("--index", args.index)):
        if value is not None:
            parts += [flag, where(value)]
    if args.k is not None:
        parts += ["--k", str(args.k)]
    if args.split != "all":
        parts += ["--split", args.split]
    if args.compare is not None:
        parts += ["--compare", *args.compare]
    if args.work_dir is not None:
        parts += ["--work-dir", where(args.work_dir)]
    if args.json:
        parts.append("--json")
    if args.report is not None:
        parts += ["--report", where(args.report)]
    return shlex.join(parts)


def _cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import DEFAULT_WORK_DIR, run
    from .report import report_paths, summary, write_report

    if args.report is not None:
        report_paths(args.report, keep=args.questions)  # a bad report path fails now, not after a long run
    if not args.debug:  # one log line per answer would bury the progress bar
        logging.getLogger("qa.pipeline").setLevel(logging.WARNING)
    compare = None if args.compare is None else [n for arg in args.compare for n in arg.split(",") if n.strip()]
    if compare == []:
        from .config import CONFIGURATIONS

        compare = list(CONFIGURATIONS)
    result = run(
        args.questions,
        corpus_dir=args.corpus,
        index_dir=args.index,
        k=args.k,
        split=args.split,
        compare=compare,
        work_dir=args.work_dir or DEFAULT_WORK_DIR,
        command=_eval_command(args),
        progress=not args.quiet,
    )
    print(json.dumps(result.to_dict(), ensure_ascii=False) if args.json else summary(result))
    if args.report is not None:
        md, png = write_report(result, args.report)
        print(f"Report written to {md} and {png}", file=sys.stderr)
    return 0


COMMANDS = {"build": _cmd_build, "ask": _cmd_ask, "eval": _cmd_eval}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.DEBUG if args.debug else logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)
    try:
        return COMMANDS[args.command](args)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (`qa ask --json < many | head -1`): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail again
        return 141  # 128 + SIGPIPE, what a shell reports for a tool killed by it
    except Exception as exc:  # a bug: still one line for the user, the traceback with --debug
        if args.debug:
            raise
        print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for details", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

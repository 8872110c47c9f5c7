"""The ``qa`` command line: ``qa build``, ``qa ask``.

Errors print one line to stderr and exit non-zero; there is no traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

from .answer import Answer
from .config import load_settings
from .errors import QAError

__all__ = ["main"]

logger = logging.getLogger(__name__)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, metavar="DIR", help="article folder (default: ./corpus or $QA_CORPUS_DIR)"
    )
    parser.add_argument("--index", type=Path, metavar="DIR", help="index folder (default: ./index or $QA_INDEX_DIR)")
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
    ask.add_argument("--k", type=int, default=None, metavar="N", help="number of quotes to show (default: 3)")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line in stdin mode)")
    _common(ask)
    return parser


def _settings(args: argparse.Namespace):
    return load_settings(corpus_dir=args.corpus, index_dir=args.index)


def format_answer(answer: Answer) -> str:
    """Human-readable rendering of an answer for a terminal."""
    out = [f"Q: {answer.question}", ""]
    if answer.message:
        out += [textwrap.fill(answer.message, 100), ""]
    for n, quote in enumerate(answer.quotes, start=1):
        where = quote.title + (f" — {quote.heading}" if quote.heading and quote.heading != quote.title else "")
        out.append(f"[{n}] {where}  (score {quote.score:.2f})")
        out.append(f"    {quote.path}, characters {quote.start}-{quote.end}")
        for para in quote.text.splitlines():
            if para.strip():
                out.append(textwrap.fill(para, 100, initial_indent="    │ ", subsequent_indent="    │ "))
        out.append("")
    out.append(f"Disclaimer: {answer.disclaimer}")
    return "\n".join(out)


def _cmd_build(args: argparse.Namespace) -> int:
    from .embedding import Embedder
    from .store import build_index

    settings = _settings(args)
    gen = build_index(settings, Embedder(settings.model, batch_size=settings.batch_size))
    print(f"Index built at {gen}")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from .pipeline import Pipeline

    if args.k is not None and args.k < 1:
        raise QAError(f"--k must be at least 1, got {args.k!r}")
    pipeline = Pipeline(_settings(args))
    if args.question is not None:
        answer = pipeline.ask(args.question, k=args.k)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer))
        return 0
    failures = 0
    for line in sys.stdin:
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
                            "question": question,
                            "status": "error",
                            "error": str(exc),
                            "quotes": [],
                            "disclaimer": Answer(question, "error").disclaimer,
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


COMMANDS = {"build": _cmd_build, "ask": _cmd_ask}


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
    except Exception as exc:  # a bug: still one line for the user, the traceback with --debug
        if args.debug:
            raise
        print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug for details", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

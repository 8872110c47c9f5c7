"""Rendering a ``qa eval`` run: the terminal summary, the Markdown report and its hit@k plot (PNG)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from .config import project_relative
from .errors import QAError
from .evaluation import TABLE_KS, ConfigResult, EvalRun

__all__ = [
    "FAILURES_SHOWN",
    "render_markdown",
    "report_paths",
    "summary",
    "summary_table",
    "write_plot",
    "write_report",
]

logger = logging.getLogger(__name__)

#: Failures listed per kind in the Markdown report (``--json`` has them all).
FAILURES_SHOWN = 40
STATUSES = ("answered", "no_answer", "crisis", "medical_advice", "error")


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows])


def _hit(ranking: dict | None, k: int) -> float | None:
    if ranking is None:
        return None
    return ranking["hit_at"].get(k, ranking["hit_at"].get(str(k)))


def summary_table(run: EvalRun) -> str:
    """One row per configuration: ranking (abstention off), then production behaviour."""
    header = ["configuration", *(f"hit@{k}" for k in TABLE_KS), "MRR@10", "nDCG@10", "answered", "answer hit"]
    header += ["highlight hit"]
    header += ["abstain P", "abstain R", "crisis", "medical advice", "safety info"]
    rows = []
    for c in run.configs:
        r = c.ranking
        abst = c.abstention or {}
        # Precision of abstaining is undefined when nothing was abstained (the JSON keeps its 0.0): shown as –.
        precision = abst.get("precision") if abst.get("tp", 0) + abst.get("fp", 0) else None
        rows.append(
            [c.name, *(_num(_hit(r, k)) for k in TABLE_KS), _num(r and r["mrr_at_10"]), _num(r and r["ndcg_at_10"])]
            + [_num(c.answered_rate), _num(c.answer_accuracy), _num(c.highlight_accuracy)]
            + [_num(precision), _num(abst.get("recall"))]
            + [_num(c.routing.get(kind)) for kind in ("crisis", "medical_advice", "safety_info")]
        )
    return _table(header, rows)


def kind_table(run: EvalRun) -> str:
    """Per configuration and kind: counts of production statuses, questions passed, ranking."""
    header = ["configuration", "kind", "n", "passed", *STATUSES, "check-in", "hit@1", "hit@10", "MRR@10"]
    rows = []
    for c in run.configs:
        for kind, s in c.kinds.items():
            r = s.get("ranking")
            rows.append(
                [c.name, kind, str(s["n"]), str(s["passed"]), *(str(s["statuses"].get(x, 0)) for x in STATUSES)]
                + [str(s.get("check_in", 0)), _num(_hit(r, 1)), _num(_hit(r, 10)), _num(r and r["mrr_at_10"])]
            )
    return _table(header, rows)


def summary(run: EvalRun) -> str:
    """What ``qa eval`` prints without ``--json``."""
    d = run.dataset
    lines = [f"{d['name']}: {d['evaluated']} of {d['questions']} questions (split {d['split']})", ""]
    lines += [summary_table(run), "", kind_table(run), ""]
    for c in run.configs:
        n = c.ranking["n"] if c.ranking else 0
        lines.append(
            f"{c.name}: {len(c.failures())} failures; {len(c.unreachable)} of {n} ranked questions have their "
            f"answer in no passage; {c.passages} passages; {c.seconds:.0f} s"
        )
    return "\n".join(lines)


def _settings_table(run: EvalRun) -> str:
    """One row per setting, one column per configuration."""
    names = list(dict.fromkeys(key for c in run.configs for key in c.settings))
    rows = [[key, *(str(c.settings.get(key, "")) for c in run.configs)] for key in names]
    rows.append(["index", *(project_relative(c.index_dir) for c in run.configs)])
    rows.append(["run", *(f"same as {c.same_as}" if c.same_as else f"{c.seconds:.0f} s" for c in run.configs)])
    return _table(["setting", *(c.name for c in run.configs)], rows)


def _failures(c: ConfigResult) -> list[str]:
    out = [f"### Failures of `{c.name}` ({len(c.failures())} of {len(c.questions)} questions)", ""]
    out.append(
        "What each kind expects: answerable — answered with a quote containing a gold answer; "
        "unanswerable — not answered; crisis / medical_advice — that status; safety_info — answered (not "
        "blocked) with a gold quote. *rank* = rank of the first gold quote with abstention off (– = not in the "
        "top 10); *returned* = the production answer's first quote."
    )
    for kind in c.kinds:
        failed = [q for q in c.failures() if q.kind == kind]
        if not failed:
            continue
        out += ["", f"**{kind}** ({len(failed)})", ""]
        header = ["id", "question", "status", "rank", "returned", "path"]
        rows = [
            [q.id, q.question[:100], q.status, "–" if q.rank is None else str(q.rank), q.returned.get("text", ""),
             q.returned.get("path", "")]
            for q in failed[:FAILURES_SHOWN]
        ]  # fmt: skip
        if any(q.error for q in failed):
            header.append("error")
            rows = [row + [q.error] for row, q in zip(rows, failed, strict=False)]
        out.append(_table(header, rows))
        if len(failed) > FAILURES_SHOWN:
            out.append(f"\n… and {len(failed) - FAILURES_SHOWN} more (`--json` lists them all).")
    return out


def _notes(run: EvalRun) -> list[str]:
    """Questions no ranking can hit (grouped by configuration), and ranked questions not answered anyway."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for c in run.configs:
        if c.unreachable:
            groups.setdefault(tuple(c.unreachable), []).append(f"`{c.name}`")
    out = []
    for ids, names in groups.items():
        n = next(c.ranking["n"] for c in run.configs if tuple(c.unreachable) == ids)
        shown = ", ".join(ids[:30]) + (" …" if len(ids) > 30 else "")
        out.append(
            f"- {', '.join(names)}: {len(ids)} of {n} ranked questions have their answer in no passage (e.g. it "
            f"crosses a passage boundary), so no ranking can hit them: {shown}."
        )
    for c in run.configs:
        if c.ranking_abstained:
            out.append(
                f"- `{c.name}`: {c.ranking_abstained} ranked question(s) got a status other than `answered` even "
                "with abstention off (safety routing, or nothing retrieved)."
            )
    return out


def render_markdown(run: EvalRun, plot_name: str) -> str:
    """The whole report; ``plot_name`` is the PNG's file name (it sits beside the report)."""
    d = run.dataset
    kinds = ", ".join(f"{kind} {n}" for kind, n in d["kinds"].items())
    out = [
        f"# Evaluation: {Path(d['path']).name} ({d['split']} split)",
        "",
        f"Produced by `{run.command}` (run from the project root) on {run.date}, commit `{run.commit}`.",
        "",
        f"- Dataset: `{project_relative(d['path'])}` — {d['evaluated']} of its {d['questions']} questions (split "
        f"`{d['split']}`): {kinds}.",
        f"- Corpus: `{project_relative(d['corpus_dir'])}`; passages per index: "
        + ", ".join(f"{c.name} {c.passages}" for c in run.configs)
        + ".",
        f"- Quotes per production answer (`--k`): {run.k or run.configs[0].settings.get('top_k')}; ranking metrics "
        "use the top 10 "
        "quotes of the same pipeline with abstention switched off (`min_score=-inf`).",
        "",
        "## Summary",
        "",
        summary_table(run),
        "",
        f"![hit@k per configuration]({plot_name})",
        "",
        "hit@k: share of answerable + safety_info questions with a quote containing a gold answer (normalised "
        "case, whitespace, quotes, dashes) in the top k. MRR@10: mean 1/rank of the first such quote. nDCG@10: "
        "relevant passages = every indexed passage containing a gold answer. answered: share of answerable "
        "questions answered; answer hit: share answered with a gold quote among the shown quotes; highlight hit: of "
        "those, the share whose highlighted sentences hold a gold answer (or lie inside one). abstain P/R: "
        "precision/recall of not answering, with unanswerable as the positive class (over answerable, "
        "unanswerable and safety_info; P is – when nothing was abstained). crisis / medical advice / safety info: "
        "share routed as expected (status crisis, medical_advice, answered). – = no question of that kind.",
        "",
        "## Per kind",
        "",
        "check-in: answers that carried the semantic crisis check's line (`qa.crisis_check`; the answer is "
        "otherwise unchanged) — wanted on crisis messages the rules miss, a false alarm elsewhere.",
        "",
        kind_table(run),
        "",
    ]
    out += _notes(run)
    out += ["", "## Settings", "", _settings_table(run), "", "## Failures", ""]
    shown = next((c for c in run.configs if c.name == "production"), run.configs[0])
    out += _failures(shown)
    return "\n".join(out) + "\n"


def write_plot(run: EvalRun, path: Path) -> None:
    """hit@k for k = 1..10, one line per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    many = len(run.configs) > 6
    fig, ax = plt.subplots(figsize=(10, 5.5) if many else (7, 4.5), dpi=100)
    colors = plt.get_cmap("tab20" if len(run.configs) > 10 else "tab10").colors
    ceilings = False
    for n, c in enumerate(run.configs):
        if c.ranking is None:
            continue
        ks = sorted(int(k) for k in c.ranking["hit_at"])
        label = f"{c.name} (= {c.same_as})" if c.same_as else c.name
        style = {"linestyle": "--", "marker": "x"} if c.same_as else {"marker": "os^vD"[n // len(colors) % 5]}
        [line] = ax.plot(ks, [_hit(c.ranking, k) for k in ks], label=label, color=colors[n % len(colors)], **style)
        if c.unreachable and c.ranking["n"]:  # the best any ranking could do: answer in some passage
            ax.axhline(1 - len(c.unreachable) / c.ranking["n"], color=line.get_color(), linestyle=":", linewidth=1)
            ceilings = True
    if ceilings:
        ax.plot([], [], color="gray", linestyle=":", linewidth=1, label="ceiling: answer in a passage")
    d = run.dataset
    ax.set(xlabel="k (quotes)", ylabel="hit@k", ylim=(0, 1), xticks=range(1, 11))
    ax.set_title(f"{Path(d['path']).name} ({d['split']} split, {d['evaluated']} questions)")
    ax.grid(alpha=0.3)
    if many:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    else:
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def report_paths(path: Path, keep: Path | None = None) -> tuple[Path, Path]:
    """The report's path and its plot's (same name, ``.png``); check them before a long run. ``keep`` (the question
    file) must not be either of them: a report written over the evaluator's questions lost them (round 25 audit)."""
    path = Path(path)
    png = path.with_suffix(".png")
    if png == path:
        raise QAError(f"--report {str(path)!r} would be overwritten by its plot; give a .md path")
    for target in (path, png):
        if target.is_dir():
            raise QAError(f"--report: {str(target)!r} is a folder; give a .md file path")
        if keep is not None and target.resolve() == Path(keep).resolve():
            raise QAError(f"--report {str(path)!r} would overwrite the question file {str(keep)!r}; give another path")
    folder = next((p for p in path.parents if p.exists()), Path("."))
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise QAError(f"--report {str(path)!r}: {str(folder)!r} is not a writable folder")
    for target in (path, png):
        _check_writable(target, path)
    return path, png


def _check_writable(target: Path, report: Path) -> None:
    """Open ``target`` for appending (removing it again if it was not there) when its folder exists: a read-only
    report or plot, or a folder that refuses files (``/proc``), failed only after the whole run (round 25 audit)."""
    if not target.parent.is_dir():
        return  # made by write_report under the writable folder checked above
    existed = target.exists()
    try:
        with open(target, "a", encoding="utf-8"):
            pass
        if not existed:
            target.unlink()
    except OSError as exc:
        raise QAError(f"--report {str(report)!r}: cannot write {str(target)!r} ({exc.strerror or exc})") from None


def write_report(run: EvalRun, path: Path) -> tuple[Path, Path]:
    """Write the Markdown report at ``path`` and its plot beside it (same name, ``.png``)."""
    path, png = report_paths(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_plot(run, png)
    path.write_text(render_markdown(run, png.name), encoding="utf-8")
    logger.info("Report written to %s (plot %s)", path, png)
    return path, png

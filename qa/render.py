"""Answers and search results as HTML for the app, with every corpus or user text escaped.

Nothing from an article or a person is ever interpreted: :func:`text` escapes it (``& < > " '``
plus ``$``, backtick and braces, so no template, Markdown or LaTeX processor downstream can act on
it), and the only tags in the output are the fixed ones written here. The answering sentence of a
quote is wrapped in ``<mark>`` using :attr:`Quote.highlights` (file offsets inside the quote).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .answer import Answer, Citation, Quote
from .feedback import Gap
from .retrieval import Hit

__all__ = [
    "Turn",
    "text",
    "citation",
    "quote_citation",
    "copy_text",
    "highlighted",
    "linked_numbers",
    "answer_html",
    "conversation_html",
    "results_html",
    "gaps_html",
]

_EXTRA = str.maketrans({"$": "&#36;", "`": "&#96;", "{": "&#123;", "}": "&#125;", "\\": "&#92;"})


@dataclass(frozen=True)
class Turn:
    """One exchange in a chat session: the answer (which holds the question) and the vote given, if any."""

    answer: Answer
    vote: str = ""
    #: A random id given when the answer is shown: the feedback store keeps one vote per id (qa.feedback), and a
    #: vote names the answer by it (the position of an answer changes once older ones are no longer kept).
    id: str = ""
    #: Its place in the whole conversation, from 1 (0: its place in the list shown).
    number: int = 0
    #: The question as typed, its lines kept (``qa.pipeline.question_lines``); empty: ``answer.question``.
    asked: str = ""
    #: An earlier turn no longer kept had the crisis card or the check-in line (set on the first turn kept): the line
    #: saying earlier turns are gone then repeats the help numbers.
    after_help: bool = False


def text(value: object) -> str:
    """``value`` as inert HTML text."""
    return html.escape(str(value), quote=True).translate(_EXTRA)


def citation(title: str, heading: str = "", author: str = "", source: str = "", path: str = "") -> str:
    """Plain-text citation: article title, section, author, where it was published, and the file."""
    parts = [f"“{title}”"]
    if heading and heading != title:
        parts.append(f"section “{heading}”")
    if author:
        parts.append(f"by {author}")
    if source:
        parts.append(source)
    cite = ", ".join(parts)
    return f"{cite} ({path})" if path else cite


def quote_citation(quote: Quote) -> str:
    """The citation shown under a quote in the chat."""
    return citation(quote.title, quote.heading, quote.author, quote.source, quote.path)


def copy_text(quote_text: str, cite: str) -> str:
    """What the staff copy button puts on the clipboard: the quote, then its citation."""
    return f"“{quote_text.strip()}”\n— {cite}"


def highlighted(quote: Quote) -> str:
    """The quote's text as HTML with its answering sentence(s) in ``<mark>``."""
    spans = sorted(
        (max(s - quote.start, 0), min(e - quote.start, len(quote.text)))
        for s, e in quote.highlights
        if e > s and s < quote.end and e > quote.start
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(text(quote.text[pos:start]))
        out.append(f'<mark class="qa-hl">{text(quote.text[start:end])}</mark>')
        pos = end
    out.append(text(quote.text[pos:]))
    return "".join(out)


def _quote_html(quote: Quote, number: int) -> str:
    return (
        f'<figure class="qa-quote" aria-label="Quote {number}">'
        f'<blockquote class="qa-quote-text">{highlighted(quote)}</blockquote>'
        f'<figcaption class="qa-cite">Source: {text(quote_citation(quote))}</figcaption>'
        "</figure>"
    )


def _vote_html(index: int, vote: str, answer_id: str = "") -> str:
    ids = f'data-turn="{index}"' + (f' data-answer="{text(answer_id)}"' if answer_id else "")
    if vote:
        thanks = "Thank you, your feedback was recorded."
        return (
            f'<div class="qa-vote" role="group" aria-label="Feedback">'
            f'<p class="qa-voted" tabindex="-1" {ids}>{thanks}</p></div>'
        )
    buttons = "".join(
        f'<button type="button" class="qa-vote-btn" {ids} data-vote="{value}" '
        f'aria-label="{label}" title="{label}"><span aria-hidden="true">{icon}</span> {word}</button>'
        for value, label, icon, word in (
            ("up", "Yes, this answer helped", "👍", "Yes"),
            ("down", "No, this answer did not help", "👎", "No"),
        )
    )
    return (
        f'<div class="qa-vote" role="group" aria-label="Was this answer helpful?">'
        f'<span class="qa-vote-label">Was this helpful?</span>{buttons}</div>'
    )


#: Help numbers in the gate's fixed messages (``qa/safety_rules.json``), made tappable on a phone: a number to call
#: (988, 911, the 1-800 lines) or to text (the Crisis Text Line's 741741, the hotline's 88788).
_PHONE = re.compile(r"(?<![\w-])(?:(988|911)|(1-800-\d{3}-\d{4})|(741741|88788))(?![\w-])")


def _dial(match: re.Match[str]) -> str:
    call, toll_free, sms = match.groups()
    if sms:
        return f'<a href="sms:{sms}">{sms}</a>'
    number = call or toll_free
    return f'<a href="tel:{number.replace("-", "")}">{number}</a>'


def linked_numbers(message: str) -> str:
    """``message`` as inert HTML text with its help numbers as ``tel:`` / ``sms:`` links (nothing else is a tag)."""
    return _PHONE.sub(_dial, text(message))


def _paragraphs(message: str, css: str = "") -> str:
    """A message's lines as paragraphs (the gate's fixed text: its help numbers are links)."""
    attr = f' class="{css}"' if css else ""
    return "".join(f"<p{attr}>{linked_numbers(line)}</p>" for line in message.splitlines() if line.strip())


def answer_html(answer: Answer, index: int = 0, vote: str = "", answer_id: str = "") -> str:
    """One answer card: help card or referral first when routed there, then quotes, disclaimer, vote buttons
    (``index``: the card's place in the list shown; ``answer_id``: the id its vote names, ``Turn.id``)."""
    status = answer.status
    parts = [f'<article class="qa-answer qa-status-{text(status)}" aria-label="Answer">']
    message = answer.message
    if answer.check_in:  # the check-in line opens the message (qa.crisis_check): a box of its own, first
        line, _, message = message.partition("\n\n")
        parts.append(f'<div class="qa-checkin" role="note">{_paragraphs(line)}</div>')
    if status == "crisis":
        parts.append(
            '<div class="qa-help" role="alert">'
            '<h2 class="qa-help-title">Help is available right now</h2>'
            f"{_paragraphs(message, 'qa-help-text')}</div>"
        )
    elif status == "medical_advice":
        parts.append(f'<div class="qa-referral" role="note">{_paragraphs(message)}</div>')
    elif status == "no_answer" and answer.intent == "other_language":  # English, then Spanish (qa.language)
        english, _, spanish = message.partition("\n\n")
        parts.append(f'<p class="qa-abstain">{linked_numbers(english)}</p>')
        if spanish.strip():
            parts.append(f'<p class="qa-abstain" lang="es">{linked_numbers(spanish)}</p>')
    elif status == "no_answer":  # may carry the crisis-line note (a crisis topic unanswered): its numbers are links
        parts.append(f'<p class="qa-abstain">{linked_numbers(message)}</p>')
    elif message:
        parts.append(f'<div class="qa-note" role="note">{_paragraphs(message)}</div>')
    if answer.quotes:
        intro = "From our articles:" if status == "answered" else "Related information from our articles:"
        parts.append(f'<p class="qa-intro">{intro}</p>')
        parts.extend(_quote_html(q, n) for n, q in enumerate(answer.quotes, start=1))
    parts.append(f'<p class="qa-disclaimer" role="note">{text(answer.disclaimer)}</p>')
    parts.append(_vote_html(index, vote, answer_id))
    parts.append("</article>")
    return "".join(parts)


def conversation_html(turns: Sequence[Turn], help_line: str = "", *, cleared: bool = False) -> str:
    """The chat kept, oldest first, as a log region for screen readers; when older turns are no longer kept (the
    first one's ``number`` is past 1), a line says so — followed by ``help_line`` (its numbers tappable) when one of
    them had the crisis card or the check-in line (``Turn.after_help``). ``cleared``: the empty chat says it was
    just cleared."""
    if not turns:
        start = "A new conversation has started. " if cleared else ""
        body = f'<p class="qa-empty">{start}Ask a question below, or choose one of the examples.</p>'
    else:
        earlier = max(0, turns[0].number - 1)
        shown = f"first {earlier} questions and their answers are" if earlier > 1 else "first question and answer are"
        body = f'<p class="qa-empty qa-earlier">Your {shown} no longer shown.</p>' if earlier else ""
        if earlier and turns[0].after_help and help_line:
            body += f'<div class="qa-checkin" role="note">{_paragraphs(help_line)}</div>'
        body += "".join(
            f'<section class="qa-turn" aria-label="Question {t.number or i + 1}">'
            f'<p class="qa-you"><span class="qa-you-label">You asked:</span> {text(t.asked or t.answer.question)}</p>'
            f"{answer_html(t.answer, i, t.vote, t.id)}</section>"
            for i, t in enumerate(turns)
        )
    return f'<div class="qa-log" role="log" aria-label="Conversation" aria-live="polite">{body}</div>'


def results_html(
    query: str, hits: Sequence[Hit], article: str = "", citations: Mapping[str, Citation] | None = None
) -> str:
    """The staff look-up table: rank, score, article, section, passage and a copy button per row.

    ``citations`` (``Pipeline.citations``) maps a corpus path to the article's author and source.
    """
    citations = citations or {}
    where = f" in “{text(article)}”" if article else ""
    if not hits:
        return f'<p class="qa-empty" role="status">No passages found for “{text(query)}”{where}.</p>'
    rows = []
    for hit in hits:
        p = hit.passage
        who = citations.get(p.path) or Citation()
        cite = citation(p.title, p.heading, who.author, who.source, p.path)
        rows.append(
            f'<tr><td class="qa-num" data-label="Rank">{hit.rank}</td>'
            f'<td class="qa-num" data-label="Score">{hit.score:.3f}</td>'
            f'<td data-label="Article">{text(p.title)}</td><td data-label="Section">{text(p.heading)}</td>'
            f'<td class="qa-passage" data-label="Passage">{text(p.text)}</td>'
            f'<td data-label="Copy"><button type="button" class="qa-copy" data-copy="{text(copy_text(p.text, cite))}" '
            f'aria-label="Copy passage {hit.rank} with its citation">Copy</button></td></tr>'
        )
    return (
        '<div class="qa-table-wrap"><table class="qa-results">'
        f"<caption>{len(hits)} passages for “{text(query)}”{where}, best first</caption>"
        '<thead><tr><th scope="col">Rank</th><th scope="col">Score</th><th scope="col">Article</th>'
        '<th scope="col">Section</th><th scope="col">Passage</th><th scope="col">Copy</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def gaps_html(gaps: Sequence[Gap]) -> str:
    """The most frequent unanswered questions, so staff know which articles to add."""
    if not gaps:
        return '<p class="qa-empty">No unanswered questions logged yet.</p>'
    rows = "".join(
        f'<tr><td class="qa-num" data-label="Times asked">{g.count}</td>'
        f'<td data-label="Question">{text(g.question)}</td>'
        f'<td class="qa-when" data-label="Last asked">{text(g.last_asked)}</td></tr>'
        for g in gaps
    )
    return (
        '<div class="qa-table-wrap"><table class="qa-gaps">'
        "<caption>Questions the articles could not answer, most frequent first</caption>"
        '<thead><tr><th scope="col">Times asked</th><th scope="col">Question (latest wording)</th>'
        f'<th scope="col">Last asked (UTC)</th></tr></thead><tbody>{rows}</tbody></table></div>'
    )

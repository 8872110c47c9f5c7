"""The app's HTML: only our own fixed tags, every corpus or user text inert, highlights exact."""

from __future__ import annotations

import html
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from qa.answer import DISCLAIMER, Answer, Citation, Quote
from qa.chunking import Passage
from qa.feedback import Gap
from qa.render import (
    Turn,
    answer_html,
    citation,
    conversation_html,
    copy_text,
    gaps_html,
    highlighted,
    linked_numbers,
    results_html,
    text,
)
from qa.retrieval import Hit

HOSTILE = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> [link](javascript:alert(3)) "
    '$$\\frac{1}{2}$$ ${alert(4)} `code` {{value}} " \' & <a href="http://evil">x</a>'
)
ALLOWED_TAGS = {
    "div", "p", "span", "section", "article", "figure", "figcaption", "blockquote", "mark", "button", "h2", "h3",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRS = {"class", "role", "aria-label", "aria-live", "aria-hidden", "type", "title", "scope"}
ALLOWED_ATTRS |= {"data-turn", "data-vote", "data-copy", "data-label"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def parse(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser


def assert_only_our_markup(markup: str) -> _Tags:
    parsed = parse(markup)
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= ALLOWED_ATTRS, attrs
    for ch in "$`{}":
        assert ch not in markup, f"{ch!r} left unescaped"
    return parsed


def _quote(text_: str, start: int = 100, highlights: tuple[tuple[int, int], ...] = ()) -> Quote:
    return Quote(
        text=text_,
        path="dir/article.txt",
        start=start,
        end=start + len(text_),
        title="An <b>Article</b>",
        score=0.5,
        heading="Side effects",
        id=f"dir/article.txt:{start}-{start + len(text_)}",
        highlights=highlights,
    )


def test_text_escapes_markup_and_template_characters() -> None:
    out = text(HOSTILE)
    assert "<" not in out and ">" not in out and '"' not in out and "'" not in out
    assert html.unescape(out) == HOSTILE


def test_hostile_question_and_quote_render_as_text() -> None:
    answer = Answer(question=HOSTILE, status="answered", quotes=[_quote(HOSTILE, highlights=((110, 130),))])
    markup = conversation_html([Turn(answer)])
    parsed = assert_only_our_markup(markup)
    visible = "".join(parsed.data)
    assert visible.count(HOSTILE[:30]) >= 2  # shown, literally, as the question and inside the quote


def test_a_question_named_as_not_found_renders_as_text(pipeline) -> None:
    """Round 24: the message names a question the person typed, so it holds their text for the first time."""
    answer = pipeline.ask(f"How long is a ketamine session? Does insurance cover {HOSTILE}?")
    assert answer.status == "answered" and "couldn't find this part" in answer.message
    parsed = assert_only_our_markup(conversation_html([Turn(answer)]))
    assert HOSTILE[:30] in "".join(parsed.data)


@pytest.mark.parametrize(
    ("highlights", "marked"),
    [
        (((106, 111),), ["first"]),
        (((100, 105), (106, 111)), ["Line.", "first"]),
        (((90, 105),), ["Line."]),  # clipped to the quote's start
        (((100, 108), (104, 111)), ["Line. first"]),  # overlapping spans merge
        (((200, 210),), []),  # outside the quote: ignored
        ((), []),
    ],
)
def test_highlights_mark_exactly_the_given_offsets(highlights: tuple, marked: list[str]) -> None:
    quote = _quote("Line. first sentence <b>.", start=100, highlights=highlights)
    markup = highlighted(quote)
    parsed = parse(markup)
    assert "".join(parsed.data) == quote.text  # nothing added, dropped or reordered
    marks = [html.unescape(m.split(">", 1)[1]) for m in markup.split("</mark>")[:-1]]
    assert marks == marked


def test_highlights_of_real_answers_round_trip(pipeline) -> None:
    answer = pipeline.ask("What are the side effects of ketamine therapy?")
    assert answer.quotes
    for quote in answer.quotes:
        assert "".join(parse(highlighted(quote)).data) == quote.text
        for s, e in quote.highlights:
            assert quote.start <= s < e <= quote.end


def test_crisis_help_card_comes_first_then_quotes_and_disclaimer() -> None:
    answer = Answer(question="q", status="crisis", quotes=[_quote("Some text.")], message="Call 988 now.\nYou matter.")
    markup = answer_html(answer)
    assert markup.index('class="qa-help"') < markup.index('class="qa-quote"') < markup.index('class="qa-disclaimer"')
    assert ("div", {"class": "qa-help", "role": "alert"}) in parse(markup).tags
    assert 'Call <a href="tel:988">988</a> now.' in markup and text(DISCLAIMER) in markup
    assert "<a" not in text(DISCLAIMER) and markup.count("<a ") == 1  # quotes and disclaimer are never linked


@pytest.mark.parametrize(
    ("message", "links"),
    [
        ("call or text 988 any time", ['<a href="tel:988">988</a>']),
        ("text HOME to 741741 or START to 88788", ['<a href="sms:741741">741741</a>', '<a href="sms:88788">88788</a>']),
        ("call 911, Poison Control 1-800-222-1222", ['<a href="tel:911">911</a>', '<a href="tel:18002221222">']),
        ("room 9881, 19880, 911-2, ext-988, 1-800-222-12222", []),
        ('<a href="tel:1">988</a>', ['<a href="tel:988">988</a>']),
    ],
)
def test_help_numbers_become_links_and_nothing_else_does(message: str, links: list[str]) -> None:
    markup = linked_numbers(message)
    for link in links:
        assert link in markup
    assert markup.count("<a ") == len(links)
    assert '<a href="tel:1">' not in markup  # markup in the message stays text


@pytest.mark.parametrize("status", ["answered", "no_answer", "crisis", "medical_advice"])
def test_every_answer_carries_the_disclaimer_and_vote_buttons(status: str) -> None:
    answer = Answer(question="q", status=status, message="msg" if status != "answered" else "")
    markup = answer_html(answer, index=4)
    assert f'<p class="qa-disclaimer" role="note">{text(DISCLAIMER)}</p>' in markup
    votes = [a for t, a in parse(markup).tags if t == "button"]
    assert [(a["data-turn"], a["data-vote"]) for a in votes] == [("4", "up"), ("4", "down")]
    assert "Thank you" in answer_html(answer, index=4, vote="down")
    assert "data-vote" not in answer_html(answer, index=4, vote="down")


def test_abstention_says_so_plainly() -> None:
    answer = Answer(question="q", status="no_answer", message="I couldn't find this — please ask your care team.")
    markup = answer_html(answer)
    assert '<p class="qa-abstain">I couldn&#x27;t find this — please ask your care team.</p>' in markup
    assert "qa-quote" not in markup


def test_unanswered_crisis_topic_note_has_tappable_numbers() -> None:
    """An unanswered question on a crisis topic (route safety_info) carries the crisis-line note: its numbers are
    links as everywhere else (round 14 audit: plain text here, links when answered)."""
    from qa.safety import SAFETY_NOTE

    answer = Answer(question="q", status="no_answer", message="I couldn't find this.\n" + SAFETY_NOTE)
    markup = answer_html(answer)
    assert 'href="tel:988"' in markup and 'href="tel:911"' in markup


def _hit(rank: int, body: str, path: str = "a.txt") -> Hit:
    passage = Passage(
        id=f"{path}:0-{len(body)}",
        path=path,
        start=0,
        end=len(body),
        text=body,
        title=HOSTILE,
        heading="Risks",
        index_text=body,
        sentences=((0, len(body)),),
    )
    return Hit(passage, 0.5 - rank / 100, rank)


def test_staff_table_is_inert_and_copy_text_round_trips() -> None:
    hits = [_hit(1, HOSTILE), _hit(2, "Plain passage.\nSecond line.", "b.txt")]
    citations = {"a.txt": Citation("Dr. <i>A</i>", "https://x.org/?a=1&b=2")}
    markup = results_html(HOSTILE, hits, article=HOSTILE, citations=citations)
    parsed = assert_only_our_markup(markup)
    copies = [a["data-copy"] for t, a in parsed.tags if t == "button"]
    assert copies == [
        copy_text(HOSTILE, citation(HOSTILE, "Risks", "Dr. <i>A</i>", "https://x.org/?a=1&b=2", "a.txt")),
        copy_text("Plain passage.\nSecond line.", citation(HOSTILE, "Risks", "", "", "b.txt")),
    ]
    assert copies[1] == "“Plain passage.\nSecond line.”\n— “" + HOSTILE + "”, section “Risks” (b.txt)"
    assert [a.get("aria-label") for t, a in parsed.tags if t == "button"] == [
        "Copy passage 1 with its citation",
        "Copy passage 2 with its citation",
    ]


def test_gap_table_is_inert() -> None:
    markup = gaps_html([Gap(HOSTILE, 3, "2026-01-01T00:00:00+00:00")])
    parsed = assert_only_our_markup(markup)
    assert HOSTILE in "".join(parsed.data)


@pytest.mark.parametrize("status", ["answered", "no_answer", "medical_advice"])
def test_check_in_line_gets_its_own_box_before_the_rest_of_the_message(status: str) -> None:
    rest = "" if status == "answered" else "The rest <of> the message."
    message = "Call or text 988 any time." + (f"\n\n{rest}" if rest else "")
    answer = Answer(question="q", status=status, quotes=[_quote("Some text.")], message=message, check_in=True)
    markup = answer_html(answer)
    assert markup.index('class="qa-checkin"') < markup.index('class="qa-quote"')
    assert ("div", {"class": "qa-checkin", "role": "note"}) in parse(markup).tags
    box = markup[markup.index('class="qa-checkin"') : markup.index("</div>", markup.index('class="qa-checkin"'))]
    assert "988" in box and "rest" not in box
    if rest:
        assert markup.index("</div>", markup.index('class="qa-checkin"')) < markup.index(text(rest))
    else:
        assert 'class="qa-note"' not in markup  # nothing after the line: no empty note box
    assert "qa-checkin" not in answer_html(Answer(question="q", status=status, message=message))


def test_a_chat_that_dropped_older_turns_says_how_many_and_votes_name_the_answer() -> None:
    turns = [Turn(Answer(question=f"q{n}", status="no_answer", message="m"), id=f"id{n}", number=n) for n in (3, 4)]
    markup = conversation_html(turns)
    assert "Your first 2 questions and their answers are no longer shown." in markup
    assert [a["aria-label"] for t, a in parse(markup).tags if t == "section"] == ["Question 3", "Question 4"]
    votes = [a for t, a in parse(markup).tags if t == "button"]
    assert [(a["data-turn"], a["data-answer"]) for a in votes] == [("0", "id3")] * 2 + [("1", "id4")] * 2
    one = conversation_html([Turn(Answer(question="q", status="no_answer", message="m"), number=2)])
    assert "Your first question and answer are no longer shown." in one
    assert "no longer shown" not in conversation_html([Turn(Answer(question="q", status="no_answer", message="m"))])


def test_the_help_numbers_stay_when_a_turn_that_had_them_is_no_longer_kept() -> None:
    turn = Turn(Answer(question="q", status="no_answer", message="m"), id="a", number=4, after_help=True)
    markup = conversation_html([turn], "Call or text 988 now.")
    assert "no longer shown." in markup and '<div class="qa-checkin" role="note">' in markup
    assert '<a href="tel:988">988</a>' in markup
    assert "qa-checkin" not in conversation_html([replace(turn, after_help=False)], "Call or text 988 now.")


def test_you_asked_keeps_the_lines_of_a_pasted_message() -> None:
    """Round 17 audit: a pasted message's paragraphs were run together in "You asked" (the answer's question is one
    line, as the ranker reads it); the turn shows the lines typed, each cleaned as the question is."""
    from qa.pipeline import clean_question, question_lines

    typed = "My dad starts next week.\r\n\r\n  Is  it\u200b safe\u2028with his\theart pills?  \n"
    assert question_lines(typed) == "My dad starts next week.\nIs it safe\nwith his heart pills?"
    assert " ".join(question_lines(typed).split()) == clean_question(typed, 1000)
    answer = Answer(question=clean_question(typed, 1000), status="no_answer", message="", route="none")
    markup = conversation_html([Turn(answer, asked=question_lines("<b>one</b>\nTwo?"))])
    assert "</span> &lt;b&gt;one&lt;/b&gt;\nTwo?</p>" in markup
    assert "</span> My dad starts next week. Is it safe with his heart pills?</p>" in conversation_html([Turn(answer)])

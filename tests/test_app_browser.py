"""The app in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

Without the browser these tests skip, unless QA_REQUIRE_BROWSER=1 (set by .ci/run), when they fail.
Screenshots at desktop (1280 px) and phone (375 px) width go to eval/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import HeldPipeline

from qa.answer import DISCLAIMER
from qa.config import PROJECT_ROOT
from qa.conversation import REPLIES
from qa.feedback import FeedbackStore
from qa.render import citation, copy_text, quote_citation
from qa.safety import CHECK_IN_MESSAGE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOTS = PROJECT_ROOT / "eval" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NORMAL = "What are the side effects of ketamine therapy?"
EXAMPLE_TEXT = "How quickly does ketamine therapy work?"
CRISIS = "I want to kill myself tonight, I can't go on"
TIMEOUT_MS = 60_000


def _chromium() -> str | None:
    for candidate in (os.environ.get("QA_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason: str) -> None:
    if os.environ.get("QA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"QA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _chromium()
    if executable is None:
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing (make setup)")
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure means no browser
            _unavailable(f"chromium at {executable} did not start: {exc}")
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    url: str
    store: FeedbackStore
    staff_key: str


@pytest.fixture(scope="module")
def app_server(pipeline, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app in this process over the session's pipeline, with a private feedback database."""
    import app

    db = tmp_path_factory.mktemp("app-browser") / "feedback.sqlite3"
    settings = app.load_app_settings(feedback_db=db)
    store = FeedbackStore(db)
    demo = app.build_app(pipeline, feedback=store, settings=settings)
    _, url, _ = app.serve(demo, port=_free_port(), prevent_thread_lock=True, quiet=True)
    yield AppServer(url, store, settings.staff_key)
    demo.close()


@pytest.fixture
def page(browser, app_server: AppServer):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(app_server.url)
    page.get_by_label("Your question").wait_for()
    yield page
    context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"


def ask(page, question: str) -> object:
    """Type ``question``, press Enter, and return the new answer card's locator."""
    before = page.locator(".qa-turn").count()
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Enter")
    page.locator(".qa-turn").nth(before).wait_for()
    return page.locator(".qa-turn").nth(before).locator(".qa-answer")


def squash(value: str) -> str:
    return " ".join(value.split())


def test_question_shows_quotes_citation_disclaimer_and_highlight(page, pipeline) -> None:
    """The highlight part needs Quote.highlights from the answer layer."""
    expected = pipeline.ask(NORMAL)
    card = ask(page, NORMAL)
    quotes = card.locator(".qa-quote")
    assert quotes.count() == len(expected.quotes) > 0
    for n, quote in enumerate(expected.quotes):
        shown = quotes.nth(n)
        assert squash(shown.locator("blockquote").inner_text()) == squash(quote.text)
        cite = squash(shown.locator("figcaption").inner_text())
        assert cite == squash("Source: " + quote_citation(quote))
    assert squash(card.locator(".qa-disclaimer").inner_text()) == squash(DISCLAIMER)
    assert card.get_by_role("note").first.is_visible()
    marks = card.locator("mark.qa-hl")
    assert marks.count() >= 1, "no answering sentence highlighted"
    for n, quote in enumerate(expected.quotes):
        shown = quotes.nth(n).locator("mark").all_inner_texts()
        spans = [quote.text[s - quote.start : e - quote.start] for s, e in sorted(quote.highlights)]
        assert squash("".join(shown)) == squash("".join(spans))


def test_crisis_message_shows_the_help_card_first(page, pipeline) -> None:
    """Needs the safety gate wired into Pipeline.ask (status "crisis")."""
    card = ask(page, CRISIS)
    first_child = card.locator(":scope > *").first
    assert first_child.get_attribute("class") == "qa-help"
    assert first_child.get_attribute("role") == "alert"
    assert first_child.is_visible()
    expected = pipeline.ask(CRISIS)
    assert squash(expected.message) in squash(first_child.inner_text())
    assert card.locator(".qa-disclaimer").is_visible()
    box = first_child.bounding_box()
    assert box and box["y"] < 900  # on screen without scrolling at desktop size
    page.set_viewport_size({"width": 375, "height": 812})
    first_child.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-crisis-phone-375.png"))


def test_check_in_line_shows_first_and_the_answer_follows(page, pipeline) -> None:
    """A crisis message the phrase rules miss: the semantic check's line in its own box, first."""
    message = "after my husband leaves for work tomorrow i'm going to do it"
    expected = pipeline.ask(message)
    assert expected.check_in and expected.status != "crisis"
    card = ask(page, message)
    first_child = card.locator(":scope > *").first
    assert (first_child.get_attribute("class"), first_child.get_attribute("role")) == ("qa-checkin", "note")
    assert squash(first_child.inner_text()) == squash(CHECK_IN_MESSAGE)
    assert card.locator(".qa-quote").count() == len(expected.quotes)
    assert squash(card.locator(".qa-disclaimer").inner_text()) == squash(DISCLAIMER)
    page.set_viewport_size({"width": 375, "height": 812})
    first_child.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat-checkin-phone-375.png"))


def test_small_talk_gets_the_friendly_reply_without_quotes(page) -> None:
    card = ask(page, "hi there!")
    assert squash(card.locator(".qa-abstain").inner_text()) == squash(REPLIES["greeting"])
    assert card.locator(".qa-quote").count() == 0
    assert squash(card.locator(".qa-disclaimer").inner_text()) == squash(DISCLAIMER)


def test_thumbs_down_is_stored_with_question_and_quote_ids(page, app_server: AppServer, pipeline) -> None:
    question = "How does ketamine work in the brain?"
    card = ask(page, question)
    before = len(app_server.store.votes())
    card.get_by_role("button", name="No, this answer did not help").click()
    card.get_by_text("Thank you, your feedback was recorded.").wait_for()
    votes = app_server.store.votes()
    assert len(votes) == before + 1
    vote = votes[-1]
    assert (vote.question, vote.vote, vote.status) == (question, "down", "answered")
    assert vote.quote_ids == tuple(q.id for q in pipeline.ask(question).quotes)


def test_a_vote_for_an_answer_the_server_does_not_know_changes_nothing_and_can_be_cast_again(
    page, app_server: AppServer
) -> None:
    """A stale page's vote (its answer no longer in the conversation) used to re-render the server's conversation over
    the page's. Now it records nothing, the page is left as it is, and the buttons work again."""
    question = "What is esketamine?"
    card = ask(page, question)
    no = card.get_by_role("button", name="No, this answer did not help")
    real_id = no.get_attribute("data-answer")
    assert real_id
    before = len(app_server.store.votes())
    card.locator("button[data-vote]").evaluate_all("bs => bs.forEach((b) => { b.dataset.answer = 'not-an-answer'; })")
    with page.expect_response(lambda r: "/run/predict" in r.url):
        no.click()
    page.wait_for_function(
        "document.querySelector('.qa-turn:last-child button[data-vote=down]').disabled === false", timeout=5_000
    )
    assert len(app_server.store.votes()) == before and card.get_by_text("Thank you").count() == 0
    assert page.locator(".qa-turn").last.locator(".qa-you").inner_text().endswith(question)
    card.locator("button[data-vote]").evaluate_all(f"bs => bs.forEach((b) => {{ b.dataset.answer = '{real_id}'; }})")
    no.click()
    card.get_by_text("Thank you, your feedback was recorded.").wait_for()
    assert [(v.question, v.vote) for v in app_server.store.votes()[before:]] == [(question, "down")]


def test_voting_by_keyboard_keeps_focus_on_that_answer(page) -> None:
    card = ask(page, "Is ketamine addictive?")
    card.get_by_role("button", name="Yes, this answer helped").focus()
    page.keyboard.press("Enter")
    card.get_by_text("Thank you, your feedback was recorded.").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.classList.contains('qa-voted')")


def test_markup_typed_by_a_person_is_shown_as_text(page, app_server: AppServer) -> None:
    hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> What is the capital of France?'
    card = ask(page, hostile)
    turn = page.locator(".qa-turn").last
    assert squash(hostile) in squash(turn.locator(".qa-you").inner_text())
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#qa-log img, #qa-log script").count() == 0
    assert card.locator(".qa-abstain").is_visible()  # unanswerable: said plainly
    # Staff see it in the unanswered list (with the staff key), still as text.
    page.get_by_role("tab", name="Staff look-up").click()
    page.get_by_label("Staff key").fill(app_server.staff_key)
    page.get_by_role("button", name="Show list").click()
    gaps = page.locator("#qa-gaps table")
    gaps.wait_for()
    page.wait_for_function("document.querySelector('#qa-gaps').innerText.includes('onerror')")
    assert squash(hostile) in squash(gaps.inner_text())
    assert page.locator("#qa-gaps img, #qa-gaps script").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_unanswered_list_needs_the_staff_key(page, app_server: AppServer) -> None:
    """Patients' own words are in the list: anyone can open the staff tab, so the list waits for the key."""
    private = "My name is Jane Roe and I was born 01/02/1980, how much is parking at the clinic?"
    ask(page, private)
    assert page.locator(".qa-turn").last.locator(".qa-abstain").is_visible()
    page.get_by_role("tab", name="Staff look-up").click()
    gaps = page.locator("#qa-gaps")
    gaps.get_by_text("Enter the staff key").wait_for()
    assert "Jane Roe" not in gaps.inner_text()
    page.get_by_label("Staff key").fill(app_server.staff_key + "x")
    page.get_by_role("button", name="Show list").click()
    gaps.get_by_text("That staff key is not right.").wait_for()
    assert "Jane Roe" not in gaps.inner_text()
    page.get_by_label("Staff key").fill(app_server.staff_key)
    page.get_by_label("Staff key").press("Enter")
    page.wait_for_function("document.querySelector('#qa-gaps').innerText.includes('Jane Roe')")


@contextlib.contextmanager
def own_app(browser, pipeline, tmp_path: Path, **settings: object) -> Iterator[tuple[object, object]]:
    """A page on an app server of its own (for settings or state the shared server must not get): (page, settings)."""
    import app

    chosen = app.load_app_settings(feedback_db=tmp_path / "feedback.sqlite3", **settings)
    demo = app.build_app(pipeline, settings=chosen)
    _, url, _ = app.serve(demo, port=_free_port(), prevent_thread_lock=True, quiet=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        page.get_by_label("Your question").wait_for()
        yield page, chosen
    finally:
        context.close()
        demo.close()


def test_guessing_the_staff_key_locks_that_computer_out(browser, pipeline, tmp_path: Path) -> None:
    """Round 15: a short chosen key could be guessed one try after another. After five wrong keys even the right one
    is refused for a while."""
    import app

    with own_app(browser, pipeline, tmp_path) as (page, settings):
        page.get_by_role("tab", name="Staff look-up").click()
        gaps, box = page.locator("#qa-gaps"), page.get_by_label("Staff key")
        for n in range(app.MAX_WRONG_KEYS):
            box.fill(f"wrong-key-{n}")
            with page.expect_response(lambda r: "/run/predict" in r.url):
                box.press("Enter")
            gaps.get_by_text("That staff key is not right.").wait_for()
        box.fill(settings.staff_key)
        box.press("Enter")
        gaps.get_by_text("Too many wrong staff keys have been tried. Please try again in 15 minutes.").wait_for()
        assert "Jane Roe" not in gaps.inner_text() and gaps.locator("table").count() == 0


@contextlib.contextmanager
def _writes_held(db: Path) -> Iterator[None]:
    """The feedback database's write lock held by another connection while the block runs (a vote, or the log of an
    unanswered question, waits for it), released at the end."""
    hold = sqlite3.connect(db, isolation_level=None)
    hold.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        hold.execute("ROLLBACK")
        hold.close()


def test_a_slow_vote_does_not_undo_a_newer_answer(browser, pipeline, tmp_path) -> None:
    """Round 15 audit: a vote re-drew the conversation it read when it started, so one that finished after the next
    answer (the feedback database busy) removed that answer from the page and the state — a crisis card included."""
    with own_app(browser, pipeline, tmp_path) as (page, settings):
        first = ask(page, "Is ketamine addictive?")
        with _writes_held(settings.feedback_db):  # the vote waits for the write lock
            first.get_by_role("button", name="Yes, this answer helped").click()
            ask(page, CRISIS).locator(".qa-help").wait_for()
            page.wait_for_timeout(500)
        first.get_by_text("Thank you, your feedback was recorded.").wait_for()
        page.wait_for_timeout(500)
        assert page.locator(".qa-turn").count() == 2 and page.locator(".qa-help").count() == 1
        assert [(v.question, v.vote) for v in FeedbackStore(settings.feedback_db).votes()] == [
            ("Is ketamine addictive?", "up")
        ]
        ask(page, "hi")
        assert page.locator(".qa-turn").last.get_attribute("aria-label") == "Question 3"
        assert page.locator(".qa-turn").first.get_by_text("Thank you, your feedback was recorded.").count() == 1


def test_the_help_numbers_stay_on_screen_after_the_crisis_card_is_no_longer_kept(browser, pipeline, tmp_path) -> None:
    """Round 15 audit: the turn cap dropped a crisis card like any other turn; the line saying earlier turns are gone
    now repeats the check-in line with its numbers as links."""
    with own_app(browser, pipeline, tmp_path, max_turns=2) as (page, _):
        ask(page, CRISIS).locator(".qa-help").wait_for()
        ask(page, "Is ketamine addictive?")
        box = page.get_by_label("Your question")
        box.fill("What is esketamine?")
        box.press("Enter")
        page.get_by_text("Your first question and answer are no longer shown.").wait_for()
        assert page.locator(".qa-help").count() == 0
        top = page.locator("#qa-log .qa-earlier + .qa-checkin")
        assert top.count() == 1 and top.locator('a[href="tel:988"]').count() >= 1
        box.fill("hi")
        box.press("Enter")  # the flag moves with the first kept turn
        page.get_by_text("Your first 2 questions and their answers are no longer shown.").wait_for()
        assert page.locator("#qa-log .qa-earlier + .qa-checkin").count() == 1


def test_two_answers_running_at_once_in_one_tab_are_both_kept(browser, pipeline, tmp_path) -> None:
    """Round 15 audit: Enter and the Ask button are separate events; each wrote back the list of turns it had read, so
    the one finishing last removed the other's answer from page and state — here, the crisis card."""
    with own_app(browser, pipeline, tmp_path) as (page, settings):
        box = page.get_by_label("Your question")
        with _writes_held(settings.feedback_db):  # the unanswerable question waits to be logged for staff
            box.fill("What is the capital of France?")
            page.locator("#qa-ask").click()
            page.wait_for_timeout(1000)
            box.fill(CRISIS)
            box.press("Enter")
            page.locator(".qa-help").wait_for()
        page.locator(".qa-turn").nth(1).wait_for()
        page.wait_for_timeout(500)
        assert page.locator(".qa-turn").count() == 2 and page.locator(".qa-help").count() == 1
        asked = [squash(t.inner_text()) for t in page.locator(".qa-you").all()]
        assert sorted(asked) == sorted(["You asked: What is the capital of France?", f"You asked: {CRISIS}"])
        ask(page, "hi")
        assert page.locator(".qa-turn").count() == 3 and page.locator(".qa-help").count() == 1


def test_a_second_enter_while_an_answer_is_on_its_way_is_answered(browser, pipeline, tmp_path) -> None:
    """Round 16 audit: with Gradio's default trigger mode a second Enter while the first answer was pending did
    nothing — 'I took all my pills' got no turn and no card, without a word."""
    with own_app(browser, pipeline, tmp_path) as (page, settings):
        box = page.get_by_label("Your question")
        with _writes_held(settings.feedback_db):  # the unanswerable question waits to be logged for staff
            box.fill("What is the capital of France?")
            box.press("Enter")
            page.wait_for_timeout(1000)
            box.fill(CRISIS)
            box.press("Enter")
            page.locator(".qa-help").wait_for()
        page.locator(".qa-turn").nth(1).wait_for()
        assert page.locator(".qa-help").count() == 1


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(foreground: str, background: str) -> float:
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_help_boxes_are_readable_in_dark_mode(browser, app_server: AppServer) -> None:
    """Round 16 audit: in dark mode the crisis card, the check-in line and the referral kept their light backgrounds
    while Gradio's dark theme made their paragraphs and 988 / 911 links near-white (contrast 1.07:1)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(app_server.url)
        cases = {
            ".qa-help": CRISIS,
            ".qa-checkin": "after my husband leaves for work tomorrow i'm going to do it",
            ".qa-referral": "can I double my dose?",
        }
        for box, message in cases.items():
            card = ask(page, message)
            found = card.locator(box).first
            found.wait_for()
            background = found.evaluate("e => getComputedStyle(e).backgroundColor")
            texts = found.locator("p, a")
            assert texts.count() > 0
            for i in range(texts.count()):
                colour = texts.nth(i).evaluate("e => getComputedStyle(e).color")
                assert _contrast(colour, background) >= 4.5, (box, texts.nth(i).inner_text(), colour, background)
        assert page.locator(".qa-help a[href^='tel:']").count() > 0
    finally:
        context.close()


def test_a_refused_question_leaves_no_error_badge_over_the_conversation(page) -> None:
    """Round 16 audit: after a blank or over-long question Gradio left a red "Error" badge on the first "You asked"
    line (over a crisis card too) until the next answer; the one-line pop-up is the error."""
    ask(page, CRISIS)
    box = page.get_by_label("Your question")
    box.fill("   ")
    box.press("Enter")
    page.get_by_text("The question is empty").first.wait_for()
    page.wait_for_timeout(500)
    badges = page.locator("#qa-log [data-testid='status-tracker'] .error")
    assert badges.count() == 0 or not badges.first.is_visible()
    you = page.locator(".qa-you").first
    spot = you.bounding_box()
    assert spot
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.qa-you') !== null",
        [spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2],
    )
    assert on_top
    assert page.locator(".qa-help").is_visible()
    # Refused for its length (a pop-up, no turn: the crisis check does not flag it), its "Looking for the answer" line
    # goes too. Round 27: it stayed — Gradio runs a .then after a refusal only as .failure; until then this test passed
    # only because the crisis check flagged its "why why why…" (0.94) and the refusal became a turn with the line.
    turns = page.locator("#qa-log .qa-turn").count()
    box.fill("I would like to know more about the clinic. " * 30)
    box.press("Enter")
    page.get_by_text("The question is 1,320 characters long").first.wait_for()
    page.wait_for_function("document.querySelectorAll('#qa-log .qa-waiting').length === 0", timeout=5_000)
    assert page.locator("#qa-log .qa-turn").count() == turns
    box.fill("<img src=x onerror=alert(1)>")  # refused as markup only: the same
    box.press("Enter")
    page.get_by_text("only HTML markup").first.wait_for()
    page.wait_for_function("document.querySelectorAll('#qa-log .qa-waiting').length === 0", timeout=5_000)
    assert page.locator("#qa-log .qa-turn").count() == turns


def test_votes_on_two_answers_sent_together_are_both_kept(browser, pipeline, tmp_path) -> None:
    """Round 15 audit: Gradio's default trigger mode ("once") dropped a vote made while another was on its way."""
    with own_app(browser, pipeline, tmp_path) as (page, settings):
        first, second = ask(page, "Is ketamine addictive?"), ask(page, "What is esketamine?")
        with _writes_held(settings.feedback_db):
            first.get_by_role("button", name="Yes, this answer helped").click()
            second.get_by_role("button", name="No, this answer did not help").click()
            page.wait_for_timeout(500)
        for card in (first, second):
            card.get_by_text("Thank you, your feedback was recorded.").wait_for()
        votes = sorted((v.question, v.vote) for v in FeedbackStore(settings.feedback_db).votes())
        assert votes == [("Is ketamine addictive?", "up"), ("What is esketamine?", "down")]


def test_a_long_chat_keeps_its_newest_turns_and_votes_reach_the_right_answer(browser, pipeline, tmp_path) -> None:
    """Round 15: the chat grew without end (the whole page is re-sent after each answer). It keeps the newest
    ``QA_MAX_TURNS``; a vote names its answer by id, so one cast after older turns were dropped is not misplaced."""
    questions = ["Is ketamine addictive?", "How does ketamine work in the brain?", "What is esketamine?", "hi"]
    with own_app(browser, pipeline, tmp_path, max_turns=3) as (page, _):
        for question in questions[:3]:
            ask(page, question)
        box = page.get_by_label("Your question")
        box.fill(questions[3])
        box.press("Enter")
        page.get_by_text("Your first question and answer are no longer shown.").wait_for()
        turns = page.locator(".qa-turn")
        assert turns.count() == 3
        assert [squash(t.locator(".qa-you").inner_text()) for t in turns.all()] == [
            f"You asked: {q}" for q in questions[1:]
        ]
        assert turns.first.get_attribute("aria-label") == "Question 2"
        turns.first.get_by_role("button", name="No, this answer did not help").click()
        turns.first.get_by_text("Thank you, your feedback was recorded.").wait_for()
        assert turns.nth(1).get_by_role("button", name="No, this answer did not help").is_enabled()
        votes = FeedbackStore(tmp_path / "feedback.sqlite3").votes()
        assert [(v.question, v.vote) for v in votes] == [(questions[1], "down")]


def test_a_long_unbroken_question_does_not_widen_the_staff_list(page, app_server: AppServer) -> None:
    """Round 14 audit: one 1,000-letter "word" made the unanswered list 8,080 px wide (every other row's "Last asked"
    off screen) and the page scroll sideways at phone width."""
    ask(page, "q" * 1000)
    page.get_by_role("tab", name="Staff look-up").click()
    page.get_by_label("Staff key").fill(app_server.staff_key)
    page.get_by_role("button", name="Show list").click()
    page.wait_for_function(
        "document.querySelector('#qa-gaps table') && document.querySelector('#qa-gaps').innerText.includes('qqqq')"
    )
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("document.querySelector('#qa-gaps table').scrollWidth") <= width
        if width == 1280:  # round 17 audit: the count and date columns were squeezed to two letters a line
            lines = page.evaluate(
                "[...document.querySelectorAll('#qa-gaps td.qa-num, #qa-gaps td.qa-when, #qa-gaps th')].map(c => {"
                " const r = document.createRange(); r.selectNodeContents(c);"
                " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })"
            )
            assert lines and max(lines) == 1, lines  # each on one line
    page.set_viewport_size({"width": 1280, "height": 900})


def test_staff_lookup_filters_by_article_and_copies_quote_with_citation(page, pipeline) -> None:
    titles = sorted({p.title for p in pipeline.index.passages})
    title = next(t for t in titles if "Science" in t)
    page.get_by_role("tab", name="Staff look-up").click()
    page.get_by_label("Search the articles").fill("side effects")
    page.get_by_role("combobox", name="Article").click()
    page.get_by_role("option", name=title).click()
    page.get_by_role("button", name="Search", exact=True).click()
    table = page.locator("#qa-results table.qa-results")
    table.wait_for()
    page.wait_for_function(f"document.querySelector('#qa-results caption').innerText.includes({title!r})")
    rows = table.locator("tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        assert rows.nth(i).locator("td").nth(2).inner_text() == title
    ranks = [int(rows.nth(i).locator("td").first.inner_text()) for i in range(rows.count())]
    assert ranks == list(range(1, rows.count() + 1)), "ranked among the article's own passages"
    first = rows.first
    first.get_by_role("button", name=re.compile(r"^Copy passage \d+ with its citation$")).click()
    first.get_by_text("Copied ✓").wait_for()
    clipboard = page.evaluate("navigator.clipboard.readText()")
    hit = next(h for h in pipeline.search("side effects", len(pipeline.index)) if h.passage.title == title)
    p = hit.passage
    who = pipeline.citations[p.path]
    assert clipboard == copy_text(p.text, citation(p.title, p.heading, who.author, who.source, p.path))


def test_empty_staff_search_says_what_to_do(page) -> None:
    page.get_by_role("tab", name="Staff look-up").click()
    page.get_by_label("Search the articles").fill("   ")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator("#qa-results").get_by_text("Type a word or phrase to search the articles for.").wait_for()


def test_you_asked_shows_a_pasted_message_with_its_lines(page) -> None:
    """Round 17 audit: the lines of a pasted message were run together in "You asked"."""
    ask(page, "We drove two hours to get here.\n\nHow long does a session last?")
    shown = page.locator(".qa-turn .qa-you").first.inner_text()
    assert shown == "You asked: We drove two hours to get here.\nHow long does a session last?"


def test_an_over_long_staff_search_is_called_a_search(page, pipeline) -> None:
    """Round 17 audit: the staff look-up's refusal said "The question is … characters long"."""
    limit = pipeline.settings.max_question_chars
    page.get_by_role("tab", name="Staff look-up").click()
    page.get_by_label("Search the articles").fill("x" * (limit + 1))
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text(f"The search is {limit + 1:,} characters long; the maximum is {limit:,}").first.wait_for()


def test_long_paste_is_not_cut_by_the_browser(page, pipeline) -> None:
    """The box once cut a paste at the question limit without a word: a crisis sentence after it was lost."""
    limit = pipeline.settings.max_question_chars
    filler = "I have had three sessions so far and the drive to the clinic is long but fine. " * (limit // 40)
    card = ask(page, filler + "Honestly I want to kill myself tonight.")
    assert card.locator(":scope > *").first.get_attribute("class") == "qa-help"
    box = page.get_by_label("Your question")
    box.fill(filler + "How long does a session last?")
    box.press("Enter")
    length = len(filler + "How long does a session last?")
    page.get_by_text(f"The question is {length:,} characters long; the maximum is {limit:,}").first.wait_for()


def test_an_over_long_message_the_check_flags_keeps_the_line_in_the_conversation(page, pipeline) -> None:
    """Round 14 audit: the refusal of an over-long message the crisis check flagged showed the check-in line only in
    a red pop-up that faded after 10 s, its numbers not links. Now it is a turn of the conversation. (Round 19: "I am
    so tired of all of this." 37 times is carded by the check; this one it flags, not sure enough for the card.)"""
    message = "I am so tired of all of this, can someone call me about my bill? " * 17
    assert len(message) > pipeline.settings.max_question_chars
    box = page.get_by_label("Your question")
    box.fill(message)
    box.press("Enter")
    turn = page.locator(".qa-turn").last
    turn.locator(".qa-checkin").wait_for()
    assert turn.locator('.qa-checkin a[href="tel:988"]').count() == 1
    assert f"{len(message):,} characters long" in turn.inner_text()
    assert box.input_value() == message  # kept, to shorten it


def test_screenshots_at_desktop_and_phone_width(page) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ask(page, NORMAL)
    page.screenshot(path=str(SCREENSHOTS / "chat-desktop-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "chat scrolls sideways at 375 px"
    assert page.locator(".qa-disclaimer").first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "chat-phone-375.png"), full_page=True)
    page.get_by_role("tab", name="Staff look-up").click()
    page.get_by_label("Search the articles").fill("How long does a session last?")
    page.get_by_label("Search the articles").press("Enter")
    page.locator("#qa-results table").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "staff tab scrolls sideways at 375 px"
    page.screenshot(path=str(SCREENSHOTS / "staff-phone-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "staff-desktop-1280.png"), full_page=True)
    for name in ("chat-desktop-1280", "chat-phone-375", "staff-phone-375", "staff-desktop-1280"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000


def test_new_answer_scrolls_into_view_with_its_crisis_card(page) -> None:
    """On a phone, after a few answers, the next answer's top — here the crisis card — is on screen, not below it."""
    page.set_viewport_size({"width": 375, "height": 800})
    for question in (NORMAL, "How does ketamine work in the brain?", "Is ketamine addictive?"):
        ask(page, question)
    page.get_by_label("Your question").scroll_into_view_if_needed()  # where a phone keeps a focused box
    card = ask(page, CRISIS).locator(".qa-help")
    page.wait_for_function(
        "() => { const r = document.querySelector('.qa-turn:last-of-type .qa-help').getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight / 2; }",
        timeout=5_000,
    )
    links = card.locator("a").evaluate_all("links => links.map((a) => a.getAttribute('href'))")
    assert {"tel:988", "sms:741741", "tel:911"} <= set(links)


def test_question_typed_while_an_answer_comes_is_kept(browser, pipeline, tmp_path: Path) -> None:
    """The answer empties the box only if it still holds the question answered: a question typed meanwhile stays."""
    import app

    gate = threading.Event()
    settings = app.load_app_settings(feedback_db=tmp_path / "f.sqlite3")
    demo = app.build_app(HeldPipeline(pipeline, gate), settings=settings)
    _, url, _ = app.serve(demo, port=_free_port(), prevent_thread_lock=True, quiet=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        box = page.get_by_label("Your question")
        box.fill(NORMAL)
        box.press("Enter")
        page.wait_for_timeout(300)  # the request is held by the gate
        waiting = page.locator("#qa-log .qa-waiting")  # shown at once, at the end of the conversation (round 17 audit)
        assert waiting.is_visible() and squash(waiting.inner_text()) == squash(
            f"You asked: {NORMAL} Looking for the answer in our articles…"
        )
        nxt = "Can ketamine help PTSD?"
        box.fill(nxt)
        gate.set()
        page.locator(".qa-turn").first.wait_for()
        assert waiting.count() == 0
        assert squash(page.locator(".qa-you").first.inner_text()) == squash(f"You asked: {NORMAL}")
        page.wait_for_timeout(500)
        assert box.input_value() == nxt
        box.press("Enter")  # and it is then sent whole
        page.locator(".qa-turn").nth(1).wait_for()
        assert squash(page.locator(".qa-you").nth(1).inner_text()) == squash(f"You asked: {nxt}")
        page.wait_for_function("document.querySelector('#qa-question textarea').value === ''", timeout=5_000)
    finally:
        gate.set()
        context.close()
        demo.close()


def _wait_for(job, *codes) -> None:  # noqa: ANN001 - a gradio_client Job
    deadline = time.monotonic() + 60
    while job.status().code not in codes:
        assert time.monotonic() < deadline, f"job stuck at {job.status().code}"
        time.sleep(0.05)


def test_overload_shows_busy_at_once_and_keeps_the_question(browser, pipeline, tmp_path: Path) -> None:
    from gradio_client import Client
    from gradio_client.utils import Status

    import app

    gate = threading.Event()
    settings = app.load_app_settings(feedback_db=tmp_path / "f.sqlite3", concurrency=1, queue_size=1)
    demo = app.build_app(HeldPipeline(pipeline, gate), settings=settings)
    _, url, _ = app.serve(demo, port=_free_port(), prevent_thread_lock=True, quiet=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        running = client.submit(NORMAL, api_name="/ask")  # held by the gate
        _wait_for(running, Status.PROCESSING)
        waiting = client.submit(NORMAL, api_name="/ask")  # takes the one queue slot
        _wait_for(waiting, Status.IN_QUEUE, Status.PROCESSING)
        page = context.new_page()
        page.goto(url)
        box = page.get_by_label("Your question")
        box.fill(NORMAL)
        box.press("Enter")
        page.get_by_text("This application is currently busy. Please try again.").first.wait_for(timeout=15_000)
        assert not running.done()  # refused while the queue was still full: at once, not after a wait
        assert box.input_value() == NORMAL  # nothing the person typed is lost; they can simply try again
        gate.set()
        assert running.result(timeout=60)["status"] == waiting.result(timeout=60)["status"] == "answered"
    finally:
        gate.set()
        context.close()
        demo.close()


def test_a_reload_brings_the_conversation_back_and_a_new_tab_or_a_new_conversation_starts_empty(
    page, app_server: AppServer
) -> None:
    """A pull-to-refresh lost the whole chat, a crisis card included (round 16 audit): the tab's chat id in its
    sessionStorage finds it again (app.SavedChats); votes still reach the right answer after the reload."""
    ask(page, CRISIS)
    ask(page, NORMAL)
    page.reload()
    page.get_by_label("Your question").wait_for()
    page.locator(".qa-turn").nth(1).wait_for()
    turns = page.locator(".qa-turn")
    assert turns.count() == 2
    help_card = turns.nth(0).locator(".qa-answer > .qa-help")
    assert help_card.is_visible() and help_card.get_attribute("role") == "alert"
    assert NORMAL in squash(turns.nth(1).inner_text())
    before = len(app_server.store.votes())
    turns.nth(1).get_by_role("button", name="Yes, this answer helped").click()
    turns.nth(1).get_by_text("Thank you, your feedback was recorded.").wait_for()
    votes = app_server.store.votes()
    assert len(votes) == before + 1 and (votes[-1].question, votes[-1].vote) == (NORMAL, "up")
    ask(page, "hi there!")
    assert page.locator(".qa-turn").count() == 3
    page.reload()
    page.locator(".qa-turn").nth(2).wait_for()
    assert page.locator(".qa-turn").count() == 3
    # The vote given before the reload is still shown as given.
    page.locator(".qa-turn").nth(1).get_by_text("Thank you, your feedback was recorded.").wait_for()

    other = page.context.new_page()
    other.goto(app_server.url)
    other.get_by_label("Your question").wait_for()
    other.wait_for_timeout(500)  # the load event has had time to bring back a conversation, if it (wrongly) would
    assert other.locator(".qa-turn").count() == 0
    other.close()

    page.get_by_role("button", name="Start a new conversation").click()
    keep = page.get_by_role("button", name="Keep it")
    keep.wait_for()
    page.wait_for_function("document.activeElement.id === 'qa-keep-chat'", timeout=5_000)  # the safe choice has focus
    # What is asked is read with either answer (round 17 audit: the buttons were not tied to the prompt).
    described = page.evaluate(
        "['qa-keep-chat', 'qa-clear-chat'].map((id) => document.getElementById("
        "document.getElementById(id).getAttribute('aria-describedby') || 'none')?.innerText.trim())"
    )
    assert described == ["Clear this conversation from the screen? It cannot be brought back."] * 2
    keep.click()  # one stray tap removes nothing (round 17 audit)
    page.get_by_role("button", name="Start a new conversation").wait_for()
    assert page.locator(".qa-turn").count() == 3
    page.get_by_role("button", name="Start a new conversation").click()
    page.get_by_role("button", name="Yes, clear it").click()
    page.locator(".qa-turn").first.wait_for(state="detached")
    page.get_by_text("A new conversation has started.").wait_for()
    page.wait_for_function("document.activeElement === document.querySelector('#qa-question textarea')")
    page.reload()
    page.get_by_label("Your question").wait_for()
    page.wait_for_timeout(500)
    assert page.locator(".qa-turn").count() == 0
    assert squash(ask(page, NORMAL).inner_text())
    assert page.locator(".qa-turn").count() == 1


def test_the_staff_article_list_follows_an_article_added_while_the_app_runs(
    browser, scratch_settings, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The article filter was read once at start: an article added later was searched but could not be chosen, and
    choosing it was refused as unknown (round 16 audit)."""
    import qa.pipeline
    from qa.pipeline import Pipeline

    monkeypatch.setattr(qa.pipeline, "RELOAD_CHECK_SECONDS", 0.0)
    live = Pipeline(scratch_settings, embedder=embedder)
    title = "Preparing For Your First Infusion Visit"
    with own_app(browser, live, tmp_path) as (page, _):
        page.get_by_role("tab", name="Staff look-up").click()
        page.get_by_role("combobox", name="Article").click()
        page.get_by_role("option", name="All articles").wait_for()
        assert page.get_by_role("option", name=title).count() == 0
        page.keyboard.press("Escape")
        (scratch_settings.corpus_dir / "first-visit.txt").write_text(
            f"---\ntitle: {title}\n---\n{title}\n\nBring a friend who can drive you home after the infusion visit. "
            "Wear comfortable clothes and eat a light meal a few hours before.\n",
            encoding="utf-8",
        )
        page.get_by_role("tab", name="Ask a question").click()
        page.get_by_role("tab", name="Staff look-up").click()
        page.get_by_role("combobox", name="Article").click()
        page.get_by_role("option", name=title).click()
        page.get_by_label("Search the articles").fill("drive home")
        page.get_by_role("button", name="Search", exact=True).click()
        page.wait_for_function(f"document.querySelector('#qa-results caption')?.innerText.includes({title!r})")
        cells = page.locator("#qa-results table.qa-results tbody tr td")
        assert "Bring a friend who can drive you home" in cells.nth(4).inner_text()


def test_after_a_reload_on_a_phone_the_newest_answer_is_on_screen(browser, app_server: AppServer) -> None:
    """Round 17 audit: at 375 px the reloaded page opened at its top, the crisis card 7,500 px below."""
    context = browser.new_context(viewport={"width": 375, "height": 700})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(app_server.url)
        for question in (NORMAL, "How does ketamine work in the brain?", CRISIS):
            ask(page, question)
        page.reload()
        page.locator(".qa-turn").nth(2).wait_for()
        card = page.locator(".qa-turn").nth(2).locator(".qa-help")
        page.wait_for_function(
            "() => { const r = document.querySelectorAll('.qa-turn')[2].getBoundingClientRect();"
            " return r.top >= -1 && r.top < window.innerHeight / 2; }",
            timeout=5_000,
        )
        assert card.is_visible()
    finally:
        context.close()


@contextlib.contextmanager
def _held_app(browser, pipeline, tmp_path: Path, **settings: object) -> Iterator[tuple[object, threading.Event]]:
    """:func:`own_app` over a pipeline that answers only once the test sets the event: (page, event)."""
    release = threading.Event()
    with own_app(browser, HeldPipeline(pipeline, release), tmp_path, **settings) as (page, _):
        try:
            page.wait_for_timeout(300)  # the page's load event has run
            yield page, release
        finally:
            release.set()


def _send(page, question: str) -> None:
    box = page.get_by_label("Your question")
    box.fill(question)
    box.press("Enter")
    page.wait_for_timeout(300)


def _asked(page) -> list[str]:
    return [squash(t).removeprefix("You asked: ") for t in page.locator(".qa-you").all_inner_texts()]


def test_questions_waiting_in_the_queue_when_the_page_is_reloaded_are_asked_again_once(
    browser, pipeline, tmp_path: Path
) -> None:
    """Round 17 audit: on a busy server "i took all my pills" was waiting in the queue, the page looked frozen and was
    reloaded — the reload cancelled the question, and it was never answered; with two waiting, the first was lost."""
    with _held_app(browser, pipeline, tmp_path, concurrency=1) as (page, release):
        for question in (NORMAL, "Can ketamine help PTSD?", CRISIS):  # the first held, the others in the queue
            _send(page, question)
        assert page.locator("#qa-log .qa-waiting").count() == 3
        page.reload()
        page.wait_for_timeout(500)
        release.set()
        page.locator(".qa-help").first.wait_for()
        page.locator(".qa-turn").nth(2).wait_for()
        page.reload()  # all three once: the first finished after the reload, the two cancelled ones asked again
        page.locator(".qa-turn").nth(2).wait_for()
        page.wait_for_timeout(500)
        assert sorted(_asked(page)) == sorted([NORMAL, "Can ketamine help PTSD?", CRISIS])
        assert page.locator("#qa-log .qa-waiting").count() == 0


def test_answers_to_questions_sent_before_a_new_conversation_stay_out_of_it_except_a_crisis(
    browser, pipeline, tmp_path: Path
) -> None:
    """Round 17 audit: a private question sent just before "Start a new conversation" turned up in the new one (also
    when it was still waiting in the queue); clearing and then reloading lost a crisis message waiting in the queue."""
    with _held_app(browser, pipeline, tmp_path, concurrency=1) as (page, release):
        # (Not "…about my divorce…": round 27's crisis check gives that one the check-in line, 0.52, and a turn with the
        # line is kept in the new conversation as a crisis card is.)
        private = "my private question about my insurance and ketamine"
        for question in (NORMAL, private, CRISIS):  # the first held, the others in the queue
            _send(page, question)
        page.get_by_role("button", name="Start a new conversation").click()
        page.get_by_role("button", name="Yes, clear it").click()
        page.get_by_text("A new conversation has started.").wait_for()
        assert page.locator("#qa-log .qa-waiting").count() == 0
        page.reload()  # cancels the two in the queue: asked again, and only the crisis card is kept
        page.wait_for_timeout(500)
        release.set()
        page.locator(".qa-help").first.wait_for()
        page.wait_for_timeout(1_500)
        page.reload()
        page.locator(".qa-turn").first.wait_for()
        page.wait_for_timeout(500)
        assert _asked(page) == [CRISIS]
        ask(page, "hi there!")
        assert _asked(page) == [CRISIS, "hi there!"]


def test_the_clear_step_reads_well_on_a_phone_and_an_example_shows_its_waiting_line(
    browser, pipeline, tmp_path: Path
) -> None:
    """Round 17 audit: at 375 px the confirm question was squeezed into a 3 px column; example buttons showed no
    waiting line and were lost on a reload."""
    with _held_app(browser, pipeline, tmp_path) as (page, release):
        page.set_viewport_size({"width": 375, "height": 800})
        page.get_by_role("button", name="Start a new conversation").click()
        prompt = page.get_by_text("Clear this conversation from the screen?")
        prompt.wait_for()
        box = prompt.bounding_box()
        assert box and box["width"] > 250 and box["height"] < 120
        page.get_by_role("button", name="Keep it").click()
        page.get_by_role("button", name=EXAMPLE_TEXT).click()
        page.wait_for_timeout(300)
        assert EXAMPLE_TEXT in page.locator("#qa-log .qa-waiting").inner_text()
        release.set()
        page.locator(".qa-turn").first.wait_for()
        page.wait_for_function("document.querySelectorAll('#qa-log .qa-waiting').length === 0", timeout=5_000)

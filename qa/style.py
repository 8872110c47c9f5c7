"""How the app looks and behaves in the browser: its CSS and the small scripts of its HTML blocks.

The scripts never insert HTML: they only read ``data-*`` attributes that :mod:`qa.render` wrote
(escaped) and either send ``{turn, vote}`` to the server or copy a prepared text to the clipboard; the chat's
"Looking for the answer" lines are built from elements and text nodes (``textContent``), never from markup.
"""

from __future__ import annotations

import json

__all__ = [
    "CSS",
    "HEAD",
    "VOTE_JS",
    "VOTE_DONE_JS",
    "COPY_JS",
    "AFTER_ANSWER_JS",
    "CHAT_ID_JS",
    "SEND_JS",
    "SENT_JS",
    "RESTORED_JS",
    "FOCUS_KEEP_JS",
    "FOCUS_NEW_JS",
    "CLEARED_JS",
    "REASKED_JS",
    "example_js",
]

#: Page styles (passed to ``launch``): large text, readable at 375 px, colours that work in light and dark mode. The
#: help boxes (crisis card, check-in line, referral) keep their light backgrounds in dark mode, so their text and links
#: are given their dark colours with !important: Gradio's dark theme colours every p and a near-white, which made the
#: 988 / 911 links 1.07:1 on the card (round 16 audit). A refused question's error is its one-line pop-up only: Gradio
#: also left a red "Error" badge over the conversation's first line until the next answer (round 16 audit).
CSS = """
.gradio-container { max-width: 980px !important; margin: 0 auto; }
.qa-log { font-size: 1.15rem; line-height: 1.6; }
.qa-empty { font-size: 1.1rem; opacity: 0.85; }
.qa-turn { margin: 0 0 1.5rem; }
.qa-you, .qa-waiting-you { font-weight: 600; margin: 0 0 0.5rem; overflow-wrap: anywhere; white-space: pre-line; }
.qa-waiting { margin: 0.5rem 0 1rem; }
.qa-you-label { font-weight: 400; opacity: 0.8; }
.qa-answer { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 0.9rem 1rem;
  background: var(--background-fill-secondary); overflow-wrap: anywhere; }
.qa-answer p { margin: 0.4rem 0; }
.qa-help { background: #fde8e8; color: #5c0a0a; border: 3px solid #b91c1c; border-radius: 10px;
  padding: 0.9rem 1rem; margin-bottom: 0.9rem; font-size: 1.25rem; }
.qa-help-title { margin: 0 0 0.4rem; font-size: 1.35rem; color: #7f1d1d; }
.qa-abstain { white-space: pre-line; }
.qa-checkin { background: #fdf2e9; color: #5c2a0a; border-left: 6px solid #c2410c; border-radius: 6px;
  padding: 0.6rem 0.9rem; margin-bottom: 0.6rem; font-size: 1.1rem; }
.qa-note { border-left: 6px solid #1d4ed8; padding: 0.1rem 0.8rem; }
.qa-referral { background: #e8f0fe; color: #0b2a5b; border-left: 6px solid #1d4ed8; border-radius: 6px;
  padding: 0.6rem 0.9rem; }
.qa-abstain { font-weight: 600; }
.qa-quote { margin: 0.6rem 0 1rem; }
.qa-quote-text { margin: 0; padding: 0.5rem 0.9rem; border-left: 5px solid #0f766e; white-space: pre-line; }
.qa-hl { background: #fff3a3; color: #1a1a1a; padding: 0 0.1em; border-radius: 2px; }
.qa-cite { font-size: 0.95rem; margin-top: 0.3rem; opacity: 0.9; }
.qa-disclaimer { font-size: 0.95rem; font-style: italic; border-top: 1px solid var(--border-color-primary);
  padding-top: 0.5rem; }
.qa-vote { display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; margin-top: 0.4rem; }
.qa-vote-btn { font-size: 1.1rem; min-width: 72px; padding: 0 0.7rem; min-height: 44px; border-radius: 8px;
  cursor: pointer; border: 1px solid var(--border-color-primary); background: var(--background-fill-primary); }
.qa-vote-error { font-size: 1rem; font-weight: 600; }
.qa-vote-btn:focus-visible, .qa-copy:focus-visible, #qa-ask:focus-visible, #qa-staff-search:focus-visible,
  #qa-gaps-refresh:focus-visible, .qa-examples button:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.qa-help a, .qa-checkin a, .qa-note a, .qa-referral a, .qa-abstain a { font-weight: 700; text-decoration: underline;
  padding: 0 !important; margin: 0 !important; }
.qa-note a { color: inherit; }
.qa-help p, .qa-help a, .qa-help li, .qa-help strong, .qa-help span { color: #5c0a0a !important; }
.qa-help .qa-help-title { color: #7f1d1d !important; }
.qa-checkin p, .qa-checkin a, .qa-checkin li, .qa-checkin strong, .qa-checkin span { color: #5c2a0a !important; }
.qa-referral p, .qa-referral a, .qa-referral li, .qa-referral strong, .qa-referral span { color: #0b2a5b !important; }
#qa-results, #qa-gaps, #qa-log { min-width: 0; max-width: 100%; }
#qa-log [data-testid="status-tracker"]:has(.error) { display: none !important; }
.qa-table-wrap { overflow-x: auto; max-width: 100%; }
.qa-results, .qa-gaps { border-collapse: collapse; width: 100%; font-size: 1rem; }
.qa-results caption, .qa-gaps caption { text-align: left; font-weight: 600; padding: 0.4rem 0; }
.qa-results th, .qa-results td, .qa-gaps th, .qa-gaps td { border: 1px solid var(--border-color-primary);
  padding: 0.4rem 0.5rem; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
.qa-passage { white-space: pre-line; min-width: 16rem; }
.qa-num { white-space: nowrap; }
/* Screen readers do not announce <mark>: the answering sentence is named in text they read, not shown (round 17
   audit). */
mark.qa-hl::before, mark.qa-hl::after { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(100%); white-space: nowrap; }
mark.qa-hl::before { content: " [answer sentence] "; }
mark.qa-hl::after { content: " [end of answer sentence] "; }
/* A long unbroken question wraps inside its own column: the count, the date and the headers keep their width (with
   overflow-wrap: anywhere on every cell, one 1,000-letter question squeezed them to two letters a line). */
.qa-gaps th, .qa-gaps td.qa-num, .qa-gaps td.qa-when { white-space: nowrap; overflow-wrap: normal; }
.qa-copy { min-height: 40px; padding: 0 0.8rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-primary); }
#qa-question textarea { font-size: 1.15rem; }
.qa-examples button { font-size: 1rem; }
@media (max-width: 640px) {
  .qa-results, .qa-gaps, .qa-results tbody, .qa-gaps tbody, .qa-results caption, .qa-gaps caption {
    display: block; border: none; }
  .qa-results thead, .qa-gaps thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  .qa-results tr, .qa-gaps tr { display: block; border: 1px solid var(--border-color-primary);
    border-radius: 8px; margin-bottom: 0.8rem; padding: 0.3rem 0.5rem; }
  .qa-results td, .qa-gaps td { display: block; border: none; padding: 0.2rem 0; }
  .qa-results td::before, .qa-gaps td::before { content: attr(data-label) ": "; font-weight: 600; }
  .qa-results td[data-label="Copy"]::before, .qa-results td[data-label="Passage"]::before { content: none; }
  .qa-passage { min-width: 0; }
}
@media (max-width: 480px) {
  #qa-log .html-container, #qa-results .html-container, #qa-gaps .html-container {
    padding-left: 0 !important; padding-right: 0 !important; }
  .qa-vote-label { flex-basis: 100%; }
  .qa-answer { padding: 0.7rem 0.6rem; }
  .qa-quote-text { padding: 0.3rem 0.6rem; }
  .qa-help { padding: 0.7rem 0.7rem; }
}
"""

#: Gradio scopes ``CSS`` inside its container, so the page margin on phones is set from ``<head>`` instead.
HEAD = (
    "<style>@media (max-width: 480px) { .main.fillable.app "
    "{ padding-left: 10px !important; padding-right: 10px !important; } }</style>"
)

#: Chat log behaviour: a click on 👍/👎 disables that answer's buttons and sends ``{turn, vote, answer}`` (the answer's
#: id, ``Turn.id``) to the server, which answers through a hidden box that VOTE_DONE_JS hands to ``qaVoteDone``
#: below. ``recorded`` or ``already`` put that answer's thanks in place of its buttons (focus goes there after a
#: keyboard vote: the pressed button is gone, and a keyboard or screen-reader user would otherwise be left at the top
#: of the page); the page remembers it and puts the thanks back if a redraw that started before the vote brings the
#: buttons back. ``failed`` says so beside the buttons; ``failed`` and ``unknown`` make the buttons work again, focus
#: back on the one pressed. With no answer after 10 s (a lost request) the buttons work again too. Only that answer
#: changes: the rest of the conversation is left alone.
VOTE_JS = """
const voted = new Map();
const thank = (group, button, answer, text, focus) => {
  const thanks = document.createElement('p');
  thanks.className = 'qa-voted';
  thanks.tabIndex = -1;
  thanks.dataset.turn = button.dataset.turn;
  if (answer) thanks.dataset.answer = answer;
  thanks.textContent = text;
  group.setAttribute('aria-label', 'Feedback');
  group.replaceChildren(thanks);
  if (focus) thanks.focus({preventScroll: true});
};
const reopen = (group) => {
  group.querySelectorAll('button').forEach((b) => { b.disabled = false; });
  const pressed = group.querySelector('button[data-vote="' + group.dataset.pressed + '"]');
  if (group.dataset.hadFocus === '1' && pressed) pressed.focus({preventScroll: true});
};
new MutationObserver(() => {
  voted.forEach((text, answer) => {
    const button = element.querySelector('button[data-answer="' + CSS.escape(answer) + '"]');
    if (button) thank(button.closest('.qa-vote'), button, answer, text, false);
  });
}).observe(element, {childList: true, subtree: true});
window.qaVoteDone = (raw) => {
  let done;
  try { done = JSON.parse(raw || ''); } catch (err) { return; }
  if (!done) return;
  const button = done.answer
    ? element.querySelector('button[data-answer="' + CSS.escape(done.answer) + '"]')
    : element.querySelector('button[data-turn="' + Number(done.turn) + '"]');
  const group = button && button.closest('.qa-vote');
  if (done.status === 'recorded' || done.status === 'already') {
    const text = done.status === 'recorded'
      ? 'Thank you, your feedback was recorded.' : 'Your feedback on this answer was already recorded.';
    if (done.answer) voted.set(done.answer, text);
    if (group) thank(group, button, done.answer, text, group.dataset.hadFocus === '1');
    return;
  }
  if (!group) return;
  group.querySelectorAll('.qa-vote-error').forEach((e) => e.remove());
  if (done.status === 'failed') {
    const note = document.createElement('span');
    note.className = 'qa-vote-error';
    note.setAttribute('role', 'status');
    note.textContent = 'Sorry, your feedback could not be saved. Please try again later.';
    group.append(note);
  }
  reopen(group);
};
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-vote]');
  if (!button || button.disabled) return;
  const group = button.closest('.qa-vote');
  group.dataset.pressed = button.dataset.vote;
  group.dataset.hadFocus = document.activeElement === button ? '1' : '';
  group.querySelectorAll('button').forEach((b) => { b.disabled = true; });
  trigger('click', {turn: Number(button.dataset.turn), vote: button.dataset.vote, answer: button.dataset.answer || ''});
  setTimeout(() => {
    if (group.isConnected && group.querySelector('button:disabled')) reopen(group);
  }, 10000);
});
"""

#: Hands the server's word on a vote (the hidden box's JSON) to the chat log's ``qaVoteDone`` (VOTE_JS).
VOTE_DONE_JS = """
(raw) => { if (window.qaVoteDone) window.qaVoteDone(raw); }
"""

#: Staff table behaviour: the copy button puts the quote and its citation on the clipboard (no server call).
COPY_JS = """
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button.qa-copy');
  if (!button) return;
  const value = button.dataset.copy;
  let copied = false;
  try { await navigator.clipboard.writeText(value); copied = true; } catch (err) {
    const area = document.createElement('textarea');
    area.value = value; area.setAttribute('readonly', ''); area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { copied = document.execCommand('copy'); } catch (err2) { copied = false; }
    area.remove();
  }
  button.textContent = copied ? 'Copied ✓' : 'Copy failed';
  setTimeout(() => { button.textContent = 'Copy'; }, 2500);
});
"""

#: After an answer (a js-only step, inputs: the question box now and the question just answered): unless the new
#: turn already fits on screen, scroll it to the top — a crisis card or referral opens it and must not sit below the
#: fold — and empty the box only if it still holds the question answered, so a next question typed while the
#: answer was coming is kept.
AFTER_ANSWER_JS = """
(current, answered) => {
  setTimeout(() => {
    const turns = document.querySelectorAll('#qa-log .qa-turn');
    const last = turns[turns.length - 1];
    if (!last) return;
    const box = last.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) last.scrollIntoView({block: 'start'});
  }, 100);
  return current === answered ? '' : current;
}
"""

#: Shared by the chat's snippets below (each defines it if the page has not yet): the questions the tab sent and has
#: no answer to, kept in its sessionStorage as JSON ``[{q, e, hidden}]`` (``e``: the chat's clear count when sent), and
#: the "Looking for the answer…" line shown for each at the end of the conversation. A reload cancels questions still
#: waiting in the queue; the page asks them again at load (app's ``restore`` / ``reask``). Round 17 audit.
_CHAT_LIB = """
const chat = window.qaChat || (window.qaChat = {
  read() {
    try {
      const list = JSON.parse(sessionStorage.getItem('qa-pending') || '[]');
      return Array.isArray(list) ? list.filter((x) => x && typeof x.q === 'string') : [];
    } catch (e) { return []; }
  },
  write(list) { try { sessionStorage.setItem('qa-pending', JSON.stringify(list.slice(-5))); } catch (e) {} },
  add(question, epoch) {
    if (!(question || '').trim()) return;
    const list = chat.read();
    list.push({q: question, e: String(epoch || '0')});
    chat.write(list);
    chat.draw(true);
  },
  done(answered) {
    const list = chat.read();
    let i = list.findIndex((x) => x.q === answered);
    if (i < 0) i = 0;  // a refusal: the oldest one waiting (answers come in the order asked, near enough)
    list.splice(i, 1);
    chat.write(list);
    setTimeout(() => chat.draw(false), 60);  // after the answer has re-drawn the conversation
  },
  draw(scroll) {
    document.querySelectorAll('#qa-log .qa-waiting').forEach((box) => box.remove());
    const log = document.querySelector('#qa-log .qa-log');
    if (!log) return;
    let last = null;
    for (const item of chat.read()) {
      if (item.hidden) continue;
      const box = document.createElement('section');
      box.className = 'qa-waiting';
      const you = document.createElement('p');
      you.className = 'qa-waiting-you';
      const label = document.createElement('span');
      label.className = 'qa-you-label';
      label.textContent = 'You asked: ';
      you.append(label, document.createTextNode(item.q));
      const note = document.createElement('p');
      note.className = 'qa-empty';
      note.setAttribute('role', 'status');
      note.textContent = 'Looking for the answer in our articles…';
      box.append(you, note);
      log.append(box);
      last = box;
    }
    if (scroll && last) last.scrollIntoView({block: 'nearest'});
  },
});
"""

#: At page load: the tab's chat id, made once (16 random bytes in hex; crypto.getRandomValues works over plain http,
#: crypto.randomUUID does not) and kept in the tab's sessionStorage, so a reload finds its conversation again
#: (app.SavedChats), and the questions it had no answer to. Without sessionStorage (blocked by the browser) every load
#: is a new chat, as before.
CHAT_ID_JS = (
    """
(current, turns, pending) => {
"""
    + _CHAT_LIB
    + """
  const name = 'qa-chat-id';
  let id = null;
  try { id = sessionStorage.getItem(name); } catch (e) { return ['', turns, '[]']; }
  if (!id || !/^[0-9a-f]{32}$/.test(id)) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    try { sessionStorage.setItem(name, id); } catch (e) { return ['', turns, '[]']; }
  }
  const waiting = chat.read().map((x) => ({...x, again: true}));  // REASKED_JS drops these, not ones sent later
  chat.write(waiting);
  return [id, turns, JSON.stringify(waiting)];
}
"""
)
#: When a question is sent (the box or Ask): kept, and shown at once at the end of the conversation (round 17 audit:
#: on a busy server the page looked frozen — the question was not shown, the only sign of progress was far above).
SEND_JS = (
    """
(question, turns, chatId, epoch) => {
"""
    + _CHAT_LIB
    + """
  chat.add(question, epoch);
  return [question, turns, chatId, epoch];
}
"""
)


def example_js(text: str) -> str:
    """SEND_JS for an example button, whose question is ``text`` (not one of the event's inputs)."""
    return (
        "(turns, chatId, epoch) => {\n"
        + _CHAT_LIB
        + f"\n  chat.add({json.dumps(text)}, epoch);\n  return [turns, chatId, epoch];\n}}\n"
    )


#: After an answer or a refusal (``answered``: the question answered; a refusal leaves the last one there): that
#: question, or the oldest waiting, is no longer kept; the lines of those still waiting are drawn again.
SENT_JS = (
    """
(answered) => {
"""
    + _CHAT_LIB
    + """
  chat.done(answered);
}
"""
)
#: After a reload brought a conversation back: its newest answer is scrolled into view, as a new answer is (round 17
#: audit: on a phone the page opened at the top, a crisis card 7,500 px below); the questions being asked again show.
RESTORED_JS = (
    """
() => {
"""
    + _CHAT_LIB
    + """
  setTimeout(() => {
    const turns = document.querySelectorAll('#qa-log .qa-turn');
    const last = turns[turns.length - 1];
    if (last) last.scrollIntoView({block: 'start'});
    chat.draw(false);
  }, 100);
}
"""
)
#: After the questions a reload cancelled were asked again: they are no longer kept (questions sent since are).
REASKED_JS = (
    """
() => {
"""
    + _CHAT_LIB
    + """
  chat.write(chat.read().filter((x) => !x.again));
  setTimeout(() => chat.draw(false), 60);
}
"""
)
#: "Start a new conversation" asks first; focus goes to "Keep it" (the safe choice), and back to the button after.
#: Both answers are described by the prompt, so a screen reader landing on "Keep it" reads what is asked.
FOCUS_KEEP_JS = """
() => {
  setTimeout(() => {
    for (const id of ['qa-keep-chat', 'qa-clear-chat']) {
      document.getElementById(id)?.setAttribute('aria-describedby', 'qa-new-chat-prompt');
    }
    document.querySelector('#qa-keep-chat')?.focus();
  }, 50);
}
"""
FOCUS_NEW_JS = """
() => { setTimeout(() => document.querySelector('#qa-new-chat')?.focus(), 50); }
"""
#: After the conversation was cleared: the question box has focus. Questions still waiting stay kept (a crisis among
#: them must still be asked again after a reload; the server adds only a crisis card or check-in line for them) but
#: no longer show.
CLEARED_JS = (
    """
() => {
"""
    + _CHAT_LIB
    + """
  chat.write(chat.read().map((x) => ({...x, hidden: true})));
  chat.draw(false);
  setTimeout(() => document.querySelector('#qa-question textarea')?.focus(), 50);
}
"""
)

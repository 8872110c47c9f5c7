"""Number words read as digits (qa/numbers.py) and the gate reading a reading told in words like its digits."""

from __future__ import annotations

import itertools
import json
import re

import pytest

from qa.numbers import read_numbers
from qa.safety import DEFAULT_RULES_PATH, SafetyGate, normalize_text

_UNITS = "one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _below_hundred(n: int) -> list[str]:
    if n < 10:
        return [_UNITS[n - 1]]
    if n < 20:
        return [_TEENS[n - 10]]
    return [_TENS[n // 10 - 2]] + ([_UNITS[n % 10 - 1]] if n % 10 else [])


def _standard(n: int) -> list[str]:
    """``n`` (1-9999) as written out: "two thousand three hundred and forty five"."""
    words: list[str] = []
    if n >= 1000:
        words += [*_below_hundred(n // 1000), "thousand"]
        n %= 1000
    if n >= 100:
        words += [_UNITS[n // 100 - 1], "hundred"] + (["and"] if n % 100 else [])
        n %= 100
    return words + (_below_hundred(n) if n else [])


def _read(text: str) -> str:
    return " ".join(read_numbers(text.split()))


def _gate_read(text: str) -> str:
    """As the gate reads it: normalised first (so "three" is "thre", "fifteen" "fiften"), then numbers."""
    return " ".join(read_numbers(normalize_text(text).split()))


def test_every_number_written_out_reads_as_its_digits() -> None:
    numbers = [*range(13, 1000), 1000, 1005, 2019, 2345, 9999]
    for read in (_read, _gate_read):
        assert [n for n in numbers if read(" ".join(["pulse", *_standard(n), "now"])) != f"pulse {n} now"] == []


def _spoken(n: int) -> list[str] | None:
    """ "one eighty", "one forty five", "two ten", "one oh five": the hundreds digit, then the rest (None for 200)."""
    rest = n % 100
    tail = _below_hundred(rest) if rest >= 10 else ["oh", _UNITS[rest - 1]] if rest else None
    return [_UNITS[n // 100 - 1], *tail] if tail else None


def test_the_spoken_form_of_a_reading() -> None:
    spoken = {n: words for n in range(110, 1000) if (words := _spoken(n))}
    assert len(spoken) == 890 - 8  # all but 200, 300, ... 900
    for read in (_read, _gate_read):
        assert [n for n, words in spoken.items() if read(" ".join(["bp", *words, "over"])) != f"bp {n} over"] == []


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("bp two hundred over one twenty right now", "bp 200 over 120 right now"),
        ("temp a hundred and four point five", "temp 104 5"),
        ("ninety eight point six", "98 6"),
        ("forty point oh five celsius", "40 05 celsius"),
        ("sats in the low eighties", "sats in the low 80"),
        ("sats in the high eighties", "sats in the high 80"),
        ("heart rate fourty and weak", "heart rate 40 and weak"),
        ("pulse ninty two", "pulse 92"),
        ("one hundred percent", "100 percent"),
        ("a hundred", "100"),
        ("a thousand", "1000"),
        ("two ten over one fifteen", "210 over 115"),
        ("five hundred and the meter says hi", "500 and the meter says hi"),
        ("thirty eight and dropping", "38 and dropping"),
        ("eighty six eighty seven", "86 87"),
        ("nineteen ninety", "19 90"),
    ],
)
def test_number_words(text: str, read: str) -> None:
    assert _read(text) == read


@pytest.mark.parametrize(
    "text",
    [
        "no one cares about me",
        "took two pills",
        "one more time",
        "ten times in an hour",
        "twelve of them",
        "i was in my twenties then",
        "back in the nineties",
        "oh my god",
        "a point of view",
        "at this point",
        "one or two",
        "a lot",
        "165 bpm",
        "the first and second dose",
        "",
    ],
)
def test_other_words_stay(text: str) -> None:
    assert _read(text) == text


@pytest.fixture(scope="module")
def gate() -> SafetyGate:
    return SafetyGate()


@pytest.mark.parametrize(
    ("digits", "words"),
    [
        ("my heart rate is 180 right now and I'm dizzy", "my heart rate is one eighty right now and I'm dizzy"),
        (
            "bp 200/120 right now and my face is tingling",
            "bp two hundred over one twenty right now and my face is tingling",
        ),
        ("my oxygen is at 84% right now", "my oxygen is at eighty-four percent right now"),
        ("she's at 104.6 and really hard to wake", "she's at a hundred and four point six and really hard to wake"),
        ("my blood sugar just read 38", "my blood sugar just read thirty eight"),
        ("heart rate 32. feel awful.", "heart rate thirty-two. feel awful."),
        (
            "my heart rate is 125 right now and I'm anxious",
            "my heart rate is one twenty five right now and I'm anxious",
        ),
        (
            "is a heart rate of 150 dangerous during an infusion?",
            "is a heart rate of one fifty dangerous during an infusion?",
        ),
        ("my oxygen is 97% right now is that normal", "my oxygen is ninety seven percent right now is that normal"),
        ("pulse 33 and I'm about to pass out", "pulse thirty three and I'm about to pass out"),
        ("my sugar is 15 right now and he's confused", "my sugar is fifteen right now and he's confused"),
        ("bp 213/118 and my head is pounding", "bp two thirteen over one eighteen and my head is pounding"),
        ("temp 103 and she's hard to wake", "temp one oh three and she's hard to wake"),
    ],
)
def test_a_reading_in_words_routes_as_its_digits(gate: SafetyGate, digits: str, words: str) -> None:
    assert gate.check(words).route == gate.check(digits).route
    assert gate.check(words).matched == gate.check(digits).matched


def test_the_gate_reads_number_words_and_hyphens() -> None:
    assert read_numbers(normalize_text("Pulse one-eighty-five!").split()) == ["pulse", "185", "."]


def test_no_rule_pattern_writes_a_number_the_gate_reads_as_digits() -> None:
    """The text's "twenty" becomes "20" before the rules run, so a pattern word "twenty" could never match."""
    data = json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    texts = [*data.get("macros", {}).values()]
    for rule in data["rules"]:
        texts += [*rule.get("any", []), *rule.get("unless", []), *itertools.chain.from_iterable(rule.get("all", []))]
    words = {word for text in texts for word in re.findall(r"[a-z]+", text.lower())}
    assert {word for word in words if read_numbers([word]) != [word]} == set()

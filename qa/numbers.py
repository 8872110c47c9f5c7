"""Numbers written in words, read as digits for the safety gate: "heart rate one eighty" -> "heart rate 180".

A reading told in words ("bp two hundred over one twenty", "sats eighty six percent", "a hundred and four
point five") is the same emergency as the digits, and the rules compare numbers only as digits (``#lo-hi``,
:mod:`qa.rules`). :func:`read_numbers` rewrites each run of number words in the gate's canonical words into
one number:

- the standard forms: "thirty eight", "a hundred and four", "one hundred four", "two thousand and five";
- the spoken forms of readings: "one eighty" (180), "one forty five" (145), "two ten" (210), "one oh five" (105);
- "eighty six point five" -> "86 5", as "86.5" reads in the gate (the point is not a word there either);
- a decade after low, mid or high read as its number ("sats in the low eighties" -> "in the low 80"; "in my
  twenties" stays words), and the common misspellings of the tens ("fourty", "ninty").

A lone "one" to "twelve" stays a word: the rules use them as words ("no one", "took two", "one more time"), and
no reading is that small. A year read as two pairs ("nineteen ninety") becomes two numbers ("19 90"). The gate
applies this before its replacements and fuzzy matching, so only the canonical text changes: the answer shows what
the person typed.
"""

from __future__ import annotations

import re

__all__ = ["read_numbers"]

_REPEAT = re.compile(r"([^\W\d_])\1+")


def _both_spellings(table: dict[str, int]) -> dict[str, int]:
    """``table`` plus each word with its repeated letters collapsed, as the gate's text has them ("three" ->
    "thre", "fifteen" -> "fiften": :func:`qa.safety.normalize_text` collapses before numbers are read)."""
    return {**table, **{_REPEAT.sub(r"\1", word): value for word, value in table.items()}}


_UNITS = _both_spellings(
    {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
)
_TEENS = _both_spellings({
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
})  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "ninty": 90, "nintey": 90,
}  # fmt: skip
#: "in the low eighties": a decade is a number only after one of _DECADE_MARKS ("in my twenties" is an age).
_DECADES = {f"{word[:-1]}ies": value for word, value in _TENS.items()}
_DECADE_MARKS = frozenset({"low", "lower", "mid", "middle", "high", "upper"})
_DIGIT = {"zero": 0, "oh": 0, "o": 0, **_UNITS}
_WORD_VALUES = {**_UNITS, **_TEENS, **_TENS}
_LONE_WORD_MAX = 12  # "one" to "twelve" alone stay words


def _below_hundred(words: list[str], i: int) -> tuple[int, int] | None:
    """The number 1-99 in words starting at ``i`` ("forty", "forty two", "fifteen", "seven") and where it ends."""
    if i >= len(words):
        return None
    word = words[i]
    if word in _TENS:
        if i + 1 < len(words) and words[i + 1] in _UNITS:
            return _TENS[word] + _UNITS[words[i + 1]], i + 2
        return _TENS[word], i + 1
    if word in _TEENS:
        return _TEENS[word], i + 1
    if word in _UNITS:
        return _UNITS[word], i + 1
    return None


def _below_thousand(words: list[str], i: int) -> tuple[int, int] | None:
    """A number 1-999 at ``i``, in the standard ("a hundred and four") or the spoken form ("one eighty")."""
    n = len(words)
    if i + 1 < n and words[i] == "a" and words[i + 1] == "hundred":
        first: tuple[int, int] | None = (1, i + 1)
    else:
        first = _below_hundred(words, i)
    if first is None:
        return None
    value, j = first
    if j < n and words[j] == "hundred" and value < 10:
        j += 1
        value *= 100
        after = j + 1 if j < n and words[j] == "and" and _below_hundred(words, j + 1) else j
        if rest := _below_hundred(words, after):
            return value + rest[0], rest[1]
        return value, j
    if value < 10 and j == i + 1:  # the spoken forms: "one eighty", "one forty five", "two ten", "one oh five"
        if j < n and (words[j] in _TENS or words[j] in _TEENS) and (rest := _below_hundred(words, j)):
            return value * 100 + rest[0], rest[1]
        if j + 1 < n and words[j] in ("oh", "o") and words[j + 1] in _UNITS:
            return value * 100 + _UNITS[words[j + 1]], j + 2
    return value, j


def _number(words: list[str], i: int) -> tuple[int, int] | None:
    """The number at ``i`` (up to the thousands) and where it ends, or None."""
    if words[i] in _DECADES and i > 0 and words[i - 1] in _DECADE_MARKS:
        return _DECADES[words[i]], i + 1
    first = _below_thousand(words, i)
    if first is None:
        if i + 1 < len(words) and words[i] == "a" and words[i + 1] == "thousand":
            first = (1, i + 1)
        else:
            return None
    value, j = first
    if j < len(words) and words[j] == "thousand":
        j += 1
        after = j + 1 if j < len(words) and words[j] == "and" and _below_thousand(words, j + 1) else j
        rest = _below_thousand(words, after)
        return (value * 1000 + rest[0], rest[1]) if rest else (value * 1000, j)
    return value, j


def _decimals(words: list[str], i: int) -> tuple[str, int] | None:
    """The digits after a "point" at ``i`` ("point five", "point oh two"), or None."""
    j = i + 1
    while j < len(words) and words[j] in _DIGIT:
        j += 1
    return ("".join(str(_DIGIT[w]) for w in words[i + 1 : j]), j) if j > i + 1 else None


def read_numbers(words: list[str]) -> list[str]:
    """``words`` with each run of number words replaced by its digits (see the module's docstring)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        found = _number(words, i)
        if found is None or (found[1] == i + 1 and words[i] in _WORD_VALUES and found[0] <= _LONE_WORD_MAX):
            out.append(words[i])
            i += 1
            continue
        value, i = found
        out.append(str(value))
        if i < len(words) and words[i] == "point" and (decimals := _decimals(words, i)):
            out.append(decimals[0])
            i = decimals[1]
    return out

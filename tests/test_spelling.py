"""Query spelling correction: the distance by hand, what is corrected and what is left alone."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from qa.spelling import Speller, osa_distance

TEXTS = [
    "Ketamine may ease anxiety and depression. Book an appointment for ketamine.",
    "Anxiety and depression respond to ketamine; an appointment takes an hour.",
    "Carrageenan nasal spray. Carrageenan and zanamivir act together.",
]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller.from_texts(TEXTS, english=["looked", "hooked", "different", "about"])


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "", 3), ("kitten", "sitting", 3), ("anxeity", "anxiety", 1), ("ca", "abc", 3),
     ("appointmnet", "appointment", 1), ("depresion", "depression", 1), ("carageenan", "carrageenan", 1)],
)  # fmt: skip
def test_osa_distance_by_hand(a: str, b: str, distance: int):
    assert osa_distance(a, b) == distance == osa_distance(b, a)


def test_osa_distance_is_a_bounded_edit_count():
    words = ["", "a", "ab", "ba", "abc", "acb", "bca", "abcd", "xbcd"]
    for a, b in itertools.product(words, repeat=2):
        d = osa_distance(a, b)
        assert abs(len(a) - len(b)) <= d <= max(len(a), len(b))
        assert (d == 0) == (a == b)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("anxeity", "anxiety"), ("appointmnet", "appointment"), ("depresion", "depression"),
     ("ketamin", "ketamine"), ("carageenan", "carrageenan"), ("Anxeity", "anxiety")],
)  # fmt: skip
def test_misspelled_words_become_corpus_words(speller: Speller, typed: str, meant: str):
    assert speller.suggest(typed) == meant


@pytest.mark.parametrize(
    "word",
    ["anxiety", "hooked", "about", "depressed1", "ANXEITY", "anxei", "ketmn", "zanamivir", "nasal", "xyzzyplugh"],
)
def test_real_words_acronyms_short_rare_and_far_words_stay(speller: Speller, word: str):
    """In the corpus, English, written in capitals, a distance-2 typo of a short word, a word seen only
    once in the corpus (zanamivir: no correction *to* it, and it is itself known), nothing near."""
    corrected = speller.correct(f"is {word} ok").text
    assert corrected == f"is {word} ok"


def test_only_words_used_often_enough_are_targets():
    speller = Speller(Counter({"zanamivir": 1, "carrageenan": 2}), english=[])
    assert speller.suggest("zanamavir") is None
    assert speller.suggest("carageenan") == "carrageenan"
    assert Speller(Counter({"zanamivir": 1}), english=[], min_count=1).suggest("zanamavir") == "zanamivir"


def test_closest_then_most_frequent_word_wins():
    speller = Speller(Counter({"infusion": 5, "infusions": 9, "confusion": 50}), english=[])
    assert speller.suggest("infusoin") == "infusion"  # distance 1 beats the more frequent distance-2 words
    speller = Speller(Counter({"dosing": 3, "dosage": 7}), english=[])
    assert speller.suggest("dosige") == "dosage"  # both at distance 1: the more frequent one


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("desociation", "dissociation"),  # one letter changed and one missing (round 24: was not found)
     ("dissosiatian", "dissociation"),  # two changed
     ("dpresion", "depression"),  # two missing
     ("depresssionn", "depression")],  # two extra (found before too)
)  # fmt: skip
def test_every_typo_two_edits_from_a_long_word_is_found(typed: str, meant: str):
    speller = Speller(Counter({"dissociation": 3, "depression": 3, "session": 3}), english=[])
    assert speller.suggest(typed) == meant
    assert speller.suggest("sesison") == "session"  # a short word: one edit (a transposition)
    assert speller.suggest("sezzion") is None  # two edits from a short word: too far


def test_correction_keeps_the_rest_of_the_text_verbatim(speller: Speller):
    result = speller.correct("How soon  after my appointmnet does Anxeity ease?")
    assert result.text == "How soon  after my appointment does anxiety ease?"
    assert result.changes == (("appointmnet", "appointment"), ("Anxeity", "anxiety"))
    assert speller.correct(result.text).text == result.text  # idempotent: corrections are corpus words


def test_the_shipped_english_word_list_protects_real_words():
    speller = Speller.from_texts(["People looked at the clinic. People looked again."])
    assert speller.suggest("hooked") is None  # a real word, though no passage uses it
    assert speller.suggest("clinik") is None  # "clinic" occurs once only
    assert Speller.from_texts(["The clinic. A clinic."]).suggest("clinik") == "clinic"


def test_a_word_too_long_to_be_near_any_corpus_word_is_not_searched(monkeypatch: pytest.MonkeyPatch):
    """Round 16 audit: a 1,000-letter word built ~500,000 two-letter deletes (~0.5 GB, 3-5 s) to find nothing."""
    speller = Speller(Counter({"ketamine": 5, "infusion": 3}))
    assert speller.suggest("ketamineqq") == "ketamine"  # two edits longer than the longest word: still searched

    def refuse(word: str) -> set[str]:
        raise AssertionError(f"deletes of a {len(word)}-letter word were built")

    monkeypatch.setattr("qa.spelling._deletes", refuse)
    assert speller.suggest("ketamineqqq") is None
    assert speller.suggest("q" * 1000) is None


def test_kept_words_and_two_letter_prefixes_are_other_words_not_typos():
    """Round 18: "What is esketamine?" was searched as "What is ketamine?" and answered with ketamine's
    definition; esketamine is another drug (the aspect lexicon names it), so is arketamine (no lexicon needed:
    a corpus word that is the typed word without its first two letters is not a correction)."""
    counts = Counter({"ketamine": 9, "infusion": 3})
    assert Speller(counts, english=[]).suggest("esketamine") is None
    assert Speller(counts, english=[]).suggest("arketamine") is None
    assert Speller(counts, english=[]).suggest("ketamiine") == "ketamine"  # a real typo still is
    assert Speller(counts, english=[]).suggest("kketamine") == "ketamine"  # one letter in front too
    kept = Speller(counts, english=[], keep=["Infusoin"])
    assert kept.suggest("infusoin") is None and kept.suggest("infusionn") == "infusion"
    assert kept.signature != Speller(counts, english=[]).signature  # the known questions' cache key changes


def test_the_shipped_speller_keeps_the_lexicons_named_drugs(pipeline):
    speller = pipeline.retriever.speller
    assert {"esketamine", "spravato", "mdma"} <= speller.keep
    assert pipeline.retriever.correct("What is esketamine?") == "What is esketamine?"
    data = pipeline.ask("What is esketamine?").to_dict()
    assert data["status"] == "no_answer" and data["quotes"] == []  # no article mentions esketamine


@pytest.mark.parametrize("typed", ["it doesn't work", "shouldn\u2019t I wait", "DOESN'T it", "it doesn`t help"])
def test_the_first_part_of_a_negative_contraction_is_not_corrected(typed: str):
    """Round 18 audit: "doesn't" is read as "doesn" + "t", and "doesn" was corrected to "does" ("does't work")."""
    speller = Speller(Counter({"does": 9, "should": 9, "ketamine": 9}), english=[])
    assert speller.suggest("doesn") == "does"  # alone, it is one letter from a corpus word
    assert speller.correct(typed).text == typed
    assert speller.correct("ketamin's effect").text == "ketamine's effect"  # a possessive is still corrected


def test_a_misspelt_lexicon_word_is_corrected_to_it_so_its_requirement_holds():
    """Round 18 audit: "is ketamine safe when pregant" was answered with "…is considered safe": no article uses
    "pregnant", so the typo stayed and the pregnancy requirement was never made. The lexicon's words, and the English
    words of its stems, are targets too — for typos only (same first letter, not an inflection cut short)."""
    speller = Speller(
        Counter({"ketamine": 9, "safe": 9}),
        english=["pregnant", "pregnancy", "mealy", "really", "opioids"],
        keep=["opioid", "esketamine"],
        stems=["pregnan", "meal"],
    )
    assert speller.correct("is ketamine safe when pregant").text == "is ketamine safe when pregnant"
    assert speller.suggest("pregnacy") == "pregnancy" and speller.suggest("esketamin") == "esketamine"
    assert speller.suggest("realy") is None  # "mealy" is one letter away, but a first letter is seldom the slip
    assert speller.suggest("opoid") == "opioid" and speller.suggest("opioidz") is None  # an ending is not a typo
    assert speller.suggest("ketamin") == "ketamine"  # corpus words as before
    assert Speller(Counter(), english=["pregnant"], stems=["pregnan"]).signature != Speller(Counter()).signature


def test_the_shipped_speller_makes_a_misspelt_aspect_count(pipeline):
    assert pipeline.retriever.correct("is ketamine safe when pregant") == "is ketamine safe when pregnant"
    # Not to a named drug, often named only in passing (round 18 second audit: its requirement then refused the rest).
    assert (
        pipeline.retriever.correct("im on klonipin, how long is a session?") == "im on klonipin, how long is a session?"
    )
    data = pipeline.ask("is ketamine safe when pregant").to_dict()
    assert data["status"] == "no_answer" and data["quotes"] == []  # as for "pregnant": no article answers it


def test_a_lexicon_word_is_no_target_for_a_typo_of_a_commoner_english_word(pipeline):
    """Round 23 (messy dev set): "hw soon does ur mood get beter" became "…get beer": the alcohol aspect's stem made
    "beer" a target one edit away, while "better", as near and far commoner, is no corpus word. A corpus word still
    wins as before; a lexicon target only when no commoner English word is as near."""
    assert pipeline.retriever.correct("does your mood get beter after") == "does your mood get beter after"
    assert pipeline.retriever.correct("is ketamine safe when pregant") == "is ketamine safe when pregnant"
    assert pipeline.retriever.correct("can i drink bear after") == "can i drink bear after"  # an English word: kept


SHORTHAND = {"u": "you", "ur": "your", "hw": "how", "b4": "before", "w/": "with", "meds": "medications"}


def test_shorthand_is_written_out_before_spelling_is_corrected():
    speller = Speller(Counter({"ketamine": 9, "session": 9}), english=["how", "long"], shorthand=SHORTHAND)
    corrected = speller.correct("hw long is a sesion b4 u go home w/ ur meds")
    assert corrected.text == "how long is a session before you go home with your medications"
    assert corrected.changes[:3] == (("hw", "how"), ("b4", "before"), ("u", "you"))
    assert ("sesion", "session") in corrected.changes


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("HW long", "how long"),  # any case…
        ("Can U drive", "Can U drive"),  # …but a one-letter key in lower case only ("R0", "the R value")
        ("w/depression", "with depression"),  # a key ending in "/" runs into the next word
        ("N-methyl-D-aspartate", "N-methyl-D-aspartate"),
        ("n-methyl u's ur-", "n-methyl u's ur-"),  # joined to a hyphen or an apostrophe: left alone
        ("hwx ursa umeds", "hwx ursa umeds"),  # whole words only
    ],
)
def test_shorthand_matches_whole_words_only(typed: str, searched: str):
    assert Speller(Counter(), english=[], shorthand=SHORTHAND).correct(typed).text == searched


@pytest.mark.parametrize(
    ("typed", "searched"),
    [("can it help p t s d", "can it help ptsd"),  # voice typing spells an acronym out
     ("or O.C.D. or P. T. S. D?", "or OCD. or PTSD?"),  # a word of `acronyms`, with or without spaces after dots
     ("ptsd a b c i a m", "ptsd a b c i a m"),  # letters that spell no known word stay
     ("p t sd, o c", "p t sd, o c")],  # three letters or more, each alone
)  # fmt: skip
def test_letters_spelt_out_are_joined_into_a_known_word(typed: str, searched: str):
    speller = Speller(Counter({"ptsd": 2, "ketamine": 3}), english=[], acronyms=["OCD", "post-traumatic"])
    assert speller.correct(typed).text == searched
    assert speller.correct(typed, shorthand=False).text == typed  # what the crisis check reads: as typed
    assert speller.acronyms == {"ocd"}
    assert speller.signature != Speller(Counter({"ptsd": 2, "ketamine": 3}), english=[]).signature


def test_the_shorthand_file_is_read_and_a_bad_line_is_named(tmp_path):
    from qa.config import SHORTHAND_FILE
    from qa.errors import QAError
    from qa.spelling import load_shorthand

    shipped = load_shorthand(SHORTHAND_FILE)
    assert shipped["hw"] == "how" and shipped["b4"] == "before" and "im" not in shipped and "4" not in shipped
    bad = tmp_path / "shorthand.txt"
    bad.write_text("# comment\nu = you\nto be honest\n", encoding="utf-8")
    with pytest.raises(QAError, match=r"line 3: 'to be honest' is not 'typed = meant'"):
        load_shorthand(bad)
    bad.write_text("i d k = I don't know\n", encoding="utf-8")
    with pytest.raises(QAError, match="line 1"):
        load_shorthand(bad)
    assert Speller(Counter(), shorthand={"u": "you"}).signature != Speller(Counter()).signature


def test_the_shipped_pipeline_reads_shorthand_and_the_setting_turns_it_off(pipeline, built_settings, embedder):
    from dataclasses import replace

    from qa.pipeline import Pipeline

    assert pipeline.retriever.correct("wat shud i kno b4 starting") == "what should i know before starting"
    # "OCD" is a phrase of the synonym map, not a word of the articles
    assert pipeline.retriever.correct("does it work for o c d or p t s d") == "does it work for ocd or ptsd"
    off = Pipeline(replace(built_settings, shorthand=None), rebuild=False, embedder=embedder)
    assert off.retriever.correct("wat shud i kno b4 starting") == "wat shud i kno b4 starting"

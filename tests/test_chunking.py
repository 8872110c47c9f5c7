"""Chunking properties on the real corpus and hand-checked tiny documents."""

from __future__ import annotations

import re

import pytest

from qa.chunking import chunk_document, sentence_spans
from qa.config import PROJECT_ROOT
from qa.corpus import load_corpus, parse_document

DOCS = load_corpus(PROJECT_ROOT / "corpus")
PASSAGES = [(d, p) for d in DOCS for p in chunk_document(d)]

FURNITURE = ["Leave a Comment", "Previous", "Next", "What is Psychedelic Integration?", "Zylem Ketamine Wellness?"]


def test_every_passage_is_its_file_slice():
    assert PASSAGES
    for doc, p in PASSAGES:
        assert doc.text[p.start : p.end] == p.text
        assert p.path == doc.path and p.title == doc.title
        assert p.start >= doc.body_start
        for s, e in p.sentences:
            assert p.start <= s < e <= p.end


def test_no_passage_cuts_a_sentence():
    """Passage edges at any size are edges of the article's own sentence units (found at a huge size)."""
    for doc in DOCS:
        all_units = set()
        for p in chunk_document(doc, max_chars=10_000):
            all_units |= set(p.sentences)
        starts = {s for s, _ in all_units}
        ends = {e for _, e in all_units}
        for p in chunk_document(doc, max_chars=300):
            first, last = p.sentences[0], p.sentences[-1]
            assert first[0] in starts and last[1] in ends
            assert p.end == last[1]


def test_no_furniture_is_indexed():
    for _, p in PASSAGES:
        lines = [line.strip() for line in p.text.splitlines()]
        for bad in FURNITURE:
            assert bad not in lines, (bad, p.id)
        assert "By Leona Kashersky, PsyD" not in p.text
        assert not re.search(r"(^|\s)[>+](?=\w)", p.index_text), p.index_text


def test_headings_attach_to_the_text_they_introduce():
    headings = {p.heading for _, p in PASSAGES}
    assert {"Ketamine For Anxiety", "Safety and Considerations", "Key Points"} <= headings
    for _, p in PASSAGES:
        assert p.sentences, "a heading is never a passage of its own"
        if p.text.startswith(p.heading):
            assert p.sentences[0][0] > p.start + len(p.heading) - 1, "text follows the heading"


def test_faq_question_stays_with_its_answer():
    faq = [
        p for _, p in PASSAGES if p.heading == "Is ketamine a suitable treatment for treatment-resistant depression?"
    ]
    assert len(faq) == 1
    assert faq[0].text.startswith("Is ketamine a suitable treatment")
    assert "+Yes, ketamine has been shown to be an effective treatment" in faq[0].text
    assert faq[0].index_text.count("+") == 0


def test_table_and_bullets_stay_whole():
    table = [p for _, p in PASSAGES if "| Study | Sample Size | Results |" in p.text]
    assert len(table) == 1 and "in 80% of patients |" in table[0].text
    for _, p in PASSAGES:
        for line in p.text.splitlines():
            if line.startswith("- "):
                assert line.endswith("."), line  # bullet lines are never cut


def test_size_limit_is_respected_unless_one_sentence_is_longer():
    for max_chars in (150, 400, 800):
        for doc in DOCS:
            for p in chunk_document(doc, max_chars=max_chars):
                body_start = p.sentences[0][0]
                if len(p.sentences) > 1:
                    assert p.end - body_start <= max_chars


def test_overlap_repeats_trailing_sentences():
    doc = parse_document("t.txt", "Heading Line\n" + " ".join(f"Sentence number {i} is here." for i in range(12)))
    plain = chunk_document(doc, max_chars=90)
    overlapped = chunk_document(doc, max_chars=90, overlap_sentences=1)
    assert len(overlapped) > len(plain) > 1
    for a, b in zip(overlapped, overlapped[1:]):
        assert b.sentences[0] == a.sentences[-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith saw her. She improved.", ["Dr. Smith saw her.", "She improved."]),
        ("By Jane Roe, PsyD. and team. It works.", ["By Jane Roe, PsyD. and team.", "It works."]),
        (
            "Some drugs, e.g. SSRIs, are slow. Ketamine is fast.",
            ["Some drugs, e.g. SSRIs, are slow.", "Ketamine is fast."],
        ),
    ],
)
def test_sentence_splitting_knows_our_abbreviations(text: str, expected: list[str]):
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_bad_chunk_settings_are_rejected():
    with pytest.raises(ValueError, match="max_chars"):
        chunk_document(DOCS[0], max_chars=0)


WRAPPED = (
    "Results\n\n"
    "First intervention: governments have escalated interventions rapidly,\n"
    "and some did so all on a single day.\n"
    "Therefore, given the temporal autocorrelation inherent in government intervention, we include a\n"
    "binary covariate for the first intervention. It marks major action.\n\n"
    "Belgium, Denmark, France, Germany, Italy, Norway, Spain, Sweden, Switzerland and the\n"
    "United Kingdom were studied together in one hierarchical model\n"
    "Fitted jointly, it shares information between countries.\n\n"
    "Discussion\n\n"
    "Short heading lines still start sections.\n"
)


def test_unwrap_keeps_hard_wrapped_lines_in_their_paragraph():
    doc = parse_document("w.txt", WRAPPED)
    plain = chunk_document(doc, max_chars=2000)
    unwrapped = chunk_document(doc, max_chars=2000, unwrap=True)
    assert [p.heading for p in unwrapped] == ["Results", "Discussion"]  # true headings only
    assert len(plain) > len(unwrapped)  # the wrapped lines cut the paragraph into sections
    sentences = [doc.text[s:e] for p in unwrapped for s, e in p.sentences]
    assert any(s.startswith("Therefore, given") and s.endswith("first intervention.") for s in sentences)
    for p in unwrapped:
        assert doc.text[p.start : p.end] == p.text
    real = [(d, chunk_document(d, max_chars=800), chunk_document(d, max_chars=800, unwrap=True)) for d in DOCS]
    assert all(a == b for _, a, b in real)  # our articles are not hard-wrapped: nothing changes


@pytest.mark.parametrize("context", ["none", "title", "heading", "title+heading"])
def test_context_prefixes_index_text_only(context: str):
    doc = parse_document("c.txt", "---\ntitle: Ketamine Guide\n---\nSide Effects\n\n" + "Nausea is common. " * 30)
    passages = chunk_document(doc, max_chars=200, context=context)
    plain = chunk_document(doc, max_chars=200)
    assert len(passages) == len(plain) > 1
    for p, q in zip(passages, plain):
        assert (p.text, p.start, p.end, p.sentences) == (q.text, q.start, q.end, q.sentences)
        assert p.index_text.endswith(q.index_text)
        prefix = p.index_text[: len(p.index_text) - len(q.index_text)]
        assert ("Ketamine Guide." in prefix) == ("title" in context)
        # the first passage starts with its heading already; later ones get it in front
        assert ("Side Effects." in prefix) == ("heading" in context and p is not passages[0])
    with pytest.raises(ValueError, match=r"'chapter'.*valid"):
        chunk_document(doc, context="chapter")


def test_chunking_settings_name_chunk_document_arguments_and_keep_old_indexes_fresh():
    from dataclasses import replace

    from qa.config import Settings

    old = replace(Settings(), passage_context="none", unwrap_lines=False)
    assert old.chunking() == {"max_chars": old.max_chars, "overlap_sentences": 0, "balance": old.balance_passages}
    new = replace(Settings(), passage_context="title+heading", unwrap_lines=True)
    assert new.chunking()["context"] == "title+heading" and new.chunking()["unwrap"] is True
    for settings in (old, new, Settings()):
        assert chunk_document(DOCS[0], **settings.chunking())


def test_text_without_sentence_ends_is_cut_at_spaces_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """Round 16 audit: a 10 MB one-line article with no full stop was one passage, quoted whole in every answer."""
    run_on = " ".join(f"word{i} and more words" for i in range(1200))  # ~26,000 characters, no sentence end
    doc = parse_document("runon.txt", f"Run On\n\nA short first sentence. {run_on}\n\nThe last sentence.")
    with caplog.at_level("WARNING", logger="qa.chunking"):
        passages = chunk_document(doc, max_chars=800)
    assert "runon.txt" in caplog.text and "without a sentence end" in caplog.text
    assert all(doc.text[p.start : p.end] == p.text for p in passages)
    assert max(len(p.text) for p in passages) <= 1000
    assert "".join(p.text.replace(" ", "") for p in passages).count("word1199") == 1  # every piece kept, none twice
    assert not any(p.text.startswith(" ") or p.text.endswith(" ") for p in passages)
    normal = parse_document("n.txt", "Heading Line\n\n" + "A sentence of ordinary length sits here. " * 40)
    with caplog.at_level("WARNING", logger="qa.chunking"):
        caplog.clear()
        chunk_document(normal, max_chars=800)
    assert caplog.text == ""

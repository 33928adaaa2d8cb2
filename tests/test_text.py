"""Sentence splitting: abbreviations, ordinals and the fast constructor."""

from geonews.language.text import Sentence, _sentence, sentences


def _texts(text, abbreviations=()):
    return [s.text for s in sentences(text, abbreviations)]


def test_abbreviations_do_not_end_sentences():
    en = ("Mr.", "U.S.", "Gen.")
    assert _texts("Mr. Smith met Gen. Li. The U.S. Army left.", en) == [
        "Mr. Smith met Gen. Li.",
        "The U.S. Army left.",
    ]
    # a word that merely ends like an abbreviation ends the sentence
    assert _texts("He met Mr. Smith at Samgen. Then left.", en) == [
        "He met Mr. Smith at Samgen.",
        "Then left.",
    ]
    assert _texts("Mr. Smith left.", ()) == ["Mr.", "Smith left."]


def test_abbreviations_with_a_space_are_looked_for_in_the_sentence_only():
    # "z. B." splits at "z.", so "B." then ends a sentence of its own
    assert _texts("Das z. B. Xyz.", ("z. B.",)) == ["Das z.", "B.", "Xyz."]


def test_german_ordinals_and_offsets():
    text = "Am 17. Juni kam er.\n  Dann ging er. Ende"
    out = sentences(text)
    assert [s.text for s in out] == ["Am 17. Juni kam er.", "Dann ging er.", "Ende"]
    assert all(text[s.start : s.end] == s.text for s in out)
    assert [s.line_start for s in out] == [True, True, False]


def test_fast_constructor_agrees_with_the_dataclass():
    assert _sentence(3, 9, "Hello.", True) == Sentence(3, 9, "Hello.", True)

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


def test_fold_agrees_with_folding_one_character_at_a_time():
    """fold takes long non-ASCII texts from str.lower (with its frequent replacements and
    the rest translated); it must give what the one-character table gives, whatever
    the mix: final sigma, dotted I (two characters in lower case), Kelvin sign, controls,
    lone surrogates, CJK."""
    import random

    from geonews.language.text import _TABLE, fold

    rng = random.Random(7)
    pool = [chr(c) for c in range(0x20, 0x530)] + [chr(c) for c in range(0x2000, 0x2070)]
    pool += list("ΣİẞKÅǅ\ud800\x00\t\n\r ’ʼ—Йй") + [chr(c) for c in range(0x4E00, 0x4E40)]
    for n in (5, 47, 48, 60, 300):
        for _ in range(400):
            s = "".join(rng.choice(pool) for _ in range(n))
            assert fold(s) == s.translate(_TABLE), repr(s)
    text = "ΟΔΥΣΣΕΑΣ στη Χερσόνησο. Йшли через Запоріжжя — «село Мар’їнка», Zürich. " * 3
    assert fold(text) == text.translate(_TABLE)
    assert fold("Йшли через Запоріжжя — до Мар’їнки, повз Київ і Харків.") == (
        "ишли через запорiжжя - до мар'iнки, повз киiв i харкiв.".replace("i", "і")
    )


def test_capitalised_words_are_the_tokens_that_start_with_a_capital():
    """capitalised_words finds the tokens that start with a capital by one regex; it must
    find what reading every token and checking its first character finds, whatever the
    mix: apostrophes inside and around Cyrillic words, combining marks, titlecase
    letters, digits, other scripts."""
    import random
    import re

    from geonews.language.text import capitalised_words, is_capitalised

    token = re.compile(r"\w(?:\w|(?<=[\u0400-\u04ff])['\u2019\u02bc](?=[\u0400-\u04ff]))*")

    def expected(text):
        return [
            m.span()
            for m in token.finditer(text)
            if is_capitalised(m.group()[0]) and not m.group()[0].isdigit()
        ]

    rng = random.Random(11)
    pool = list("aAбБЯяЇї'’ʼ -_1٣ΣσÉé中日ǄǅǆİҀ\u0301\u0483\u0487 .,") + [
        chr(c) for c in range(0x20, 0x530, 5)
    ]
    pool += [chr(rng.randrange(0x530, 0x30000)) for _ in range(200)]
    for _ in range(3000):
        s = "".join(rng.choice(pool) for _ in range(rng.choice([3, 12, 40])))
        assert capitalised_words(s) == expected(s), repr(s)
    text = "Обстріл Кам'янського й Мар’їнки; в Слов'янську — Ҁ'Ѳ тиша. Nach Köln"
    assert [text[a:b] for a, b in capitalised_words(text)] == [
        "Обстріл", "Кам'янського", "Мар’їнки", "Слов'янську", "Ҁ'Ѳ", "Nach", "Köln",
    ]  # fmt: skip

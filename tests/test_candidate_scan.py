"""The candidate scan's shortcuts agree with what they stand for (issue 20: the output is
unchanged; benchmarks/output_digest.py shows it on the corpora, these on crafted text)."""

from __future__ import annotations

import random

import pytest

from geonews.geoparse import find_places
from geonews.geoparse.candidates import _head_spans
from geonews.language.lexicon import load_lexicon


@pytest.mark.parametrize("lang", ["fr", "ru", "uk", "es"])
def test_feature_heads_are_found_where_the_pattern_finds_them(lang):
    """_head_spans searches for the words first and checks where each starts; it must find
    the spans the look-behind pattern finds, inside words and after elisions too."""
    heads = load_lexicon(lang).feature_heads
    words = {"fr": ["mer", "lac", "île", "presqu'île"], "ru": ["озеро", "коса", "остров"],
             "uk": ["озеро", "острів", "коса"], "es": ["mar", "lago", "isla"]}[lang]  # fmt: skip
    rng = random.Random(3)
    glue = [" ", "", "'", "’", "-", "l'", "d’", "x", " de ", ". "]
    for _ in range(500):
        text = "".join(rng.choice(glue) + rng.choice(words) for _ in range(rng.randint(1, 8)))
        text += rng.choice(["", " ", " du Nord"])
        expected = [m.span() for m in heads.finditer(text)]
        assert _head_spans(heads, text) == expected, repr(text)


@pytest.mark.parametrize(
    "text, lang, names",
    [
        # a word that starts longer keys but not after a space ("St" of "St. Petersburg")
        ("Talks moved from St. Petersburg to Geneva.", "en", ["St. Petersburg", "Geneva"]),
        # a word that starts a longer name, before a word that does not go on with it
        ("New sanctions hit firms in New York and Kyiv officials said so.", "en", ["New York", "Kyiv"]),
        # the same word as a one-word name before one mark, and in a longer one
        ("Kharkiv, then Kharkiv Oblast, then Kharkiv.", "en", ["Kharkiv"]),
        # inflected forms whose lemma pair is a name, and a region's adjective alone
        ("Удары по Нижнему Новгороду и Курской области.", "ru", ["Nizhniy Novgorod", "Kursk Oblast"]),
        ("Обстріли Часового Яру й Запорізької області.", "uk", ["Chasiv Yar", "Zaporizhzhia Oblast"]),
    ],
)
def test_starts_decided_per_word_keep_their_names(text, lang, names):
    found = [m.place.name for m in find_places(text, lang)]
    for name in names:
        assert name in found, (name, found)

"""Big input: a long article is analysed in time proportional to its text, with the same
findings per sentence as a short one (benchmarks/bench_size.py measures the slope)."""

from __future__ import annotations

import random

from geonews.events.classify import _SeenSentences
from geonews.language.text import MAX_SENTENCE, sentences
from geonews.model import Article
from geonews.pipeline import analyse

TOWNS = ["Kherson", "Kharkiv", "Pokrovsk", "Izium", "Orikhiv", "Sumy", "Nikopol", "Lyman"]
SENTENCES = [
    "Russian forces shelled {p} and {q} on {d} May, killing {n} civilians.",
    "A drone strike hit {p} on {d} June, wounding {n} people, the governor said.",
    "Fighting continued near {p}, where Ukrainian troops repelled {n} assaults.",
]


def event_dense(n_bytes: int, seed: int) -> str:
    rng = random.Random(seed)
    parts, size = [], 0
    while size < n_bytes:
        s = rng.choice(SENTENCES).format(
            p=rng.choice(TOWNS), q=rng.choice(TOWNS), d=rng.randint(1, 28), n=rng.randint(2, 900)
        )
        parts.append(s + (" " if len(parts) % 5 else "\n\n"))
        size += len(parts[-1])
    return "".join(parts)


def test_a_megabyte_of_event_dense_text_finds_what_100_kb_finds_per_sentence():
    # how the time grows with size is for benchmarks/bench_size.py to measure, not a test
    small, big = event_dense(100_000, 1), event_dense(1_000_000, 2)
    a_small = analyse(Article(text=small, lang="en"), join="gazetteer")
    a_big = analyse(Article(text=big, lang="en"), join="gazetteer")
    ratio = len(a_big.events) / len(a_small.events)
    assert 8 < ratio < 12, (len(a_small.events), len(a_big.events))
    assert {m.place.name for m in a_big.places} == {m.place.name for m in a_small.places}
    assert all(big[e.start : e.end] == e.sentence for e in a_big.events)


def test_the_indexed_repeat_test_answers_as_comparing_with_each_sentence():
    rng = random.Random(7)
    words = ["the", "army", "shelled", "kherson", "and", "on", "may", "killing", "two", "a"]
    for _ in range(60):
        seen, plain = _SeenSentences(), []
        for _ in range(rng.randint(50, 400)):  # past _SCAN, the index answers
            s = " ".join(rng.choice(words) for _ in range(rng.randint(1, 25)))
            if plain and rng.random() < 0.3:
                p = rng.choice(plain)
                a = rng.randint(0, len(p))
                s = p[a : rng.randint(a, len(p))] if rng.random() < 0.5 else f"{s} {p} x"
            assert seen.overlaps(s) == any(p in s or s in p for p in plain), s
            if len(s) >= 40:
                seen.add(s)
                plain.append(s)


def test_a_text_without_sentence_ends_is_read_in_pieces_of_bounded_length():
    text = "Russian forces shelled Kherson and Izium, killing two civilians, " * 1500
    pieces = sentences(text)
    assert 1 < len(pieces) <= len(text) // MAX_SENTENCE + 1
    assert all(len(s.text) <= MAX_SENTENCE and text[s.start : s.end] == s.text for s in pieces)
    assert [s.line_start for s in pieces] == [True] + [False] * (len(pieces) - 1)
    assert " ".join(s.text for s in pieces) == text.strip()
    events = analyse(Article(text=text, lang="en"), join="gazetteer").events
    assert {e.place.name for e in events} == {"Kherson", "Izyum"}

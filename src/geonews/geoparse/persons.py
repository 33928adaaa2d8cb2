"""Person and organisation cues: a place's name used as a person's or an actor's.

A title ("President", "губернатор") or a first name before a span, an initial, a
surname after it, or a name inside an actor phrase makes a span a person, not a
place; a title before a country or region is the place's office.
"""

from __future__ import annotations

import functools
import re

from geonews.gazetteer.index import Gazetteer
from geonews.gazetteer.sources import KIND_CITY, KIND_COUNTRY, KIND_REGION
from geonews.geoparse.candidates import _MAX_NAME, _boundary, _make_room, _Span
from geonews.language.lexicon import (
    Lexicon,
)
from geonews.language.text import Sentence


def _inside_actor_phrase(span: _Span, folded: str, lex: Lexicon) -> str | None:
    """The actor phrase ("north korean") that extends past the span ("North"), if any."""
    if folded[span.end : span.end + 1] not in _ACTOR_JOINS:
        return None  # what the loop below requires of the character after the span
    window = folded[span.start : span.end + 30]
    stems = lex.actor_stems
    if stems is not None and stems.match(window, len(window) - len(window.lstrip())) is None:
        return None  # no actor phrase starts the window
    for phrases in lex.actors.values():
        m = phrases.starts(window)
        n = span.end - span.start
        # "North Korean" extends "North" by a word; "Ukraine's" is still Ukraine
        if m is not None and m.start() == 0 and m.end() > n + 1 and window[n] in " -":
            return window[: m.end()]
    return None


_ACTOR_JOINS = (" ", "-")


def _last_name_word(text: str, end: int) -> tuple[int, str] | None:
    """Where the last word (``[\\w-]+``) of ``text[:end]`` starts, and the word, if only
    spaces and apostrophes follow it: what ``re.search(r"([\\w-]+)['\\s]*\\Z", text[:end])``
    finds, matched on the reversed text (the search would try every position, each with
    backtracking)."""
    m = _LAST_NAME_WORD_REVERSED.match(text[end - 1 :: -1]) if end else None
    if m is None:
        return None
    return end - m.end(1), m.group(1)[::-1]


_LAST_NAME_WORD_REVERSED = re.compile(r"['\s]*([\w-]+)")


def _person_context(
    span: _Span,
    prev: tuple[int, int] | None,
    text: str,
    folded: str,
    sent: Sentence | None,
    lex: Lexicon,
    gaz: Gazetteer,
) -> str | None:
    """Why the span is (part of) a person's name, if it is; ``prev`` is
    ``_last_word(folded, span.start)``. Every test of a word as part of a name
    (:func:`_name_like`) needs a capital: that is tested first."""
    start = span.start
    end = span.end
    is_country = span.top is not None and span.top.kind == KIND_COUNTRY
    if prev:
        a, b = prev
        gap = text[b:start]
        word = folded[a:b]
        # "President of France" is written "Президент Франции": a title before a country
        if word in lex.person_titles and gap.strip() in ("", ".") and not _governed(span):
            return f"after the title '{text[a:b]}'"
        # "Albert R. T. Lim", "George W. Bush": an initial (not "U.S.", whose letters
        # are joined) stands before a surname
        if b - a == 1 and gap == ". " and text[a].isupper() and (a == 0 or text[a - 1] == " "):
            return f"after the initial '{text[a]}.'"
        # a sentence may start with a name: "Jordan Henderson, who..." names a person
        # (tested last: the other tests are cheaper, and all are pure)
        if (
            text[a].isupper()
            and gap.isspace()
            and "\n" not in gap
            and not span.region_phrase  # "Новомихайлівка Кальміуського району": two places
            and _name_like(text[a:b], word, lex, gaz)
            and not (sent is not None and a <= sent.start and not _person_follows(folded, end, lex))
        ):
            return f"inside a longer name ('{text[a:b]} {text[start:end]}')"
    # no space after the span (most often): no next word (as _next_word finds); one space
    # and a character that is no capital (nor a space): no capitalised next word
    if text[end : end + 1] not in _SPACE_CHARS:
        return None
    after = text[end + 1 : end + 2]
    if after not in _SPACE_CHARS and not after.isupper():
        return None
    m = _next_word(text, end)
    if m is None or not text[m[0]].isupper():
        return None
    a, b = m
    word = folded[a:b]
    # "U.S. Department of Agriculture", "Canada Border Services Agency": a country
    # before a name is that name's country; people are not named after countries
    if (
        not is_country
        and _name_like(text[a:b], word, lex, gaz)
        and not _institution_or_day(word, lex)
        and not _starts_place(folded, a, gaz)
        and not _unit_follows(folded, b, lex)
    ):
        return f"inside a longer name ('{text[start:end]} {text[a:b]}')"
    if " " not in span.key and _first_name(span, a, b, text, folded, lex, gaz):
        return f"a person's first name ('{text[start:b]}')"
    return None


def _unit_follows(folded: str, end: int, lex: Lexicon) -> bool:
    """Whether the word after ``end`` is a unit or region word: the word before it names
    a raion or an oblast ("Вишневе Кам'янського району"), not a person's surname."""
    m = _next_word(folded, end)
    if m is None:
        return False
    word = folded[m[0] : m[1]]
    return word in lex.unit_words or lex.region_after.starts(folded[m[0] :]) is not None


def _governed(span: _Span) -> bool:
    """Whether a title before the span is one of the place's office ("President of
    France", "Президент Татарстана", "губернатор Курской области", "мэр Москвы") rather
    than a person's (a surname is no country or region; and in a language of cases a
    title before a city in an oblique case is the city's office)."""
    top = span.top
    if span.region_phrase or (top is not None and top.kind in (KIND_COUNTRY, KIND_REGION)):
        return True
    return (
        span.inflected and top is not None and top.kind == KIND_CITY and top.population >= 100_000
    )


def _institution_or_day(word: str, lex: Lexicon) -> bool:
    """Whether a word after a place makes it a place's institution or a date, not a
    person's name: "Queensland Health", "California Department", "Moscow October"."""
    w = word.split("-")[0]
    return w in lex.not_surnames or w in lex.months or word in lex.not_surnames


def _person_follows(folded: str, end: int, lex: Lexicon) -> bool:
    """Whether what follows ``end`` follows a person's name: "who", "said", "a déclaré"."""
    rest = folded[end : end + 30]
    return bool(lex.person_after.starts(rest) or lex.reporting.starts(rest))


def _first_name(
    span: _Span, a: int, b: int, text: str, folded: str, lex: Lexicon, gaz: Gazetteer
) -> bool:
    """Whether the span is a first name: followed by a surname ("Jordan Henderson", even
    when the surname is also a town) and then by what follows people ("who", "said")."""
    word = folded[a:b]
    # the cheap tests first (all are pure: the order changes no answer)
    if "-" in word or not _name_like(text[a:b], word, lex, gaz):
        return False
    if not _person_follows(folded, b, lex):
        return False
    # "Kursk Oblast said", "Canada Ontario": a region or country is no surname
    return not any(c.kind in (KIND_COUNTRY, KIND_REGION) for c in gaz.lookup(word))


def _next_word(text: str, end: int) -> tuple[int, int] | None:
    """Span of the word right after ``end`` when only spaces (or a hyphen) separate them."""
    i = _SPACES.match(text, end).end()
    if i == end or i >= len(text) or not text[i].isalpha():
        return None
    return i, _NAME_CHARS.match(text, i).end()


_SPACES = re.compile("[ \u00a0]*")

_SPACE_CHARS = (" ", "\u00a0")

_NAME_CHARS = re.compile(r"(?:[^\W_]|[-'’])*")  # str.isalnum(), hyphens, apostrophes


def _name_like(surface: str, word: str, lex: Lexicon, gaz: Gazetteer) -> bool:
    """A capitalised word that is neither a function word nor a modifier: part of a name."""
    if not surface or not surface[0].isupper():
        return False
    memo = _name_like_memo(lex)
    w = memo.get(word)
    if w is None:
        _make_room(memo)
        w = memo[word] = _name_word(word, lex)
    if w is False:
        return False
    rank = gaz.common_rank(w, lex.lang)
    return rank is None or rank > 2000


@functools.cache
def _name_like_memo(lex: Lexicon) -> dict[str, str | bool]:
    """A memo of :func:`_name_word`, one per lexicon: its argument is the key."""
    return {}


def _name_word(word: str, lex: Lexicon) -> str | bool:
    """The first word of ``word`` if the lexicon lets it be part of a name, else False."""
    w = word.replace("-", " ").split(" ")[0]
    if w in lex.stopwords or w in lex.modifiers or w in lex.person_titles:
        return False
    if lex.region_after.fullmatch(w) or lex.region_before.fullmatch(w):
        return False
    if lex.feature_words.fullmatch(w):  # "die Stadt Orichiw"
        return False
    for phrases in lex.actors.values():
        if phrases.fullmatch(word):
            return False
    return w


#: A town smaller than this (a hamlet GeoNames' full extract lists, "Putin", Chernivtsi
#: Oblast) does not make the word after a first name a place: surnames are named so too.
_TOWN_AFTER_NAME = 500


def _starts_place(folded: str, a: int, gaz: Gazetteer) -> bool:
    window = folded[a : a + _MAX_NAME].replace("-", " ")
    return any(
        _boundary(window, len(k))
        and any(c.kind != KIND_CITY or c.population >= _TOWN_AFTER_NAME for c in gaz.lookup(k))
        for k in gaz.prefixes(window)
    )

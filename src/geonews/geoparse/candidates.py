"""Candidate spans: the stretches of an article that may name a place.

A span comes from the gazetteer (a name matched whole at a word edge, the
longest first), from morphology (an inflected form matched through its lemmas,
"Харкові" for Kharkiv) or from transliteration. :class:`_Span` carries what the
later steps need: the text, its folded form, its candidates and its cues.

Each candidate's prior (:func:`_prior`: prominence, population, feature class,
curated names) is set here, where the span is made.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import replace

from geonews.gazetteer.index import Candidate, Gazetteer
from geonews.gazetteer.sources import KIND_CITY, KIND_COUNTRY, KIND_OTHER, KIND_REGION
from geonews.language import morph
from geonews.language.lexicon import WORD_START, Lexicon
from geonews.language.text import Sentence, capitalised_words, fold, is_capitalised

_MAX_NAME = 64


class _Span:
    """A candidate place name in the text, before it is accepted or resolved.

    A plain class rather than a dataclass: tens are made per article, and a generated
    ``__init__`` with keyword defaults costs a fifth more."""

    __slots__ = (
        "candidates",
        "common",
        "context",
        "cues",
        "end",
        "evidence",
        "inflected",
        "key",
        "lexical",
        "linked",
        "listed",
        "priors",
        "reasons",
        "region_phrase",
        "sentence",
        "start",
        "top",
    )

    def __init__(
        self,
        start: int,
        end: int,
        key: str,
        candidates: list[Candidate],
        sentence: int,
        lexical: bool,
        inflected: bool,
        top: Candidate | None,
        priors: tuple[float, ...] | None,
        region_phrase: str | None,
    ) -> None:
        self.start = start
        self.end = end
        self.key = key
        self.candidates = candidates
        self.sentence = sentence
        self.lexical = lexical  # named by the lexicon, not just the gazetteer
        self.inflected = inflected
        #: "before" / "after" when a region word frames it ("derived": it is the adjective
        #: of a region, "apposition": it follows a place in it)
        self.region_phrase = region_phrase
        self.evidence = 0.0
        self.reasons: list[str] = []
        self.top = top  # the likeliest of the candidates for a bare name
        self.linked = False  # resolved by the region that follows it ("Reston, Virginia")
        #: ``_prior`` of each candidate, while ``candidates`` is the list they were computed for
        self.priors = priors
        self.context = 0.0  # evidence from the words before it ("near", "shelled")
        self.listed: str | None = None  # the reason it got for following a list item, if it did
        self.common = 0.0  # evidence lost for being a frequent word
        self.cues = 0  # the cues the evidence found, as bits (features.CUE_*)


def _sentence_starts(sents: list[Sentence]) -> list[int]:
    return [s.start for s in sents]


def _candidate_spans(
    text: str, folded: str, sents: list[Sentence], lex: Lexicon, gaz: Gazetteer
) -> list[_Span]:
    lookup = folded.replace("-", " ")
    starts = _sentence_starts(sents)
    lexical_keys = _lexical_keys(lex)
    memo = _candidates_memo(lex, gaz)
    by_text = _match_memo(lex, gaz)

    spans: list[_Span] = []
    covered = -1
    sent_i = 0
    next_sentence = starts[1] if len(starts) > 1 else math.inf
    word_chars = _WORD_CHARS.match
    remembered = by_text.get
    starts_at = capitalised_words(text)
    heads = lex.feature_heads
    heads_at: set[int] = set()
    if heads is not None:
        found_heads = _head_spans(heads, text)
        if found_heads:
            starts_at = sorted(starts_at + found_heads)
            heads_at = {a for a, _ in found_heads}
    may_start = _starts_memo(lex, gaz)
    one_word = _one_word_memo(lex, gaz)
    for a, b in starts_at:
        if a < covered:
            continue
        word = text[a:b]
        possible = may_start.get(word)
        if possible is None:
            _make_room(may_start)
            possible = may_start[word] = _may_start(word, lex, gaz, lexical_keys)
        if possible == _NO_NAME:
            continue
        if possible == _BEFORE_MARK:
            if lookup[b : b + 1] in (" ", ""):
                continue
            possible = _ONE_WORD  # a mark follows: _remember_one_word looks it up
        if a >= next_sentence:
            while sent_i + 1 < len(starts) and starts[sent_i + 1] <= a:
                sent_i += 1
            next_sentence = starts[sent_i + 1] if sent_i + 1 < len(starts) else math.inf
        found = by_text
        if (
            possible == _LONGER
            and lookup[b : b + 1] == " "
            and not _continues(text, lookup, a, b, lex, gaz, lexical_keys)
        ):
            possible = _ONE_WORD  # "New" before "policies": no longer name goes on here
        if possible == _ONE_WORD:
            # a one-word name or none, whatever the next word is: what starts here is
            # decided by the word, the character after it and whether a region word
            # follows it ("Курская область"), and remembered by them
            after = lookup[b : b + 1]
            key = (word, after, after == " " and _region_word_follows(lookup, b, lex))
            found = one_word.get(key, one_word)
            if found is one_word:
                found = _remember_one_word(one_word, key, text, lookup, a, b, memo, lex, gaz, lexical_keys)
        if found is by_text:
            # What starts here is mostly decided by the word and the character after it,
            # else by two words: that answer is remembered by their text (see
            # _match_within).
            end = word_chars(lookup, a).end() + 1
            raw = text[a:end]
            found = remembered(raw, by_text)
            if found is by_text:  # not seen yet
                found = _remember(by_text, raw, lookup[a:end], b - a, memo, lex, gaz, lexical_keys)
        if found is _UNDECIDED:
            end = word_chars(lookup, end).end() + 1
            raw = text[a:end]
            found = remembered(raw, by_text)
            if found is by_text:
                found = _remember(
                    by_text, raw, lookup[a:end], b - a, memo, lex, gaz, lexical_keys
                )
        if found is None:
            continue
        if found is _UNDECIDED:
            match = _match_at(text, lookup, a, b, lex, gaz, lexical_keys)
            if match is None:
                continue
            found = _with_candidates(match, a, memo, lex, gaz)
        length, k, lexical, inflected, region_word, cands, top, priors = found
        if not cands:
            continue
        if not lexical and k in lex.organisations:
            continue  # "Hamas", "Google": an organisation's name, whatever town shares it
        if _street(text, folded, a, a + length, lex):
            continue  # "rue de Kiev", "Moscow Road": a street, not the town
        if not lexical and length == b - a and lex.morphology is not None:
            word = text[a:b].lower()
            if morph.never_a_name(word, lex.lang) or morph.only_a_persons_name(word, lex.lang):
                continue  # "Тоді", "Чому", "Давай"; "Юрій", "Давида"
        if heads_at and a in heads_at and text[b : a + length].islower():
            continue  # "mer" alone is a common noun (and a town on the Loire); "mer du Nord"
        if region_word and all(c.kind == KIND_COUNTRY for c in cands):
            continue  # "Израильская армия": a country's adjective names an actor, not a region
        end = a + length
        spans.append(
            _Span(
                a,
                end,
                k,
                list(cands),
                sent_i,
                lexical,
                inflected,
                top,
                priors,
                "derived" if region_word else None,
            )
        )
        covered = end
    return spans


def _head_spans(heads: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """The spans of ``heads.finditer(text)`` (a lexicon's feature heads: "mer", "lac"),
    found by searching for the words alone, which the regex engine skips to by their
    first letters, and checking where each starts: the pattern itself starts with a
    look-behind, tried at every position."""
    words = _heads_words(heads)
    out = []
    pos = 0
    while True:
        m = words.search(text, pos)
        if m is None:
            return out
        found = heads.match(text, m.start())
        if found is not None:
            out.append(found.span())
            pos = found.end()
        else:
            pos = m.start() + 1


@functools.cache
def _heads_words(heads: re.Pattern[str]) -> re.Pattern[str]:
    """``heads`` (a lexicon's _word_pattern) without its word-start look-behind."""
    if not heads.pattern.startswith(WORD_START):
        raise ValueError(f"not a word pattern: {heads.pattern[:40]!r}")
    return re.compile(heads.pattern[len(WORD_START) :], heads.flags)


#: What :func:`_may_start` says of a word: no place name starts with it, only one-word
#: names may (its next word cannot be part of one), or longer ones too; or a name may
#: start with it only where a mark other than a space follows it.
_NO_NAME, _ONE_WORD, _LONGER, _BEFORE_MARK = 0, 1, 2, 3


def _may_start(word: str, lex: Lexicon, gaz: Gazetteer, lexical_keys: dict[str, list[str]]) -> int:
    """Which place names may start with ``word`` (as written), whatever follows it: what
    :func:`_match_at` needs to find one there, asked of the word alone. Most capitalised
    words start none, and news repeats them ("Путин", "Минобороны") before a different
    next word each time; this answer is remembered by the word.

    A name starts there only if the word, or one of its lemmas, is a name of the
    gazetteer or the lexicon or starts one; or a gazetteer key is a prefix of the word
    (an inflected form); or its transliteration is, or starts, a key (the rules rewrite
    within a word: see Transliteration). It is ``_LONGER`` when one of those starts a
    name of more than one word, and ``_BEFORE_MARK`` when only keys that go on past a
    mark after the word do.
    """
    w = fold(word)
    readings = [w]
    if lex.inflections:
        readings += [lemma for lemma, _ in _lemmas(w, lex, word, gaz)]
    if lex.transliteration is not None:
        readings.append(lex.transliteration.apply(w))
    if any(_starts_longer(r, lex, gaz, lexical_keys) for r in readings):
        return _LONGER
    if w in lexical_keys:
        return _ONE_WORD
    within, longer = gaz.word_prefixes(w)
    if within or any(r in gaz or r in lex.place_names for r in readings):
        return _ONE_WORD
    if longer:
        # keys go on from it, but not after a space: "St" of "St. Petersburg", "Haus"
        # of "Hausen"
        return _BEFORE_MARK
    return _NO_NAME


def _starts_longer(
    reading: str, lex: Lexicon, gaz: Gazetteer, lexical_keys: dict[str, list[str]]
) -> bool:
    """Whether a name of more than one word (a gazetteer key or a lexicon name) starts with
    ``reading`` (folded) and a space; remembered by the reading, as a lemma is the reading
    of many forms."""
    heads = _heads_memo(lex, gaz)
    longer = heads.get(reading)
    if longer is None:
        _make_room(heads)
        head = f"{reading} "
        first = _FIRST_WORD.match(reading)
        longer = heads[reading] = gaz.has_prefix(head) or bool(
            first and any(k.startswith(head) for k in lexical_keys.get(first.group(0), ()))
        )
    return longer


def _continues(
    text: str,
    lookup: str,
    a: int,
    b: int,
    lex: Lexicon,
    gaz: Gazetteer,
    lexical_keys: dict[str, list[str]],
) -> bool:
    """Whether a name of more than one word may go on past the word ``text[a:b]`` and the
    space after it, into the next word: a gazetteer key or a lexicon name starts with
    the two, or one is a prefix of them longer than the word ("new york" of "New
    Yorkers", which a suffix rule may read), or the two transliterated are a key, or a
    pair of their lemmas is a name ("Часового Яру"; the next word counts if it is
    capitalised, or a region word). Where none does, the match is the one-word one
    (see _remember_one_word)."""
    n = b - a
    end = _WORD_CHARS.match(lookup, b + 1).end()
    head = lookup[a : end + 1]
    within, longer = gaz.word_prefixes(head)
    if longer or any(len(k) > n for k in within):
        return True
    two = lookup[a:end]
    for k in lexical_keys.get(lookup[a:b], ()):
        if len(k) > n and (k.startswith(two) or head.startswith(k)):
            return True
    if lex.transliteration is not None:
        m = _next_capitalised_word(text, lookup, b)
        if m is not None and lex.transliteration.apply(lookup[a : m.end(1)]) in gaz:
            return True
    if lex.inflections:
        # the pairs _lemma_match tries: the next word if capitalised, else a region word
        m = _next_capitalised_word(text, lookup, b)
        if m is None and _region_word_follows(lookup, b, lex):
            m = _NEXT_WORD.match(lookup, b)
        if m is not None:
            w1, w2 = lookup[a:b], m.group(1)
            # only a reading that starts a longer name can start a pair that is one
            firsts = [
                x
                for x in (w1, *(x for x, _ in _lemmas(w1, lex, text[a:b], gaz)))
                if _starts_longer(x, lex, gaz, lexical_keys)
            ]
            if not firsts:
                return False
            seconds = [w2, *(x for x, _ in _lemmas(w2, lex, text[m.start(1) : m.end(1)], gaz))]
            for l1 in firsts:
                for l2 in seconds:
                    k = f"{l1} {l2}"
                    if k in lex.place_names or k in gaz:
                        return True
    return False


def _remember_one_word(
    one_word: dict,
    key: tuple[str, bool],
    text: str,
    lookup: str,
    a: int,
    b: int,
    memo: dict,
    lex: Lexicon,
    gaz: Gazetteer,
    lexical_keys: dict[str, list[str]],
):
    """:func:`_match_at` at a word that starts no name of more than one word, with the
    candidates it finds (its end relative to ``a``), remembered in ``one_word`` by
    ``key``: the word, the character after it and whether a region word follows it.

    The character after the word decides only where it is a space (see _may_start),
    the end of the text, or a mark that starts no key with the word ("Kyiv," and no
    key "kyiv,..."); else (a word character, or "st." before "st. petersburg") the
    answer is ``_match_memo``'s, by the text (``one_word`` remembers that too).
    """
    _make_room(one_word)
    after = key[1]
    if after not in ("", " ") and (
        after.isalnum()
        or after == "_"
        or gaz.has_prefix(lookup[a:b] + after)
        or any(k.startswith(lookup[a : b + 1]) for k in lexical_keys.get(lookup[a:b], ()))
    ):
        one_word[key] = by_text = _match_memo(lex, gaz)
        return by_text
    found = _match_at(text, lookup, a, b, lex, gaz, lexical_keys, one_word=True)
    if found is not None:
        found = _with_candidates(found, a, memo, lex, gaz)
    one_word[key] = found
    return found


@functools.cache
def _one_word_memo(lex: Lexicon, gaz: Gazetteer) -> dict:
    """A memo of :func:`_remember_one_word`, one per (lexicon, gazetteer)."""
    return {}


@functools.cache
def _heads_memo(lex: Lexicon, gaz: Gazetteer) -> dict[str, bool]:
    """Whether a name of more than one word starts with a word, by the word (folded): a
    lemma is the reading of many forms."""
    return {}


@functools.cache
def _starts_memo(lex: Lexicon, gaz: Gazetteer) -> dict[str, int]:
    """A memo of :func:`_may_start`, one per (lexicon, gazetteer), by the word as written."""
    return {}


#: What :func:`_match_within` returns when the text after its view may decide.
_UNDECIDED = object()

# a word as Gazetteer.prefixes reads it: word characters and apostrophes
_WORD_CHARS = re.compile(r"[\w']*")

_WORD_RUN = re.compile(r"\w*")


def _match_at(
    text: str,
    lookup: str,
    a: int,
    b: int,
    lex: Lexicon,
    gaz: Gazetteer,
    lexical_keys: dict[str, list[str]],
    one_word: bool = False,
) -> tuple[int, str, bool, bool, bool] | None:
    """The place name that starts with the capitalised word ``text[a:b]``, if any, as
    (end, key, lexical, inflected, names_a_region): the longest that ends on a word
    boundary, the lexicon's names first. ``lookup`` is the folded text, hyphens as spaces.
    ``one_word``: no name of two words or more may start here (the caller knows).
    """
    window = lookup[a : a + _MAX_NAME]
    for k in lexical_keys.get(lookup[a:b], ()):
        if window.startswith(k) and _boundary(lookup, a + len(k)):
            return a + len(k), k, True, False, False
    best = None
    for k in gaz.prefixes(window):  # longest first
        end = a + len(k)
        if " " in k and _lowercase_inside(text, a, end, lex):
            continue
        if _boundary(lookup, end):
            best = end, k, False, False, False
            break
        if lex.suffixes and len(k) >= 4:
            word_end = _word_end(lookup, end)
            if lookup[end:word_end] in lex.suffixes:
                best = word_end, k, False, True, False
                break
    if best is not None and best[3] and lex.inflections:
        # "Карелии" is the lexicon's Karelia ("Карелия"), not "Карели" (a town in India)
        # with a case ending
        for lemma, region in _lemmas(lookup[a:b], lex, text[a:b], gaz):
            if lemma in lex.place_names:
                return b, lemma, True, True, region
    if lex.inflections and (best is None or best[3] or _region_word_follows(lookup, b, lex)):
        # "Курская область" is Kursk's oblast, not the village of Kurskaya: before a
        # region word, the adjective of a town is tried before a namesake of its own
        found = _lemma_match(text, lookup, a, b, lex, gaz, one_word)
        # a region's adjective, a lexicon name, or a longer name ("Петропавловске-
        # Камчатском") wins over a namesake with a case ending
        if found is not None and (
            best is None or found[1] or found[0][2] or found[0][0] > best[0]
        ):
            (end, k, lexical, inflected), region_word = found
            return end, k, lexical, inflected, region_word
    if best is not None and best[3] and lex.morphology is not None:
        # "Чехии" is Czechia ("Чехия") to the dictionary, not "Чехи" with a case ending
        places = morph.place_lemmas(text[a:b].lower(), lex.lang)
        if best[1] not in places:
            for lemma in places:
                if lemma in gaz:
                    return b, lemma, False, True, False
    if best is None and lex.transliteration is not None:
        found = _transliterated_match(text, lookup, a, b, lex, gaz, one_word)
        if found is not None:
            return (*found, False)
    return best


def _match_within(
    raw: str,
    lookup: str,
    n: int,
    lex: Lexicon,
    gaz: Gazetteer,
    lexical_keys: dict[str, list[str]],
) -> tuple[int, str, bool, bool, bool] | None | object:
    """What :func:`_match_at` finds at a capitalised word of ``n`` characters that starts
    ``raw`` (a slice of the text), when ``raw`` decides it whatever text follows; else
    ``_UNDECIDED``. The end offset is relative to the start of ``raw``; ``lookup`` is
    ``raw`` folded, hyphens as spaces (the folded text's slice: folding maps each
    character on its own).

    ``_match_at`` is run on ``raw`` alone once these guards say that it reads nothing
    past it: no lexicon name may run past it, the gazetteer's word-by-word search (see
    Gazetteer.prefixes) stops inside it, no key found ends where it ends (the character
    after a key is read), and an inflected word's next word (Russian, Ukrainian) ends
    inside it.
    """
    size = len(raw)
    if not n < size <= _MAX_NAME:
        return _UNDECIDED
    for k in lexical_keys.get(lookup[:n], ()):
        if len(k) >= size and k.startswith(lookup):
            return _UNDECIDED
    pos = 0
    while True:
        end = _WORD_CHARS.match(lookup, pos).end() + 1
        if end > size:
            return _UNDECIDED
        within, longer = gaz.word_prefixes(lookup[:end])
        if not longer:
            break
        if end >= size:
            return _UNDECIDED
        pos = end
    if any(len(k) == size for k in within):
        return _UNDECIDED
    if (
        (lex.inflections or lex.transliteration is not None)
        and lookup[n : n + 1] == " "
        and _WORD_RUN.match(lookup, n + 1).end() >= size
    ):
        return _UNDECIDED  # two-word inflected or transliterated names are tried first
    return _match_at(raw, lookup, 0, n, lex, gaz, lexical_keys)


#: The most entries a memo of the geoparser holds: it is emptied when full, since the
#: words and names of a corpus are an open vocabulary.
_MEMO_SIZE = 100_000


def _make_room(memo: dict) -> None:
    """Empty ``memo`` if it is full, before an entry is added."""
    if len(memo) > _MEMO_SIZE:
        memo.clear()


def _remember(
    by_text: dict,
    raw: str,
    lookup: str,
    n: int,
    memo: dict,
    lex: Lexicon,
    gaz: Gazetteer,
    lexical_keys: dict[str, list[str]],
):
    """:func:`_match_within` with the candidates it finds, remembered in ``by_text`` by
    ``raw`` (``lookup`` is its slice of the folded text, hyphens as spaces)."""
    _make_room(by_text)
    found = _match_within(raw, lookup, n, lex, gaz, lexical_keys)
    if found is not None and found is not _UNDECIDED:
        found = _with_candidates(found, 0, memo, lex, gaz)
    by_text[raw] = found
    return found


@functools.cache
def _match_memo(lex: Lexicon, gaz: Gazetteer) -> dict:
    """A memo of :func:`_match_within` and the candidates it finds, one per (lexicon,
    gazetteer): its arguments are the key (the word's length is implied by ``raw``, which
    goes past the word)."""
    return {}


def _with_candidates(
    match: tuple[int, str, bool, bool, bool], a: int, memo: dict, lex: Lexicon, gaz: Gazetteer
) -> tuple:
    """A match of :func:`_match_at` with its end made relative to ``a``, followed by the
    candidates of its key, their likeliest and their priors (see _memo_candidates)."""
    end, k, lexical, inflected, region_word = match
    return (end - a, k, lexical, inflected, region_word, *_memo_candidates(memo, k, lexical, lex, gaz))


def _memo_candidates(
    memo: dict, k: str, lexical: bool, lex: Lexicon, gaz: Gazetteer
) -> tuple[tuple[Candidate, ...], Candidate | None, tuple[float, ...]]:
    found = memo.get((k, lexical))
    if found is None:
        _make_room(memo)
        found = memo[(k, lexical)] = _candidates(k, lexical, lex, gaz)
    return found


@functools.cache
def _candidates_memo(lex: Lexicon, gaz: Gazetteer) -> dict:
    """A memo of :func:`_candidates`, one per (lexicon, gazetteer): its arguments are the key."""
    return {}


def _candidates(
    k: str, lexical: bool, lex: Lexicon, gaz: Gazetteer
) -> tuple[tuple[Candidate, ...], Candidate | None, tuple[float, ...]]:
    """The entries a matched key may refer to, the likeliest of them for a bare name, and
    the prior of each."""
    if lexical:
        cands = [
            gaz.candidate(i)
            for i in (gaz.resolve_reference(r) for r in lex.place_names[k])
            if i is not None
        ]
    else:
        cands = gaz.lookup(k)
        if len(cands) > 1 and k.rsplit(" ", 1)[-1] in lex.unit_words:
            # named as a unit ("Кальміуського району", "Pokrovsk raion"): the unit, not
            # a town or a city district that GeoNames also calls by that name
            cands = [c for c in cands if c.kind == KIND_OTHER] or cands
        if not k.isascii():
            # in Cyrillic, Greek... the local name is one of GeoNames' alternate names
            cands = [c if c.main else replace(c, main=True) for c in cands]
    priors = tuple(_prior(c, cands) for c in cands)
    top = cands[priors.index(max(priors))] if cands else None  # the first likeliest
    return tuple(cands), top, priors


@functools.cache
def _lexical_keys(lex: Lexicon) -> dict[str, list[str]]:
    """The lexicon's place names by their first word, longest first."""
    out: dict[str, list[str]] = {}
    for k in lex.place_names:
        # keyed as a capitalised word is read: "u.s." under "u"
        first = _FIRST_WORD.match(k)
        out.setdefault(first.group(0) if first else k, []).append(k)
    for ks in out.values():
        ks.sort(key=len, reverse=True)
    return out


_FIRST_WORD = re.compile(r"\w+")


def _lemmas(
    word: str, lex: Lexicon, raw: str | None = None, gaz: Gazetteer | None = None
) -> list[tuple[str, bool]]:
    """The names an inflected ``word`` (folded; ``raw`` as written) may stand for, each
    with whether it is a region's adjective: the dictionary's lemmas that name places
    first, then the lexicon's ending rules, then the dictionary's other lemmas. The
    dictionary is asked only when some name starts as the word does (less a case
    ending of up to three letters): most capitalised words name no place."""
    if (
        lex.morphology is not None
        and raw is not None
        and (gaz is None or _may_name_a_place(word, lex, gaz))
    ):
        memo = _dictionary_lemmas_memo(lex)
        k = (word, raw)
        answer = memo.get(k)
        if answer is None:
            _make_room(memo)
            answer = memo[k] = _dictionary_lemmas(word, raw, lex)
        if answer:
            return answer
    return _ruled_lemmas(word, lex)


def _dictionary_lemmas(word: str, raw: str, lex: Lexicon) -> list[tuple[str, bool]]:
    """:func:`_lemmas` where the dictionary knows ``raw``: its place lemmas, the ending
    rules' and its other lemmas; empty where it does not know it."""
    found = morph.lemmas(raw.lower(), lex.lang)
    if not found:
        return []
    places = set(morph.place_lemmas(raw.lower(), lex.lang))
    first = [x for x in found if x[0] in places]
    rest = [x for x in found if x[0] not in places]
    return list(dict.fromkeys([*first, *_ruled_lemmas(word, lex), *rest]))


@functools.cache
def _dictionary_lemmas_memo(lex: Lexicon) -> dict:
    """A memo of :func:`_dictionary_lemmas`, one per lexicon, by the word folded and as
    written."""
    return {}


def _may_name_a_place(word: str, lex: Lexicon, gaz: Gazetteer) -> bool:
    """Whether a name of the gazetteer or the lexicon starts with ``word`` less its last
    three letters (at least its first three): what any lemma of it starts with, bar
    a changed stem ("Києві", which the ending rules read)."""
    stem = word[: max(3, len(word) - 3)]
    return gaz.has_prefix(stem) or stem[:3] in _lexical_prefixes(lex) and any(
        k.startswith(stem) for k in lex.place_names
    )


@functools.cache
def _lexical_prefixes(lex: Lexicon) -> frozenset[str]:
    """The first three letters of the lexicon's names."""
    return frozenset(k[:3] for k in lex.place_names)


@functools.cache
def _lemmas_memo(lex: Lexicon) -> dict[str, list[tuple[str, bool]]]:
    """A memo of :func:`_ruled_lemmas`, one per lexicon: news repeats its words."""
    return {}


def _ruled_lemmas(word: str, lex: Lexicon) -> list[tuple[str, bool]]:
    """The names an inflected ``word`` may stand for, by the lexicon's ending rules (the
    list is shared: callers do not change it)."""
    memo = _lemmas_memo(lex)
    found = memo.get(word)
    if found is None:
        _make_room(memo)
        found = memo[word] = _endings_of(word, lex)
    return found


@functools.cache
def _ending_rules(lex: Lexicon) -> tuple[dict[str, list[tuple[int, str, str, bool]]], list[int]]:
    """The lexicon's ending rules (inflections, then plain suffixes) by the ending they
    match, each with its rank in that order, and the lengths of the endings."""
    rules = [*lex.inflections, *((suffix, "", False) for suffix in lex.suffixes)]
    by_ending: dict[str, list[tuple[int, str, str, bool]]] = {}
    for rank, (ending, replacement, region) in enumerate(rules):
        by_ending.setdefault(ending, []).append((rank, ending, replacement, region))
    return by_ending, sorted({len(e) for e in by_ending})


def _endings_of(word: str, lex: Lexicon) -> list[tuple[str, bool]]:
    """Each rule whose ending ``word`` has (leaving a stem of two letters or more), in the
    lexicon's order: the word's ending of each length is looked up, not every rule tried."""
    by_ending, lengths = _ending_rules(lex)
    found = []
    for n in lengths:
        if len(word) - n < 2:
            break
        rules = by_ending.get(word[-n:] if n else "")
        if rules:
            found += rules
    found.sort()
    return [(word[: len(word) - len(e)] + r, region) for _, e, r, region in found]


def _lemma_match(
    text: str,
    lookup: str,
    a: int,
    b: int,
    lex: Lexicon,
    gaz: Gazetteer,
    one_word: bool = False,
) -> tuple[tuple[int, str, bool, bool], bool] | None:
    """An inflected name at ``a``: "Часового Яру" → "часів яр", "Суджу" → "суджа".

    Two-word names are tried first (each word as written or lemmatised), then one word
    (only that with ``one_word``: the caller knows that no pair names a place, see
    _may_start and _continues). Returns ((end, key, lexical, inflected), names_a_region).
    """

    def known(k: str) -> bool | None:
        if k in lex.place_names:
            return True
        return False if k in gaz else None

    w1 = lookup[a:b]
    m = None if one_word else _next_capitalised_word(text, lookup, b)
    # "Приморском крае": a region the lexicon names by an adjective and a region word
    # ("Приморский край"), after no town; the region word is written small
    region_word = m is None and not one_word and _region_word_follows(lookup, b, lex)
    if region_word:
        m = _NEXT_WORD.match(lookup, b)
    if m is not None:
        w2 = m.group(1)
        firsts = [(w1, False), *_lemmas(w1, lex, text[a:b], gaz)]
        seconds = [(w2, False), *_lemmas(w2, lex, text[m.start(1) : m.end(1)], gaz)]
        for l1, r1 in firsts:
            for l2, r2 in seconds:
                if l1 == w1 and l2 == w2:
                    continue
                k = f"{l1} {l2}"
                lexical = known(k)
                if lexical or (
                    lexical is not None
                    # "Сумської області" is "Сумська область", a region's own name
                    and (not region_word or _names_a_region(k, gaz))
                ):
                    # a region's adjective names a region before a region word; before
                    # a capitalised word it is part of a name ("Южной Корее")
                    return (m.end(1), k, lexical, True), (r1 or r2) and region_word
    first = None
    for lemma, region in _lemmas(w1, lex, text[a:b], gaz):
        lexical = known(lemma)
        if lexical is None:
            continue
        found = (b, lemma, lexical, True), region
        # a region's adjective: the lemma that names a region wins over a namesake town
        # that names none ("Николаевской области" is Mykolaiv's, not Nikolayevsk's)
        if not region or lexical or _names_a_region(lemma, gaz):
            return found
        first = first or found
    return first


def _street(text: str, folded: str, a: int, end: int, lex: Lexicon) -> bool:
    """Whether the name at ``text[a:end]`` is a street's: after a street word ("rue de",
    "вул.") or before one ("Road", "Straße"). Where a dictionary says, a street named after
    a town takes its adjective ("вулиця Київська"), and "улицы Махачкалы" are the town's
    streets."""
    before, after = _street_words(lex)
    # cheap necessary tests first (str methods): a street phrase's last word ends just
    # before the name, or its first word starts just after it
    if (
        before
        and folded.endswith(before, max(0, a - 24), a)
        and lex.street_before.ends(folded[max(0, a - 24) : a])
    ):
        if lex.morphology is None or not morph.available(lex.lang):
            return True
        lemmas = morph.lemmas(text[a:end].lower(), lex.lang)
        return any(adjective for _, adjective in lemmas)
    return bool(
        after
        and folded.startswith(after, end)
        and lex.street_after.starts(folded[end : end + 12]) is not None
    )


@functools.cache
def _street_words(lex: Lexicon) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the text before a street's name ends with ("de ", "d'", "ул. ") and what the
    text after one starts with (" road", " st."), folded, by the language's street words."""
    before = set()
    for e in lex.street_before.entries:
        last = fold(e).rstrip("'").split()[-1]
        before.update((f"{last} ", f"{last}'"))
    after = {f" {fold(e).split()[0]}" for e in lex.street_after.entries}
    return tuple(sorted(before)), tuple(sorted(after))


def _names_a_region(key: str, gaz: Gazetteer) -> bool:
    """Whether an entry named ``key`` is a region (or a unit of one: "Покровський
    район"), or a town a region is named after."""
    return any(
        c.kind == KIND_REGION
        or (c.kind == KIND_OTHER and c.population > 0)
        or (c.kind == KIND_CITY and gaz.regions_named_after(c.index))
        for c in gaz.lookup(key)
    )


_NEXT_WORD = re.compile(r" (\w+)")


def _next_capitalised_word(text: str, lookup: str, end: int) -> re.Match[str] | None:
    """The word right after ``end`` (its group 1, folded) if it is written capitalised:
    the second word of a two-word name."""
    m = _NEXT_WORD.match(lookup, end)
    return m if m is not None and is_capitalised(text[m.start(1) : m.end(1)]) else None


def _transliterated_match(
    text: str,
    lookup: str,
    a: int,
    b: int,
    lex: Lexicon,
    gaz: Gazetteer,
    one_word: bool = False,
) -> tuple[int, str, bool, bool] | None:
    """A name transliterated the language's way that GeoNames only knows the English
    way: "Vovtchansk", "Chostka", "Tchassiv Iar" (French) are Vovchansk, Shostka,
    Chasiv Yar. Only names of the countries whose names the rules transliterate (from
    Cyrillic) are taken. Two-word names are tried first, then one word (only that with
    ``one_word``)."""
    tr = lex.transliteration
    m = None if one_word else _next_capitalised_word(text, lookup, b)
    ends = [m.end(1)] if m is not None else []
    for end in [*ends, b]:
        k = tr.apply(lookup[a:end])
        if k == lookup[a:end] or k not in gaz:
            continue
        cands = gaz.lookup(k)
        if cands and all(c.country in tr.countries for c in cands):
            return end, k, False, True
    return None


def _region_word_follows(lookup: str, end: int, lex: Lexicon) -> bool:
    """Whether the word after ``end`` is a region or unit word: "Курская область",
    "Покровського району"."""
    m = _NEXT_WORD.match(lookup, end)
    return m is not None and (
        lex.region_after.fullmatch(m.group(1)) or m.group(1) in lex.unit_words
    )


_INNER_WORD = re.compile(r"(?<![-\w])(\w{4,})(?![-\w])")


def _lowercase_inside(text: str, a: int, end: int, lex: Lexicon) -> bool:
    """Whether a word of ``text[a:end]`` after the first is written small, as no word of a
    name is ("German town"), short words and hyphen-joined ones aside ("Rio de Janeiro",
    "Stratford-upon-Avon")."""
    for m in _INNER_WORD.finditer(text, a + 1, end):
        w = m.group(1)
        if w[0].islower() and (f := fold(w)) not in lex.stopwords:
            # a unit word ends the name of a unit ("Pokrovsk raion", "Великоновосілківська
            # громада"), written small
            return m.end() != end or f not in lex.unit_words
    return False


def _boundary(s: str, i: int) -> bool:
    return i >= len(s) or not (s[i].isalnum() or s[i] == "_")


def _word_end(s: str, i: int) -> int:
    while i < len(s) and s[i].isalnum():
        i += 1
    return i


def _curated(c: Candidate) -> bool:
    """A curated feature (sea, island, historical region): no towns of its own to count,
    so it weighs as an admin-1 region."""
    return c.kind == KIND_OTHER and not c.population


def _prominence(c: Candidate) -> float:
    if c.kind == KIND_COUNTRY:
        return 3.0
    if c.kind == KIND_REGION or _curated(c):
        return 2.0
    p = c.population
    if p >= 1_000_000:
        return 3.0
    if p >= 100_000:
        return 2.2
    if p >= 20_000:
        return 2.0
    if p >= 5_000:
        return 1.0
    return 0.5


#: Prior of an admin-1 region, as renowned as a city of about 100,000 known by 60 names.
_REGION_PRIOR = 2.9


#: Added to the prior of a national capital.
_CAPITAL_PRIOR = 0.7

#: A city at least this large, named like its region, is what the bare name means.
_EPONYMOUS_CITY = 15_000


def _prior(c: Candidate, cands: list[Candidate]) -> float:
    """How likely a bare name means this entry rather than a namesake.

    For a town, its population and its renown: how many names GeoNames knows it by
    (Geneva on Lake Geneva has sixty, Geneva, Illinois eleven).
    """
    # Between namesakes of one kind the more populous wins ("Congo": the larger of the
    # two; "Montana": the US state, not the Bulgarian province): a tie-break only.
    tie = 0.01 * math.log10(c.population + 1)
    if c.kind == KIND_COUNTRY:
        return _REGION_PRIOR + 1.0 + tie
    if c.kind == KIND_REGION:
        # "Kherson" alone is the city; the oblast is named after it. A hamlet that shares
        # the name of its state ("Minnesota", pop. 1,400) or a city known by the region's
        # name among others ("Oklahoma" for Oklahoma City) does not make the state eponymous.
        # Named by its town's name less its unit word ("Kiev" for Kiev Oblast, not
        # "Oklahoma", the state's own name), a region named after that town is eponymous
        # too, whatever the town's spelling and region ("Kyiv" lies in Kyiv City).
        eponymous = any(
            o.kind == KIND_CITY
            and o.population >= _EPONYMOUS_CITY
            and (
                (o.main and o.admin1_code == c.admin1_code) or (not c.main and o.index == c.eponym)
            )
            for o in cands
        )
        return 0.5 if eponymous else _REGION_PRIOR + tie
    if _curated(c):
        return _REGION_PRIOR  # "Java" the island, not a Georgian village
    prior = 0.4 * math.log10(c.population + 1) + 0.5 * math.log10(c.names + 1)
    if c.capital and c.main and not any(o.kind == KIND_COUNTRY for o in cands):
        # "Washington": the news names capitals for their governments (a city-state is
        # named as the country: "Singapore")
        prior += _CAPITAL_PRIOR
    # "Sol" is one of Seoul's many foreign names, and rarely means Seoul in a text; and
    # "White House" is Casablanca's, translated. (It costs "Mecca", Makkah's English name,
    # which loses to the Californian village whose main name it is.)
    return prior if c.main else prior * 0.6

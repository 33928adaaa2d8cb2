"""Morphology from pymorphy3's dictionaries (OpenCorpora for Russian, VESUM for Ukrainian).

A language's data file names its analyser (``"morphology": "pymorphy3"``); the
dictionary is loaded the first time a text of that language asks for a word, never
at import. Each answer is remembered by word, so an article, and a corpus, parse a
word once. Without pymorphy3 or its dictionary every function answers "nothing
known", and the language's suffix rules (``inflections``) carry on alone.
"""

from __future__ import annotations

import functools
import threading

from geonews.language.text import fold

#: POS tags of words that never name a place: verbs, adverbs, pronouns and the function
#: words ("Тоді", "Чому", "Давай", "Усі" at a sentence start).
_NOT_NAMES = frozenset(
    ["VERB", "INFN", "PRTF", "PRTS", "GRND", "ADVB", "NPRO", "PRED", "PREP", "CONJ", "PRCL", "INTJ", "NUMR", "COMP"]
)
#: Those of them that are closed classes: a word that can be one is not a name.
_FUNCTION_WORDS = frozenset(["ADVB", "NPRO", "PRED", "PREP", "CONJ", "PRCL", "INTJ"])
#: Grammemes of a person's name.
_PERSON = frozenset(("Name", "Surn", "Patr"))

#: The most words a memo holds before it is emptied (an open vocabulary).
_MEMO_SIZE = 200_000

_LOCK = threading.Lock()


@functools.cache
def _analyser(lang: str):
    """pymorphy3's analyser for ``lang``, or None when it or its dictionary is missing."""
    with _LOCK:
        try:
            import pymorphy3
        except ImportError:
            return None
        try:
            # the dictionary alone, without probability estimates: every reading counts,
            # and a word it lacks is left to the suffix rules (its predictors would guess)
            return pymorphy3.MorphAnalyzer(
                lang=lang,
                probability_estimator_cls=None,
                units=[pymorphy3.units.DictionaryAnalyzer()],
            )
        except (ValueError, OSError, KeyError):  # no dictionary package for the language
            return None


class _Word:
    """What the dictionary says of one word form: its lemmas as (folded form, whether it
    is an adjective), and whether it is never a place's name or only a person's."""

    __slots__ = ("lemmas", "normal", "not_a_name", "person", "places")

    def __init__(
        self,
        lemmas: tuple[tuple[str, bool], ...],
        not_a_name: bool,
        person: bool,
        places: tuple[str, ...] = (),
        normal: frozenset[str] = frozenset(),
    ) -> None:
        self.normal = normal  # the dictionary's normal forms ("американский"), folded
        self.lemmas = lemmas
        self.places = places  # the lemmas the dictionary marks as places' names (Geox)
        self.not_a_name = not_a_name
        self.person = person


_UNKNOWN = _Word((), False, False)


@functools.cache
def _memo(lang: str) -> dict[str, _Word]:
    return {}


def _lookup(word: str, lang: str) -> _Word:
    memo = _memo(lang)
    found = memo.get(word)
    if found is not None:
        return found
    found = _analyse(word, lang)
    if len(memo) > _MEMO_SIZE:
        memo.clear()
    memo[word] = found
    return found


#: What a tag says, by the tag (pymorphy3 shares one object per tag): see _facts.
_TAG_FACTS: dict[int, tuple] = {}

_GEO, _PEOPLE, _OTHER = 0, 1, 2


def _facts(tag) -> tuple[bool, int, bool, bool, str | None, str | None]:
    """(is an adjective that is not a pronoun, _GEO / _PEOPLE / _OTHER, is a function word
    or a pronoun, is a part of speech that never names, gender, number) of a tag:
    read once per tag, as its attributes are slow to read."""
    found = _TAG_FACTS.get(id(tag))
    if found is None or found[0] is not tag:
        g = tag.grammemes
        pos = tag.POS
        reading = _GEO if "Geox" in g else _PEOPLE if _PERSON & g else _OTHER
        gender, number = tag.gender, tag.number
        facts = (
            pos == "ADJF" and "Apro" not in g,
            reading,
            pos in _FUNCTION_WORDS or "Apro" in g,
            pos in _NOT_NAMES,
            None if gender is None else str(gender),
            None if number is None else str(number),
        )
        found = _TAG_FACTS[id(tag)] = (tag, facts)
    return found[1]


@functools.cache
def _nominatives(lang: str) -> dict[tuple, int | None]:
    """Which form of a paradigm an adjective's reading inflects to in the nominative, by
    the paradigm and the grammemes sought (the reading's own, its case made nominative);
    None when the paradigm has no nominative."""
    return {}


def _nominative(p, lang: str) -> str:
    """The nominative of the adjective reading ``p``, of its gender and number
    ("курская" for "курской"), else its normal form: what pymorphy3's
    ``p.inflect({"nomn"})`` gives, read from the paradigm without building the whole
    lexeme, its choice remembered per paradigm (adjectives share a few).

    pymorphy3 keeps, of the paradigm's forms whose tags have the grammemes required,
    the first of those whose tags share the most with the reading's grammemes (its
    case replaced); the form is that one's prefix, the reading's stem and its suffix."""
    d = _analyser(lang).dictionary
    _, fixed_word, para_id, idx = p.methods_stack[0]
    paradigm = d.paradigms[para_id]
    n = len(paradigm) // 3
    grammemes = p.tag.updated_grammemes(_NOMINATIVE)
    memo = _nominatives(lang)
    k = (para_id, grammemes)
    target = memo.get(k, -1)
    if target == -1:
        tags = [d.build_tag_info(para_id, i) for i in range(n)]
        possible = [i for i in range(n) if _NOMINATIVE <= tags[i].grammemes]
        target = (
            max(
                possible,
                key=lambda i: len(grammemes & tags[i].grammemes)
                - 0.1 * len(grammemes ^ tags[i].grammemes),
            )
            if possible
            else None
        )
        if len(memo) > _MEMO_SIZE:
            memo.clear()
        memo[k] = target
    if target is None:
        return p.normal_form
    stem = d.build_stem(paradigm, idx, fixed_word)
    return d.paradigm_prefixes[paradigm[2 * n + target]] + stem + d.suffixes[paradigm[target]]


_NOMINATIVE = frozenset({"nomn"})


def _analyse(word: str, lang: str) -> _Word:
    morph = _analyser(lang)
    if morph is None:
        return _UNKNOWN
    parses = [p for p in morph.parse(word) if _from_dictionary(p)]
    if not parses:
        return _UNKNOWN
    geo: list[tuple[str, bool]] = []
    other: list[tuple[str, bool]] = []
    people: list[tuple[str, bool]] = []
    nominatives: dict[tuple, str] = {}  # inflecting is slow: once per lemma and gender
    facts = [_facts(p.tag) for p in parses]
    for p, (adjective, reading, _, _, gender, number) in zip(parses, facts):
        if adjective:
            # "Курской", "Запорізької": the adjective in the nominative of its gender and
            # number ("курская"), as a place name that is an adjective is written
            k = (p.normal_form, gender, number)
            form = nominatives.get(k)
            if form is None:
                form = nominatives[k] = _nominative(p, lang)
        else:
            form = p.normal_form
        lemma = (fold(form), adjective)
        if reading == _GEO:
            geo.append(lemma)
        elif reading == _PEOPLE:
            people.append(lemma)
        else:
            other.append(lemma)
    folded = fold(word)
    lemmas = tuple(dict.fromkeys(x for x in (*geo, *other, *people) if x[0] != folded))
    # a function word, a pronoun or an adverb in any reading, or a verb in every one
    not_a_name = not geo and (any(f[2] for f in facts) or all(f[3] for f in facts))
    person = not geo and not other and bool(people)
    places = tuple(dict.fromkeys(form for form, _ in geo if form != folded))
    normal = frozenset(fold(p.normal_form) for p in parses)
    return _Word(lemmas, not_a_name, person, places, normal)


def _from_dictionary(parse) -> bool:
    """Whether pymorphy3 found the word in its dictionary, rather than guessed its form
    from its ending (a guess is what the suffix rules already make)."""
    return type(parse.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"


def lemmas(word: str, lang: str) -> tuple[tuple[str, bool], ...]:
    """The dictionary forms ``word`` (lower case, as written) of ``lang`` may be an
    inflection of, folded, each with whether it is an adjective; names of places (Geox)
    first: "харкові" → (("харків", False), ...), "курской" → (("курская", True),).
    Empty when the dictionary does not know the word."""
    return _lookup(word, lang).lemmas


def place_lemmas(word: str, lang: str) -> tuple[str, ...]:
    """The lemmas of ``word`` (lower case) the dictionary marks as places' names:
    "чехии" → ("чехия",)."""
    return _lookup(word, lang).places


def normal_forms(word: str, lang: str) -> frozenset[str]:
    """The dictionary's normal forms of ``word`` (lower case), folded: "американских" →
    {"американскии"} (folded, "й" loses its breve)."""
    return _lookup(word, lang).normal


def never_a_name(word: str, lang: str) -> bool:
    """Whether the dictionary knows ``word`` (lower case) only as a function word, a pronoun, an adverb
    or a verb form: "тоді", "чому", "давай", "усі"."""
    return _lookup(word, lang).not_a_name


def only_a_persons_name(word: str, lang: str) -> bool:
    """Whether the dictionary knows ``word`` (lower case) only as a first name, a surname or a
    patronymic ("юрій", "давида"), not as a place or a common word."""
    return _lookup(word, lang).person


def available(lang: str) -> bool:
    """Whether pymorphy3 and its dictionary for ``lang`` are installed (loads it)."""
    return _analyser(lang) is not None

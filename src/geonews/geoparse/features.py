"""Explicit features of a candidate span: what the recogniser decides on.

:func:`article_features` turns each of an article's spans, once
:mod:`~geonews.geoparse.evidence` and :mod:`~geonews.geoparse.discourse` have weighed them,
into a list of numbers in the order of :data:`FEATURES`: all of them in one pass.

The cues that :func:`~geonews.geoparse.evidence._weigh` finds are recorded on the span as
bits (``span.cues``, the ``CUE_*`` constants here), so that a feature says which cue fired,
not only what it weighed by hand.
"""

from __future__ import annotations

import functools
import math

from geonews.gazetteer.index import Candidate, Gazetteer
from geonews.gazetteer.sources import KIND_CITY, KIND_COUNTRY, KIND_OTHER, KIND_REGION
from geonews.geoparse.candidates import _make_room, _prior, _prominence, _Span
from geonews.language.lexicon import Lexicon
from geonews.language.text import Sentence

#: Bits of ``span.cues``, set where the evidence is weighed.
CUE_LOCATIVE = 1  # after a locative word or preposition: "near", "à", "у"
CUE_TRIGGER = 2  # after an event word: "shelled", "обстріляли"
CUE_FEATURE_WORD = 4  # after a feature word: "river", "lac"
CUE_REGION_PHRASE = 8  # framed by a region word: "Kursk Oblast", "région de Koursk"
CUE_UNIT = 16  # a unit named whole: "Pokrovsk raion"
CUE_PERSON = 32  # a person's name around it: "Kim Jong-un", "général Syrsky"
CUE_SPEAKER = 64  # followed by a reporting verb: "Lincoln said"
CUE_LISTED = 128  # in a list after a placed name
CUE_PLACED_ELSEWHERE = 256  # the article places the same name elsewhere

#: The languages with a feature of their own; others have none of these set.
LANGUAGES = ("en", "fr", "de", "es", "ru", "uk")

#: The features, in the order :func:`article_features` gives them.
FEATURES = (
    "evidence",  # the hand-weighed evidence, clipped to [-6, 8]
    "prominence",  # of the likeliest entry: 0.5 (hamlet) .. 3 (country, metropolis)
    "log_population",  # log10(population + 1) / 7 of the likeliest entry
    "largest_population",  # the same of the most populous entry ("Berne": Bern, not a hamlet)
    "any_country",  # one of the entries is a country
    "any_region",  # one of the entries is an admin-1 region
    "kind_country",
    "kind_region",
    "kind_city",
    "kind_other",  # a named area or natural feature
    "capital",
    "namesakes",  # log2 of the number of entries of that name
    "prior",  # the likeliest entry's prior (/ 4)
    "common_word",  # how frequent a word the name is: (5 - log10(rank + 1)) / 5, 0 if rare
    "common_form",  # the same of the text as written (an inflected form: "Тоді", "Коли")
    "common_penalty",  # what being a frequent word cost it by hand
    "sentence_initial",
    "initial_common",  # sentence_initial * the larger of common_word and common_form
    "noun_capital_common",  # the same where every noun has a capital (German), mid-sentence
    "inflected_common",  # common_form of a name matched only as an inflected form ("Тоді")
    "all_capitals",
    "lower_initial",  # starts with a small letter
    "next_capitalised",  # the next word is capitalised: "Paris Hilton", "Jordan Times"
    "previous_capitalised",  # the word before is capitalised, mid-sentence
    "context",  # evidence from the words before it (a locative or an event word)
    "locative",
    "trigger",
    "feature_word",
    "region_phrase",
    "unit",
    "person",
    "speaker",
    "listed",
    "placed_elsewhere",
    "same_name_accepted",  # another mention of the name passes the hand-set bar
    "country_support",  # other names the evidence accepts in the same country (/ 3, at most 1)
    "lexical",  # named by the lexicon
    "inflected",
    "words",  # number of words less one (0 .. 3)
    "short",  # at most four letters
    "cyrillic",
    "latin",
    *(f"lang_{code}" for code in LANGUAGES),
)

_KINDS = (KIND_COUNTRY, KIND_REGION, KIND_CITY, KIND_OTHER)


def article_features(
    spans: list[_Span],
    text: str,
    folded: str,
    sents: list[Sentence],
    lex: Lexicon,
    gaz: Gazetteer,
    accepted: dict[str, int],
    countries: dict[str, int],
    common_forms: dict[str, int],
) -> list[list[float]]:
    """The features of each of an article's ``spans``, in :data:`FEATURES`' order: one row
    a span, computed in one pass over the article's spans (what depends on the language,
    the lexicon or a name alone is fetched once, not once a span).

    ``accepted`` counts by key the article's spans whose evidence passes the hand-set
    bar: one sense per discourse, as the learned model may read it; ``countries`` counts
    them by the country of their likeliest entry (see :func:`likeliest`): a metropolis
    abroad that nothing else in the article is near ("Давай" for Davao) is seldom meant.
    ``common_forms`` ranks the frequent words of the language that geonews takes for a
    place name when they are written with a capital (the recogniser's data file has them,
    see ``scripts/train_recogniser.py``)."""
    lang = lex.lang
    languages = _language_features(lang)
    noun_capitals = lex.noun_capitals
    names = _NAMES
    forms_get = common_forms.get
    accepted_get = accepted.get
    countries_get = countries.get
    log10 = math.log10
    rows = []
    for span in spans:
        top = span.top
        if top is None:
            top = likeliest(span)
        key = span.key
        start = span.start
        end = span.end
        evidence = span.evidence
        cands = span.candidates
        found = names.get((lang, key, top.index, *[c.index for c in cands]))
        if found is None:
            found = _name_features(key, top, cands, lex, gaz)
        name, of_key = found
        rank = forms_get(folded[start:end])
        form = (5.0 - log10(rank + 1)) / 5.0 if rank is not None else 0.0
        frequent = max(name[-1], form)
        initial = 1.0 if sents and start == sents[span.sentence].start else 0.0
        first = text[start : start + 1]
        script = _SCRIPTS.get(first)
        if script is None:
            _make_room(_SCRIPTS)
            script = _SCRIPTS[first] = _script(first)
        passes = evidence >= _ACCEPTED
        bits = span.cues & _CUES_READ
        if span.region_phrase:
            bits |= CUE_REGION_PHRASE
        if span.listed:
            bits |= CUE_LISTED
        rows.append(
            [
                min(max(evidence, -6.0), 8.0),
                *name,
                form,
                span.common,
                initial,
                initial * frequent,
                0.0 if initial or not noun_capitals else frequent,
                form if span.inflected else 0.0,
                1.0 if end - start > 1 and text[start:end].isupper() else 0.0,
                1.0 if first.islower() else 0.0,
                1.0 if text[end : end + 1] == " " and text[end + 1 : end + 2].isupper() else 0.0,
                0.0
                if initial or start < 2 or text[start - 1] != " "
                else _previous_capitalised(text, start),
                span.context,
                *_CUE_FEATURES[bits],
                1.0 if accepted_get(key, 0) > passes else 0.0,
                min(countries_get(top.country, 0) - passes, 3) / 3.0,
                1.0 if span.lexical else 0.0,
                1.0 if span.inflected else 0.0,
                *of_key,
                *script,
                *languages,
            ]
        )
    return rows


#: The cue bits that the features from ``locative`` to ``placed_elsewhere`` read, in their
#: order (``region_phrase`` reads ``span.region_phrase`` too, ``listed`` only ``span.listed``).
_CUE_ORDER = (
    CUE_LOCATIVE,
    CUE_TRIGGER,
    CUE_FEATURE_WORD,
    CUE_REGION_PHRASE,
    CUE_UNIT,
    CUE_PERSON,
    CUE_SPEAKER,
    CUE_LISTED,
    CUE_PLACED_ELSEWHERE,
)
#: The bits of ``span.cues`` read as they are (``CUE_LISTED`` is read from ``span.listed``).
_CUES_READ = sum(_CUE_ORDER) & ~CUE_LISTED
#: cue bits -> the features from ``locative`` to ``placed_elsewhere``
_CUE_FEATURES = tuple(
    tuple(1.0 if bits & cue else 0.0 for cue in _CUE_ORDER) for bits in range(2 * max(_CUE_ORDER))
)


def _script(first: str) -> tuple[float, float]:
    """The features ``cyrillic`` and ``latin`` of a name that starts with ``first``."""
    return (
        1.0 if "\u0400" <= first <= "\u04ff" else 0.0,
        1.0 if first.isascii() or "\u00c0" <= first <= "\u024f" else 0.0,
    )


#: first character -> :func:`_script` of it (names start with a few hundred characters)
_SCRIPTS: dict[str, tuple[float, float]] = {}


#: (language, key, likeliest entry, every entry) -> the features of the name alone
_NAMES: dict[tuple, tuple[tuple[float, ...], tuple[float, float]]] = {}


def _name_features(
    key: str, top: Candidate, cands: list[Candidate], lex: Lexicon, gaz: Gazetteer
) -> tuple[tuple[float, ...], tuple[float, float]]:
    """The features from ``prominence`` to ``common_word``, and ``words`` and ``short``:
    they depend on the name and its entries alone, so they are remembered (names recur
    from article to article)."""
    memo_key = (lex.lang, key, top.index, *[c.index for c in cands])
    found = _NAMES.get(memo_key)
    if found is None:
        _make_room(_NAMES)
        rank = gaz.common_rank(key, lex.lang) if " " not in key else None
        found = _NAMES[memo_key] = (
            (
                _prominence(top),
                math.log10(top.population + 1) / 7.0,
                math.log10(max(c.population for c in cands) + 1) / 7.0,
                1.0 if any(c.kind == KIND_COUNTRY for c in cands) else 0.0,
                1.0 if any(c.kind == KIND_REGION for c in cands) else 0.0,
                *(1.0 if top.kind == kind else 0.0 for kind in _KINDS),
                1.0 if top.capital else 0.0,
                math.log2(len(cands)),
                _prior(top, cands) / 4.0,
                _frequency(rank),
            ),
            (float(min(key.count(" "), 3)), 1.0 if len(key) <= 4 else 0.0),
        )
    return found


@functools.cache
def _language_features(lang: str) -> tuple[float, ...]:
    return tuple(1.0 if lang == code else 0.0 for code in LANGUAGES)


def likeliest(span: _Span) -> Candidate:
    """The entry a bare mention of the span's name means, before context."""
    top = span.top
    if top is None:
        cands = span.candidates
        priors = span.priors
        if priors is not None and len(priors) == len(cands):
            return cands[priors.index(max(priors))]  # what max() by _prior would find
        top = max(cands, key=lambda c: _prior(c, cands))
    return top


def _frequency(rank: int | None) -> float:
    """How frequent a word of this rank (0: the most frequent) is: 1.0 .. 0.06 in the top
    50,000, 0 when it is not among them."""
    return (5.0 - math.log10(rank + 1)) / 5.0 if rank is not None else 0.0


#: The hand-set bar of ``same_name_accepted`` (evidence.ACCEPT, which imports this module).
_ACCEPTED = 2.0


def _previous_capitalised(text: str, start: int) -> float:
    """1.0 when a capitalised word and one space precede ``start``."""
    if start < 2 or text[start - 1] != " ":
        return 0.0
    i = start - 2
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    return 1.0 if text[i].isupper() and text[i].isalpha() else 0.0

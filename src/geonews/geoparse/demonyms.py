"""Demonyms: the adjectives that name a country's people, forces or government.

"Russian", "американских", "nord-coréennes", "ukrainische" name a country, and the
standard corpora mark them as toponyms; but they say *whose*, not *where*. They are
found here, apart from the places: each is a :class:`~geonews.model.Mention` of kind
``"demonym"`` with the country it names (its coordinates, so that a scorer can
check it), and it is never an event's location nor a point on a map.

The adjectives are data: each language's ``demonyms`` (dictionary forms, by country
code) and ``demonym_endings``. A word is a demonym when it is one of them with one of
the endings; in Russian and Ukrainian the dictionary (pymorphy3) must also give it
that lemma ("американских" → "американский"), when the dictionary is installed.
"""

from __future__ import annotations

import functools
import re

from geonews.gazetteer.index import Gazetteer, load_gazetteer
from geonews.language import morph
from geonews.language.lexicon import Lexicon, detect_language, load_lexicon
from geonews.language.text import fold
from geonews.model import DEMONYM, Mention

#: How sure a demonym is: it is read off a closed list, but it may be part of a name
#: ("Russian Orthodox Church") or a language ("speaks French").
_CONFIDENCE = 0.8


def find_demonyms(
    text: str,
    lang: str | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    folded: str | None = None,
    places: list[Mention] | tuple[Mention, ...] = (),
) -> list[Mention]:
    """The demonyms of ``text`` in text order, each naming its country; none that
    overlaps one of ``places`` (the article's place mentions)."""
    lex = load_lexicon(lang or detect_language(text))
    table = _table(lex)
    if table is None:
        return []
    pattern, country_of, stem_of = table
    gaz = gazetteer or load_gazetteer()
    if folded is None:
        folded = fold(text)
    taken = [(m.start, m.end) for m in places]
    out = []
    for m in pattern.finditer(folded):
        a, b = m.span()
        stem = m.group(1)
        if lex.lang == "en" and not text[a].isupper():
            continue  # "russian roulette" aside, English writes them capitalised
        if any(s < b and a < e for s, e in taken):
            continue
        code = country_of[stem]
        if not _confirmed(text[a:b], folded[a:b], stem_of[stem], lex):
            continue
        index = gaz.country_entry(code)
        if index is None:
            continue
        out.append(
            Mention(
                start=a,
                end=b,
                text=text[a:b],
                place=gaz.place(index),
                confidence=_CONFIDENCE,
                reasons=(f"demonym of {code}",),
                kind=DEMONYM,
            )
        )
    return out


def _confirmed(raw: str, word: str, lemmas: tuple[str, ...], lex: Lexicon) -> bool:
    """Whether the dictionary, if the language has one, reads ``raw`` as one of
    ``lemmas``; a first part of a compound ("российско-") has no reading of its own."""
    if lex.morphology is None or word.endswith("о") or not morph.available(lex.lang):
        return True
    return bool(morph.normal_forms(raw.lower(), lex.lang) & set(lemmas))


@functools.cache
def _table(lex: Lexicon) -> tuple[re.Pattern[str], dict[str, str], dict[str, tuple]] | None:
    """A pattern of every demonym with its endings (group 1: its stem), each stem's
    country and dictionary forms."""
    if not lex.demonyms:
        return None
    endings = lex.demonym_endings or ("",)
    country_of: dict[str, str] = {}
    stem_of: dict[str, tuple[str, ...]] = {}
    for code, words in lex.demonyms.items():
        for w in words:
            stem = _stem(w, endings)
            country_of.setdefault(stem, code)
            stem_of[stem] = (*stem_of.get(stem, ()), w)
    stems = "|".join(re.escape(s) for s in sorted(country_of, key=len, reverse=True))
    ends = "|".join(re.escape(e) for e in endings if e)
    pattern = re.compile(rf"(?<![\w-])({stems})(?:{ends})?(?![\w])")
    return pattern, country_of, stem_of


def _stem(word: str, endings: tuple[str, ...]) -> str:
    """``word`` less the longest of ``endings`` it ends with (keeping two letters)."""
    for e in endings:
        if e and word.endswith(e) and len(word) - len(e) >= 2:
            return word[: -len(e)]
    return word

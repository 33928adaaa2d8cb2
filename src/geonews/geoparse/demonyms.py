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
from geonews.language.lexicon import Lexicon, detect_language, load_lexicon, trie_regex
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
    if folded is None:
        folded = fold(text)
    by_last, last_words = table
    # one pass finds the demonyms' last words: most articles name few of them
    words = _last_words(folded, by_last, last_words)
    if not words:
        return []
    gaz = gazetteer or load_gazetteer()
    taken = [(m.start, m.end) for m in places]
    out = []
    for a, b, code, lemmas in sorted(_occurrences(folded, words, by_last)):
        if lex.lang == "en" and not text[a].isupper():
            continue  # "russian roulette" aside, English writes them capitalised
        if any(s < b and a < e for s, e in taken):
            continue
        if not _confirmed(text[a:b], folded[a:b], lemmas, lex):
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


_WORD = re.compile(r"\w+")


def _last_words(folded: str, by_last: dict, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where ``folded`` has one of ``by_last``'s words (of letters and digits) between
    characters that are not letters or digits, in text order: ``pattern`` (see _table)
    finds them as whole \\w words, and an "_" next to one, rare, is looked at apart."""
    words = [(m.start(), m.end()) for m in pattern.finditer(folded)]
    if "_" in folded:
        words = sorted(words + _beside_underscores(folded, by_last))
    return words


def _beside_underscores(folded: str, by_last: dict) -> list[tuple[int, int]]:
    """The runs of letters and digits just before or after an "_" in ``folded`` that are
    among ``by_last``'s words."""
    found = set()
    n = len(folded)
    u = folded.find("_")
    while u >= 0:
        a = u
        while a and folded[a - 1].isalnum():
            a -= 1
        e = u + 1
        while e < n and folded[e].isalnum():
            e += 1
        if folded[a:u] in by_last:
            found.add((a, u))
        if folded[u + 1 : e] in by_last:
            found.add((u + 1, e))
        u = folded.find("_", u + 1)
    return list(found)


def _occurrences(folded: str, words: list[tuple[int, int]], by_last: dict) -> list[tuple]:
    """(start, end, country, dictionary forms) of each demonym ending with one of
    ``words`` (where its last word is in ``folded``), the longest form at each end.

    A last word counts where it is a whole word of letters and digits, and only if it
    is also somewhere a whole ``\\w+`` word (not next to an "_"), as it always has."""
    n = len(folded)
    whole = {
        folded[i:e]
        for i, e in words
        if (not i or folded[i - 1] != "_") and (e >= n or folded[e] != "_")
    }
    out = []
    for i, e in words:
        word = folded[i:e]
        if word not in whole:
            continue
        for form, code, lemmas in by_last[word]:  # longest first
            a = e - len(form)
            if (
                a >= 0
                and folded.startswith(form, a)
                and (not a or not (folded[a - 1].isalnum() or folded[a - 1] in "-_"))
            ):
                out.append((a, e, code, lemmas))
                break
    return out


@functools.cache
def _table(lex: Lexicon) -> tuple[dict[str, list], re.Pattern[str]] | None:
    """Every form of the language's demonyms (each dictionary form's stem with each
    ending) by its last word, longest first, with its country and dictionary forms; and
    a pattern that finds those last words as whole ``\\w`` words, as one trie (one pass
    over a text finds them all)."""
    if not lex.demonyms:
        return None
    endings = lex.demonym_endings or ("",)
    forms: dict[str, tuple[str, tuple[str, ...]]] = {}
    for code, words in lex.demonyms.items():
        for w in words:
            stem = _stem(w, endings)
            for e in dict.fromkeys(("", *endings)):
                code_of, lemmas = forms.get(stem + e, (code, ()))
                if code_of == code and w not in lemmas:
                    forms[stem + e] = (code, (*lemmas, w))
    by_last: dict[str, list] = {}
    for form, (code, lemmas) in forms.items():
        last = _WORD.findall(form)[-1]
        by_last.setdefault(last, []).append((form, code, lemmas))
    trie: dict[str, dict] = {}
    for last, entries in by_last.items():
        entries.sort(key=lambda x: len(x[0]), reverse=True)
        node = trie
        for ch in last:
            node = node.setdefault(re.escape(ch), {})
        node[""] = {}
    return by_last, re.compile(rf"(?<!\w)(?:{trie_regex(trie)})(?!\w)")


def _stem(word: str, endings: tuple[str, ...]) -> str:
    """``word`` less the longest of ``endings`` it ends with (keeping two letters)."""
    for e in endings:
        if e and word.endswith(e) and len(word) - len(e) >= 2:
            return word[: -len(e)]
    return word

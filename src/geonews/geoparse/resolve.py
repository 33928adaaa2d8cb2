"""Find the places an article names, and resolve each to one gazetteer entry.

Three steps, in order:

1. **Candidates.** At every capitalised word, the compiled gazetteer is asked
   for every name the text starts with there (a trie prefix search); the
   longest name that ends on a word boundary wins. The lexicon's own names
   ("Corée du Nord") take precedence over the gazetteer's.
2. **Evidence.** Each candidate span is weighed: how prominent its best entry is
   (country, region, population), whether a locative word precedes it ("près
   de", "near"), whether it is a region phrase ("région de Koursk", "Kursk
   Oblast"), whether it is also a frequent word of the language ("Une", "Four"),
   and whether it sits inside a person's name ("Kim Jong-un", "Vladimir
   Poutine", "General Syrsky"). Spans below the bar are dropped: precision
   comes before recall.
3. **Disambiguation.** Among namesakes, the entry is chosen by prominence, by
   the article's country focus, and by regions named in the same sentence
   ("Antonivka, Kherson"; "Paris, Texas").

Every accepted :class:`~geonews.model.Mention` records its reasons.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import replace

from geonews.gazetteer.index import Candidate, Gazetteer, load_gazetteer
from geonews.gazetteer.sources import KIND_CITY, KIND_COUNTRY, KIND_OTHER, KIND_REGION
from geonews.language.lexicon import (
    Lexicon,
    Phrases,
    detect_language,
    load_lexicon,
    phrase_start_bound,
    phrase_tail,
)
from geonews.language.text import Sentence, capitalised_words, fold, is_capitalised, sentences
from geonews.model import Mention

#: Minimum evidence for a span to count as a place.
ACCEPT = 2.0

_MAX_NAME = 64


class _Span:
    """A candidate place name in the text, before it is accepted or resolved.

    A plain class rather than a dataclass: tens are made per article, and a generated
    ``__init__`` with keyword defaults costs a fifth more."""

    __slots__ = (
        "candidates", "common", "context", "end", "evidence", "inflected", "key", "lexical",
        "linked", "listed", "priors", "reasons", "region_phrase", "sentence", "start", "top",
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


def find_places(
    text: str,
    lang: str | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    sentence_list: list[Sentence] | None = None,
    folded: str | None = None,
) -> list[Mention]:
    """The places named in ``text``, as mentions in text order.

    ``lang`` is an ISO 639-1 code with a lexicon ("fr", "en"...); it is detected
    from the text when omitted. Mentions carry the gazetteer's admin-1 code; the
    spatial join to boundaries is :func:`geonews.regions.join_regions`'s job.
    ``sentence_list`` and ``folded`` (``fold(text)``) save work when the caller has them.
    """
    lex = load_lexicon(lang or detect_language(text))
    gaz = gazetteer or load_gazetteer()
    sents = sentence_list if sentence_list is not None else sentences(text, lex.abbreviations)
    if folded is None:
        folded = fold(text)
    spans = _candidate_spans(text, folded, sents, lex, gaz)
    plan = _weigh_plan(lex, gaz)
    for span in spans:
        _weigh(span, text, folded, sents, lex, gaz, plan)
    _share_context(spans, text, lex)
    _link_appositions(spans, text)
    _link_unknown_towns(spans, text, lex, gaz)
    _one_sense_per_discourse(spans)
    anchors, by_key = _country_focus(spans)
    regions = _regions_by_sentence(spans)
    article_regions = _regions_of_article(regions)
    # the regions other names put the article in: all but those only this name puts it in
    all_regions = set(article_regions)
    elsewhere_of: dict[str, set[str]] = {}
    for code, keys in article_regions.items():
        if len(keys) == 1:
            (only,) = keys
            elsewhere_of.setdefault(only, set(all_regions)).discard(code)
    mentions = []
    focus_of: dict[str, tuple[dict, float]] = {}  # by span key: the same for every mention
    nearby_of: dict[tuple[int, str], tuple[set[str], dict[str, list[Candidate]]]] = {}
    for span in spans:
        # resolving adds at most 1.3 to the evidence: below that the span is no place
        if span.evidence < ACCEPT - 1.5:
            continue
        if len(span.candidates) == 1:  # nothing to choose: neither focus nor regions count
            mention = _resolve_one(span, text, gaz)
            if mention is not None:
                mentions.append(mention)
            continue
        focus = focus_of.get(span.key)
        if focus is None:
            own = by_key.get(span.key)
            # anchors - own, as Counter subtraction (positive counts only), without its
            # overhead: own's countries are among the anchors, whose counts are positive
            counts = anchors
            if own:
                counts = dict(anchors)  # the same order: the same sum below
                for c, v in own.items():
                    d = anchors[c] - v
                    if d > 0:
                        counts[c] = d
                    else:
                        del counts[c]
            # two pseudo-counts: a short text naming one country is not "about" it for sure
            focus = focus_of[span.key] = (counts, sum(counts.values()) + 2.0)
        elsewhere = elsewhere_of.get(span.key, all_regions)
        if len(regions.get(span.sentence, ())) > 16:
            # what the other names of a long sentence (a list, a table) put near a name
            # is the same for each of its mentions: read once, not once a mention
            near = nearby_of.get((span.sentence, span.key))
            if near is None:
                near = nearby_of[span.sentence, span.key] = _nearby(span, regions)
        else:
            near = _nearby(span, regions)
        mention = _resolve(span, near, elsewhere, focus, text, gaz)
        if mention is not None:
            mentions.append(mention)
    return mentions


# ---------------------------------------------------------------------------
# 1. candidates


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
        found_heads = [(m.start(), m.end()) for m in heads.finditer(text)]
        if found_heads:
            starts_at = sorted(starts_at + found_heads)
            heads_at = {a for a, _ in found_heads}
    for a, b in starts_at:
        if a < covered:
            continue
        if a >= next_sentence:
            while sent_i + 1 < len(starts) and starts[sent_i + 1] <= a:
                sent_i += 1
            next_sentence = starts[sent_i + 1] if sent_i + 1 < len(starts) else math.inf
        # What starts here is mostly decided by the word and the character after it, else
        # by two words: that answer is remembered by their text (see _match_within).
        end = word_chars(lookup, a).end() + 1
        raw = text[a:end]
        found = remembered(raw, by_text)
        if found is by_text:  # not seen yet
            found = _remember(by_text, raw, b - a, memo, lex, gaz, lexical_keys)
        if found is _UNDECIDED:
            end = word_chars(lookup, end).end() + 1
            raw = text[a:end]
            found = remembered(raw, by_text)
            if found is by_text:
                found = _remember(by_text, raw, b - a, memo, lex, gaz, lexical_keys)
        if found is None:
            continue
        if found is _UNDECIDED:
            match = _match_at(text, lookup, a, b, lex, gaz, lexical_keys)
            if match is None:
                continue
            found = (*match, *_memo_candidates(memo, match[1], match[2], lex, gaz))
            found = (found[0] - a, *found[1:])
        length, k, lexical, inflected, region_word, cands, top, priors = found
        if not cands:
            continue
        if heads_at and a in heads_at and text[b : a + length].islower():
            continue  # "mer" alone is a common noun (and a town on the Loire); "mer du Nord"
        if region_word and all(c.kind == KIND_COUNTRY for c in cands):
            continue  # "Израильская армия": a country's adjective names an actor, not a region
        end = a + length
        spans.append(
            _Span(
                a, end, k, list(cands), sent_i, lexical, inflected, top, priors,
                "derived" if region_word else None,
            )
        )
        covered = end
    return spans


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
) -> tuple[int, str, bool, bool, bool] | None:
    """The place name that starts with the capitalised word ``text[a:b]``, if any, as
    (end, key, lexical, inflected, names_a_region): the longest that ends on a word
    boundary, the lexicon's names first. ``lookup`` is the folded text, hyphens as spaces."""
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
        for lemma, region in _lemmas(lookup[a:b], lex):
            if lemma in lex.place_names:
                return b, lemma, True, True, region
    if lex.inflections and (best is None or _region_word_follows(lookup, b, lex)):
        # "Курская область" is Kursk's oblast, not the village of Kurskaya: before a
        # region word, the adjective of a town is tried before a namesake of its own
        found = _lemma_match(text, lookup, a, b, lex, gaz)
        # a region's adjective, or a lexicon name, wins over a namesake with a case ending
        if found is not None and (best is None or found[1] or found[0][2]):
            (end, k, lexical, inflected), region_word = found
            return end, k, lexical, inflected, region_word
    if best is None and lex.transliteration is not None:
        found = _transliterated_match(text, lookup, a, b, lex, gaz)
        if found is not None:
            return (*found, False)
    return best


def _match_within(
    raw: str, n: int, lex: Lexicon, gaz: Gazetteer, lexical_keys: dict[str, list[str]]
) -> tuple[int, str, bool, bool, bool] | None | object:
    """What :func:`_match_at` finds at a capitalised word of ``n`` characters that starts
    ``raw`` (a slice of the text), when ``raw`` decides it whatever text follows; else
    ``_UNDECIDED``. The end offset is relative to the start of ``raw``.

    ``_match_at`` is run on ``raw`` alone once these guards say that it reads nothing
    past it: no lexicon name may run past it, the gazetteer's word-by-word search (see
    Gazetteer.prefixes) stops inside it, no key found ends where it ends (the character
    after a key is read), and an inflected word's next word (Russian, Ukrainian) ends
    inside it. Folding maps each character on its own, so ``fold(raw)`` is the folded
    text's slice.
    """
    size = len(raw)
    if not n < size <= _MAX_NAME:
        return _UNDECIDED
    lookup = fold(raw).replace("-", " ")
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
    n: int,
    memo: dict,
    lex: Lexicon,
    gaz: Gazetteer,
    lexical_keys: dict[str, list[str]],
):
    """:func:`_match_within` with the candidates it finds, remembered in ``by_text``."""
    _make_room(by_text)
    found = _match_within(raw, n, lex, gaz, lexical_keys)
    if found is not None and found is not _UNDECIDED:
        found = (*found, *_memo_candidates(memo, found[1], found[2], lex, gaz))
    by_text[raw] = found
    return found


@functools.cache
def _match_memo(lex: Lexicon, gaz: Gazetteer) -> dict:
    """A memo of :func:`_match_within` and the candidates it finds, one per (lexicon,
    gazetteer): its arguments are the key (the word's length is implied by ``raw``, which
    goes past the word)."""
    return {}


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


def _lemmas(word: str, lex: Lexicon) -> list[tuple[str, bool]]:
    """The names an inflected ``word`` may stand for, by the lexicon's ending rules."""
    out = []
    for ending, replacement, region in lex.inflections:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            out.append((word[: len(word) - len(ending)] + replacement, region))
    for suffix in lex.suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            out.append((word[: len(word) - len(suffix)], False))
    return out


def _lemma_match(
    text: str, lookup: str, a: int, b: int, lex: Lexicon, gaz: Gazetteer
) -> tuple[tuple[int, str, bool, bool], bool] | None:
    """An inflected name at ``a``: "Часового Яру" → "часів яр", "Суджу" → "суджа".

    Two-word names are tried first (each word as written or lemmatised), then one word.
    Returns ((end, key, lexical, inflected), names_a_region).
    """

    def known(k: str) -> bool | None:
        if k in lex.place_names:
            return True
        return False if k in gaz else None

    w1 = lookup[a:b]
    m = _next_capitalised_word(text, lookup, b)
    # "Приморском крае": a region the lexicon names by an adjective and a region word
    # ("Приморский край"), after no town; the region word is written small
    region_word = m is None and _region_word_follows(lookup, b, lex)
    if region_word:
        m = _NEXT_WORD.match(lookup, b)
    if m is not None:
        w2 = m.group(1)
        firsts = [(w1, False), *_lemmas(w1, lex)]
        seconds = [(w2, False), *_lemmas(w2, lex)]
        for l1, r1 in firsts:
            for l2, r2 in seconds:
                if l1 == w1 and l2 == w2:
                    continue
                k = f"{l1} {l2}"
                lexical = known(k)
                if lexical or (lexical is not None and not region_word):
                    return (m.end(1), k, lexical, True), r1 or r2
    first = None
    for lemma, region in _lemmas(w1, lex):
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


def _names_a_region(key: str, gaz: Gazetteer) -> bool:
    """Whether an entry named ``key`` is a region, or a town a region is named after."""
    return any(
        c.kind == KIND_REGION or (c.kind == KIND_CITY and gaz.regions_named_after(c.index))
        for c in gaz.lookup(key)
    )


_NEXT_WORD = re.compile(r" (\w+)")


def _next_capitalised_word(text: str, lookup: str, end: int) -> re.Match[str] | None:
    """The word right after ``end`` (its group 1, folded) if it is written capitalised:
    the second word of a two-word name."""
    m = _NEXT_WORD.match(lookup, end)
    return m if m is not None and is_capitalised(text[m.start(1) : m.end(1)]) else None


def _transliterated_match(
    text: str, lookup: str, a: int, b: int, lex: Lexicon, gaz: Gazetteer
) -> tuple[int, str, bool, bool] | None:
    """A name transliterated the language's way that GeoNames only knows the English
    way: "Vovtchansk", "Chostka", "Tchassiv Iar" (French) are Vovchansk, Shostka,
    Chasiv Yar. Only names of the countries whose names the rules transliterate (from
    Cyrillic) are taken. Two-word names are tried first, then one word."""
    tr = lex.transliteration
    m = _next_capitalised_word(text, lookup, b)
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
    """Whether the word after ``end`` is a region word: "Курская область"."""
    m = _NEXT_WORD.match(lookup, end)
    return m is not None and lex.region_after.fullmatch(m.group(1)) is not None


_INNER_WORD = re.compile(r"(?<![-\w])(\w{4,})(?![-\w])")


def _lowercase_inside(text: str, a: int, end: int, lex: Lexicon) -> bool:
    """Whether a word of ``text[a:end]`` after the first is written small, as no word of a
    name is ("German town"), short words and hyphen-joined ones aside ("Rio de Janeiro",
    "Stratford-upon-Avon")."""
    for m in _INNER_WORD.finditer(text, a + 1, end):
        w = m.group(1)
        if w[0].islower() and fold(w) not in lex.stopwords:
            return True
    return False


def _boundary(s: str, i: int) -> bool:
    return i >= len(s) or not (s[i].isalnum() or s[i] == "_")


def _word_end(s: str, i: int) -> int:
    while i < len(s) and s[i].isalnum():
        i += 1
    return i


# ---------------------------------------------------------------------------
# 2. evidence


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

#: Added to a reading in an admin-1 region where the article places another name
#: (within the sentence, a region named nearby adds 1.5).
_ARTICLE_REGION_BONUS = 0.75

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
                (o.main and o.admin1_code == c.admin1_code)
                or (not c.main and o.index == c.eponym)
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


_KIND_REASONS = {KIND_COUNTRY: "country", KIND_REGION: "region", KIND_OTHER: "named area"}

_LAST_WORD_REVERSED = re.compile(r"\W*(\w+)")


def _last_word(folded: str, start: int) -> tuple[int, int] | None:
    """Span of the last word (``\\w+``) within the 60 characters before ``start``."""
    m = _LAST_WORD_REVERSED.match(folded[max(0, start - 60) : start][::-1])
    if m is None:
        return None
    return start - m.end(1), start - m.start(1)


class _WeighPlan:
    """What :func:`_weigh` reads of a lexicon for every span, fetched once per lexicon."""

    __slots__ = ("articles", "beginnings", "connectors", "endings", "names")

    def __init__(self, lex: Lexicon, gaz: Gazetteer) -> None:
        self.articles = _articles(lex)
        self.connectors = _plain_connectors(lex)
        self.endings = _endings_memo(lex)  # filled by _endings
        self.beginnings = _beginnings_memo(lex)  # filled by _beginnings
        self.names = _name_evidence_memo(lex, gaz)  # filled by _name_evidence


@functools.cache
def _weigh_plan(lex: Lexicon, gaz: Gazetteer) -> _WeighPlan:
    return _WeighPlan(lex, gaz)


def _weigh(
    span: _Span,
    text: str,
    folded: str,
    sents: list[Sentence],
    lex: Lexicon,
    gaz: Gazetteer,
    plan: _WeighPlan,
) -> None:
    """Set ``span.evidence`` and ``span.reasons``: is this span a place at all?

    The memos of ``plan`` are read inline; a miss calls the function that fills them."""
    key = span.key
    start = span.start
    end = span.end
    reasons = span.reasons
    # Stop words, actor phrases and short names are no places whatever their context
    # (and a span at -10 is never linked or resolved): decided before the rest.
    single = " " not in key
    if single and (key in lex.stopwords or key in lex.modifiers):
        span.evidence = -10
        reasons.append("stop word")
        return
    demonym = _inside_actor_phrase(span, folded, lex)
    if demonym:
        span.evidence = -10
        reasons.append(f"part of '{demonym}', which names an actor, not a place")
        return
    if len(key) < 3 and not span.lexical:
        span.evidence = -10
        reasons.append("too short")
        return

    top = span.top
    if top is None:
        cands = span.candidates
        top = max(cands, key=lambda c: _prior(c, cands))
    found = plan.names.get((key, span.lexical))
    if found is not None and found[0] is top:
        ev, kind, rank, penalty = found[1]
    else:
        ev, kind, rank, penalty = _name_evidence(key, span.lexical, top, lex, gaz)
    reasons.append(kind)

    before = folded[max(0, start - 60) : start]
    after = folded[end : end + 40]
    stripped = before.rstrip()
    tail = phrase_tail(stripped) if stripped.endswith("'") else stripped  # phrase_tail(before)
    last = tail.rsplit(None, 1)[-1] if tail else ""  # the last word, as _endings reads it
    # the phrase lists that may end ``before``, and ``bare``, by their last words
    endings = plan.endings.get(last)
    if endings is None:
        endings = _endings(last, lex)
    if stripped.endswith(plan.articles):
        bare = _strip_articles(before, lex)
        bare_tail = phrase_tail(bare)
        bare_endings = _endings(bare_tail.rsplit(None, 1)[-1] if bare_tail else "", lex)
    else:
        # as _strip_articles would leave it
        bare, bare_tail, bare_endings = before, tail, endings

    words_after = after.split(None, 1)
    first = words_after[0] if words_after else ""
    beginnings = plan.beginnings.get(first)
    if beginnings is None:
        beginnings = _beginnings(first, lex)

    # region phrases: "région (russe) de Koursk", "Kursk Oblast"
    origin = start - len(before)  # offset of ``before`` in the text
    connectors = plan.connectors
    if connectors is None or stripped.endswith(connectors):
        rb = _region_before(before, lex)
    else:
        rb = None  # it ends with none of the connectors _region_before requires
    if rb is not None:
        span.region_phrase = "before"
        ev += 3.0
        reasons.append(f"region phrase '{text[origin + rb : end]}'")
    else:
        m = lex.region_after.starts(after) if beginnings & _REGION_AFTER else None
        if m and m.group(0)[:1].isspace():
            span.region_phrase = "after"
            ev += 3.0
            reasons.append(f"region phrase '{text[start : end + m.end()]}'")

    if span.region_phrase == "derived":
        ev += 2.0
        reasons.append(f"region phrase '{text[start:end]}' (named after its capital)")

    loc = _ends(lex.locative, bare, bare_tail) if bare_endings & _LOCATIVE else None
    if loc:
        ev += 1.0
        span.context = 1.0
        reasons.append(f"after '{text[origin + loc.start() : origin + loc.end()].strip()}'")
    elif bare_endings & _TRIGGER:
        trig = _event_trigger_before(bare, lex)
        if trig:
            ev += 1.0  # "shelled Beryslav", "атакували Білозерку": the object of an attack
            span.context = 1.0
            reasons.append(f"after '{trig}'")
    feat = _ends(lex.feature_words, before, tail) if endings & _FEATURE else None
    if feat:
        ev += 1.5
        reasons.append(f"after '{text[origin + feat.start() : origin + feat.end()].strip()}'")
    if span.lexical:
        ev += 1.0
        reasons.append("known name in the lexicon")
    if not single:
        ev += 0.5

    # frequent words
    if penalty is not None:
        sent = sents[span.sentence] if sents else None
        sentence_initial = bool(sent) and start == sent.start
        # A capital that every word gets (first in a sentence, all capitals) says nothing:
        # a frequent word there counts more against the name, a rare one ("Queensland
        # has...") no more than elsewhere, nor a country ("China has...", where a common
        # word sense is rarer still than in mid-sentence).
        if (
            penalty
            and (sentence_initial or text[start:end].isupper())
            and top.kind != KIND_COUNTRY
        ):
            penalty += 1.0
        elif penalty and not lex.noun_capitals:
            # a capital mid-sentence marks a name where common nouns are written small
            penalty = max(penalty - 1.0, 0.0)
        if penalty:
            ev -= penalty
            span.common = penalty
            reasons.append(f"also a common {lex.name} word (rank {rank})")
    if after[:1] == "$":
        span.evidence = -10  # "US$460 million", "A$5": a currency
        reasons.append("a currency")
        return
    if top.kind != KIND_COUNTRY and (beginnings & _DISEASE_AFTER or endings & _DISEASE_BEFORE):
        disease = _disease(span, top, before, after, text, lex)
        if disease:
            span.evidence = -10  # "Marburg virus", "virus de Marburg": a pathogen's name
            reasons.append(f"names a disease ('{disease}')")
            return
    speaker = None
    if beginnings & _REPORTING:
        speaker = lex.reporting.starts(" " + " ".join(after.split()[:2]))
    if speaker and not span.lexical and top.kind == KIND_CITY and not top.capital and not loc:
        # "Lincoln said": a speaker, or a capital standing for its government; but not
        # the complement of a preposition ("a resident of Lubbock told", "from Tyler said")
        words = bare.split()
        if not words or words[-1] not in lex.region_connectors:
            ev -= 1.0
            reasons.append(f"followed by '{speaker.group(0).strip()}'")

    # people: "Kim Jong-un", "Vladimir Poutine", "général Syrsky"
    if len(tail) == len(stripped) and last.isalnum():
        # before ends with a word and spaces: that word (after a space, or the window's
        # start) is the one _last_word finds
        prev = (origin + len(tail) - len(last), origin + len(tail))
    else:
        prev = _last_word(folded, start)
    sent = sents[span.sentence] if sents else None
    person = _person_context(span, prev, text, folded, sent, lex, gaz)
    if person:
        ev -= 3.5
        span.common = 0.0  # a person's name: what it shares with others does not help it
        reasons.append(person)
    span.evidence = ev


#: Bits of :func:`_endings`.
_LOCATIVE, _TRIGGER, _FEATURE, _DISEASE_BEFORE = 1, 2, 4, 8


def _endings(word: str, lex: Lexicon) -> int:
    """Which of the phrase lists that are tested against the end of a text may end it
    (bits), given its last word (the last of ``phrase_tail(text).split()``, or ""): as
    ``Phrases.ends`` requires, it must end with the last word of a phrase, or contain the
    stem that a phrase's last word starts with. Remembered by the word: most spans follow
    a word that ends no phrase."""
    memo = _endings_memo(lex)
    found = memo.get(word)
    if found is None:
        _make_room(memo)
        found = memo[word] = (
            _LOCATIVE * _may_end(lex.locative, word)
            | _TRIGGER * any(_may_end(p, word) for p in lex.events.values())
            | _FEATURE * _may_end(lex.feature_words, word)
            | _DISEASE_BEFORE * _may_end(lex.disease_before, word)
        )
    return found


@functools.cache
def _endings_memo(lex: Lexicon) -> dict[str, int]:
    """A memo of :func:`_endings`, one per lexicon, by the last word."""
    return {}


def _may_end(phrases: Phrases, word: str) -> bool:
    """Whether a phrase of ``phrases`` may end a text whose last word is ``word``.

    The last word (of the text less the spaces and apostrophes it ends with) of a text
    ending with a phrase ends with the phrase's last word or, for a phrase whose last word
    has a ``*``, contains the part after the ``*``: what ``Phrases.ends`` tests of the
    whole text, on its last word (neither contains a space or an apostrophe)."""
    if not phrases:
        return False
    last = phrases.last_words
    if last is None:
        return True
    exact, stems = last
    if word.endswith(exact):
        return True
    found = _any_of(stems)  # contains one of the stems
    return found is not None and found.search(word) is not None


@functools.cache
def _any_of(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern found in a text where one of ``words`` is (None: no words)."""
    return re.compile("|".join(map(re.escape, words))) if words else None


def _ends(phrases: Phrases, text: str, tail: str) -> re.Match[str] | None:
    """``phrases.ends(text)``, where ``tail`` is ``phrase_tail(text)`` and :func:`_endings`
    found that the phrases may end the text (so ``Phrases.ends``' own cheap test, which
    that implies, passes): its search alone."""
    return phrases._suffix_pattern.search(text, phrase_start_bound(tail, phrases.max_gaps))


#: Bits of :func:`_beginnings`.
_REGION_AFTER, _DISEASE_AFTER, _REPORTING = 1, 2, 4


def _beginnings(word: str, lex: Lexicon) -> int:
    """Which of the phrase lists that are tested against the start of a text may start it
    (bits), given its first word (the first of ``text.split()``, or ""): as ``Phrases.starts``
    requires, that word must start with one of the phrases' stems (none of which holds a
    space). Remembered by the word."""
    memo = _beginnings_memo(lex)
    found = memo.get(word)
    if found is None:
        _make_room(memo)
        found = memo[word] = (
            _REGION_AFTER * _may_start(lex.region_after, word)
            | _DISEASE_AFTER * _may_start(lex.disease_after, word)
            | _REPORTING * _may_start(lex.reporting, word)
        )
    return found


@functools.cache
def _beginnings_memo(lex: Lexicon) -> dict[str, int]:
    """A memo of :func:`_beginnings`, one per lexicon, by the first word."""
    return {}


def _may_start(phrases: Phrases, word: str) -> bool:
    """Whether a phrase of ``phrases`` may start a text whose first word is ``word``."""
    if not phrases:
        return False
    stems = phrases.stems
    return stems is None or word.startswith(stems)


@functools.cache
def _plain_connectors(lex: Lexicon) -> tuple[str, ...] | None:
    """The region connectors, when ``_region_before`` finds a region phrase only in a text
    whose ``rstrip()`` ends with one of them (each is a plain, non-empty string); else None."""
    if not lex.region_before:
        return ()
    conns = _connector_patterns(lex)
    if all(isinstance(c, str) and c for c in conns):
        return tuple(conns)
    return None


def _name_evidence(
    key: str, lexical: bool, top: Candidate, lex: Lexicon, gaz: Gazetteer
) -> tuple[float, str, int | None, float | None]:
    """What a name weighs before its context: (the prominence of its likeliest entry, the
    reason saying what that is, its rank among frequent words, the penalty for that rank
    (None: no frequent word)). Remembered by (key, lexical), the likeliest entry's name."""
    memo = _name_evidence_memo(lex, gaz)
    found = memo.get((key, lexical))
    if found is None or found[0] is not top:
        _make_room(memo)
        kind = _KIND_REASONS.get(top.kind) or f"city of population {top.population:,}".replace(
            ",", " "
        )
        rank = gaz.common_rank(key, lex.lang) if " " not in key and not lexical else None
        penalty = _common_word_penalty(top, rank) if rank is not None else None
        found = memo[(key, lexical)] = (top, (_prominence(top), kind, rank, penalty))
    return found[1]


@functools.cache
def _name_evidence_memo(lex: Lexicon, gaz: Gazetteer) -> dict:
    """A memo of :func:`_name_evidence`, one per (lexicon, gazetteer)."""
    return {}


def _share_context(spans: list[_Span], text: str, lex: Lexicon) -> None:
    """Evidence that one mention of a place lends to others.

    * A list shares its first item's context: in "shelled Bilozerka and Beryslav" or
      "près de Kherson, Mykolaïv et Odessa" every town is the object of the verb.
    * A name that is a place elsewhere in the article is one here too, whatever a
      frequent word's penalty says ("Херсон" is a common Ukrainian word because the
      news names the city so often); and a name placed once by a locative or an event
      word lends that context to its bare mentions ("Esperance residents").
    * A frequent word joined by a conjunction to a place is one too ("Paris et Berlin").
    """
    conjunctions = lex.conjunctions
    for s, t in itertools.pairwise(spans):
        if t.sentence != s.sentence or not s.context or t.context or t.evidence <= -5:
            continue
        gap = text[s.end : t.start]
        words = gap.replace(",", " ").split()
        if gap.strip() in ("", ",") or (
            len(words) == 1 and fold(words[0]) in conjunctions and "." not in gap
        ):
            t.context = s.context
            t.evidence += s.context
            t.listed = f"in a list after '{text[s.start : s.end]}'"
            t.reasons.append(t.listed)
    placed = {s.key for s in spans if s.evidence >= ACCEPT}
    situated = {s.key for s in spans if s.evidence >= ACCEPT and s.context}
    for s in spans:
        if s.evidence >= ACCEPT or s.evidence <= -5 or s.key not in placed:
            continue
        if s.common and s.evidence + s.common >= ACCEPT:
            s.evidence = ACCEPT
            s.reasons.append("a place where the article names it elsewhere")
        elif s.key in situated and not s.context:
            # one sense per discourse: "in Esperance" once, then "Esperance residents"
            s.evidence += 1.0
            s.reasons.append("the article places it elsewhere")
    # a frequent word joined to a place by a conjunction is a place too, if the place it
    # names is well known: "Paris et Berlin" (not "University of Rouen and University")
    for s, t in itertools.pairwise(spans):
        if t.sentence != s.sentence:
            continue
        gap = text[s.end : t.start].split()
        if len(gap) != 1 or fold(gap[0]) not in conjunctions:
            continue
        for x, y in ((s, t), (t, s)):
            if (
                x.common
                and -5 < x.evidence < ACCEPT <= x.evidence + x.common
                and y.evidence >= ACCEPT
                and _prominence(x.top or x.candidates[0]) >= 2.2
            ):
                x.evidence = ACCEPT
                x.reasons.append(f"joined to '{text[y.start : y.end]}' by '{gap[0]}'")


def _disease(
    span: _Span, top: Candidate, before: str, after: str, text: str, lex: Lexicon
) -> str | None:
    """The disease a place name is part of ("Reston ebolavirus", "fièvre de Lassa"), if any.

    A country stays a place: "United States flu season", "the Sudan strain" say where.
    """
    if top.kind == KIND_COUNTRY:
        return None
    m = lex.disease_after.starts(after)
    if m is not None and after[:1] in (" ", "-"):
        return text[span.start : span.end + m.end()]
    m = lex.disease_before.ends(before)
    if m is not None:
        return text[span.start - len(before) + m.start() : span.end]
    return None


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


def _event_trigger_before(before: str, lex: Lexicon) -> str | None:
    """The event word ("shelled", "frappé", "обстріляли") that ``before`` ends with, if any."""
    tail = before[-40:]
    stems = lex.event_stems
    # no trigger starts where one that ends the tail may start
    if stems is not None and stems.search(tail, _trigger_bound(tail, lex)) is None:
        return None
    for phrases in lex.events.values():
        m = phrases.ends(tail)
        if m:
            return m.group(0).strip()
    return None


def _trigger_bound(tail: str, lex: Lexicon) -> int:
    """Where in ``tail`` an event trigger that ends it may start at the earliest."""
    return phrase_start_bound(phrase_tail(tail), _trigger_gaps(lex))


@functools.cache
def _trigger_gaps(lex: Lexicon) -> int:
    return max((phrases.max_gaps for phrases in lex.events.values()), default=0)


@functools.cache
def _articles(lex: Lexicon) -> tuple[str, ...]:
    """The lexicon's articles as a tuple (for str.endswith), in the set's order."""
    return tuple(lex.articles)


def _strip_articles(before: str, lex: Lexicon) -> str:
    """``before`` without the articles it ends with: "dans l'est de l'" → "dans l'est de "."""
    articles = _articles(lex)
    changed = True
    while changed:
        changed = False
        stripped = before.rstrip()
        if not stripped.endswith(articles):
            break
        for art in articles:
            if stripped.endswith(art):
                head = stripped[: -len(art)]
                if not head or not head[-1].isalnum():
                    before, changed = head, True
                    break
    return before


def _common_word_penalty(top: Candidate, rank: int) -> float:
    """How much being a frequent word (rank 0 = most frequent) counts against a name.

    Frequent words that are famous places ("Paris", "Texas") are frequent *because*
    they are places, so the penalty shrinks with the place's prominence, as long as
    the word is the place's own name.
    """
    if top.kind in (KIND_COUNTRY, KIND_REGION):
        return 1.0 if rank < 1000 else 0.0
    if top.population >= 1_000_000:
        # A metropolis is named so often that its name is a frequent word. So is its
        # name in other languages ("Londres", "Pékin", "Warschau"), unless that name is
        # a common word in its own right: "Sol", one of Seoul's foreign names, is among
        # the thousand most frequent Spanish and French words.
        return 2.0 if rank < (300 if top.main else 1000) else 0.0
    if top.main and top.population >= 300_000:
        return 2.0 if rank < 800 else 0.0
    if top.main and top.population >= 100_000:
        return 2.0 if rank < 1500 else 0.0
    return 3.0 if rank < 1000 else 2.0 if rank < 10000 else 1.0


def _region_before(before: str, lex: Lexicon) -> int | None:
    """Where the region phrase ("région russe de ", "l'oblast de ") that ``before`` ends with
    starts, if it ends with one."""
    if not lex.region_before:
        return None
    for conn in _connector_patterns(lex):
        pos = _ends_with_connector(before, conn)
        if pos is None:
            continue
        # skip qualifiers: "région russe de", "Russian border region of"
        while True:
            w = _last_name_word(before, pos)
            if w is None:
                return None
            start, word = w
            if word in lex.region_qualifiers:
                pos = start
                continue
            return start if lex.region_before.fullmatch(word) else None
    return None


@functools.cache
def _connector_patterns(lex: Lexicon) -> tuple[re.Pattern[str] | str, ...]:
    """For each region connector ("de", "d'", none), the pattern of a text ending with it,
    or the connector itself when plain string tests say the same (see _ends_with_connector)."""
    out: list[re.Pattern[str] | str] = []
    for conn in lex.region_connectors:
        elided = conn.endswith("'")
        if conn == conn.strip() and "'" not in conn[:-1]:
            out.append(conn)  # "" (no connector: "Gebiet Kursk"), "de", "d'"
        else:
            out.append(
                re.compile(
                    rf"(?<!\w){re.escape(conn.rstrip(chr(39)))}{chr(39) if elided else ''}\s*\Z"
                    if elided
                    else rf"(?<!\w){re.escape(conn)}\s+\Z"
                )
            )
    return tuple(out)


def _ends_with_connector(before: str, conn: re.Pattern[str] | str) -> int | None:
    """Where the connector that ``before`` ends with starts, if it ends with it: "de" at a
    word start and then spaces, "d'" at a word start and maybe spaces, or (no connector)
    the spaces themselves; as the patterns of :func:`_connector_patterns` would find."""
    if not isinstance(conn, str):
        m = conn.search(before)
        return m.start() if m is not None else None
    stripped = before.rstrip()
    if not conn:
        return len(stripped) if len(stripped) < len(before) else None
    if not stripped.endswith(conn) or (len(stripped) == len(before) and conn[-1] != "'"):
        return None
    pos = len(stripped) - len(conn)
    if pos and (stripped[pos - 1].isalnum() or stripped[pos - 1] == "_"):
        return None  # inside a word
    return pos


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
    ):
        return f"inside a longer name ('{text[start:end]} {text[a:b]}')"
    if " " not in span.key and _first_name(span, a, b, text, folded, lex, gaz):
        return f"a person's first name ('{text[start:b]}')"
    return None


def _governed(span: _Span) -> bool:
    """Whether a title before the span is one of the place's office ("President of
    France", "Президент Татарстана", "губернатор Курской области", "мэр Москвы") rather
    than a person's (a surname is no country or region; and in a language of cases a
    title before a city in an oblique case is the city's office)."""
    top = span.top
    if span.region_phrase or (top is not None and top.kind in (KIND_COUNTRY, KIND_REGION)):
        return True
    return span.inflected and top is not None and top.kind == KIND_CITY and top.population >= 100_000


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


def _starts_place(folded: str, a: int, gaz: Gazetteer) -> bool:
    window = folded[a : a + _MAX_NAME].replace("-", " ")
    return any(_boundary(window, len(k)) for k in gaz.prefixes(window))


# ---------------------------------------------------------------------------
# 3. disambiguation


#: What may stand between a place and the region or country it lies in: "Antonivka, Kherson",
#: "Pokrovsk (Donetsk)", "Белозерку Херсонской области".
_APPOSITION_GAP = re.compile(r"\s*[,(]?\s*")


def _link_appositions(spans: list[_Span], text: str) -> None:
    """A place followed by the region or country it lies in: "Antonivka, Kherson".

    The first is resolved among its namesakes in that region (and is surely a place);
    the second names the region, not its eponymous city. A region phrase may stand a
    few words further ("Antonivka, dans la région de Kherson", "bei Orichiw im Gebiet
    Saporischschja"), within the same clause.
    """
    for s, t in itertools.pairwise(spans):
        if t.sentence != s.sentence or s.evidence <= -5 or t.evidence <= -5:
            continue
        gap = text[s.end : t.start]
        if not (
            _APPOSITION_GAP.fullmatch(gap)
            or (t.region_phrase == "before" and len(gap) <= 40 and not re.search(r"[.;:!?]", gap))
        ):
            continue
        # what the first names without context sets the level: a region lies in a country
        # ("Victoria, Australia"); a region before a region or a town is a list
        # ("California, Colorado"), and so is a country before anything
        level = s.top.kind if s.top is not None and not s.lexical else KIND_CITY
        if level == KIND_COUNTRY or level == KIND_OTHER:
            continue
        if level == KIND_REGION:
            container = [c for c in t.candidates if c.kind == KIND_COUNTRY]
        else:
            container = [c for c in t.candidates if c.kind in (KIND_REGION, KIND_COUNTRY)]
            # a region named by its capital: "Kherson" for Kherson Oblast
            container += [c for c in t.candidates if c.kind == KIND_CITY and c.population >= 15_000]
            # a county or département: "Roskear, Cornwall" lies in Cornwall's region
            container += [c for c in t.candidates if c.kind == KIND_OTHER and c.admin1_code]
        if s.top is not None and s.top.capital and all(c.kind == KIND_CITY for c in container):
            continue  # "Washington, London and Paris": capitals, listed
        codes = {c.admin1_code for c in container if c.kind != KIND_COUNTRY and c.admin1_code}
        countries = {c.country for c in container if c.kind == KIND_COUNTRY}
        inside = [
            c
            for c in s.candidates
            if c.kind == level and (c.admin1_code in codes or c.country in countries)
        ]
        if not inside:
            continue
        s.candidates, s.priors = inside, None
        s.linked = True
        s.evidence = max(s.evidence, ACCEPT) + 1.5
        s.reasons.append(f"followed by its region '{text[t.start : t.end]}'")
        kept = {c.admin1_code for c in inside} | {c.country for c in inside}
        t.candidates, t.priors = [
            c for c in container if (c.admin1_code in kept or c.country in kept)
        ] or t.candidates, None
        t.region_phrase = t.region_phrase or "apposition"
        if t.listed:  # "Antonivka, Kherson" is a town and its region, not a list
            t.reasons.remove(t.listed)
            t.evidence -= t.context
            t.context, t.listed = 0.0, None
        t.evidence = max(t.evidence, ACCEPT) + 0.5
        t.reasons.append(f"the region of '{text[s.start : s.end]}'")


_COMMA_BEFORE = re.compile(r"[,(][ \t]*\Z")

#: A word, then a comma (or a parenthesis) before a name: "Makhnovka, " before "Kursk".
_WORD_AND_COMMA = re.compile(r"(\w[\w'’-]*)[ \t]*[,(][ \t]*\Z")
_WORD_AND_SPACE = re.compile(r"(\w[\w'’-]*) \Z")


def _link_unknown_towns(spans: list[_Span], text: str, lex: Lexicon, gaz: Gazetteer) -> None:
    """A region after a town the gazetteer does not know: in "near Makhnovka, Kursk" the
    town is a village too small for it and "Kursk" names its region, not the city. The
    town is recognised by its capitals after a locative word ("near", "у", "près de"), a
    feature word ("the port of") or an event word ("seized Zhovte, Donetsk"). A village whose namesakes all lie outside
    that region is one the gazetteer does not know either ("near Kamianka, Kharkiv": none
    of the Kamiankas it knows is in Kharkiv Oblast).
    """
    for i, t in enumerate(spans):
        if t.evidence <= -5 or t.region_phrase or t.lexical:
            continue
        if _COMMA_BEFORE.search(text, max(0, t.start - 8), t.start) is None:
            continue  # what _WORD_AND_COMMA requires, tested before the regions are found
        regions = _regions_of_name(t, gaz)
        if not regions:
            continue
        # the town may be a span, if none of its namesakes is a place here (they are
        # elsewhere: "Makhnovka" is a village of Ukraine too)
        s = spans[i - 1] if i else None
        unknown = (
            s is not None
            and not s.linked
            and (s.evidence < ACCEPT or _namesakes_elsewhere(s, t, regions, spans, i, text, lex))
        )
        if s is None:
            floor = 0
        elif unknown:
            floor = spans[i - 2].end if i >= 2 else 0
        else:
            floor = s.end
        before = text[max(floor, t.start - 60) : t.start]
        m = _WORD_AND_COMMA.search(before)
        if m is None:
            continue
        starts = [m.start(1)]  # the town's name: its last word, or its last two
        m2 = _WORD_AND_SPACE.search(before, 0, m.start(1))
        if m2 is not None:
            starts.append(m2.start(1))
        for start in starts:
            words = before[start : m.end(1)].split()
            if not all(is_capitalised(w) for w in words):
                break
            folded = [fold(w) for w in words]
            if any(w in lex.months or w in lex.not_surnames or w in lex.stopwords for w in folded):
                break  # "In January, Kherson...", "On Monday, Kursk..."
            lead = fold(before[:start])
            if (
                lex.locative.ends(lead)
                or lex.feature_words.ends(lead)  # "the port of Pivdennyi (Odesa)"
                or _event_trigger_before(lead, lex)
            ):
                town = before[start : m.end(1)]
                t.region_phrase = "apposition"
                t.candidates = regions
                t.priors = None
                t.evidence = max(t.evidence, ACCEPT) + 0.5
                t.reasons.append(
                    f"region phrase '{town}, {text[t.start : t.end]}'"
                    " (a town the gazetteer does not know)"
                )
                if unknown and s.start >= t.start - len(before) + start:
                    s.evidence = -10
                    s.reasons.append(f"not a namesake in '{text[t.start : t.end]}'")
                break


def _regions_of_name(t: _Span, gaz: Gazetteer) -> list[Candidate]:
    """The regions a name may stand for: its own region readings, else those named after
    the towns it names ("Zaporizhzhia", "Odesa": the city's spellings)."""
    regions = [c for c in t.candidates if c.kind == KIND_REGION]
    if regions or t.linked:  # "Greenlane, Auckland, New Zealand": the city, in its country
        return regions
    found = {
        r
        for c in t.candidates
        if c.kind == KIND_CITY and c.population >= _EPONYMOUS_CITY
        for r in [_region_named_after(c, gaz)]
        if r is not None
    }
    return [gaz.candidate(r) for r in sorted(found)]


#: What stands between a village and the region it lies in: "Kamianka, Kharkiv".
_STRICT_APPOSITION = re.compile(r"\s*[,(]\s*")


def _namesakes_elsewhere(
    s: _Span,
    t: _Span,
    regions: list[Candidate],
    spans: list[_Span],
    i: int,
    text: str,
    lex: Lexicon,
) -> bool:
    """Whether ``s``, a town right before the region ``t`` (``spans[i]``) names, is a
    village the gazetteer knows only elsewhere: all its namesakes are towns of under
    300,000, none a capital, none in the region, one in its country; and ``t`` ends no
    list ("Melitopol, Kherson and Mykolaiv" names three cities)."""
    if s.sentence != t.sentence or not _STRICT_APPOSITION.fullmatch(text[s.end : t.start]):
        return False
    codes = {r.admin1_code for r in regions}
    countries = {r.country for r in regions}
    if not all(
        c.kind == KIND_CITY
        and c.population < 300_000
        and not c.capital
        and c.admin1_code not in codes
        for c in s.candidates
    ) or not any(c.country in countries for c in s.candidates):
        return False
    u = spans[i + 1] if i + 1 < len(spans) else None
    if u is not None and u.sentence == t.sentence:
        words = text[t.end : u.start].replace(",", " ").split()
        if not words or (len(words) == 1 and fold(words[0]) in lex.conjunctions):
            return False
    return True


def _one_sense_per_discourse(spans: list[_Span]) -> None:
    """A name introduced with its region ("Reston, Virginia") keeps that reading when the
    article repeats it bare ("Reston"): its namesakes elsewhere are dropped."""
    linked: dict[str, list[Candidate]] = {}
    for s in spans:
        if s.linked and s.key not in linked:
            linked[s.key] = s.candidates
    if not linked:
        return
    for s in spans:
        cands = linked.get(s.key)
        if cands is None or s.linked or s.evidence <= -5:
            continue
        kept = [c for c in s.candidates if c in cands]
        if kept:
            s.candidates, s.priors = kept, None
            s.evidence = max(s.evidence, ACCEPT - 0.5)
            s.reasons.append("named with its region earlier in the article")


def _country_focus(
    spans: list[_Span],
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Countries the article is about: counted over spans that are places without doubt.

    Also returns what each name (span key) contributed, so that a name is not taken
    as evidence for its own reading ("Victoria" five times does not make an article
    about Hong Kong). Counted in plain dicts, in the order a Counter would keep.
    """
    focus: dict[str, float] = {}
    by_key: dict[str, dict[str, float]] = {}
    for s in spans:
        if s.evidence < ACCEPT:
            continue
        cands = s.candidates
        if len(cands) == 1:
            country, weight = cands[0].country, 1.0
        else:
            countries = {c.country for c in cands}
            if len(countries) == 1:
                country, weight = next(iter(countries)), 1.0
            else:
                top = _likeliest(s)
                if not top.country or (top.kind == KIND_CITY and top.population < 100_000):
                    continue
                country, weight = top.country, 0.5
        focus[country] = focus.get(country, 0) + weight
        own = by_key.get(s.key)
        if own is None:
            own = by_key[s.key] = {}
        own[country] = own.get(country, 0) + weight
    return focus, by_key


def _priors(span: _Span) -> tuple[float, ...]:
    """``_prior`` of each of the span's candidates, computed once per list of candidates."""
    if span.priors is None:
        span.priors = tuple(_prior(c, span.candidates) for c in span.candidates)
    return span.priors


def _likeliest(span: _Span) -> Candidate:
    """The first candidate of highest prior (as ``max`` by prior would choose)."""
    priors = _priors(span)
    return span.candidates[priors.index(max(priors))]


#: What _regions_by_sentence finds of a place: the span, the admin-1 regions it stands for
#: or lies in, and of those that only its towns lie in, the towns.
_Placed = tuple[_Span, set[str], dict[str, list[Candidate]]]


def _regions_by_sentence(spans: list[_Span]) -> dict[int, list[_Placed]]:
    """For each sentence, its spans that are places without doubt and the admin-1 regions
    they stand for or lie in: those of their regions, and that of their likeliest reading
    (a list of states, each with namesake towns in other states, names no town's region).
    A region that only a town puts there comes with that town: a namesake far from it is
    not near it for lying in the same (large) region ("Washington and London")."""
    out: dict[int, list[_Placed]] = {}
    for o in spans:
        if o.evidence >= ACCEPT:
            top = o.top
            # ``top in candidates``, which compares field by field up to the identical one
            if top is not None and not any(c is top for c in o.candidates):
                top = top if top in o.candidates else None
            if top is None or len(o.candidates) == 1 or o.linked or o.region_phrase:
                given = [
                    c
                    for c in o.candidates
                    if c.admin1_code and (c.kind != KIND_CITY or c.population >= 10_000)
                ]
            elif top.admin1_code and (top.kind != KIND_CITY or top.population >= 10_000):
                given = [top]
            else:
                continue
            towns: dict[str, list[Candidate]] = {}
            if len(given) == 1:
                (c,) = given
                codes = {c.admin1_code}
                if c.kind == KIND_CITY and not o.region_phrase:
                    towns[c.admin1_code] = given
            else:
                codes = {c.admin1_code for c in given}
                if not o.region_phrase:
                    for c in given:
                        if c.kind == KIND_CITY:
                            towns.setdefault(c.admin1_code, []).append(c)
                    for c in given:
                        if c.kind != KIND_CITY:
                            towns.pop(c.admin1_code, None)
            out.setdefault(o.sentence, []).append((o, codes, towns))
    return out


def _nearby(
    span: _Span, regions: dict[int, list[_Placed]]
) -> tuple[set[str], dict[str, list[Candidate]]]:
    """The admin-1 regions the other places of the span's sentence may lie in, and of
    those that only towns put there, the towns: the same for every span of the sentence
    with the span's key (the span itself has it), which _resolve only reads."""
    out: set[str] = set()
    towns: dict[str, list[Candidate]] = {}
    regions_named: set[str] = set()
    for o, codes, by_town in regions.get(span.sentence, ()):
        if o is not span and o.key != span.key:
            out |= codes
            for code in codes:
                found = by_town.get(code)
                if found is None:
                    regions_named.add(code)
                else:
                    towns.setdefault(code, []).extend(found)
    for code in regions_named:
        towns.pop(code, None)
    return out, towns


#: How far from a town named nearby a namesake may lie to count as near it.
_NEAR_KM = 200.0


def _near_towns(c: Candidate, towns: list[Candidate], gaz: Gazetteer) -> bool:
    """Whether ``c`` lies within ``_NEAR_KM`` of one of ``towns``."""
    lat, lon = float(gaz.lat[c.index]), float(gaz.lon[c.index])
    for t in towns:
        if _km(lat, lon, float(gaz.lat[t.index]), float(gaz.lon[t.index])) <= _NEAR_KM:
            return True
    return False


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12_742.0 * math.asin(min(1.0, math.sqrt(h)))


def _regions_of_article(regions: dict[int, list[_Placed]]) -> dict[str, set[str]]:
    """The admin-1 regions the article's sure places stand for or lie in, each with the
    names (span keys) that put it there."""
    out: dict[str, set[str]] = {}
    for found in regions.values():
        for o, codes, _ in found:
            for code in codes:
                out.setdefault(code, set()).add(o.key)
    return out


def _resolve(
    span: _Span,
    nearby_towns: tuple[set[str], dict[str, list[Candidate]]],
    elsewhere: set[str],
    focus_total: tuple[dict, float],
    text: str,
    gaz: Gazetteer,
) -> Mention | None:
    focus, total = focus_total
    nearby, towns = nearby_towns
    near_countries = {code.split(".", 1)[0] for code in nearby} if nearby else ()
    # a region phrase names a region; when no region goes by the name, the town it is
    # named after
    region_phrase = span.region_phrase
    eponyms = region_phrase and all(c.kind != KIND_REGION for c in span.candidates)
    # the first candidate of highest score, and the second highest score (equal to the
    # best on a tie): what a stable sort by score, highest first, puts first and second
    best = None
    best_score = runner_up = -math.inf
    for c, s in zip(span.candidates, _priors(span)):
        s += 2.0 * focus.get(c.country, 0) / total
        code = c.admin1_code
        if code and code in nearby and c.kind != KIND_COUNTRY:
            near = towns.get(code)
            # in the region of a town named nearby but far from it: as in its country
            s += 1.5 if near is None or _near_towns(c, near, gaz) else 0.5
        elif c.country in near_countries:
            s += 0.5  # "California, Colorado, Georgia": a list keeps to one country
        elif code in elsewhere and c.kind != KIND_COUNTRY:
            s += _ARTICLE_REGION_BONUS  # "Toronto" earlier: "Ontario" is the province
        if region_phrase and (
            c.kind == KIND_REGION
            # "Ставропольский край" is named after Stavropol, not Tolyatti (once Stavropol)
            or (eponyms and c.kind == KIND_CITY and gaz.regions_named_after(c.index))
        ):
            s += 2.0
        if s > best_score:
            best, best_score, runner_up = c, s, best_score
        elif s > runner_up:
            runner_up = s
    n_scored = len(span.candidates)
    reasons = list(span.reasons)
    evidence = span.evidence
    if focus.get(best.country) and len({x.country for x in span.candidates}) > 1:
        evidence += 0.5
        reasons.append(f"article is about {best.country}")
    if (
        best.admin1_code in nearby
        and best.kind != KIND_COUNTRY
        and len(span.candidates) > 1
        and (best.admin1_code not in towns or _near_towns(best, towns[best.admin1_code], gaz))
    ):
        evidence += 0.8
        reasons.append(f"its region {best.admin1_code} is named nearby")
    elif best.admin1_code in elsewhere and best.kind != KIND_COUNTRY and len(span.candidates) > 1:
        reasons.append(f"the article places another name in {best.admin1_code}")
    if evidence < ACCEPT:
        return None

    index = best.index
    if span.region_phrase and best.kind == KIND_CITY:
        region = _region_named_after(best, gaz)
        if region is not None:
            index = region
            reasons.append("region phrase: the region named after the town")
    if n_scored == 1:
        margin = 1.0
    else:
        margin = 1.0 - math.exp(-max(best_score - runner_up, 0.0))
        reasons.append(f"chosen among {n_scored} namesakes")
    confidence = (1.0 / (1.0 + math.exp(-(evidence - ACCEPT)))) * (0.5 + 0.5 * margin)
    return Mention(
        start=span.start,
        end=span.end,
        text=text[span.start : span.end],
        place=gaz.place(index),
        confidence=round(min(confidence, 0.99), 3),
        reasons=tuple(reasons),
    )


def _region_named_after(town: Candidate, gaz: Gazetteer) -> int | None:
    """The region a region phrase around a town's name means, if any: "the Kursk region"
    is Kursk Oblast; "the Kyiv region", the oblast around the city rather than the city's
    own region; "the Houston region" names no region."""
    regions = gaz.regions_named_after(town.index)
    if not regions:
        return None
    return next(
        (r for r in regions if gaz.candidate(r).admin1_code != town.admin1_code), regions[0]
    )


def _resolve_one(span: _Span, text: str, gaz: Gazetteer) -> Mention | None:
    """:func:`_resolve` for a span of one candidate: no namesake to choose among, so no
    score to compute, and none of the evidence that choosing adds (the article's focus and
    the regions named nearby or elsewhere count only between namesakes)."""
    if span.evidence < ACCEPT:
        return None
    best = span.candidates[0]
    index = best.index
    reasons = span.reasons
    if span.region_phrase and best.kind == KIND_CITY:
        region = _region_named_after(best, gaz)
        if region is not None:
            index = region
            reasons = [*reasons, "region phrase: the region named after the town"]
    confidence = 1.0 / (1.0 + math.exp(-(span.evidence - ACCEPT)))  # margin 1.0
    return Mention(
        start=span.start,
        end=span.end,
        text=text[span.start : span.end],
        place=gaz.place(index),
        confidence=round(min(confidence, 0.99), 3),
        reasons=tuple(reasons),
    )


def unique_places(mentions: list[Mention]) -> list[Mention]:
    """The first mention of each distinct place, in text order."""
    seen: set[tuple] = set()
    out = []
    for m in mentions:
        k = (m.place.kind, m.place.geonameid, m.place.admin1_code, m.place.name)
        if k not in seen:
            seen.add(k)
            out.append(m)
    return out


__all__ = ["find_places", "unique_places"]

"""Evidence for and against each reading of a span.

A span's score starts from its prior (prominence, population, feature class,
namesakes) and moves with what surrounds it: locative words and prepositions,
region words, event triggers, a common word at a sentence start, a disease or a
natural feature named after the place. :func:`_weigh` sums the evidence and gives
the reasons a result carries; the sum and the cues it found (``span.cues``) are features
of the learned recogniser (:mod:`~geonews.geoparse.recogniser`), which decides.
"""

from __future__ import annotations

import functools
import itertools
import re

from geonews.gazetteer.index import Candidate, Gazetteer
from geonews.gazetteer.sources import KIND_CITY, KIND_COUNTRY, KIND_OTHER, KIND_REGION
from geonews.geoparse.candidates import _make_room, _prior, _prominence, _Span
from geonews.geoparse.features import (
    CUE_FEATURE_WORD,
    CUE_LISTED,
    CUE_LOCATIVE,
    CUE_PERSON,
    CUE_PLACED_ELSEWHERE,
    CUE_REGION_PHRASE,
    CUE_SPEAKER,
    CUE_TRIGGER,
    CUE_UNIT,
)
from geonews.geoparse.persons import (
    _ACTOR_JOINS,
    _inside_actor_phrase,
    _last_name_word,
    _person_context,
)
from geonews.language.lexicon import (
    Lexicon,
    Phrases,
    phrase_start_bound,
    phrase_tail,
)
from geonews.language.text import Sentence, fold

#: Minimum evidence for a span to count as a place.
ACCEPT = 2.0


#: Added to a reading in an admin-1 region where the article places another name
#: (within the sentence, a region named nearby adds 1.5).
_ARTICLE_REGION_BONUS = 0.75


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
    # an actor phrase goes on after the span with a space or a hyphen (tested here: most
    # spans have neither after them)
    demonym = (
        _inside_actor_phrase(span, folded, lex) if folded[end : end + 1] in _ACTOR_JOINS else None
    )
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
        span.cues |= CUE_REGION_PHRASE
        ev += 3.0
        reasons.append(f"region phrase '{text[origin + rb : end]}'")
    else:
        m = lex.region_after.starts(after) if beginnings & _REGION_AFTER else None
        if m and m.group(0)[:1].isspace():
            span.region_phrase = "after"
            span.cues |= CUE_REGION_PHRASE
            ev += 3.0
            reasons.append(f"region phrase '{text[start : end + m.end()]}'")

    if not single and top.kind == KIND_OTHER and key.rsplit(" ", 1)[-1] in lex.unit_words:
        ev += 3.0  # "Pokrovsk raion", "Velykonovosilkivska hromada": a unit, named as one
        span.cues |= CUE_UNIT
        reasons.append(f"unit phrase '{text[start:end]}'")

    if span.region_phrase == "derived":
        ev += 2.0
        reasons.append(f"region phrase '{text[start:end]}' (named after its capital)")

    loc = _ends(lex.locative, bare, bare_tail) if bare_endings & _LOCATIVE else None
    if loc:
        ev += 1.0
        span.context = 1.0
        span.cues |= CUE_LOCATIVE
        reasons.append(f"after '{text[origin + loc.start() : origin + loc.end()].strip()}'")
    elif bare_endings & _TRIGGER:
        trig = _event_trigger_before(bare, lex)
        if trig:
            ev += 1.0  # "shelled Beryslav", "атакували Білозерку": the object of an attack
            span.context = 1.0
            span.cues |= CUE_TRIGGER
            reasons.append(f"after '{trig}'")
    feat = _ends(lex.feature_words, before, tail) if endings & _FEATURE else None
    if feat:
        ev += 1.5
        span.cues |= CUE_FEATURE_WORD
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
        if penalty and (sentence_initial or text[start:end].isupper()) and top.kind != KIND_COUNTRY:
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
            span.cues |= CUE_SPEAKER
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
        span.cues |= CUE_PERSON
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
        found = 0
        for bit, always, exact, stems in _end_tests(lex):
            if always or word.endswith(exact) or (stems is not None and stems.search(word)):
                found |= bit
        memo[word] = found
    return found


@functools.cache
def _endings_memo(lex: Lexicon) -> dict[str, int]:
    """A memo of :func:`_endings`, one per lexicon, by the last word."""
    return {}


@functools.cache
def _end_tests(
    lex: Lexicon,
) -> tuple[tuple[int, bool, tuple[str, ...], re.Pattern[str] | None], ...]:
    """For each bit of :func:`_endings` whose phrase lists are not empty, what its last
    word must show for a phrase of one of them to end a text, the lists taken together
    (the event words are several lists: a phrase of any of them): (the bit, whether any
    word will do, the words it may end with, a pattern of the stems it may contain).

    The last word (of the text less the spaces and apostrophes it ends with) of a text
    ending with a phrase ends with the phrase's last word or, for a phrase whose last word
    has a ``*``, contains the part after the ``*``: what ``Phrases.ends`` tests of the
    whole text, on its last word (neither contains a space or an apostrophe)."""
    out = []
    for bit, lists in (
        (_LOCATIVE, [lex.locative]),
        (_TRIGGER, list(lex.events.values())),
        (_FEATURE, [lex.feature_words]),
        (_DISEASE_BEFORE, [lex.disease_before]),
    ):
        lasts = [phrases.last_words for phrases in lists if phrases]
        if not lasts:
            continue  # no phrase: none ends a text
        if any(last is None for last in lasts):
            out.append((bit, True, (), None))
            continue
        exact = tuple(dict.fromkeys(w for words, _ in lasts for w in words))
        stems = tuple(dict.fromkeys(w for _, words in lasts for w in words))
        out.append((bit, False, exact, _any_of(stems)))
    return tuple(out)


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
        found = 0
        for bit, stems in _start_tests(lex):
            if stems is None or word.startswith(stems):
                found |= bit
        memo[word] = found
    return found


@functools.cache
def _beginnings_memo(lex: Lexicon) -> dict[str, int]:
    """A memo of :func:`_beginnings`, one per lexicon, by the first word."""
    return {}


@functools.cache
def _start_tests(lex: Lexicon) -> tuple[tuple[int, tuple[str, ...] | None], ...]:
    """For each bit of :func:`_beginnings` whose phrase list is not empty, the stems its
    phrases start with (None: a phrase may start otherwise, any word will do)."""
    return tuple(
        (bit, phrases.stems)
        for bit, phrases in (
            (_REGION_AFTER, lex.region_after),
            (_DISEASE_AFTER, lex.disease_after),
            (_REPORTING, lex.reporting),
        )
        if phrases
    )


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
            t.cues |= CUE_LISTED
            t.reasons.append(t.listed)
    placed = {s.key for s in spans if s.evidence >= ACCEPT}
    situated = {s.key for s in spans if s.evidence >= ACCEPT and s.context}
    for s in spans:
        if s.evidence >= ACCEPT or s.evidence <= -5 or s.key not in placed:
            continue
        if s.common and s.evidence + s.common >= ACCEPT:
            s.evidence = ACCEPT
            s.cues |= CUE_PLACED_ELSEWHERE
            s.reasons.append("a place where the article names it elsewhere")
        elif s.key in situated and not s.context:
            # one sense per discourse: "in Esperance" once, then "Esperance residents"
            s.evidence += 1.0
            s.cues |= CUE_PLACED_ELSEWHERE
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

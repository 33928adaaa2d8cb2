"""Decide, sentence by sentence, what happened at each place.

For every sentence: the lexicon's triggers say which events it reports
("frappes aériennes" → strike, "déploiement ... troupes" → deployment); the
places it names say where. A trigger is attached to the nearest place that the
sentence puts it *at* (after a locative word such as "près de" / "near", or in a
region phrase), preferring the most specific place when a country and a town in
it are both named; a region anaphor ("cette région", "the region") stands for the
last region named before. Places that are merely actors ("la Corée du Nord
enverra...") or context get no event.

A sentence that names no place ("Later that night, drones hit an energy facility.")
still reports its events: each takes the nearest place named before it in the same
paragraph that something was put at (never one of another paragraph, nor a place
named only as an actor), else the article's dateline, with a lower precision and a
reason that says so. With neither ("Shelling of residential area", a caption), the
event has no place: precision "unknown", no coordinates.

Each event keeps its sentence, trigger words, actors, deployment origin,
quantities, casualties, date and a confidence with its reasons.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache
from itertools import pairwise, repeat
from operator import contains

from geonews.events.dates import find_dates
from geonews.gazetteer.index import Gazetteer
from geonews.geoparse.dateline import Dateline, dateline_mention
from geonews.language.lexicon import Lexicon, Phrases, phrases_pattern
from geonews.language.text import Sentence, fold
from geonews.model import DEMONYM, Article, Event, Mention, Quantity

_DIGIT = re.compile(r"\d")
# (?<![\w.,])(\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d+)(?![\w]), its look-behind moved
# past the first digit: a pattern that starts with a digit lets the regex engine skip to one
_NUMBER = re.compile(r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:[ \u00a0\u202f.,]\d{3})+|\d*))(?![\w])")


def classify_events(
    article: Article,
    mentions: list[Mention],
    lex: Lexicon,
    sents: list[Sentence],
    gazetteer: Gazetteer,
    *,
    folded: str | None = None,
    dateline: Dateline | None = None,
) -> list[Event]:
    """The events ``article`` reports, one per (sentence, type, place).

    ``folded`` is ``fold(article.text)`` when the caller has it already. ``dateline`` is
    the article's dateline: its place is that of the events whose paragraph names none
    before them, and the names in it are not their sentence's.
    """
    if folded is None:
        folded = fold(article.text)
    if any(m.kind == DEMONYM for m in mentions):
        mentions = [m for m in mentions if m.kind != DEMONYM]  # whose, never where
    dateline_end = dateline.end if dateline is not None else -1
    at_dateline = _scene_dateline(dateline_mention(mentions, dateline), mentions, dateline_end)
    # the nearest place before in the paragraph that a sentence put something at
    para_place: Mention | None = None
    para_age = 0  # sentences since the one that named it
    events: list[Event] = []
    # earlier sentences long enough to count as repeated, normalised; those not yet
    # normalised wait, as their (start, end) in folded, for a sentence that may report
    # something to need them
    long_seen = _SeenSentences()
    long_folded: list[tuple[int, int]] = []
    last_region: Mention | None = None
    # Most sentences report nothing: one pass over the article finds its triggers and
    # casualty phrases, and only sentences that hold one are read closely; in those,
    # where a trigger or a casualty phrase may start is looked up.
    matches = _report_matches(lex, folded)
    report = _report_stems(lex)
    starts = [m.start for m in mentions]
    in_order = all(a <= b for a, b in pairwise(starts))
    for sent in sents:
        a, b = sent.start, sent.end
        if sent.line_start:
            para_place = None
        para_age += 1
        if para_age > _BORROW_SENTENCES:  # too far back to be what the sentence means
            para_place = None
        if in_order:
            in_sent = mentions[bisect_left(starts, a) : bisect_left(starts, b)]
        else:
            in_sent = [m for m in mentions if a <= m.start < b]
        if a < dateline_end and in_sent:  # "KHARKIV, Ukraine (AP) —" places no event
            in_sent = [m for m in in_sent if m.start >= dateline_end]
        placed: set[int] | tuple = ()  # the ids of the places the sentence's events are at
        if _may_report(matches, folded, a, b):
            at = None if report is None else report.words(folded, a, b)
        else:
            at = []
        if at is None or at:
            s_fold = folded[a:b]
            norm = _normalised(s_fold)
            if long_folded:
                for p, q in long_folded:
                    n = _normalised(folded[p:q])
                    if len(n) >= 40:
                        long_seen.add(n)
                long_folded.clear()
            # a sentence that repeats an earlier one reports nothing new
            if not long_seen.overlaps(norm):
                may_start = None if at is None else report.starts(at)
                if para_place is not None:
                    fallback = (para_place, "earlier_sentence")
                elif at_dateline is not None:
                    fallback = (at_dateline, "dateline")
                else:
                    fallback = None
                found = _sentence_events(
                    article, sent, s_fold, in_sent, last_region, lex, gazetteer, may_start,
                    fallback,
                )  # fmt: skip
                events.extend(found)
                placed = {id(e.mention) for e in found}
            if len(norm) >= 40:
                long_seen.add(norm)
        elif b - a >= 40:  # normalising never lengthens
            long_folded.append((a, b))
        if in_sent:
            found_place = _last_placed(in_sent, placed)
            if found_place is not None:
                para_place, para_age = found_place, 0
        for m in in_sent:
            if m.place.kind == "region":
                last_region = m
    return events


class _SeenSentences:
    """The earlier sentences of an article long enough to count as repeated (normalised,
    at least ``_LONG`` characters): :meth:`overlaps` says whether a sentence holds one of
    them or is held in one.

    Up to ``_SCAN`` sentences it compares with each, as most articles need. Past that
    the sentences are indexed, so that the question costs about the sentence's length,
    not the article's: comparing with each made big articles quadratic (1 MB of
    event-dense text spent 12 s there alone; 2 MB, 45 s).

    An earlier sentence ``p`` within ``norm`` starts with its first ``_LONG``
    characters, looked up at each offset of ``norm`` (those with the same start are
    grouped by length: a set lookup each). ``norm`` within ``p`` holds the ``_GRAM``
    characters of ``p`` at every multiple of ``_STEP`` that it covers, at one of
    ``_STEP`` alignments: those grams of ``p`` are kept by hash, and at each alignment
    the sentences that hold all of ``norm``'s grams (from the rarest gram's) are
    checked with ``in``. Sentences too short to hold a gram at every alignment (a few
    words) search all earlier ones at once, joined.
    """

    _SCAN = 64
    _GRAM = 8
    _STEP = 4
    _SET = 16  # a gram's sentences are a set from this many on (a list before)

    def __init__(self) -> None:
        self._items: list[str] = []
        self._exact: set[str] = set()
        self._heads: dict[str, dict[int, set[str]]] = {}  # head -> length -> sentences
        # a gram's hash -> the ids of the sentences with that gram at a multiple of _STEP
        self._grams: dict[int, int | list[int] | set[int]] = {}
        self._joined: list[str] = []  # "\n".join(_items): "\n" is in no normalised text

    def add(self, p: str) -> None:
        if p in self._exact:  # a repeat adds nothing to overlaps' answers
            return
        self._items.append(p)
        self._exact.add(p)
        n = len(self._items)
        if n == self._SCAN + 1:
            for i, q in enumerate(self._items):
                self._index(q, i)
        elif n > self._SCAN:
            self._index(p, n - 1)

    def _index(self, p: str, i: int) -> None:
        self._heads.setdefault(p[:_LONG], {}).setdefault(len(p), set()).add(p)
        grams, q, many = self._grams, self._GRAM, self._SET
        for h in {hash(p[k : k + q]) for k in range(0, len(p) - q + 1, self._STEP)}:
            ids = grams.get(h)
            if ids is None:
                grams[h] = i
            elif isinstance(ids, int):
                grams[h] = [ids, i]
            elif isinstance(ids, list):
                ids.append(i)
                if len(ids) >= many:
                    grams[h] = set(ids)
            else:
                ids.add(i)
        self._joined.append(p)

    def overlaps(self, norm: str) -> bool:
        """``any(p in norm or norm in p for p in the sentences added)``."""
        items = self._items
        if len(items) <= self._SCAN:
            # norm holds p, or p holds norm
            return any(map(norm.__contains__, items)) or any(map(contains, items, repeat(norm)))
        if norm in self._exact:
            return True
        n = len(norm)
        if n >= _LONG:
            heads = self._heads
            for k in range(n - _LONG + 1):
                by_length = heads.get(norm[k : k + _LONG])
                if by_length is not None and any(
                    norm[k : k + length] in ps for length, ps in by_length.items()
                ):
                    return True
        q, step = self._GRAM, self._STEP
        if n < q + step - 1:  # too short to hold a gram at every alignment
            if len(self._joined) > 1:
                self._joined = ["\n".join(self._joined)]
            return norm in self._joined[0]
        grams = self._grams
        for o in range(step):
            found: list[int | list[int] | set[int]] = []
            for k in range(o, n - q + 1, step):
                ids = grams.get(hash(norm[k : k + q]))
                if ids is None:  # no sentence holds norm at this alignment
                    break
                found.append(ids)
            else:
                found.sort(key=lambda ids: 1 if isinstance(ids, int) else len(ids))
                first = found[0]
                cand = [first] if isinstance(first, int) else list(first)
                for ids in found[1:]:
                    if isinstance(ids, int):
                        cand = [i for i in cand if i == ids]
                    else:
                        cand = [i for i in cand if i in ids]
                    if not cand:
                        break
                if any(norm in items[i] for i in cand):
                    return True
        return False


_LONG = 40  # the length from which a sentence counts as repeated


def prepare(lex: Lexicon) -> None:
    """Compile what classify_events needs for ``lex`` now rather than on first use."""
    _report_pattern(lex)
    _report_stems(lex)
    _actor_stems(lex)
    _anaphora_words(lex)
    _unit_words(lex)


def _normalised(s: str) -> str:
    """``" ".join(s.split())``; ``s`` itself when it is so already, as most sentences are
    (every space character but " " is unprintable)."""
    if "  " not in s and s[:1] != " " and s[-1:] != " " and s.isprintable():
        return s
    return " ".join(s.split())


def _needed_words(groups) -> tuple[str, ...]:
    """Words one of which every match of a phrase of ``groups`` contains (its entry's last
    word, or the stem of it): a text without any of them holds no match. ("",) when some
    entry gives no such word: every text may."""
    words: list[str] = []
    for phrases in groups:
        last = phrases.last_words
        if last is None:
            return ("",)
        words += [*last[0], *last[1]]
    return tuple(words)


@cache
def _anaphora_words(lex: Lexicon) -> tuple[str, ...]:
    """One of these is in every region anaphor ("region" in "this region"): a sentence
    without any of them, as most are, need not be searched for one."""
    return _needed_words([lex.region_anaphora])


@cache
def _unit_words(lex: Lexicon) -> tuple[str, ...]:
    """One of these is in every unit of a quantity ("troop" in "troops"): a number
    followed by none of them, as most are, counts nothing."""
    return _needed_words(lex.quantity_units.values())


class _Stems:
    """Where phrases of some groups (a type's triggers, an actor's names) may start in a
    sentence: the words that start with one of their stems, found in one pass; and for
    each group, those where one of its own stems does (no match of its phrases starts
    elsewhere).

    ``pattern`` finds the stems of all the groups at word starts (see
    :func:`geonews.language.lexicon.stem_pattern`); every group has stems.
    """

    def __init__(self, pattern: re.Pattern[str], groups: dict[object, Phrases]) -> None:
        self._words = re.compile(pattern.pattern + r"\w*").finditer  # the whole word
        self._stems = [(key, g.stems) for key, g in groups.items()]
        self._groups: dict[str, tuple] = {}  # a word -> the groups whose stems start it

    def words(self, text: str, pos: int = 0, endpos: int | None = None) -> list[tuple[int, str]]:
        """The words of ``text[pos:endpos]`` that start with a stem, with their offsets
        from ``pos`` (a stem cut short at ``endpos`` is none: no phrase of the groups can
        start there in the text so cut)."""
        end = len(text) if endpos is None else endpos
        return [(m.start() - pos, m.group()) for m in self._words(text, pos, end)]

    def starts(self, words: list[tuple[int, str]]) -> dict[object, list[int]]:
        """For each group whose stems start some of ``words``, their offsets, ascending."""
        out: dict[object, list[int]] = {}
        groups = self._groups
        for p, w in words:
            keys = groups.get(w)
            if keys is None:
                if len(groups) >= 100_000:  # words are a vocabulary, but not a closed one
                    groups.clear()
                keys = groups[w] = tuple(k for k, stems in self._stems if w.startswith(stems))
            for k in keys:
                if k in out:
                    out[k].append(p)
                else:
                    out[k] = [p]
        return out


def _matches(phrases: Phrases, text: str, starts: list[int]) -> list[re.Match[str]]:
    """``list(phrases.finditer(text))``, given the only offsets where a match may start,
    ascending (see _Stems.starts): matching at each of them spares the regex engine a
    try at every other position."""
    out: list[re.Match[str]] = []
    match = phrases.pattern.match
    end = 0
    for p in starts:
        if p >= end and (m := match(text, p)) is not None:
            out.append(m)
            end = m.end()  # as finditer, the next match starts after this one
    return out


def _first_match(phrases: Phrases, text: str, starts: list[int]) -> re.Match[str] | None:
    """``phrases.search(text)``, given the only offsets where a match may start (as for
    _matches)."""
    match = phrases.pattern.match
    for p in starts:
        m = match(text, p)
        if m is not None:
            return m
    return None


@cache
def _report_pattern(lex: Lexicon) -> re.Pattern[str] | None:
    """Matches wherever an event trigger or a casualty phrase does: all of them, one
    pattern. None: the lexicon has none."""
    return phrases_pattern([*lex.events.values(), *lex.casualties.values()])


def _report_matches(lex: Lexicon, folded: str) -> tuple[list[int], list[int]]:
    """Where the matches of :func:`_report_pattern` in ``folded`` begin, and where they
    end (both ascending: they do not overlap), from one pass over it."""
    begins: list[int] = []
    ends: list[int] = []
    pattern = _report_pattern(lex)
    if pattern is not None:
        for m in pattern.finditer(folded):
            begins.append(m.start())
            ends.append(m.end())
    return begins, ends


def _may_report(matches: tuple[list[int], list[int]], folded: str, a: int, b: int) -> bool:
    """Whether the sentence at ``folded[a:b]`` may hold a trigger or a casualty phrase,
    given the ``matches`` of :func:`_report_matches`; False: it holds none.

    One of the matches overlaps it if it holds one: the pass skips a phrase only where
    it starts inside a match that it finds. Unless a word goes on across one of its
    edges: a phrase reads the sentence alone, and finds a word boundary there that the
    article does not have.
    """
    begins, ends = matches
    i = bisect_right(ends, a)  # the first match that ends after the sentence starts
    if i < len(begins) and begins[i] < b:
        return True
    before = folded[a - 1] if a else ""
    after = folded[b] if b < len(folded) else ""
    return before.isalnum() or before == "_" or after.isalnum() or after == "_"


@cache
def _report_stems(lex: Lexicon) -> _Stems | None:
    """Event triggers (keyed by type) and casualty phrases (keyed by ("casualties", kind))
    start where ``lex.report_stems`` finds a stem; None: it cannot say."""
    if lex.report_stems is None:
        return None
    groups: dict[object, Phrases] = dict(lex.events)
    groups.update({("casualties", kind): g for kind, g in lex.casualties.items()})
    return _Stems(lex.report_stems, groups)


@cache
def _actor_stems(lex: Lexicon) -> _Stems | None:
    """Phrases naming an actor (keyed by the actor's name) start where
    ``lex.actor_stems`` finds a stem; None: it cannot say."""
    if lex.actor_stems is None:
        return None
    return _Stems(lex.actor_stems, lex.actors)


#: How many sentences on a place named in a paragraph may lend it to those that name none:
#: a paragraph of a whole article (text without line breaks) does not lend its first town
#: to its last sentence.
_BORROW_SENTENCES = 3


def _scene_dateline(at: Mention | None, mentions: list[Mention], end: int) -> Mention | None:
    """The dateline's place (its dateline ending at ``end``), if it may be where the
    article's events happened: not when none of the places the article puts something
    at lies in its country ("PARIS, May 3 —" over a report of shelling in Ukrainian
    towns: a bureau, not the scene), nor, when it puts nothing anywhere, none of the
    countries it names ("PARIS (AFP) — Russia launched drones...")."""
    if at is None:
        return None
    named = [m for m in mentions if m.start >= end]
    scene = [m for m in named if m.place.kind != "country" or _is_located(m)]
    others = scene or named
    if others and all(m.place.country != at.place.country for m in others):
        return None
    return at


def _last_placed(in_sent: list[Mention], placed: set[int]) -> Mention | None:
    """The place of a sentence that the next sentences of its paragraph may take: the last
    one its events are at (``placed`` holds their ids), else the last it puts something
    at (a locative word, a region phrase) that is not the region of a town named with it
    ("Antonivka, Kherson": Antonivka). Never a country: it is an actor as often as a
    place ("Russia shelled...")."""
    for m in reversed(in_sent):
        if id(m) in placed and m.place.kind != "country":
            return m
    for m in reversed(in_sent):
        if (
            m.place.kind != "country"
            and (_is_located(m) or _has_region_after(m))
            and not any(r.startswith("the region of '") for r in m.reasons)
        ):
            return m
    return None


def _is_located(m: Mention) -> bool:
    """Whether the sentence places something at ``m`` (locative word or region phrase)."""
    return any(r.startswith(("after '", "region phrase", "in a list after '")) for r in m.reasons)


def _list_mates(target: Mention, located: list[Mention]) -> list[Mention]:
    """The places listed after ``target`` that share its context: in "shelled Bilozerka
    and Beryslav", Beryslav for Bilozerka (geoparse says so in the list's reasons)."""
    mates, prev = [], target
    for m in sorted(located, key=lambda m: m.start):
        if m.start > prev.start and f"in a list after '{prev.text}'" in m.reasons:
            mates.append(m)
            prev = m
    return mates


def _has_region_after(m: Mention) -> bool:
    """Whether the region ``m`` lies in follows it ("Antonivka, Kherson"): a located town."""
    return any(r.startswith("followed by its region") for r in m.reasons)


_CLAUSE = re.compile(r"[,;:()\[\]—–]|\s-\s")
# the same where no "-" is: a pattern that is one set lets the regex engine skip to it
_CLAUSE_MARK = re.compile(r"[,;:()\[\]—–]")


def _clauses(sentence: str) -> list[int]:
    """Offsets where the sentence's clauses start (after commas, semicolons, dashes)."""
    pattern = _CLAUSE if "-" in sentence else _CLAUSE_MARK
    return [0] + [m.end() for m in pattern.finditer(sentence)]


def _clause_of(pos: int, bounds: list[int]) -> int:
    return bisect_right(bounds, pos) - 1  # bounds ascend


def _sentence_events(
    article: Article,
    sent: Sentence,
    s_fold: str,
    mentions: list[Mention],
    last_region: Mention | None,
    lex: Lexicon,
    gaz: Gazetteer,
    starts: dict[object, list[int]] | None = None,
    fallback: tuple[Mention, str] | None = None,
) -> list[Event]:
    """The events one sentence reports; ``starts``: where in it the triggers of each type
    and casualty phrases of each kind may start (see _report_stems; None: anywhere).
    ``fallback`` is the place, and where it comes from ("earlier_sentence", "dateline"),
    of the events of a sentence that names no place; without one they have none."""
    triggers: list[tuple[str, int, int, str]] = []  # (type, start, end, words) in sentence
    for etype, phrases in lex.events.items():
        if starts is None:
            hits = list(phrases.finditer(s_fold))
        elif etype in starts:
            hits = _matches(phrases, s_fold, starts[etype])
        else:
            continue
        if not hits:
            continue
        required = lex.event_requires.get(etype)
        if required and not required.search(s_fold):
            continue
        excluded = lex.event_excludes.get(etype)
        if excluded and excluded.search(s_fold):
            continue
        for h in hits:
            triggers.append((etype, h.start(), h.end(), sent.text[h.start() : h.end()]))
    if len(triggers) > 1:
        triggers = _without_overlaps(triggers)
        if lex.subtypes:
            triggers = _with_manner_words(triggers, s_fold, lex)
    casualty = _casualties(s_fold, lex, starts)
    if (
        lex.natural_hazards
        and (casualty is not None or any(t[0] == "strike" for t in triggers))
        and lex.natural_hazards.search(s_fold)
    ):
        # "an earthquake struck", "floods killed 200": nature's, not war's
        triggers = [t for t in triggers if t[0] != "strike"]
        casualty = None
    if not triggers and casualty is None:
        return []

    located = [m for m in mentions if _is_located(m) or _has_region_after(m)]
    anaphor = _anaphor(sent, s_fold, last_region, located, lex)
    if anaphor is not None:
        located.append(anaphor)
    if not located:
        # "Air strikes hit Kherson": no locative word, but a town or region is named.
        # Countries named this way are actors ("Russia shelled..."), not locations.
        located = [m for m in mentions if m.place.kind in ("city", "region")]
    place_from = "sentence"
    if not located:
        if mentions:  # it names places, but as actors or context: not where it happened
            return []
        if fallback is not None:
            located, place_from = [fallback[0]], fallback[1]
        else:
            place_from = "none"
    if not triggers:  # casualties reported with no other event: an event of their own
        _, a, b = casualty
        triggers.append(("casualties", a, b, sent.text[a:b]))

    bounds = _clauses(sent.text)
    grouped: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
    # ``located.index``, which compares field by field: in a sentence of hundreds of
    # places (a list, a table) the places' first positions are looked up instead
    first: dict[Mention, int] | None = None
    if len(located) > 16:
        first = {}
        for i, m in enumerate(located):
            first.setdefault(m, i)
    for etype, a, b, words in triggers:
        if not located:  # no place: one event per type
            grouped.setdefault((etype, -1), []).append((a, b, words))
            continue
        target = _target(a, b, located, bounds, sent.start)
        for m in (target, *_list_mates(target, located)):  # one event per place listed
            i = located.index(m) if first is None else first[m]
            grouped.setdefault((etype, i), []).append((a, b, words))

    sources, actors_found = _actors(s_fold, lex)
    dates = find_dates(s_fold, lex)
    quantities = _quantities(sent.text, s_fold, lex)
    out = []
    for (etype, ti), trig in grouped.items():
        target = located[ti] if ti >= 0 else None
        t_pos = trig[0][0]
        clauses = {_clause_of(a, bounds) for a, _, _ in trig}
        reasons = [f"trigger '{w}'" for _, _, w in trig]
        reasons.append(_location_reason(target, place_from))
        actors = [name for _, name in actors_found]
        origin = None
        if etype == "deployment":
            origin = _origin(actors_found, trig, target, mentions, lex, gaz, sent)
            if origin is not None:
                reasons.append(f"comes from {origin.place.name}")
        if sources:
            reasons.append("reported by " + ", ".join(sources))
        date_expr = min(dates, key=lambda d: abs(d.start - t_pos)) if dates else None
        casualties = None
        if (
            casualty is not None
            and etype in ("strike", "ground_fighting", "sabotage", "casualties")
            and (_clause_of(casualty[1], bounds) in clauses or len(grouped) == 1)
        ):
            casualties = casualty[0]
        qs = tuple(q for pos, q in quantities if _clause_of(pos, bounds) in clauses)
        confidence = 0.45 + 0.1 * (len(trig) > 1)
        if place_from == "sentence":
            confidence += 0.25 * target.confidence
            confidence += 0.1 if target is not anaphor else -0.05
            confidence -= 0.0 if _is_located(target) or target is anaphor else 0.1
        elif target is not None:  # less sure than a place its own sentence names
            confidence += 0.25 * target.confidence - _BORROWED_PENALTY[place_from]
        else:
            confidence -= _BORROWED_PENALTY[place_from]
        if etype == "deployment" and origin is not None:
            confidence += 0.05
        out.append(
            Event(
                type=etype,
                mention=target,
                sentence=sent.text,
                start=sent.start,
                end=sent.end,
                article=article,
                subtype=_subtype(etype, s_fold, lex),
                triggers=tuple(w for _, _, w in trig),
                actors=tuple(actors),
                origin=origin,
                quantities=qs,
                casualties=casualties,
                date_text=sent.text[date_expr.start : date_expr.end] if date_expr else None,
                date_start=date_expr.date_start if date_expr else None,
                date_end=date_expr.date_end if date_expr else None,
                confidence=round(min(confidence, 0.95), 3),
                reasons=tuple(reasons),
                place_from=place_from,
            )
        )
    return out


def _anaphor(
    sent: Sentence,
    s_fold: str,
    last_region: Mention | None,
    located: list[Mention],
    lex: Lexicon,
) -> Mention | None:
    """A mention standing for the last region named ("cette région" → Kursk Oblast)."""
    if last_region is None or not any(map(s_fold.__contains__, _anaphora_words(lex))):
        return None
    for a in lex.region_anaphora.finditer(s_fold):
        tail = s_fold[a.end() :].split()
        nxt = tail[0].rstrip(",.;:") if tail else ""
        # "la région russe de Koursk" names a region; it does not refer back to one
        if (
            nxt in lex.region_qualifiers
            or nxt in lex.region_connectors
            or any(nxt.startswith(c) for c in lex.region_connectors if c.endswith("'"))
        ):
            continue
        if any(sent.start + a.end() <= m.start <= sent.start + a.end() + 3 for m in located):
            continue
        return Mention(
            start=sent.start + a.start(),
            end=sent.start + a.end(),
            text=sent.text[a.start() : a.end()],
            place=last_region.place,
            confidence=round(last_region.confidence * 0.8, 3),
            reasons=(f"'{sent.text[a.start() : a.end()]}' refers to {last_region.place.name}",),
            region=last_region.region,
        )
    return None


def _target(a: int, b: int, located: list[Mention], bounds: list[int], base: int) -> Mention:
    """The place a trigger at [a, b) of the sentence happened at.

    Places in the trigger's own clause come first; among them a country yields to a
    town or region inside it ("en Russie ... dans la région de Koursk"); then the
    nearest wins, places after the trigger being favoured.
    """
    if len(located) == 1:
        return located[0]
    clause = _clause_of(a, bounds)
    same = [m for m in located if _clause_of(m.start - base, bounds) == clause]
    pool = same or located
    specific = {m.place.country for m in pool if m.place.kind != "country"}
    pool = [m for m in pool if not (m.place.kind == "country" and m.place.country in specific)]
    # a town in a region named with it ("Antonivka, Kherson") is more specific than the region
    towns_in = {m.place.admin1_code for m in pool if m.place.kind == "city"}
    pool = [m for m in pool if not (m.place.kind == "region" and m.place.admin1_code in towns_in)]
    return min(pool, key=lambda m: _distance(base + a, base + b, m))


def _distance(a: int, b: int, m: Mention) -> float:
    """How far a trigger is from a place; places after the trigger are favoured."""
    return m.start - b if m.start >= b else (a - m.end) * 1.5


#: What an event loses in confidence when its place is not its sentence's.
_BORROWED_PENALTY = {"earlier_sentence": 0.05, "dateline": 0.1, "none": 0.15}

#: The reason an event gives for a place not its sentence's, by where it comes from.
_BORROWED_REASON = {
    "earlier_sentence": "place from an earlier sentence: {}",
    "dateline": "place from the dateline: {}",
}


def _location_reason(m: Mention | None, place_from: str = "sentence") -> str:
    if m is None:
        return "no place: neither its paragraph before it nor a dateline names one"
    if place_from != "sentence":
        return _BORROWED_REASON[place_from].format(m.place.name)
    for r in m.reasons:
        if r.startswith(("after '", "region phrase", "'")):
            return f"location: {m.text} ({r})"
    return f"location: {m.text}"


def _actors(s_fold: str, lex: Lexicon) -> tuple[list[str], list[tuple[int, str]]]:
    """(sources, actors): who reports ("selon Séoul", "South Korean intelligence said")
    and who acts, each actor with the offset of its first naming."""
    found: dict[str, int] = {}
    reporters: set[str] = set()
    # every actor phrase starts where one of the lexicon's actor stems does
    stems = _actor_stems(lex)
    starts = stems.starts(stems.words(s_fold)) if stems is not None else None
    for name, phrases in lex.actors.items():
        if starts is None:
            found_at = phrases.finditer(s_fold)
        elif name in starts:
            found_at = _matches(phrases, s_fold, starts[name])
        else:
            continue
        for m in found_at:
            found.setdefault(name, m.start())
            before = " ".join(s_fold[max(0, m.start() - 60) : m.start()].split()[-3:])
            after = " ".join(s_fold[m.end() :].split()[:3])
            if lex.according_to.search(before) or lex.reporting.search(after):
                reporters.add(name)
    actors = sorted((pos, name) for name, pos in found.items())
    acting = [(p, n) for p, n in actors if n not in reporters]
    if not acting:  # the only actor named is also who reports it
        return [], actors
    return sorted(reporters), acting


def _origin(
    actors: list[tuple[int, str]],
    trig: list[tuple[int, int, str]],
    target: Mention | None,
    mentions: list[Mention],
    lex: Lexicon,
    gaz: Gazetteer,
    sent: Sentence,
) -> Mention | None:
    """Where deployed troops come from: the foreign actor named closest to the trigger."""
    dest = target.place.country if target is not None else None
    t = trig[0][0]
    # a country the sentence puts something *at* ("à la Russie") hosts; it does not send
    hosts = {m.place.country for m in mentions if _is_located(m)}
    foreign = [
        (abs(p - t), name)
        for p, name in actors
        if lex.actor_countries.get(name) not in (dest, *hosts)
    ]
    for _, name in sorted(foreign):
        iso = lex.actor_countries.get(name)
        if iso is None:
            continue
        for m in mentions:
            if m.place.kind == "country" and m.place.country == iso:
                return m
        idx = gaz.country_entry(iso)
        if idx is None:
            continue
        return Mention(
            start=sent.start,
            end=sent.start,
            text=name,
            place=gaz.place(idx),
            confidence=0.7,
            reasons=(f"actor '{name}' named in the sentence",),
        )
    return None


def _without_overlaps(triggers: list[tuple[str, int, int, str]]) -> list[tuple[str, int, int, str]]:
    """The triggers less those that overlap a longer one of another type: "drone attack
    on" is a strike, not also an "attack on" (ground fighting); "беспилотники атаковали"
    likewise."""
    kept = []
    for t in sorted(triggers, key=lambda t: t[1] - t[2]):  # longest first
        if not any(k[0] != t[0] and t[1] < k[2] and k[1] < t[2] for k in kept):
            kept.append(t)
    return [t for t in triggers if t in kept]


def _casualties(
    s_fold: str, lex: Lexicon, starts: dict[object, list[int]] | None = None
) -> tuple[str, int, int] | None:
    """The kind of casualties the sentence reports, and where it says so; ``starts`` as
    for _sentence_events.

    Someone must be harmed (an "unspecified" word: killed, wounded, casualties): who
    alone says nothing ("residents were evacuated", "Жители Курска эвакуированы"), nor
    does a sentence that says nobody was ("no casualties were reported").
    """
    found = {}
    for kind in ("civilian", "military", "unspecified"):
        phrases = lex.casualties.get(kind)
        if not phrases:
            continue
        if starts is None:
            m = phrases.search(s_fold)
        else:
            m = _first_match(phrases, s_fold, starts.get(("casualties", kind), []))
        if m is not None:
            found[kind] = m
    if "unspecified" not in found:
        return None
    if lex.casualty_negations and lex.casualty_negations.search(s_fold):
        return None  # "no casualties were reported", "пострадавших нет"
    kind, m = next(iter(found.items()))
    return kind, m.start(), m.end()


def _with_manner_words(
    triggers: list[tuple[str, int, int, str]], s_fold: str, lex: Lexicon
) -> list[tuple[str, int, int, str]]:
    """The triggers, those of one type that are another's subtype words in the sentence
    taken as the other's: in "partisans blew up a bridge; the explosion...", the
    explosion (a strike's trigger, a word of explosive sabotage) is the sabotage's, not a
    strike of its own."""
    types = {t[0] for t in triggers}
    out = []
    for t in triggers:
        etype, a, b, words = t
        for other in types:
            if other != etype and any(
                p.fullmatch(s_fold[a:b]) for p in lex.subtypes.get(other, {}).values()
            ):
                t = (other, a, b, words)
                break
        out.append(t)
    return out


def _subtype(etype: str, s_fold: str, lex: Lexicon) -> str | None:
    """The ACLED sub-event type the sentence's words give an event of ``etype`` (the
    earliest found wins), or None: the type's default."""
    best = None
    for subtype, phrases in lex.subtypes.get(etype, {}).items():
        m = phrases.search(s_fold)
        if m is not None and (best is None or m.start() < best[0]):
            best = (m.start(), subtype)
    return best[1] if best else None


def _quantities(sentence: str, s_fold: str, lex: Lexicon) -> list[tuple[int, Quantity]]:
    """Counted things in the sentence, with their offsets: "environ 14 000 soldats"."""
    out = []
    digit = _DIGIT.search(s_fold)
    if digit is None:
        return out
    units = _unit_words(lex)
    for m in _NUMBER.finditer(s_fold, digit.start()):  # numbers start with a digit
        tail = s_fold[m.end() : m.end() + 40]
        if not any(map(tail.__contains__, units)):
            continue
        for unit, phrases in lex.quantity_units.items():
            u = phrases.search(tail)
            # the unit may follow after at most two words: "14 000 soldats", "14,000 North Korean troops"
            if u is not None and len(tail[: u.start()].split()) <= 2:
                digits = re.sub(r"\D", "", m.group(1))
                value = int(digits)
                start = m.start()
                hedge = lex.quantity_hedges.ends(s_fold[: m.start()])
                if hedge:
                    start = hedge.start()
                text = sentence[start : m.end() + u.end()].strip()
                out.append((m.start(), Quantity(value, unit, text)))
                break
    return out

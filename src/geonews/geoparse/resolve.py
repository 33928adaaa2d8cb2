"""Find the places an article names, and resolve each to one gazetteer entry.

Three steps, in order:

1. **Candidates** (:mod:`~geonews.geoparse.candidates`). At every capitalised word, the compiled gazetteer is asked
   for every name the text starts with there (a trie prefix search); the
   longest name that ends on a word boundary wins. The lexicon's own names
   ("Corée du Nord") take precedence over the gazetteer's.
2. **Evidence** (:mod:`~geonews.geoparse.evidence`, :mod:`~geonews.geoparse.persons`).
   Each candidate span is weighed: how prominent its best entry is
   (country, region, population), whether a locative word precedes it ("près
   de", "near"), whether it is a region phrase ("région de Koursk", "Kursk
   Oblast"), whether it is also a frequent word of the language ("Une", "Four"),
   and whether it sits inside a person's name ("Kim Jong-un", "Vladimir
   Poutine", "General Syrsky"). The evidence and the cues behind it become
   explicit features (:mod:`~geonews.geoparse.features`), and a model trained on
   annotated corpora (:mod:`~geonews.geoparse.recogniser`) decides which spans are
   places.
3. **Disambiguation** (:mod:`~geonews.geoparse.discourse`, and :func:`_resolve` here).
   Among namesakes, the entry is chosen by prominence, by
   the article's country focus, and by regions named in the same sentence
   ("Antonivka, Kherson"; "Paris, Texas").

Every accepted :class:`~geonews.model.Mention` records its reasons.
"""

from __future__ import annotations

import math

from geonews.gazetteer.index import Candidate, Gazetteer, load_gazetteer
from geonews.gazetteer.sources import KIND_CITY, KIND_COUNTRY, KIND_REGION
from geonews.geoparse.candidates import _candidate_spans, _Span
from geonews.geoparse.dateline import find_dateline
from geonews.geoparse.discourse import (
    _country_focus,
    _dateline_bonus,
    _dateline_reason,
    _dateline_span,
    _link_appositions,
    _link_unknown_towns,
    _namesakes_in_named_units,
    _near_towns,
    _nearby,
    _one_sense_per_discourse,
    _priors,
    _region_named_after,
    _regions_by_sentence,
    _regions_of_article,
    _villages_in_named_regions,
)
from geonews.geoparse.evidence import (
    _ARTICLE_REGION_BONUS,
    ACCEPT,
    _share_context,
    _weigh,
    _weigh_plan,
)
from geonews.geoparse.features import (
    CUE_PERSON,
    CUE_PLACED_ELSEWHERE,
    article_features,
    likeliest,
)
from geonews.geoparse.recogniser import Recogniser, load_recogniser, one_sense_per_discourse
from geonews.language.lexicon import (
    detect_language,
    load_lexicon,
)
from geonews.language.text import Sentence, fold, sentences
from geonews.model import Mention, Place


def find_places(
    text: str,
    lang: str | None = None,
    *,
    gazetteer: Gazetteer | None = None,
    sentence_list: list[Sentence] | None = None,
    folded: str | None = None,
    recogniser: Recogniser | None = None,
    trace: list | None = None,
) -> list[Mention]:
    """The places named in ``text``, as mentions in text order.

    ``lang`` is an ISO 639-1 code with a lexicon ("fr", "en"...); it is detected
    from the text when omitted. Mentions carry the gazetteer's admin-1 code; the
    spatial join to boundaries is :func:`geonews.regions.join_regions`'s job.
    ``sentence_list`` and ``folded`` (``fold(text)``) save work when the caller has them.

    ``recogniser`` decides which candidate spans are places (the shipped model by
    default). ``trace``, a list, receives ``(start, end, key, features)`` for every span the
    recogniser weighs: what ``scripts/train_recogniser.py`` learns from.
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
    dateline = find_dateline(text, lex)
    anchor = _dateline_span(spans, dateline) if dateline is not None else None
    _link_appositions(spans, text)
    _link_unknown_towns(spans, text, lex, gaz)
    _one_sense_per_discourse(spans)
    anchors, by_key = _country_focus(spans)
    _namesakes_in_named_units(spans, lex, gaz)
    regions = _regions_by_sentence(spans)
    _villages_in_named_regions(spans, regions)
    article_regions = _regions_of_article(regions)
    # the regions other names put the article in: all but those only this name puts it in
    all_regions = set(article_regions)
    elsewhere_of: dict[str, set[str]] = {}
    for code, keys in article_regions.items():
        if len(keys) == 1:
            (only,) = keys
            elsewhere_of.setdefault(only, set(all_regions)).discard(code)
    live, probabilities = _recognise(spans, text, folded, sents, lex, gaz, recogniser, trace)
    mentions = []
    focus_of: dict[str, tuple[dict, float]] = {}  # by span key: the same for every mention
    nearby_of: dict[tuple[int, str], tuple[set[str], dict[str, list[Candidate]]]] = {}
    # the dateline's place is resolved first: it helps resolve the others
    dateline_place: Place | None = None
    weighed = list(zip(live, probabilities))
    if anchor is not None:
        weighed.sort(key=lambda sp: sp[0] is not anchor)  # stable: the rest keep their order
    for span, probability in weighed:
        if probability < 0.5:
            continue  # the recogniser's answer: no place
        if len(span.candidates) == 1:  # nothing to choose: neither focus nor regions count
            mention = _resolve_one(span, text, gaz, probability)
            mentions.append(mention)
            if span is anchor:
                dateline_place = mention.place
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
        mention = _resolve(
            span, near, elsewhere, focus, text, gaz, probability,
            None if span is anchor else dateline_place,
        )  # fmt: skip
        mentions.append(mention)
        if span is anchor:
            dateline_place = mention.place
    if anchor is not None:
        mentions.sort(key=lambda m: m.start)
    return mentions


def _recognise(
    spans: list[_Span],
    text: str,
    folded: str,
    sents: list[Sentence],
    lex,
    gaz: Gazetteer,
    recogniser: Recogniser | None,
    trace: list | None,
) -> tuple[list[_Span], list[float]]:
    """The spans the recogniser weighs (all but those no context makes a place: stop words,
    actor phrases, currencies, diseases) and the probability it gives each."""
    rec = recogniser or load_recogniser()
    live = [s for s in spans if s.evidence > -10]
    if not live:
        return live, []
    accepted: dict[str, int] = {}  # by key, and by country, the spans the evidence accepts
    countries: dict[str, int] = {}
    for s in spans:
        if s.evidence >= ACCEPT:
            accepted[s.key] = accepted.get(s.key, 0) + 1
            c = likeliest(s).country
            countries[c] = countries.get(c, 0) + 1
    forms = rec.common_forms.get(lex.lang, {})
    rows = article_features(live, text, folded, sents, lex, gaz, accepted, countries, forms)
    if trace is not None:
        trace.extend((s.start, s.end, s.key, x) for s, x in zip(live, rows))
    probabilities = rec.probabilities(rows)
    # not a person's name: "Paris Hilton" stays a person where the article names Paris
    placed = [s.cues & (CUE_PLACED_ELSEWHERE | CUE_PERSON) == CUE_PLACED_ELSEWHERE for s in live]
    return live, one_sense_per_discourse([s.key for s in live], placed, probabilities)


def _resolve(
    span: _Span,
    nearby_towns: tuple[set[str], dict[str, list[Candidate]]],
    elsewhere: set[str],
    focus_total: tuple[dict, float],
    text: str,
    gaz: Gazetteer,
    probability: float,
    dateline: Place | None = None,
) -> Mention:
    """The mention ``span`` names. ``dateline`` is the place of the article's dateline,
    whose namesakes near it and in its country it favours."""
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
    scores = []
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
        if dateline is not None:
            s += _dateline_bonus(c, dateline, gaz)
        scores.append(s)
        if s > best_score:
            best, best_score, runner_up = c, s, best_score
        elif s > runner_up:
            runner_up = s
    n_scored = len(span.candidates)
    reasons = list(span.reasons)
    if focus.get(best.country) and len({x.country for x in span.candidates}) > 1:
        reasons.append(f"article is about {best.country}")
    if (
        best.admin1_code in nearby
        and best.kind != KIND_COUNTRY
        and len(span.candidates) > 1
        and (best.admin1_code not in towns or _near_towns(best, towns[best.admin1_code], gaz))
    ):
        reasons.append(f"its region {best.admin1_code} is named nearby")
    elif best.admin1_code in elsewhere and best.kind != KIND_COUNTRY and len(span.candidates) > 1:
        reasons.append(f"the article places another name in {best.admin1_code}")
    if dateline is not None:
        why = _dateline_reason(best, span.candidates, dateline, gaz)
        if why is not None:
            reasons.append(why)

    index = _entry_named(span, best, reasons, gaz)
    if n_scored == 1:
        margin = 1.0
    else:
        margin = 1.0 - math.exp(-max(best_score - runner_up, 0.0))
        reasons.append(f"chosen among {n_scored} namesakes")
        if best_score - runner_up < _AS_LIKELY and best.kind == KIND_CITY:
            reasons.append(_as_likely(best, span.candidates, scores, best_score, gaz))
    return _mention(span, text, gaz, index, probability * (0.5 + 0.5 * margin), reasons)


#: Namesakes whose scores differ by less than this are as likely as each other: nothing
#: in the text tells them apart.
_AS_LIKELY = 0.3


def _as_likely(
    best: Candidate, cands: list[Candidate], scores: list[float], top: float, gaz: Gazetteer
) -> str:
    """The reason a town chosen among namesakes as likely as itself gives: how many, and
    whether they share its region (then the region is sure, the town is not)."""
    close = [c for c, s in zip(cands, scores) if c is not best and top - s < _AS_LIKELY]
    region = gaz.place(best.index).admin1_code or best.country
    if all(c.admin1_code == best.admin1_code for c in close):
        return (
            f"as likely as {len(close)} other {_plural(len(close), 'place')} of that name "
            f"in {region}: the region is sure, the town is not"
        )
    return f"as likely as {len(close)} {_plural(len(close), 'namesake')} elsewhere"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _resolve_one(span: _Span, text: str, gaz: Gazetteer, probability: float) -> Mention:
    """:func:`_resolve` for a span of one candidate: no namesake to choose among, so no
    score to compute, and none of the reasons that choosing gives (the article's focus and
    the regions named nearby or elsewhere count only between namesakes)."""
    reasons = list(span.reasons)
    index = _entry_named(span, span.candidates[0], reasons, gaz)
    return _mention(span, text, gaz, index, probability, reasons)  # margin 1.0


def _entry_named(span: _Span, best: Candidate, reasons: list[str], gaz: Gazetteer) -> int:
    """The entry ``span`` names by its chosen candidate: the region named after the town,
    in a region phrase ("Kursk Oblast" read as Kursk), with the reason added."""
    if span.region_phrase and best.kind == KIND_CITY:
        region = _region_named_after(best, gaz)
        if region is not None:
            reasons.append("region phrase: the region named after the town")
            return region
    return best.index


def _mention(
    span: _Span, text: str, gaz: Gazetteer, index: int, confidence: float, reasons: list[str]
) -> Mention:
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

"""Evidence from the whole article: what the other places say about this one.

Appositions ("Zapadne, Kharkiv"), a region named after an unknown town, one sense
per discourse, the article's country focus, the towns near the places already
resolved and the dateline ("KHARKIV, May 5 (Reuters) —": namesakes near it first).
"""

from __future__ import annotations

import itertools
import math
import re

from geonews.gazetteer.index import Candidate, Gazetteer
from geonews.gazetteer.sources import KIND_CITY, KIND_COUNTRY, KIND_OTHER, KIND_REGION
from geonews.geoparse.candidates import _EPONYMOUS_CITY, _prior, _Span
from geonews.geoparse.dateline import Dateline
from geonews.geoparse.evidence import ACCEPT, _event_trigger_before
from geonews.language.lexicon import (
    Lexicon,
)
from geonews.language.text import fold, is_capitalised
from geonews.model import Place

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
        t.candidates, t.priors = (
            [c for c in container if (c.admin1_code in kept or c.country in kept)] or t.candidates,
            None,
        )
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


#: How far from a raion's or hromada's point a village of it may lie: the largest raions
#: of Ukraine span about 100 km, hromadas about 30.
_UNIT_KM = 50.0


def _namesakes_in_named_units(spans: list[_Span], lex: Lexicon, gaz: Gazetteer) -> None:
    """ "Ivanivka, Bakhmut raion", "Novoselivka (Velykonovosilkivska hromada)": of the
    namesakes of a village, those near a unit its sentence names. A unit is a named area
    that counts people (a raion, a hromada, a county), as a curated sea does not."""
    units: dict[int, list[Candidate]] = {}
    for o in spans:
        if o.evidence >= ACCEPT:
            found = [c for c in o.candidates if c.kind == KIND_OTHER and c.population > 0]
            # all its readings are units, or it is named as one ("Bohodukhivskyi raion")
            if found and (
                len(found) == len(o.candidates) or o.key.rsplit(" ", 1)[-1] in lex.unit_words
            ):
                units.setdefault(o.sentence, []).extend(found)
    if not units:
        return
    for s in spans:
        named = units.get(s.sentence)
        if not named or len(s.candidates) < 2 or s.evidence <= -5 or s.region_phrase:
            continue
        towns = [c for c in s.candidates if c.kind == KIND_CITY]
        if len(towns) < len(s.candidates):
            continue  # a name that may mean a region or a country keeps all its readings
        # in the unit by GeoNames' codes (a hromada's, else a raion's); else near its point
        # (a former raion, whose code no village carries any more)
        near = [c for c in towns if any(_in_unit(c, u, gaz) for u in named)] or [
            c for c in towns if _near_towns(c, named, gaz, _UNIT_KM)
        ]
        if near and len(near) < len(s.candidates):
            s.candidates = near
            s.priors = None
            s.top = None
            s.reasons.append("near the raion or hromada its sentence names")


def _in_unit(c: Candidate, unit: Candidate, gaz: Gazetteer) -> bool:
    """Whether GeoNames' codes put town ``c`` in ``unit``: its hromada (ADM3), or its raion."""
    code3 = int(gaz.admin3[unit.index])
    if code3:
        return int(gaz.admin3[c.index]) == code3
    code2 = int(gaz.admin2[unit.index])
    return bool(code2) and int(gaz.admin2[c.index]) == code2 and c.admin1 == unit.admin1


#: Added to a small place in context ("near Robotyne") that lies in a region its own
#: sentence names ("in Zaporizhzhia oblast"): the namesake there is what it means.
_IN_NAMED_REGION = 1.0


def _villages_in_named_regions(spans: list[_Span], regions: dict[int, list[_Placed]]) -> None:
    """A place too small to count on its own name, after a locative or event word, is a
    place when a region named in its sentence contains one of its namesakes: "attacked
    near Robotyne in Zaporizhzhia oblast", "обстріляли Роботине на Запоріжжі". Its
    namesakes elsewhere drop out (resolution chooses among those in the region)."""
    for s in spans:
        if not (ACCEPT - 1.0 <= s.evidence < ACCEPT) or not s.context or s.region_phrase:
            continue
        named = set()
        for o, codes, towns in regions.get(s.sentence, ()):
            if o is not s and o.key != s.key:
                named |= {code for code in codes if code not in towns}
        inside = [c for c in s.candidates if c.kind == KIND_CITY and c.admin1_code in named]
        if inside:
            s.candidates = inside
            s.priors = None
            s.top = None
            s.evidence += _IN_NAMED_REGION
            s.reasons.append("lies in the region its sentence names")


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


def _near_towns(
    c: Candidate, towns: list[Candidate], gaz: Gazetteer, km: float = _NEAR_KM
) -> bool:
    """Whether ``c`` lies within ``km`` of one of ``towns`` (places of any kind)."""
    lat, lon = float(gaz.lat[c.index]), float(gaz.lon[c.index])
    for t in towns:
        if _km(lat, lon, float(gaz.lat[t.index]), float(gaz.lon[t.index])) <= km:
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


#: Added to the evidence of the span that names the dateline's place: a place for sure.
_DATELINE_EVIDENCE = 1.0
#: Added to the score of a namesake in the dateline's country, and more to one near its
#: place (in its region or within _NEAR_KM): an article written in Kharkiv means the
#: Kupiansk of Kharkiv Oblast.
_DATELINE_COUNTRY = 0.75
_DATELINE_NEAR = 1.0


def _dateline_span(spans: list[_Span], dateline: Dateline) -> _Span | None:
    """The span that names the dateline's place, made a place for sure: "KHARKIV" in
    "KHARKIV, May 5 (Reuters) —". None when no span names exactly that."""
    for s in spans:
        if s.start > dateline.place_start:
            break
        if s.start == dateline.place_start and s.end == dateline.place_end and s.evidence > -5:
            s.evidence = max(s.evidence, ACCEPT) + _DATELINE_EVIDENCE
            s.reasons.append(f"dateline '{dateline.text}'")
            return s
    return None


def _dateline_bonus(c: Candidate, place: Place, gaz: Gazetteer) -> float:
    """What the dateline's ``place`` adds to the score of namesake ``c``."""
    if c.kind == KIND_COUNTRY or not place.country or c.country != place.country:
        return 0.0
    if (c.admin1_code and c.admin1_code == place.admin1_code) or _km(
        float(gaz.lat[c.index]), float(gaz.lon[c.index]), place.lat, place.lon
    ) <= _NEAR_KM:
        return _DATELINE_COUNTRY + _DATELINE_NEAR
    return _DATELINE_COUNTRY


def _dateline_reason(best: Candidate, cands: list[Candidate], place: Place, gaz: Gazetteer) -> str | None:
    """Why the dateline chose ``best`` among its namesakes, if it did: it favours it over
    some of them."""
    bonus = _dateline_bonus(best, place, gaz)
    if not bonus or all(_dateline_bonus(c, place, gaz) >= bonus for c in cands):
        return None
    if bonus > _DATELINE_COUNTRY:
        return f"near the dateline's place, {place.name}"
    return f"in the dateline's country, {place.country}"

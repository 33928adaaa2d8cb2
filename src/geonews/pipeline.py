"""The pipeline, end to end: article → places → regions → events → map.

These are the functions the command line wraps; each is usable on its own.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from geonews.errors import GeonewsError
from geonews.model import Article, Event, Mention

JOIN_MODES = ("spatial", "gazetteer")

#: The garbage collector's thresholds while a batch analyses articles (see
#: :func:`batch_collections`).
BATCH_GC_THRESHOLDS = (50_000, 20, 20)


@contextlib.contextmanager
def batch_collections() -> Iterator[None]:
    """Run the garbage collector less often while a batch of articles is analysed, and
    restore its thresholds after.

    Analysing makes many small, short-lived objects and remembers names and words in
    memos that grow to hundreds of thousands of entries. At the default thresholds a
    full collection walks those memos every few hundred articles: some 7% of the time
    on new text. Analysis makes no reference cycles worth collecting early.
    """
    before = gc.get_threshold()
    gc.set_threshold(*BATCH_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@dataclass(frozen=True)
class Analysis:
    """Everything geonews found in one article.

    ``dateline`` is the mention of the place the article's dateline names
    ("KHARKIV, May 5 (Reuters) —"), the article's place; None without one.
    """

    article: Article
    lang: str
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]
    dateline: Mention | None = None
    #: the adjectives naming a country ("Russian", "nord-coréens"): kind "demonym", never
    #: among ``mentions``, so never an event's location nor drawn
    demonyms: tuple[Mention, ...] = ()

    @property
    def places(self) -> list[Mention]:
        """The first mention of each distinct place."""
        from geonews.geoparse import unique_places

        return unique_places(list(self.mentions))

    def _repr_html_(self) -> str:
        """Jupyter: the events as a table and an offline map."""
        from geonews.render.offline import EventCollection

        return EventCollection(self.events, title=self.article.title)._repr_html_()

    def to_dict(self) -> dict:
        return {
            "id": self.article.id,
            "lang": self.lang,
            "places": [m.to_dict() for m in self.mentions],
            "events": [e.to_dict() for e in self.events],
            "demonyms": [m.to_dict() for m in self.demonyms],
            "dateline": self.dateline.to_dict() if self.dateline else None,
        }


def analyse(
    article: Article | str,
    lang: str | None = None,
    *,
    join: str = "spatial",
) -> Analysis:
    """Find places and events in one article (an :class:`Article` or plain text).

    ``join`` says how places get their admin-1 region: ``"spatial"`` joins
    coordinates to the shipped boundaries (geopandas), ``"gazetteer"`` trusts the
    GeoNames admin-1 code (no geometry: faster, for large batches).
    """
    from geonews.events.classify import classify_events
    from geonews.gazetteer.index import load_gazetteer
    from geonews.geoparse import find_places
    from geonews.geoparse.dateline import dateline_mention, find_dateline
    from geonews.geoparse.demonyms import find_demonyms
    from geonews.language.lexicon import detect_language, load_lexicon
    from geonews.language.text import fold, sentences

    if join not in JOIN_MODES:
        raise GeonewsError(f"unknown join mode {join!r}: use one of {', '.join(JOIN_MODES)}")
    if isinstance(article, str):
        article = Article(text=article)
    lang = lang or article.lang or detect_language(article.text)
    lex = load_lexicon(lang)
    gaz = load_gazetteer()
    sents = sentences(article.text, lex.abbreviations)
    folded = fold(article.text)
    mentions = find_places(article.text, lang, gazetteer=gaz, sentence_list=sents, folded=folded)
    mentions = assign_regions(mentions, join=join)
    dateline = find_dateline(article.text, lex)
    events = classify_events(
        article, mentions, lex, sents, gaz, folded=folded, dateline=dateline
    )
    if article.lang is None:
        article = replace(article, lang=lang)
        events = [replace(e, article=article) for e in events]
    demonyms = find_demonyms(article.text, lang, gazetteer=gaz, folded=folded, places=mentions)
    if demonyms and events:
        events = _with_demonym_actors(events, demonyms, lex)
    at = dateline_mention(mentions, dateline)
    return Analysis(
        article, lang, tuple(mentions), tuple(events), dateline=at, demonyms=tuple(demonyms)
    )


def _with_demonym_actors(events: list[Event], demonyms: list[Mention], lex) -> list[Event]:
    """Each event with the countries its sentence's demonyms name among its actors
    ("Turkish drones struck..."), after the actors the lexicon's words found. A country
    the lexicon has actor words for is left to them: they tell who acts from who
    reports ("selon les services sud-coréens")."""
    lexicon_countries = set(lex.actor_countries.values())
    out = []
    for e in events:
        known = {lex.actor_countries.get(a) for a in e.actors} | lexicon_countries
        extra = []
        for d in demonyms:
            if e.start <= d.start < e.end and d.place.country not in known:
                known.add(d.place.country)
                extra.append(d.place.name)
        out.append(replace(e, actors=(*e.actors, *extra)) if extra else e)
    return out


def assign_regions(mentions: Sequence[Mention], join: str = "spatial") -> list[Mention]:
    """Give every city and region mention its admin-1 :class:`~geonews.model.Region`."""
    from geonews.regions import region_info

    cities = [m for m in mentions if m.place.kind == "city"]
    joined: dict[int, object] = {}
    if cities and join == "spatial":
        from geonews.regions import join_regions

        points = [(m.place.lat, m.place.lon, m.place.admin1_code) for m in cities]
        for m, region in zip(cities, join_regions(points)):
            joined[id(m)] = region
    out = []
    for m in mentions:
        p = m.place
        if p.kind == "country":
            out.append(m)
            continue
        region = joined.get(id(m))
        if region is None and p.country and p.admin1:
            region = region_info(f"{p.country}.{p.admin1}")  # p.admin1_code
        out.append(m if region is None and m.region is None else _with_region(m, region))
    return out


#: The setters of Mention's slots, in field order.
_MENTION_SETTERS = tuple(
    getattr(Mention, f).__set__
    for f in ("start", "end", "text", "place", "confidence", "reasons", "region", "kind")
)


def _with_region(m: Mention, region) -> Mention:
    """``dataclasses.replace(m, region=region)``, without its generic overhead: called for
    every place of every article (a test checks that no field is lost). The frozen
    dataclass's ``__init__`` sets each field with ``object.__setattr__``; the slots' own
    setters are several times faster."""
    out = object.__new__(Mention)
    (
        set_start,
        set_end,
        set_text,
        set_place,
        set_confidence,
        set_reasons,
        set_region,
        set_kind,
    ) = _MENTION_SETTERS
    set_start(out, m.start)
    set_end(out, m.end)
    set_text(out, m.text)
    set_place(out, m.place)
    set_confidence(out, m.confidence)
    set_reasons(out, m.reasons)
    set_region(out, region)
    set_kind(out, m.kind)
    return out


def extract(
    text: str | Article,
    lang: str | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    published: date | None = None,
) -> list[Event]:
    """The events an article reports. ``text`` is the article text or an :class:`Article`."""
    if isinstance(text, str):
        text = Article(text=text, title=title, url=url, published=published, lang=lang)
    return list(analyse(text, lang).events)


def read_and_analyse(
    sources: Iterable[str], lang: str | None = None, **metadata
) -> list[Analysis]:
    """Read each source (path, or "-" for stdin) and analyse it."""
    from geonews.read.articles import read_article

    return [analyse(read_article(s, lang=lang, **metadata), lang) for s in sources]


def make_map(
    sources: Iterable[str],
    output: str | Path,
    *,
    lang: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: date | str | None = None,
    tiles: str | None = "auto",
    offline: bool = False,
    cdn: bool = False,
    fragment: bool = False,
) -> tuple[Path, list[Analysis]]:
    """Read articles, find their events and write one map: ``geonews map``'s library call.

    The page is self-contained: its scripts are inlined and web tiles are drawn over
    the shipped basemap, so it shows a map without a network. ``cdn`` links the
    scripts from their CDNs instead (a smaller page that needs a network);
    ``offline`` leaves web tiles out. The HTML is deterministic; ``fragment`` and
    ``tiles`` are as for :func:`geonews.render.offline.write_map`.
    """
    from geonews.render.offline import inline_scripts, write_map

    inline = inline_scripts(offline, cdn)

    analyses = read_and_analyse(sources, lang, title=title, url=url, published=published)
    events = [e for a in analyses for e in a.events]
    map_title = title or (analyses[0].article.title if len(analyses) == 1 else None)
    path = write_map(
        events,
        output,
        title=map_title,
        tiles=tiles,
        offline=offline,
        inline=inline,
        fragment=fragment,
    )
    return path, analyses

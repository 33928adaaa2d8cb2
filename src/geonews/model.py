"""The result types that flow through the pipeline.

``Article`` → ``Mention`` (a span of text resolved to a ``Place``) → ``Event``.
All are frozen dataclasses: a result is a value with named fields, never a
positional tuple. ``to_dict`` gives the JSON-ready form used by exports and the
batch geoparser.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date

#: Kinds of place, from the most to the least specific.
PLACE_KINDS = ("city", "region", "country", "other")

#: The kind of a mention that names a country by its adjective ("Russian", "nord-coréens"):
#: it says whose, not where, and is never drawn nor an event's location.
DEMONYM = "demonym"

#: Geographic precision of an event, from the finest to the coarsest; "unknown": the
#: article names no place for it (a caption: "Shelling of residential area").
PRECISIONS = ("town", "part_of_region", "region", "country", "unknown")

#: Where an event's place comes from: its own sentence, the nearest place named before
#: it in its paragraph, the article's dateline, or nowhere (no place: lat/lon null).
PLACE_SOURCES = ("sentence", "earlier_sentence", "dateline", "none")

#: Event types and their ACLED event type / default sub-event type. A language's
#: ``<type>_subtypes`` words may give an event another sub-event type (see
#: ``ACLED_SUB_EVENT_TYPES``), and with it another event type.
EVENT_TYPES: dict[str, tuple[str, str]] = {
    "deployment": ("Strategic developments", "Other"),
    "strike": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "ground_fighting": ("Battles", "Armed clash"),
    "sabotage": ("Strategic developments", "Looting/property destruction"),
    "fortification": ("Strategic developments", "Other"),
    "reconstruction": ("Strategic developments", "Other"),
    "demining": ("Strategic developments", "Other"),
    "casualties": ("Violence against civilians", "Attack"),
}

#: The ACLED sub-event types geonews gives, each with the event type it belongs to: a
#: sabotage with explosives is "Explosions/Remote violence", an arson "Strategic
#: developments".
ACLED_SUB_EVENT_TYPES: dict[str, str] = {
    "Air/drone strike": "Explosions/Remote violence",
    "Shelling/artillery/missile attack": "Explosions/Remote violence",
    "Remote explosive/landmine/IED": "Explosions/Remote violence",
    "Armed clash": "Battles",
    "Attack": "Violence against civilians",
    "Looting/property destruction": "Strategic developments",
    "Other": "Strategic developments",
}


def content_id(text: str) -> str:
    """Stable id of an article's text: the first 16 hex digits of its SHA-256 (a lone
    surrogate, which UTF-8 cannot encode, is hashed as its code point's bytes)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its text and what is known about where it came from."""

    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None
    lang: str | None = None
    source: str | None = None  # file path, URL or "<stdin>"
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", content_id(self.text))

    @property
    def label(self) -> str:
        """A short human name for the article: its title, else its source, else its id."""
        return self.title or self.source or self.url or self.id

    def to_dict(self, text: bool = False) -> dict:
        d = {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "lang": self.lang,
            "source": self.source,
        }
        if text:
            d["text"] = self.text
        return d


@dataclass(frozen=True, slots=True)
class Region:
    """An admin-1 region (oblast, province, state) from the shipped boundaries."""

    code: str  # GeoNames-style "CC.XX", e.g. "RU.41"
    name: str  # English/romanised name, e.g. "Kursk"
    country: str  # ISO 3166-1 alpha-2 of the internationally recognised state
    fips: str | None = None
    iso: str | None = None  # ISO 3166-2 where known, e.g. "UA-65"
    occupied: bool = False  # e.g. Crimea: Ukraine, under Russian occupation
    lat: float | None = None  # label point
    lon: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved gazetteer entry."""

    name: str
    kind: str  # one of PLACE_KINDS
    lat: float
    lon: float
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None = None  # GeoNames admin-1 code within the country, e.g. "41"
    geonameid: int | None = None
    population: int = 0

    @property
    def admin1_code(self) -> str | None:
        """``"RU.41"``: the key of the place's admin-1 region, when known."""
        if self.country and self.admin1:
            return f"{self.country}.{self.admin1}"
        return None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of article text that names a place.

    ``start``/``end`` are 0-based Python string offsets into the article text.
    ``reasons`` says why the place was accepted and chosen among its namesakes.
    """

    start: int
    end: int
    text: str
    place: Place
    confidence: float
    reasons: tuple[str, ...] = ()
    region: Region | None = None
    #: "place", or :data:`DEMONYM` for an adjective that names the country of ``place``
    kind: str = "place"

    def place_fields(self) -> dict:
        """Where the mention is and what it names: :meth:`to_dict` without the reasons
        (the batch output's place object)."""
        p = self.place
        r = self.region
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "name": p.name,
            "kind": DEMONYM if self.kind == DEMONYM else p.kind,
            "lat": p.lat,
            "lon": p.lon,
            "geonameid": p.geonameid,
            "country": p.country,
            "admin1": (r.iso or r.code) if r else p.admin1_code,
            "admin1_name": r.name if r else None,
            "confidence": round(self.confidence, 3),
        }

    def to_dict(self) -> dict:
        out = self.place_fields()
        out["reasons"] = list(self.reasons)
        return out


@dataclass(frozen=True, slots=True)
class Quantity:
    """A counted thing, e.g. 14 000 soldiers."""

    value: int
    unit: str
    text: str


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened at a place, with the sentence that says so.

    ``mention`` is None when the article names no place for it: it is still an event,
    with precision "unknown" and no coordinates. ``place_from`` says where its place
    was found (one of PLACE_SOURCES): a place taken from an earlier sentence or the
    dateline is less precise than one its own sentence names.
    """

    type: str  # one of EVENT_TYPES
    mention: Mention | None  # where it happened; None: nowhere the article says
    sentence: str
    start: int  # span of the sentence in the article text
    end: int
    article: Article
    subtype: str | None = None
    triggers: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    origin: Mention | None = None  # where deployed troops come from
    quantities: tuple[Quantity, ...] = ()
    casualties: str | None = None  # "civilian", "military" or "unspecified"
    date_text: str | None = None
    date_start: date | None = None
    date_end: date | None = None
    confidence: float = 0.5
    reasons: tuple[str, ...] = field(default=())
    place_from: str = "sentence"  # one of PLACE_SOURCES

    @property
    def place(self) -> Place | None:
        m = self.mention
        return None if m is None else m.place

    @property
    def region(self) -> Region | None:
        m = self.mention
        return None if m is None else m.region

    @property
    def precision(self) -> str:
        """town, part_of_region, region, country or unknown: how finely the event is
        placed. A town taken from another sentence or the dateline places it in part of
        a region: the event happened near it, not surely in it."""
        if self.mention is None:
            return "unknown"
        kind = self.mention.place.kind
        if kind == "city":
            return "town" if self.place_from == "sentence" else "part_of_region"
        if kind == "region":
            return "region"
        if kind == "country":
            return "country"
        return "part_of_region"

    @property
    def acled_event_type(self) -> str:
        """The ACLED event type: the one its sub-event type belongs to."""
        if self.subtype in ACLED_SUB_EVENT_TYPES:
            return ACLED_SUB_EVENT_TYPES[self.subtype]
        return EVENT_TYPES[self.type][0]

    @property
    def acled_sub_event_type(self) -> str:
        """The ACLED sub-event type: the subtype the sentence's words gave, else the
        type's default."""
        if self.subtype in ACLED_SUB_EVENT_TYPES:
            return self.subtype
        return EVENT_TYPES[self.type][1]

    def to_dict(self) -> dict:
        p = self.place
        r = self.region
        return {
            "type": self.type,
            "subtype": self.subtype,
            "acled_event_type": self.acled_event_type,
            "acled_sub_event_type": self.acled_sub_event_type,
            "lat": p.lat if p else None,
            "lon": p.lon if p else None,
            "precision": self.precision,
            "place_from": self.place_from,
            "place": p.name if p else None,
            "geonameid": p.geonameid if p else None,
            "admin1": (r.iso or r.code) if r else (p.admin1_code if p else None),
            "admin1_name": r.name if r else None,
            "occupied": bool(r and r.occupied),
            "country": (r.country if r else (p.country if p else None)),
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "actors": list(self.actors),
            "origin": self.origin.place.name if self.origin else None,
            "origin_lat": self.origin.place.lat if self.origin else None,
            "origin_lon": self.origin.place.lon if self.origin else None,
            "quantity": (
                {"value": self.quantities[0].value, "unit": self.quantities[0].unit}
                if self.quantities
                else None
            ),
            "casualties": self.casualties,
            "date_text": self.date_text,
            "date_start": self.date_start.isoformat() if self.date_start else None,
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "confidence": round(self.confidence, 3),
            "reasons": list(self.reasons),
            "triggers": list(self.triggers),
            "article_id": self.article.id,
            "article_title": self.article.title,
            "article_url": self.article.url,
        }

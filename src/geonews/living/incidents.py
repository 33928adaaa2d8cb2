"""Incidents: the stored events that report the same thing, grouped.

Ten articles about one strike are ten events and one incident. Two events are
the same incident when all of these hold (:func:`same_place`, :func:`window`):

* the same event type;
* the same place: the same GeoNames id; or, for two town-level places (a town or
  part of a region), at most ``km`` kilometres apart; or, for two region-level
  places, the same admin-1 region. A region-level report and a town-level one are
  not grouped (the region does not say which town: two towns hit the same night
  stay two incidents); a country-level event joins only events at that very
  country; an event without coordinates (precision ``unknown``) is never grouped;
* overlapping dates: the event's own date range, else its article's publication
  day plus or minus ``days`` days.

Grouping is incremental and single-link to a *representative*: an incident keeps
the place and dates of its first event, and a new event joins the best incident
whose representative it matches (same GeoNames id first, then the nearest in
time, then the oldest), else starts its own. Comparing with the representative
only, never with every member, means that dates do not chain (daily shelling of
one town stays one incident per day), that the result does not depend on how the
store was batched, and that removing a member never splits an incident. When the
representative itself leaves (its article was updated), the incident is
dissolved and its remaining events are grouped again, in their stored order.

Each incident sums up its events: how many, how many distinct *sources* (the
outlet: the URL's host, else the article's source, else the article itself),
the first-seen time (the earliest publication date, else ingest time), the most
precise place (town before part of a region before region before country, then
the most confident place) and the narrowest dated range, and a combined
confidence: for each source its best event confidence ``c``, then
``1 - prod(1 - c)`` over the sources, capped at :data:`MAX_CONFIDENCE`.
Independent outlets corroborate; ten articles of one outlet count once.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from geonews.model import Event, Place, Region

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_KM",
    "MAX_CONFIDENCE",
    "Incident",
    "IncidentOptions",
    "combined_confidence",
    "outlet",
    "same_place",
    "window",
]

#: Town-level places at most this far apart (km) are the same place.
DEFAULT_KM = 3.0
#: An undated event covers its article's publication day plus or minus this many days.
DEFAULT_DAYS = 1
#: Combined confidence never reaches certainty.
MAX_CONFIDENCE = 0.99

_PRECISION_RANK = {"town": 0, "part_of_region": 1, "region": 2, "country": 3}
_BUCKET_DAYS = 7  # incidents are indexed by the weeks their window covers


@dataclass(frozen=True)
class Incident:
    """One stored incident and its events (read by :meth:`Store.iter_incidents`).

    ``place``/``region``/``precision`` are the most precise among its events,
    ``date_start``/``date_end`` the narrowest dated range (None if none is dated),
    ``first_day``/``last_day`` that range, else the span of its events' days.
    ``outlets`` holds each event's source, in the order of ``events``.
    """

    id: int
    type: str
    place: Place
    region: Region | None
    precision: str
    n_sources: int
    confidence: float
    first_seen: str | None
    date_start: str | None
    date_end: str | None
    first_day: str | None
    last_day: str | None
    events: tuple[Event, ...]
    outlets: tuple[str, ...]

    @property
    def n_events(self) -> int:
        return len(self.events)


@dataclass(frozen=True)
class IncidentOptions:
    """The grouping rule's parameters, stored with the store (see the module docstring)."""

    km: float = DEFAULT_KM
    days: int = DEFAULT_DAYS

    def __post_init__(self) -> None:
        if not (isinstance(self.km, int | float) and 0 <= self.km <= 100):
            raise ValueError(f"incident km must be between 0 and 100, not {self.km!r}")
        if not (isinstance(self.days, int) and 0 <= self.days <= 30):
            raise ValueError(f"incident days must be a whole number 0 to 30, not {self.days!r}")


def outlet(url: str | None, source: str | None, key: str) -> str:
    """Who published an article: the URL's host without ``www.``/``m.``, else its source
    name (lower case), else the article's own key (an unknown outlet is its own)."""
    if url:
        host = urlsplit(url).hostname
        if host and urlsplit(url).scheme.lower() in ("http", "https"):
            for prefix in ("www.", "m.", "amp."):
                host = host.removeprefix(prefix)
            return host
    if source and source.strip():
        return source.strip().lower()
    return key


def combined_confidence(by_source: Iterable[float]) -> float:
    """``1 - prod(1 - c)`` over each source's best confidence, capped at MAX_CONFIDENCE."""
    miss = 1.0
    for c in by_source:
        miss *= 1.0 - min(max(c, 0.0), 1.0)
    return round(min(1.0 - miss, MAX_CONFIDENCE), 4)


def window(date_start: str | None, date_end: str | None, published: str | None, days: int):
    """An event's days as ``(first, last)`` ISO dates: its own date range, else the
    publication day +/- ``days``; None when it has neither."""
    if date_start:
        return date_start[:10], (date_end or date_start)[:10]
    if published:
        d = date.fromisoformat(published[:10])
        return (d - timedelta(days=days)).isoformat(), (d + timedelta(days=days)).isoformat()
    return None


@dataclass
class _Key:
    """What an event or an incident's representative is compared on."""

    type: str
    precision: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    admin1_code: str | None
    country: str | None
    lo: str | None
    hi: str | None

    @property
    def groupable(self) -> bool:
        return (
            self.lo is not None
            and self.lat is not None
            and self.lon is not None
            and self.precision in _PRECISION_RANK
        )

    @property
    def zone(self) -> str:
        return self.admin1_code or self.country or ""


def _km(a: _Key, b: _Key) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def same_place(a: _Key, b: _Key, km: float) -> int | None:
    """How well two places match (0 same id, 1 nearby towns, 2 same region), None if not."""
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return 0
    ra, rb = _PRECISION_RANK[a.precision], _PRECISION_RANK[b.precision]
    if ra <= 1 and rb <= 1:  # towns and parts of regions
        return 1 if _km(a, b) <= km else None
    if ra == rb == 2:
        return 2 if a.admin1_code and a.admin1_code == b.admin1_code else None
    return None  # a region-level report cannot say which town; countries only by id


class _Index:
    """Incident representatives by (type, zone, week), to find candidates without a scan."""

    def __init__(self) -> None:
        self._buckets: dict[tuple, list[int]] = defaultdict(list)
        self.keys: dict[int, _Key] = {}

    @staticmethod
    def _weeks(k: _Key) -> range:
        lo = date.fromisoformat(k.lo).toordinal() // _BUCKET_DAYS
        hi = date.fromisoformat(k.hi).toordinal() // _BUCKET_DAYS
        return range(lo, max(lo, hi) + 1)

    def add(self, incident: int, k: _Key) -> None:
        self.keys[incident] = k
        for w in self._weeks(k):
            self._buckets[(k.type, k.zone, w)].append(incident)

    def find(self, k: _Key, km: float) -> int | None:
        best, best_score = None, None
        seen: set[int] = set()
        for w in self._weeks(k):
            for inc in self._buckets.get((k.type, k.zone, w), ()):
                if inc in seen:
                    continue
                seen.add(inc)
                r = self.keys[inc]
                if k.lo > r.hi or r.lo > k.hi:
                    continue
                place = same_place(k, r, km)
                if place is None:
                    continue
                gap = abs(
                    date.fromisoformat(k.lo).toordinal() - date.fromisoformat(r.lo).toordinal()
                )
                score = (place, gap, inc)
                if best_score is None or score < best_score:
                    best, best_score = inc, score
        return best


# the columns of events (e) and articles (a) a _Key and the sums are made from
_KEY_SQL = (
    "e.id, e.type, e.precision, e.geonameid, e.lat, e.lon, e.admin1_code, e.country, "
    "e.date_start, e.date_end, a.published"
)


def _key(row: Sequence, days: int) -> _Key:
    _, etype, prec, gid, lat, lon, a1, country, d1, d2, pub = row
    w = window(d1, d2, pub, days) or (None, None)
    return _Key(etype, prec, gid, lat, lon, a1, country, *w)


def group_events(db: sqlite3.Connection, event_ids: str, options: IncidentOptions) -> set[int]:
    """Give an incident to the events ``event_ids`` selects (a SQL query of event ids),
    in id order: each joins the best matching incident or starts one. Returns the
    incidents touched; their sums still need :func:`refresh`. Runs inside the caller's
    transaction."""
    rows = db.execute(
        f"SELECT {_KEY_SQL} FROM events e JOIN articles a ON a.id = e.article "
        f"WHERE e.id IN ({event_ids}) ORDER BY e.id"
    ).fetchall()
    if not rows:
        return set()
    keys = [(r[0], _key(r, options.days)) for r in rows]
    dated = [k for _, k in keys if k.groupable]
    index = _Index()
    if dated:
        lo, hi = min(k.lo for k in dated), max(k.hi for k in dated)
        for inc, *rep in db.execute(
            "SELECT id, type, precision, geonameid, lat, lon, admin1_code, country, lo, hi "
            "FROM incidents WHERE hi >= ? AND lo <= ? AND lo IS NOT NULL",
            (lo, hi),
        ):
            k = _Key(*rep)
            if k.groupable:
                index.add(inc, k)
    next_id = (db.execute("SELECT max(id) FROM incidents").fetchone()[0] or 0) + 1
    new_incidents, assign, touched = [], [], set()
    for event_id, k in keys:
        inc = index.find(k, options.km) if k.groupable else None
        if inc is None:
            inc, next_id = next_id, next_id + 1
            new_incidents.append(
                (inc, event_id, k.type, k.precision, k.geonameid, k.lat, k.lon, k.admin1_code,
                 k.country, k.lo, k.hi)
            )  # fmt: skip
            if k.groupable:
                index.add(inc, k)
        assign.append((inc, event_id))
        touched.add(inc)
    db.executemany(
        "INSERT INTO incidents (id, rep, type, precision, geonameid, lat, lon, admin1_code, "
        "country, lo, hi, n_events, n_sources, confidence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
        new_incidents,
    )
    db.executemany("UPDATE events SET incident = ? WHERE id = ?", assign)
    return touched


def release(db: sqlite3.Connection, incidents: set[int]) -> list[int]:
    """After events left ``incidents``: drop the empty ones, dissolve those whose
    representative left, and return the events to group again (in id order)."""
    if not incidents:
        return []
    _touched_table(db, incidents)
    db.execute(
        "DELETE FROM incidents WHERE id IN (SELECT id FROM temp.gn_touched) AND NOT EXISTS "
        "(SELECT 1 FROM events e WHERE e.incident = incidents.id)"
    )
    orphans = [
        r[0]
        for r in db.execute(
            "SELECT i.id FROM incidents i JOIN temp.gn_touched t ON t.id = i.id "
            "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = i.rep)"
        )
    ]
    if not orphans:
        return []
    _touched_table(db, set(orphans))
    again = [
        r[0]
        for r in db.execute(
            "SELECT e.id FROM events e JOIN temp.gn_touched t ON t.id = e.incident ORDER BY e.id"
        )
    ]
    db.execute(
        "UPDATE events SET incident = NULL WHERE incident IN (SELECT id FROM temp.gn_touched)"
    )
    db.execute("DELETE FROM incidents WHERE id IN (SELECT id FROM temp.gn_touched)")
    return again


def _touched_table(db: sqlite3.Connection, ids: Iterable[int]) -> None:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS gn_touched (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM temp.gn_touched")
    db.executemany("INSERT OR IGNORE INTO temp.gn_touched (id) VALUES (?)", ((i,) for i in ids))


def refresh(db: sqlite3.Connection, incidents: set[int] | None) -> None:
    """Recompute the sums of ``incidents`` (all when None) from their events."""
    if incidents is not None:
        if not incidents:
            return
        _touched_table(db, incidents)
        where = "WHERE e.incident IN (SELECT id FROM temp.gn_touched)"
    else:
        where = "WHERE e.incident IS NOT NULL"
    acc: dict[int, list] = {}
    for (
        inc, eid, prec, m_conf, d1, d2, t1, t2, conf, src, seen
    ) in db.execute(
        "SELECT e.incident, e.id, e.precision, e.m_confidence, e.date_start, e.date_end, "
        "e.t_start, e.t_end, e.confidence, a.outlet, coalesce(a.published, a.fetched) "
        f"FROM events e JOIN articles a ON a.id = e.article {where}"
    ):  # fmt: skip
        s = acc.get(inc)
        if s is None:
            # n, sources, best place, narrowest date, t_start, t_end, first seen
            s = acc[inc] = [0, {}, None, None, t1, t2, seen]
        s[0] += 1
        s[1][src] = max(s[1].get(src, 0.0), conf)
        place = (_PRECISION_RANK.get(prec, 9), -(m_conf or 0.0), eid)
        if s[2] is None or place < s[2]:
            s[2] = place
        if d1:
            span = (
                date.fromisoformat((d2 or d1)[:10]).toordinal()
                - date.fromisoformat(d1[:10]).toordinal(),
                d1,
                eid,
            )
            if s[3] is None or span < s[3]:
                s[3] = (*span, d2 or d1)
        if t1 and (s[4] is None or t1 < s[4]):
            s[4] = t1
        if t2 and (s[5] is None or t2 > s[5]):
            s[5] = t2
        if seen and (s[6] is None or seen < s[6]):
            s[6] = seen
    rows = []
    for inc, (n, sources, place, narrow, t1, t2, seen) in acc.items():
        d1 = d2 = None
        if narrow is not None:
            _, d1, _, d2 = narrow
            t1, t2 = d1, d2
        rows.append(
            (n, len(sources), combined_confidence(sources.values()), place[2], d1, d2, t1, t2,
             seen, inc)
        )  # fmt: skip
    db.executemany(
        "UPDATE incidents SET n_events = ?, n_sources = ?, confidence = ?, place_event = ?, "
        "date_start = ?, date_end = ?, t_start = ?, t_end = ?, first_seen = ? WHERE id = ?",
        rows,
    )


def regroup(db: sqlite3.Connection, options: IncidentOptions) -> None:
    """Group every stored event again from scratch, in stored order."""
    db.execute("UPDATE events SET incident = NULL WHERE incident IS NOT NULL")
    db.execute("DELETE FROM incidents")
    group_events(db, "SELECT id FROM events", options)
    refresh(db, None)


def load_options(db: sqlite3.Connection) -> IncidentOptions:
    """The grouping parameters stored with the store (the defaults if none)."""
    values = dict(db.execute("SELECT key, value FROM settings WHERE key LIKE 'incident_%'"))
    return IncidentOptions(
        km=float(values.get("incident_km", DEFAULT_KM)),
        days=int(values.get("incident_days", DEFAULT_DAYS)),
    )


def save_options(db: sqlite3.Connection, options: IncidentOptions) -> None:
    db.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [("incident_km", repr(float(options.km))), ("incident_days", str(options.days))],
    )

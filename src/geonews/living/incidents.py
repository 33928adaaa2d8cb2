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

import json
import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
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
    place: Place | None  # None: its event has no place (precision 'unknown')
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
        return _around(published[:10], days)
    return None


@lru_cache(maxsize=8192)
def _around(day: str, days: int) -> tuple[str, str]:
    d = date.fromisoformat(day)
    return (d - timedelta(days=days)).isoformat(), (d + timedelta(days=days)).isoformat()


@lru_cache(maxsize=8192)
def _week(day: str) -> int:
    return date.fromisoformat(day).toordinal() // _BUCKET_DAYS


@lru_cache(maxsize=8192)
def _ordinal(day: str) -> int:
    return date.fromisoformat(day).toordinal()


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
        if abs(a.lat - b.lat) * 111.19 > km:  # a degree of latitude is 111 km: far apart
            return None
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
        lo, hi = _week(k.lo), _week(k.hi)
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


def group(
    db: sqlite3.Connection, rows: Sequence[tuple], options: IncidentOptions
) -> tuple[dict[int, int], set[int]]:
    """Find an incident for each event of ``rows``, in order: the best matching incident
    stored or made for an earlier row, else a new one (inserted). ``rows`` are ``(event
    id, type, precision, geonameid, lat, lon, admin1_code, country, date_start, date_end,
    published)``. Returns each event's incident and the incidents touched, whose sums
    still need :func:`refresh`. Runs inside the caller's transaction."""
    if not rows:
        return {}, set()
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
    new_incidents, assign, touched = [], {}, set()
    km = options.km
    for event_id, k in keys:
        inc = index.find(k, km) if k.groupable else None
        if inc is None:
            inc, next_id = next_id, next_id + 1
            new_incidents.append(
                (inc, event_id, k.type, k.precision, k.geonameid, k.lat, k.lon, k.admin1_code,
                 k.country, k.lo, k.hi)
            )  # fmt: skip
            if k.groupable:
                index.add(inc, k)
        assign[event_id] = inc
        touched.add(inc)
    db.executemany(
        "INSERT INTO incidents (id, rep, type, precision, geonameid, lat, lon, admin1_code, "
        "country, lo, hi, n_events, n_sources, confidence) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)",
        new_incidents,
    )
    return assign, touched


def group_stored(db: sqlite3.Connection, event_ids: str, options: IncidentOptions) -> set[int]:
    """:func:`group` for stored events (``event_ids``: a SQL query of their ids), in id
    order, writing each one's incident. Returns the incidents touched."""
    rows = db.execute(
        f"SELECT {_KEY_SQL} FROM events e JOIN articles a ON a.id = e.article "
        f"WHERE e.id IN ({event_ids}) ORDER BY e.id"
    ).fetchall()
    assign, touched = group(db, rows, options)
    db.executemany(
        "UPDATE events SET incident = ? WHERE id = ?", ((i, e) for e, i in assign.items())
    )
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
    """Recompute the sums of ``incidents`` (all when None) from their events, in SQL."""
    if incidents is not None:
        if not incidents:
            return
        _touched_table(db, incidents)
        where = "WHERE e.incident IN (SELECT id FROM temp.gn_touched)"
    else:
        where = "WHERE e.incident IS NOT NULL"
    base = f"FROM events e JOIN articles a ON a.id = e.article {where}"
    sums = {
        inc: rest
        for inc, *rest in db.execute(
            "SELECT e.incident, count(*), min(e.t_start), max(e.t_end), "
            f"min(coalesce(a.published, a.fetched)) {base} GROUP BY e.incident"
        )
    }
    by_source: dict[int, dict[str, float]] = defaultdict(dict)
    for inc, src, conf in db.execute(
        f"SELECT e.incident, a.outlet, max(e.confidence) {base} GROUP BY e.incident, a.outlet"
    ):
        by_source[inc][src] = conf
    rank = " ".join(f"WHEN '{p}' THEN {r}" for p, r in _PRECISION_RANK.items())
    best = {
        inc: rest
        for inc, *rest in db.execute(
            "SELECT incident, id, k, c FROM (SELECT e.incident, e.id, "
            f"CASE e.precision {rank} ELSE 9 END AS k, e.m_confidence AS c, row_number() OVER "
            f"(PARTITION BY e.incident ORDER BY CASE e.precision {rank} ELSE 9 END, "
            f"e.m_confidence DESC, e.id) AS r {base}) WHERE r = 1"
        )
    }
    narrowest = {
        inc: (d1, d2)
        for inc, d1, d2 in db.execute(
            "SELECT incident, d1, d2 FROM (SELECT e.incident, e.date_start AS d1, "
            "coalesce(e.date_end, e.date_start) AS d2, row_number() OVER (PARTITION BY "
            "e.incident ORDER BY julianday(substr(coalesce(e.date_end, e.date_start), 1, 10)) "
            "- julianday(substr(e.date_start, 1, 10)), e.date_start, e.id) AS r "
            f"{base} AND e.date_start IS NOT NULL) WHERE r = 1"
        )
    }
    rows = []
    for inc, (n, t1, t2, seen) in sums.items():
        d1, d2 = narrowest.get(inc, (None, None))
        if d1 is not None:
            t1, t2 = d1, d2
        sources = by_source[inc]
        rows.append(
            (n, len(sources), _json(sources), combined_confidence(sources.values()), *best[inc],
             d1, d2, t1, t2, seen, inc)
        )  # fmt: skip
    _write_sums(db, rows)


def _json(sources: dict[str, float]) -> str:
    return json.dumps(sources, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _write_sums(db: sqlite3.Connection, rows: list[tuple]) -> None:
    db.executemany(
        "UPDATE incidents SET n_events = ?, n_sources = ?, sources = ?, confidence = ?, "
        "place_event = ?, place_rank = ?, place_conf = ?, date_start = ?, date_end = ?, "
        "t_start = ?, t_end = ?, first_seen = ? WHERE id = ?",
        rows,
    )


def add_to_sums(db: sqlite3.Connection, added: Sequence[tuple]) -> None:
    """Update the sums of incidents that only gained events, from those events alone:
    ``(incident, event id, precision, place confidence, date_start, date_end, t_start,
    t_end, confidence, outlet, first seen)``, in id order. The same result as
    :func:`refresh`, without reading the incidents' other events."""
    by_incident: dict[int, list[tuple]] = defaultdict(list)
    for a in added:
        by_incident[a[0]].append(a)
    state: dict[int, list] = {}
    ids = list(by_incident)
    for k in range(0, len(ids), 500):
        chunk = ids[k : k + 500]
        for inc, *rest in db.execute(
            "SELECT id, n_events, sources, place_event, place_rank, place_conf, date_start, "
            "date_end, t_start, t_end, first_seen FROM incidents "
            f"WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        ):
            state[inc] = rest
    rows = []
    for inc, events in by_incident.items():
        n, sources, place, rank, place_conf, d1, d2, t1, t2, seen = state[inc]
        sources = json.loads(sources) if sources else {}
        dated = d1 is not None
        for _, eid, prec, m_conf, e1, e2, u1, u2, conf, src, e_seen in events:
            n += 1
            sources[src] = max(sources.get(src, 0.0), conf)
            k = _PRECISION_RANK.get(prec, 9)
            if place is None or (k, -(m_conf or 0.0)) < (rank, -(place_conf or 0.0)):
                place, rank, place_conf = eid, k, m_conf
            if e1:
                e2 = e2 or e1
                if d1 is None or (_span(e1, e2), e1) < (_span(d1, d2), d1):
                    d1, d2 = e1, e2
            if not dated:
                t1 = u1 if t1 is None or (u1 and u1 < t1) else t1
                t2 = u2 if t2 is None or (u2 and u2 > t2) else t2
            if e_seen and (seen is None or e_seen < seen):
                seen = e_seen
        if d1 is not None:
            t1, t2 = d1, d2
        rows.append(
            (n, len(sources), _json(sources), combined_confidence(sources.values()), place, rank,
             place_conf, d1, d2, t1, t2, seen, inc)
        )  # fmt: skip
    _write_sums(db, rows)


def _span(d1: str, d2: str) -> int:
    return _ordinal(d2[:10]) - _ordinal(d1[:10])


def regroup(db: sqlite3.Connection, options: IncidentOptions) -> None:
    """Group every stored event again from scratch, in stored order."""
    db.execute("UPDATE events SET incident = NULL WHERE incident IS NOT NULL")
    db.execute("DELETE FROM incidents")
    group_stored(db, "SELECT id FROM events", options)
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

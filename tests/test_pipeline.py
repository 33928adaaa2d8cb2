"""End to end: article text → places → regions → events, on articles we wrote ourselves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import geonews
from geonews.pipeline import analyse

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

SEED_PLACES = {
    ("South Korea", "country"),
    ("North Korea", "country"),
    ("Russia", "country"),
    ("Kursk Oblast", "region"),
    ("Ukraine", "country"),
    ("Kherson", "city"),
    ("Sumy", "city"),
}


def _places(analysis) -> set[tuple[str, str]]:
    return {(m.place.name, m.place.kind) for m in analysis.mentions}


def _events_at(analysis, place: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for e in analysis.events:
        if e.place is not None and e.place.name == place:
            out.setdefault(e.type, []).append(e)
    return out


@pytest.fixture(scope="module")
def english():
    text = (EXAMPLES / "kursk-troops.en.txt").read_text(encoding="utf-8")
    return analyse(geonews.article_from_text(text, source="kursk-troops.en.txt"))


def test_english_rewrite_of_the_seed_finds_the_seven_places_and_no_others(english):
    assert english.lang == "en"
    assert _places(english) == SEED_PLACES


def test_english_rewrite_of_the_seed_finds_its_events(english):
    kursk = _events_at(english, "Kursk Oblast")
    assert {"deployment", "reconstruction", "demining", "ground_fighting"} <= set(kursk)
    assert any(e.origin and e.origin.place.name == "North Korea" for e in kursk["deployment"])
    assert all(e.precision == "region" for evs in kursk.values() for e in evs)
    kherson = _events_at(english, "Kherson")
    assert set(kherson) == {"strike"}
    assert kherson["strike"][0].casualties == "civilian"
    assert kherson["strike"][0].acled_event_type == "Explosions/Remote violence"
    assert kherson["strike"][0].acled_sub_event_type == "Air/drone strike"
    assert set(_events_at(english, "Sumy")) == {"fortification"}


def test_deployments_keep_origin_quantity_and_dates(english):
    ukraine = _events_at(english, "Ukraine")["deployment"][0]
    assert ukraine.origin.place.name == "North Korea"
    assert ukraine.quantities[0].value == 14000
    assert ukraine.quantities[0].unit == "soldiers"
    assert ukraine.date_start == date(2024, 1, 1)
    assert ukraine.date_end is None  # "since early 2024": open-ended
    dated = [e for e in _events_at(english, "Kursk Oblast")["deployment"] if e.date_start]
    assert (dated[0].date_start, dated[0].date_end) == (date(2025, 7, 1), date(2025, 8, 31))


def test_every_event_keeps_its_evidence(english):
    text = english.article.text
    for e in english.events:
        assert text[e.start : e.end] == e.sentence
        if e.mention is None:  # a heading or caption that names no place
            assert e.precision == "unknown" and e.place_from == "none"
        else:  # anaphora and places from earlier sentences say what they stand for
            assert e.mention.text in e.sentence or e.mention.reasons
        assert e.article.id == english.article.id
        assert 0 < e.confidence < 1
        assert e.reasons


def test_people_are_never_places(english):
    names = {m.text for m in english.mentions}
    assert not names & {"Kim", "Vladimir", "Putin", "Syrskyi", "Oleksandr"}
    a = analyse(
        "Felix Dahn and Bernard Mende met Kim Jong-un. General Syrsky visited the front.",
        lang="en",
    )
    assert a.mentions == ()


@pytest.mark.parametrize(
    "text",
    [
        "Une semaine plus tard, les combats ont repris.",
        "Four soldiers were wounded on Monday.",
        "Sol y sombra: a bullfighting term, not a town.",
        "Kim said the talks had failed.",
    ],
)
def test_common_words_and_first_names_are_not_places(text):
    assert analyse(text).mentions == ()


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Des renforts sont arrivés dans la région de Koursk.", "fr"),
        ("Des renforts sont arrivés dans l'oblast de Koursk.", "fr"),
        ("Reinforcements arrived in the Kursk region.", "en"),
        ("Reinforcements arrived in Kursk Oblast on Monday.", "en"),
    ],
)
def test_region_phrases_resolve_to_the_region_not_its_capital(text, lang):
    (m,) = analyse(text, lang).mentions
    assert (m.place.kind, m.place.name, m.place.admin1_code) == ("region", "Kursk Oblast", "RU.41")


@pytest.mark.parametrize(
    "surface, name",
    [("Koursk", "Kursk"), ("Курськ", "Kursk"), ("Курск", "Kursk"), ("Soumy", "Sumy"),
     ("Суми", "Sumy"), ("Херсон", "Kherson")],
)
def test_exonyms_and_scripts(surface, name):
    (m,) = analyse(f"Explosions were heard near {surface} overnight.", "en").mentions
    assert (m.text, m.place.name, m.place.kind) == (surface, name, "city")


def test_places_carry_ids_coordinates_regions_and_confidence():
    (m,) = analyse("Shelling was reported near Sumy.", "en").mentions
    p = m.place
    assert p.geonameid == 692194
    assert (p.country, p.admin1_code) == ("UA", "UA.21")
    assert p.lat == pytest.approx(50.917, abs=0.01) and p.lon == pytest.approx(34.799, abs=0.01)
    assert m.region.code == "UA.21"
    assert 0.5 < m.confidence < 1
    d = m.to_dict()
    assert {"start", "end", "text", "name", "kind", "lat", "lon", "geonameid", "country",
            "admin1", "admin1_name", "confidence"} <= set(d)
    assert (d["start"], d["end"]) == (27, 31)


def test_same_named_towns_are_told_apart_by_the_article():
    ua = analyse("Russian troops pressed on towards Pokrovsk in eastern Ukraine.", "en")
    assert {(m.place.name, m.place.country) for m in ua.mentions} >= {("Pokrovsk", "UA")}
    tx = analyse("The rodeo was held in Paris, Texas, last weekend.", "en")
    paris = next(m for m in tx.mentions if m.text == "Paris")
    assert (paris.place.country, paris.place.admin1) == ("US", "TX")
    fr = analyse("Thousands marched in Paris on Saturday.", "en")
    assert fr.mentions[0].place.country == "FR"


def test_kherson_city_is_joined_to_kherson_oblast():
    a = analyse("Air strikes hit Kherson overnight.", "en")
    (m,) = a.mentions
    assert m.place.kind == "city"
    assert m.region is not None and m.region.code == "UA.08"
    (e,) = a.events
    assert e.to_dict()["admin1"] == "UA.08"


def test_crimea_is_ukraine_and_flagged_occupied():
    a = analyse("A drone attack hit Simferopol, Crimea, on Sunday.", "en")
    simferopol = next(m for m in a.mentions if m.text == "Simferopol")
    assert simferopol.region.code == "UA.11"
    assert simferopol.region.country == "UA"
    assert simferopol.region.occupied
    e = next(e for e in a.events if e.place.name == "Simferopol")
    assert e.to_dict()["occupied"] is True and e.to_dict()["country"] == "UA"


def test_places_without_an_event_stay_as_context():
    text = (EXAMPLES / "frontline-roundup.fr.txt").read_text(encoding="utf-8")
    a = analyse(text)
    assert a.lang == "fr"
    places = {m.place.name for m in a.mentions}
    assert "Brussels" in places  # a meeting place, not an event
    assert "Paris" not in places  # "Le ministre Paris" is a person
    assert not [e for e in a.events if e.place.name == "Brussels"]
    by_place = {(e.type, e.place.name) for e in a.events}
    assert ("strike", "Kharkiv") in by_place
    assert ("ground_fighting", "Pokrovsk") in by_place
    assert ("demining", "Odesa") in by_place
    assert ("fortification", "Chernihiv Oblast") in by_place
    pokrovsk = next(m for m in a.mentions if m.text == "Pokrovsk")
    assert pokrovsk.place.admin1_code == "UA.05"  # Donetsk Oblast, named in the sentence


def test_extract_is_the_short_api():
    events = geonews.extract("Des frappes aériennes près de Kherson ont fait des victimes civiles.")
    assert [(e.type, e.place.name, e.casualties) for e in events] == [
        ("strike", "Kherson", "civilian")
    ]
    assert events[0].article.lang == "fr"


def test_text_with_no_place_gives_nothing():
    a = analyse("The weather was mild and nothing happened.", "en")
    assert a.mentions == () and a.events == ()

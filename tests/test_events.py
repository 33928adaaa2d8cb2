"""Events: type, place and ACLED fields of conflict notes."""

from __future__ import annotations

import pytest

from geonews.pipeline import analyse


@pytest.mark.parametrize(
    ("text", "place", "acled"),
    [
        (
            "On 28 April 2023, Russian forces shelled near Antonivka, Kherson. Casualties unknown.",
            "Antonivka",
            "Explosions/Remote violence",
        ),
        (
            "On 12 August 2023, Russian artillery shelled Beryslav, Kherson. One civilian was wounded.",
            "Beryslav",
            "Explosions/Remote violence",
        ),
        (
            (
                "On 21 October 2023, Russian forces dropped guided aerial bombs on Stepnohirsk, "
                "Zaporizhzhia. Casualties unknown."
            ),
            "Stepnohirsk",
            "Explosions/Remote violence",
        ),
        (
            "On 4 April 2024, Ukrainian forces clashed with Russian forces near Chasiv Yar, Donetsk.",
            "Chasiv Yar",
            "Battles",
        ),
        (
            "On 9 October 2023, Ukrainian forces shot down a Russian drone over Odesa, Odesa.",
            "Odesa",
            "Explosions/Remote violence",
        ),
    ],
)
def test_conflict_note_lands_on_the_town(text, place, acled):
    a = analyse(text, "en", join="gazetteer")
    assert a.events, a.mentions
    e = a.events[0]
    assert (e.place.name, e.acled_event_type, e.precision) == (place, acled, "town")


def test_each_place_of_a_list_gets_the_event():
    """ "shelled Bilozerka and Beryslav": two strikes, one in each town; a town and its
    region ("Antonivka, Kherson") are one place, not a list."""
    listed = analyse("Russian forces shelled Bilozerka and Beryslav on Monday.", "en")
    assert [(e.type, e.place.name) for e in listed.events] == [
        ("strike", "Bilozerka"),
        ("strike", "Beryslav"),
    ]
    apposed = analyse("Russian forces shelled near Antonivka, Kherson.", "en")
    assert [e.place.name for e in apposed.events] == ["Antonivka"]


@pytest.mark.parametrize(
    ("text", "lang", "etype", "place"),
    [
        ("Russian forces dropped explosives from a drone on Bilopillia.", "en", "strike", "Bilopillia"),
        ("Russian forces launched Shahed drones at Izmail overnight.", "en", "strike", "Izmayil"),
        ("Les paramilitaires ont attaqué El-Fasher.", "fr", "ground_fighting", "El Fasher"),
        ("Le gouverneur a fait état de tirs sur Chebekino.", "fr", "strike", "Shebekino"),
        ("ВСУ заняли Суджу в Курской области.", "ru", "ground_fighting", "Sudzha"),
        ("Российская армия наступает на Покровск.", "ru", "ground_fighting", "Pokrovsk"),
        ("Строят линии обороны под Токмаком Запорожской области.", "ru", "fortification", "Tokmak"),
    ],
)
def test_event_words_of_each_language(text, lang, etype, place):
    """Wordings of news and conflict notes that each language's triggers must know."""
    events = analyse(text, lang, join="gazetteer").events
    assert (etype, place) in [(e.type, e.place.name) for e in events]


def test_a_trigger_inside_a_longer_one_of_another_type_is_part_of_it():
    """ "drone attack on" is a strike, not also an "attack on" (ground fighting)."""
    en = analyse("A Russian drone attack on Sumy damaged a hospital.", "en", join="gazetteer")
    assert [e.type for e in en.events] == ["strike"]
    ru = analyse("Ночью беспилотники атаковали Никополь.", "ru", join="gazetteer")
    assert [e.type for e in ru.events] == ["strike"]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Residents of Kherson were evacuated from the riverbank.", "en", []),
        ("Жители Курска эвакуированы из приграничных районов.", "ru", []),
        ("Russian forces shelled Kherson, killing one civilian.", "en", [("strike", "civilian")]),
        ("L'armée russe a bombardé Kherson, tuant un civil.", "fr", [("strike", "civilian")]),
    ],
)
def test_casualties_need_someone_harmed(text, lang, expected):
    """Civilians named are not civilians harmed: an evacuation is no casualty event."""
    events = analyse(text, lang, join="gazetteer").events
    assert [(e.type, e.casualties) for e in events] == expected

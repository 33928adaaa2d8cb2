"""Events: type, place and ACLED fields of conflict notes."""

from __future__ import annotations

import pytest

from geonews.model import ACLED_SUB_EVENT_TYPES, EVENT_TYPES
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


def test_each_sub_event_type_belongs_to_one_acled_event_type():
    """An event's ACLED event type follows from its sub-event type; a type's default
    pair is one of ACLED's."""
    for event_type, sub_event_type in EVENT_TYPES.values():
        assert ACLED_SUB_EVENT_TYPES[sub_event_type] == event_type


EXPLOSIVE = ("Explosions/Remote violence", "Remote explosive/landmine/IED")
ARSON = ("Strategic developments", "Looting/property destruction")


@pytest.mark.parametrize(
    ("text", "lang", "place", "acled"),
    [
        ("Saboteurs set fire to a railway depot in Bryansk overnight.", "en", "Bryansk", ARSON),
        ("Partisans blew up a railway bridge near Melitopol on Tuesday.", "en", "Melitopol",
         EXPLOSIVE),
        ("Unknown attackers derailed a freight train near Bryansk.", "en", "Bryansk", ARSON),
        ("Des saboteurs ont incendié un dépôt ferroviaire à Briansk.", "fr", "Bryansk", ARSON),
        ("Des partisans ont fait sauter un pont ferroviaire près de Melitopol.", "fr", "Melitopol",
         EXPLOSIVE),
        ("La police enquête sur un incendie criminel dans un poste électrique près de Belgorod.",
         "fr", "Belgorod", ARSON),
        ("Saboteure sprengten eine Eisenbahnbrücke bei Melitopol.", "de", "Melitopol", EXPLOSIVE),
        ("Ein Brandanschlag auf ein Stellwerk bei Brjansk legte den Zugverkehr lahm.", "de",
         "Bryansk", ARSON),
        ("Die Polizei ermittelt wegen Sabotage an einer Bahnstrecke bei Kursk.", "de", "Kursk",
         ARSON),
        ("Partisanos volaron un puente ferroviario cerca de Melitópol.", "es", "Melitopol",
         EXPLOSIVE),
        ("Saboteadores incendiaron un depósito ferroviario en Briansk.", "es", "Bryansk", ARSON),
        ("Las autoridades investigan un sabotaje en la línea férrea cerca de Kursk.", "es", "Kursk",
         ARSON),
        ("Партизаны взорвали железнодорожный мост у Мелитополя.", "ru", "Melitopol", EXPLOSIVE),
        ("В Брянской области диверсанты подожгли релейный шкаф.", "ru", "Bryansk Oblast", ARSON),
        ("Под Курском произошла диверсия на железной дороге.", "ru", "Kursk", ARSON),
        ("В Москве задержан подросток за поджог релейного шкафа.", "ru", "Moscow", ARSON),
        ("Партизани підірвали залізничний міст біля Мелітополя.", "uk", "Melitopol", EXPLOSIVE),
        ("У Брянській області диверсанти підпалили релейну шафу.", "uk", "Bryansk Oblast", ARSON),
        ("Під Курськом сталася диверсія на залізниці.", "uk", "Kursk", ARSON),
    ],
)  # fmt: skip
def test_sabotage_in_each_language(text, lang, place, acled):
    """An act of sabotage is one event at its place: with explosives, ACLED's remote
    explosive; else (arson, derailing, unspecified) a property destruction."""
    events = analyse(text, lang, join="gazetteer").events
    assert [(e.type, e.place.name, (e.acled_event_type, e.acled_sub_event_type)) for e in events] == [
        ("sabotage", place, acled)
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Partisans blew up a railway bridge near Melitopol; the explosion shook the city.", "en"),
        ("A freight train was derailed by an explosion near Bryansk.", "en"),
        ("Партизаны взорвали железнодорожный мост у Мелитополя, взрыв был слышен в городе.", "ru"),
        (
            (
                "Una explosión destruyó un puente ferroviario cerca de Melitópol; los partisanos "
                "reivindicaron el sabotaje."
            ),
            "es",
        ),
        # "взрывчатку" is a strike's "взрыв*", "explosivos" a strike's "explosi*": both
        # inside a longer sabotage trigger
        ("Партизаны заложили взрывчатку под железнодорожный мост у Мелитополя.", "ru"),
        ("Partisanos colocaron explosivos bajo un puente ferroviario cerca de Melitópol.", "es"),
    ],
)  # fmt: skip
def test_the_explosion_of_a_sabotage_is_no_strike(text, lang):
    """An explosion word is a strike's trigger, and a word of explosive sabotage: in a
    sentence that reports a sabotage it is the sabotage's."""
    events = analyse(text, lang, join="gazetteer").events
    assert [(e.type, e.acled_sub_event_type) for e in events] == [("sabotage", EXPLOSIVE[1])]


def test_an_explosion_alone_is_still_a_strike():
    events = analyse("An explosion hit an ammunition depot near Melitopol.", "en").events
    assert [e.type for e in events] == ["strike"]


def test_an_arson_attack_on_is_no_ground_fighting():
    """ "attack on" is ground fighting; inside "arson attack on" it is part of the arson."""
    text = "Police are investigating an arson attack on a relay cabinet near Kolomna."
    events = analyse(text, "en", join="gazetteer").events
    assert [(e.type, e.place.name) for e in events] == [("sabotage", "Kolomna")]


@pytest.mark.parametrize(
    ("text", "lang", "types"),
    [
        # figurative sabotage, and a capital that stands for its government
        ("Moscow accused Kyiv of sabotage of the peace talks.", "en", []),
        ("Moscow accused Ukraine of sabotage.", "en", []),
        ("Moscow accused Kyiv of sabotaging the talks on military supplies in Istanbul.", "en", []),
        ("Киев подорвал доверие к переговорам в Стамбуле.", "ru", []),
        ("Cette décision a mis le feu aux poudres à Moscou.", "fr", []),
        ("Die Kosten sprengten den Rahmen des Wiederaufbaus in Charkiw.", "de", []),
        ("Los aviones militares volaron sobre Kursk.", "es", []),
        # a fire is no arson; a fire a strike lit is the strike's
        ("The fire brigade put out a blaze at a railway depot in Bryansk.", "en", []),
        ("Les pompiers ont éteint un incendie dans un dépôt ferroviaire à Briansk.", "fr", []),
        ("Ukrainian drones set fire to an oil depot in Tuapse.", "en", []),
        ("Беспилотники подожгли нефтебазу в Туапсе.", "ru", []),
        ("Ворожі дрони підпалили склад у Харкові.", "uk", []),
        ("Der Beschuss hat ein Tanklager bei Belgorod in Brand gesetzt.", "de", ["strike"]),
        # an act needs a saboteur or a target: a house on fire, a tank, a depot that blows up
        ("A man set fire to his car in Odesa.", "en", []),
        ("Russian forces blew up a Ukrainian tank near Avdiivka.", "en", []),
        ("В Мелитополе взорвался склад боеприпасов.", "ru", []),
        # a sabotage group on a raid fights: no sabotage until it destroys something
        ("Russian border guards clashed with a sabotage group near Sudzha.", "en",
         ["ground_fighting"]),
        ("Пограничники вступили в бой с диверсионно-разведывательной группой у Суджи.", "ru",
         ["ground_fighting"]),
    ],
)  # fmt: skip
def test_no_sabotage_without_an_act_a_target_and_no_strike(text, lang, types):
    events = analyse(text, lang, join="gazetteer").events
    assert [e.type for e in events] == types


@pytest.mark.parametrize(
    "text",
    [
        "Russian forces blew up the dam at Nova Kakhovka.",
        "The bridge near Kreminna was blown up by retreating troops.",
    ],
)
def test_a_demolition_by_troops_is_an_explosive_sabotage(text):
    """Whoever blows up a dam or a bridge, the act is a deliberate destruction with
    explosives: geonews files it under sabotage, and ACLED under remote explosives."""
    (event,) = analyse(text, "en", join="gazetteer").events
    assert (event.type, event.acled_event_type, event.acled_sub_event_type) == (
        "sabotage",
        *EXPLOSIVE,
    )


def test_a_sabotage_carries_its_casualties():
    text = "Partisans blew up a train near Melitopol, killing two Russian soldiers."
    (event,) = analyse(text, "en", join="gazetteer").events
    assert (event.type, event.casualties) == ("sabotage", "unspecified")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("A magnitude 6.8 earthquake struck off the coast of Hokkaido, near Sapporo.", "en"),
        ("Floods in Valencia killed more than 200 people.", "en"),
        ("Le séisme a frappé la province de Hatay, près d'Antakya, faisant 40 morts.", "fr"),
        ("Наводнение в Оренбурге унесло жизни трёх человек.", "ru"),
        ("Das Erdbeben traf die Stadt Antakya schwer.", "de"),
    ],
)
def test_a_natural_hazard_is_no_strike_and_its_dead_no_war_casualties(text, lang):
    """What an earthquake "struck" or a flood killed has no place on a war map."""
    assert analyse(text, lang, join="gazetteer").events == ()


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Storm Shadow missiles struck a port in Sevastopol, killing two people.", "en"),
        ("Tornado-S rockets hit Kharkiv overnight, killing two people.", "en"),
        ("Российские войска нанесли удар из РСЗО «Ураган» по Херсону, погибли двое.", "ru"),
    ],
)
def test_weapons_named_after_storms_still_strike(text, lang):
    """Storm Shadow, Tornado-S, Uragan: weapons, not weather."""
    events = analyse(text, lang, join="gazetteer").events
    assert [e.type for e in events] == ["strike"]


def test_drones_that_attacked_made_a_strike_not_a_battle():
    text = "On 1 June 2024, Ukrainian drones attacked an oil refinery in Novoshakhtinsk, Rostov."
    (event,) = analyse(text, "en", join="gazetteer").events
    assert (event.type, event.acled_event_type) == ("strike", "Explosions/Remote violence")
    assert event.mention.place.name == "Novoshakhtinsk"

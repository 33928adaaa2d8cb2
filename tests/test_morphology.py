"""Russian and Ukrainian words matched through pymorphy3's lemmas; abbreviations,
supranational areas and variant spellings as data; words that never name a place."""

from __future__ import annotations

import json

import pytest

from geonews.geoparse import find_places
from geonews.language import morph
from geonews.pipeline import analyse

needs_dictionaries = pytest.mark.skipif(
    not (morph.available("ru") and morph.available("uk")),
    reason="pymorphy3 or its ru/uk dictionaries are not installed",
)


def _found(text: str, lang: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.place.name, m.place.kind) for m in find_places(text, lang)]


@needs_dictionaries
@pytest.mark.parametrize(
    ("text", "lang", "surface", "name"),
    [
        ("Бои идут в Курской области.", "ru", "Курской", "Kursk Oblast"),
        ("Жители Москвы вышли на улицы.", "ru", "Москвы", "Moscow"),
        ("Он вернулся в Чувашии к работе.", "ru", "Чувашии", "Chuvashia"),
        ("Вибухи пролунали в Харкові вночі.", "uk", "Харкові", "Kharkiv"),
        ("Обстріл Запорізької області не вщухає.", "uk", "Запорізької області",
         "Zaporizhzhia Oblast"),
        ("Сирени лунали у Києві зранку.", "uk", "Києві", "Kyiv"),
        ("Бої тривають на Донеччині.", "uk", "Донеччині", "Donetsk Oblast"),
        # forms no ending rule of the lexicon reaches: a fleeting vowel, "-ии" read as a
        # plural, a two-word name of adjective and noun
        ("Делегация прибыла из Египта утром.", "ru", "Египта", "Egypt"),
        ("Правительственный кризис в Чехии затянулся.", "ru", "Чехии", "Czechia"),
        ("Учения прошли в Южной Корее.", "ru", "Южной Корее", "South Korea"),
        ("Санкции против Российской Федерации продлены.", "ru", "Российской Федерации",
         "Russia"),
        ("Він поїхав до Відня.", "uk", "Відня", "Vienna"),
        # a longer name wins over its first word with a case ending
        ("В Петропавловске-Камчатском ощутили толчки.", "ru", "Петропавловске-Камчатском",
         "Petropavlovsk-Kamchatsky"),
    ],
)
def test_inflected_forms_through_lemmas(text, lang, surface, name):
    assert (surface, name) in {(t, n) for t, n, _ in _found(text, lang)}


@needs_dictionaries
def test_lemmas_come_from_the_dictionary():
    assert ("харків", False) in morph.lemmas("харкові", "uk")
    assert morph.place_lemmas("чехии", "ru") == ("чехия",)
    # an adjective in the nominative of its gender, as a place named by one is written
    assert ("курская", True) in morph.lemmas("курской", "ru")
    assert morph.lemmas("qwerty", "ru") == ()


@needs_dictionaries
@pytest.mark.parametrize("word", ["Тоді", "Чому", "Давай", "Усі", "Юрій"])
def test_function_words_and_first_names_at_a_sentence_start_are_no_places(word):
    text = f"{word} ми говорили про це. Потім усі пішли додому."
    assert _found(text, "uk") == []


def test_without_the_dictionary_the_ending_rules_carry_on(monkeypatch):
    monkeypatch.setattr(morph, "_analyser", lambda lang: None)
    monkeypatch.setattr(morph, "_memo", lambda lang: {})
    assert morph.lemmas("харкові", "uk") == ()
    assert ("Харкові", "Kharkiv") in {(t, n) for t, n, _ in _found("Вибухи у Харкові.", "uk")}


@pytest.mark.parametrize(
    ("text", "lang", "surface", "name"),
    [
        ("Officials met in Washington, D.C. on Monday.", "en", "D.C.", "Washington"),
        ("The fire near Redding, Calif. spread.", "en", "Calif.", "California"),
        ("Flooding hit Charleston, W.Va. overnight.", "en", "W.Va.", "West Virginia"),
        ("Talks between the U.S. and the UK resumed.", "en", "U.S.", "United States"),
        ("Talks between the U.S. and the UK resumed.", "en", "UK", "United Kingdom"),
        ("Санкции РФ вступили в силу.", "ru", "РФ", "Russia"),
        ("Он родился в СССР.", "ru", "СССР", "Soviet Union"),
        ("Выборы в Каталонии прошли спокойно.", "ru", "Каталонии", "Catalonia"),
        ("Він жив в Англії.", "uk", "Англії", "England"),
        ("Посол США прибыл.", "ru", "США", "United States"),
        ("Ministers of the EU met.", "en", "EU", "European Union"),
        ("Рішення ЄС набуло чинності.", "uk", "ЄС", "European Union"),
        ("Refugees reached Europe and the Middle East.", "en", "Europe", "Europe"),
        ("Refugees reached Europe and the Middle East.", "en", "Middle East", "Middle East"),
        ("Криза на Балканах загострилася.", "uk", "Балканах", "Balkans"),
        ("Обстановка на Ближнем Востоке.", "ru", "Ближнем Востоке", "Middle East"),
        ("Він повернувся з Європи.", "uk", "Європи", "Europe"),
        ("Sie reisten nach Afrika.", "de", "Afrika", "Africa"),
        ("Der Gesandte reiste nach Rußland.", "de", "Rußland", "Russia"),
        ("Der Gesandte reiste nach Oesterreich.", "de", "Oesterreich", "Austria"),
    ],
)
def test_abbreviations_areas_and_variant_spellings(text, lang, surface, name):
    assert (surface, name) in {(t, n) for t, n, _ in _found(text, lang)}


@pytest.mark.parametrize(
    ("text", "lang", "surface", "country"),
    [
        ("Russian troops crossed the border.", "en", "Russian", "RU"),
        ("Les troupes nord-coréennes sont arrivées.", "fr", "nord-coréennes", "KP"),
        ("Die ukrainische Armee rückt vor.", "de", "ukrainische", "UA"),
        ("Die russische Armee zieht ab.", "de", "russische", "RU"),
        ("Un soldat ukrainien a été blessé.", "fr", "ukrainien", "UA"),
        ("Українські військові відійшли.", "uk", "Українські", "UA"),
        ("Поставки российских ракет выросли.", "ru", "российских", "RU"),
    ],
)
def test_demonyms_are_reported_apart_with_their_country(text, lang, surface, country):
    analysis = analyse(text, lang)
    found = {(m.text, m.place.country, m.kind) for m in analysis.demonyms}
    assert (surface, country, "demonym") in found
    assert all(m.kind == "place" for m in analysis.mentions)
    (d,) = [m for m in analysis.demonyms if m.text == surface]
    assert d.to_dict()["kind"] == "demonym" and d.place.kind == "country"


@needs_dictionaries
def test_a_russian_demonym_is_read_through_its_lemma():
    found = {(m.text, m.place.country) for m in analyse("Поставки американских ракет.", "ru").demonyms}
    assert found == {("американских", "US")}
    assert "американскии" in morph.normal_forms("американских", "ru")


def test_a_demonym_is_never_an_event_location_nor_drawn():
    text = "Russian artillery shelled positions near the village at dawn, killing two civilians."
    analysis = analyse(text, "en")
    assert [m.text for m in analysis.demonyms] == ["Russian"]
    # the sentence names no place: its event has none (precision "unknown"), not Russia
    assert analysis.events and all(e.mention is None for e in analysis.events)
    assert {e.precision for e in analysis.events} == {"unknown"}


def test_the_batch_output_keeps_demonyms_out_of_its_places():
    from geonews.batch import geoparse, geoparse_jsonl

    rec = {"id": "a", "lang": "en", "text": "Russian troops entered Kharkiv."}
    (out,) = geoparse([rec])
    assert [p["text"] for p in out["places"]] == ["Kharkiv"]
    assert [(d["text"], d["kind"], d["country"]) for d in out["demonyms"]] == [
        ("Russian", "demonym", "RU")
    ]
    line, error = next(iter(geoparse_jsonl([json.dumps(rec)])))
    assert not error
    assert json.loads(line) == out


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Kim met Hamas leaders in the evening.", "en"),
        ("Fighters of Hezbollah fired rockets.", "en"),
        ("Google said the outage was over.", "en"),
        ("Компания Google и ХАМАС сделали заявления.", "ru"),
    ],
)
def test_people_and_organisations_are_no_places(text, lang):
    assert _found(text, lang) == []


@pytest.mark.parametrize(
    ("text", "lang", "street"),
    [
        ("Il habite rue de Kiev, à Paris.", "fr", "Kiev"),
        ("A blast on Moscow Road in London.", "en", "Moscow"),
        ("Вибух на вулиці Київській у Львові.", "uk", "Київській"),
        ("Взрыв на ул. Киевской в Москве.", "ru", "Киевской"),
        ("Ein Brand in der Prager Straße in Wien.", "de", "Prager"),
    ],
)
def test_streets_named_after_places_are_no_places(text, lang, street):
    found = _found(text, lang)
    assert found and street not in {t for t, _, _ in found}


@needs_dictionaries
def test_a_towns_streets_are_the_town():
    found = _found("Ливни затопили улицы Махачкалы и Каспийска.", "ru")
    assert "Махачкалы" in {t for t, _, _ in found}


def test_demonyms_name_actors_the_lexicon_does_not_know():
    (strike,) = analyse("Turkish drones struck a fuel depot near Kharkiv on Monday.", "en").events
    assert strike.actors == ("Turkey",)
    # a country with actor words of its own is left to them (they tell who acts from
    # who reports): no second "Russia"
    (strike,) = analyse("Russian artillery shelled a fuel depot near Kharkiv.", "en").events
    assert strike.actors == ("Russia",)


def test_a_demonym_handed_to_the_classifier_is_no_location():
    import dataclasses

    from geonews.events.classify import classify_events
    from geonews.gazetteer.index import load_gazetteer
    from geonews.language.lexicon import load_lexicon
    from geonews.language.text import sentences
    from geonews.model import DEMONYM, Article

    text = "Missiles struck a fuel depot near Kharkiv overnight."
    lex, gaz = load_lexicon("en"), load_gazetteer()
    places = find_places(text, "en")
    assert classify_events(Article(text=text), places, lex, sentences(text), gaz)
    demonyms = [dataclasses.replace(m, kind=DEMONYM) for m in places]
    (event,) = classify_events(Article(text=text), demonyms, lex, sentences(text), gaz)
    assert event.mention is None and event.precision == "unknown"  # never at the demonym


@needs_dictionaries
@pytest.mark.parametrize(
    "lang, words",
    [
        ("ru", "курской донецкому белгородских приморском высоком новой старого южной"),
        ("uk", "запорізької харківського донецькій сумських київської новому старої"),
    ],
)
def test_adjective_nominatives_agree_with_pymorphy_inflect(lang, words):
    """morph reads an adjective's nominative from its paradigm (faster than building the
    lexeme); it must be the form pymorphy3's own inflect gives, for every reading."""
    analyser = morph._analyser(lang)
    checked = 0
    for word in words.split():
        for p in analyser.parse(word):
            if p.tag.POS != "ADJF":
                continue
            expected = p.inflect({"nomn"})
            assert morph._nominative(p, lang) == (
                expected.word if expected is not None else p.normal_form
            ), (word, p.tag)
            checked += 1
    assert checked >= len(words.split())

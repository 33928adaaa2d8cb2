"""Each language's data file: inflected forms, exonyms, region phrases, dates."""

from __future__ import annotations

import pytest

from geonews.errors import LexiconError
from geonews.geoparse import find_places
from geonews.language.lexicon import _from_data, available_languages, detect_language, load_lexicon
from geonews.model import ACLED_SUB_EVENT_TYPES
from geonews.pipeline import analyse


def _found(text: str, lang: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.place.name, m.place.kind) for m in find_places(text, lang)]


def test_six_languages_have_a_lexicon():
    assert {"en", "fr", "ru", "uk", "de", "es"} <= set(available_languages())
    for lang in ("ru", "uk", "de", "es"):
        assert load_lexicon(lang).events and load_lexicon(lang).months


@pytest.mark.parametrize("lang", ["en", "fr", "de", "es", "ru", "uk"])
def test_each_language_knows_sabotage(lang):
    """Its acts, who or what a sabotage needs, what rules one out, and the explosive
    and arson words that give its ACLED sub-event type."""
    lex = load_lexicon(lang)
    assert lex.events["sabotage"] and lex.event_requires["sabotage"]
    assert lex.event_excludes["sabotage"]
    assert set(lex.subtypes["sabotage"]) == {
        "Remote explosive/landmine/IED",
        "Looting/property destruction",
    }
    assert set(lex.strike_subtypes) == {"Air/drone strike", "Shelling/artillery/missile attack"}
    for subtypes in lex.subtypes.values():
        assert set(subtypes) <= set(ACLED_SUB_EVENT_TYPES)


def test_a_subtype_that_is_no_acled_sub_event_type_is_refused():
    data = {
        "lang": "xx",
        "name": "Test",
        "locative": ["at"],
        "events": {"sabotage": ["sabotage"]},
        "sabotage_subtypes": {"Explosive sabotage": ["blew up"]},
    }
    with pytest.raises(LexiconError, match="'Explosive sabotage' in sabotage_subtypes"):
        _from_data(data, "xx.json")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Российские войска нанесли удар по Харькову.", "ru", ("Харькову", "Kharkiv", "city")),
        ("Бои идут под Покровском.", "ru", ("Покровском", "Pokrovsk", "city")),
        ("Атака дронов на Суджу.", "ru", ("Суджу", "Sudzha", "city")),
        ("В Курской области введён режим ЧС.", "ru", ("Курской", "Kursk", "region")),
        ("Вибухи пролунали у Харкові.", "uk", ("Харкові", "Kharkiv", "city")),
        ("Зустріч відбулася у Києві.", "uk", ("Києві", "Kyiv", "city")),
        ("Бої тривають біля Часового Яру.", "uk", ("Часового Яру", "Chasiv Yar", "city")),
        ("Обстріл на Херсонщині.", "uk", ("Херсонщині", "Kherson", "region")),
        # regions named after no town: from the lexicon or the ISO 3166-2 translations
        ("Взрывы прогремели в Крыму.", "ru", ("Крыму", "Crimea", "region")),
        ("Учения прошли в Чечне.", "ru", ("Чечне", "Chechnya", "region")),
        ("Пожар в Подмосковье.", "ru", ("Подмосковье", "Moscow", "region")),
        ("Наводнение на Кубани.", "ru", ("Кубани", "Krasnodar Krai", "region")),
        ("Беспилотник упал в Краснодарском крае.", "ru", ("Краснодарском", "Krasnodar Krai", "region")),
        ("Навчання пройшли в Чечні.", "uk", ("Чечні", "Chechnya", "region")),
        # a lexicon name before a town that takes a case ending: not Kareli, India
        ("Лесные пожары в Карелии.", "ru", ("Карелии", "Karelia", "region")),
        # the krai named after Stavropol, not Tolyatti (once Stavropol-on-Volga)
        ("Взрыв в Ставропольском крае.", "ru", ("Ставропольском", "Stavropol Krai", "region")),
        ("Un drone abattu près de l'île aux Serpents.", "fr", ("île aux Serpents", "Snake Island", "other")),
        # krais named by an adjective, after no town ("Приморск" is a town near St Petersburg,
        # "Алтай" the Altai Republic)
        ("Тревога в Приморском крае.", "ru", ("Приморском крае", "Primorsky Krai", "region")),
        ("Учения в Алтайском крае.", "ru", ("Алтайском крае", "Altai Krai", "region")),
        ("Тривога у Приморському краї.", "uk", ("Приморському краї", "Primorsky Krai", "region")),
        ("Вибухи у Краснодарському краї.", "uk", ("Краснодарському", "Krasnodar Krai", "region")),
        # -щина names of oblasts in every case: Kursk's, not Chur ("Кур"); Sumy, Odesa, Cherkasy
        ("Бої на Курщині тривають.", "uk", ("Курщині", "Kursk", "region")),
        ("Ворог обстрілює Сумщину.", "uk", ("Сумщину", "Sumy", "region")),
        ("Удари по Одещині та Черкащині.", "uk", ("Одещині", "Odesa", "region")),
        ("Удари по Одещині та Черкащині.", "uk", ("Черкащині", "Cherkasy", "region")),
        # a region's adjective names the oblast, not a namesake town (Nikolayevsk, Volgograd)
        ("Удары по Николаевской области продолжаются.", "ru", ("Николаевской", "Mykolaiv", "region")),
        # a title before a region or a large city in an oblique case is the place's office
        ("Президент Татарстана заявил о мерах.", "ru", ("Татарстана", "Tatarstan", "region")),
        ("Губернатор Курской области сообщил об атаке.", "ru", ("Курской", "Kursk", "region")),
        ("Мэр Москвы заявил о мерах.", "ru", ("Москвы", "Moscow", "city")),
        ("Kämpfe im Gebiet Kursk.", "de", ("Kursk", "Kursk", "region")),
        ("Angriffe auf Charkiw.", "de", ("Charkiw", "Kharkiv", "city")),
        ("Combates en la región de Kursk.", "es", ("Kursk", "Kursk", "region")),
        ("Bombardeos en Járkov.", "es", ("Járkov", "Kharkiv", "city")),
    ],
)
def test_inflections_exonyms_and_region_phrases(text, lang, expected):
    surface, name, kind = expected
    found = [(t, n.replace(" Oblast", ""), k) for t, n, k in _found(text, lang)]
    assert (surface, name, kind) in found


def test_detection_tells_the_languages_apart():
    assert detect_language("Російські війська обстріляли Харків і Херсон.") == "uk"
    assert detect_language("Российские войска обстреляли Харьков и Херсон.") == "ru"
    assert (
        detect_language("Die russischen Truppen haben die Stadt in der Nacht angegriffen.") == "de"
    )
    assert detect_language("Las tropas rusas bombardearon la ciudad durante la noche.") == "es"


@pytest.mark.parametrize(
    ("text", "lang", "place", "date"),
    [
        (
            "28 апреля 2023 года российские войска обстреляли Белозерку Херсонской области.",
            "ru",
            "Bilozerka",
            "2023-04-28",
        ),
        (
            "El 12 de agosto de 2023, la artillería rusa bombardeó Berislav, en la región de Jersón.",
            "es",
            "Beryslav",
            "2023-08-12",
        ),
        (
            "Am 17. Juni 2023 beschoss die russische Armee die Stadt Orichiw im Gebiet Saporischschja.",
            "de",
            "Orikhiv",
            "2023-06-17",
        ),
    ],
)
def test_conflict_notes_in_other_languages(text, lang, place, date):
    (event, *_) = analyse(text, lang, join="gazetteer").events
    assert event.place.name == place
    assert event.date_start.isoformat() == date


@pytest.mark.parametrize(
    ("text", "lang", "place", "trigger"),
    [
        ("СК возбудил дело о диверсии на железной дороге в Брянской области.", "ru",
         "Bryansk Oblast", "диверсии"),
        ("Диверсию на железной дороге под Курском расследует ФСБ.", "ru", "Kursk", "Диверсию"),
        ("Задержан подозреваемый в поджоге военкомата в Москве.", "ru", "Moscow", "поджоге"),
        ("Мост у Мелитополя был взорван партизанами.", "ru", "Melitopol", "взорван"),
        ("После подрыва железнодорожных путей в Брянской области движение поездов остановлено.",
         "ru", "Bryansk Oblast", "подрыва"),
        ("СБУ розслідує справу про диверсії на залізниці біля Мелітополя.", "uk", "Melitopol",
         "диверсії"),
        ("Після підриву залізничного мосту біля Мелітополя рух потягів зупинено.", "uk",
         "Melitopol", "підриву"),
        ("Партизани повідомили про підпал релейної шафи у Мелітополі.", "uk", "Melitopol",
         "підпал"),
        ("Міст біля Мелітополя підірвано.", "uk", "Melitopol", "підірвано"),
    ],
)  # fmt: skip
def test_sabotage_words_in_their_inflected_forms(text, lang, place, trigger):
    """Nouns in their cases, verbs in their persons and the passive: each a sabotage."""
    events = analyse(text, lang, join="gazetteer").events
    assert [(e.type, e.place.name, e.triggers) for e in events] == [
        ("sabotage", place, (trigger,))
    ]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Партизаны сообщили о переброске техники в Мелитополь.", "ru"),
        ("Партизани повідомили про перекидання техніки до Мелітополя.", "uk"),
        # a military truck that hits a mine ("подорвался") is blown up by no saboteur
        ("Военный грузовик подорвался на мине у Мелитополя.", "ru"),
    ],
)
def test_no_sabotage_from_partisans_who_report_or_a_truck_on_a_mine(text, lang):
    events = analyse(text, lang, join="gazetteer").events
    assert "sabotage" not in [e.type for e in events]


@pytest.mark.parametrize(
    ("text", "lang", "admin1"),
    [
        # the adjective's town is irregular (Суми, Запоріжжя): the region's own name matches
        ("Обстріл Сумської області.", "uk", "UA.21"),
        ("Вибухи у Запорізькій області.", "uk", "UA.26"),
        ("Обстрел Запорожской области.", "ru", "UA.26"),
    ],
)
def test_oblasts_named_by_an_adjective_whose_town_is_irregular(text, lang, admin1):
    assert [(p.kind, p.admin1_code) for p in (m.place for m in find_places(text, lang))] == [
        ("region", admin1)
    ]


@pytest.mark.parametrize(
    ("text", "lang", "village", "unit"),
    [
        ("Дрон атакував село Новоселівка Запорізького району Запорізької області.", "uk",
         "Novoselivka", "Zaporizhzhya raion"),
        ("Дрон атаковал село Мостовое Вознесенского района Николаевской области.", "ru",
         "Mostove", "Voznesensk raion"),
    ],
)  # fmt: skip
def test_a_village_and_its_raion_in_the_genitive(text, lang, village, unit):
    found = {(m.place.name, m.place.kind) for m in find_places(text, lang)}
    assert {(village, "city"), (unit, "other")} <= found

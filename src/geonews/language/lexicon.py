"""Language knowledge, loaded from one data file per language (``geonews/language/lang/XX.json``).

A lexicon says how a language names regions ("région de X", "X Oblast"), which
words place an event somewhere ("près de", "near"), which words announce an
event ("frappes", "shelled"), who the actors are ("nord-coréens"), how dates and
quantities are written, and which capitalised words are titles of people. The
engine in :mod:`geonews.geoparse` and :mod:`geonews.events.classify` is the same for every
language: adding a language is adding a file.

Word lists are matched on *folded* text (see :func:`geonews.language.text.fold`). An entry
ending in ``*`` matches any word that starts with it ("déploi*" matches
"déploiement", "déploient"); so does a word of a phrase ("атак* дронов").
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources

from geonews.errors import LexiconError
from geonews.language.text import fold, key
from geonews.model import ACLED_SUB_EVENT_TYPES

_REQUIRED = ("lang", "name", "locative", "events")


@dataclass(frozen=True)
class Phrases:
    """A compiled list of words and phrases, matched on folded text at word boundaries."""

    entries: tuple[str, ...]
    pattern: re.Pattern[str] | None

    @classmethod
    def build(cls, entries: list[str] | tuple[str, ...]) -> Phrases:
        entries = tuple(e for e in entries if e.strip())
        if not entries:
            return cls((), None)
        alts = ["".join(entry_atoms(e)) for e in sorted(entries, key=len, reverse=True)]
        pat = re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])", re.UNICODE)
        return cls(entries, pat)

    @cached_property
    def _suffix_pattern(self) -> re.Pattern[str] | None:
        if self.pattern is None:
            return None
        return re.compile(r"(?:" + self.pattern.pattern + r")['\s]*\Z", re.UNICODE)

    @cached_property
    def _prefix_pattern(self) -> re.Pattern[str] | None:
        if self.pattern is None:
            return None
        return re.compile(r"\s*(?:" + self.pattern.pattern + r")", re.UNICODE)

    @cached_property
    def last_words(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """What a text ending with one of the phrases must show: (words it then ends with,
        stems it then contains), from each entry's last word; None: no such guarantee."""
        exact, stems = set(), set()
        for e in self.entries:
            prefix = e.endswith("*")
            body = fold(e.rstrip("*"))
            if not prefix:
                body = body.rstrip("'")  # "l'" matches "l", "l'" and "l "
            last = _LAST_TOKEN.search(body).group(0).rsplit("*", 1)
            if not last[-1]:
                return None
            if prefix or len(last) > 1:
                stems.add(last[-1])
            else:
                exact.add(last[-1])
        return tuple(exact), tuple(stems)

    @cached_property
    def max_gaps(self) -> int:
        """At most how many runs of spaces a match of one phrase spans: one per space and
        per apostrophe of an entry (each matched by ``\\s+`` or ``['\\s]?``)."""
        gaps = (sum(ch.isspace() or ch == "'" for ch in fold(e)) for e in self.entries)
        return max(gaps, default=0)

    def ends(self, folded: str) -> re.Match[str] | None:
        """The phrase that ``folded`` ends with (before optional spaces), if any."""
        pat = self._suffix_pattern
        if pat is None:
            return None
        tail = phrase_tail(folded)
        # a cheap necessary test first: most texts end with no phrase's last word
        last = self.last_words
        if last is not None:
            exact, stems = last
            if not tail.endswith(exact) and not any(map(tail.__contains__, stems)):
                return None
        # the match is the one that starts first: no need to try the start of a long text
        return pat.search(folded, phrase_start_bound(tail, self.max_gaps))

    def starts(self, folded: str) -> re.Match[str] | None:
        """The phrase that ``folded`` starts with (after optional spaces), if any."""
        pat = self._prefix_pattern
        if pat is None:
            return None
        # a cheap necessary test first: every match begins with one of the stems
        stems = self.stems
        if stems is not None and not folded.lstrip().startswith(stems):
            return None
        return pat.match(folded)

    def finditer(self, folded: str, pos: int = 0, endpos: int | None = None):
        if self.pattern is None:
            return iter(())
        return self.pattern.finditer(folded, pos, len(folded) if endpos is None else endpos)

    def search(self, folded: str, pos: int = 0) -> re.Match[str] | None:
        return self.pattern.search(folded, pos) if self.pattern is not None else None

    def fullmatch(self, folded: str) -> bool:
        return bool(self.pattern is not None and self.pattern.fullmatch(folded))

    def __bool__(self) -> bool:
        return self.pattern is not None

    @cached_property
    def stems(self) -> tuple[str, ...] | None:
        """The word characters each entry starts with: every match begins, at a word start,
        with one of them. None when some entry starts otherwise (no such guarantee)."""
        out = set()
        for e in self.entries:
            stem = _STEM.match(fold(e.rstrip("*"))).group(0)
            if not stem:
                return None
            out.add(stem)
        return tuple(sorted(out, key=len, reverse=True))


def phrase_tail(folded: str) -> str:
    """``folded`` without the spaces and apostrophes it ends with."""
    tail = folded.rstrip()
    while tail.endswith("'"):
        tail = tail.rstrip("'").rstrip()
    return tail


def phrase_start_bound(tail: str, gaps: int) -> int:
    """Where in ``tail`` a phrase that ends it may start at the earliest, if the phrase spans
    at most ``gaps`` runs of spaces: the start of its ``gaps + 1``-th last word (0 when it
    has fewer). ``tail`` ends with neither spaces nor apostrophes (see :func:`phrase_tail`)."""
    words = tail.rsplit(None, gaps + 1)
    return len(words[0]) if len(words) > gaps + 1 else 0


def entry_atoms(entry: str) -> list[str]:
    """The regex of one entry of a word list (see :class:`Phrases`), a piece for each
    character: a space matches any run of spaces, an apostrophe an apostrophe, a space
    or nothing ("l'armée", "l armée", "larmée"), a ``*`` any rest of a word ("атак*
    дронов"), as does a final one."""
    atoms = [_ATOMS.get(ch) or re.escape(ch) for ch in fold(entry.rstrip("*"))]
    if entry.endswith("*"):
        atoms.append(_WORD_REST)
    return atoms


_WORD_REST = r"[\w'-]*"
_ATOMS = {" ": r"\s+", "'": r"['\s]?", "*": _WORD_REST}


def phrases_pattern(groups) -> re.Pattern[str] | None:
    """One pattern that matches wherever a phrase of one of ``groups`` does, at the same
    offsets (at word boundaries): all their entries as one trie, read a character at a
    time, so that one pass over a whole text finds where any of them is. None when the
    groups have no entries."""
    trie: dict[str, dict] = {}
    for g in groups:
        for e in g.entries:
            node = trie
            for atom in entry_atoms(e):
                node = node.setdefault(atom, {})
            node[""] = {}  # an entry ends here
    if not trie:
        return None
    return re.compile(rf"(?<!\w)(?:{trie_regex(trie)})(?!\w)", re.UNICODE)


def trie_regex(node: dict[str, dict]) -> str:
    """A regex alternation of the sequences of regex pieces in the trie ``node`` (a piece
    -> the trie of what follows it; "" -> {} where a sequence ends), each piece once per
    branch: "a(?:ir(?:\\s+strike|)|rtillery)" rather than a try of every sequence."""
    alts = [atom + trie_regex(sub) for atom, sub in node.items() if atom]
    if "" in node and alts:
        alts.append("")  # a sequence ends here, others go on
    if len(alts) == 1:
        return alts[0]
    return "(?:" + "|".join(alts) + ")" if alts else ""


_STEM = re.compile(r"\w*")
_LAST_TOKEN = re.compile(r"[^\s']*\Z")


def stem_pattern(groups) -> re.Pattern[str] | None:
    """A pattern found (at least) wherever a phrase of one of ``groups`` starts: the
    stems of their entries at a word start. A cheap first pass over a whole text; None
    when the groups have no usable stems."""
    stems: set[str] = set()
    for g in groups:
        if g.stems is None:
            return None
        stems.update(g.stems)
    if not stems:
        return None
    # a stem that extends another adds no start: keep the shortest, as a trie
    stems = {x for x in stems if not any(x[:i] in stems for i in range(1, len(x)))}
    return re.compile(rf"(?<!\w)(?:{_trie_alternation(stems)})", re.UNICODE)


def _trie_alternation(words: set[str]) -> str:
    """A regex alternation of ``words`` (none a prefix of another) shaped as a trie:
    "a(?:ir|rtillery)|b..." is read a character at a time, not a word at a time."""
    by_first: dict[str, set[str]] = {}
    for w in words:
        by_first.setdefault(w[0], set()).add(w[1:])
    alts = []
    for first, rests in sorted(by_first.items()):
        if rests == {""}:
            alts.append(re.escape(first))
        else:
            alts.append(f"{re.escape(first)}(?:{_trie_alternation(rests)})")
    return "|".join(alts)


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Everything geonews knows about one language."""

    lang: str
    name: str
    stopwords: frozenset[str]
    locative: Phrases  # words after which a place is where something happens
    region_before: Phrases  # "région", "oblast" in "région de Koursk"
    region_connectors: tuple[str, ...]  # "de", "d'", "du"
    region_qualifiers: frozenset[str]  # "russe" in "région russe de Koursk"
    #: "raion", "hromada", "район": a unit below a region, written small at the end of
    #: its name ("Pokrovsk raion", "Velykonovosilkivska hromada")
    unit_words: frozenset[str]
    region_after: Phrases  # "region", "oblast" in "Kursk region"
    region_anaphora: Phrases  # "cette région"
    feature_words: Phrases  # "ville de", "village of": a place follows
    articles: frozenset[str]  # "la", "l'", "the": may stand between a locative word and a place
    reporting: Phrases  # "said", "a confirmé": whoever says it reports, it does not act
    according_to: Phrases  # "selon", "according to": whoever follows reports
    person_titles: frozenset[str]  # folded: "general", "president", "m"
    modifiers: frozenset[str]  # "eastern", "nord": capitalised words that are not names
    suffixes: tuple[str, ...]  # inflection endings a place name may take
    place_names: dict[str, list[str]]  # extra names: "Corée du Nord" -> ["country:KP"]
    actors: dict[str, Phrases]  # "North Korea" -> phrases naming it as an actor
    actor_countries: dict[str, str]  # "North Korea" -> "KP"
    events: dict[str, Phrases]  # event type -> triggers
    event_requires: dict[str, Phrases]  # event type -> words one of which must be near
    #: event type -> ACLED sub-event type -> words that say the event is of that kind
    #: (``"strike_subtypes"``, ``"sabotage_subtypes"`` in the data file)
    subtypes: dict[str, dict[str, Phrases]]
    casualties: dict[str, Phrases]  # "civilian" / "unspecified" -> phrases
    quantity_units: dict[str, Phrases]  # "soldiers" -> words
    quantity_hedges: Phrases  # "environ", "about"
    months: dict[str, int]  # folded month name -> 1..12
    date_parts: dict[str, str]  # folded word -> "early" | "mid" | "late"
    date_since: Phrases  # "depuis", "since"
    date_range_joiners: tuple[str, ...]  # "-", "ou", "or", "et", "and"
    date_year_words: frozenset[str]  # words after which a bare year is a date: "en", "in"
    abbreviations: tuple[str, ...]
    detect_words: frozenset[str] = field(default_factory=frozenset)
    #: (ending, replacement, names a region) rules that turn an inflected word into the
    #: name it inflects: ("ові", "ів") for Харкові → Харків, ("щині", "", True) for
    #: Херсонщині → the region of Херсон. Longest ending first.
    inflections: tuple[tuple[str, str, bool], ...] = ()
    #: The morphological analyser whose dictionary lemmatises the language's words
    #: ("pymorphy3" for Russian and Ukrainian: see :mod:`geonews.language.morph`); None:
    #: the suffix rules alone.
    morphology: str | None = None
    #: Country code -> the language's adjectives of that country, in their dictionary
    #: form ("russe", "американский"): demonyms, which name a country's people, forces or
    #: government, not a place to draw. Folded.
    demonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Organisations and groups whose names a gazetteer also has ("Hamas", a Turkish town's
    #: alternate name; "Google", Topeka's joke name of 2010): never places. Keys, folded.
    organisations: frozenset[str] = frozenset()
    #: Words that make a place's name the name of a street: before it ("rue de Kiev",
    #: "вулиця Київська", "ул. Горького") or after it ("Moscow Road", "Berliner Straße"). A
    #: street is no place (geonews has no option for streets yet).
    street_before: Phrases = field(default_factory=lambda: Phrases.build(()))
    street_after: Phrases = field(default_factory=lambda: Phrases.build(()))
    #: The endings those adjectives take ("e", "s", "es" in French), longest first.
    demonym_endings: tuple[str, ...] = ()
    #: Whether common nouns are capitalised (German), so a capital says little.
    noun_capitals: bool = False
    #: Words that make a place name the name of a disease or a pathogen: after it
    #: ("Marburg virus", "Lassa fever") or before it ("virus de Marburg", "лихорадка Ласса").
    disease_after: Phrases = field(default_factory=lambda: Phrases.build(()))
    disease_before: Phrases = field(default_factory=lambda: Phrases.build(()))
    #: What follows a person's name and not a place's: "Jordan Henderson, who",
    #: "Paris Hilton a assisté" (with ``reporting``: "Israel Katz said").
    person_after: Phrases = field(default_factory=lambda: Phrases.build(()))
    #: Capitalised words that follow a place and are no part of a person's name: an
    #: institution or office ("California Department of Health", "Queensland Police")
    #: or a day ("Quezon City Wednesday"). Folded.
    not_surnames: frozenset[str] = frozenset()
    #: Words that join the items of a list ("and", "et", "та"). Folded.
    conjunctions: frozenset[str] = frozenset()
    #: How the language transliterates names from Cyrillic, to find the English form
    #: GeoNames knows ("Vovtchansk" → "vovchansk"); None: it writes them the English way.
    transliteration: Transliteration | None = None
    #: Lower-case generic words that begin a place name ("mer Noire", "golfe Persique",
    #: "остров Змеиный"): a candidate name may start at them, not only at a capital.
    #: Matches the word, in the text as written, when another word follows.
    feature_heads: re.Pattern[str] | None = None
    #: event type -> words none of which may be in the sentence: "talks" in "sabotage of
    #: the talks", "drone" in "a drone set fire to a depot" (a strike, not an arson).
    event_excludes: dict[str, Phrases] = field(default_factory=dict)
    #: Natural hazards ("earthquake", "séisme", "наводнение"): what "struck" or "hit" in
    #: a sentence naming one, and who died in it, is no strike and no war casualty.
    natural_hazards: Phrases = field(default_factory=lambda: Phrases.build(()))
    #: News agencies named in parentheses in a dateline: "KHARKIV, May 5 (Reuters) —",
    #: "Kyiv (AFP) -". Folded.
    dateline_agencies: frozenset[str] = frozenset()
    #: What says nobody was harmed ("no casualties were reported", "пострадавших нет"): a
    #: sentence with one reports no casualties.
    casualty_negations: Phrases = field(default_factory=lambda: Phrases.build(()))

    @property
    def strike_subtypes(self) -> dict[str, Phrases]:
        """ACLED sub-event type -> words, for strikes."""
        return self.subtypes.get("strike", {})

    @cached_property
    def event_stems(self) -> re.Pattern[str] | None:
        """Found wherever an event trigger starts (and elsewhere); None: no such pattern."""
        return stem_pattern(self.events.values())

    @cached_property
    def actor_stems(self) -> re.Pattern[str] | None:
        """Found wherever a phrase naming an actor starts (and elsewhere)."""
        return stem_pattern(self.actors.values())

    @cached_property
    def report_stems(self) -> re.Pattern[str] | None:
        """Found wherever an event trigger or a casualty phrase starts (and elsewhere):
        a sentence where it is not found reports no event."""
        if not self.events and not self.casualties:
            return re.compile(r"(?!x)x")  # never found: no sentence can report anything
        return stem_pattern([*self.events.values(), *self.casualties.values()])


@dataclass(frozen=True)
class Transliteration:
    """Rewrite rules from a language's transliteration of Cyrillic names to English's.

    ``rules`` are (regular expression, replacement) pairs, applied at once to a folded
    name (each part of the name is rewritten by the first rule that matches there, and
    never again: "tch" → "ch" is not then taken for "ch" → "sh"); ``countries`` (ISO
    codes) are those whose names such rules apply to.
    """

    pattern: re.Pattern[str]
    replacements: tuple[str, ...]
    countries: frozenset[str]

    @classmethod
    def build(cls, data: dict | None) -> Transliteration | None:
        if not data or not data.get("rules"):
            return None
        rules = data["rules"]
        pattern = re.compile("|".join(f"({p})" for p, _ in rules))
        return cls(pattern, tuple(r for _, r in rules), frozenset(data.get("countries", [])))

    def apply(self, name: str) -> str:
        return self.pattern.sub(lambda m: self.replacements[m.lastindex - 1], name)


def _phrases(data: dict, name: str) -> Phrases:
    return Phrases.build(data.get(name, []))


def _phrase_map(data: dict, name: str) -> dict[str, Phrases]:
    return {k: Phrases.build(v) for k, v in data.get(name, {}).items()}


def _subtypes(data: dict, source: str) -> dict[str, dict[str, Phrases]]:
    """Each event type's ``<type>_subtypes`` map, checked against the ACLED sub-event
    types geonews knows."""
    out = {}
    for etype in data.get("events", {}):
        by_subtype = _phrase_map(data, f"{etype}_subtypes")
        unknown = [s for s in by_subtype if s not in ACLED_SUB_EVENT_TYPES]
        if unknown:
            raise LexiconError(
                f"{source}: unknown ACLED sub-event type {unknown[0]!r} in {etype}_subtypes:"
                f" use one of {', '.join(ACLED_SUB_EVENT_TYPES)}",
                data.get("lang"),
            )
        if by_subtype:
            out[etype] = by_subtype
    return out


def _inflections(rules: list) -> tuple[tuple[str, str, bool], ...]:
    out = []
    for rule in rules:
        ending, replacement, *flag = rule
        out.append((fold(ending), fold(replacement), bool(flag and flag[0] == "region")))
    return tuple(sorted(out, key=lambda r: len(r[0]), reverse=True))


def _from_data(data: dict, source: str) -> Lexicon:
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise LexiconError(f"{source}: missing {', '.join(missing)}", data.get("lang"))
    actors_raw = data.get("actors", {})
    try:
        return Lexicon(
            lang=data["lang"],
            name=data["name"],
            stopwords=frozenset(fold(w) for w in data.get("stopwords", [])),
            locative=_phrases(data, "locative"),
            region_before=_phrases(data, "region_before"),
            region_connectors=tuple(fold(c) for c in data.get("region_connectors", [])),
            region_qualifiers=frozenset(fold(w) for w in data.get("region_qualifiers", [])),
            unit_words=frozenset(fold(w) for w in data.get("unit_words", [])),
            region_after=_phrases(data, "region_after"),
            region_anaphora=_phrases(data, "region_anaphora"),
            feature_words=_phrases(data, "feature_words"),
            articles=frozenset(fold(w) for w in data.get("articles", [])),
            reporting=_phrases(data, "reporting"),
            according_to=_phrases(data, "according_to"),
            person_titles=frozenset(fold(w).rstrip(".") for w in data.get("person_titles", [])),
            modifiers=frozenset(fold(w) for w in data.get("modifiers", [])),
            suffixes=tuple(sorted((fold(s) for s in data.get("suffixes", [])), key=len)),
            place_names={key(k): v for k, v in data.get("place_names", {}).items()},
            actors={k: Phrases.build(v["words"]) for k, v in actors_raw.items()},
            actor_countries={k: v["country"] for k, v in actors_raw.items()},
            events=_phrase_map(data, "events"),
            event_requires=_phrase_map(data, "event_requires"),
            event_excludes=_phrase_map(data, "event_excludes"),
            natural_hazards=_phrases(data, "natural_hazards"),
            dateline_agencies=frozenset(fold(w) for w in data.get("dateline_agencies", [])),
            casualty_negations=_phrases(data, "casualty_negations"),
            subtypes=_subtypes(data, source),
            casualties=_phrase_map(data, "casualties"),
            quantity_units=_phrase_map(data, "quantity_units"),
            quantity_hedges=_phrases(data, "quantity_hedges"),
            months={fold(k): int(v) for k, v in data.get("months", {}).items()},
            date_parts={fold(k): v for k, v in data.get("date_parts", {}).items()},
            date_since=_phrases(data, "date_since"),
            date_range_joiners=tuple(fold(j) for j in data.get("date_range_joiners", [])),
            date_year_words=frozenset(fold(w) for w in data.get("date_year_words", [])),
            abbreviations=tuple(data.get("abbreviations", [])),
            detect_words=frozenset(fold(w) for w in data.get("detect_words", [])),
            inflections=_inflections(data.get("inflections", [])),
            noun_capitals=bool(data.get("noun_capitals", False)),
            morphology=_morphology(data.get("morphology"), source),
            demonyms={
                code: tuple(fold(w) for w in words)
                for code, words in data.get("demonyms", {}).items()
            },
            organisations=frozenset(key(w) for w in data.get("organisations", [])),
            street_before=_phrases(data, "street_before"),
            street_after=_phrases(data, "street_after"),
            demonym_endings=tuple(
                sorted((fold(e) for e in data.get("demonym_endings", [])), key=len, reverse=True)
            ),
            disease_after=_phrases(data, "disease_after"),
            disease_before=_phrases(data, "disease_before"),
            person_after=_phrases(data, "person_after"),
            conjunctions=frozenset(fold(w) for w in data.get("conjunctions", [])),
            transliteration=Transliteration.build(data.get("transliteration")),
            feature_heads=_word_pattern(data.get("feature_heads", [])),
            not_surnames=frozenset(
                fold(w) for k in ("institution_words", "weekdays") for w in data.get(k, [])
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError, re.error) as exc:
        raise LexiconError(f"{source}: malformed lexicon ({exc})", data.get("lang")) from exc


_MORPHOLOGIES = ("pymorphy3",)


def _morphology(name: str | None, source: str) -> str | None:
    if name is not None and name not in _MORPHOLOGIES:
        raise LexiconError(
            f"{source}: unknown morphology {name!r}: use one of {', '.join(_MORPHOLOGIES)}"
        )
    return name


def _word_pattern(words: list[str]) -> re.Pattern[str] | None:
    """A pattern for any of ``words`` as a whole word followed by a space, or None; also
    after an elided one-letter word ("l'île aux Serpents"), not inside a word
    ("presqu'île")."""
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"{WORD_START}(?:{alternatives})(?= )")


#: Where a word of a _word_pattern may start: not inside a word, or after an elided
#: one-letter word. (A pattern that starts with it is tried at every position of a
#: text: see geoparse.candidates._head_spans, which searches for the words first.)
WORD_START = r"(?:(?<![\w'’-])|(?<=\b\w['’]))"


def available_languages() -> list[str]:
    """Codes of the languages that have a lexicon file, e.g. ``["en", "fr"]``."""
    return list(_language_codes())


@cache
def _language_codes() -> tuple[str, ...]:
    # listed once per process: every batch record checks its language against it
    root = resources.files("geonews.language") / "lang"
    return tuple(sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".json")))


@cache
def load_lexicon(lang: str) -> Lexicon:
    """Load and compile the lexicon of ``lang`` (an ISO 639-1 code such as "fr")."""
    data, source = _read(lang)
    return _from_data(data, source)


def region_rules(lang: str) -> tuple[tuple[str, str], ...]:
    """The (ending, replacement) inflection rules of ``lang`` that turn a region's
    adjective into its town's name ("курская" -> "курск"), folded; read from the file
    without compiling the rest of the lexicon."""
    data, _ = _read(lang)
    return tuple((e, r) for e, r, region in _inflections(data.get("inflections", [])) if region)


def _read(lang: str) -> tuple[dict, str]:
    """The parsed lexicon file of ``lang`` and its file name."""
    if not re.fullmatch(r"[a-z]{2,3}", lang or ""):
        raise LexiconError(f"unknown language {lang!r}: use one of {available_languages()}", lang)
    path = resources.files("geonews.language") / "lang" / f"{lang}.json"
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(
            f"no lexicon for language {lang!r}: use one of {available_languages()}", lang
        ) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LexiconError(f"{path.name}: invalid JSON ({exc})", lang) from exc
    return data, path.name


_CYRILLIC_LETTER = re.compile("[а-яёіїєґ]")
_CYRILLIC_UK = set("іїєґ")
_CYRILLIC_RU = set("ыэъё")


def detect_language(text: str, default: str = "en") -> str:
    """Guess the language of ``text`` among those with a lexicon.

    Counts each lexicon's ``detect_words`` (its most frequent function words);
    Ukrainian and Russian are told apart by the letters only one of them uses.
    """
    sample = fold(text[:5000])
    tokens = re.findall(r"\w+", sample)
    if not tokens:
        return default
    langs = available_languages()
    cyr = len(_CYRILLIC_LETTER.findall(sample))
    if cyr > len(sample) * 0.2:
        raw = text[:5000].lower()
        uk = sum(raw.count(c) for c in _CYRILLIC_UK)
        ru = sum(raw.count(c) for c in _CYRILLIC_RU)
        guess = "uk" if uk > ru else "ru"
        if guess in langs:
            return guess
    best, best_score = default, 0
    counts = Counter(tokens)
    for lang in langs:
        words = load_lexicon(lang).detect_words
        score = sum(counts[w] for w in words & counts.keys())
        if score > best_score:
            best, best_score = lang, score
    return best

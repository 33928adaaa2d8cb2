"""The dateline: where an article says it was written from.

"KHARKIV, Ukraine (AP) —", "KHARKIV, May 5 (Reuters) -", "КИЇВ, 5 травня —",
"ПАРИЖ, 3 мая -", "Kyiv (AFP) -": a place name, then optionally the region or
country it lies in and a date, then optionally a news agency in parentheses, then
a dash, at the start of the article (its first line, or the line after a title).

A place name with a dash after it is not yet a dateline ("Kyiv - the talks went
on"): one of three signs must say so, an agency the language's lexicon knows
(``dateline_agencies``), a date with one of its month names, or the name written
in capitals. Its place is the article's place: :mod:`geonews.geoparse.resolve`
prefers the namesakes near it, and an event that names no place of its own takes
it (:mod:`geonews.events.classify`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from geonews.language.lexicon import Lexicon
from geonews.language.text import fold, is_capitalised
from geonews.model import Mention

#: The dash that ends a dateline: after a space or the agency's parenthesis, before a space.
_DASH = re.compile(r"(?<=[\s)])(?:[—–]|--?)(?=\s)")
#: The agency at the end of a dateline: "(Reuters)", "(AFP/dpa)".
_AGENCY = re.compile(r"\(([^()]{1,40})\)\Z")
#: The longest dateline, dash included, in characters.
_MAX = 100
#: At most this many words in a dateline's place name ("Kryvyi Rih", "Rio de Janeiro").
_MAX_WORDS = 4


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline's span (its dash included) and that of its place name, as 0-based
    offsets into the article text."""

    start: int
    end: int
    place_start: int
    place_end: int
    text: str  # as written, without the dash: "KHARKIV, May 5 (Reuters)"


def find_dateline(text: str, lex: Lexicon) -> Dateline | None:
    """The dateline that starts ``text``'s first line, or its second after a title; None
    when there is none."""
    pos = 0
    for _ in range(2):
        while pos < len(text) and text[pos].isspace():
            pos += 1
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        found = _dateline_at(text, pos, min(end, pos + _MAX), lex)
        if found is not None or end >= len(text):
            return found
        pos = end + 1
    return None


def _dateline_at(text: str, start: int, stop: int, lex: Lexicon) -> Dateline | None:
    dash = _DASH.search(text, start, stop)
    if dash is None:
        return None
    head = text[start : dash.start()].rstrip()
    signs = 0
    agency = _AGENCY.search(head)
    if agency is not None:
        names = re.split(r"\s*[/,;&]\s*|\s+and\s+", fold(agency.group(1).strip()))
        if not any(n in lex.dateline_agencies for n in names):
            return None  # "Pokrovsk (Donetsk) —": a parenthesis, but no agency's
        signs += 1
        head = head[: agency.start()].rstrip()
    parts = head.split(",")
    place = parts[0].strip()
    if not _is_name(place, lex):
        return None
    for part in parts[1:]:
        part = part.strip()
        if _is_date(part, lex):
            signs += 1
        elif not _is_name(part, lex):
            return None
    letters = [ch for ch in place if ch.isalpha()]
    if len(letters) >= 3 and place.isupper():
        signs += 1
    if not signs:
        return None
    place_start = start + text[start:].index(place)
    return Dateline(
        start=start,
        end=dash.end(),
        place_start=place_start,
        place_end=place_start + len(place),
        text=text[start : dash.start()].rstrip(),
    )


def _is_name(part: str, lex: Lexicon) -> bool:
    """A place's name: one to four capitalised words, no digits, not starting with a
    stopword ("In Kharkiv, May 5 —" opens a sentence, not a dateline)."""
    words = part.split()
    return (
        0 < len(words) <= _MAX_WORDS
        and not any(ch.isdigit() for ch in part)
        and is_capitalised(words[0])
        and is_capitalised(words[-1])
        and fold(words[0]) not in lex.stopwords
    )


def _is_date(part: str, lex: Lexicon) -> bool:
    """A date: a month name of the language, with a day or a year ("May 5", "5 травня")."""
    words = re.findall(r"\w+", fold(part))
    return (
        0 < len(words) <= 4
        and any(w in lex.months for w in words)
        and all(w in lex.months or w.isdigit() for w in words)
    )


def dateline_mention(mentions: Sequence[Mention], dateline: Dateline | None) -> Mention | None:
    """The mention of the place ``dateline`` names, if the article's places include it."""
    if dateline is None:
        return None
    return next(
        (m for m in mentions if (m.start, m.end) == (dateline.place_start, dateline.place_end)),
        None,
    )

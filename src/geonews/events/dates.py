"""Date expressions in a sentence, resolved to date ranges.

"juillet-août 2025" → 2025-07-01..2025-08-31; "depuis début 2024" →
2024-01-01..open; "28 April 2023" → that day; "mid-March 2025" →
2025-03-11..2025-03-20. Month names, part-of words ("début", "early") and range
joiners come from the language's lexicon.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from geonews.language.lexicon import Lexicon


@dataclass(frozen=True, slots=True)
class DateExpression:
    start: int  # offsets in the string that was searched
    end: int
    text: str
    date_start: date | None
    date_end: date | None  # None with date_start set: open-ended ("since ...")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _pattern(lex: Lexicon) -> re.Pattern[str] | None:
    if not lex.months:
        return None
    month = _alt(lex.months)
    part = _alt(lex.date_parts) if lex.date_parts else "(?!x)x"
    since = lex.date_since.pattern.pattern if lex.date_since else ""
    joiners = _alt(lex.date_range_joiners) if lex.date_range_joiners else "-"
    one = rf"(?:(?P<{{p}}part>{part})[\s-]*)?(?:(?P<{{p}}day>\d{{{{1,2}}}})(?:er|st|nd|rd|th|\.)?\s+(?:de\s+)?)?(?P<{{p}}month>{month})\.?"
    first = one.format(p="a")
    second = one.format(p="b")
    year = r"(?P<year>1[89]\d\d|20\d\d)"
    us_day = r"(?:\s+(?P<usday>\d{1,2})(?:st|nd|rd|th)?,?)?"
    body = (
        rf"(?:{first}{us_day}(?:\s*(?:{joiners})\s*{second})?,?\s+(?:de\s+|of\s+)?{year}"
        rf"|(?:(?P<ypart>{part})[\s-]+(?:de\s+|of\s+)?)?(?P<yonly>1[89]\d\d|20\d\d))"
    )
    since_part = rf"(?P<since>(?:{since})\s+)?" if since else ""
    return re.compile(rf"(?<!\w){since_part}{body}(?!\w)", re.UNICODE)


def _part_range(part: str | None, lo: int, hi: int) -> tuple[int, int]:
    """Narrow [lo, hi] (days or months) to its early, mid or late third."""
    if not part:
        return lo, hi
    span = hi - lo + 1
    third = max(span // 3, 1)
    if part == "early":
        return lo, lo + third - 1
    if part == "mid":
        return lo + third, min(lo + 2 * third - 1, hi)
    return lo + 2 * third, hi


def find_dates(folded: str, lex: Lexicon) -> list[DateExpression]:
    """Date expressions in ``folded`` (text folded with :func:`geonews.language.text.fold`)."""
    pat = _pattern(lex)
    if pat is None:
        return []
    # every date expression has a year: most sentences have none, and this pattern (unlike
    # the full one) lets the regex engine skip ahead to a digit
    if _YEAR.search(folded) is None:
        return []
    out = []
    for m in pat.finditer(folded):
        g = m.groupdict()
        year = int(g.get("year") or g.get("yonly"))
        part_a = lex.date_parts.get(g.get("apart") or g.get("ypart") or "")
        if g.get("yonly"):
            if not (g.get("ypart") or g.get("since") or _after_year_word(folded, m.start(), lex)):
                continue
            lo, hi = _part_range(part_a, 1, 12)
            start = date(year, lo, 1)
            end = date(year, hi, calendar.monthrange(year, hi)[1])
        else:
            ma = lex.months[g["amonth"].rstrip(".")]
            mb = lex.months[g["bmonth"].rstrip(".")] if g.get("bmonth") else ma
            part_b = lex.date_parts.get(g.get("bpart") or "") if g.get("bmonth") else part_a
            day_a = g.get("aday") or g.get("usday")
            day_b = g.get("bday")
            last_b = calendar.monthrange(year, mb)[1]
            if day_a:
                start = _safe_date(year, ma, int(day_a))
            else:
                lo, _ = _part_range(part_a, 1, calendar.monthrange(year, ma)[1])
                start = date(year, ma, lo)
            if day_b:
                end = _safe_date(year, mb, int(day_b))
            elif day_a and not g.get("bmonth"):
                end = start
            else:
                _, hi = _part_range(part_b, 1, last_b)
                end = date(year, mb, hi)
            if start is None or end is None or end < start:
                continue
        if g.get("since") and not g.get("bmonth"):
            end = None  # "since March 2025": open-ended; "from July to August": a range
        out.append(DateExpression(m.start(), m.end(), m.group(0), start, end))
    return out


_YEAR = re.compile(r"1[89]\d\d|20\d\d")


def _after_year_word(folded: str, start: int, lex: Lexicon) -> bool:
    """A bare year counts only after one of the lexicon's year prepositions ("en", "in")."""
    before = folded[max(0, start - 12) : start].split()
    return bool(before) and before[-1] in lex.date_year_words


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None

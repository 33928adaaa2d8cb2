"""Text utilities shared by the geoparser and the event classifier.

The central idea is *folding*: a one-to-one, length-preserving map of each
character to its lower-case, accent-less form, so that "Koursk", "KOURSK" and
"Kóursk" fold to the same string and every offset in the folded text is an
offset in the original. Gazetteer keys are folded the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

_APOSTROPHES = "'’ʼ`´ʻ‘"
_DASHES = "-‐‑‒–—―"


class _FoldTable(dict):
    """``str.translate`` table computed lazily, one code point at a time."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _APOSTROPHES:
            out = "'"
        elif ch in _DASHES:
            out = "-"
        elif ch in "\u00a0\u202f\u2009\u2007":
            out = " "
        elif unicodedata.category(ch) in ("Cc", "Cs") and not ch.isspace():
            # NUL and other controls, lone surrogates: a space, as nothing can be looked
            # up with them in a key (the gazetteer's trie ends a key at a NUL, and cannot
            # encode a surrogate)
            out = " "
        else:
            low = ch.lower()
            if len(low) != 1:
                low = ch
            base = unicodedata.normalize("NFKD", low)
            out = base[0] if base and not unicodedata.combining(base[0]) else low
            if len(out) != 1:
                out = low
        self[code] = out
        return out


_TABLE = _FoldTable()


#: The blocks whose characters ``fold`` may take from ``str.lower`` (Latin, Greek,
#: Cyrillic, general punctuation, and tab, line feed and carriage return).
_LOWER_BLOCKS = (9, 10, 13, *range(0x20, 0x530), *range(0x2000, 0x2070))

#: Frequent characters of lower-case text that fold to another one: "й" to "и", "é" to "e",
#: "’" to "'"... ``fold`` replaces them in ``str.lower``'s text (see _lower_folds).
_FREQUENT = "йёїўéèêëàâäçîïôöûüùáíóúñ’‘ʼ–—\u00a0"


def _lower_folds() -> dict[str, str]:
    """Of the frequent characters, those that every character of the blocks lower-casing
    to them folds as they do, with what they fold to."""
    out = {}
    for x in _FREQUENT:
        y = _TABLE[ord(x)]
        if y != x and all(_TABLE[c] == y for c in _LOWER_BLOCKS if chr(c).lower() == x):
            out[x] = y
    return out


_LOWER_FOLDS = _lower_folds()


def _regex_class(codes: list[int]) -> str:
    """The inside of a regex class of the code points ``codes`` (ascending), as ranges."""
    spans: list[list[int]] = []
    for c in codes:
        if spans and spans[-1][1] == c - 1:
            spans[-1][1] = c
        else:
            spans.append([c, c])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in spans
    )


def _safe_class() -> str:
    """A regex class of the characters of the blocks that fold as ``str.lower`` writes
    them, once the frequent ones are replaced (_LOWER_FOLDS): in a text made of them,
    ``fold`` is ``lower`` and those replacements. Capital sigma is left out (``lower``
    writes a word's last one "ς", folding one at a time "σ"), and so is every character
    whose lower case is not one character."""
    safe = []
    for c in _LOWER_BLOCKS:
        low = chr(c).lower()
        if c != 0x3A3 and len(low) == 1 and _TABLE[c] == _LOWER_FOLDS.get(low, low):
            safe.append(c)
    return _regex_class(safe)


# runs of the characters that fold otherwise than ``str.lower`` writes them (or may)
_UNSAFE = re.compile(f"[^{_safe_class()}]+")


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping the length: ``len(fold(s)) == len(s)``.

    Apostrophes become ``'``, dashes ``-`` and non-breaking spaces plain spaces, and so
    do control characters other than white space (NUL...) and lone surrogates.
    """
    if text.isascii() or len(text) < 48:
        return text.translate(_TABLE)  # CPython translates ASCII fast, and a word is short
    if _mostly_ascii(text):
        return _translate(text, _TABLE)
    # ``str.translate`` looks a non-ASCII text up one character at a time; ``str.lower``
    # and ``str.replace`` do not. Where lower case keeps the length (it did for every
    # character), the text is ``lower``'s with the frequent replacements, and the runs
    # that fold otherwise translated.
    low = text.lower()
    if len(low) != len(text):
        return _translate(text, _TABLE)
    for x, y in _LOWER_FOLDS.items():
        if x in low:
            low = low.replace(x, y)
    parts = []
    done = 0
    for m in _UNSAFE.finditer(text):
        a, b = m.span()
        parts.append(low[done:a])
        parts.append(m.group().translate(_TABLE))
        done = b
    if not parts:
        return low
    parts.append(low[done:])
    return "".join(parts)


_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def _mostly_ascii(text: str) -> bool:
    """Whether fewer than one character in eight of ``text`` is not ASCII (English, French,
    German...; not Russian): a text to translate run by run."""
    return len(text.encode("utf-8", "surrogatepass")) - len(text) < len(text) // 8


def _translate(text: str, table: dict) -> str:
    """``text.translate(table)``, run by run: CPython translates an all-ASCII string
    several times faster, and news in Latin script is mostly ASCII."""
    if text.isascii():
        return text.translate(table)
    return "".join([run.translate(table) for run in _RUNS.findall(text)])


def key(name: str) -> str:
    """The gazetteer key of a name: folded, with hyphens as spaces and runs of space collapsed."""
    folded = fold(name).replace("-", " ")
    return " ".join(folded.split())


def is_capitalised(token: str) -> bool:
    """True when the token starts with an upper-case letter (or its script has no case)."""
    ch = token[:1]
    if not ch:
        return False
    if ch.isupper() or ch.istitle():
        return True
    return ch.isalpha() and ch.lower() == ch.upper()  # caseless script (CJK, Arabic...)


class _ShapeTable(dict):
    """``str.translate`` table: "C" for a word character that capitalises a word (not a
    digit), "w" for any other word character, " " for the rest."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if not (ch.isalnum() or ch == "_"):
            out = " "
        elif is_capitalised(ch) and not ch.isdigit():
            out = "C"
        else:
            out = "w"
        self[code] = out
        return out


_SHAPE = _ShapeTable()

# a "C" that no word character precedes, and the rest of its word: the literal "C" first
# lets the regex engine skip ahead to the next one (a leading look-behind would make it
# try every position), and a match's span is the word's
_CAPITALISED_WORD = re.compile(r"C(?<![^ ]C)[^ ]*")

def capitalised_words(text: str) -> list[tuple[int, int]]:
    """Spans of the word tokens that start with a capital, not a digit: runs of word
    characters, and of apostrophes inside a Cyrillic word. ASCII text is shaped by one
    translation ("C" where a word character capitalises a word, "w" for the others),
    which CPython makes fast; other text is searched for the tokens that start with a
    capital."""
    shape = _SHAPE
    if text.isascii():
        return [m.span() for m in _CAPITALISED_WORD.finditer(text.translate(shape))]
    return [
        m.span()
        for m in _CAPITALISED_TOKEN.finditer(text)
        if m.group(1) is None or shape[ord(m.group(1))] == "C"
    ]


def _capitals_class() -> str:
    """A regex class of the characters of _LOWER_BLOCKS that capitalise a word."""
    caps = [c for c in _LOWER_BLOCKS if _SHAPE[c] == "C"]
    return _regex_class(caps)


# A word token is a run of word characters (what ``str.isalnum`` or "_" is, as ``\w``
# reads), with an apostrophe between two Cyrillic letters as a letter of it: Ukrainian
# writes "Кам'янське", "Слов'янськ", "Мар'їнка" (with ', ’ or ʼ), Belarusian "Мар'іна
# Горка". This finds a token whose first character capitalises a word: no word character
# before it, nor an apostrophe that joins it to a Cyrillic word; the first character is
# a capital of the Latin, Greek or Cyrillic blocks, or (group 1) a word character of
# another script, which capitalised_words then checks
_CAPITALISED_TOKEN = re.compile(
    r"(?<!\w)(?:(?<!(?=\w)[\u0400-\u04ff]['\u2019\u02bc])|(?![\u0400-\u04ff]))"
    rf"(?:[{_capitals_class()}]|((?=[^\x00-\u052f\u2000-\u206f])\w))"
    r"(?:\w|(?<=[\u0400-\u04ff])['\u2019\u02bc](?=[\u0400-\u04ff]))*"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an article, with its span in the article text."""

    start: int
    end: int
    text: str
    line_start: bool  # begins a line: a title, a heading or a paragraph


# The mark itself is part of the match (not a look-behind) so that the regex engine
# skips ahead to the next mark instead of testing every position.
_SENTENCE_END = re.compile(r"[.!?…][\"»”’)\]]*\s+(?=[\"«“‘(\[]?[A-ZÀ-ÖØ-ÞА-ЯЁЇІЄҐ0-9])")


_ORDINAL = re.compile(r"(?<![\d.,])\b\d{1,2}\.\Z")


@lru_cache(maxsize=16)
def _abbreviation_test(abbreviations: tuple[str, ...]) -> Callable[[str, int, int], bool] | None:
    """``ends(line, mark, start)``: whether the sentence ``line[start:mark + 1]`` ends with
    one of the abbreviations (its full stop at ``mark``); None: there are none."""
    if not abbreviations:
        return None
    bare = sorted((a.rstrip(".") for a in abbreviations), key=len, reverse=True)
    alts = "|".join(re.escape(a) for a in bare)
    # IGNORECASE matches one character of text for each character of the pattern
    pattern = re.compile(rf"(?:^|\W)(?:{alts})\.$", re.IGNORECASE)
    span = len(bare[0]) + 2  # a non-word character, the abbreviation and its full stop

    def ends(line: str, mark: int, start: int) -> bool:
        # the last 20 characters of the sentence end with an abbreviation: only their
        # last few can hold it ("^" still anchors at the 20th)
        head = line[max(start, mark - 19) : mark + 1]
        return pattern.search(head, max(0, len(head) - span)) is not None

    if len(bare[0]) > 18 or any(ch.isspace() for a in bare for ch in a):
        return ends
    # Then an abbreviation that ends at the mark starts in the sentence's last 20
    # characters, and a non-word character precedes it there or it starts the sentence
    # (which follows a space): one match at the mark says as much, looking back.
    behind = "|".join(rf"(?<={a})(?<!\w{a})" for a in map(re.escape, bare))
    at_mark = re.compile(rf"(?:{behind})\.", re.IGNORECASE).match
    return lambda line, mark, start: at_mark(line, mark) is not None


#: The longest sentence kept whole, in characters. Reading a sentence costs more than in
#: proportion to its length (its triggers and places are weighed against each other), so
#: a text without sentence ends (a table, a list, a page that lost its punctuation) is cut
#: into pieces of at most this length, at a space: 200 kB in one sentence took 45 s.
#: The longest sentences of real text, in OCR'd newspapers, are some 15,000 characters.
MAX_SENTENCE = 20_000


def _append_pieces(append, start: int, text: str, line_start: bool) -> None:
    """Append the sentence ``text`` (stripped, at ``start``), cut into pieces of at most
    MAX_SENTENCE characters at spaces (anywhere when a piece has none)."""
    i, n = 0, len(text)
    while n - i > MAX_SENTENCE:
        cut = text.rfind(" ", i + 1, i + MAX_SENTENCE + 1)
        if cut <= i:
            cut = i + MAX_SENTENCE
        piece = text[i:cut].rstrip()
        append(_sentence(start + i, start + i + len(piece), piece, line_start))
        line_start = False
        i = cut
        while i < n and text[i].isspace():
            i += 1
    if i < n:
        append(_sentence(start + i, start + n, text[i:], line_start))


def sentences(text: str, abbreviations: tuple[str, ...] = ()) -> list[Sentence]:
    """Split ``text`` into sentences.

    Lines are split first (titles and headings have no full stop), then each line
    at a sentence-final punctuation mark followed by space and a capital letter,
    unless the word before the mark is a known abbreviation ("M.", "Gen.").
    """
    abbrev = _abbreviation_test(abbreviations)
    out: list[Sentence] = []
    append = out.append
    pos = 0
    for line in text.split("\n"):
        line_start = True
        start = 0
        for m in _SENTENCE_END.finditer(line):
            mark = m.start()
            end = mark + 1  # after the mark
            if line[mark] == ".":
                if abbrev is not None and abbrev(line, mark, start):
                    continue
                # "Am 17. Juni": a German ordinal, not an end
                if line[end - 2 : end - 1].isdecimal() and _ORDINAL.search(
                    line[max(start, end - 4) : end]
                ):
                    continue
            _add_segment(append, line[start:end], pos + start, line_start)
            line_start = False
            start = m.end()
        _add_segment(append, line[start:], pos + start, line_start)
        pos += len(line) + 1
    return out


def _add_segment(append, seg: str, offset: int, line_start: bool) -> None:
    """Append the sentence ``seg`` (at ``offset`` in the text) holds, stripped, if any;
    one too long to be a sentence (a table, a list) in pieces."""
    stripped = seg.strip()
    if stripped:
        a = offset + (len(seg) - len(seg.lstrip()) if seg[0].isspace() else 0)
        if len(stripped) > MAX_SENTENCE:
            _append_pieces(append, a, stripped, line_start)
        else:
            append(_sentence(a, a + len(stripped), stripped, line_start))


_SENTENCE_SETTERS = tuple(
    getattr(Sentence, f).__set__ for f in ("start", "end", "text", "line_start")
)


def _sentence(start: int, end: int, text: str, line_start: bool) -> Sentence:
    """``Sentence(start, end, text, line_start)``: the frozen dataclass's ``__init__`` sets
    each field with ``object.__setattr__``; the slots' own setters are several times faster
    (a test checks that the two agree)."""
    out = object.__new__(Sentence)
    set_start, set_end, set_text, set_line_start = _SENTENCE_SETTERS
    set_start(out, start)
    set_end(out, end)
    set_text(out, text)
    set_line_start(out, line_start)
    return out

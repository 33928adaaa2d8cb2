"""Geoparse a corpus: JSON records in, one JSON-ready result per record out, same order.

Input records are ``{"id", "text"}`` with optional ``"lang"``, ``"title"``,
``"url"``, ``"published"`` (ISO date), given either as dicts or as JSONL lines.
Each output is::

    {"id", "lang", "places": [PLACE...], "events": [EVENT...], "demonyms": [PLACE...]}

where a demonym ("Russian", "американских") is a PLACE of ``"kind": "demonym"`` that
names its country (see :mod:`geonews.geoparse.demonyms`).

with the fields of :data:`PLACE_FIELDS` and :data:`EVENT_FIELDS` (offsets are
0-based Python string offsets into ``text``). A record that cannot be processed
(invalid JSON, no text, unknown language, bad date) gives ``{"id", "error"}``
instead, and the records after it are processed as usual.

:func:`geoparse` takes any iterable of lines or dicts and returns a list, so it
is usable unchanged as the per-partition function of a ``dask.bag`` over JSONL
shards::

    import dask.bag as db, json, geonews.batch
    db.read_text("shards/*.jsonl").map_partitions(geonews.batch.geoparse) \\
      .map(json.dumps).to_textfiles("out/*.jsonl")
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from math import isfinite

from geonews.errors import GeonewsError
from geonews.model import Article, Event, Mention

#: The keys of each place in the output, in order.
PLACE_FIELDS = (
    "start",
    "end",
    "text",
    "name",
    "kind",
    "lat",
    "lon",
    "geonameid",
    "country",
    "admin1",
    "admin1_name",
    "confidence",
)

#: The keys of each event in the output, in order.
EVENT_FIELDS = (
    "type",
    "subtype",
    "acled_event_type",
    "acled_sub_event_type",
    "lat",
    "lon",
    "precision",
    "place_from",
    "place",
    "admin1",
    "country",
    "sentence",
    "start",
    "end",
    "actors",
    "quantity",
    "casualties",
    "date_text",
    "date_start",
    "date_end",
    "confidence",
)

#: How places get their admin-1 region in batch runs (see :func:`geonews.pipeline.analyse`).
DEFAULT_JOIN = "gazetteer"


class RecordError(GeonewsError, ValueError):
    """One input record cannot be geoparsed; ``record_id`` names it when it has an id."""

    def __init__(self, message: str, record_id=None) -> None:
        super().__init__(message)
        self.record_id = record_id


def geoparse(
    records: Iterable[str | bytes | dict],
    lang: str | None = None,
    join: str = DEFAULT_JOIN,
) -> list[dict]:
    """Geoparse every record; one output dict per record, in order.

    ``records`` are JSONL lines (str or bytes) or already-decoded dicts. ``lang``
    is used for records that carry no ``"lang"`` of their own; when both are
    absent the language is detected. Blank lines are skipped.
    """
    return list(iter_geoparse(records, lang=lang, join=join))


def iter_geoparse(
    records: Iterable[str | bytes | dict],
    lang: str | None = None,
    join: str = DEFAULT_JOIN,
) -> Iterator[dict]:
    """Like :func:`geoparse`, lazily: results are yielded as records are read."""
    from geonews.pipeline import JOIN_MODES

    if join not in JOIN_MODES:
        raise GeonewsError(f"unknown join mode {join!r}: use one of {', '.join(JOIN_MODES)}")
    for n, rec in enumerate(records, 1):
        if isinstance(rec, bytes | str) and not rec.strip():
            continue
        yield geoparse_record(rec, lang=lang, join=join, line=n)


def geoparse_record(
    record: str | bytes | dict,
    lang: str | None = None,
    join: str = DEFAULT_JOIN,
    line: int | None = None,
) -> dict:
    """The output object of one record: a result, or ``{"id", "error"}``."""
    rid, analysis = _analyse(record, lang, join, line)
    if isinstance(analysis, dict):
        return analysis
    return {
        "id": rid,
        "lang": analysis.lang,
        "places": [place_dict(m) for m in analysis.mentions],
        "events": [event_dict(e) for e in analysis.events],
        "demonyms": [place_dict(m) for m in analysis.demonyms],
        "dateline": place_dict(analysis.dateline) if analysis.dateline else None,
    }


def _analyse(record: str | bytes | dict, lang: str | None, join: str, line: int | None):
    """(the record's id, its :class:`~geonews.pipeline.Analysis`), or (its id, its
    ``{"id", "error"}`` object) when it cannot be processed."""
    from geonews.pipeline import analyse

    rid = record.get("id") if isinstance(record, dict) else None
    try:
        article, rid = _article(record, lang, line)
        return rid, analyse(article, article.lang, join=join)
    except GeonewsError as exc:
        if getattr(exc, "record_id", None) is not None:  # an id of 0 is an id
            rid = exc.record_id
        return rid, {"id": rid, "error": " ".join(str(exc).split())}


def _record_json(
    record: str | bytes | dict, lang: str | None, join: str, line: int | None
) -> tuple[str, bool]:
    """``_dumps(geoparse_record(...))`` and whether it is an error: built from the JSON of
    each place (see _place_json) and event rather than from one object for the record."""
    rid, analysis = _analyse(record, lang, join, line)
    if isinstance(analysis, dict):
        return _dumps(analysis), True
    places = ", ".join(map(_place_json, analysis.mentions))
    events = ", ".join([_dumps(event_dict(e)) for e in analysis.events])
    head = f'{{"id": {_dumps(rid)}, "lang": {_dumps(analysis.lang)}'
    # demonyms are few, and their "kind" is not their place's: encoded whole
    demonyms = ", ".join([_dumps(place_dict(m)) for m in analysis.demonyms])
    dateline = _place_json(analysis.dateline) if analysis.dateline else "null"
    body = (
        f'"places": [{places}], "events": [{events}], "demonyms": [{demonyms}], '
        f'"dateline": {dateline}'
    )
    return f"{head}, {body}}}", False


def geoparse_jsonl(
    lines: Iterable[str | bytes],
    lang: str | None = None,
    join: str = DEFAULT_JOIN,
    jobs: int = 1,
    chunk: int = 64,
) -> Iterator[tuple[str, bool]]:
    """Geoparse JSONL lines into (output JSON line, is-an-error) pairs, in input order.

    With ``jobs`` > 1 (0: one per CPU) the work is spread over that many worker
    processes, ``chunk`` records at a time; each loads the memory-mapped
    gazetteer once.
    """
    for _, line, failed in numbered_jsonl(lines, lang=lang, join=join, jobs=jobs, chunk=chunk):
        yield line, failed


def numbered_jsonl(
    lines: Iterable[str | bytes],
    lang: str | None = None,
    join: str = DEFAULT_JOIN,
    jobs: int = 1,
    chunk: int = 64,
) -> Iterator[tuple[int, str, bool]]:
    """:func:`geoparse_jsonl` with the 1-based number of each record's input line first,
    blank lines counted: (line number, output JSON line, is-an-error)."""
    import os

    jobs = jobs or os.cpu_count() or 1
    numbered = ((n, rec) for n, rec in enumerate(lines, 1) if rec.strip())
    chunks = _chunks(numbered, chunk)
    if jobs == 1:
        for part in chunks:
            yield from _work(part, lang, join)
        return
    import functools
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ctx.Pool(jobs, initializer=_warm) as pool:
        work = functools.partial(_work, lang=lang, join=join)
        for results in pool.imap(work, chunks):
            yield from results


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    part: list = []
    for item in items:
        part.append(item)
        if len(part) >= size:
            yield part
            part = []
    if part:
        yield part


def _work(part: list[tuple[int, str | bytes]], lang: str | None, join: str) -> list:
    from geonews.pipeline import batch_collections

    with batch_collections():
        return [(n, *_record_json(rec, lang, join, n)) for n, rec in part]


#: ``json.dumps(d, ensure_ascii=False)`` without building an encoder for every record
#: (nor checking for cycles: the records have none).
_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
#: how that encoder writes a string
_encode_str = json.encoder.encode_basestring


def _warm() -> None:
    """Load what every record needs once per worker process."""
    from geonews.events.classify import prepare
    from geonews.gazetteer.index import load_gazetteer
    from geonews.language.lexicon import available_languages, load_lexicon

    gaz = load_gazetteer()
    for code in available_languages():
        lex = load_lexicon(code)
        lex.event_stems, lex.actor_stems, lex.report_stems  # noqa: B018 (compiled once)
        prepare(lex)
    gaz.resolve_reference("city:0")  # builds the index of lexicon references
    gaz.resolve_reference("region:")
    gaz.resolve_reference("country:")


def place_dict(m: Mention) -> dict:
    """The output form of a place mention: exactly :data:`PLACE_FIELDS`
    (:meth:`Mention.place_fields <geonews.model.Mention.place_fields>`)."""
    return m.place_fields()


#: id(place) -> (place, region, the JSON of the fields of a mention of it in that region
#: that depend on them alone): places are memoised by the gazetteer and recur.
_PLACE_JSON: dict[int, tuple] = {}
_PLACE_ONLY = PLACE_FIELDS[3:-1]  # "name" ... "admin1_name"
#: a confidence -> the JSON of it rounded (a few values recur; rounding is slow)
_CONFIDENCE_JSON: dict[float, str] = {}


def _place_json(m: Mention) -> str:
    """``_dumps(place_dict(m))``: the part that depends on the place and its region alone
    is encoded once (a test checks that the two agree)."""
    p, r = m.place, m.region
    memo = _PLACE_JSON.get(id(p))
    if memo is not None and memo[0] is p and memo[1] is r:
        place = memo[2]
    else:
        d = place_dict(m)
        place = _dumps({k: d[k] for k in _PLACE_ONLY})[1:-1]
        if len(_PLACE_JSON) >= 100_000:
            _PLACE_JSON.clear()
        _PLACE_JSON[id(p)] = (p, r, place)
    c = m.confidence
    conf = _CONFIDENCE_JSON.get(c) if type(c) is float else None
    if conf is None:
        conf = _dumps(round(c, 3))
        if type(c) is float and c and isfinite(c) and len(_CONFIDENCE_JSON) < 10_000:
            _CONFIDENCE_JSON[c] = conf  # not 0.0, which equals -0.0
    return (
        f'{{"start": {m.start:d}, "end": {m.end:d}, "text": {_encode_str(m.text)}, '
        f'{place}, "confidence": {conf}}}'
    )


def event_dict(e: Event) -> dict:
    """The output form of an event: exactly :data:`EVENT_FIELDS`, with the values of
    :meth:`Event.to_dict <geonews.model.Event.to_dict>`. Built field by field rather than
    by filtering ``to_dict``: it runs for every event of every record (a test checks that
    the two agree)."""
    m = e.mention
    q = e.quantities[0] if e.quantities else None
    if m is None:  # no place: null geometry (see Event)
        lat = lon = name = admin1 = country = None
    else:
        p, r = m.place, m.region
        lat, lon, name = p.lat, p.lon, p.name
        admin1 = (r.iso or r.code) if r else p.admin1_code
        country = r.country if r else p.country
    return {
        "type": e.type,
        "subtype": e.subtype,
        "acled_event_type": e.acled_event_type,
        "acled_sub_event_type": e.acled_sub_event_type,
        "lat": lat,
        "lon": lon,
        "precision": e.precision,
        "place_from": e.place_from,
        "place": name,
        "admin1": admin1,
        "country": country,
        "sentence": e.sentence,
        "start": e.start,
        "end": e.end,
        "actors": list(e.actors),
        "quantity": {"value": q.value, "unit": q.unit} if q is not None else None,
        "casualties": e.casualties,
        "date_text": e.date_text,
        "date_start": e.date_start.isoformat() if e.date_start else None,
        "date_end": e.date_end.isoformat() if e.date_end else None,
        "confidence": round(e.confidence, 3),
    }


_LANG = re.compile(r"([A-Za-z]{2,3})(?:[-_].*)?")


def _article(
    record: str | bytes | dict, default_lang: str | None, line: int | None
) -> tuple[Article, str | int]:
    """The article a record describes, and its id as given (a string or an integer)."""
    where = f"line {line}: " if line is not None else ""
    if isinstance(record, bytes):
        try:
            record = record.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(f"{where}not UTF-8 ({exc.reason})") from None
    if isinstance(record, str):
        try:
            # without its line break, after which a truncated record's error would be
            record = json.loads(record.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            raise RecordError(f"{where}invalid JSON ({exc.msg} at column {exc.colno})") from None
        except RecursionError:
            raise RecordError(f"{where}invalid JSON (nested too deeply)") from None
        except ValueError:  # an integer of more digits than Python converts
            raise RecordError(f"{where}invalid JSON (a number too long)") from None
    if not isinstance(record, dict):
        raise RecordError(f"{where}expected a JSON object, got {type(record).__name__}")
    rid = record.get("id")
    if rid is None:
        raise RecordError(f'{where}record has no "id"')
    if not isinstance(rid, str | int) or isinstance(rid, bool):
        raise RecordError(f'{where}"id" must be a string or an integer', None)
    if not _is_unicode(rid):
        raise RecordError(f'{where}"id" is not valid Unicode (a lone surrogate)', None)
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError(f'{where}"text" must be a string', rid)
    for field in ("text", "title", "url"):
        if not _is_unicode(record.get(field)):
            raise RecordError(f'{where}"{field}" is not valid Unicode (a lone surrogate)', rid)
    lang = record.get("lang") or default_lang
    if lang is not None:
        m = _LANG.fullmatch(str(lang))
        if m is None:
            raise RecordError(f'{where}"lang" {lang!r} is not a language code', rid)
        lang = m.group(1).lower()
        from geonews.language.lexicon import available_languages

        if lang not in available_languages():
            raise RecordError(
                f"{where}no lexicon for language {lang!r}: use one of {available_languages()}",
                rid,
            )
    published = record.get("published")
    if published is not None:
        try:
            published = date.fromisoformat(str(published)[:10])
        except ValueError:
            raise RecordError(
                f'{where}"published" {published!r} is not an ISO date (YYYY-MM-DD)', rid
            ) from None
    article = Article(
        text=text,
        title=_opt_str(record.get("title")),
        url=_opt_str(record.get("url")),
        published=published,
        lang=lang,
        id=str(rid),
    )
    return article, rid


def _is_unicode(v) -> bool:
    """False for a string with a lone surrogate (JSON may escape one, "\\ud800"), which
    UTF-8 cannot encode: the output could not be written."""
    if not isinstance(v, str) or v.isascii():
        return True
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _opt_str(v) -> str | None:
    return v if isinstance(v, str) and v else None


__all__ = [
    "EVENT_FIELDS",
    "PLACE_FIELDS",
    "RecordError",
    "event_dict",
    "geoparse",
    "geoparse_jsonl",
    "geoparse_record",
    "iter_geoparse",
    "numbered_jsonl",
    "place_dict",
]

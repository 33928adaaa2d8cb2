"""The event store's schema and its migrations, and where the store lives.

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` holds one
SQL script per version, applied in order by :class:`geonews.living.store.Store`
when it opens an older file. Append a migration, never edit one: stores in the
wild are at every version.
"""

from __future__ import annotations

import os
from pathlib import Path

#: File name of the store when none is given, in the working directory.
DEFAULT_DB = "geonews.db"

#: Environment variable that names the store.
DB_ENV = "GEONEWS_DB"

_BUSY_TIMEOUT_S = 60.0


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


#: Version 2: events without a place (a caption: "Shelling of residential area") are
#: kept, with place, coordinates and mention NULL, and every event says where its place
#: comes from (``place_from``). SQLite cannot drop a NOT NULL: the table is rebuilt.
_V2 = """
CREATE TABLE events_v2 (
    id                   INTEGER PRIMARY KEY,
    article              INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,  -- order within the article
    type                 TEXT NOT NULL,
    subtype              TEXT,
    acled_event_type     TEXT NOT NULL,
    acled_sub_event_type TEXT NOT NULL,
    precision            TEXT NOT NULL,
    place                TEXT,
    geonameid            INTEGER,
    lat                  REAL,
    lon                  REAL,
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
    m_start              INTEGER,
    m_end                INTEGER,
    m_text               TEXT,
    m_confidence         REAL,
    m_reasons            TEXT,           -- JSON list
    place_json           TEXT,
    region_json          TEXT,
    origin_json          TEXT,           -- JSON: the origin Mention, if any
    quantities_json      TEXT,           -- JSON: [[value, unit, text], ...], if any
    -- where the place comes from: 'sentence', 'earlier_sentence', 'dateline' or 'none'
    place_from           TEXT NOT NULL DEFAULT 'sentence'
);
INSERT INTO events_v2 (
    id, article, seq, type, subtype, acled_event_type, acled_sub_event_type, precision,
    place, geonameid, lat, lon, country, admin1_code, admin1, admin1_name, occupied,
    sentence, start, end, actors, origin, origin_lat, origin_lon, quantity,
    quantity_unit, casualties, date_text, date_start, date_end, t_start, t_end,
    confidence, reasons, triggers, m_start, m_end, m_text, m_confidence, m_reasons,
    place_json, region_json, origin_json, quantities_json
)
SELECT
    id, article, seq, type, subtype, acled_event_type, acled_sub_event_type, precision,
    place, geonameid, lat, lon, country, admin1_code, admin1, admin1_name, occupied,
    sentence, start, end, actors, origin, origin_lat, origin_lon, quantity,
    quantity_unit, casualties, date_text, date_start, date_end, t_start, t_end,
    confidence, reasons, triggers, m_start, m_end, m_text, m_confidence, m_reasons,
    place_json, region_json, origin_json, quantities_json
FROM events;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
CREATE INDEX events_article ON events(article);
CREATE INDEX events_type ON events(type);
CREATE INDEX events_time ON events(t_start, t_end);
"""

# Incidents (see geonews.living.incidents): the events that report one thing, grouped.
# Each row keeps its representative's key (the first event's type, place and days,
# what new events are compared with) and the sums of its events. The store fills
# the table for the events already stored when it migrates (store._AFTER_MIGRATION).
_V3 = """
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    rep         INTEGER NOT NULL,      -- events.id of the representative
    type        TEXT NOT NULL,
    precision   TEXT NOT NULL,
    geonameid   INTEGER,
    lat         REAL,
    lon         REAL,
    admin1_code TEXT,
    country     TEXT,
    lo          TEXT,                  -- the representative's first and last day (ISO)
    hi          TEXT,
    n_events    INTEGER NOT NULL,
    n_sources   INTEGER NOT NULL,      -- distinct outlets
    sources     TEXT,                  -- JSON: {outlet: its best event confidence}
    confidence  REAL NOT NULL,         -- combined over sources
    place_event INTEGER,               -- events.id with the most precise place
    place_rank  INTEGER,               -- its precision (0 town ... 3 country) and
    place_conf  REAL,                  -- place confidence, to compare new events with
    date_start  TEXT,                  -- the narrowest dated range of its events
    date_end    TEXT,
    t_start     TEXT,                  -- that range, else the span of its events' days
    t_end       TEXT,
    first_seen  TEXT                   -- earliest publication date, else ingest time
);
CREATE INDEX incidents_days ON incidents(hi, lo);
ALTER TABLE events ADD COLUMN incident INTEGER;
CREATE INDEX events_incident ON events(incident);
ALTER TABLE articles ADD COLUMN outlet TEXT;
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

#: Migrations by the version they produce: ``MIGRATIONS[n-1]`` takes a store from
#: version n-1 to n. Append, never edit: stores in the wild are at every version.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3)

SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path() -> Path:
    """The store's path: ``$GEONEWS_DB`` if set, else ``geonews.db`` in the working directory."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)

"""The event store: schema and migrations, identity, updates, batches, filters, round trips.

Most tests store hand-made analyses (:func:`make_analysis`): no gazetteer, and
every field known. Other living-map tests import the helpers from here.
"""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from geonews.errors import StoreError
from geonews.living.query import EventFilter
from geonews.living.rows import article_key, canonical_url, prepare
from geonews.living.schema import SCHEMA_VERSION
from geonews.living.store import Store
from geonews.model import Article, Event, Mention, Place, Quantity, Region
from geonews.pipeline import Analysis

# Places of the hand-made events: (name, kind, lat, lon, country, admin1, geonameid, region)
KHERSON_OBLAST = Region("UA.08", "Kherson", "UA", fips="UP08", iso="UA-65", lat=46.7, lon=33.4)
KURSK_OBLAST = Region("RU.41", "Kursk", "RU", fips="RS41", iso="RU-KRS", lat=51.6, lon=36.1)
DONETSK_OBLAST = Region("UA.05", "Donetsk", "UA", fips="UP05", iso="UA-14", lat=48.0, lon=37.8)
PLACES = {
    "Kherson": (Place("Kherson", "city", 46.63695, 32.61458, "UA", "08", 706448, 300000),
                KHERSON_OBLAST),
    "Kursk Oblast": (Place("Kursk Oblast", "region", 51.67, 36.16, "RU", "41", 514801), KURSK_OBLAST),
    "Pokrovsk": (Place("Pokrovsk", "city", 48.28198, 37.17585, "UA", "05", 708412, 60000),
                 DONETSK_OBLAST),
    "North Korea": (Place("North Korea", "country", 40.0, 127.0, "KP", None, 1873107), None),
}  # fmt: skip


def make_event(article: Article, etype: str, place: str, sentence: str, start: int = 0, **kw):
    p, region = PLACES[place]
    mention = Mention(start, start + len(place), place, p, 0.9, ("test",), region)
    return Event(
        type=etype,
        mention=mention,
        sentence=sentence,
        start=start,
        end=start + len(sentence),
        article=article,
        **kw,
    )


def make_analysis(
    text: str = "Russian shelling hit Kherson. Troops were deployed to Kursk Oblast.",
    *,
    url: str | None = None,
    published: date | None = date(2025, 3, 1),
    lang: str = "en",
    source: str | None = "test.txt",
    title: str | None = "A test article",
    events: list[tuple] | None = None,
) -> Analysis:
    """An analysis with the given events: ``(type, place, extra Event fields)`` tuples."""
    article = Article(text, title=title, url=url, published=published, lang=lang, source=source)
    if events is None:
        events = [
            ("strike", "Kherson", {"casualties": "civilian", "subtype": "Air/drone strike"}),
            (
                "deployment",
                "Kursk Oblast",
                {
                    "origin": Mention(0, 5, "North Korea", PLACES["North Korea"][0], 0.9),
                    "quantities": (Quantity(14000, "soldiers", "14 000 soldats"),),
                    "actors": ("North Korea", "Russia"),
                    "date_text": "July–August 2025",
                    "date_start": date(2025, 7, 1),
                    "date_end": date(2025, 8, 31),
                    "triggers": ("deployed",),
                },
            ),
        ]
    evs = tuple(
        make_event(article, etype, place, f"{place}: {etype} sentence.", i * 40, **extra)
        for i, (etype, place, extra) in enumerate(events)
    )
    mentions = tuple(e.mention for e in evs)
    return Analysis(article, lang, mentions, evs)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "events.db") as s:
        yield s


def _key(d: dict) -> tuple:
    return (d["article_id"], d["start"], d["type"])


# ---------------------------------------------------------------- schema


def test_new_store_is_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "sub" / "events.db"
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "events", "places", "files"} <= tables


def test_an_empty_sqlite_file_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).execute("CREATE TABLE unrelated (x)").connection.commit()
    with Store(path) as s:
        assert s.version == SCHEMA_VERSION
        assert s.stats().articles == 0


def test_a_store_from_a_newer_geonews_is_refused(tmp_path):
    path = tmp_path / "new.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer than this geonews"):
        Store(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not sqlite " * 100)
    with pytest.raises(StoreError, match="not a geonews event store"):
        Store(path)


def test_reading_a_missing_store_says_to_ingest_first(tmp_path):
    with pytest.raises(StoreError, match="geonews ingest"):
        Store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_default_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GEONEWS_DB", str(tmp_path / "env.db"))
    with Store() as s:
        assert s.path == tmp_path / "env.db"


# ---------------------------------------------------------------- identity


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.ORG/a/b?utm_source=x&id=3#top", "https://example.org/a/b?id=3"),
        ("http://example.org:80/", "http://example.org/"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org:8443/x?fbclid=1", "https://example.org:8443/x"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_article_key_is_the_url_else_the_text_hash():
    assert article_key(Article("x", url="https://e.org/a#b")) == "https://e.org/a"
    assert article_key(Article("x")).startswith("sha256:")
    assert article_key(Article("x", url="file:///tmp/a")).startswith("sha256:")


# ---------------------------------------------------------------- writing


def test_round_trip_gives_back_the_same_events(store):
    a = make_analysis(url="https://news.example/1")
    assert [o.status for o in store.write([prepare(a)])] == ["new"]
    back = store.events()
    assert all(isinstance(e, Event) for e in back)
    assert sorted((e.to_dict() for e in back), key=_key) == sorted(
        (e.to_dict() for e in a.events), key=_key
    )
    assert back[0].article.text == ""  # events come back without the article's text
    assert store.check() == []


def test_the_same_article_twice_adds_nothing(store):
    a = make_analysis(url="https://news.example/1")
    store.write([prepare(a)])
    outcomes = store.write([prepare(a), prepare(a)])
    assert [o.status for o in outcomes] == ["unchanged", "unchanged"]
    assert store.stats().articles == 1
    assert store.stats().events == 2


def test_the_same_text_at_another_url_is_the_same_article(store):
    store.write([prepare(make_analysis(url="https://a.example/x"))])
    (o,) = store.write([prepare(make_analysis(url="https://mirror.example/x"))])
    assert o.status == "unchanged"


def test_a_changed_article_at_the_same_url_replaces_its_events(store):
    url = "https://news.example/live"
    store.write([prepare(make_analysis(url=url))])
    v2 = make_analysis(
        "Updated: fighting near Pokrovsk.", url=url + "?utm_source=feed",
        events=[("ground_fighting", "Pokrovsk", {})],
    )  # fmt: skip
    (o,) = store.write([prepare(v2)])
    assert o.status == "updated"
    events = store.events()
    assert [(e.type, e.place.name) for e in events] == [("ground_fighting", "Pokrovsk")]
    assert store.stats().articles == 1
    assert store.stats().places == 1
    assert store.check() == []


def test_a_failing_batch_writes_nothing(store):
    good = prepare(make_analysis(url="https://news.example/good"))
    bad = prepare(make_analysis("other text", url="https://news.example/bad"))
    bad.event_rows[0] = (None,) * len(bad.event_rows[0])  # violates NOT NULL
    with pytest.raises(StoreError, match="cannot write"):
        store.write([good, bad])
    assert store.stats().articles == 0
    assert store.write([good])[0].status == "new"


def test_known_tells_whether_analysis_can_be_skipped(store):
    a = make_analysis(url="https://news.example/1")
    assert not store.known(a.article)
    store.write([prepare(a)])
    assert store.known(a.article)
    assert not store.known(Article("new text", url="https://news.example/1"))
    assert store.has_url("https://NEWS.example/1#frag")
    assert store.fetched_at("https://news.example/1") is not None


def test_files_are_remembered_by_size_and_mtime(store):
    store.record_file("/data/a.jsonl", 10, 123, 4)
    assert store.file_unchanged("/data/a.jsonl", 10, 123) == 4
    assert store.file_unchanged("/data/a.jsonl", 11, 123) is None


def test_check_finds_half_written_articles(store):
    store.write([prepare(make_analysis())])
    store._db.execute("DELETE FROM events WHERE id = (SELECT min(id) FROM events)")
    problems = store.check()
    # the article's count of events is off, and so is its incident's (issue 19)
    assert len(problems) == 2 and problems[0].startswith("article ")
    assert problems[1].startswith("incident ")


# ---------------------------------------------------------------- filters


@pytest.fixture
def filled(store):
    store.write(
        [
            prepare(make_analysis(url="https://kyiv.example/1", published=date(2025, 1, 10),
                                  events=[("strike", "Kherson", {})])),
            prepare(make_analysis("b", url="https://lemonde.example/2", lang="fr",
                                  published=date(2025, 6, 1),
                                  events=[("ground_fighting", "Pokrovsk", {}),
                                          ("deployment", "Kursk Oblast",
                                           {"date_start": date(2024, 8, 1),
                                            "date_end": date(2024, 8, 31)})])),
            prepare(make_analysis("c", url=None, source="notes/c.txt", published=None,
                                  events=[("strike", "Pokrovsk", {})])),
        ]
    )  # fmt: skip
    return store


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (EventFilter(), 4),
        (EventFilter(types=("strike",)), 2),
        (EventFilter(countries=("UA",)), 3),
        (EventFilter(countries=("Russia",)), 1),
        (EventFilter(regions=("Kherson Oblast",)), 1),
        (EventFilter(regions=("UA-14",)), 2),
        (EventFilter(regions=("ua.05", "RU.41")), 3),
        (EventFilter(sources=("lemonde",)), 2),
        (EventFilter(sources=("notes/",)), 1),
        (EventFilter(langs=("fr",)), 2),
        (EventFilter(since=date(2025, 1, 1)), 2),  # the 2024 deployment and the undated one go
        (EventFilter(until="2024-12-31"), 1),
        (EventFilter(since="2024-08-15", until="2024-08-20"), 1),  # inside the event's range
        (EventFilter(types=("strike",), countries=("UA",), since=date(2025, 1, 1)), 1),
    ],
)
def test_filters(filled, where, expected):
    assert filled.count_events(where) == expected
    assert len(filled.events(where)) == expected


def test_filter_checks_its_values():
    with pytest.raises(ValueError, match="unknown event type 'bombing'"):
        EventFilter(types=("bombing",))
    with pytest.raises(ValueError, match="bad since date"):
        EventFilter(since="last week")
    with pytest.raises(ValueError, match="after until"):
        EventFilter(since="2025-02-01", until="2025-01-01")
    with pytest.raises(ValueError, match="unknown country"):
        EventFilter(countries=("Atlantis",))
    assert EventFilter(countries=("ukraine", "Russia", "kp")).countries == ("UA", "RU", "KP")
    assert EventFilter(types="strike").types == ("strike",)
    assert EventFilter().empty


def test_stats(filled):
    s = filled.stats()
    assert (s.articles, s.events) == (3, 4)
    assert s.by_type == {"strike": 2, "ground_fighting": 1, "deployment": 1}
    assert (s.first, s.last) == ("2024-08-01", "2025-06-01")

"""Incidents: events reporting the same thing grouped in the store (issue 19)."""

from __future__ import annotations

import sqlite3
import sys
from datetime import date

import pytest

from geonews.living.incidents import (
    IncidentOptions,
    combined_confidence,
    outlet,
    window,
)
from geonews.living.rows import _EVENT_COLUMNS, prepare
from geonews.living.schema import MIGRATIONS, SCHEMA_VERSION
from geonews.living.store import Store
from geonews.model import Article
from geonews.pipeline import analyse


def art(text, url, published="2025-05-06", lang="en", source=None, title=None):
    a = Article(
        text, url=url, published=date.fromisoformat(published), lang=lang, source=source,
        title=title,
    )  # fmt: skip
    return prepare(analyse(a, lang))


def groups(store: Store) -> list[set[str]]:
    """The incidents as sets of article URLs, sorted, so tests compare groupings not ids."""
    rows = store._db.execute(
        "SELECT e.incident, a.url FROM events e JOIN articles a ON a.id = e.article"
    ).fetchall()
    by: dict[int, set[str]] = {}
    for inc, url in rows:
        by.setdefault(inc, set()).add(url)
    return sorted(by.values(), key=lambda s: sorted(s))


def incident_rows(store: Store) -> list[dict]:
    cur = store._db.execute("SELECT * FROM incidents ORDER BY id")
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur]


KHARKIV_1 = ("Russian missiles struck Kharkiv overnight, damaging a power plant.",
             "https://www.kyiv-post.example/a1")  # fmt: skip
KHARKIV_2 = ("Ракети вдарили по Харкову вночі, пошкоджено енергетичний об'єкт.",
             "https://pravda.example/ua/2", "2025-05-06", "uk")  # fmt: skip
KHARKIV_3 = ("Des missiles ont frappé Kharkiv dans la nuit.", "https://lemonde.example/3",
             "2025-05-07", "fr")  # fmt: skip
KHARKIV_LATER = ("Missiles struck Kharkiv again, hitting a school.", "https://x.example/9",
                 "2025-05-12")  # fmt: skip
ODESA = ("Missiles struck Odesa overnight, damaging the port.", "https://x.example/odesa")


def test_rule_pieces():
    assert window("2025-05-01", "2025-05-03", "2025-05-09", 1) == ("2025-05-01", "2025-05-03")
    assert window(None, None, "2025-05-09", 1) == ("2025-05-08", "2025-05-10")
    assert window(None, None, None, 1) is None
    assert outlet("https://www.reuters.com/x", "Reuters", "k") == "reuters.com"
    assert outlet(None, " Ukrinform ", "k") == "ukrinform"
    assert outlet(None, None, "sha256:ab") == "sha256:ab"
    assert combined_confidence([0.5]) == 0.5
    assert combined_confidence([0.5, 0.5]) == 0.75
    assert combined_confidence([0.9, 0.9, 0.9]) == 0.99  # capped
    with pytest.raises(ValueError, match="km"):
        IncidentOptions(km=-1)


def test_reports_of_one_strike_in_three_languages_are_one_incident(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write([art(*KHARKIV_1), art(*KHARKIV_2), art(*KHARKIV_3)])
        (inc,) = incident_rows(store)
        assert inc["n_events"] == 3 and inc["n_sources"] == 3
        assert inc["type"] == "strike"
        assert inc["first_seen"] == "2025-05-06"
        conf = [r[0] for r in store._db.execute("SELECT confidence FROM events")]
        assert inc["confidence"] > max(conf)


def test_a_new_article_joins_without_regrouping_the_store(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write([art(*KHARKIV_1), art(*ODESA)])
        before = {r["id"]: r for r in incident_rows(store)}
        store.write([art(*KHARKIV_2)])
        after = {r["id"]: r for r in incident_rows(store)}
        assert set(after) == set(before)  # joined: no new incident, ids kept
        kharkiv = next(i for i, r in after.items() if r["n_events"] == 2)
        assert before[kharkiv]["n_sources"] == 1 and after[kharkiv]["n_sources"] == 2
        store.write([art(*KHARKIV_LATER)])  # the same place six days later: another incident
        assert len(incident_rows(store)) == 3


def test_the_same_outlet_twice_is_one_source(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write([
            art(KHARKIV_1[0], "https://www.kyiv-post.example/a1"),
            art("Missiles struck Kharkiv overnight again, officials said.",
                "https://kyiv-post.example/a2"),
        ])  # fmt: skip
        (inc,) = incident_rows(store)
        assert (inc["n_events"], inc["n_sources"]) == (2, 1)


def test_ingesting_again_changes_nothing(tmp_path):
    batch = [art(*KHARKIV_1), art(*KHARKIV_2), art(*ODESA)]
    with Store(tmp_path / "s.db") as store:
        store.write(batch)
        first = incident_rows(store)
        store.write(batch)
        store.write(batch[:1])
        assert incident_rows(store) == first
        assert store.check() == []
        store._db.execute("UPDATE incidents SET n_events = 7 WHERE id = 1")
        assert store.check() == ["incident 1: 2 events stored, 7 counted"]


def test_batching_does_not_change_the_grouping(tmp_path):
    batch = [art(*KHARKIV_1), art(*ODESA), art(*KHARKIV_2), art(*KHARKIV_3), art(*KHARKIV_LATER)]
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        a.write(batch)
        for p in batch:
            b.write([p])
        b.write([art("Russian forces shelled Kharkiv on 6 May 2025 overnight.",
                     "https://d.example/k", "2025-05-07")])  # fmt: skip
        a.write([art("Russian forces shelled Kharkiv on 6 May 2025 overnight.",
                     "https://d.example/k", "2025-05-07")])  # fmt: skip
        assert groups(a) == groups(b)
        # the sums kept up batch by batch are the sums of the incidents' events
        from geonews.living.incidents import refresh

        for store in (a, b):
            kept = incident_rows(store)
            refresh(store._db, None)
            assert incident_rows(store) == kept
        assert incident_rows(a) == incident_rows(b)


def test_an_updated_article_moves_its_event(tmp_path):
    url = "https://x.example/moving"
    with Store(tmp_path / "s.db") as store:
        store.write([art(*KHARKIV_1), art(*KHARKIV_2), art(*ODESA)])
        store.write([art("Missiles struck Kharkiv overnight, a second report says.", url)])
        assert sorted(len(g) for g in groups(store)) == [1, 3]
        # the article is corrected: the strike was on Odesa
        store.write([art("Missiles struck Odesa overnight, the corrected report says.", url)])
        g = groups(store)
        assert {url, ODESA[1]} in g and {KHARKIV_1[1], KHARKIV_2[1]} in g
        assert sorted(r["n_events"] for r in incident_rows(store)) == [2, 2]


def test_when_the_representative_leaves_the_rest_is_grouped_again(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write([art(*KHARKIV_1), art(*KHARKIV_2), art(*KHARKIV_3)])
        # the first report (the representative) turns out to be about another town
        store.write([art("Missiles struck Odesa overnight, damaging a power plant.", KHARKIV_1[1])])
        g = groups(store)
        assert {KHARKIV_2[1], KHARKIV_3[1]} in g and {KHARKIV_1[1]} in g
        assert all(r["n_events"] for r in incident_rows(store))  # none left empty
        reps = {r["rep"] for r in incident_rows(store)}
        stored = {r[0] for r in store._db.execute("SELECT id FROM events")}
        assert reps <= stored


def test_an_article_that_loses_its_events_leaves_no_empty_incident(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write([art(*KHARKIV_1), art(*ODESA)])
        store.write([art("The weather in Kharkiv was calm.", KHARKIV_1[1])])
        assert len(incident_rows(store)) == 1


def test_region_reports_group_by_region_and_towns_by_distance(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write([
            art("Drones attacked Odesa Oblast overnight.", "https://a.example/1"),
            art("Дрони атакували Одеську область вночі.", "https://b.example/2", lang="uk"),
            art("Ukrainian troops repelled an assault in Odesa Oblast.", "https://c.example/3"),
            art("Drones attacked the port of Izmail overnight.", "https://d.example/4"),
            art("Drones attacked Kyiv Oblast overnight.", "https://e.example/5"),
        ])  # fmt: skip
        g = groups(store)
        # the same region at region level: one incident; another type, a town in that
        # region, another region: apart
        assert {"https://a.example/1", "https://b.example/2"} in g
        assert len(g) == 4


def test_towns_within_the_distance_are_one_place(tmp_path):
    with Store(tmp_path / "s.db") as store:
        # Kramatorsk and Sloviansk are 12 km apart
        store.write([
            art("Missiles struck Kramatorsk overnight.", "https://a.example/1"),
            art("Missiles struck Sloviansk overnight.", "https://b.example/2"),
        ])  # fmt: skip
        assert len(groups(store)) == 2
        store.set_incident_options(IncidentOptions(km=15))
        assert len(groups(store)) == 1


def test_changing_the_options_regroups_and_is_stored(tmp_path):
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.write([art(*KHARKIV_1), art(*KHARKIV_2), art(*KHARKIV_3), art(*KHARKIV_LATER)])
        assert len(incident_rows(store)) == 2
        assert store.set_incident_options(IncidentOptions(days=0)) is True
        assert len(incident_rows(store)) == 3  # 6 May and 7 May no longer overlap
        assert store.set_incident_options(IncidentOptions(days=0)) is False
    with Store(path) as store:
        assert store.incident_options == IncidentOptions(days=0)
        store.write([art("Ракеты ударили по Харькову ночью.", "https://r.example/1",
                         "2025-05-07", "ru")])  # fmt: skip
        assert {KHARKIV_3[1], "https://r.example/1"} in groups(store)


def test_an_old_store_is_upgraded_with_its_incidents(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    for i, p in enumerate([art(*KHARKIV_1), art(*KHARKIV_2), art(*ODESA)]):
        row = {**p.article_row, "key": p.key, "content_hash": p.content_hash, "fetched": "x"}
        cur = db.execute(
            f"INSERT INTO articles ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        for r in p.event_rows:  # a version 1 store has no place_from (the last column)
            db.execute(
                f"INSERT INTO events (article, {_EVENT_COLUMNS.removesuffix(', place_from')}) "
                f"VALUES ({', '.join('?' * len(r))})",
                (cur.lastrowid, *r[:-1]),
            )
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert sorted(r["n_events"] for r in incident_rows(store)) == [1, 2]
        assert store._db.execute(
            "SELECT count(*) FROM events WHERE incident IS NULL"
        ).fetchone() == (0,)
        assert sorted(r["n_sources"] for r in incident_rows(store)) == [1, 2]
        store.write([art(*KHARKIV_3)])  # and it keeps grouping
        assert sorted(r["n_events"] for r in incident_rows(store)) == [1, 3]


def test_grouping_recovers_the_incidents_of_our_stream():
    """Quality, not timing: pair precision and recall on tests/data/incidents stay >= 0.9."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "eval_incidents.py"
    spec = importlib.util.spec_from_file_location("eval_incidents", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    scores = module.evaluate()
    assert scores.precision >= 0.9, scores.wrong_pairs
    assert scores.recall >= 0.9, scores.lost_pairs
    # the distractors are in the stream and kept apart: a looser rule merges them
    assert module.evaluate(days=3).precision < 0.9


# ---------------------------------------------------------------- the map and exports

HOSTILE = [
    art("Missiles struck Kharkiv overnight <script>alert(1)</script>.",
        "https://www.kyiv-post.example/a1", title="<img src=x onerror=alert(2)>"),
    art("Ракети вдарили по Харкову вночі, пошкоджено \"енергооб'єкт\" & склад.",
        "https://pravda.example/ua/2", lang="uk"),
    art("Des missiles ont frappé Kharkiv dans la nuit.", "https://lemonde.example/3",
        "2025-05-07", "fr"),
    art("Missiles struck Odesa overnight, damaging the port.", "https://x.example/odesa"),
    art("Missiles struck Odesa overnight, a second outlet says.", "https://y.example/odesa"),
]  # fmt: skip


def test_an_incident_popup_lists_its_three_sources_escaped(tmp_path):
    from geonews.living.render import render_store
    from geonews.render.map import _Bounds, _mark_feature

    with Store(tmp_path / "s.db") as store:
        store.write(HOSTILE)
        marks = store.marks(incidents=True)
        kharkiv = next(k for k in marks if k.place.name == "Kharkiv")
        assert kharkiv.incident is not None and kharkiv.incidents == 1
        assert kharkiv.sources == ("kyiv-post.example", "lemonde.example", "pravda.example")
        assert kharkiv.reports == 3 and kharkiv.confidence > max(
            e.confidence for e in kharkiv.evidence
        )
        _, feature = _mark_feature(kharkiv, {}, _Bounds())
        popup = feature["properties"]["popup"]
        assert (
            "one incident, 3 sources: kyiv-post.example, lemonde.example, pravda.example" in popup
        )
        for outlet_name, url in (
            ("kyiv-post.example", "https://www.kyiv-post.example/a1"),
            ("pravda.example", "https://pravda.example/ua/2"),
            ("lemonde.example", "https://lemonde.example/3"),
        ):
            assert f"<b>{outlet_name}</b>" in popup and f'href="{url}"' in popup
        assert popup.count("<li>") == 3  # every source quoted
        assert "<script>" not in popup and "&lt;script&gt;" in popup
        assert "<img" not in popup and "&lt;img src=x onerror=alert(2)&gt;" in popup
        assert "&amp; склад" in popup and "combined over 3 independent sources" in popup
        html = render_store(store, tmp_path / "m.html", tiles=None).path.read_text()
    assert "<script>alert(1)" not in html and "onerror=alert(2)>" not in html
    assert "one incident, 3 sources" in html


def test_the_choropleth_counts_incidents_unless_told_events(tmp_path):
    from geonews.living.render import render_store

    with Store(tmp_path / "s.db") as store:
        store.write(HOSTILE)
        r = render_store(store, tmp_path / "i.html", tiles=None)
        assert (r.incidents, r.events) == (2, 5)
        html = (tmp_path / "i.html").read_text()
        assert "Kharkiv Oblast, Ukraine: 1 incident (Strike 1)" in html
        assert "Incidents per region" in html and "One mark per incident" in r.note
        r = render_store(store, tmp_path / "e.html", tiles=None, count="events")
        html = (tmp_path / "e.html").read_text()
        assert "Kharkiv Oblast, Ukraine: 3 events (Strike 3)" in html
        assert "Events per region" in html
        # past the budget, a mark holds the incidents of one place; shading still counts them
        r = render_store(store, tmp_path / "p.html", tiles=None, max_incidents=1)
        html = (tmp_path / "p.html").read_text()
        assert "Kharkiv Oblast, Ukraine: 1 incident (Strike 1)" in html
        assert "marks merge the incidents of one type at one place" in r.note


def test_exports_hold_incidents_with_their_sources(tmp_path):
    import csv
    import json

    import geopandas as gpd

    from geonews.living.export import INCIDENT_COLUMNS, export_events, export_incidents
    from geonews.living.query import EventFilter

    with Store(tmp_path / "s.db") as store:
        store.write([*HOSTILE, art("=HYPERLINK(\"x\") Missiles struck Kyiv overnight.",
                                   "https://z.example/k")])  # fmt: skip
        assert export_incidents(store, tmp_path / "i.geojson").count == 3
        assert export_events(store, tmp_path / "e.geojson").count == 6
        doc = json.loads((tmp_path / "i.geojson").read_text())
        kharkiv = next(f for f in doc["features"] if f["properties"]["location"] == "Kharkiv")
        p = kharkiv["properties"]
        assert (p["n_events"], p["n_sources"], p["geonews_type"]) == (3, 3, "strike")
        assert p["sources"] == ["kyiv-post.example", "pravda.example", "lemonde.example"]
        assert p["events"][0]["article_url"] == "https://www.kyiv-post.example/a1"
        assert "<script>" in p["events"][0]["sentence"]  # data, not HTML: kept verbatim
        assert kharkiv["geometry"]["type"] == "Point" and len(p["incident_id"]) == 16
        # stable: the same store exports the same ids
        export_incidents(store, tmp_path / "again.jsonl")
        ids = [
            json.loads(x)["incident_id"]
            for x in (tmp_path / "again.jsonl").read_text().splitlines()
        ]
        assert sorted(ids) == sorted(f["properties"]["incident_id"] for f in doc["features"])

        export_incidents(store, tmp_path / "i.csv")
        rows = list(csv.DictReader((tmp_path / "i.csv").read_text(encoding="utf-8").splitlines()))
        assert tuple(rows[0]) == INCIDENT_COLUMNS and len(rows) == 3
        k = next(r for r in rows if r["location"] == "Kharkiv")
        assert k["n_sources"] == "3" and k["sources"].count("; ") == 2
        assert k["urls"].startswith("https://www.kyiv-post.example/a1; ")
        kyiv = next(r for r in rows if r["location"] == "Kyiv")
        assert kyiv["sentences"].startswith("'=HYPERLINK")  # inert in a spreadsheet

        # a filter picks incidents by any of their events, and keeps all their events
        export_incidents(store, tmp_path / "fr.jsonl", where=EventFilter(langs=("fr",)))
        (line,) = (tmp_path / "fr.jsonl").read_text().splitlines()
        assert json.loads(line)["n_events"] == 3 and len(json.loads(line)["events"]) == 3

        export_incidents(store, tmp_path / "i.gpkg")
        frame = gpd.read_file(tmp_path / "i.gpkg", layer="incidents")
        assert len(frame) == 3 and set(frame["n_sources"]) == {1, 2, 3}


def test_an_incident_takes_the_narrowest_date_of_its_events(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write([
            art("Russian forces shelled Kherson, hitting a market.", "https://a.example/1",
                "2025-05-26"),
            art("Russian forces shelled Kherson on 25 May 2025, hitting a market.",
                "https://b.example/2", "2025-05-26"),
        ])  # fmt: skip
        (inc,) = incident_rows(store)
        assert (inc["date_start"], inc["date_end"]) == ("2025-05-25", "2025-05-25")
        assert (inc["t_start"], inc["t_end"]) == ("2025-05-25", "2025-05-25")
        assert inc["first_seen"] == "2025-05-26" and inc["n_sources"] == 2

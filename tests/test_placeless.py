"""Datelines, and events whose sentence names no place (issue 19).

A dateline ("KHARKIV, May 5 (Reuters) —") is the article's place and helps resolve its
other places. An event whose sentence names no place takes the nearest place named before
it in its paragraph, else the dateline; with neither it is still reported, without a
place (precision "unknown", lat/lon null), kept by the store and the exports, and listed
beside the maps. Every article here is written for these tests.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from geonews.batch import geoparse_record
from geonews.cli import main
from geonews.geoparse.dateline import find_dateline
from geonews.language.lexicon import load_lexicon
from geonews.living.export import export_events
from geonews.living.rows import prepare
from geonews.living.schema import MIGRATIONS, SCHEMA_VERSION
from geonews.living.store import Store
from geonews.model import Article
from geonews.pipeline import analyse

# ---------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("text", "lang", "dateline", "place"),
    [
        ("KHARKIV, Ukraine (AP) — Missiles struck.", "en", "KHARKIV, Ukraine (AP)", "KHARKIV"),
        ("KHARKIV, May 5 (Reuters) - Missiles struck.", "en", "KHARKIV, May 5 (Reuters)", "KHARKIV"),
        ("КИЇВ, 5 травня — Дрони атакували місто.", "uk", "КИЇВ, 5 травня", "КИЇВ"),
        ("ПАРИЖ, 3 мая - Переговоры продолжились.", "ru", "ПАРИЖ, 3 мая", "ПАРИЖ"),
        ("Kyiv (AFP) - Shelling went on.", "en", "Kyiv (AFP)", "Kyiv"),
        ("NEW YORK, March 3 (Reuters) -- Talks resumed.", "en", "NEW YORK, March 3 (Reuters)",
         "NEW YORK"),
        ("Kharkiv braces for winter\nKHARKIV (AP) — The city is cold.", "en", "KHARKIV (AP)",
         "KHARKIV"),
        ("ХАРЬКОВ, 5 мая (ТАСС) — Обстрел продолжился.", "ru", "ХАРЬКОВ, 5 мая (ТАСС)", "ХАРЬКОВ"),
    ],
)  # fmt: skip
def test_datelines_are_found_in_every_form(text, lang, dateline, place):
    d = find_dateline(text, load_lexicon(lang))
    assert d is not None
    assert d.text == dateline
    assert text[d.place_start : d.place_end] == place
    assert text[d.end :].startswith(" ")  # the dash is part of the dateline


@pytest.mark.parametrize(
    "text",
    [
        "Kyiv - the talks went on.",  # a name and a dash: no agency, no date, no capitals
        "Pokrovsk (Donetsk) — shelling went on.",  # a parenthesis, but no agency in it
        "In Kharkiv, May 5 — shelling went on.",  # a sentence, not a dateline
        "Shelling of residential area",
        "The mayor said: KHARKIV, May 5 (Reuters) - quoted later in a line.",
        "First line.\nSecond line.\nKHARKIV (AP) — too far down to be a dateline.",
    ],
)
def test_what_is_not_a_dateline(text):
    assert find_dateline(text, load_lexicon("en")) is None


def test_the_dateline_is_the_articles_place():
    a = analyse("KHARKIV, May 5 (Reuters) - Officials met to discuss the winter.", "en")
    assert a.dateline is not None
    assert a.dateline.place.name == "Kharkiv" and a.dateline.place.country == "UA"
    assert "dateline 'KHARKIV, May 5 (Reuters)'" in a.dateline.reasons
    assert a.to_dict()["dateline"]["name"] == "Kharkiv"
    assert analyse("Officials in Kharkiv met on Monday.", "en").dateline is None


def test_the_dateline_resolves_namesakes_near_it():
    """Kamianka names dozens of villages; written in Kharkiv, it is Kharkiv Oblast's, and
    written in Odesa, Odesa Oblast's. Without a dateline another one wins."""
    body = "Russian troops shelled Kamianka overnight."

    def kamianka(text):
        (m,) = [m for m in analyse(text, "en").mentions if m.text == "Kamianka"]
        return m

    plain = kamianka(f"Reporters said on May 5 that {body}")
    kharkiv = kamianka(f"KHARKIV, May 5 (Reuters) - {body}")
    odesa = kamianka(f"ODESA, May 5 (Reuters) - {body}")
    assert kharkiv.place.admin1_code == "UA.07"
    assert odesa.place.admin1_code == "UA.17"
    assert plain.place.admin1_code not in ("UA.07", "UA.17")
    assert "near the dateline's place, Kharkiv" in kharkiv.reasons
    assert not any("dateline" in r for r in plain.reasons)


# ---------------------------------------------------------------- events that borrow a place


def _events(text, lang="en"):
    return analyse(text, lang).events


def test_an_event_takes_the_place_of_an_earlier_sentence_of_its_paragraph():
    (strike, later) = _events(
        "Missiles struck the city centre in Kharkiv on Monday. "
        "Later that night, drones hit an energy facility."
    )
    assert strike.place.name == "Kharkiv" and strike.place_from == "sentence"
    assert strike.precision == "town"
    assert later.type == "strike" and later.place.name == "Kharkiv"
    assert later.place_from == "earlier_sentence"
    assert later.precision == "part_of_region"  # less precise than a place its sentence names
    assert "place from an earlier sentence: Kharkiv" in later.reasons
    assert later.confidence < strike.confidence
    assert later.sentence == "Later that night, drones hit an energy facility."


def test_an_event_takes_the_dateline_when_its_paragraph_names_no_place():
    events = _events(
        "KHARKIV, May 5 (Reuters) - Missiles struck the city centre on Monday.\n"
        "Later that night, drones hit an energy facility."
    )
    assert [e.place.name for e in events] == ["Kharkiv", "Kharkiv"]
    assert {e.place_from for e in events} == {"dateline"}
    assert all("place from the dateline: Kharkiv" in e.reasons for e in events)
    assert {e.precision for e in events} == {"part_of_region"}


def test_a_dateline_in_ukrainian_places_the_events_of_its_article():
    (e,) = _events("КИЇВ, 5 травня — Російські дрони атакували енергетичний об'єкт.", "uk")
    assert e.place.name == "Kyiv" and e.place_from == "dateline"


def test_a_place_named_in_the_sentence_wins_over_the_dateline():
    (e,) = _events("KYIV, May 5 (AP) — Russian forces shelled Kupiansk overnight.")
    assert e.place.name.startswith("Kup") and e.place_from == "sentence"


def test_never_a_place_from_another_paragraph():
    events = _events(
        "Missiles struck the city centre in Kharkiv on Monday.\n\n"
        "Later that night, drones hit an energy facility."
    )
    assert events[0].place.name == "Kharkiv"
    assert events[1].mention is None and events[1].place_from == "none"


def test_never_a_place_named_only_as_an_actor():
    """A country is an actor as often as a place, and a town that only speaks ("Kyiv
    said") or is only spoken of puts nothing there: neither lends its place."""
    events = _events(
        "Russia denied the reports. Kyiv said talks would resume. "
        "Later that night, drones hit an energy facility."
    )
    (e,) = [e for e in events if "energy facility" in e.sentence]
    assert e.mention is None and e.precision == "unknown"


def test_a_foreign_bureau_dateline_is_not_the_scene():
    """Written in Paris about Ukrainian towns: the dateline is where the reporter sat."""
    events = _events(
        "PARIS, May 3 (AFP) - Russian forces shelled Kupiansk on Sunday.\n"
        "Separately, drones hit an energy facility overnight."
    )
    later = [e for e in events if "energy facility" in e.sentence]
    assert later and all(e.mention is None for e in later)


# ---------------------------------------------------------------- events without a place

CAPTIONS = "Shelling of residential area\nMilitary convoy moving north\n"


def test_captions_are_events_without_a_place():
    shelling, convoy = _events(CAPTIONS)
    assert (shelling.type, convoy.type) == ("strike", "deployment")
    for e in (shelling, convoy):
        assert e.mention is None and e.place is None and e.region is None
        assert e.precision == "unknown" and e.place_from == "none"
        d = e.to_dict()
        assert d["lat"] is None and d["lon"] is None and d["place"] is None
        assert d["precision"] == "unknown"
        assert any(r.startswith("no place") for r in e.reasons)


def test_geoparse_output_keeps_events_without_a_place():
    out = geoparse_record({"id": "c1", "text": CAPTIONS, "lang": "en"})
    assert [e["type"] for e in out["events"]] == ["strike", "deployment"]
    assert all(e["lat"] is None and e["precision"] == "unknown" for e in out["events"])
    assert out["dateline"] is None
    out = geoparse_record({"id": "c2", "text": "KYIV (AP) — Drones hit a depot.", "lang": "en"})
    assert out["dateline"]["name"] == "Kyiv"
    assert out["events"][0]["place_from"] == "dateline"


def test_the_geoparse_command_writes_them(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "c", "text": CAPTIONS, "lang": "en"}) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["geoparse", str(corpus), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    (record,) = map(json.loads, out.read_text().splitlines())
    assert [(e["type"], e["lat"], e["precision"]) for e in record["events"]] == [
        ("strike", None, "unknown"),
        ("deployment", None, "unknown"),
    ]


def test_places_command_says_no_place(tmp_path):
    path = tmp_path / "captions.txt"
    path.write_text(CAPTIONS, encoding="utf-8")
    result = CliRunner().invoke(main, ["places", str(path)])
    assert result.exit_code == 0, result.output
    assert "event  strike          @ no place [unknown]" in result.output


# ---------------------------------------------------------------- store and exports

MIXED = (
    "KHARKIV, May 5 (Reuters) - Missiles struck the city centre on Monday.\n"
    "Shelling of residential area <script>alert(1)</script>\n"
)


def _mixed_store(tmp_path) -> Store:
    """A store with a caption without a place and a dated article placed by its dateline."""
    store = Store(tmp_path / "events.db")
    captions = Article(
        text=CAPTIONS, title="Captions", url="https://example.org/captions", lang="en",
        published=date(2025, 5, 6),
    )  # fmt: skip
    dated = Article(
        text="KHARKIV, May 5 (Reuters) - Missiles struck the city centre on Monday.",
        title="Kharkiv", url="https://example.org/kharkiv", lang="en", published=date(2025, 5, 5),
    )  # fmt: skip
    store.write([prepare(analyse(captions)), prepare(analyse(dated))])
    return store


def test_the_store_keeps_events_without_a_place(tmp_path):
    with _mixed_store(tmp_path) as store:
        assert store.check() == []
        events = store.events()
        assert len(events) == 3
        placeless = [e for e in events if e.mention is None]
        assert [e.type for e in placeless] == ["strike", "deployment"]
        assert all(e.precision == "unknown" and e.place_from == "none" for e in placeless)
        (kharkiv,) = [e for e in events if e.mention is not None]
        assert kharkiv.place_from == "dateline" and kharkiv.precision == "part_of_region"
        assert {e.type for e in store.placeless()} == {"strike", "deployment"}
        # the map's marks and timeline leave them off the geography
        assert [k.place.name for k in store.marks()] == ["Kharkiv"]
        days, undated = store.event_days()
        assert sum(d[7] for d in days) + undated == 1


def test_a_version_1_store_is_migrated_and_keeps_its_events(tmp_path):
    path = tmp_path / "v1.db"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    # fill it as geonews 1 did: the rows of an article whose events all have places
    article = Article(text="Missiles struck Kharkiv on Monday.", lang="en", url="https://e.org/a")
    rows = prepare(analyse(article))
    db = sqlite3.connect(path)
    a = rows.article_row
    db.execute(
        "INSERT INTO articles (id, key, article_id, url, title, source, lang, published, "
        "fetched, content_hash, ext_id, n_places, n_events, text) "
        "VALUES (1, ?, ?, ?, ?, ?, ?, ?, '2025-01-01T00:00:00', ?, ?, ?, ?, ?)",
        (rows.key, a["article_id"], a["url"], a["title"], a["source"], a["lang"],
         a["published"], rows.content_hash, a["ext_id"], a["n_places"], a["n_events"], a["text"]),
    )  # fmt: skip
    from geonews.living.rows import _EVENT_COLUMNS, _PLACE_COLUMNS

    for place_row in rows.place_rows:
        db.execute(
            f"INSERT INTO places (article, {_PLACE_COLUMNS}) VALUES (1, {', '.join('?' * 13)})",
            place_row,
        )
    (event_row,) = rows.event_rows

    v1_columns = _EVENT_COLUMNS.removesuffix(", place_from")
    db.execute(
        f"INSERT INTO events (article, {v1_columns}) VALUES (1, {', '.join('?' * 42)})",
        event_row[:-1],
    )
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION >= 2
        (e,) = store.events()
        assert e.place.name == "Kharkiv" and e.place_from == "sentence" and e.precision == "town"
        store.write([prepare(analyse(Article(text=CAPTIONS, lang="en")))])
        assert len(store.events()) == 3
        assert store.check() == []


def test_exports_carry_them_with_null_geometry(tmp_path):
    import geopandas as gpd

    with _mixed_store(tmp_path) as store:
        export_events(store, tmp_path / "e.geojson", format="geojson")
        features = json.loads((tmp_path / "e.geojson").read_text())["features"]
        geometries = {f["properties"]["sentence"][:20]: f["geometry"] for f in features}
        assert geometries["Shelling of resident"] is None
        assert geometries["Military convoy movi"] is None
        assert geometries["KHARKIV, May 5 (Reut"]["type"] == "Point"
        assert {f["properties"]["precision"] for f in features} == {"unknown", "part_of_region"}

        export_events(store, tmp_path / "e.csv", format="csv")
        lines = (tmp_path / "e.csv").read_text().splitlines()
        assert len(lines) == 4
        assert any(",Shelling of residential area," in line for line in lines)

        export_events(store, tmp_path / "e.gpkg", format="gpkg")
        frame = gpd.read_file(tmp_path / "e.gpkg")
        assert len(frame) == 3
        nulls = frame[frame["precision"] == "unknown"]
        assert len(nulls) == 2 and nulls.geometry.isna().all()
        assert frame[frame["precision"] != "unknown"].geometry.notna().all()


# ---------------------------------------------------------------- maps


def test_the_map_lists_them_in_a_panel_not_on_the_geography(tmp_path):
    from geonews.render.map import build_map
    from geonews.render.verbatim import verbatim_render

    dated = analyse(Article(text=MIXED, title="Kharkiv", url="https://example.org/k"), "en")
    # a dated article's caption is placed by its dateline: on the map, not in the panel
    assert [e.place_from for e in dated.events] == ["dateline", "dateline"]
    hostile = "Shelling of residential area <script>alert(1)</script> `${x}`\nMilitary convoy moving north"
    captions = analyse(
        Article(text=hostile, title="Caps <b>", url="https://example.org/c?a=1&b=2"), "en"
    )
    assert [e.place_from for e in captions.events] == ["none", "none"]
    m = build_map([*dated.events, *captions.events], tiles=None)
    with verbatim_render():
        html = m.get_root().render()
    start = html.index('<details class="gn-box gn-placeless"')
    panel = html[start : html.index("</details>", start)]
    assert "2 events without a place" in panel
    assert "<b>Shelling</b> of residential area &lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "&#96;&#36;{x}&#96;" in panel
    assert "Military <b>convoy</b> moving north" in panel
    assert 'href="https://example.org/c?a=1&amp;b=2"' in panel and "Caps &lt;b&gt;" in panel
    assert "<script>alert" not in html
    assert "KHARKIV" not in panel


def test_the_map_command_lists_them_offline(tmp_path):
    path = tmp_path / "captions.txt"
    path.write_text(CAPTIONS, encoding="utf-8")
    out = tmp_path / "c.html"
    result = CliRunner().invoke(main, ["map", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "2 events without a place" in html
    assert "No events found" not in html
    assert "unpkg.com" not in html and "cdn.jsdelivr" not in html  # self-contained


def test_the_living_map_lists_them(tmp_path):
    from geonews.living.render import render_store

    with _mixed_store(tmp_path) as store:
        render_store(store, tmp_path / "live.html", tiles="none")
    html = (tmp_path / "live.html").read_text(encoding="utf-8")
    assert "2 events without a place" in html
    assert 'href="https://example.org/captions"' in html
    assert "Military <b>convoy</b> moving north" in html


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Missiles struck Kharkiv on Monday. No casualties were reported.", "en"),
        ("Missiles struck Kharkiv on Monday, and nobody was injured.", "en"),
        ("Des missiles ont frappé Kharkiv lundi. Aucune victime n'a été signalée.", "fr"),
        ("Raketen trafen Charkiw am Montag. Niemand wurde verletzt.", "de"),
        ("Misiles impactaron en Járkov el lunes. No hubo heridos.", "es"),
        ("Ракеты ударили по Харькову. Пострадавших нет.", "ru"),
        ("Ракети вдарили по Харкову. Ніхто не постраждав.", "uk"),
        # a field note's "casualties unknown" reports none either
        ("Russian forces shelled near Kharkiv. Casualties unknown.", "en"),
        ("Ракеты ударили по Харькову. О пострадавших не сообщается.", "ru"),
        ("Ракети вдарили по Харкову. Інформація про постраждалих уточнюється.", "uk"),
    ],
)
def test_a_sentence_saying_nobody_was_harmed_reports_no_casualties(text, lang):
    """Borrowing a place must not turn "No casualties were reported." into casualties
    at Kharkiv: the words that say nobody was harmed are in each language's file."""
    events = _events(text, lang)
    assert [e.type for e in events] == ["strike"]
    assert events[0].casualties is None


def test_a_dateline_whose_country_the_article_never_names_is_not_the_scene():
    """Only countries named, as actors, none of them the dateline's: Paris is where the
    reporter sat. With the dateline's own country named, the dateline is the scene."""
    events = _events(
        "PARIS, May 3 (AFP) - Russia and Ukraine traded accusations on Sunday.\n"
        "Drones hit an energy facility overnight."
    )
    (later,) = [e for e in events if "energy facility" in e.sentence]
    assert later.mention is None
    events = _events(
        "KHARKIV (AP) — Ukraine said on Sunday that talks would resume.\n"
        "Drones hit an energy facility overnight."
    )
    (later,) = [e for e in events if "energy facility" in e.sentence]
    assert (later.place.name, later.place_from) == ("Kharkiv", "dateline")


def test_ingest_render_and_events_commands_keep_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEONEWS_DB", raising=False)
    (tmp_path / "captions.txt").write_text(CAPTIONS, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(main, ["ingest", "captions.txt"])
    assert r.exit_code == 0, r.output
    assert "2 events added" in r.output
    r = runner.invoke(main, ["events", "-f", "geojson"])
    assert r.exit_code == 0, r.output
    features = json.loads(r.output)["features"]
    assert [(f["geometry"], f["properties"]["precision"]) for f in features] == [
        (None, "unknown"),
        (None, "unknown"),
    ]
    r = runner.invoke(main, ["render", "-o", "live.html"])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "live.html").read_text(encoding="utf-8")
    assert "2 events without a place" in html and "No events found" not in html
    assert "2 events without a place, listed beside the map." in html  # the note
    assert "No stored events" not in html


def test_a_place_is_lent_to_the_next_three_sentences_only():
    """An article without line breaks is one paragraph: its first town is not what its
    last sentences mean."""
    head = "Missiles struck the city centre in Kharkiv on Monday. "
    filler = ["The mayor spoke to reporters. ", "Schools stayed open. ", "Trains ran late. "]
    tail = "Later that night, drones hit an energy facility."
    near = _events(head + "".join(filler[:2]) + tail)
    assert (near[-1].place.name, near[-1].place_from) == ("Kharkiv", "earlier_sentence")
    far = _events(head + "".join(filler) + tail)
    assert far[-1].sentence == tail and far[-1].mention is None

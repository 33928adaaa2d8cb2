"""The living map: render_store's timeline, the watch loop, and the commands
``ingest``, ``render``, ``watch`` and ``events`` (CliRunner: output and exit codes)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from test_ingest import article_text, lock_directory, write_jsonl
from test_store import make_analysis

from geonews.cli import main
from geonews.living.query import EventFilter
from geonews.living.render import parse_interval, render_store, watch
from geonews.living.rows import prepare
from geonews.living.store import Store
from geonews.render.map import MAX_EVIDENCE, group_marks


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "events.db") as s:
        s.write(
            [
                prepare(make_analysis(url="https://kyiv.example/1", published=date(2025, 3, 1))),
                prepare(make_analysis("b", url="https://kyiv.example/2", published=date(2025, 3, 2),
                                      events=[("strike", "Kherson", {}),
                                              ("ground_fighting", "Pokrovsk", {})])),
                prepare(make_analysis("c", url=None, published=None,
                                      events=[("fortification", "Pokrovsk", {})])),
            ]
        )  # fmt: skip
        yield s


# ---------------------------------------------------------------- render_store


def test_render_store_adds_a_timeline_per_type(store, tmp_path):
    out = tmp_path / "maps" / "latest.html"
    r = render_store(store, out, tiles=None)
    assert (r.path, r.events, r.articles, r.bucket) == (out, 5, 3, "day")
    assert (r.first, r.last) == (date(2025, 3, 1), date(2025, 8, 31))
    html = out.read_text()
    assert html.count("L.timeline(") == 3  # strike, deployment, ground fighting (dated)
    assert "L.timelineSliderControl(" in html
    for name in ("Strike over time", "Deployment over time", "Ground fighting over time"):
        assert f'"{name}" : timeline_' in html  # listed in the layer control
    assert "Fortification over time" not in html  # its only event is undated
    # the layer control comes after the timelines it names
    assert html.rindex("L.timeline(") < html.index("L.control.layers(")
    assert "1 undated events are not on the timeline." in r.note
    assert 'class="gn-box gn-living"' in html and "5 events from 3 articles" in html
    assert r.summary() == (
        f"Wrote {out}: 4 incidents (5 events from 3 articles, 2025-03-01 – 2025-08-31); "
        "timeline by day (4 marks)."
    )


def test_render_store_filters_and_escapes_the_note(store, tmp_path):
    where = EventFilter(types=("strike",), sources=("<script>alert(1)</script>",))
    r = render_store(store, tmp_path / "m.html", where=where, tiles=None)
    assert r.events == 0
    html = (tmp_path / "m.html").read_text()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "No stored events match strike" in r.note
    r = render_store(store, tmp_path / "m.html", where=EventFilter(types=("strike",)), tiles=None)
    assert r.events == 2


def test_too_many_marks_are_grouped_more_coarsely(tmp_path):
    with Store(tmp_path / "big.db") as s:
        s.write(
            [
                prepare(make_analysis(f"t{i}", url=f"https://e.example/{i}",
                                      published=date(2024, 1, 1) + timedelta(days=3 * i),
                                      events=[("strike", "Kherson", {})]))
                for i in range(150)
            ]
        )  # fmt: skip
        r = render_store(s, tmp_path / "m.html", tiles=None, max_timeline=5)
        assert (r.bucket, r.timeline_marks) == ("quarter", 5)  # 2024-01-01 to 2025-03-23
        r = render_store(s, tmp_path / "m.html", tiles=None, max_timeline=1)
        assert (r.bucket, r.timeline_marks) == ("year", 1)
        assert "the 1 busiest of 2 groups shown" in r.note
        html = (tmp_path / "m.html").read_text()
        assert "Kherson: 122 events, 2024" in html  # 2025's 28 are left out


def test_store_marks_are_the_marks_of_the_events(store):
    """Store.marks (SQL) and group_marks (Python) are one grouping: the map is the same."""
    store.write(
        [  # a reprint of article "b" under another URL: the same sentences count once
            prepare(make_analysis("b", url="https://mirror.example/2", published=date(2025, 3, 2),
                                  events=[("strike", "Kherson", {}),
                                          ("ground_fighting", "Pokrovsk", {})])),
            prepare(make_analysis("d", url="https://kyiv.example/4", published=date(2025, 3, 5))),
        ]
    )  # fmt: skip
    for where in (EventFilter(), EventFilter(types=("deployment",)), EventFilter(langs=("fr",))):
        assert store.marks(where) == group_marks(store.events(where, ordered=False)), where
    marks = store.marks()
    strikes = next(k for k in marks if k.type == "strike" and k.place.name == "Kherson")
    assert (strikes.reports, strikes.articles, strikes.casualties) == (3, 3, ("civilian",))
    flow = next(k for k in marks if k.origin is not None)
    assert (flow.origin.name, flow.place.name, flow.reports) == ("North Korea", "Kursk Oblast", 2)
    assert flow.quantities == ((14000, "soldiers"),) and flow.first == date(2025, 7, 1)


def test_popups_quote_the_latest_reports(tmp_path):
    with Store(tmp_path / "many.db") as s:
        s.write(
            [
                prepare(make_analysis(f"t{i}", url=f"https://e.example/{i}",
                                      published=date(2025, 1, 1) + timedelta(days=i),
                                      events=[("strike", "Kherson", {})]))
                for i in range(25)
            ]
        )  # fmt: skip
        (mark,) = s.marks()
        # the 25 days make several incidents: draw them merged by place, as a big store does
        render_store(s, tmp_path / "m.html", max_incidents=1)
    assert (mark.reports, len(mark.evidence)) == (25, MAX_EVIDENCE)
    days = [e.article.published for e in mark.evidence]
    assert days == sorted(days) and days[0] == date(2025, 1, 6) and days[-1] == date(2025, 1, 25)
    html = (tmp_path / "m.html").read_text()
    assert "5 earlier reports not quoted" in html and "25 reports from 25 articles" in html


def test_render_store_offline_is_self_contained_and_deterministic(store, tmp_path):
    a = render_store(store, tmp_path / "a.html", offline=True).path.read_text()
    b = render_store(store, tmp_path / "b.html", offline=True).path.read_text()
    assert a == b
    assert not re.search(r"""(?:<script[^>]+src|<link[^>]+href|url\()\s*=?\s*["']?(?:https?:)?//""", a)
    assert "if (!(window.L && L.timeline)) {" in a and "if (!window.moment) {" in a
    assert '"pane": "geonews-basemap"' in a  # no tiles offline: the shipped basemap
    online = render_store(store, tmp_path / "c.html", cdn=True).path.read_text()
    assert "tile.openstreetmap.org" in online and "cdn.jsdelivr.net/npm/leaflet.timeline" in online
    # the default: self-contained, web tiles over the shipped basemap
    default = render_store(store, tmp_path / "d.html").path.read_text()
    assert not re.search(r"""(?:<script[^>]+src|<link[^>]+href)\s*=\s*["']?(?:https?:)?//""",
                         default)  # fmt: skip
    assert "tile.openstreetmap.org" in default and '"underTiles": true' in default


def test_render_command_cdn_and_offline_exclude_each_other(runner, store, tmp_path):
    r = runner.invoke(main, ["render", "--db", str(store.path), "-o", str(tmp_path / "m.html"),
                             "--offline", "--cdn"])  # fmt: skip
    assert r.exit_code == 2 and "--offline and --cdn exclude each other" in r.output


def test_render_command_offline_fragment_and_tiles(runner, store, tmp_path):
    db = ["--db", str(store.path)]
    r = runner.invoke(main, ["render", "-o", "f.html", "--offline", "--fragment", *db])
    assert r.exit_code == 0, r.output
    frag = (tmp_path / "f.html").read_text()
    assert frag.startswith('<div class="geonews-map" id="geonews-') and "<html" not in frag
    assert "L.timelineSliderControl(" in frag and 'class="gn-box gn-living"' in frag
    r = runner.invoke(main, ["render", "-o", "t.html", "--tiles", "http://tiles.lan/{z}/{x}/{y}.png",
                             *db])  # fmt: skip
    html = (tmp_path / "t.html").read_text()
    assert r.exit_code == 0 and "http://tiles.lan/{z}/{x}/{y}.png" in html
    assert html.index("L.tileLayer(") < html.index("L.control.layers(")
    r = runner.invoke(main, ["render", "--offline", "--tiles", "OpenStreetMap", *db])
    assert r.exit_code == 1
    assert r.output.startswith("Error: tiles 'OpenStreetMap' come from an online server")


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("30s", 30), ("10m", 600), ("1h30m", 5400), ("0.5s", 0.5)]
)
def test_parse_interval(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10x", "-5", "0"])
def test_parse_interval_rejects(text):
    with pytest.raises(ValueError):
        parse_interval(text)


# ---------------------------------------------------------------- watch


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []
        self.on_sleep = None

    def clock(self):
        return self.now

    def sleep(self, s):
        self.sleeps.append(s)
        self.now += s
        if self.on_sleep:
            self.on_sleep(len(self.sleeps))


def test_watch_renders_only_when_something_changed(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(article_text(0))
    out = tmp_path / "latest.html"
    lines = []
    t = Clock()

    def arrive(n):
        if n == 2:  # a new article lands during the second wait
            (inbox / "b.txt").write_text(article_text(3))

    t.on_sleep = arrive
    with Store(tmp_path / "w.db") as s:
        result = watch([str(inbox)], s, out, every=600, max_cycles=4, clock=t.clock,
                       sleep=t.sleep, echo=lines.append, tiles=None)  # fmt: skip
    assert (result.cycles, result.renders, result.report.new) == (4, 2, 2)
    assert t.sleeps == [600, 600, 600]
    assert len(lines) == 4
    assert re.fullmatch(r"\S+ \S+ cycle 1: 1 new, 0 updated, 0 unchanged, 0 failed; \d+ events "
                        r"added; map re-rendered: \d+ incidents \(\d+ events\) in \d+\.\d s", lines[0])  # fmt: skip
    assert lines[1].endswith("cycle 2: 0 new, 0 updated, 1 unchanged, 0 failed; 0 events added; "
                             "map unchanged")  # fmt: skip
    assert "cycle 3: 1 new" in lines[2] and "map re-rendered" in lines[2]
    assert lines[3].endswith("map unchanged")
    assert out.exists()


def test_watch_stops_cleanly_on_ctrl_c(tmp_path):
    lines = []
    t = Clock()

    def interrupt(n):
        raise KeyboardInterrupt

    t.on_sleep = interrupt
    with Store(tmp_path / "w.db") as s:
        result = watch([str(tmp_path / "nothing")], s, tmp_path / "m.html", every=60,
                       clock=t.clock, sleep=t.sleep, echo=lines.append, tiles=None)  # fmt: skip
        assert s.check() == []
    assert result.interrupted and result.cycles == 1
    assert "1 failed" in lines[0] and "no such file" in lines[0]
    assert lines[-1] == "stopped after 1 cycle"


# ---------------------------------------------------------------- the commands


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEONEWS_DB", raising=False)
    return CliRunner()


def test_ingest_render_events_end_to_end(runner, tmp_path):
    write_jsonl(tmp_path / "corpus.jsonl", range(4))
    r = runner.invoke(main, ["ingest", "corpus.jsonl"])
    assert r.exit_code == 0, r.output
    assert re.fullmatch(
        r"Ingested 4 articles into geonews\.db in \d+\.\d s: 4 new, 0 updated, 0 unchanged, "
        r"0 failed; (\d+) events added\. The store holds 4 articles and \1 events "
        r"in \d+ incidents\.\n",
        r.output,
    )
    assert (tmp_path / "geonews.db").exists()

    r = runner.invoke(main, ["render", "-o", "maps/latest.html", "--type", "strike"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Wrote maps/latest.html: ")
    assert "L.timeline(" in (tmp_path / "maps" / "latest.html").read_text()

    # incidents by default (issue 19), events with --raw
    r = runner.invoke(main, ["events", "--country", "Ukraine", "--since", "2025-01-01"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["type"] == "FeatureCollection" and doc["features"]
    props = [f["properties"] for f in doc["features"]]
    assert {p["country_code"] for p in props} == {"UA"}
    assert all(p["incident_id"] and p["n_sources"] >= 1 and p["events"] for p in props)
    r = runner.invoke(main, ["events", "--raw", "--country", "Ukraine", "--since", "2025-01-01"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert {f["properties"]["country"] for f in doc["features"]} == {"UA"}
    assert len(doc["features"]) >= len(props)

    r = runner.invoke(main, ["events", "-o", "out/ev.gpkg"])
    assert r.exit_code == 0, r.output
    assert re.fullmatch(r"Wrote \d+ incidents to out/ev\.gpkg\.\n", r.output)
    r = runner.invoke(main, ["events", "--raw", "-o", "out/raw.gpkg"])
    assert re.fullmatch(r"Wrote \d+ events to out/raw\.gpkg\.\n", r.output)

    for raw, header in (([], "incident_id,event_type,"), (["--raw"], "event_date,event_type,")):
        r = runner.invoke(main, ["events", "-f", "csv", "--lang", "fr", *raw])
        assert r.exit_code == 0 and r.output.startswith(header) and r.output.count("\n") == 1


def test_ingest_reports_failures_and_exits_1(runner, tmp_path):
    (tmp_path / "good.txt").write_text(article_text(0))
    r = runner.invoke(main, ["ingest", "good.txt", "missing.txt", "--db", "x.db"])
    assert r.exit_code == 1
    assert "Failed: missing.txt: no such file\n" in r.output
    assert "1 new, 0 updated, 0 unchanged, 1 failed" in r.output


def test_ingest_skips_a_bad_record_and_stores_the_others(runner, tmp_path):
    path = write_jsonl(tmp_path / "corpus.jsonl", range(600))
    lines = path.read_text().splitlines(keepends=True)
    bad = json.dumps({"id": "bad", "text": article_text(0), "url": {"a": 1}}) + "\n"
    path.write_text("".join(lines[:300]) + bad + "".join(lines[300:]))
    r = runner.invoke(main, ["ingest", "corpus.jsonl", "--db", "x.db"])
    assert r.exit_code == 1
    assert r.output.startswith('Failed: corpus.jsonl#bad: "url" must be a string, not an object\n')
    assert "600 new, 0 updated, 0 unchanged, 1 failed" in r.output
    with Store(tmp_path / "x.db") as s:
        assert s.stats().articles == 600


def test_ingest_of_an_empty_feed_is_a_failure(runner, tmp_path):
    (tmp_path / "empty.rss").write_bytes(b"")
    r = runner.invoke(main, ["ingest", "empty.rss", "--db", "x.db"])
    assert r.exit_code == 1
    assert r.output.startswith("Failed: empty.rss is empty, not a feed\n")
    assert "Ingested 1 article into x.db" in r.output


def test_ingest_of_a_directory_that_cannot_be_listed_fails(runner, tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text(article_text(0))
    lock_directory(monkeypatch, tmp_path / "locked")
    r = runner.invoke(main, ["ingest", "locked", "--db", "x.db"])
    assert r.exit_code == 1
    assert r.output.startswith("Failed: locked: cannot list directory (Permission denied)\n")


@pytest.mark.parametrize("command", ["ingest", "render", "events"])
def test_a_store_in_a_directory_we_cannot_search(runner, tmp_path, monkeypatch, command):
    (tmp_path / "locked").mkdir()
    (tmp_path / "good.txt").write_text(article_text(0))
    lock_directory(monkeypatch, tmp_path / "locked")
    args = ["good.txt"] if command == "ingest" else []
    r = runner.invoke(main, [command, *args, "--db", "locked/x.db"])
    assert r.exit_code == 1
    assert r.output == "Error: cannot open event store locked/x.db: Permission denied\n"


def test_db_from_the_environment(runner, tmp_path):
    (tmp_path / "good.txt").write_text(article_text(0))
    r = runner.invoke(main, ["ingest", "good.txt"], env={"GEONEWS_DB": str(tmp_path / "env.db")})
    assert r.exit_code == 0 and "into " + str(tmp_path / "env.db") in r.output


def test_reading_commands_need_an_existing_store(runner):
    for cmd in (["render"], ["events"]):
        r = runner.invoke(main, [*cmd, "--db", "none.db"])
        assert r.exit_code == 1
        assert (
            r.output
            == "Error: no event store at none.db: add articles with 'geonews ingest' first\n"
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["events", "--since", "2025-13-01"], "bad since date '2025-13-01'"),
        (["events", "--type", "bombing"], "Invalid value for '--type'"),
        (["events", "--country", "Atlantis"], "unknown country 'Atlantis'"),
        (["events", "-f", "gpkg"], "a GeoPackage must be written to a file"),
        (["render", "--since", "2025-02-01", "--until", "2025-01-01"], "is after until"),
        (["watch", "x", "--every", "soon"], "bad interval 'soon'"),
    ],
)
def test_usage_errors_exit_2(runner, store, args, message):
    r = runner.invoke(main, [*args, "--db", str(store.path)])
    assert r.exit_code == 2
    assert message in r.output


def test_watch_command_runs_cycles(runner, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(article_text(0))
    r = runner.invoke(main, ["watch", "in", "--every", "0.01s", "--max-cycles", "2", "-o", "m.html",
                             "--offline"])  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert len(lines) == 2
    assert "cycle 1: 1 new" in lines[0] and "map re-rendered" in lines[0]
    assert "cycle 2: 0 new, 0 updated, 1 unchanged" in lines[1] and "map unchanged" in lines[1]
    assert "if (!window.L) {" in (tmp_path / "m.html").read_text()  # --offline reached render


@pytest.mark.parametrize("command", ["ingest", "render", "watch", "events"])
def test_every_command_has_help(runner, command):
    r = runner.invoke(main, [command, "--help"])
    assert r.exit_code == 0
    assert "--db" in r.output and len(r.output.splitlines()) > 5


def test_ingest_sets_the_incident_rule_and_keeps_it(runner, tmp_path):
    from geonews.living.incidents import IncidentOptions
    from geonews.living.store import Store

    write_jsonl(tmp_path / "corpus.jsonl", range(3))
    r = runner.invoke(main, ["ingest", "corpus.jsonl", "--incident-km", "5"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["ingest", "corpus.jsonl", "--incident-days", "2"])
    assert r.exit_code == 0, r.output
    with Store(tmp_path / "geonews.db") as store:
        assert store.incident_options == IncidentOptions(km=5.0, days=2)
    r = runner.invoke(main, ["ingest", "corpus.jsonl", "--incident-km", "-1"])
    assert r.exit_code == 2 and "--incident-km" in r.output

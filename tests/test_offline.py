"""Maps for reports, asserted on the HTML: deterministic ids, offline inlining, fragments,
iframes, tiles and the CLI options. What a browser makes of them is in test_browser.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import folium
import pytest
from click.testing import CliRunner

from geonews.cli import main
from geonews.errors import RenderError
from geonews.model import Article
from geonews.pipeline import analyse
from geonews.render.offline import (
    EventCollection,
    deterministic_ids,
    iframe_snippet,
    map_html,
    render_html,
    write_map,
)

ARTICLE = Article(
    text=(
        "Russian drones struck Kherson overnight, killing two civilians.\n\n"
        "North Korean troops were deployed to the Kursk region for demining.\n\n"
        "Ukrainian troops built new fortifications near Sumy."
    ),
    title="Kherson, Kursk and Sumy",
    url="https://news.example/report",
    lang="en",
)
RANDOM_ID = re.compile(r"[0-9a-f]{32}")
EXTERNAL_LOAD = re.compile(
    r"""(?:<script[^>]+src|<link[^>]+href|url\()\s*=?\s*["']?(?:https?:)?//"""
)


@pytest.fixture(scope="module")
def events():
    evs = list(analyse(ARTICLE).events)
    assert {e.type for e in evs} >= {"strike", "fortification"}
    return evs


@pytest.fixture(scope="module")
def offline_page(events) -> str:
    return map_html(events, offline=True)


# ------------------------------------------------------------------ deterministic


def test_same_events_give_byte_identical_html(events):
    for kw in ({}, {"offline": True}, {"fragment": True}, {"tiles": "none"}):
        assert map_html(events, **kw) == map_html(events, **kw), kw


def test_no_random_ids_remain(events):
    html = map_html(events)
    assert not RANDOM_ID.search(html)
    assert "gn$id$" not in html
    assert re.search(r'id="map_[0-9a-f]{12}_\d+"', html)


def test_map_built_outside_the_block_is_made_stable(events):
    from geonews.render.map import build_map

    pages = [render_html(build_map(events)) for _ in range(2)]
    assert pages[0] == pages[1]
    assert not RANDOM_ID.search(pages[0])


def test_different_maps_get_different_ids(events):
    a = map_html(events[:1], fragment=True)
    b = map_html(events, fragment=True)
    ids_a = set(re.findall(r"map_[0-9a-f]{12}", a))
    ids_b = set(re.findall(r"map_[0-9a-f]{12}", b))
    assert ids_a and ids_b and not ids_a & ids_b


def test_deterministic_ids_restores_the_generator():
    with deterministic_ids():
        inner = folium.Map()._id
    assert inner.startswith("gn$id$")
    assert RANDOM_ID.fullmatch(folium.Map()._id)


@pytest.mark.skipif(not Path("../shared/examples/kursk-troops.fr.txt").exists(), reason="no seed")
def test_cli_output_is_identical_across_processes(tmp_path):
    """Different hash seeds (set ordering) and processes still give the same bytes."""
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"m{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "geonews.cli", "map", "../shared/examples/kursk-troops.fr.txt",
             "-o", str(out)],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


# ------------------------------------------------------------------ offline


def test_offline_page_loads_nothing_from_the_network(offline_page):
    assert not EXTERNAL_LOAD.search(offline_page)
    assert "cdn." not in offline_page and "jquery" not in offline_page.lower()
    assert "tile.openstreetmap.org" not in offline_page


def test_offline_page_inlines_leaflet_with_data_uris(offline_page):
    assert "if (!window.L) {" in offline_page and "L.map(" in offline_page
    assert 'url("data:image/png;base64,' in offline_page  # leaflet.css images
    assert "sourceMappingURL" not in offline_page


def test_inlined_scripts_cannot_close_early(offline_page):
    # every <script> opened is closed exactly once: nothing inlined contains "</script"
    assert offline_page.count("<script") == offline_page.lower().count("</script>")
    assert offline_page.count("<style") == offline_page.lower().count("</style>")
    assert "<!--" not in offline_page


def test_offline_draws_the_shipped_basemap(offline_page):
    assert '"pane": "geonews-basemap"' in offline_page
    assert '"Ukraine"' in offline_page  # a country label around the events


def test_unused_cdn_libraries_are_dropped_online_too(events):
    html = map_html(events)
    assert "leaflet.js" in html
    for gone in ("bootstrap", "fontawesome", "awesome-markers", "jquery"):
        assert gone not in html.lower()


def test_offline_refuses_a_used_library_without_local_copy():
    from folium.plugins import BeautifyIcon

    with deterministic_ids():
        m = folium.Map(tiles=None)
        folium.Marker([0, 0], icon=BeautifyIcon()).add_to(m)
        with pytest.raises(RenderError, match="no local copy of .*beautify"):
            render_html(m, offline=True)


def test_timeline_scripts_come_from_the_vendored_npm_copies():
    """folium's Timeline links leaflet.timeline and moment from CDNs: offline they are
    inlined from src/geonews/render/vendor/, once per page even with several fragments."""
    from importlib import resources

    from folium.plugins import Timeline, TimelineSlider

    vendor = resources.files("geonews.render") / "vendor"
    for name in ("leaflet.timeline-1.6.0", "moment-2.18.1"):
        assert (vendor / name / "LICENSE").is_file()
    assert "leaflet.timeline@1.6.0" in (vendor / "README.md").read_text()
    with deterministic_ids():
        m = folium.Map(tiles=None)
        point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30, 50]},
                 "properties": {"start": 0, "end": 86400000}}  # fmt: skip
        tl = Timeline({"type": "FeatureCollection", "features": [point]}).add_to(m)
        TimelineSlider().add_timelines(tl).add_to(m)
        online = render_html(m)
        page = render_html(m, offline=True)
    assert "cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0" in online
    assert "moment.js/2.18.1/moment.min.js" in online
    assert not EXTERNAL_LOAD.search(page)
    assert "if (!(window.L && L.timeline)) {" in page and "if (!window.moment) {" in page
    assert "TimelineSliderControl" in page and "isMoment" in page  # the libraries themselves
    assert page.index("if (!window.L) {") < page.index("if (!(window.L && L.timeline)) {")


def test_tile_layer_is_defined_before_the_layer_control_names_it(events):
    html = map_html(events, tiles="http://127.0.0.1:8999/{z}/{x}/{y}.png")
    assert html.index("L.tileLayer(") < html.index("L.control.layers(")


# ------------------------------------------------------------------ tiles


def test_offline_with_an_online_provider_is_an_error(events):
    with pytest.raises(RenderError, match="online server"):
        map_html(events, offline=True, tiles="OpenStreetMap")


def test_tile_url_template_is_used(events):
    html = map_html(events, offline=True, tiles="http://127.0.0.1:8999/{z}/{x}/{y}.png")
    assert "http://127.0.0.1:8999/{z}/{x}/{y}.png" in html
    assert "geonews-basemap" not in html


def test_local_tile_directory_is_linked_relative_to_the_map(events, tmp_path):
    tiles = tmp_path / "tiles"
    (tiles / "3" / "4").mkdir(parents=True)
    (tiles / "3" / "4" / "2.png").write_bytes(b"\x89PNG")
    path = write_map(events, tmp_path / "maps" / "m.html", offline=True, tiles=str(tiles))
    assert '"../tiles/{z}/{x}/{y}.png"' in path.read_text()


def test_empty_tile_directory_is_an_error(events, tmp_path):
    with pytest.raises(RenderError, match="no \\{z\\}/\\{x\\}/\\{y\\} tiles"):
        map_html(events, tiles=str(tmp_path))


# ------------------------------------------------------------------ fragment and iframe


def test_fragment_is_one_container_without_page_wide_rules(events):
    frag = map_html(events, fragment=True, offline=True, height="420px")
    assert frag.startswith('<div class="geonews-map" id="geonews-')
    assert frag.rstrip().endswith("</div>")
    for page_only in ("<html", "<body", "<head", "<meta", "html, body", "#map {", "<title"):
        assert page_only not in frag
    assert "height:420px" in frag
    assert "(function () {" in frag  # its variables stay out of the host page


def test_fragment_height_is_checked(events):
    with pytest.raises(ValueError, match="CSS length"):
        map_html(events, fragment=True, height="1px;background:url(x)")


def test_iframe_snippet(tmp_path):
    page = tmp_path / "m.html"
    page.write_text("<html></html>")
    snippet = iframe_snippet(page, src='maps/a "b".html', height="50vh")
    assert snippet.startswith('<iframe src="maps/a &quot;b&quot;.html"')
    assert 'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"' in snippet
    assert "allow-same-origin" not in snippet and "height:50vh" in snippet
    with pytest.raises(RenderError, match="no map file"):
        iframe_snippet(tmp_path / "missing.html")


# ------------------------------------------------------------------ notebooks


def test_event_collection_repr_html(events):
    coll = EventCollection(events, title="T")
    assert len(coll) == len(events) and coll[0] is events[0]
    html = coll._repr_html_()
    assert html.count("<iframe srcdoc=") == 1 and "allow-same-origin" not in html
    assert "Kherson" in html and "<tr><td>strike</td>" in html
    assert analyse(ARTICLE)._repr_html_().startswith("<div><p>")


# ------------------------------------------------------------------ CLI


@pytest.fixture
def article_file(tmp_path) -> Path:
    p = tmp_path / "a.txt"
    p.write_text(ARTICLE.text, encoding="utf-8")
    return p


def test_cli_map_offline_fragment_iframe(article_file, tmp_path):
    runner = CliRunner()
    out = tmp_path / "m.html"
    r = runner.invoke(main, ["map", str(article_file), "-o", str(out), "--offline", "--iframe"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith(f"Wrote {out}:")
    assert lines[1] == (
        f'<iframe src="{out.as_posix()}" title="geonews map" loading="lazy" '
        'style="width:100%;height:600px;border:0" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>'
    )
    assert not EXTERNAL_LOAD.search(out.read_text())
    frag = tmp_path / "f.html"
    r = runner.invoke(main, ["map", str(article_file), "-o", str(frag), "--fragment"])
    assert r.exit_code == 0 and frag.read_text().startswith('<div class="geonews-map"')


def test_cli_map_is_self_contained_by_default_and_cdn_on_request(article_file, tmp_path):
    runner = CliRunner()
    default, cdn = tmp_path / "default.html", tmp_path / "cdn.html"
    assert runner.invoke(main, ["map", str(article_file), "-o", str(default)]).exit_code == 0
    assert runner.invoke(main, ["map", str(article_file), "-o", str(cdn), "--cdn"]).exit_code == 0
    page = default.read_text()
    # every script inlined; web tiles over the shipped basemap, whose labels give way to theirs
    assert not EXTERNAL_LOAD.search(page)
    assert "tile.openstreetmap.org" in page and '"underTiles": true' in page
    assert EXTERNAL_LOAD.search(cdn.read_text()) and "underTiles" not in cdn.read_text()
    r = runner.invoke(main, ["map", str(article_file), "-o", str(tmp_path / "x.html"),
                             "--offline", "--cdn"])  # fmt: skip
    assert r.exit_code == 2 and "--offline and --cdn exclude each other" in r.output


def test_cli_offline_with_online_tiles_is_a_one_line_error(article_file, tmp_path):
    r = CliRunner().invoke(
        main, ["map", str(article_file), "-o", str(tmp_path / "m.html"), "--offline",
               "--tiles", "OpenStreetMap"],
    )  # fmt: skip
    assert r.exit_code == 1
    assert r.output.startswith("Error: tiles 'OpenStreetMap' come from an online server")


def test_cli_iframe_command(tmp_path):
    page = tmp_path / "m.html"
    page.write_text("<html></html>")
    r = CliRunner().invoke(main, ["iframe", str(page), "--src", "maps/m.html", "--height", "70vh"])
    assert r.exit_code == 0
    assert r.output.startswith('<iframe src="maps/m.html" title="geonews map"')
    r = CliRunner().invoke(main, ["iframe", str(page), "--height", "tall"])
    assert r.exit_code == 2 and "CSS length" in r.output
    r = CliRunner().invoke(main, ["iframe", str(tmp_path / "none.html")])
    assert r.exit_code == 1 and r.output == f"Error: no map file at {tmp_path / 'none.html'}\n"


def test_the_world_outlines_are_kept_between_runs(tmp_path, monkeypatch):
    # computed once into the cache directory, and the same map from the cached copy
    from geonews.render import offline

    monkeypatch.setenv("GEONEWS_CACHE", str(tmp_path / "cache"))
    offline._world_outlines.cache_clear()
    first = offline._world_outlines()
    (cached,) = (tmp_path / "cache").glob("basemap-world-*.json")
    offline._world_outlines.cache_clear()
    assert offline._world_outlines() == first and cached.exists()
    offline._world_outlines.cache_clear()

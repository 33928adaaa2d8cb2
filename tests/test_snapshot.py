"""PNG snapshots with the system's headless Chromium.

Skipped with a reason when no browser is installed, except in CI (CI=true),
where .ci/run installs Debian's chromium and a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from geonews.cli import main
from geonews.errors import RenderError
from geonews.model import Article
from geonews.pipeline import analyse
from geonews.render.offline import write_map
from geonews.render.snapshot import BrowserNotFoundError, find_browser, parse_size, snapshot

ARTICLE = Article(
    text=(
        "Russian drones struck Kherson overnight, killing two civilians.\n\n"
        "Ukrainian troops built new fortifications near Sumy.\n\n"
        "Fighting continued in the Kursk region."
    ),
    lang="en",
)


def _browser() -> str:
    try:
        return find_browser()
    except BrowserNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {exc}")
        pytest.skip(f"no headless browser: {exc}")


@pytest.fixture(scope="module")
def offline_map(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("snap") / "map.html"
    return write_map(analyse(ARTICLE).events, path, offline=True)


# ------------------------------------------------------------------ no browser needed


def test_parse_size():
    assert parse_size("1600x1000") == (1600, 1000)
    assert parse_size(" 800 X 600 ") == (800, 600)
    assert parse_size((640, 480)) == (640, 480)
    for bad in ("1600", "0x10", "1600x100000", "axb"):
        with pytest.raises(ValueError, match="size must"):
            parse_size(bad)


def test_no_browser_says_how_to_install_one(monkeypatch, offline_map, tmp_path):
    monkeypatch.delenv("GEONEWS_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFoundError, match="apt-get install chromium"):
        snapshot(offline_map, tmp_path / "x.png")
    r = CliRunner().invoke(main, ["snapshot", str(offline_map), "-o", str(tmp_path / "x.png")])
    assert r.exit_code == 1
    assert r.output.startswith("Error: no Chromium or Chrome browser found: install Chromium")


def test_browser_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GEONEWS_CHROMIUM", str(tmp_path / "nothing"))
    with pytest.raises(BrowserNotFoundError, match="GEONEWS_CHROMIUM=.* is not an executable"):
        find_browser()


def test_missing_map_file(tmp_path):
    with pytest.raises(RenderError, match="no map file"):
        snapshot(tmp_path / "none.html", tmp_path / "x.png", browser="/bin/false")


# ------------------------------------------------------------------ with the browser


def test_snapshot_is_a_png_of_the_drawn_map(offline_map, tmp_path):
    import numpy as np
    from PIL import Image

    browser = _browser()
    png = snapshot(offline_map, tmp_path / "out" / "map.png", size="800x500", browser=browser)
    img = Image.open(png).convert("RGB")
    assert img.size == (800, 500)
    px = np.asarray(img).astype(int)
    # not blank: the basemap, regions, legend and controls make the pixels vary
    assert px.std(axis=(0, 1)).max() > 15
    # shaded regions: the choropleth's orange over the pale land
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    orange = int(((r > 200) & (r - b > 100) & (g < 200)).sum())
    assert orange > 0.002 * 800 * 500, orange


def test_snapshot_scale_doubles_the_pixels(offline_map, tmp_path):
    from PIL import Image

    png = snapshot(offline_map, tmp_path / "x.png", size="300x200", scale=2, browser=_browser())
    assert Image.open(png).size == (600, 400)


def test_cli_snapshot(offline_map, tmp_path):
    _browser()
    out = tmp_path / "cli.png"
    r = CliRunner().invoke(
        main, ["snapshot", str(offline_map), "-o", str(out), "--size", "400x300"]
    )
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"Wrote {out} (400x300) in ")
    assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_snapshot_times_out_on_a_map_that_never_finishes(tmp_path):
    browser = _browser()
    page = tmp_path / "stuck.html"
    # a zoom animation that never ends
    page.write_text('<div class="leaflet-container leaflet-zoom-anim"></div>')
    with pytest.raises(RenderError, match="did not finish drawing within 1 s"):
        snapshot(page, tmp_path / "x.png", timeout=1, browser=browser)


def test_a_tile_that_fails_to_load_does_not_hold_the_snapshot(tmp_path):
    # without a network web tiles fail: the shipped basemap under them is the picture
    browser = _browser()
    page = tmp_path / "offline.html"
    page.write_text(
        '<div class="leaflet-container"><svg><path d="M0 0L50 50"/></svg>'
        '<img class="leaflet-tile" src="data:,"></div>'
    )
    assert snapshot(page, tmp_path / "x.png", size="200x100", timeout=5, browser=browser).is_file()


def test_a_map_whose_scripts_did_not_load_is_an_error_not_a_blank_png(tmp_path):
    # a --cdn page without a network: folium's container, which Leaflet never took over
    browser = _browser()
    page = tmp_path / "cdn.html"
    page.write_text(
        '<script src="http://127.0.0.1:9/leaflet.js"></script>'
        '<div class="folium-map" id="map_1" style="width:200px;height:100px"></div>'
        "<script>L.map('map_1')</script>"
    )
    with pytest.raises(RenderError, match="its scripts did not load"):
        snapshot(page, tmp_path / "x.png", size="200x100", timeout=10, browser=browser)
    assert not (tmp_path / "x.png").exists()


def test_a_real_cdn_map_without_a_network_is_an_error(tmp_path):
    # geonews map --cdn, its CDNs out of reach (a closed local port stands for them)
    import re

    browser = _browser()
    page = write_map(analyse(ARTICLE).events, tmp_path / "cdn.html", inline=False)
    html = page.read_text(encoding="utf-8")
    assert "leaflet" in html and "https://" in html
    page.write_text(re.sub(r'(src|href)="https://[^"]+"', r'\1="http://127.0.0.1:9/x"', html))
    with pytest.raises(RenderError, match="its scripts did not load"):
        snapshot(page, tmp_path / "x.png", size="300x200", timeout=20, browser=browser)
    assert not (tmp_path / "x.png").exists()


def test_an_empty_map_is_an_error_not_a_blank_png(tmp_path):
    # Leaflet ran, but nothing is drawn: no basemap, no shape, every tile failed
    browser = _browser()
    page = tmp_path / "empty.html"
    page.write_text(
        '<div class="folium-map leaflet-container"><div class="leaflet-pane"></div>'
        '<img class="leaflet-tile" src="data:,"></div>'
    )
    with pytest.raises(RenderError, match="the map did not render: its map is empty"):
        snapshot(page, tmp_path / "x.png", size="200x100", timeout=10, browser=browser)
    assert not (tmp_path / "x.png").exists()


def test_cli_snapshot_of_a_map_that_did_not_render_exits_1(tmp_path):
    _browser()
    page = tmp_path / "cdn.html"
    page.write_text('<div class="folium-map" id="map_1"></div>')
    out = tmp_path / "x.png"
    r = CliRunner().invoke(main, ["snapshot", str(page), "-o", str(out), "--size", "200x100"])
    assert r.exit_code == 1
    assert r.output.startswith("Error: the map did not render: its scripts did not load")
    assert r.output.count("\n") == 1 and not out.exists()


def test_page_without_a_map_is_still_captured(tmp_path):
    browser = _browser()
    page = tmp_path / "plain.html"
    page.write_text("<h1>Report</h1>")
    assert snapshot(page, tmp_path / "x.png", size="200x100", browser=browser).is_file()


def test_shutil_which_is_used_for_the_browser_name(monkeypatch):
    monkeypatch.setenv("GEONEWS_CHROMIUM", "sh")
    assert find_browser() == shutil.which("sh")

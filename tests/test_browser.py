"""What a person sees: generated maps in a real headless Chromium (Selenium + chromedriver).

One browser serves the whole module. Every http(s) request is sent to a closed
local port (``--proxy-server``) and every request the page makes is recorded,
so the offline pages are checked with the network blocked. Skipped with a
reason when Chromium or chromedriver is missing, except in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, date, datetime

import pytest

from geonews.model import Article
from geonews.pipeline import analyse
from geonews.render.offline import iframe_snippet, map_html, write_html, write_map
from geonews.render.snapshot import BROWSER_FLAGS

_LT, _GT = (f"{{{{ cycler.__init__.__globals__.__builtins__.chr({n}) }}}}" for n in (60, 62))
PAYLOADS = (
    '<img src=x onerror="window.__pwned=1">',
    "${window.__pwned=2}",
    "`+(window.__pwned=3)+`",
    "</script><script>window.__pwned=4</script>",
    "javascript:window.__pwned=5",
    # evaluated as a template (as branca used to do with rendered text), these build
    # "<img src=x onerror=...>" and "</script><script>..." out of characters no escaping sees
    f"{_LT}img src=x onerror=window.__pwned=10{_GT}",
    f"{_LT}/script{_GT}{_LT}script{_GT}window.__pwned=11{_LT}/script{_GT}",
    "{% if 1 %}{# a comment #}{% endif %} \u2028 line\u2029separators",
)
CRAFTED = Article(
    text=(
        f"Russian drones struck Kherson overnight {PAYLOADS[0]} and {PAYLOADS[1]} killed two "
        f"civilians {PAYLOADS[2]} {PAYLOADS[3]} see {PAYLOADS[4]} for details.\n\n"
        f"Missiles hit Kherson again, killing a civilian {PAYLOADS[5]} {PAYLOADS[6]} "
        f"{PAYLOADS[7]}.\n\n"
        'Ukrainian troops built new fortifications near Sumy, <a href="javascript:'
        'window.__pwned=6">link</a>.\n\n'
        "North Korean troops were deployed to the Kursk region for demining."
    ),
    title=(
        "<script>window.__pwned=7</script> ${window.__pwned=8} `x` <b onmouseover=alert(1)> "
        + PAYLOADS[5]
    ),
    url="javascript:window.__pwned=9",
    lang="en",
)
OTHER = Article(
    text="Russian missiles hit Odesa on Monday, killing three civilians.",
    title="Odesa",
    url="https://news.example/odesa",
    lang="en",
)
CHROMEDRIVER_NAMES = ("chromedriver", "chromium-driver")


def _executables() -> tuple[str, str] | str:
    """(browser, chromedriver), or the reason they are missing."""
    from geonews.render.snapshot import BrowserNotFoundError, find_browser

    try:
        browser = find_browser()
    except BrowserNotFoundError as exc:
        return str(exc)
    driver = os.environ.get("GEONEWS_CHROMEDRIVER") or next(
        (p for n in CHROMEDRIVER_NAMES if (p := shutil.which(n))), None
    )
    if driver is None:
        return "no chromedriver (Debian: apt-get install chromium-driver)"
    return browser, driver


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    found = _executables()
    if isinstance(found, str):
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {found}")
        pytest.skip(found)
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = found[0]
    for flag in (
        *BROWSER_FLAGS,
        "--window-size=1200,800",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        # the network is "unplugged": every http(s) request goes to a closed port
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(options=options, service=Service(found[1]))
    d.set_page_load_timeout(30)
    yield d
    d.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The generated pages: crafted article (offline), another map, fragments and iframe."""
    root = tmp_path_factory.mktemp("pages")
    crafted = list(analyse(CRAFTED).events)
    other = list(analyse(OTHER).events)
    assert {e.type for e in crafted} >= {"strike", "fortification", "deployment"}
    assert other
    out = {"crafted": write_map(crafted, root / "crafted.html", title=CRAFTED.title, offline=True)}
    frags = [map_html(evs, offline=True, fragment=True, height="360px") for evs in (crafted, other)]
    out["host"] = write_html(
        "<!DOCTYPE html><html><head><title>Report</title></head><body>"
        "<h1 id='h'>Weekly report</h1>" + frags[0] + "<p id='between'>Between the maps.</p>"
        + frags[1] + "</body></html>",
        root / "host.html",
    )  # fmt: skip
    out["iframe"] = write_html(
        "<!DOCTYPE html><html><body><h1>Report</h1>"
        + iframe_snippet(out["crafted"], src="crafted.html", height="400px")
        + "</body></html>",
        root / "iframe.html",
    )
    return out


# ------------------------------------------------------------------ helpers


def _open(driver, path) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    driver.get(path.as_uri())
    _settle(driver)


def _settle(driver) -> None:
    """Wait until the maps have finished drawing (as ``geonews snapshot`` does)."""
    from geonews.render.snapshot import _READY_JS

    for _ in range(2):  # twice in a row, as the snapshot does
        _wait(driver, f"{_READY_JS.strip()} === true && !!document.querySelector('path')")
        driver.execute_script("return new Promise(r => requestAnimationFrame(() => r(1)));")


def _wait(driver, condition: str, timeout: float = 10) -> None:
    end = time.monotonic() + timeout
    while not driver.execute_script(f"return !!({condition});"):
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.05)


def _errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _requests(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return urls


def _pwned(driver):
    return driver.execute_script("return window.__pwned;")


OVERLAYS_JS = """
return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
  .map(l => l.textContent.trim());
"""
PATHS_JS = "return document.querySelectorAll('.leaflet-pane path').length;"


# ------------------------------------------------------------------ tests


def test_offline_page_loads_without_errors_or_network(driver, pages):
    _open(driver, pages["crafted"])
    assert _errors(driver) == []
    remote = [u for u in _requests(driver) if not u.startswith(("file:", "data:", "about:"))]
    assert remote == []
    assert driver.execute_script("return typeof L === 'object' && !!L.version")
    # the basemap and the choropleth are drawn
    assert (
        driver.execute_script(
            "return document.querySelectorAll('.leaflet-geonews-basemap-pane path').length"
        )
        > 10
    )
    assert (
        driver.execute_script(
            "return document.querySelectorAll('.leaflet-geonews-choropleth-pane path').length"
        )
        >= 3
    )


def test_the_default_page_shows_its_map_without_a_network(driver, tmp_path):
    # geonews map's default: scripts inlined, OpenStreetMap over the shipped basemap; here
    # every request to the web fails, as on a machine with no network
    page = write_map(list(analyse(OTHER).events), tmp_path / "default.html", inline=True)
    _open(driver, page)
    assert driver.execute_script("return typeof L === 'object' && !!L.version")
    drawn = "return document.querySelectorAll('.leaflet-geonews-basemap-pane path').length"
    assert driver.execute_script(drawn) > 10
    remote = [u for u in _requests(driver) if not u.startswith(("file:", "data:", "about:"))]
    assert remote and all("tile.openstreetmap.org" in u for u in remote)  # tiles only
    assert [e for e in _errors(driver) if "openstreetmap" not in e] == []
    # the basemap's labels stay, since no tile loaded
    assert driver.execute_script(
        "return getComputedStyle(document.querySelector('.leaflet-geonews-basemap-labels-pane')"
        ").display"
    ) != "none"
    # and they name the regions shown, by their current English names
    regions = set(driver.execute_script(
        "return Array.from(document.querySelectorAll('.gn-label.gn-region'))"
        ".filter(e => e.getBoundingClientRect().width > 0).map(e => e.textContent.trim());"
    ))  # fmt: skip
    assert {"Odesa Oblast", "Mykolaiv Oblast", "Vinnytsia Oblast", "Kirovohrad Oblast"} <= regions
    natural_earth = {"Odessa", "Mykolayiv", "Vinnytsya", "Kiev", "Khmel'nyts'kyy", "Kirovohrad",
                     "Dnipropetrovs'k", "Donets'k", "Luhans'k"}  # fmt: skip
    assert not regions & natural_earth


def test_region_names_are_current_on_the_basemap_and_in_popups(driver, tmp_path):
    """Kyiv, Donetsk, Luhansk, Khmelnytskyi, Dnipropetrovsk: not Natural Earth's "Kiev",
    "Donets'k", "Luhans'k", "Khmel'nyts'kyy", "Dnipropetrovs'k"."""
    article = Article(
        text="Russian drones struck Kyiv overnight. Shelling hit Donetsk Oblast and the "
        "Luhansk region on Monday.",
        lang="en",
    )
    page = write_map(list(analyse(article).events), tmp_path / "names.html", inline=True)
    _open(driver, page)
    labels = set(driver.execute_script(
        "return Array.from(document.querySelectorAll('.gn-label.gn-region'))"
        ".map(e => e.textContent.trim());"
    ))  # fmt: skip
    wanted = {"Kyiv Oblast", "Donetsk Oblast", "Luhansk Oblast", "Khmelnytskyi Oblast",
              "Dnipropetrovsk Oblast"}  # fmt: skip
    assert wanted <= labels
    assert not labels & {"Kiev", "Donets'k", "Luhans'k", "Khmel'nyts'kyy", "Dnipropetrovs'k"}
    html = page.read_text(encoding="utf-8")
    for old in ("Donets&#39;k", "Luhans&#39;k", "Donets'k", "Luhans'k", "Kiev"):
        assert old not in html  # nor in a popup or tooltip
    assert "Donetsk Oblast" in html and "Luhansk Oblast" in html


def test_events_without_a_place_are_listed_beside_the_default_map(driver, tmp_path):
    # a caption names no place: the self-contained page lists it, with the network blocked
    captions = Article(
        text="Shelling of residential area <img src=x onerror=window.__pwned=12>\n"
        "Military convoy moving north",
        title="Captions",
        url="https://news.example/captions",
        lang="en",
    )
    events = [*analyse(OTHER).events, *analyse(captions).events]
    page = write_map(events, tmp_path / "captions.html", inline=True)
    _open(driver, page)
    panel = driver.find_element("css selector", "details.gn-placeless")
    assert panel.is_displayed()
    text = panel.text
    assert "2 events without a place" in text
    assert "Shelling of residential area <img src=x onerror=window.__pwned=12>" in text
    assert "Military convoy moving north" in text
    link = panel.find_element("css selector", "a")
    assert link.get_attribute("href") == "https://news.example/captions"
    assert _pwned(driver) is None
    assert [e for e in _errors(driver) if "openstreetmap" not in e] == []
    # the map itself shows the Odesa strike and the regions, not the captions
    assert driver.execute_script(PATHS_JS) > 10


def test_every_layer_is_in_the_control_and_toggles(driver, pages):
    _open(driver, pages["crafted"])
    names = driver.execute_script(OVERLAYS_JS)
    assert {"Events per region", "Strike", "Fortification", "Deployment"} <= set(names)
    boxes = driver.find_elements("css selector", ".leaflet-control-layers-overlays input")
    assert len(boxes) == len(names)
    for name, box in zip(names, boxes, strict=True):
        before = driver.execute_script(PATHS_JS)
        box.click()
        hidden = driver.execute_script(PATHS_JS)
        assert not box.is_selected() and hidden < before, name
        box.click()
        assert box.is_selected() and driver.execute_script(PATHS_JS) == before, name
    assert _errors(driver) == []


def test_clicking_a_marker_opens_its_popup_with_the_escaped_evidence(driver, pages):
    _open(driver, pages["crafted"])
    # the Kherson strike: a point in the Strike layer
    target = driver.execute_script(
        """
        for (const k of Object.keys(window)) {
          const v = window[k];
          if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
          let found = null;
          v.eachLayer(l => {
            const p = l.feature && l.feature.properties;
            if (l.getLatLng && p && /Strike/.test(p.tooltip) && /Kherson/.test(p.tooltip)) {
              found = l;
            }
          });
          if (found) return found._path;
        }
        return null;
        """
    )
    assert target is not None
    target.click()
    _wait(driver, "document.querySelector('.leaflet-popup-content')")
    popup = driver.find_element("css selector", ".leaflet-popup-content")
    text = popup.get_attribute("textContent")  # all of it, also the part scrolled away
    assert "Strike" in text and "Kherson" in text
    for payload in PAYLOADS[:3]:
        assert payload in text  # shown as text, exactly as the article wrote it
    assert "window.__pwned=4" in text
    # template syntax is shown as written, never run
    assert "{% if 1 %}{# a comment #}{% endif %}" in text and "chr(60) }}img src=x" in text
    assert popup.find_elements("css selector", "img, script") == []
    assert _pwned(driver) is None


def test_crafted_article_runs_nothing(driver, pages):
    _open(driver, pages["crafted"])
    # open every popup and tooltip, hover the legend and title
    driver.execute_script(
        """
        for (const k of Object.keys(window)) {
          const v = window[k];
          if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
          v.eachLayer(l => { l.openTooltip && l.openTooltip(); l.openPopup && l.openPopup(); });
        }
        """
    )
    for el in driver.find_elements("css selector", ".gn-box"):
        driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('mouseover'))", el)
    time.sleep(0.2)  # let any onerror handler of a (wrongly) inserted <img> fire
    assert _pwned(driver) is None
    assert driver.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert (
        driver.execute_script(
            "return document.querySelectorAll('a[href^=\"javascript\" i]').length"
        )
        == 0
    )
    assert "<script>window.__pwned=7</script>" in driver.title
    title_box = driver.find_element("css selector", ".gn-title")
    assert "<b onmouseover=alert(1)>" in title_box.get_attribute("textContent")
    assert _errors(driver) == []


def test_two_fragments_work_inside_one_host_page(driver, pages):
    _open(driver, pages["host"])
    _wait(driver, "document.querySelectorAll('.leaflet-container').length === 2")
    assert _errors(driver) == []
    maps = driver.find_elements("css selector", ".geonews-map")
    assert len(maps) == 2 and maps[0].get_attribute("id") != maps[1].get_attribute("id")
    for m in maps:
        assert m.size["height"] == 360
        assert m.find_elements("css selector", ".leaflet-control-layers")
        assert len(m.find_elements("css selector", ".leaflet-overlay-pane path, path")) > 3
        legend = m.find_element("css selector", ".gn-legend")
        # the legend sits inside its map, not fixed to the host page's window
        assert m.location["y"] <= legend.location["y"] <= m.location["y"] + 360
    # the host page keeps its own styles
    assert driver.execute_script("return getComputedStyle(document.body).margin") == "8px"
    assert driver.find_element("id", "between").is_displayed()
    remote = [u for u in _requests(driver) if not u.startswith(("file:", "data:", "about:"))]
    assert remote == []
    assert _pwned(driver) is None


def test_iframe_snippet_shows_the_map(driver, pages):
    driver.get_log("performance")
    driver.get(pages["iframe"].as_uri())
    frame = driver.find_element("css selector", "iframe")
    assert frame.size["height"] == 400
    driver.switch_to.frame(frame)
    try:
        _wait(driver, "document.querySelector('.leaflet-container path')")
        assert driver.execute_script(OVERLAYS_JS)
    finally:
        driver.switch_to.default_content()
    assert _pwned(driver) is None
    remote = [u for u in _requests(driver) if not u.startswith(("file:", "data:", "about:"))]
    assert remote == []


def test_offline_living_map_plays_its_timeline_without_network(driver, tmp_path):
    from test_store import make_analysis

    from geonews.living.render import render_store
    from geonews.living.rows import prepare
    from geonews.living.store import Store

    with Store(tmp_path / "events.db") as store:
        store.write(
            [
                prepare(make_analysis(f"a{i}", url=f"https://kyiv.example/{i}",
                                      published=date(2025, 3, 1 + 4 * i),
                                      events=[("strike", place, {})]))
                for i, place in enumerate(("Kherson", "Pokrovsk", "Kherson"))
            ]
        )  # fmt: skip
        path = render_store(store, tmp_path / "living.html", offline=True).path
    _open(driver, path)
    assert _errors(driver) == []
    remote = [u for u in _requests(driver) if not u.startswith(("file:", "data:", "about:"))]
    assert remote == []
    assert driver.execute_script("return typeof moment === 'function' && !!L.timeline")
    rings = "return document.querySelectorAll('path[stroke-width=\"3\"][fill=\"none\"]').length;"
    slider = driver.find_element("css selector", "input.time-slider")
    label = driver.find_element("css selector", "output.time-text")
    assert label.text == "1 Mar 2025" and driver.execute_script(rings) == 1
    for day, text in ((5, "5 Mar 2025"), (9, "9 Mar 2025")):
        ms = int(datetime(2025, 3, day, 12, tzinfo=UTC).timestamp() * 1000)
        driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            slider,
            str(ms),
        )
        assert label.text == text
        assert driver.execute_script(rings) == 1, day  # the day's strike, and only it
    assert _errors(driver) == []

"""Maps that drop into reports: deterministic, self-contained, embeddable HTML.

folium's page loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs,
draws web tiles and names its elements with random ids. This module turns a
:func:`geonews.render.map.build_map` map into:

* **deterministic** HTML: element ids are numbered in the order they appear and
  prefixed with a hash of the page, so the same inputs give byte-identical
  output and two different maps on one page never share an id;
* **offline** HTML (``offline=True``): every script and stylesheet the page
  uses is inlined from registry packages installed with geonews (Leaflet from
  ``xstatic-leaflet``, jQuery from ``xstatic-jquery`` when a page needs it),
  CSS ``url()`` references become data URIs, and libraries the page does not
  use (Bootstrap, Font Awesome, glyphicons, awesome-markers) are dropped;
* a shipped **basemap** when there are no tiles: country and admin-1 outlines
  from ``geonews.geodata``, simplified and clipped around the events;
* an HTML **fragment** (``fragment=True``): one container ``<div>`` holding the
  map's styles, scripts and elements, with no ``<html>``, no page-wide styles
  and its script wrapped in a function, to paste into a larger page;
* an **iframe** snippet for an existing map file (:func:`iframe_snippet`).

:class:`EventCollection` shows a list of events inline in Jupyter.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import itertools
import json
import mimetypes
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geonews.errors import RenderError
from geonews.model import Event
from geonews.render.html import escape_html

if TYPE_CHECKING:
    import folium

__all__ = [
    "AUTO_TILES",
    "EventCollection",
    "build_html",
    "deterministic_ids",
    "iframe_snippet",
    "layer_control_last",
    "map_html",
    "render_html",
    "write_html",
    "write_map",
]

#: ``tiles`` value: OpenStreetMap online, the shipped basemap offline.
AUTO_TILES = "auto"
#: Height of a fragment's container when none is given.
DEFAULT_FRAGMENT_HEIGHT = "600px"

_BASEMAP_PANE = "geonews-basemap"
_SEA = "#dbe7f0"
_LAND = "#f6f4ee"
_COUNTRY_LINE = "#8a8a8a"
_ADMIN1_LINE = "#b9b4a8"


# ---------------------------------------------------------------- deterministic ids

# Ids handed out while rendering contain "$": escape_html turns every "$" of
# article text into "&#36;", so they cannot occur in anything an article wrote.
_PLACEHOLDER = "gn$id$"
_lock = threading.RLock()
# One counter for the process: blocks may nest (build, then render), ids never repeat.
_counter = itertools.count()


@contextlib.contextmanager
def deterministic_ids() -> Iterator[None]:
    """Within this block, new branca/folium elements get numbered placeholder ids.

    branca (≥ 0.8.2) calls the class method ``Element._generate_id`` for every
    element; the block replaces it with a counter. :func:`render_html` turns the
    placeholders (and any random id of elements made outside the block) into
    stable ids, so build a map inside the block for output that diffs cleanly.
    """
    from branca.element import Element

    with _lock:
        original = Element.__dict__["_generate_id"]
        Element._generate_id = classmethod(lambda cls: f"{_PLACEHOLDER}{next(_counter):09d}")
        try:
            yield
        finally:
            Element._generate_id = original


def _element_ids(root: Any) -> set[str]:
    """The ``_id`` of every element reachable from ``root`` (children and attributes)."""
    from branca.element import Element

    ids: set[str] = set()
    stack, seen = [root], set()
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        ids.add(el._id)
        stack.extend(el._children.values())
        stack.extend(v for v in vars(el).values() if isinstance(v, Element))
    return ids


def _stable_ids(html: str, ids: set[str]) -> tuple[str, str]:
    """Renumber ``ids`` in order of first appearance, prefixed by a hash of the page.

    Returns the new HTML and the hash prefix.
    """
    ids = {i for i in ids if i and i in html}
    placeholder = re.compile(re.escape(_PLACEHOLDER) + r"\d{9}")
    pattern = "|".join(
        [placeholder.pattern, *(re.escape(i) for i in sorted(ids, key=len, reverse=True))]
    )
    order: dict[str, int] = {}

    def canonical(m: re.Match) -> str:
        return f"\x00{order.setdefault(m.group(0), len(order))}\x00"

    text = re.sub(pattern, canonical, html)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return re.sub("\x00(\\d+)\x00", lambda m: f"{digest}_{m.group(1)}", text), digest


# ---------------------------------------------------------------- assets


@dataclass(frozen=True)
class _Asset:
    """A library folium links from a CDN, and how to do without the CDN."""

    pattern: str  # regex on the URL
    package: str | None  # where a local copy is (see _asset_dir), None if the library is dropped
    file: str | None
    used_if: str | None  # regex on the page's own code; None = always needed
    loaded: str | None = None  # JS expression, true when the library is already on the page


# Copies vendored from npm at build time (src/geonews/render/vendor/README.md) for what no
# PyPI package ships: folium's Timeline and TimelineSlider (geonews render) need them.
_VENDOR = "vendor/"

_ASSETS = (
    _Asset(
        r"/leaflet(@[\d.]+)?/dist/leaflet\.js$",
        "xstatic.pkg.leaflet",
        "leaflet.js",
        None,
        "window.L",
    ),
    _Asset(r"/leaflet(@[\d.]+)?/dist/leaflet\.css$", "xstatic.pkg.leaflet", "leaflet.css", None),
    _Asset(
        r"jquery[-.\d]*(\.min)?\.js$",
        "xstatic.pkg.jquery",
        "jquery.min.js",
        r"(?<![\w$])(?:jQuery|\$)\s*[.(]",
    ),
    _Asset(
        r"/leaflet\.timeline@1\.6\.0/dist/leaflet\.timeline(\.min)?\.js$",
        _VENDOR + "leaflet.timeline-1.6.0",
        "leaflet.timeline.js",
        None,
        "(window.L && L.timeline)",
    ),
    _Asset(
        r"/moment(\.js/|@)2\.18\.1/(min/)?moment(\.min)?\.js$",
        _VENDOR + "moment-2.18.1",
        "moment.min.js",
        None,
        "window.moment",
    ),
    _Asset(r"bootstrap[^/]*/.*bootstrap(\.bundle)?(\.min)?\.js$", None, None, r"bootstrap\.\w"),
    _Asset(
        r"bootstrap[^/]*/.*bootstrap(\.min)?\.css$",
        None,
        None,
        r'class="(?:[^"]*\s)?(?:btn|col-[\w-]+|row|container|card|table)[\s"]',
    ),
    _Asset(r"bootstrap-glyphicons\.css$", None, None, r"\bglyphicon-"),
    _Asset(r"fontawesome|font-awesome", None, None, r"\bfa-[a-z]"),
    _Asset(r"awesome-markers.*\.(js|css)$", None, None, r"AwesomeMarkers"),
    _Asset(r"leaflet\.awesome\.rotate(\.min)?\.css$", None, None, r"AwesomeMarkers"),
)

_LINK_RE = re.compile(r'[ \t]*<link rel="stylesheet" href="([^"]+)"\s*/?>\n?')
_SCRIPT_RE = re.compile(r'[ \t]*<script src="([^"]+)"></script>\n?')
_CSS_URL_RE = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_SOURCEMAP_RE = re.compile(r"^[ \t]*//[#@] sourceMappingURL=.*$", re.MULTILINE)


def _asset_for(url: str) -> _Asset | None:
    return next((a for a in _ASSETS if re.search(a.pattern, url, re.IGNORECASE)), None)


@functools.cache
def _asset_dir(package: str) -> Path:
    """The directory of a local copy: ``vendor/...`` in geonews, else an xstatic package."""
    if package.startswith(_VENDOR):
        return Path(str(resources.files("geonews.render").joinpath(package)))
    try:
        import importlib

        return Path(importlib.import_module(package).BASE_DIR)
    except (ImportError, AttributeError) as exc:
        dist = package.replace("xstatic.pkg.", "xstatic-")
        raise RenderError(
            f"offline map needs the package {dist}: pip install {dist} (or reinstall geonews)"
        ) from exc


@functools.cache
def _asset_text(package: str, name: str) -> str:
    path = _asset_dir(package) / name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot read {path} for an offline map: {exc.strerror}") from exc
    text = _SOURCEMAP_RE.sub("", text)
    if name.endswith(".css"):
        text = _CSS_URL_RE.sub(lambda m: f'url("{_data_uri(path.parent, m.group(2))}")', text)
    return text


def _data_uri(base: Path, ref: str) -> str:
    """A data: URI for the file ``ref`` (relative to ``base``); other URLs are kept."""
    if ref.startswith(("data:", "#")):
        return ref
    if "://" in ref or ref.startswith("//"):
        raise RenderError(f"offline map: stylesheet refers to the network: {ref}")
    path = base / ref.split("?")[0].split("#")[0]
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_script(js: str) -> str:
    """``js`` inside a ``<script>`` that nothing in it can end or confuse early."""
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    js = js.replace("<!--", "<\\!--")
    return f"<script>\n{js}\n</script>\n"


def _inline_style(css: str) -> str:
    return "<style>\n" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE) + "\n</style>\n"


def _prune_head(head: str, page_code: str, inline: bool) -> str:
    """Drop the CDN libraries the page does not use; with ``inline``, inline the others.

    Raises :class:`RenderError` when ``inline`` and a used library has no local copy.
    """
    unknown: list[str] = []

    def replace(m: re.Match, kind: str) -> str:
        url = m.group(1)
        asset = _asset_for(url)
        if asset is not None and asset.used_if and not re.search(asset.used_if, page_code):
            return ""
        if not inline:
            return m.group(0)
        if asset is None or asset.package is None:
            unknown.append(url)  # used, but we have no local copy
            return m.group(0)
        text = _asset_text(asset.package, asset.file)
        if kind == "css":
            return _inline_style(text)
        if asset.loaded:  # one copy per page, even with several fragments
            text = f"if (!{asset.loaded}) {{\n{text}\n}}"
        return _inline_script(text)

    head = _SCRIPT_RE.sub(lambda m: replace(m, "js"), head)
    head = _LINK_RE.sub(lambda m: replace(m, "css"), head)
    if unknown:
        raise RenderError(
            "cannot make the map offline: no local copy of " + ", ".join(sorted(set(unknown)))
        )
    return head


# ---------------------------------------------------------------- page parts

_PAGE_RE = re.compile(
    r"\A<!DOCTYPE html>\n<html>\n<head>\n(?:<title>.*?</title>)?(?P<head>.*)</head>\n"
    r"<body>\n(?P<body>.*)</body>\n<script>\n(?P<script>.*)</script>\n</html>\n?\Z",
    re.DOTALL,
)
# Page-wide rules and tags folium puts in the head: not for a fragment in a host page.
_PAGE_ONLY_RE = re.compile(
    r"[ \t]*<meta [^>]*>\s*"
    r"|[ \t]*<style>\s*html, body \{.*?\}\s*</style>\s*"
    r"|[ \t]*<style>\s*#map \{.*?\}\s*</style>\s*",
    re.DOTALL,
)
_FRAGMENT_CSS = """
.geonews-map .gn-box{position:absolute}
.geonews-map .folium-map{position:absolute!important;inset:0}
"""


def _split_page(html: str) -> dict[str, str]:
    m = _PAGE_RE.match(html)
    if m is None:
        raise RenderError("unexpected page layout from folium: cannot split it into parts")
    return m.groupdict()


def render_html(
    m: folium.Map,
    *,
    offline: bool = False,
    fragment: bool = False,
    height: str = DEFAULT_FRAGMENT_HEIGHT,
) -> str:
    """The HTML of ``m``: a whole page, or with ``fragment`` a container ``<div>``.

    Element ids are made stable (see :func:`deterministic_ids`). With ``offline``
    every script and stylesheet is inlined; a library the page uses but geonews
    has no local copy of raises :class:`RenderError`. CDN libraries the page does
    not use (Bootstrap, Font Awesome...) are dropped in every mode. ``height`` is the fragment container's CSS height.
    """
    if not _CSS_LENGTH_RE.fullmatch(height):
        raise ValueError(f"height must be a CSS length such as 600px or 70vh, got {height!r}")
    root = m.get_root()
    ids = _element_ids(root)
    from geonews.render.verbatim import verbatim_render

    with deterministic_ids(), verbatim_render():
        html = root.render()
    html, digest = _stable_ids(html, ids | _element_ids(root))
    parts = _split_page(html)
    head = _prune_head(parts["head"], parts["body"] + parts["script"], inline=offline)
    if not fragment:
        return html.replace(parts["head"], head, 1)
    head = _PAGE_ONLY_RE.sub("", head)
    return (
        f'<div class="geonews-map" id="geonews-{digest}" '
        f'style="position:relative;width:100%;height:{height}">\n'
        f"{_inline_style(_FRAGMENT_CSS)}{head.strip()}\n{parts['body'].strip()}\n"
        f"<script>\n(function () {{\n{parts['script'].strip()}\n}})();\n</script>\n</div>\n"
    )


_CSS_LENGTH_RE = re.compile(r"\d+(\.\d+)?(px|vh|vw|em|rem|%)")


def write_html(html: str, path: str | os.PathLike[str]) -> Path:
    """Write ``html`` to ``path`` atomically (temporary file, then rename); return the path."""
    path = Path(path)
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(html)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise RenderError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


# ---------------------------------------------------------------- tiles and basemap


@dataclass(frozen=True)
class _Tiles:
    provider: str | None = None  # a folium/xyzservices name
    url: str | None = None  # a URL template
    attribution: str | None = None

    @property
    def none(self) -> bool:
        return self.provider is None and self.url is None


_TILE_EXTS = ("png", "jpg", "jpeg", "webp")


def _tiles(tiles: str | None, offline: bool, base_dir: Path | None) -> _Tiles:
    """Decide where tiles come from: a provider, a URL template, a tile directory or none."""
    if tiles is None or tiles.strip().lower() in ("", "none"):
        return _Tiles()
    tiles = tiles.strip()
    if tiles.lower() == AUTO_TILES:
        return _Tiles() if offline else _Tiles(provider="OpenStreetMap")
    if "{z}" in tiles:
        host = re.match(r"[a-z]+://([^/]+)", tiles)
        return _Tiles(
            url=tiles, attribution=f"Tiles: {escape_html(host.group(1) if host else tiles)}"
        )
    directory = Path(tiles).expanduser()
    if directory.is_dir():
        return _tile_directory(directory, base_dir)
    if offline:
        raise RenderError(
            f"tiles {tiles!r} come from an online server: with --offline give a URL template "
            "with {z}/{x}/{y}, a local tile directory, or no --tiles for the shipped basemap"
        )
    return _Tiles(provider=tiles)


def _tile_directory(directory: Path, base_dir: Path | None) -> _Tiles:
    """A ``{z}/{x}/{y}.ext`` tile directory, linked relative to the map file when possible."""
    ext = next((e for e in _TILE_EXTS for _ in directory.glob(f"[0-9]*/[0-9]*/[0-9]*.{e}")), None)
    if ext is None:
        raise RenderError(
            f"tile directory {directory} has no {{z}}/{{x}}/{{y}} tiles ({', '.join(_TILE_EXTS)})"
        )
    directory = directory.resolve()
    if base_dir is not None:
        try:
            rel = Path(os.path.relpath(directory, base_dir.resolve())).as_posix()
            return _Tiles(url=f"{rel}/{{z}}/{{x}}/{{y}}.{ext}", attribution="Tiles: local")
        except ValueError:  # another drive on Windows
            pass
    return _Tiles(url=f"{directory.as_uri()}/{{z}}/{{x}}/{{y}}.{ext}", attribution="Tiles: local")


def _fit_bounds(m: folium.Map) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the map's fit_bounds call, if any."""
    from folium.map import FitBounds

    for child in m._children.values():
        if isinstance(child, FitBounds):
            (s, w), (n, e) = child.bounds
            return (w, s, e, n)
    return None


_BASEMAP_TEMPLATE = """
{% macro header(this, kwargs) %}
<style>
.gn-label{background:none;border:none;color:#555;font:11px/1.2 system-ui,-apple-system,
  "Segoe UI",Roboto,Helvetica,Arial,sans-serif;white-space:nowrap;text-align:center;
  text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}
.gn-label.gn-country{font-size:12px;font-weight:600;color:#666;letter-spacing:.04em}
.geonews-zoom-low .gn-label.gn-region{display:none}
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (map, data) {
    map.getContainer().style.background = data.sea;
    var pane = map.createPane(data.pane);
    pane.style.zIndex = 150;
    pane.style.pointerEvents = "none";
    var opts = {pane: data.pane, interactive: false};
    L.geoJSON(data.world, Object.assign({style: data.land}, opts)).addTo(map);
    L.geoJSON(data.countries, Object.assign({style: data.detailLand}, opts)).addTo(map);
    L.geoJSON(data.admin1, Object.assign({style: data.admin1Style}, opts)).addTo(map);
    L.geoJSON(data.borders, Object.assign({style: data.borderStyle}, opts)).addTo(map);
    var labels = map.createPane(data.pane + "-labels");
    labels.style.zIndex = 450;
    labels.style.pointerEvents = "none";
    data.labels.forEach(function (l) {
        var el = document.createElement("div");
        el.textContent = l[2];
        L.marker([l[0], l[1]], {
            pane: data.pane + "-labels", interactive: false, keyboard: false,
            icon: L.divIcon({className: "gn-label " + l[3], html: el, iconSize: null})
        }).addTo(map);
    });
    if (data.underTiles) {
        // web tiles carry their own labels: ours give way when the first one loads
        map.on("layeradd", function (e) {
            if (e.layer instanceof L.TileLayer) {
                e.layer.once("tileload", function () { labels.style.display = "none"; });
            }
        });
    }
    function zoomClass() {
        L.DomUtil[map.getZoom() < 6 ? "addClass" : "removeClass"](
            map.getContainer(), "geonews-zoom-low");
    }
    map.on("zoomend", zoomClass);
    zoomClass();
})({{ this._parent.get_name() }}, {{ this.data|tojson }});
{% endmacro %}
"""


def add_basemap(m: folium.Map, under_tiles: bool = False) -> None:
    """Draw the shipped country and admin-1 outlines under ``m``'s layers (no tiles needed).

    Countries are drawn for the whole world (coarse) and, with admin-1 borders
    and labels, in detail around the area the map opens on. ``under_tiles``: web
    tiles are drawn over it when a network serves them, and its labels give way to
    theirs once the first tile loads; without a network it is the map.
    """
    from branca.element import MacroElement
    from folium.template import Template

    bounds = _fit_bounds(m)
    data = dict(_basemap_data(_round_box(bounds) if bounds else None))
    data.update(
        sea=_SEA,
        pane=_BASEMAP_PANE,
        land={"color": _COUNTRY_LINE, "weight": 0.8, "fillColor": _LAND, "fillOpacity": 1},
        detailLand={"stroke": False, "fillColor": _LAND, "fillOpacity": 1},
        borderStyle={"color": _COUNTRY_LINE, "weight": 1, "fill": False},
        admin1Style={"color": _ADMIN1_LINE, "weight": 0.6, "fill": False},
        underTiles=under_tiles,
    )
    el = MacroElement()
    el._name = "GeonewsBasemap"
    el._template = Template(_BASEMAP_TEMPLATE)
    el.data = data
    # drawn first, so that it is under everything folium adds to the map
    m.add_child(el, index=0)


def _round_box(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    w, s, e, n = b
    span = max(e - w, n - s, 2.0)
    margin = max(span, 4.0)
    return (
        float(max(-180, round(w - margin))),
        float(max(-85, round(s - margin))),
        float(min(180, round(e + margin))),
        float(min(85, round(n + margin))),
    )


@functools.lru_cache(maxsize=8)
def _basemap_data(box: tuple[float, float, float, float] | None) -> dict:
    import shapely

    from geonews.regions import shown_names

    world = _world_outlines()
    empty = _fc([])
    out: dict[str, Any] = {
        "world": world,
        "countries": empty,
        "borders": empty,
        "admin1": empty,
        "labels": [],
    }
    if box is None:
        return out
    countries = _read_layer("countries", box, ["name", "label_lat", "label_lon"])
    admin1 = _read_layer("admin1", box, ["code", "name", "label_lat", "label_lon"])
    admin1["name"] = shown_names(  # "Kyiv Oblast", not Natural Earth's "Kiev"
        admin1["code"].astype(object).where(admin1["code"].notna(), None), admin1["name"]
    )
    span = max(box[2] - box[0], box[3] - box[1])
    tol = max(round(span / 500, 3), 0.01)
    land = shapely.simplify(countries.geometry.values, tol, preserve_topology=True)
    out["countries"] = _fc(_simplify(shapely.clip_by_rect(land, *box), 0))
    out["borders"] = _fc(_simplify(shapely.clip_by_rect(shapely.boundary(land), *box), 0))
    admin_lines = shapely.boundary(admin1.geometry.values)
    out["admin1"] = _fc(_simplify(shapely.clip_by_rect(admin_lines, *box), tol * 2))
    labels = []
    for rows, cls, min_area in ((countries, "gn-country", 0.0), (admin1, "gn-region", 0.5)):
        areas = shapely.area(rows.geometry.values)
        for name, lat, lon, area in zip(
            rows["name"], rows["label_lat"], rows["label_lon"], areas, strict=True
        ):
            inside = box[0] <= lon <= box[2] and box[1] <= lat <= box[3]
            if name and inside and area >= min_area:
                labels.append([round(float(lat), 3), round(float(lon), 3), str(name), cls])
    out["labels"] = labels
    return out


#: Bump when _world_outlines draws differently: cached outlines of another version are
#: not read.
_WORLD_VERSION = 1


@functools.cache
def _world_outlines() -> dict:
    """The world's countries, coarse: the same for every map, so computed once (a third
    of a second) and kept in the cache directory beside the gazetteer."""
    from geonews.gazetteer.index import cache_dir
    from geonews.regions import DATA_PACKAGE, GPKG_FILE

    ref = resources.files(DATA_PACKAGE) / GPKG_FILE
    with resources.as_file(ref) as path:
        st = path.stat()
    cached = cache_dir() / f"basemap-world-{_WORLD_VERSION}-{st.st_size}-{int(st.st_mtime)}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    import shapely

    countries = _read_layer("countries", None, [])
    geoms = countries.geometry.values
    geoms = geoms[shapely.area(geoms) > 0.5]
    # through JSON, as a cached copy is read back: the same page either way
    world = json.loads(json.dumps(_fc(_simplify(geoms, 0.3, decimals=1))))
    try:  # a cache that cannot be written costs time, not the map
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".basemap-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(world, f)
        os.replace(tmp, cached)
    except OSError:
        pass
    return world


def _read_layer(layer: str, box: tuple | None, columns: list[str]):
    import pyogrio

    from geonews.regions import DATA_PACKAGE, GPKG_FILE

    try:
        ref = resources.files(DATA_PACKAGE) / GPKG_FILE
        with resources.as_file(ref) as path:
            return pyogrio.read_dataframe(path, layer=layer, columns=columns, bbox=box)
    except Exception as exc:
        raise RenderError(f"cannot read the shipped basemap ({layer}): {exc}") from exc


def _simplify(geoms, tol: float, decimals: int = 3) -> list:
    import shapely

    if tol:
        geoms = shapely.simplify(geoms, tol, preserve_topology=True)
    geoms = shapely.set_precision(geoms, 10**-decimals)
    return [g for g in geoms if g is not None and not g.is_empty]


def _fc(geoms: Sequence) -> dict:
    from shapely.geometry import mapping

    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": mapping(g)} for g in geoms],
    }


# ---------------------------------------------------------------- the library call


def inline_scripts(offline: bool, cdn: bool) -> bool:
    """Whether a page inlines its scripts: always, unless ``cdn`` asks for CDN links
    (``offline`` pages inline them too, so the two exclude each other)."""
    if offline and cdn:
        raise ValueError("a map is offline or links its scripts from CDNs, not both")
    return not cdn


def build_html(
    build: Callable[[str | None], folium.Map],
    *,
    tiles: str | None = AUTO_TILES,
    offline: bool = False,
    inline: bool = False,
    fragment: bool = False,
    height: str = DEFAULT_FRAGMENT_HEIGHT,
    base_dir: str | os.PathLike[str] | None = None,
) -> str:
    """Call ``build(provider)`` for a folium map and return its HTML, deterministically.

    ``build`` receives the folium tile provider to pass to ``folium.Map`` (None
    when there is none); the map is built inside :func:`deterministic_ids`, then
    given the tile layer or the shipped basemap ``tiles`` asks for, and rendered
    by :func:`render_html`. ``tiles`` is as for :func:`map_html`. ``inline``
    inlines every script and draws the shipped basemap under web tiles, so that the
    page shows a map without a network; ``offline`` also leaves web tiles out.
    """
    source = _tiles(tiles, offline, Path(base_dir) if base_dir is not None else None)
    with deterministic_ids():
        m = build(source.provider)
        if source.url:
            import folium

            folium.TileLayer(source.url, attr=source.attribution, name="Tiles").add_to(m)
        if source.none:
            add_basemap(m)
        elif inline and not offline:
            add_basemap(m, under_tiles=True)
        layer_control_last(m)
        return render_html(m, offline=offline or inline, fragment=fragment, height=height)


def layer_control_last(m: folium.Map) -> None:
    """Move ``m``'s layer control after every layer added since it was.

    The control's script names the layers it lists; a layer whose script comes
    later (a tile layer or timeline added to a finished map) would still be
    undefined when the control is made, and Leaflet would throw.
    """
    import folium

    for name, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            del m._children[name]
            m.add_child(child, name=name)


def map_html(
    events: Sequence[Event],
    *,
    title: str | None = None,
    tiles: str | None = AUTO_TILES,
    offline: bool = False,
    inline: bool = False,
    fragment: bool = False,
    height: str = DEFAULT_FRAGMENT_HEIGHT,
    base_dir: str | os.PathLike[str] | None = None,
) -> str:
    """Build the map of ``events`` and return its HTML (page or fragment), deterministically.

    ``tiles``: ``"auto"`` (OpenStreetMap online, the shipped basemap with
    ``offline``), a folium tile provider name, a URL template with ``{z}/{x}/{y}``,
    a local ``{z}/{x}/{y}`` tile directory (linked relative to ``base_dir``, the
    directory of the HTML file), or ``None``/``"none"`` for the shipped basemap.
    ``inline``: scripts inlined and web tiles drawn over the shipped basemap (a page
    that works without a network); ``offline``: that, without web tiles.
    """
    from geonews.render.map import build_map

    return build_html(
        lambda provider: build_map(events, title=title, tiles=provider),
        tiles=tiles,
        offline=offline,
        inline=inline,
        fragment=fragment,
        height=height,
        base_dir=base_dir,
    )


def write_map(
    events: Sequence[Event],
    output: str | os.PathLike[str],
    *,
    title: str | None = None,
    tiles: str | None = AUTO_TILES,
    offline: bool = False,
    inline: bool = False,
    fragment: bool = False,
    height: str = DEFAULT_FRAGMENT_HEIGHT,
) -> Path:
    """Write the map of ``events`` to ``output`` (see :func:`map_html`); return the path."""
    output = Path(output)
    html = map_html(
        events,
        title=title,
        tiles=tiles,
        offline=offline,
        inline=inline,
        fragment=fragment,
        height=height,
        base_dir=output.parent,
    )
    return write_html(html, output)


def iframe_snippet(
    map_path: str | os.PathLike[str],
    *,
    src: str | None = None,
    title: str = "geonews map",
    height: str = DEFAULT_FRAGMENT_HEIGHT,
) -> str:
    """An ``<iframe>`` that shows the existing map file ``map_path`` in a report page.

    ``src`` is the URL the report will use (default: the file's path as given).
    The frame is sandboxed: the map's scripts run, but cannot touch the host page.
    """
    path = Path(map_path)
    if not path.is_file():
        raise RenderError(f"no map file at {path}")
    if not _CSS_LENGTH_RE.fullmatch(height):
        raise ValueError(f"height must be a CSS length such as 600px or 70vh, got {height!r}")
    src = src if src is not None else path.as_posix()
    return (
        f'<iframe src="{escape_html(src)}" title="{escape_html(title)}" loading="lazy" '
        f'style="width:100%;height:{height};border:0" '
        f'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>\n'
    )


# ---------------------------------------------------------------- notebooks


class EventCollection(Sequence[Event]):
    """A list of events that displays as a table and a map in Jupyter.

    ``EventCollection(analysis.events)`` behaves like a tuple; in a notebook its
    ``_repr_html_`` shows one row per event and the offline map in a sandboxed
    iframe, so it works without internet and cannot touch the notebook.
    """

    def __init__(self, events: Sequence[Event] = (), *, title: str | None = None) -> None:
        self._events = tuple(events)
        self.title = title

    def __getitem__(self, i):  # type: ignore[override]
        return self._events[i]

    def __len__(self) -> int:
        return len(self._events)

    def __repr__(self) -> str:
        return f"EventCollection({len(self)} events)"

    def map(self, **kwargs: Any) -> str:
        """The map's HTML (keyword arguments as for :func:`map_html`)."""
        kwargs.setdefault("title", self.title)
        return map_html(self._events, **kwargs)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{escape_html(e.type)}</td>"
            f"<td>{escape_html(e.place.name if e.place else '')}</td>"
            f"<td>{escape_html(e.precision)}</td><td>{escape_html(e.sentence[:160])}</td></tr>"
            for e in self._events
        )
        table = (
            "<table><thead><tr><th>type</th><th>place</th><th>precision</th>"
            f"<th>evidence</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        page = self.map(offline=True)
        frame = (
            f'<iframe srcdoc="{escape_html(page)}" style="width:100%;height:480px;border:0" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox"></iframe>'
        )
        return f"<div><p>{len(self)} events</p>{frame}<details><summary>Events</summary>{table}</details></div>"

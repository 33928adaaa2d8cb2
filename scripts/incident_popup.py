"""Make docs/img/incident-popup.png: the popup of one incident reported by three sources.

Three articles of our own incident stream (tests/data/incidents: the 6 May strike on
Kharkiv, in English, Ukrainian and French) are ingested into a temporary store and
rendered with the shipped basemap only; a small script added at the end of the page clicks the
incident's mark once the map is drawn, and ``geonews snapshot``'s code takes the PNG.

    python scripts/incident_popup.py [-o docs/img/incident-popup.png]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STREAM = ROOT / "tests" / "data" / "incidents" / "stream.jsonl"
ARTICLES = ("a01", "a02", "a04")  # I01 in en, uk, fr
# The stream has no titles; links in a popup are labelled by title, so give them ours.
TITLES = {
    "a01": "Missiles hit a Kharkiv power plant",
    "a02": "Ракетний удар по Харкову",
    "a04": "Frappe de missiles sur Kharkiv",
}

# Clicks the mark whose popup names three sources (the page's own data, no network).
_OPEN_POPUP = """<style>.leaflet-popup{transition:none!important}.leaflet-tooltip{display:none}</style><script>
(() => {
  for (const k of Object.keys(window)) {
    const layer = window[k];
    if (!(layer instanceof L.GeoJSON)) continue;
    layer.eachLayer((l) => {
      const p = l.feature && l.feature.properties && l.feature.properties.popup;
      if (p && p.includes("3 sources")) {
        l._map.setView(l.getLatLng(), 7, {animate: false});
        l._map.panBy([100, -200], {animate: false});  // the mark low, its popup above it
        l.fire("click", {latlng: l.getLatLng()}, true);  // true: up to the layer's popup
      }
    });
  }
})();
</script>"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default=str(ROOT / "docs" / "img" / "incident-popup.png"))
    args = ap.parse_args()

    from geonews.living.ingest import ingest
    from geonews.living.render import render_store
    from geonews.living.store import Store
    from geonews.render.snapshot import snapshot

    with tempfile.TemporaryDirectory(prefix="geonews-popup-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "three.jsonl"
        lines = STREAM.read_text(encoding="utf-8").splitlines()
        chosen = [json.loads(x) for x in lines if json.loads(x)["id"] in ARTICLES]
        corpus.write_text(
            "".join(json.dumps({**a, "title": TITLES[a["id"]]}) + "\n" for a in chosen),
            encoding="utf-8",
        )
        page = tmp / "map.html"
        with Store(tmp / "s.db") as store:
            ingest([str(corpus)], store, join="gazetteer")
            render_store(store, page, offline=True, title="geonews — one incident, three sources")
        html = page.read_text(encoding="utf-8")
        page.write_text(html + _OPEN_POPUP, encoding="utf-8")  # after the map's own scripts
        out = snapshot(page, args.output, size=(1100, 900))
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()

"""Time geonews.regions.join_regions: cold first call, warm calls, 1,000 points.

    python benchmarks/bench_regions.py

Also times the two ways of getting the polygons that the join could use: read
the whole layer once and keep it (what regions.py does), or read a bbox around
the points on every call. Prints peak RSS at the end. Run it in a fresh process:
the "cold" numbers include importing geopandas and reading the GeoPackage.
"""

from __future__ import annotations

import random
import resource
import time
from importlib import resources

T0 = time.perf_counter()

from geonews import regions

KHERSON = (46.63695, 32.61458, "UA.08")


def ms(t: float) -> str:
    return f"{(time.perf_counter() - t) * 1000:8.1f} ms"


def points_in(n: int, lat: tuple[float, float], lon: tuple[float, float], seed: int = 1):
    rnd = random.Random(seed)
    return [(rnd.uniform(*lat), rnd.uniform(*lon), None) for _ in range(n)]


def main() -> None:
    print(f"import geonews.regions            {ms(T0)}")
    t = time.perf_counter()
    regions.region_info("UA.08")
    print(f"first region_info (JSON)          {ms(t)}")

    t = time.perf_counter()
    (r,) = regions.join_regions([KHERSON])
    print(f"first join_regions, 1 point, cold {ms(t)}   -> {r.code} {r.name}")
    t = time.perf_counter()
    regions.join_regions([KHERSON])
    print(f"join_regions, 1 point, warm       {ms(t)}")

    ukraine = points_in(1000, (44.0, 53.0), (22.0, 41.0))  # includes Black Sea points
    world = points_in(1000, (-60.0, 75.0), (-180.0, 180.0))
    for label, pts in (("Ukraine bbox", ukraine), ("world", world)):
        t = time.perf_counter()
        out = regions.join_regions(pts)
        found = sum(r is not None for r in out)
        print(f"join_regions, 1,000 points, {label:12} {ms(t)}   ({found} in a region)")

    strategies()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS                          {rss:8.1f} MB")


def strategies() -> None:
    """Whole layer once vs a bbox read per call (the choice made in regions.py)."""
    import pyogrio

    path = resources.files("geonews.geodata") / regions.GPKG_FILE
    cols = regions.SHAPE_COLUMNS
    lat, lon, _ = KHERSON
    d = 25 / 70  # 25 km in degrees of longitude at ~47°N, generously
    cases = {
        "whole layer + sindex": None,
        "bbox around 1 point + sindex": (lon - d, lat - d, lon + d, lat + d),
        "bbox around Ukraine + sindex": (22.0 - d, 44.0 - d, 41.0 + d, 53.0 + d),
    }
    for label, bbox in cases.items():
        best = float("inf")
        for _ in range(5):
            t = time.perf_counter()
            df = pyogrio.read_dataframe(path, layer="admin1", columns=cols, bbox=bbox)
            df.sindex.query(df.geometry.values[:1])
            best = min(best, time.perf_counter() - t)
        print(f"read {label:29} {best * 1000:8.1f} ms  ({len(df)} rows)")


if __name__ == "__main__":
    main()

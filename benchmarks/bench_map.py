"""How long the commands a user types take, as whole processes.

    python benchmarks/bench_map.py            # --help and `geonews map`, gazetteer cache warm
    python benchmarks/bench_map.py --cold     # also: first run, gazetteer compiled from scratch

Prints the median and the worst of several runs of each. Targets (issue 2):
`geonews map` on one article under 2 s with the gazetteer cache warm, `geonews --help`
within 0.15 s (the layout issue), on the 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "kursk-troops.en.txt"
SEED = ROOT.parent / "shared" / "examples" / "kursk-troops.fr.txt"
# the console script, as a user runs it
GEONEWS = [shutil.which("geonews") or sys.exit("geonews is not installed: pip install -e .")]


def timed(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def report(label: str, runs: list[float], target: float | None = None) -> None:
    med, worst = statistics.median(runs), max(runs)
    verdict = "" if target is None else ("  OK" if med <= target else f"  OVER {target} s")
    print(f"{label:<48} median {med:6.3f} s   worst {worst:6.3f} s   ({len(runs)} runs){verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="also time a gazetteer build")
    args = parser.parse_args()

    out = Path(tempfile.mkdtemp()) / "bench.html"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    if args.cold:
        cache = tempfile.mkdtemp()
        env = {**os.environ, "GEONEWS_CACHE": cache}
        t = timed([*GEONEWS, "map", str(EXAMPLE), "-o", str(out)], env)
        report("geonews map, first run (gazetteer compiled)", [t])
        shutil.rmtree(cache, ignore_errors=True)

    report("geonews --help", [timed([*GEONEWS, "--help"]) for _ in range(args.runs)], 0.15)
    articles = [EXAMPLE] + ([SEED] if SEED.exists() else [])
    timed([*GEONEWS, "map", str(EXAMPLE), "-o", str(out)])  # warm the cache
    for article in articles:
        runs = [timed([*GEONEWS, "map", str(article), "-o", str(out)]) for _ in range(args.runs)]
        report(f"geonews map {article.name} (cache warm)", runs, 2.0)
    print(f"map size: {out.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()

"""Benchmark the living map: ingest, render and export at scale.

Measures:

1. ingest of N articles (default 10,000) of new text with ``-j 2`` (articles/s): the
   distinct ~3 KB articles of ``bench_geoparse.py``, then articles of sentences drawn at
   random (see :func:`write_new_text`); ``--templates`` ingests the short synthetic
   articles made from the English and French templates below (our own sentences, real
   Ukrainian and Russian place names), the older figure;
2. render of a store holding M events (default 100,000) with
   :func:`geonews.living.render.render_store`, as ``geonews render`` (self-contained:
   scripts inlined, OpenStreetMap tiles over the shipped basemap), ``--cdn`` and
   ``--offline`` (seconds, HTML size, peak RSS); the store is filled in batches of
   2,000 articles, and the fill rate (events/s) includes grouping them into incidents;
3. export of those M events, and of their incidents, to GeoJSON, CSV, JSONL and
   GeoPackage (seconds).

Each phase runs in a fresh process so that its peak RSS is its own. Targets
(issue 4): ingest >= 300 articles/s with 2 workers (issue 20: >= 1,500 on new text); render <= 5 s and <= 10 MB of
HTML; peak RSS <= 400 MB.

    python benchmarks/bench_ingest.py                  # full run
    python benchmarks/bench_ingest.py --articles 1000 --events 20000   # quick
    python benchmarks/bench_ingest.py --ingest-only    # the ingest figure alone
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

TOWNS_EN = [
    "Kupiansk", "Pokrovsk", "Kramatorsk", "Sloviansk", "Kherson", "Zaporizhzhia", "Kharkiv",
    "Sumy", "Chasiv Yar", "Kostiantynivka", "Nikopol", "Izium", "Lyman", "Bakhmut",
    "Avdiivka", "Vovchansk", "Huliaipole", "Orikhiv", "Odesa", "Mykolaiv", "Dnipro",
    "Kursk", "Belgorod", "Bryansk",
]  # fmt: skip
TOWNS_FR = [
    "Koupiansk", "Pokrovsk", "Kramatorsk", "Sloviansk", "Kherson", "Zaporijjia", "Kharkiv",
    "Soumy", "Nikopol", "Izioum", "Lyman", "Bakhmout", "Avdiïvka", "Odessa", "Mykolaïv",
    "Dnipro", "Koursk", "Belgorod", "Briansk",
]  # fmt: skip
REGIONS_EN = ["Donetsk Oblast", "Kherson Oblast", "Kursk Oblast", "Zaporizhzhia Oblast"]
REGIONS_FR = ["l'oblast de Donetsk", "l'oblast de Kherson", "la région de Koursk"]

EN = [
    "Russian artillery shelled {town} overnight, damaging several apartment blocks.",
    "A drone strike hit an energy facility near {town} on Tuesday, regional officials said.",
    "Missiles struck the outskirts of {town}, killing two civilians and wounding five.",
    "Ukrainian troops repelled an assault near {town} after heavy fighting.",
    "Russian forces launched an offensive towards {town} at dawn.",
    "Additional brigades were deployed to {town} to reinforce the defensive line.",
    "Engineers are building new fortifications and trenches around {town}.",
    "Demining teams cleared farmland near {town} this week.",
    "Reconstruction of the bridge in {town} began after months of shelling.",
    "Fighting continued in {region} as both sides brought in reinforcements.",
    "The governor said the situation in {town} remained tense but under control.",
]
FR = [
    "L'artillerie russe a bombardé {town} dans la nuit, endommageant plusieurs immeubles.",
    "Une frappe de drone a touché une installation énergétique près de {town} mardi.",
    "Des missiles ont frappé la périphérie de {town}, faisant deux morts parmi les civils.",
    "Les troupes ukrainiennes ont repoussé un assaut près de {town} après de violents combats.",
    "Les forces russes ont lancé une offensive en direction de {town} à l'aube.",
    "Des renforts ont été déployés à {town} pour consolider la ligne de défense.",
    "Des fortifications et des tranchées sont construites autour de {town}.",
    "Des équipes de déminage ont nettoyé des champs près de {town} cette semaine.",
    "La reconstruction du pont de {town} a commencé après des mois de bombardements.",
    "Les combats se poursuivent dans {region} selon l'état-major.",
    "Le gouverneur a indiqué que la situation à {town} restait tendue.",
]
TITLES_EN = ["Front-line update: {town}", "Overnight attacks around {town}", "{town} under fire"]
TITLES_FR = [
    "Point sur le front : {town}",
    "Nuit d'attaques autour de {town}",
    "{town} sous le feu",
]

START = date(2024, 1, 1)


def make_article(i: int, rng: random.Random) -> dict:
    """One synthetic article: 3 to 6 template sentences, English or French."""
    fr = rng.random() < 0.4
    towns, regions, sents, titles = (
        (TOWNS_FR, REGIONS_FR, FR, TITLES_FR) if fr else (TOWNS_EN, REGIONS_EN, EN, TITLES_EN)
    )
    main = rng.choice(towns)
    body = []
    for k in range(rng.randint(3, 6)):
        town = main if k == 0 else rng.choice(towns)
        body.append(rng.choice(sents).format(town=town, region=rng.choice(regions)))
    published = START + timedelta(days=rng.randrange(730))
    return {
        "id": f"syn-{i}",
        "text": " ".join(body) + f" (dépêche {i})" if fr else " ".join(body) + f" (report {i})",
        "title": rng.choice(titles).format(town=main),
        "url": f"https://news.example.org/{published:%Y/%m/%d}/{i}",
        "published": published.isoformat(),
        "lang": "fr" if fr else "en",
    }


def write_corpus(path: Path, n: int, seed: int = 4) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(make_article(i, rng), ensure_ascii=False) + "\n")


def write_new_text(path: Path, n: int, seed: int = 4) -> str:
    """``n`` articles of new text for the ingest figure (issue 20), and what they are.

    First the distinct articles of ``bench_geoparse.py`` (~3 KB in six languages, no
    sentence twice: about 1,400 with ../shared beside the project); the rest, as our
    sources hold no more distinct text, are ``bench_geoparse.py --mix`` articles: sentences
    of one language drawn at random, so that no article repeats though sentences do.
    Each gets a publication day, a URL and a title, as ingest reads them."""
    from bench_geoparse import distinct_corpus, mixed_corpus

    records = [json.loads(x) for x in distinct_corpus(n, 3000)]
    n_distinct = len(records)
    if len(records) < n:
        records += [json.loads(x) for x in mixed_corpus(n - len(records), 3000, seed=seed)]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i, r in enumerate(records):
            published = START + timedelta(days=rng.randrange(730))
            article = {
                "id": f"new-{i}",
                "text": r["text"],
                "title": r["text"][:60],
                "url": f"https://news.example.org/{published:%Y/%m/%d}/{i}",
                "published": published.isoformat(),
                "lang": r["lang"],
            }
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    return f"{n_distinct:,} distinct + {len(records) - n_distinct:,} mixed, ~3 KB"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


# ---------------------------------------------------------------- phases (child processes)


def phase_ingest(args) -> dict:
    from geonews.gazetteer.index import load_gazetteer
    from geonews.living.ingest import ingest
    from geonews.living.store import Store

    load_gazetteer()  # warm the cache file: the figure is about ingest, not the first build
    with Store(args.db) as store:
        t = time.perf_counter()
        report = ingest([args.corpus], store, jobs=args.jobs, join=args.join)
        seconds = time.perf_counter() - t
        stats = store.stats()
    return {
        "articles": report.total,
        "new": report.new,
        "failed": len(report.failed),
        "events": stats.events,
        "seconds": seconds,
        "articles_per_s": report.total / seconds,
        "peak_rss_mb": peak_rss_mb(),
        "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def phase_fill(args) -> dict:
    """Fill a store with ``args.events`` events by re-dating analysed synthetic articles.

    Analysing 20,000 articles would measure ingest again; 400 are analysed and
    copied under new URLs and dates, so the store looks like months of news.
    """
    from geonews.living.rows import prepare, text_hash
    from geonews.living.store import Store
    from geonews.model import Article
    from geonews.pipeline import analyse

    rng = random.Random(7)
    templates = []
    for i in range(400):
        a = make_article(i, rng)
        analysis = analyse(
            Article(text=a["text"], title=a["title"], url=a["url"], lang=a["lang"]),
            a["lang"],
            join="gazetteer",
        )
        if analysis.events:
            templates.append(prepare(analysis))
    total, i, batch = 0, 0, []
    t = time.perf_counter()
    with Store(args.db) as store:
        while total < args.events:
            p = templates[i % len(templates)]
            published = START + timedelta(days=rng.randrange(730))
            row = {
                **p.article_row,
                "article_id": f"{i:016x}",
                "published": published.isoformat(),
                "url": f"https://x.example/{i}",
            }
            events = [
                r[:28] + (r[28] or published.isoformat(), r[29] or published.isoformat()) + r[30:]
                for r in p.event_rows
            ]
            batch.append(
                replace(p, key=row["url"], content_hash=text_hash(f"{i}"), article_row=row,
                        event_rows=events)
            )  # fmt: skip
            total += len(events)
            i += 1
            if len(batch) >= 2000:
                store.write(batch)
                batch.clear()
        store.write(batch)
        stats = store.stats()
    return {
        "events": stats.events,
        "incidents": getattr(stats, "incidents", None),  # None before incidents existed
        "articles": i,
        "seconds": time.perf_counter() - t,
    }


def phase_render(args) -> dict:
    from geonews.living.render import render_store
    from geonews.living.store import Store

    with Store(args.db, create=False) as store:
        t, cpu = time.perf_counter(), time.process_time()
        r = render_store(store, args.out, offline=args.offline, cdn=args.cdn)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    return {
        "events": r.events,
        "incidents": getattr(r, "incidents", None),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "html_mb": os.path.getsize(args.out) / 1e6,
        "bucket": r.bucket,
        "timeline_marks": r.timeline_marks,
        "peak_rss_mb": peak_rss_mb(),
    }


def phase_export(args) -> dict:
    from geonews.living import export
    from geonews.living.store import Store

    out = {}
    exports = [("events", export.export_events)]
    if hasattr(export, "export_incidents"):
        exports.append(("incidents", export.export_incidents))
    with Store(args.db, create=False) as store:
        for what, function in exports:
            for fmt in ("geojson", "csv", "jsonl", "gpkg"):
                path = Path(args.out).with_suffix(f".{what}.{fmt}")
                t = time.perf_counter()
                r = function(store, path, fmt)
                out[f"{what} {fmt}"] = {
                    "what": what,
                    "count": r.count,
                    "seconds": time.perf_counter() - t,
                    "mb": path.stat().st_size / 1e6,
                }
    out["peak_rss_mb"] = peak_rss_mb()
    return out


PHASES = {
    "ingest": phase_ingest,
    "fill": phase_fill,
    "render": phase_render,
    "export": phase_export,
}


def run_phase(name: str, **kwargs) -> dict:
    cmd = [sys.executable, __file__, "--phase", name]
    for k, v in kwargs.items():
        if v is True:
            cmd.append(f"--{k}")
        elif v is not False:
            cmd += [f"--{k}", str(v)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--join", default="spatial", choices=("spatial", "gazetteer"))
    ap.add_argument(
        "--templates",
        action="store_true",
        help="ingest the short synthetic template articles (the older figure) instead of new text",
    )
    ap.add_argument(
        "--ingest-only", action="store_true", help="measure ingest alone (no fill, render, export)"
    )
    ap.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--offline", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--cdn", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return

    with tempfile.TemporaryDirectory(prefix="geonews-bench-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.jsonl"
        if args.templates:
            write_corpus(corpus, args.articles)
            kind = "template articles, names recur"
        else:
            kind = write_new_text(corpus, args.articles)
        ing = run_phase("ingest", db=tmp / "ingest.db", corpus=corpus, jobs=args.jobs,
                        join=args.join, articles=args.articles)  # fmt: skip
        print(
            f"ingest  {ing['articles']:,} articles ({kind}; -j {args.jobs}, join={args.join}): "
            f"{ing['seconds']:.1f} s, {ing['articles_per_s']:.0f} articles/s, "
            f"{ing['events']:,} events, {ing['failed']} failed, "
            f"peak RSS {ing['peak_rss_mb']:.0f} MB (parent), "
            f"{ing['worker_peak_rss_mb']:.0f} MB (largest worker)   [targets >= 300 articles/s; new text >= 1,500]"
        )
        if args.ingest_only:
            return
        fill = run_phase("fill", db=tmp / "big.db", events=args.events)
        grouped = f" in {fill['incidents']:,} incidents" if fill.get("incidents") else ""
        print(
            f"fill    {fill['events']:,} events{grouped} in {fill['articles']:,} articles: "
            f"{fill['seconds']:.1f} s ({fill['events'] / fill['seconds']:,.0f} events/s written"
            f"{', grouped' if grouped else ''})"
        )
        for mode in ("", "--cdn", "--offline"):
            ren = run_phase("render", db=tmp / "big.db", out=tmp / "map.html",
                            offline=mode == "--offline", cdn=mode == "--cdn")  # fmt: skip
            incidents = f" in {ren['incidents']:,} incidents" if ren.get("incidents") else ""
            print(
                f"render  {ren['events']:,} events{incidents}{' ' + mode if mode else ''}: "
                f"{ren['seconds']:.2f} s ({ren['cpu_seconds']:.2f} s CPU, imports included), "
                f"{ren['html_mb']:.2f} MB HTML, peak RSS {ren['peak_rss_mb']:.0f} MB, "
                f"timeline by {ren['bucket']} ({ren['timeline_marks']:,} marks)   "
                "[targets <= 5 s, <= 10 MB, <= 400 MB]"
            )
        exp = run_phase("export", db=tmp / "big.db", out=tmp / "events")
        for key, e in exp.items():
            if key == "peak_rss_mb":
                continue
            fmt = key.split()[1]
            print(
                f"export  {e['count']:,} {e['what']} as {fmt:<7}: {e['seconds']:.2f} s, "
                f"{e['mb']:.1f} MB"
            )
        print(f"export  peak RSS {exp['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()

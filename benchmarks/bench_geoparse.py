"""Throughput and memory of the batch geoparser (``geonews geoparse``).

Builds a corpus of ~3 KB news-like articles (from GeoVirus in ../shared/eval when
present, else from our own evaluation sets), runs ``geonews.batch.geoparse_jsonl``
in one process after start-up (gazetteer and lexicons loaded), and prints
articles/s on one core and the peak resident memory of the process.

Targets (issue 3): ≥ 1,000 articles of ~3 KB per second per core; < 400 MB.
Measured on the shared 2-core machine (fifth round, three runs each): ``-n 2000``
601–603 articles/s, ``--mix`` 580–581, ``--once`` 275–277; peak RSS 121 MB. Before the
round's speed-ups: 433, 415–431 and 238.

The sources fill about 90 articles of 3 KB without repeating a text, so ``-n 2000``
parses each text some 20 times, and the memos of the geoparser (candidate matches by
word, gazetteer lookups) are warm after the first pass. ``--once`` parses each source
text once, as new text is (about half the default run's figure); but its 90 articles are too few for the memos of names to fill as they do over a long
run. ``--mix`` is the closest to a real stream: every article is new text, made of
sentences drawn at random from the sources, and the names recur as news names them.

mypyc, measured (perf2 round): compiling geoparse, text, events, lexicon, gazetteer,
model and dates gives 1.25-1.3x (about 510 against 400 articles/s, same output); the
time is in regex, str and dict calls that are C already. It needs, besides exact
annotations: no ``functools.cached_property`` in compiled classes (mypyc compiles it
as a plain property that recomputes on every access: 13x slower), int-valued
``Counter`` annotations not holding floats (checked at run time), and no starred
tuple in an ``in`` test (an internal mypyc error).

Usage: python benchmarks/bench_geoparse.py [-n 2000] [--size 3000] [--once | --mix]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    ROOT.parent / "shared" / "eval" / "geovirus.jsonl",
    *sorted((ROOT / "tests" / "data" / "eval").glob("news-*.jsonl")),
]


def corpus(n: int, size: int, once: bool = False) -> list[str]:
    """``n`` JSONL records of about ``size`` characters, cycling through the sources
    (``once``: at most as many as the sources fill without repeating a text)."""
    texts = []
    for path in SOURCES:
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                texts += [(r["text"], r.get("lang")) for r in map(json.loads, fh)]
    if not texts:
        sys.exit("no source texts found")
    out = []
    i = 0
    while len(out) < n:
        body, lang = "", None
        while len(body) < size:
            if once and i >= len(texts):
                return out
            t, lang_t = texts[i % len(texts)]
            lang = lang or lang_t
            body += t + "\n"
            i += 1
        out.append(json.dumps({"id": len(out), "text": body[: size + 200], "lang": lang}))
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def mixed_corpus(n: int, size: int, seed: int = 0) -> list[str]:
    """``n`` distinct JSONL records of about ``size`` characters, each made of sentences
    drawn at random from the sources' texts of one language: every article is new text
    (no memo keyed by an article or a sentence could help), while the names recur across
    articles as they do in a real news stream."""
    pools: dict[str | None, list[str]] = {}
    for path in SOURCES:
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                for r in map(json.loads, fh):
                    pools.setdefault(r.get("lang"), []).extend(
                        s for s in _SENTENCE_END.split(r["text"]) if len(s) > 20
                    )
    if not pools:
        sys.exit("no source texts found")
    rng = random.Random(seed)
    langs = sorted(pools, key=str)
    weights = [len(pools[lang]) for lang in langs]
    out = []
    for i in range(n):
        lang = rng.choices(langs, weights)[0]
        body = ""
        while len(body) < size:
            body += rng.choice(pools[lang]) + " "
        out.append(json.dumps({"id": i, "text": body.strip(), "lang": lang}))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="articles")
    ap.add_argument("--size", type=int, default=3000, help="characters per article")
    ap.add_argument("--join", default="gazetteer", choices=["gazetteer", "spatial"])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="parse each source text once (memos cold)")
    mode.add_argument(
        "--mix", action="store_true", help="distinct articles of sentences drawn from the sources"
    )
    a = ap.parse_args()
    lines = mixed_corpus(a.n, a.size) if a.mix else corpus(a.n, a.size, once=a.once)
    t0 = time.perf_counter()
    import geonews.geoparse.resolve
    from geonews.batch import _warm, geoparse_jsonl

    _warm()
    # first-use caches (with --once and --mix, on texts of their own: the corpus stays unseen)
    # (in each language's script: Russian and Ukrainian load their dictionaries then)
    names = {"ru": "Киев, Херсон.", "uk": "Київ, Херсон."}
    warm_up = [
        json.dumps({"id": lang, "text": names.get(lang, "Kyiv, Kherson."), "lang": lang})
        for lang in ("en", "fr", "de", "es", "ru", "uk")
    ]
    list(geoparse_jsonl(warm_up if a.once or a.mix else lines[:20], join=a.join))
    start_up = time.perf_counter() - t0
    t1 = time.perf_counter()
    n_err = sum(failed for _, failed in geoparse_jsonl(lines, join=a.join))
    dt = time.perf_counter() - t1
    kb = sum(len(json.loads(x)["text"]) for x in lines) / len(lines) / 1000
    print(f"engine: {Path(geonews.geoparse.resolve.__file__).name}")
    print(f"start-up: {start_up:.2f} s (gazetteer, lexicons)")
    print(f"articles: {len(lines)} of {kb:.1f} KB on average, {n_err} errors")
    print(f"throughput: {len(lines) / dt:,.0f} articles/s on one core ({dt:.2f} s)")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()

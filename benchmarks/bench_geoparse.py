"""Throughput and memory of the batch geoparser (``geonews geoparse``) on new text.

By default the corpus is made of distinct articles: every evaluation set in
../shared/eval (English, French, German, Russian, Ukrainian) and our own news sets
(all six languages) are cut into ~3 KB articles of consecutive sentences, no sentence
used twice, and shuffled together (about 1,400 articles). Nothing repeats, so no memo
keyed by an article, a paragraph or a sentence is warm, as in a real stream. It runs
``geonews.batch.geoparse_jsonl`` in one process and prints the start-up time
(gazetteer and lexicons), articles/s on one core after start-up, and the peak
resident memory.

Targets (issue 20): >= 1,000 distinct articles/s on one core, peak RSS <= 400 MB,
start-up <= 1 s.

Secondary modes, for comparison with older figures only:

* ``--repeat``: the old default, cycling ~90 English and own texts, so each is parsed
  some 20 times and the memos are warm (not a figure for new text);
* ``--once``: each of those texts once;
* ``--mix``: articles of sentences drawn at random with replacement (sentences recur).

mypyc, measured (perf2 round): compiling geoparse, text, events, lexicon, gazetteer,
model and dates gives 1.25-1.3x; the time is in regex, str and dict calls that are C
already.

Usage: python benchmarks/bench_geoparse.py [-n 2000] [--size 3000] [--repeat | --once | --mix]
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

from recognition_sets import OWN, SHARED, SHARED_SETS

SOURCES = [SHARED / "geovirus.jsonl", *sorted(OWN.glob("news-*.jsonl"))]
#: Sources of the default, distinct corpus: every shared set (en, fr, de, ru, uk) and
#: our own news sets (all six languages, Spanish among them).
DISTINCT_SOURCES = [
    *(SHARED / f"{name}.jsonl" for name in SHARED_SETS),
    *sorted(OWN.glob("news-*.jsonl")),
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


def distinct_corpus(n: int, size: int, seed: int = 0) -> list[str]:
    """Up to ``n`` JSONL records of about ``size`` characters in which no sentence occurs
    twice: each source text is cut into consecutive runs of its sentences, every
    sentence is used once, and the records of all languages are shuffled together.
    No article, sentence or paragraph repeats, so no memo keyed by them is warm; names
    recur across articles as news names them. With the shared sets present this fills
    about 1,400 articles of 3 KB in en, fr, de, ru, uk and es."""
    records: list[tuple[str, str | None]] = []
    seen: set[str] = set()
    for path in DISTINCT_SOURCES:
        if not path.exists():
            continue
        body, lang = "", None
        with open(path, encoding="utf-8") as fh:
            for r in map(json.loads, fh):
                lang = lang or r.get("lang")
                for sent in _SENTENCE_END.split(r["text"]):
                    if sent in seen:
                        continue
                    seen.add(sent)
                    body += sent + " "
                    if len(body) >= size:
                        records.append((body.strip(), lang))
                        body = ""
                body += "\n\n"  # a short source text goes on with the next one
        if len(body.strip()) >= 500:  # a source's remainder (Spanish has little text)
            records.append((body.strip(), lang))
    if not records:
        sys.exit("no source texts found")
    random.Random(seed).shuffle(records)
    return [
        json.dumps({"id": i, "text": text, "lang": lang})
        for i, (text, lang) in enumerate(records[:n])
    ]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="articles (at most)")
    ap.add_argument("--size", type=int, default=3000, help="characters per article")
    ap.add_argument("--join", default="gazetteer", choices=["gazetteer", "spatial"])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument(
        "--repeat",
        action="store_true",
        help="secondary figure: cycle through the English and own texts (memos warm)",
    )
    mode.add_argument(
        "--once", action="store_true", help="parse each source text once (memos cold)"
    )
    mode.add_argument(
        "--mix", action="store_true", help="articles of sentences drawn with replacement"
    )
    a = ap.parse_args()
    if a.mix:
        lines = mixed_corpus(a.n, a.size)
    elif a.repeat or a.once:
        lines = corpus(a.n, a.size, once=a.once)
    else:
        lines = distinct_corpus(a.n, a.size)
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
    list(geoparse_jsonl(lines[:20] if a.repeat else warm_up, join=a.join))
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

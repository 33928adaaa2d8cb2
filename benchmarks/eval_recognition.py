"""Score place recognition (P/R/F1) on the six shared sets and on our own news sets.

Each document is geoparsed as ``geonews geoparse`` does it (:func:`geonews.batch.geoparse_record`,
in-process, ``-j`` worker processes) and scored with the shared scorer
(``../shared/eval/score_geoparse.py``), after the per-set gold filter of
``benchmarks/recognition_sets.py`` (streets, buildings and addresses set aside).

Usage::

    python benchmarks/eval_recognition.py                  # all sets
    python benchmarks/eval_recognition.py --set ner_uk_train --show-errors
    python benchmarks/eval_recognition.py --json > after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # this tree's geonews

from recognition_sets import SHARED, SHARED_SETS, drop_set_aside, load_gold, load_scorer, own_sets


def _parse(docs: list[dict]) -> list[dict]:
    from geonews.batch import geoparse_record

    out = []
    for d in docs:
        r = geoparse_record({"id": d["id"], "lang": d.get("lang"), "text": d["text"]})
        out.append({"id": str(d["id"]), "places": r.get("places") or []})
    return out


def predict(docs: dict[str, dict], jobs: int) -> dict[str, dict]:
    """Geoparse ``docs``; the output records by id."""
    items = list(docs.values())
    if jobs <= 1:
        return {r["id"]: r for r in _parse(items)}
    parts = [items[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        return {r["id"]: r for part in pool.map(_parse, parts) for r in part}


def score_set(name: str, scorer, jobs: int, show: bool) -> dict:
    gold, aside = load_gold(name)
    pred = predict(gold, jobs)
    for rid, rec in pred.items():
        rec["places"] = drop_set_aside(rec["places"], gold[rid], aside.get(rid, []))
    if show:
        _show_errors(gold, pred)
    s = scorer.score(gold, pred)
    return {"set": name, **{k: s[k] for k in ("docs", "gold", "pred", "P", "R", "F1")}}


def _show_errors(gold: dict, pred: dict) -> None:
    for k, g in gold.items():
        text = g["text"]
        places = pred.get(k, {}).get("places", [])
        for t in g["toponyms"]:
            if not any(p["start"] < t["end"] and t["start"] < p["end"] for p in places):
                ctx = text[max(0, t["start"] - 40) : t["end"] + 20]
                print(f"  MISS {k}: {t['name']!r}  …{ctx!r}")
        for p in places:
            if not any(p["start"] < t["end"] and t["start"] < p["end"] for t in g["toponyms"]):
                ctx = text[max(0, p["start"] - 40) : p["end"] + 20]
                print(f"  FP   {k}: {p['text']!r} → {p['name']} ({p['kind']})  …{ctx!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", action="append", help="Only this set (repeatable).")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--show-errors", action="store_true", help="List misses and false places.")
    ap.add_argument("--json", action="store_true", help="One JSON object per row.")
    a = ap.parse_args()
    scorer = load_scorer()
    names = a.set or [n for n in SHARED_SETS if (SHARED / f"{n}.jsonl").exists()] + own_sets()
    for name in names:
        r = score_set(name, scorer, a.jobs, a.show_errors)
        if a.json:
            print(json.dumps(r), flush=True)
        else:
            print(
                f"{r['set']:<20} docs={r['docs']:<4} gold={r['gold']:<5} pred={r['pred']:<5} "
                f"P={r['P']:.3f} R={r['R']:.3f} F1={r['F1']:.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Measure geonews' geoparser: recognition, resolution and conflict-event placement.

Runs ``geonews geoparse`` on each corpus and scores the output with the shared
scorer (``../shared/eval/score_geoparse.py``), per corpus and per language:

* GeoVirus (``../shared/eval/geovirus.jsonl``, English, when present);
* our own news sets (``tests/data/eval/news-*.jsonl``: gold ``toponyms``);
* our own conflict notes (``tests/data/eval/conflict-*.jsonl``: gold ``event``
  with town coordinates, admin-1 code and ACLED event type), scored here: the
  share of notes whose first event lies within 10 km of the town, in the right
  admin-1 region, and of the right ACLED event type.

Usage::

    python benchmarks/eval_geoparse.py            # every corpus
    python benchmarks/eval_geoparse.py --only news --show-errors
    python benchmarks/eval_geoparse.py --set nerel_ru_train --set ner_uk_train
    python benchmarks/eval_geoparse.py --set nerel_ru_train --demonyms

``--set NAME`` scores one of the shared sets (``../shared/eval/NAME.jsonl``: its
recognition only, when it has no coordinates). ``--demonyms`` scores the demonyms
("российских") as places, for the sets that mark them (NEREL).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from recognition_sets import OWN, SHARED, load_scorer


def run_geoparse(corpus: Path, jobs: int, demonyms: bool = False) -> dict[str, dict]:
    """Run the command line on ``corpus``; its output records by id (with ``demonyms``,
    each record's demonyms among its places)."""
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", encoding="utf-8") as out:
        cmd = [
            sys.executable,
            "-c",
            "from geonews.cli import main; main()",
            "geoparse",
            str(corpus),
            "-o",
            out.name,
            "-j",
            str(jobs),
            "--no-progress",
        ]
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        records = {str(r["id"]): r for r in map(json.loads, out) if r}
    if demonyms:
        for r in records.values():
            r["places"] = sorted(
                r.get("places", []) + r.get("demonyms", []), key=lambda p: p["start"]
            )
    return records


def load(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {str(r["id"]): r for r in map(json.loads, fh) if r}


def score_toponyms(
    name: str, path: Path, scorer, jobs: int, show: bool, demonyms: bool = False
) -> list[dict]:
    gold = load(path)
    pred = run_geoparse(path, jobs, demonyms)
    rows = []
    by_lang = defaultdict(dict)
    for k, g in gold.items():
        by_lang[g.get("lang", "?")][k] = g
    for lang, docs in sorted(by_lang.items()):
        s = scorer.score(docs, pred)
        rows.append({"corpus": name, "lang": lang, **s})
    if show:
        _show_errors(gold, pred, scorer)
    return rows


def _show_errors(gold: dict, pred: dict, scorer) -> None:
    for k, g in gold.items():
        text = g["text"]
        places = pred.get(k, {}).get("places", [])
        for t in g["toponyms"]:
            hits = [p for p in places if p["start"] < t["end"] and t["start"] < p["end"]]
            if not hits:
                print(
                    f"  MISS {k}: {t['name']!r}  …{text[max(0, t['start'] - 40) : t['end'] + 20]!r}"
                )
            elif t.get("lat") is not None:
                d = min(scorer.haversine_km(t["lat"], t["lon"], p["lat"], p["lon"]) for p in hits)
                if d > 161:
                    print(
                        f"  FAR  {k}: {t['name']!r} → {hits[0]['name']} "
                        f"({hits[0]['country']}) {d:.0f} km"
                    )
        for p in places:
            if not any(p["start"] < t["end"] and t["start"] < p["end"] for t in g["toponyms"]):
                ctx = text[max(0, p["start"] - 40) : p["end"] + 20]
                print(
                    f"  FP   {k}: {p['text']!r} → {p['name']} ({p['kind']}, {p['country']})"
                    f"  …{ctx!r}"
                )


def score_conflict(name: str, path: Path, scorer, jobs: int, show: bool) -> list[dict]:
    gold = load(path)
    pred = run_geoparse(path, jobs)
    stats = defaultdict(lambda: defaultdict(int))
    cases = defaultdict(lambda: defaultdict(int))
    for k, g in gold.items():
        lang = g.get("lang", "?")
        want = g["event"]
        events = pred.get(k, {}).get("events") or []
        st = stats[lang]
        st["notes"] += 1
        case = g.get("case")
        if case:
            cases[case]["notes"] += 1
            cases[case]["known"] += want.get("lat") is not None
        if want.get("lat") is not None:
            st["known"] += 1
        if not events:
            if show:
                print(f"  NOEVENT {k}: {g['text'][:100]!r}")
            continue
        e = events[0]
        ok_admin = e.get("admin1") == want["admin1"]
        ok_type = e.get("acled_event_type") == want["acled_event_type"]
        if want.get("lat") is None:  # a village no gazetteer knows: its oblast is the answer
            d, ok10 = float("nan"), True
        elif e.get("lat") is None:  # an event without a place: as far as can be
            d, ok10 = float("inf"), False
        else:
            d = scorer.haversine_km(want["lat"], want["lon"], e["lat"], e["lon"])
            ok10 = d <= 10
            st["within10km"] += ok10
        st["admin1"] += ok_admin
        st["type"] += ok_type
        if case:
            cases[case]["within10km"] += ok10 and want.get("lat") is not None
            cases[case]["admin1"] += ok_admin
        if show and not (ok10 and ok_admin and ok_type):
            print(
                f"  WRONG {k}: {e['place']} {e['admin1']} {e['acled_event_type']} {d:.0f} km;"
                f" want {want['place']} {want['admin1']} {want['acled_event_type']}"
                f"  {g['text'][:90]!r}"
            )
    rows = []
    for lang, st in sorted(stats.items()):
        n = st["notes"] or 1
        rows.append(
            {
                "corpus": name,
                "lang": lang,
                "notes": st["notes"],
                # over the notes whose place has coordinates (a known village or town)
                "town_10km": round(st["within10km"] / (st["known"] or 1), 3),
                "admin1": round(st["admin1"] / n, 3),
                "acled_type": round(st["type"] / n, 3),
            }
        )
    for case, st in sorted(cases.items()):
        n = st["notes"] or 1
        rows.append(
            {
                "corpus": name,
                "lang": f"case:{case}",
                "notes": st["notes"],
                "town_10km": round(st["within10km"] / st["known"], 3) if st["known"] else None,
                "admin1": round(st["admin1"] / n, 3),
                "acled_type": None,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["geovirus", "news", "conflict"], action="append")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--show-errors", action="store_true", help="List misses and false places.")
    ap.add_argument(
        "--set",
        action="append",
        metavar="NAME",
        help="Score ../shared/eval/NAME.jsonl (repeatable); alone, only those sets.",
    )
    ap.add_argument(
        "--demonyms", action="store_true", help="Count demonyms as places (NEREL marks them)."
    )
    ap.add_argument("--json", action="store_true", help="One JSON object per row.")
    a = ap.parse_args()
    scorer = load_scorer()
    only = set(a.only or ([] if a.set else ["geovirus", "news", "conflict"]))
    rows = []
    for name in a.set or ():
        path = SHARED / f"{name}.jsonl"
        if not path.exists():
            sys.exit(f"no such set: {path}")
        rows += score_toponyms(name, path, scorer, a.jobs, a.show_errors, a.demonyms)
    if "geovirus" in only and (SHARED / "geovirus.jsonl").exists():
        rows += score_toponyms("geovirus", SHARED / "geovirus.jsonl", scorer, a.jobs, a.show_errors)
    if "news" in only:
        for path in sorted(OWN.glob("news-*.jsonl")):
            rows += score_toponyms(path.stem, path, scorer, a.jobs, a.show_errors)
    if "conflict" in only:
        for path in sorted(OWN.glob("conflict-*.jsonl")):
            rows += score_conflict(path.stem, path, scorer, a.jobs, a.show_errors)
    for r in rows:
        if a.json:
            print(json.dumps(r))
        elif "notes" in r:
            town = "  -  " if r["town_10km"] is None else f"{r['town_10km']:.3f}"
            acled = "" if r["acled_type"] is None else f" acled_type={r['acled_type']:.3f}"
            print(
                f"{r['corpus']:<20} {r['lang']:<3} notes={r['notes']:<4} "
                f"town@10km={town} admin1={r['admin1']:.3f}{acled}"
            )
        else:
            print(
                f"{r['corpus']:<20} {r['lang']:<3} docs={r['docs']:<4} gold={r['gold']:<5} "
                f"P={r['P']:.3f} R={r['R']:.3f} F1={r['F1']:.3f} "
                f"acc161={r['acc161']:.3f} e2e_acc161={r['e2e_acc161']:.3f} "
                f"AUC={r['AUC']:.3f}"
            )


if __name__ == "__main__":
    main()

"""Evaluate incident grouping on our own stream of articles (tests/data/incidents/).

``stream.jsonl`` holds 60 short articles (our own words; en, uk, ru, fr, de) that
report 22 incidents, with distractors: the same place and day with another type,
the same type and place days later, a town 6 km from another hit the same day,
region-level reports. ``gold.tsv`` gives each article's incident and event type.

The stream is ingested into a temporary store; each article's event of its gold
type (the first, if several) stands for the article. Over those events:

* pair precision: of the pairs of events the store put in one incident, the
  share that are in one gold incident;
* pair recall: of the pairs of articles in one gold incident, the share whose
  events the store put in one incident (an article whose event was not found
  misses all its pairs).

    python benchmarks/eval_incidents.py            # default rule
    python benchmarks/eval_incidents.py --km 10 --days 2 -v
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "incidents"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    gold_pairs: int
    found_pairs: int
    missed_articles: tuple[str, ...]
    wrong_pairs: tuple[tuple[str, str], ...]
    lost_pairs: tuple[tuple[str, str], ...]
    incidents: int


def read_gold(data: Path = DATA) -> dict[str, tuple[str, str]]:
    """Article id → (gold incident, event type)."""
    with (data / "gold.tsv").open(encoding="utf-8") as f:
        return {r["article"]: (r["incident"], r["type"]) for r in csv.DictReader(f, delimiter="\t")}


def evaluate(km: float | None = None, days: int | None = None, data: Path = DATA) -> Scores:
    """Ingest the stream into a temporary store and score its incidents against the gold."""
    from geonews.living.incidents import IncidentOptions
    from geonews.living.ingest import ingest
    from geonews.living.store import Store

    gold = read_gold(data)
    defaults = IncidentOptions()
    options = IncidentOptions(
        km=defaults.km if km is None else km, days=defaults.days if days is None else days
    )
    with (
        tempfile.TemporaryDirectory(prefix="geonews-incidents-") as tmp,
        Store(Path(tmp) / "eval.db") as store,
    ):
        ingest([str(data / "stream.jsonl")], store, incidents=options, join="gazetteer")
        rows = store._db.execute(
            "SELECT a.ext_id, e.type, e.incident FROM events e "
            "JOIN articles a ON a.id = e.article ORDER BY e.id"
        ).fetchall()
        n_incidents = store.stats().incidents
    found: dict[str, int] = {}
    for article, etype, incident in rows:
        if article in gold and gold[article][1] == etype:
            found.setdefault(article, incident)
    gold_pairs = {(a, b) for a, b in combinations(sorted(gold), 2) if gold[a][0] == gold[b][0]}
    found_pairs = {(a, b) for a, b in combinations(sorted(found), 2) if found[a] == found[b]}
    right = gold_pairs & found_pairs
    return Scores(
        precision=len(right) / len(found_pairs) if found_pairs else 1.0,
        recall=len(right) / len(gold_pairs) if gold_pairs else 1.0,
        gold_pairs=len(gold_pairs),
        found_pairs=len(found_pairs),
        missed_articles=tuple(a for a in sorted(gold) if a not in found),
        wrong_pairs=tuple(sorted(found_pairs - gold_pairs)),
        lost_pairs=tuple(sorted(gold_pairs - found_pairs)),
        incidents=n_incidents,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--km", type=float, help="incident distance for towns (default: the store's)")
    ap.add_argument("--days", type=int, help="days around an undated report (default: the store's)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the errors")
    args = ap.parse_args(argv)
    gold = read_gold()
    s = evaluate(args.km, args.days)
    n_gold = len({v[0] for v in gold.values()})
    print(
        f"{len(gold)} articles, {n_gold} gold incidents; the store made {s.incidents} incidents.\n"
        f"pair precision {s.precision:.3f} ({s.found_pairs} pairs grouped), "
        f"pair recall {s.recall:.3f} ({s.gold_pairs} gold pairs); "
        f"{len(s.missed_articles)} article(s) without their gold event"
    )
    if args.verbose:
        for label, items in (
            ("missed", s.missed_articles),
            ("wrongly grouped", s.wrong_pairs),
            ("not grouped", s.lost_pairs),
        ):
            for item in items:
                print(f"  {label}: {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

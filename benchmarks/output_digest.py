"""A digest of the geoparser's output over every corpus we have: to show that a change
to the engine (issue 20's speed work) leaves the output byte-identical.

It runs ``geonews.batch.geoparse_jsonl`` over each evaluation set in ../shared/eval,
each of our own sets in tests/data/eval and the distinct-article corpus of
``bench_geoparse.py``, prints one SHA-256 per set and one over all, and with ``--out
DIR`` writes each set's output lines to ``DIR/NAME.jsonl`` so two engines' outputs
can be diffed.

Usage: python benchmarks/output_digest.py [--out DIR] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from bench_geoparse import distinct_corpus
from recognition_sets import OWN, SHARED, SHARED_SETS


def sets() -> dict[str, list[str]]:
    """The corpora by name, each as JSONL records of id, text and lang."""
    out: dict[str, list[str]] = {}
    paths = [SHARED / f"{name}.jsonl" for name in SHARED_SETS] + sorted(OWN.glob("*.jsonl"))
    for path in paths:
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
        out[path.stem] = [
            json.dumps({"id": i, "text": r["text"], "lang": r.get("lang")})
            for i, r in enumerate(records)
        ]
    out["distinct"] = distinct_corpus(10**6, 3000)
    return out


def main() -> None:
    from geonews.batch import geoparse_jsonl

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, help="write each set's output to DIR/NAME.jsonl")
    ap.add_argument("--only", nargs="*", help="these sets only")
    a = ap.parse_args()
    total = hashlib.sha256()
    for name, lines in sets().items():
        if a.only and name not in a.only:
            continue
        digest = hashlib.sha256()
        outputs = [line for line, _ in geoparse_jsonl(lines)]
        for line in outputs:
            digest.update(line.encode("utf-8") + b"\n")
        total.update(digest.digest())
        if a.out:
            a.out.mkdir(parents=True, exist_ok=True)
            (a.out / f"{name}.jsonl").write_text("\n".join(outputs) + "\n", encoding="utf-8")
        print(f"{name:24} {len(lines):5} records  {digest.hexdigest()[:16]}")
        sys.stdout.flush()
    print(f"{'all':24} {'':5}          {total.hexdigest()[:16]}")


if __name__ == "__main__":
    main()

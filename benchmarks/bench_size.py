"""Time against size: does one big article cost in proportion to its text?

Writes event-dense synthetic articles (every sentence reports a strike, a clash or an
advance at one or two named towns, with a date and casualties, in English, French,
German, Russian and Ukrainian), analyses each with :func:`geonews.pipeline.analyse`
after start-up (gazetteer and lexicons loaded), and prints seconds, seconds per MB and
the events found per size, so that the slope shows: seconds per MB should stay flat.
``--map`` also builds the map of the events (:func:`geonews.render.offline.write_map`).

Measured on the shared 2-core machine (English; sec-linear round). Before:
``geonews places`` on 100 kB 1.6 s, 500 kB 6.3 s, 1 MB 18 s, 2 MB 61 s: quadratic,
the repeated-sentence test comparing each sentence with every earlier one. After:
analysis 1.6-2.2 s per MB at 0.1, 1 and 4 MB (``--map``: the map 0.2-0.7 s whatever the
size); ``geonews places`` 1.2 s, 2.0 s, 3.4 s, 5.2 s (start-up included). ``--no-stops``
(no sentence ends: pieces of 20,000 characters, each read in more than linear time) runs
at 5.3-5.8 s per MB at 0.1, 1 and 4 MB; 200 kB of it took 45 s before.

Usage: python benchmarks/bench_size.py [--quick] [--lang en] [--map] [--no-stops] [--sizes 0.1,1,4]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

TOWNS = [
    "Kherson", "Zapadne", "Kharkiv", "Pokrovsk", "Bakhmut", "Avdiivka", "Kupiansk", "Izium",
    "Zaporizhzhia", "Orikhiv", "Huliaipole", "Kramatorsk", "Sloviansk", "Sumy", "Chernihiv",
    "Odesa", "Mykolaiv", "Dnipro", "Nikopol", "Marhanets", "Toretsk", "Vuhledar", "Kurakhove",
    "Lyman", "Siversk", "Vovchansk", "Belgorod", "Kursk", "Bryansk", "Melitopol", "Berdiansk",
    "Mariupol", "Kyiv", "Lviv", "Rivne", "Poltava", "Kremenchuk", "Uman", "Druzhkivka",
    "Zolotonosha", "Zhytomyr", "Zhmerynka", "Vyshhorod", "Konotop", "Okhtyrka", "Shostka",
]  # fmt: skip
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August"],
}
TEMPLATES = {
    "en": [
        "{actor} shelled {p} and {q} on {d} {m}, killing {n} civilians.",
        "A drone strike hit {p} on {d} {m}, wounding {n} people, the governor said.",
        "{actor} launched missiles at {p} overnight, damaging a school and {n} houses.",
        "Fighting continued near {p}, where {actor} repelled {n} assaults on {d} {m}.",
        "{actor} advanced towards {p} from {q}, officials reported on {d} {m}.",
        "Artillery fire on {p} left {n} dead and destroyed a power station.",
    ],
    "fr": [
        "Les forces russes ont bombardé {p} et {q} le {d} {m}, tuant {n} civils.",
        "Une frappe de drone a touché {p} le {d} {m}, faisant {n} blessés, selon le gouverneur.",
        "L'armée ukrainienne a repoussé {n} assauts près de {p} le {d} {m}.",
    ],
    "de": [
        "Russische Truppen beschossen {p} und {q} am {d}. {m}, {n} Zivilisten wurden getötet.",
        "Eine Drohne traf {p} am {d}. {m}, {n} Menschen wurden verletzt.",
        "Bei Kämpfen nahe {p} wehrten ukrainische Truppen {n} Angriffe ab.",
    ],
    "ru": [
        "Российские войска обстреляли Херсон {d} мая, погибли {n} человека.",
        "Удар беспилотника по Харькову {d} июня ранил {n} мирных жителей.",
        "ВСУ отразили {n} атак у Покровска, сообщил губернатор {d} июля.",
        "Ракетный удар по Запорожью {d} мая повредил школу и {n} домов.",
    ],
    "uk": [
        "Російські війська обстріляли Херсон {d} травня, загинули {n} цивільних.",
        "Удар дрона по Харкову {d} червня поранив {n} мешканців.",
        "Окупанти атакували Запоріжжя {d} червня, зруйновано {n} будинків.",
        "Сили оборони відбили {n} атак біля Покровська {d} липня.",
    ],
}
ACTORS = ["Russian forces", "Ukrainian troops", "The army", "Artillery units", "Enemy forces"]


def article(n_bytes: int, lang: str = "en", seed: int = 0) -> str:
    """About ``n_bytes`` of event-dense news text in ``lang``, paragraphs of five
    sentences; the numbers make most sentences distinct, as in a long live blog."""
    rng = random.Random(seed)
    templates, months = TEMPLATES[lang], MONTHS.get(lang, MONTHS["en"])
    parts: list[str] = []
    size = k = 0
    while size < n_bytes:
        s = rng.choice(templates).format(
            actor=rng.choice(ACTORS),
            p=rng.choice(TOWNS),
            q=rng.choice(TOWNS),
            d=rng.randint(1, 28),
            m=rng.choice(months),
            n=rng.randint(2, 400),
        )
        k += 1
        s += "\n\n" if k % 5 == 0 else " "
        parts.append(s)
        size += len(s.encode())
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="100 kB and 1 MB only")
    ap.add_argument("--lang", default="en", choices=sorted(TEMPLATES))
    ap.add_argument("--sizes", help="sizes in MB, comma-separated (default 0.1,1,4)")
    ap.add_argument("--map", action="store_true", help="also build the map of the events")
    ap.add_argument(
        "--no-stops",
        action="store_true",
        help="commas for full stops: the whole text one sentence (a table, a stripped page)",
    )
    args = ap.parse_args()
    sizes = [0.1, 1.0] if args.quick else [0.1, 1.0, 4.0]
    if args.sizes:
        sizes = [float(s) for s in args.sizes.split(",")]

    from geonews.model import Article
    from geonews.pipeline import analyse

    warm = analyse(Article(text=article(2000, args.lang), lang=args.lang))  # start-up
    if args.map:
        from geonews.render.offline import write_map

        with tempfile.TemporaryDirectory() as tmp:
            write_map(list(warm.events), Path(tmp) / "map.html", tiles="none", offline=True)
    print(f"{'size':>8} {'analyse':>9} {'s/MB':>6} {'events':>8}" + ("  map  s/MB" * args.map))
    for mb in sizes:
        text = article(int(mb * 1e6), args.lang, seed=int(mb * 10))
        if args.no_stops:
            text = text.replace(". ", ", ").replace(".\n\n", ", ")
        t0 = time.perf_counter()
        a = analyse(Article(text=text, lang=args.lang))
        t1 = time.perf_counter()
        line = f"{len(text.encode()) / 1e6:6.2f}MB {t1 - t0:8.2f}s {(t1 - t0) / mb:6.2f} "
        line += f"{len(a.events):8d}"
        if args.map:
            with tempfile.TemporaryDirectory() as tmp:
                t2 = time.perf_counter()
                write_map(list(a.events), Path(tmp) / "map.html", tiles="none", offline=True)
                t3 = time.perf_counter()
            line += f" {t3 - t2:5.2f}s {(t3 - t2) / mb:5.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()

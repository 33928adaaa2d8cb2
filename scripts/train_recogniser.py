"""Train the place recogniser and write ``src/geonews/geoparse/recogniser.json``.

Every candidate span geonews weighs in the six shared sets (``../shared/eval``) and in our
own news sets (``tests/data/eval/news-*.jsonl``) becomes a row of features
(:mod:`geonews.geoparse.features`), labelled 1 when it overlaps a gold toponym that counts
(``benchmarks/recognition_sets.py`` sets streets, buildings and addresses aside; a span
overlapping only those is left out). Small gradient-boosted trees (scikit-learn's
GradientBoostingClassifier, fixed settings and seed: the result is the same on every run)
learn from them.

It first reports, for each shared set left out in turn, recognition P/R/F1 of a model
trained on all the other sets (and ours), scored with ``score_geoparse.py`` as
``benchmarks/eval_recognition.py`` scores the pipeline; then trains on everything and
writes the trees (``geonews.geoparse.recogniser`` describes the file), in a stable key
order, with a few stored feature vectors and the probabilities scikit-learn gave them
(``tests/test_recogniser.py`` checks that the runtime agrees).

Usage (needs the ``train`` extra: ``pip install -e .[train]``)::

    python scripts/train_recogniser.py              # report, then write the weights
    python scripts/train_recogniser.py --no-write   # report only
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from recognition_sets import (
    SHARED,
    SHARED_SETS,
    drop_set_aside,
    load_gold,
    load_scorer,
    own_sets,
)

from geonews.geoparse.features import FEATURES, LANGUAGES

OUT = ROOT / "src" / "geonews" / "geoparse" / "recogniser.json"

#: The trees: how many, how deep, how much each one counts.
TREES = 30
DEPTH = 4
LEARNING_RATE = 0.1
#: How many feature vectors the weights file stores for the runtime test.
N_CHECKS = 12
#: Each shared set weighs as much in training as any other, whatever its size; our own
#: news sets together weigh this many times one shared set.
OWN_WEIGHT = 2.0
#: How many of each language's most frequent words (wordfreq) ``common_forms`` reads: as
#: many as the gazetteer's own list of frequent names (``gazetteer.sources.COMMON_WORDS``).
COMMON_WORDS = 50_000

#: By language, the frequent words taken for place names (see common_forms): set in main.
FORMS: dict[str, dict[str, int]] = {}


def common_forms(lang: str) -> dict[str, int]:
    """The frequent words of ``lang`` that geonews takes for a place name when they start
    a sentence (a capital): by their folded form, their rank among the language's words.
    "Тоді" ("then") is the form of a town's name to the inflection rules; the recogniser
    reads its frequency here. Rebuilt with the weights: it follows the candidate rules."""
    import wordfreq

    from geonews.gazetteer.index import load_gazetteer
    from geonews.geoparse.candidates import _candidate_spans
    from geonews.language.lexicon import load_lexicon
    from geonews.language.text import fold, sentences

    lex, gaz = load_lexicon(lang), load_gazetteer()
    out: dict[str, int] = {}
    for rank, word in enumerate(wordfreq.top_n_list(lang, COMMON_WORDS)):
        if len(word) < 2 or not word.isalpha():
            continue
        text = word[:1].upper() + word[1:]
        folded = fold(text)
        spans = _candidate_spans(text, folded, sentences(text, lex.abbreviations), lex, gaz)
        if any(s.start == 0 and s.end == len(text) for s in spans):
            out.setdefault(folded, rank)
    return out


def _trace_docs(docs: list[dict]) -> list[tuple[str, list]]:
    """(id, [(start, end, features)...]) of each document: every span the recogniser weighs."""
    from geonews.geoparse import find_places
    from geonews.geoparse.recogniser import Recogniser

    # the trace does not depend on the model's decisions: any model will do
    blank = Recogniser(
        {
            "feature_names": list(FEATURES),
            "depth": 1,
            "base": 0.0,
            "features": [[0]],
            "thresholds": [[0.0]],
            "values": [[0.0, 0.0]],
            "common_forms": FORMS,
        }
    )
    out = []
    for d in docs:
        trace: list = []
        find_places(d["text"], d.get("lang"), recogniser=blank, trace=trace)
        out.append((str(d["id"]), trace))
    return out


def collect(name: str, jobs: int) -> dict:
    """A set's gold, its set-aside spans, and its spans: features, labels, document ids."""
    gold, aside = load_gold(name)
    items = list(gold.values())
    parts = [items[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(jobs) as pool:
        traced = [t for part in pool.map(_trace_docs, parts) for t in part]
    order = {rid: i for i, rid in enumerate(gold)}
    traced.sort(key=lambda t: order[t[0]])
    rows, labels, spans = [], [], []
    for rid, trace in traced:
        counted = [(t["start"], t["end"]) for t in gold[rid]["toponyms"]]
        set_aside = aside.get(rid, [])
        for start, end, key, x in trace:
            hit = any(start < e and s < end for s, e in counted)
            if not hit and any(start < e and s < end for s, e in set_aside):
                continue  # a street or a building: neither a place nor a wrong one
            rows.append(x)
            labels.append(1 if hit else 0)
            spans.append((rid, start, end, key))
    return {
        "gold": gold,
        "aside": aside,
        "X": np.array(rows, dtype=float).reshape(-1, len(FEATURES)),
        "y": np.array(labels, dtype=int),
        "spans": spans,
    }


def fit(data: dict[str, dict], names: list[str]):
    """Trees fitted to the spans of ``names`` (balanced by set, see OWN_WEIGHT)."""
    from sklearn.ensemble import GradientBoostingClassifier

    xs, ys, ws = [], [], []
    own = [n for n in names if n not in SHARED_SETS]
    for n in names:
        d = data[n]
        if not len(d["y"]):
            continue
        share = OWN_WEIGHT / len(own) if n in own else 1.0
        xs.append(d["X"])
        ys.append(d["y"])
        ws.append(np.full(len(d["y"]), share * 1000.0 / len(d["y"])))
    model = GradientBoostingClassifier(
        n_estimators=TREES, max_depth=DEPTH, learning_rate=LEARNING_RATE, random_state=0
    )
    model.fit(np.vstack(xs), np.concatenate(ys), sample_weight=np.concatenate(ws))
    return model


def score(d: dict, proba: np.ndarray, scorer) -> dict:
    """Recognition P/R/F1 of the spans whose probability is at least one half, once
    one sense per discourse has spoken (as in geonews.geoparse.resolve)."""
    from geonews.geoparse.recogniser import one_sense_per_discourse

    flags = (d["X"][:, FEATURES.index("placed_elsewhere")] > 0) & (
        d["X"][:, FEATURES.index("person")] == 0
    )
    by_doc: dict[str, list[int]] = {}
    for i, (rid, *_) in enumerate(d["spans"]):
        by_doc.setdefault(rid, []).append(i)
    pred: dict[str, dict] = {rid: {"places": []} for rid in d["gold"]}
    for rid, rows in by_doc.items():
        keys = [d["spans"][i][3] for i in rows]
        probs = one_sense_per_discourse(keys, [flags[i] for i in rows], [proba[i] for i in rows])
        for i, p in zip(rows, probs):
            if p >= 0.5:
                pred[rid]["places"].append({"start": d["spans"][i][1], "end": d["spans"][i][2]})
    for rid, rec in pred.items():
        rec["places"] = drop_set_aside(rec["places"], d["gold"][rid], d["aside"].get(rid, []))
    s = scorer.score(d["gold"], pred)
    return {k: s[k] for k in ("gold", "pred", "P", "R", "F1")}


#: The threshold of a test that always goes left (a leaf carried down a level).
_ALWAYS_LEFT = 1e300


def _complete(tree, learning_rate: float) -> tuple[list[int], list[float], list[float]]:
    """One scikit-learn tree as a complete tree of depth DEPTH: (features, thresholds,
    values), level by level, the learning rate folded into the values."""
    inner = 2**DEPTH - 1
    feats, thresholds, values = [0] * inner, [_ALWAYS_LEFT] * inner, [0.0] * (inner + 1)

    def walk(node: int, pos: int, depth: int) -> None:
        leaf = tree.children_left[node] == -1
        if depth == DEPTH:
            values[pos - inner] = round(learning_rate * float(tree.value[node][0][0]), 9)
        elif leaf:
            walk(node, 2 * pos + 1, depth + 1)  # always left; the right copy is never read
            walk(node, 2 * pos + 2, depth + 1)
        else:
            feats[pos] = int(tree.feature[node])
            thresholds[pos] = float(tree.threshold[node])  # exact: a rounded one may cut wrong
            walk(int(tree.children_left[node]), 2 * pos + 1, depth + 1)
            walk(int(tree.children_right[node]), 2 * pos + 2, depth + 1)

    walk(0, 0, 0)
    return feats, thresholds, values


def export(model, data: dict[str, dict], names: list[str]) -> dict:
    """The weights file's content (see geonews.geoparse.recogniser)."""
    from geonews.geoparse.recogniser import Recogniser

    trees = [_complete(t[0].tree_, model.learning_rate) for t in model.estimators_]
    X = np.vstack([data[n]["X"] for n in names if len(data[n]["y"])])
    leaves = sum(
        model.learning_rate * t[0].predict(X[:1].astype(np.float32)) for t in model.estimators_
    )
    base = float(model.decision_function(X[:1])[0] - leaves[0])
    # a few stored vectors, spread over the sets: the runtime must give the same answers
    picks = np.linspace(0, len(X) - 1, N_CHECKS).round().astype(int)
    checks = [
        {
            "features": [float(v) for v in X[i]],
            "probability": round(float(model.predict_proba(X[i : i + 1])[0, 1]), 6),
        }
        for i in picks
    ]
    content = {
        "about": (
            "Place recogniser of geonews: gradient-boosted trees over the features of "
            "geonews.geoparse.features, trained by scripts/train_recogniser.py on the spans "
            "geonews finds in the development sets named in 'trained_on' (gold labels from "
            "../shared/eval, see its SOURCES.md, and from tests/data/eval). Only numbers "
            "derived from them are stored here, no text; 'common_forms' ranks frequent "
            "words of each language (wordfreq) that geonews takes for place names."
        ),
        "model": "gradient-boosted trees (scikit-learn GradientBoostingClassifier)",
        "settings": {
            "trees": TREES,
            "depth": DEPTH,
            "learning_rate": LEARNING_RATE,
            "own_weight": OWN_WEIGHT,
            "threshold": 0.5,
        },
        "trained_on": {
            n: {"spans": len(data[n]["y"]), "places": int(data[n]["y"].sum())} for n in names
        },
        "feature_names": list(FEATURES),
        "depth": DEPTH,
        "base": round(base, 9),
        "features": [t[0] for t in trees],
        "thresholds": [t[1] for t in trees],
        "values": [t[2] for t in trees],
        "checks": checks,
        "common_forms": {lang: dict(sorted(FORMS[lang].items())) for lang in sorted(FORMS)},
    }
    # the runtime must decide as scikit-learn does on every training span
    ours = Recogniser(content).logits(X)
    theirs = model.decision_function(X)
    if np.any((ours >= 0) != (theirs >= 0)) or np.max(np.abs(ours - theirs)) > 1e-6:
        sys.exit(f"the runtime differs from scikit-learn: {np.max(np.abs(ours - theirs))}")
    return content


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--no-write", action="store_true", help="Report only.")
    a = ap.parse_args()
    scorer = load_scorer()
    shared = [n for n in SHARED_SETS if (SHARED / f"{n}.jsonl").exists()]
    names = shared + own_sets()
    with ProcessPoolExecutor(a.jobs) as pool:
        FORMS.update(zip(LANGUAGES, pool.map(common_forms, LANGUAGES)))
    print(f"common forms: { {k: len(v) for k, v in FORMS.items()} }", file=sys.stderr)
    data = {}
    for n in names:
        data[n] = collect(n, a.jobs)
        print(
            f"collected {n}: {len(data[n]['y'])} spans, {data[n]['y'].sum()} places",
            file=sys.stderr,
        )
    print("left out            gold   pred   P      R      F1")
    for n in shared:
        model = fit(data, [m for m in names if m != n])
        s = score(data[n], model.predict_proba(data[n]["X"])[:, 1], scorer)
        print(f"{n:<19} {s['gold']:<6} {s['pred']:<6} {s['P']:.3f}  {s['R']:.3f}  {s['F1']:.3f}")
    model = fit(data, names)
    print("trained on all (seen sets, for reference):")
    for n in names:
        s = score(data[n], model.predict_proba(data[n]["X"])[:, 1], scorer)
        print(f"{n:<19} {s['gold']:<6} {s['pred']:<6} {s['P']:.3f}  {s['R']:.3f}  {s['F1']:.3f}")
    if not a.no_write:
        content = export(model, data, names)
        OUT.write_text(json.dumps(content, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

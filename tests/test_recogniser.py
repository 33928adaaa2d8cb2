"""The learned recogniser: its data file, its runtime, and what it decides."""

from __future__ import annotations

import json
import random
from importlib import resources

import numpy as np
import pytest

from geonews.geoparse import find_places
from geonews.geoparse.features import FEATURES
from geonews.geoparse.recogniser import WEIGHTS_FILE, Recogniser, load_recogniser

SHARED_SETS = {
    "geovirus",
    "hipe2020_fr_train",
    "letemps_fr",
    "hipe2020_de_train",
    "nerel_ru_train",
    "ner_uk_train",
}


@pytest.fixture(scope="module")
def weights() -> tuple[str, dict]:
    text = resources.files("geonews.geoparse").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    return text, json.loads(text)


def test_weights_file_schema(weights):
    text, data = weights
    # written by scripts/train_recogniser.py in a stable order: re-running gives the same file
    assert text == json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["feature_names"] == list(FEATURES)
    depth = data["depth"]
    trees = data["features"]
    assert trees and len(data["thresholds"]) == len(trees) == len(data["values"])
    for feats, thresholds, values in zip(trees, data["thresholds"], data["values"]):
        assert len(feats) == len(thresholds) == 2**depth - 1
        assert len(values) == 2**depth
        assert all(0 <= f < len(FEATURES) for f in feats)
    assert isinstance(data["base"], float)
    assert SHARED_SETS <= set(data["trained_on"])
    assert data["checks"]
    for lang, forms in data["common_forms"].items():
        assert len(lang) == 2 and forms
        assert all(isinstance(r, int) and r >= 0 for r in forms.values())


def test_runtime_reproduces_scikit_learn(weights):
    _, data = weights
    rec = Recogniser(data)
    rows = [c["features"] for c in data["checks"]]
    got = rec.probabilities(rows)
    for check, p in zip(data["checks"], got):
        assert len(check["features"]) == len(FEATURES)
        assert p == pytest.approx(check["probability"], abs=1e-6)
        assert (p >= 0.5) == (check["probability"] >= 0.5)
    # the stored vectors include places and non-places: the check tells decisions apart
    assert {p >= 0.5 for p in got} == {True, False}


def test_logits_walk_each_tree_as_its_nodes_say(weights):
    """The runtime walks every tree of every row at once, on flat arrays: each row's logit
    is the base plus, tree by tree, the leaf that its tests lead to (right when the
    feature, as a 32-bit float, is above the threshold), on rows that sit on thresholds
    too."""
    _, data = weights
    rec = Recogniser(data)
    depth = data["depth"]
    thresholds = sorted({t for tree in data["thresholds"] for t in tree})
    rng = random.Random(20)
    rows = [
        [rng.choice([0.0, 1.0, rng.uniform(-8.0, 8.0), rng.choice(thresholds)]) for _ in FEATURES]
        for _ in range(40)
    ]
    want = []
    for row in rows:
        x = [float(np.float32(v)) for v in row]
        total = data["base"]
        for feats, limits, values in zip(data["features"], data["thresholds"], data["values"]):
            node = 0
            for _ in range(depth):
                node = 2 * node + (2 if x[feats[node]] > limits[node] else 1)
            total += values[node - (2**depth - 1)]
        want.append(total)
    assert rec.logits(rows).tolist() == pytest.approx(want, abs=1e-9)
    assert rec.logits(rows[:1]).tolist() == pytest.approx(want[:1], abs=1e-9)


def test_features_of_a_span_match_the_names():
    trace: list = []
    find_places("Russian forces shelled Kherson on Monday.", "en", trace=trace)
    assert trace
    assert all(len(x) == len(FEATURES) for _, _, _, x in trace)


def test_a_model_of_other_features_is_refused(weights):
    _, data = weights
    with pytest.raises(ValueError, match="other features"):
        Recogniser({**data, "feature_names": list(FEATURES[:-1])})


def test_no_places_no_work():
    assert load_recogniser().probabilities([]) == []


@pytest.mark.parametrize(
    "word",
    [
        "Тоді",
        "Усі",
        "Чому",
        "Коли",
        "Тому",
        # "Давай" ("let's") the inflection rules read as Davao (1.8 million); the
        # dictionary knows it as a verb only
        "Давай",
    ],
)
def test_ukrainian_sentence_initial_common_words_are_no_places(word):
    text = f"Вчора ввечері було тихо. {word} люди вийшли на вулицю і почали говорити."
    start = text.index(word)
    found = [m for m in find_places(text, "uk") if m.start < start + len(word) and start < m.end]
    assert found == []


def test_ukrainian_places_at_a_sentence_start_stay_places():
    text = "Вчора ввечері було тихо. Харків знову обстріляли з території Росії."
    assert "Харків" in [m.text for m in find_places(text, "uk")]

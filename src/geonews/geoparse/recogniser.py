"""The learned decision: is a candidate span a place?

Small gradient-boosted trees over the features of :mod:`~geonews.geoparse.features`,
trained at development time by ``scripts/train_recogniser.py`` (scikit-learn) and
shipped as the data file ``recogniser.json`` beside this module. Nothing here imports
scikit-learn: the trees are evaluated with numpy, every span of an article at once.

The file holds complete binary trees of one depth, level by level (a leaf that scikit-learn
placed higher is carried down: a test that always goes left, the same value below), with
the learning rate folded into the leaf values:

* ``features[t][n]`` and ``thresholds[t][n]``: the test of node ``n`` of tree ``t``
  (``n`` = 0 the root, the children of ``n`` are ``2n + 1`` and ``2n + 2``): go right when
  the feature, as a 32-bit float, is above the threshold (scikit-learn's rule);
* ``values[t][i]``: the value of the ``i``-th leaf, left to right;
* ``base``: the logit before any tree.

It also holds, by language, the frequent words taken for place names (see
:func:`~geonews.geoparse.features.article_features`), and a few feature vectors with the
probability scikit-learn gave each: a test checks that this runtime gives the same.

A span is a place when the probability is at least one half.
"""

from __future__ import annotations

import functools
import json
from importlib import resources

import numpy as np

from geonews.geoparse.features import FEATURES

#: The data file of the shipped model.
WEIGHTS_FILE = "recogniser.json"


class Recogniser:
    """A trained model: trees over :data:`FEATURES`, and the frequent forms it reads."""

    __slots__ = (
        "_leaf_base",
        "_left",
        "_roots",
        "_tests",
        "_thresholds",
        "base",
        "common_forms",
        "depth",
        "features",
        "thresholds",
        "values",
    )

    def __init__(self, data: dict) -> None:
        if list(data["feature_names"]) != list(FEATURES):
            raise ValueError("the model was trained on other features than FEATURES")
        self.depth = int(data["depth"])
        self.base = float(data["base"])
        self.features = np.array(data["features"], dtype=np.intp).reshape(-1, 2**self.depth - 1)
        self.thresholds = np.array(data["thresholds"], dtype=np.float64).reshape(
            self.features.shape
        )
        self.values = np.array(data["values"], dtype=np.float64).reshape(-1, 2**self.depth)
        #: by language, the frequent words taken for place names, with their rank
        self.common_forms: dict[str, dict[str, int]] = data.get("common_forms") or {}
        # the trees flattened, for :meth:`logits`: node ``n`` of tree ``t`` is at
        # ``t * nodes + n``, its left child at ``t * nodes + 2n + 1``
        n_trees, nodes = self.features.shape
        self._tests = self.features.ravel()
        self._thresholds = self.thresholds.ravel()
        self._roots = np.arange(n_trees, dtype=np.intp) * nodes
        self._left = np.arange(n_trees * nodes, dtype=np.intp) + np.tile(
            np.arange(nodes, dtype=np.intp) + 1, n_trees
        )
        # node n of the last level, at position p, goes to leaf 2n + 1 - nodes (left) of
        # its tree, at t * (nodes + 1) + 2n + 1 - nodes = 2p + leaf_base[t] in ``values``
        self._leaf_base = np.arange(n_trees, dtype=np.intp) * (1 - nodes) + 1 - nodes

    def logits(self, rows) -> np.ndarray:
        """The logit of each row of features (a list of rows, or an array of them).

        Every test of every tree is made at once; then each row walks down each tree by
        flat indices, a level at a time. The tests, the leaves and the sum of a row's
        leaves (one numpy reduction over its trees, in tree order) are those of a walk
        tree by tree: the logits are the same to the bit."""
        # each feature as a 32-bit float (scikit-learn's), compared as a 64-bit one
        x = np.asarray(rows, dtype=np.float32)
        n_tests = len(self._tests)
        right = (x.take(self._tests, axis=1) > self._thresholds).ravel()
        row_base = (np.arange(len(x), dtype=np.intp) * n_tests)[:, None]
        at = self._roots  # every row at every root: broadcast against row_base
        left = self._left
        for _ in range(self.depth - 1):
            at = left.take(at) + right.take(row_base + at)
        leaves = 2 * at + right.take(row_base + at) + self._leaf_base
        return self.base + self.values.ravel().take(leaves).sum(axis=1)

    def probabilities(self, rows: list[list[float]]) -> list[float]:
        """The probability that a span of each row of features is a place."""
        if not rows:
            return []
        return (1.0 / (1.0 + np.exp(-self.logits(rows)))).tolist()


def one_sense_per_discourse(
    keys: list[str], placed_elsewhere: list[bool], probabilities: list[float]
) -> list[float]:
    """The probabilities once one sense per discourse has spoken: a mention that the
    evidence found placed elsewhere in the article ("Херсон знову під обстрілом. У Херсоні
    ...": ``placed_elsewhere``) takes the probability of the likeliest mention of its name
    when the recogniser makes that one a place."""
    best: dict[str, float] = {}
    for k, p in zip(keys, probabilities):
        if p >= 0.5 and p > best.get(k, 0.0):
            best[k] = p
    if not best:
        return probabilities
    return [
        best.get(k, p) if flag and p < 0.5 else p
        for k, flag, p in zip(keys, placed_elsewhere, probabilities)
    ]


@functools.cache
def load_recogniser() -> Recogniser:
    """The shipped model (read once)."""
    text = resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    return Recogniser(json.loads(text))

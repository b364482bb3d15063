"""A gradient-boosted tree model read from JSON (trained by evals/train_reader.py) and scored with numpy, so the
reader needs no machine-learning library at run time."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


class TreeEnsemble:
    """A gradient-boosted tree model read from JSON (trained by evals/train_reader.py), scored with numpy."""

    def __init__(self, spec: dict) -> None:
        self.features: list[str] = spec["features"]
        self.threshold: float = spec["threshold"]
        self._baseline = spec["baseline"]
        # Every tree's nodes in one set of arrays (children as indices into them), so that all trees descend together,
        # one numpy step per level instead of one per tree and level.
        trees = spec["trees"]
        sizes = [len(tree["leaf"]) for tree in trees]
        starts = np.cumsum([0, *sizes[:-1]])
        self._roots = starts.astype(np.int64)
        joined = {key: np.concatenate([np.asarray(tree[key]) for tree in trees]) for key in trees[0]}
        shift = np.repeat(starts, sizes)
        self._feature = joined["feature"].astype(np.int64)
        self._threshold = joined["threshold"].astype(float)
        self._left = joined["left"].astype(np.int64) + shift
        self._right = joined["right"].astype(np.int64) + shift
        self._leaf = joined["leaf"].astype(bool)
        self._missing_left = joined["missing_left"].astype(bool)
        self._value = joined["value"].astype(float)

    @classmethod
    def load(cls, path: Path, features: tuple[str, ...]) -> TreeEnsemble:
        """The model in a file, which must read the given features first (the reader's signals)."""
        spec = json.loads(path.read_text(encoding="utf-8"))
        if tuple(spec["features"][: len(features)]) != features:
            raise ValueError(f"{path}: the reader model was trained on other features; retrain it (evals/train_reader.py)")
        return cls(spec)

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        if rows.shape[1] != len(self.features):
            raise ValueError(
                f"the reader model reads {len(self.features)} columns, these rows have {rows.shape[1]}: it was trained "
                "with another embedding model; retrain it (evals/train_reader.py)"
            )
        node = np.repeat(self._roots[:, None], len(rows), axis=1)  # (trees, rows)
        every = np.arange(len(rows))[None, :]
        while True:
            inner = ~self._leaf[node]
            if not inner.any():
                break
            values = rows[every, self._feature[node]]
            left = np.where(np.isnan(values), self._missing_left[node], values <= self._threshold[node])
            node = np.where(inner, np.where(left, self._left[node], self._right[node]), node)
        raw = self._baseline + self._value[node].sum(axis=0)
        return 1.0 / (1.0 + np.exp(-raw))

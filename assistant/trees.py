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
        self._trees = [{k: np.asarray(v) for k, v in tree.items()} for tree in spec["trees"]]

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
        raw = np.full(len(rows), self._baseline)
        every = np.arange(len(rows))
        for tree in self._trees:
            node = np.zeros(len(rows), dtype=int)
            while True:
                inner = ~tree["leaf"][node]
                if not inner.any():
                    break
                values = rows[every, tree["feature"][node]]
                left = np.where(np.isnan(values), tree["missing_left"][node], values <= tree["threshold"][node])
                node = np.where(inner, np.where(left, tree["left"][node], tree["right"][node]), node)
            raw += tree["value"][node]
        return 1.0 / (1.0 + np.exp(-raw))

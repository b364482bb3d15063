"""The reader's tree model: exported trees score exactly as the fitted model, and a model that does not fit the
reader's signals or embedding model is refused, never misread."""

import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.reading import BUNDLED_MODEL, FEATURES
from assistant.trees import TreeEnsemble

ROOT = Path(__file__).resolve().parents[1]


def _trainer():
    """evals/train_reader.py, imported as the script sees itself (its folder on the path)."""
    sys.path.insert(0, str(ROOT / "evals"))
    try:
        return importlib.import_module("train_reader")
    finally:
        sys.path.remove(str(ROOT / "evals"))


def test_the_exported_trees_score_exactly_as_the_fitted_model():
    """TreeEnsemble (numpy, no scikit-learn at run time) reproduces the trained model's probabilities."""
    trainer = _trainer()
    generator = np.random.default_rng(0)
    rows = generator.normal(size=(600, len(FEATURES)))
    labels = rows[:, 0] + 0.5 * rows[:, 2] * rows[:, 5] + generator.normal(scale=0.3, size=600) > 0.4
    fitted = trainer.fit(rows, labels, np.ones(600))
    ensemble = TreeEnsemble(json.loads(json.dumps(trainer.export(fitted, 0.42, "test"))))
    assert ensemble.threshold == 0.42
    np.testing.assert_allclose(ensemble.probabilities(rows), fitted.predict_proba(rows)[:, 1], atol=1e-6)


def test_the_bundled_model_reads_todays_features_and_says_how_it_was_trained():
    spec = json.loads(BUNDLED_MODEL.read_text(encoding="utf-8"))
    assert tuple(spec["features"][: len(FEATURES)]) == FEATURES and 0 < spec["threshold"] < 1
    # then one product column per dimension of the bundled embedding model (USE: 512)
    assert spec["features"][len(FEATURES) :] == [f"meaning_{i}" for i in range(512)]
    assert "KorQuAD dev articles 0-69" in spec["trained"]


def test_rows_from_another_embedding_model_are_refused_not_misread():
    model = TreeEnsemble.load(BUNDLED_MODEL, FEATURES)
    with pytest.raises(ValueError, match="another embedding model"):
        model.probabilities(np.zeros((3, len(FEATURES) + 384)))


def test_a_model_trained_on_other_features_is_refused(tmp_path):
    spec = json.loads(BUNDLED_MODEL.read_text(encoding="utf-8"))
    spec["features"] = ["an_old_signal", *spec["features"][1:]]
    (tmp_path / "old.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        TreeEnsemble.load(tmp_path / "old.json", FEATURES)


def test_the_threshold_holds_every_kind_of_development_question_to_its_own_limit():
    """At most 5% of all answerable development questions fall below it, and at most 10% of the news set's."""
    trainer = _trainer()
    korquad = [{"best": 0.5 + i / 1000, "answerable": True, "origin": "korquad"} for i in range(100)]
    news = [{"best": 0.1 * i, "answerable": True, "origin": "news"} for i in range(1, 11)]
    unanswerable = [{"best": 0.01, "answerable": False, "origin": "news"}]
    # the news set's ten answerable questions may lose one: its limit binds below the 5% bound of all 110
    assert trainer.choose_threshold(korquad + news + unanswerable) == pytest.approx(0.2)
    assert trainer.choose_threshold(korquad + unanswerable) == pytest.approx(0.505)

"""Train the reader's sentence model and calibrate its threshold; writes assistant/data/reader.json.

Labelled data, never from the measurement sets:
- KorQuAD 1.0 dev articles 0-69 (file order), all 140 articles indexed as at measurement: a sentence of the gold
  article that holds the answer span answers; every other sentence does not. A quarter of these questions are asked
  again with the gold article's passages removed: then nothing answers (an unanswerable question).
- The tuned suites (evals/*.jsonl) over corpus/: a sentence of an expected source holding a required fact answers;
  nothing answers an unanswerable case.
Articles 56-69 and a fifth of the suite cases are the development split: the model is fitted on the rest, the
threshold is chosen on the development split, then the model is refitted on everything with that threshold.

    .venv/bin/python evals/train_reader.py [--korquad PATH] [--work results/reader] [--rebuild]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.evaluation import load_suites
from assistant.metrics import fact_present
from assistant.reading import BUNDLED_MODEL, FEATURES
from assistant.service import AssistantService
from korquad import DEFAULT_PATH, TRAIN_ARTICLES, questions, write_articles

ROOT = Path(__file__).resolve().parents[1]
DEV_ARTICLES = range(56, 70)
# Extra passages retrieved when the gold article's are removed, so the question still gets a full set.
EXCLUDE_EXTRA = 20
# Suite cases are few but the only cross-language and in-scope-unanswerable examples: they count this much more.
SUITE_WEIGHT = 4.0
MODEL = dict(max_iter=300, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0)


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answerable: bool
    answers: Callable[[str, str], bool]  # (sentence, source) -> whether it answers
    origin: str  # 'korquad', 'korquad-unanswerable' or 'suite'
    dev: bool
    exclude: str | None = None  # a document whose passages are removed


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def korquad_items(path: Path) -> list[Item]:
    items = []
    for n, q in enumerate(questions(path, TRAIN_ARTICLES)):
        span, source, dev = _squash(q.answer), q.source, q.article in DEV_ARTICLES
        answers = lambda sentence, src, span=span, source=source: src == source and span in _squash(sentence)
        items.append(Item(q.id, q.question, True, answers, "korquad", dev))
        if n % 4 == 0:
            items.append(Item(q.id + "-x", q.question, False, lambda s, src: False, "korquad-unanswerable", dev, source))
    return items


def suite_items() -> list[Item]:
    items = []
    for case in load_suites(sorted((ROOT / "evals").glob("*.jsonl"))):
        expected, facts = set(case.expected_sources), case.must_include
        answers = lambda sentence, src, expected=expected, facts=facts: (
            Path(src).stem in expected and any(fact_present(f, sentence) for f in facts)
        )
        dev = int(hashlib.sha256(case.id.encode()).hexdigest(), 16) % 5 == 0
        items.append(Item(case.id, case.question, case.answerable, answers, "suite", dev))
    return items


def examples(service: AssistantService, items: Iterable[Item]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Feature rows and, per row, its label, its group (one question part) and the group's facts."""
    rows, labels, groups, meta = [], [], [], []
    top_k = service.settings.retrieval.top_k
    for item in items:
        question, hits = service.passages(item.question, top_k + EXCLUDE_EXTRA if item.exclude else None)
        if item.exclude:
            hits = [h for h in hits if h.chunk.source != item.exclude][:top_k]
        sentences = service.reader.sentences(hits)
        if not sentences:
            continue
        for part_index, part in enumerate(question.each_part()):
            group = len(meta)
            rows.append(service.reader.features(part, question.language, hits, sentences))
            labels += [item.answerable and item.answers(s.text, hits[s.hit_index].chunk.source) for s in sentences]
            groups += [group] * len(sentences)
            meta.append((item.origin, item.dev, item.answerable))
    origin = np.array([m[0] for m in meta])
    return np.vstack(rows), {
        "label": np.array(labels, dtype=bool),
        "group": np.array(groups),
        "origin": origin,
        "dev": np.array([m[1] for m in meta]),
        "answerable": np.array([m[2] for m in meta]),
    }


def build(args) -> dict[str, np.ndarray]:
    cache = args.work / "examples.npz"
    if cache.exists() and not args.rebuild:
        return dict(np.load(cache))
    data: dict[str, list] = {}
    for name, folder, items in (
        ("korquad", write_articles(args.korquad, args.work / "korquad-docs"), korquad_items(args.korquad)),
        ("suite", ROOT / "corpus", suite_items()),
    ):
        service = AssistantService(Settings(index_dir=args.work / f"index-{name}"))
        report = service.ingest([folder])
        assert not report.failures, report.failures
        start = time.perf_counter()
        rows, info = examples(service, items)
        print(f"{name}: {len(items)} questions, {len(rows)} sentences in {time.perf_counter() - start:.0f}s")
        offset = sum(len(g) for g in data.get("dev", []))
        info["group"] = info["group"] + offset
        for key, value in {"rows": rows, **info}.items():
            data.setdefault(key, []).append(value)
    merged = {key: np.concatenate(values) for key, values in data.items()}
    np.savez(cache, **merged)
    return merged


def fit(rows: np.ndarray, labels: np.ndarray, weights: np.ndarray):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**MODEL, random_state=0).fit(rows, labels, sample_weight=weights)


def export(model, threshold: float, note: str) -> dict:
    """The fitted trees in the JSON form assistant.reading.TreeEnsemble reads."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        trees.append({
            "feature": nodes["feature_idx"].tolist(),
            "threshold": nodes["num_threshold"].tolist(),
            "left": nodes["left"].tolist(),
            "right": nodes["right"].tolist(),
            "leaf": nodes["is_leaf"].astype(bool).tolist(),
            "missing_left": nodes["missing_go_to_left"].astype(bool).tolist(),
            "value": nodes["value"].tolist(),
        })
    return {
        "features": list(FEATURES),
        "threshold": round(threshold, 4),
        "baseline": float(model._baseline_prediction.ravel()[0]),
        "trained": note,
        "trees": trees,
    }


def question_table(data: dict, probabilities: np.ndarray, mask_groups: np.ndarray) -> list[dict]:
    """Per question part: best probability, whether the best sentence answers, origin and answerability."""
    table = []
    for group in np.flatnonzero(mask_groups):
        rows = np.flatnonzero(data["group"] == group)
        best = rows[np.argmax(probabilities[rows])]
        table.append({
            "best": float(probabilities[best]),
            "right": bool(data["label"][best]),
            "reachable": bool(data["label"][rows].any()),
            "origin": str(data["origin"][group]),
            "answerable": bool(data["answerable"][group]),
        })
    return table


def report(table: list[dict], threshold: float) -> dict[str, float]:
    def share(values):
        return sum(values) / len(values) if values else float("nan")

    answerable = [t for t in table if t["answerable"]]
    return {
        "top1_right": share([t["right"] for t in answerable if t["reachable"]]),
        "answered_right": share([t["right"] and t["best"] >= threshold for t in answerable]),
        "false_abstention": share([t["best"] < threshold for t in answerable]),
        "false_abstention_suite": share([t["best"] < threshold for t in answerable if t["origin"] == "suite"]),
        "abstained_korquad_x": share([t["best"] < threshold for t in table if t["origin"] == "korquad-unanswerable"]),
        "abstained_suite": share([t["best"] < threshold for t in table if t["origin"] == "suite" and not t["answerable"]]),
    }


def choose_threshold(table: list[dict]) -> float:
    """The threshold that best balances answering what the documents answer against abstaining on the rest (the
    in-scope unanswerable suite cases count as much as all synthetic ones together)."""
    def score(threshold: float) -> float:
        r = report(table, threshold)
        return (1 - r["false_abstention"]) + 0.5 * r["abstained_korquad_x"] + 0.5 * r["abstained_suite"]

    return max(np.arange(0.05, 0.95, 0.01), key=score)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--korquad", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--work", type=Path, default=ROOT / "results" / "reader")
    parser.add_argument("--out", type=Path, default=BUNDLED_MODEL)
    parser.add_argument("--rebuild", action="store_true", help="Recompute the features (after the code changed).")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    data = build(args)
    group_dev = data["dev"]
    row_dev = group_dev[data["group"]]
    weights = np.where(data["origin"][data["group"]] == "suite", SUITE_WEIGHT, 1.0)
    model = fit(data["rows"][~row_dev], data["label"][~row_dev], weights[~row_dev])
    probabilities = model.predict_proba(data["rows"])[:, 1]
    dev_table = question_table(data, probabilities, group_dev)
    threshold = choose_threshold(dev_table)
    print(f"development split ({len(dev_table)} question parts), threshold {threshold:.2f}:")
    for name, value in report(dev_table, threshold).items():
        print(f"  {name:24} {value:.3f}")
    for t in (0.2, 0.3, 0.4, 0.5):
        r = report(dev_table, t)
        print(f"  at {t:.2f}: " + ", ".join(f"{k} {v:.3f}" for k, v in r.items()))
    final = fit(data["rows"], data["label"], weights)
    note = (f"{date.today().isoformat()}: KorQuAD dev articles 0-69 and evals/*.jsonl; threshold {threshold:.2f} "
            f"chosen on articles 56-69 and a fifth of the suite cases")
    args.out.write_text(json.dumps(export(final, threshold, note)), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()

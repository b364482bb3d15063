"""Route messages before any search, with the patterns alone and with the learned router, on tuned data only.

Prints per-outcome accuracy ('question' = a question for the documents) for: 5-fold cross-validation over the
labelled examples (assistant/data/routing_examples.tsv), the last batch of routing_dev2.jsonl (tagged fresh3,
written after the patterns and kept out of the examples), then how many questions of the tuned suites and of the
follow-up dev suites are sent away, and the share of KorQuAD questions of articles 56-69 (never among the examples)
refused or presumed off-topic. Ends with the time routing takes per message. Settings from ASSISTANT_ROUTING__*.

    .venv/bin/python evals/router_eval.py [--korquad PATH] [--sample 300] [--show]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.config import Settings
from assistant.embeddings import CachedEmbeddings, make_embeddings
from assistant.router import QUESTION, REFUSED, ExampleClassifier, Router, load_examples, make_router
from assistant.routing import PRESUMED
from korquad import DEFAULT_PATH, TRAIN_ARTICLES, questions

ROOT = Path(__file__).resolve().parents[1]
SUITES = ("core", "variants", "crosslingual", "multihop", "unanswerable", "heldout")
KORQUAD_CHECKED = range(56, 70)  # the examples hold questions of articles 0-55 only
FOLDS = 5

Route = Callable[[str], "str | None"]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _label(outcome: str | None) -> str:
    return outcome if outcome in (*REFUSED, PRESUMED) else QUESTION


def _accuracy(name: str, cases: Sequence[tuple[str, str]], routes: dict[str, Route], show: bool) -> None:
    """Per-outcome accuracy of each way of routing over (expected label, message) cases."""
    print(f"\n{name} ({len(cases)} messages)")
    for how, route in routes.items():
        right: Counter = Counter()
        total: Counter = Counter()
        for expected, message in cases:
            got = _label(route(message))
            total[expected] += 1
            right[expected] += got == expected
            if show and got != expected:
                print(f"    {how}: expected {expected}, got {got}: {message}")
        parts = "  ".join(f"{label} {right[label]}/{total[label]}" for label in sorted(total))
        print(f"  {how:<16} {sum(right.values())}/{len(cases)} = {sum(right.values()) / len(cases):.1%}   {parts}")


def _cross_validated(examples: list[tuple[str, str]], classifier: Callable[[list], ExampleClassifier]) -> dict[str, Route]:
    """Routes that answer each example with a router built without its fold (folds dealt per label)."""
    fold_of: dict[int, int] = {}
    for label in {label for label, _ in examples}:
        indices = [i for i, (lab, _) in enumerate(examples) if lab == label]
        random.Random(0).shuffle(indices)
        fold_of.update({index: n % FOLDS for n, index in enumerate(indices)})
    routers = [
        Router(classifier([e for i, e in enumerate(examples) if fold_of[i] != fold])) for fold in range(FOLDS)
    ]
    router_of = {message: routers[fold_of[i]] for i, (_, message) in enumerate(examples)}
    return {
        "learned alone": lambda message: router_of[message].learned(message),
        "rules + learned": lambda message: router_of[message].route(message),
    }


def _sent_away(name: str, messages: Sequence[str], routes: dict[str, Route], show: bool) -> None:
    print(f"\n{name} ({len(messages)} messages): sent away (refused / presumed off-topic)")
    for how, route in routes.items():
        outcomes = [(route(m), m) for m in messages]
        refused = [(o, m) for o, m in outcomes if o in REFUSED]
        presumed = [(o, m) for o, m in outcomes if o == PRESUMED]
        print(f"  {how:<16} refused {len(refused)} ({len(refused) / len(messages):.1%}), "
              f"presumed off-topic {len(presumed)} ({len(presumed) / len(messages):.1%})")
        if show:
            for outcome, message in refused + presumed:
                print(f"    {outcome}: {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--korquad", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--show", action="store_true", help="Print every message routed wrong or sent away.")
    args = parser.parse_args()
    settings = Settings().routing
    embeddings = CachedEmbeddings(make_embeddings(Settings().embeddings), size=100_000)
    examples = load_examples(settings.examples)

    def classifier(chosen: list) -> ExampleClassifier:
        return ExampleClassifier(
            chosen, embeddings, settings.c, settings.min_probability, neighbours=settings.neighbours,
            sure=settings.sure_harmful,
        )

    start = time.perf_counter()
    learned = Router(classifier(examples))
    learned.route("warm-up")
    print(f"examples: {len(examples)} {dict(Counter(label for label, _ in examples))}; "
          f"first use (model load, example vectors, training) {time.perf_counter() - start:.1f} s")
    print(f"settings: {settings!r}")
    rules = Router()
    routes = {"rules only": rules.route, "rules + learned": learned.route}

    _accuracy("cross-validation over the examples", examples, _cross_validated(examples, classifier) | {
        "rules only": rules.route}, args.show)
    fresh = [c for c in _lines(ROOT / "evals/conversation/routing_dev2.jsonl") if "fresh3" in c["tags"]]
    _accuracy("fresh dev2 batch (held back)", [(_label(c["outcome"]), c["question"]) for c in fresh], routes, args.show)

    suites = [c for name in SUITES for c in _lines(ROOT / f"evals/{name}.jsonl")]
    _sent_away("answerable tuned-suite questions", [c["question"] for c in suites if c["answerable"]], routes, args.show)
    _sent_away("unanswerable tuned-suite questions (may be off-topic on purpose)",
               [c["question"] for c in suites if not c["answerable"]], routes, args.show)
    turns = [
        message for name in ("multiturn_dev", "multiturn_dev2")
        for case in _lines(ROOT / f"evals/conversation/{name}.jsonl")
        for message in [*(t["content"] for t in case["history"] if t["role"] == "user"), case["question"]]
    ]
    _sent_away("follow-up dev suites' user turns", turns, routes, args.show)
    korquad = [q.question for q in questions(args.korquad, KORQUAD_CHECKED, args.sample)]
    _sent_away(f"KorQuAD questions, articles {KORQUAD_CHECKED.start}-{KORQUAD_CHECKED.stop - 1}", korquad, routes,
               args.show)
    _sent_away("KorQuAD questions, articles 0-69 (some among the examples)",
               [q.question for q in questions(args.korquad, TRAIN_ARTICLES, args.sample)], routes, args.show)

    print("\ntime to route one message (p50, ms; embeddings not cached)")
    plain = make_router(settings, make_embeddings(Settings().embeddings))
    plain.route("warm-up")
    timed = [c["question"] for c in fresh] + korquad[:100]
    for how, route in {"rules only": rules.route, "rules + learned": plain.route}.items():
        times = []
        for message in timed:
            start = time.perf_counter()
            route(message)
            times.append((time.perf_counter() - start) * 1000)
        print(f"  {how:<16} {statistics.median(times):.1f}")


if __name__ == "__main__":
    main()

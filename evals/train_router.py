"""Train the router's classifier on the bundled examples with the default settings and write its weights to
assistant/data/router.json, which the router uses instead of training on its first turn while the model, the
examples (assistant/data/routing_examples.tsv) and the settings are those it was trained for. Run after changing
any of them (tests/test_routing.py fails until then):

    .venv/bin/python evals/train_router.py
"""

from __future__ import annotations

import json
from pathlib import Path

from assistant.config import Settings
from assistant.embeddings import make_embeddings
from assistant.router import BUNDLED_WEIGHTS, ExampleClassifier, load_examples

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    settings = Settings()
    examples = load_examples("bundled")
    embeddings, routing = make_embeddings(settings.embeddings), settings.routing
    named = ExampleClassifier(examples, embeddings, routing.c, routing.min_probability, settings.embeddings.model)
    # Unnamed, so it trains now rather than taking the weights it is to replace.
    weights = ExampleClassifier(examples, embeddings, routing.c, routing.min_probability).trained()
    out = ROOT / "assistant" / BUNDLED_WEIGHTS
    out.write_text(json.dumps({"digest": named.digest, "weights": weights.round(6).tolist()}), encoding="utf-8")
    print(f"{len(examples)} examples, weights {weights.shape} -> {out}")


if __name__ == "__main__":
    main()

"""Choose the answer weights and abstention threshold by measurement on the shipped suites.

Retrieves once per case, then scores every combination in the grid with the real extractive generator and prints
the combinations whose worst margin over the issue's targets (top-1 source 0.90, facts 0.85, abstention 0.90) is
best, and the current defaults.

    .venv/bin/python evals/answer_sweep.py [SUITE...] [--index DIR]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

from assistant.answer import ExtractiveGenerator
from assistant.config import AnswerSettings, Settings
from assistant.embeddings import CachedEmbeddings
from assistant.glossary import QueryExpander, load_glossary
from assistant.evaluation import load_suites, result_line
from assistant.metrics import metrics
from assistant.service import AssistantService

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"top1_source": 0.90, "facts_present": 0.85, "abstained_unanswerable": 0.90}
GRID = {
    "dense_share": [0.2, 0.3, 0.4],
    "lexical_share": [0.2, 0.3, 0.4],
    "coverage_share": [0.2, 0.4],
    "cross_language_share": [1.2, 1.4],
    "min_evidence": [0.45, 0.5, 0.55, 0.6],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suites", nargs="*", type=Path, help="Suites (default: every evals/*.jsonl).")
    parser.add_argument("--index", type=Path, default=None, help="Index to use (default: a fresh one of corpus/).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=args.index or Path(tmp) / "index")
        service = AssistantService(settings)
        service.ingest([ROOT / "corpus"])
        cases = load_suites(args.suites or sorted((ROOT / "evals").glob("*.jsonl")))
        retrieved = [(case, next(service.stream(case.question)).hits) for case in cases]
        embeddings = CachedEmbeddings(service._embeddings, size=10**9)
        expander = QueryExpander(service._tokenizer, load_glossary(settings.glossary, service._tokenizer))
        expander.learn(service._store.snapshot().tokens)
        rows = []
        for values in itertools.product(*GRID.values()):
            answer_settings = AnswerSettings(**dict(zip(GRID, values)))
            generator = ExtractiveGenerator(answer_settings, embeddings, service._tokenizer, expander)
            results = [(c, result_line(c, generator.generate(c.question, hits), 0.0)) for c, hits in retrieved]
            m = metrics(results)
            margin = min(m[k] - v for k, v in TARGETS.items())
            rows.append((margin, values, m))
    rows.sort(key=lambda r: r[0], reverse=True)
    print(" ".join(f"{k:>10.10}" for k in GRID), " top1   facts  abstain false-abst")
    default = tuple(getattr(AnswerSettings(), k) for k in GRID)
    for margin, values, m in rows[:15] + [r for r in rows if r[1] == default]:
        mark = "  <- default" if values == default else ""
        print(" ".join(f"{v:>10}" for v in values), f"{m['top1_source']:.3f}  {m['facts_present']:.3f}  "
              f"{m['abstained_unanswerable']:.3f}  {m['false_abstention']:.3f}{mark}")


if __name__ == "__main__":
    main()

"""Measure the assistant's speed on this machine and print the numbers: indexing, start-up, retrieval, answers.

Indexes corpus/ into a fresh temporary folder, then asks every question of the shipped suites twice over the
event stream, timing the passages (the Retrieved event) and the answer (the Answered event) separately.

    .venv/bin/python evals/benchmark.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.evaluation import load_suites
from assistant.service import AssistantService, Retrieved

ROOT = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(name: str, values: list[float]) -> str:
    return (
        f"{name:<24} n={len(values):<4} p50 {statistics.median(values):7.1f} ms   p95 {_percentile(values, 0.95):7.1f} ms"
        f"   max {max(values):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="How many times every question is asked.")
    args = parser.parse_args()
    questions = [case.question for case in load_suites(sorted((ROOT / "evals").glob("*.jsonl")))]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        service = AssistantService(Settings(index_dir=Path(tmp) / "index"))
        built = time.perf_counter()
        report = service.ingest([ROOT / "corpus"])
        indexed = time.perf_counter()
        service.ask(questions[0])  # the first question loads the tokenizer's and the model's lazy parts
        first = time.perf_counter()
        print(f"service start-up         {(built - start) * 1000:7.0f} ms")
        print(f"index corpus/            {(indexed - built) * 1000:7.0f} ms  ({len(report.indexed)} files, "
              f"{report.pages} pages, {report.chunks} chunks)")
        print(f"first question           {(first - indexed) * 1000:7.0f} ms")
        passages, answers = [], []
        for _ in range(args.rounds):
            for question in questions:
                asked = time.perf_counter()
                for event in service.stream(question):
                    now = time.perf_counter()
                    (passages if isinstance(event, Retrieved) else answers).append((now - asked) * 1000)
        print(_line("passages (Retrieved)", passages))
        print(_line("answer (Answered)", answers))


if __name__ == "__main__":
    main()

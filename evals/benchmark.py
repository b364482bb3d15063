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
from assistant.service import Answered, AssistantService, Read, Retrieved

ROOT = Path(__file__).resolve().parents[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(name: str, values: list[float]) -> str:
    return (
        f"{name:<34} n={len(values):<4} p50 {statistics.median(values):7.1f} ms   p95 {_percentile(values, 0.95):7.1f} ms"
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
        # Time from the question to each event; the first round meets every sentence for the first time.
        timings: dict[tuple[int, type], list[float]] = {}
        for round_number in range(args.rounds):
            for question in questions:
                asked = time.perf_counter()
                for event in service.stream(question):
                    timings.setdefault((round_number, type(event)), []).append((time.perf_counter() - asked) * 1000)
        for label, kind in (("passages (Retrieved)", Retrieved), ("read (Read)", Read), ("answer (Answered)", Answered)):
            print(_line(f"{label}, first round", timings[(0, kind)]))
            print(_line(f"{label}, all rounds", [t for r in range(args.rounds) for t in timings[(r, kind)]]))


if __name__ == "__main__":
    main()

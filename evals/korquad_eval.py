"""Measure answers on KorQuAD 1.0 dev articles 70-139 (never trained or tuned on), all 140 articles indexed.

Prints, over a fixed sample of questions: the share whose answer's first citation is the question's article, whose
answer contains the gold answer span (ignoring spaces and case), and that abstained; plus answer latency.

    .venv/bin/python evals/korquad_eval.py [--sample 300] [--korquad PATH] [--work results/korquad] [--out FILE]

`--articles train` asks questions of articles 0-69 instead: the reader's training articles, for finding what a
change did without looking at the measured ones (its numbers are not a measurement).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from assistant.config import Settings
from assistant.service import AssistantService
from korquad import DEFAULT_PATH, MEASURE_ARTICLES, TRAIN_ARTICLES, questions, write_articles

ROOT = Path(__file__).resolve().parents[1]


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--korquad", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--work", type=Path, default=ROOT / "results" / "korquad")
    parser.add_argument("--articles", choices=["measure", "train"], default="measure")
    parser.add_argument("--out", type=Path, default=None, help="Also write one JSON line per question here.")
    args = parser.parse_args()
    service = AssistantService(Settings(index_dir=args.work / "index"))
    start = time.perf_counter()
    report = service.ingest([write_articles(args.korquad, args.work / "docs")])
    print(f"index: {len(report.indexed)} indexed, {len(report.unchanged)} unchanged, {time.perf_counter() - start:.0f}s")
    articles = TRAIN_ARTICLES if args.articles == "train" else MEASURE_ARTICLES
    cases = questions(args.korquad, articles, args.sample)
    lines, latencies = [], []
    for case in cases:
        start = time.perf_counter()
        answer = service.ask(case.question)
        latencies.append((time.perf_counter() - start) * 1000)
        lines.append({
            "id": case.id, "question": case.question, "gold": case.answer, "source": case.source,
            "abstained": answer.abstained, "answer": answer.text,
            "first_citation": answer.citations[0].source if answer.citations else None,
            "confidence": round(answer.evidence, 4),
        })
    n = len(lines)
    right_source = sum(line["first_citation"] == line["source"] for line in lines)
    span = sum(not line["abstained"] and _squash(line["gold"]) in _squash(line["answer"]) for line in lines)
    abstained = sum(line["abstained"] for line in lines)
    print(f"KorQuAD dev articles {articles.start}-{articles.stop - 1}, {n} questions (sample seed 0):")
    print(f"  first citation is the article  {right_source / n:.1%}")
    print(f"  gold span in the answer        {span / n:.1%}")
    print(f"  abstained                      {abstained / n:.1%}")
    print(f"  latency p50 {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    main()

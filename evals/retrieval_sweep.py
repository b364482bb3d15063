"""Choose the fusion by measurement: top-1 document accuracy of retrieval settings on two workloads.

Workload 'korquad': 200 sampled KorQuAD 1.0 dev questions (articles 0-69) over its 140 Korean Wikipedia articles (one document per
article): same-language Korean retrieval. Workload 'suite': the answerable cases of the shipped suites over the
shipped corpus: Korean, English and German questions, many crossing languages.

    .venv/bin/python evals/retrieval_sweep.py [--korquad ../shared/korquad/KorQuAD_v1.0_dev.json] [--sample 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from assistant.config import RetrievalSettings, Settings
from assistant.embeddings import make_embeddings
from assistant.evaluation import load_suites
from assistant.glossary import QueryExpander, load_glossary
from assistant.question import parse_question
from assistant.indexer import index_files
from assistant.retrieval import HybridRetriever
from assistant.store import ChunkStore
from assistant.tokens import Tokenizer
from korquad import DEFAULT_PATH, TRAIN_ARTICLES, questions, write_articles

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = {
    "bm25 only": dict(fusion="rrf", bm25_weight=1.0, dense_weight=0.0),
    "dense only": dict(fusion="rrf", bm25_weight=0.0, dense_weight=1.0),
    "rrf 1:1": dict(fusion="rrf", bm25_weight=1.0, dense_weight=1.0),
    "rrf 0.7:0.3": dict(fusion="rrf", bm25_weight=0.7, dense_weight=0.3),
    "lang-zscore 0.5:0.5": dict(bm25_weight=0.5, dense_weight=0.5),
    "lang-zscore 0.6:0.4": dict(bm25_weight=0.6, dense_weight=0.4),
    "lang-zscore 0.7:0.3": dict(bm25_weight=0.7, dense_weight=0.3),
    "lang-zscore 0.8:0.2": dict(bm25_weight=0.8, dense_weight=0.2),
}


def _korquad(path: Path, folder: Path, sample: int) -> list[tuple[str, set[str]]]:
    """A fixed sample of questions from the training articles (0-69) only: retrieval is tuned on these."""
    write_articles(path, folder)
    return [(q.question, {Path(q.source).stem}) for q in questions(path, TRAIN_ARTICLES, sample)]


def _suite() -> list[tuple[str, set[str]]]:
    cases = load_suites(sorted((ROOT / "evals").glob("*.jsonl")))
    return [(c.question, set(c.expected_sources)) for c in cases if c.answerable and c.expected_sources]


def _top1(store: ChunkStore, tokenizer: Tokenizer, questions, config: dict, glossary) -> tuple[float, float]:
    expander = QueryExpander(tokenizer, glossary)
    retriever = HybridRetriever(store, RetrievalSettings(**config), expander)
    start = time.perf_counter()
    right = sum(
        Path(retriever.search(parse_question(q, expander, 10_000), k=1)[0].chunk.source).stem in expected
        for q, expected in questions
    )
    return right / len(questions), (time.perf_counter() - start) * 1000 / len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--korquad", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    tokenizer = Tokenizer()
    with tempfile.TemporaryDirectory() as tmp:
        workloads = {}
        docs = Path(tmp) / "korquad"
        docs.mkdir()
        questions = _korquad(args.korquad, docs, args.sample)
        for name, folder, qs in (("korquad", docs, questions), ("suite", ROOT / "corpus", _suite())):
            settings = Settings(index_dir=Path(tmp) / f"index-{name}")
            store = ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))
            start = time.perf_counter()
            report = index_files([folder], store, tokenizer, settings)
            print(f"{name}: indexed {len(report.indexed)} docs, {report.chunks} chunks in {time.perf_counter() - start:.1f}s; {len(qs)} questions")
            workloads[name] = (store, qs)
        glossary = load_glossary("bundled", tokenizer)
        print(f"\n{'config':24} {'glossary':>8} {'korquad top1':>13} {'suite top1':>11} {'ms/query':>9}")
        for label, config in CONFIGS.items():
            for name, expansion in (("no", None), ("yes", glossary)):
                scores = [_top1(store, tokenizer, qs, config, expansion) for store, qs in workloads.values()]
                print(f"{label:24} {name:>8} {scores[0][0]:13.1%} {scores[1][0]:11.1%} {scores[0][1]:9.1f}")


if __name__ == "__main__":
    main()

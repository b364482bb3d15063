"""One serving process of the speed benchmark: one pipeline over one index, its timings and its peak memory.

Run by bench/pipeline.py, one process per pipeline and index size, so that memory peaks do not mix:

    .venv/bin/python bench/speed_serving.py PIPELINE INDEX_DIR QUESTIONS.json OUT.json [--answers N]

In order: start-up (the service built and its first search, which loads the models and the index), retrieval of
every question (parsed beforehand), whole answers of the first N questions (with the time to each of their events),
the peak memory so far (VmHWM), and then, without counting towards that peak, where a search spends its time.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.retrieval import BM25Index
from speed_pipelines import Pipeline

WARM_UP = 5


def _milliseconds(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _spread(values: list[float]) -> dict[str, float]:
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)), "n": len(values)}


def _peak_mb() -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


class KnownQueries(Embeddings):
    """Query vectors computed beforehand, so that Chroma's part of a dense search is timed without the model."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self._vectors = vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vectors[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vectors[text]


def _answer(service, text: str) -> dict[str, float]:
    """Milliseconds from the question to each event of its answer (Retrieved, Read, Answered …)."""
    start, marks = time.perf_counter(), {}
    for event in service.stream(text):
        marks[type(event).__name__] = (time.perf_counter() - start) * 1000
    return marks


def measure(pipeline: Pipeline, index_dir: Path, texts: list[str], answers: int) -> dict:
    start = time.perf_counter()
    service, retriever = pipeline.serve(index_dir)
    questions = [service.parse(text) for text in texts]
    retriever.search(questions[0])
    startup_s = time.perf_counter() - start
    for question in questions[:WARM_UP]:
        retriever.search(question)
    retrieval = [_milliseconds(lambda: retriever.search(q)) for q in questions]
    marks = [_answer(service, t) for t in texts[:answers]]
    read = [m for m in marks if "Read" in m]  # searched and read (not routed, not an eligibility verdict)
    facts = {
        "chunks": len(retriever.chunks), "startup_s": startup_s, "retrieval_ms": _spread(retrieval),
        "answer_ms": _spread([m["Answered"] for m in marks]), "peak_mb": _peak_mb(),
        "answer_stages_ms": {
            "read_answers": len(read),
            "to_passages": float(np.median([m["Retrieved"] for m in read])),
            "reading": float(np.median([m["Read"] - m["Retrieved"] for m in read])),
            "writing": float(np.median([m["Answered"] - m["Read"] for m in read])),
        },
    }
    facts["stages"] = _stages(pipeline, index_dir, service, questions, texts)
    return facts


def _stages(pipeline: Pipeline, index_dir: Path, service, questions, texts: list[str]) -> dict:
    """Where a search spends its time, stage by stage, with the pipeline's own parts called one at a time (p50 ms;
    the snapshot and BM25 build in seconds: what every reload after another process's write costs)."""
    model = pipeline.model()
    model.embed_query("warm-up")
    vectors: dict[str, list[float]] = {}
    embedding = []
    for text in texts:
        start = time.perf_counter()
        vectors[text] = model.embed_query(text)
        embedding.append((time.perf_counter() - start) * 1000)
    store = pipeline.store(index_dir, KnownQueries(vectors))
    start = time.perf_counter()
    snapshot = store.snapshot()
    stages = {"snapshot_s": time.perf_counter() - start, "query_embedding": embedding}
    k = pipeline.settings.retrieval.candidates
    if pipeline.name == "assistant":  # the hybrid retriever asks Chroma for ids and distances only
        stages["chroma_query"] = [_milliseconds(lambda: store.nearest_ids(t, k)) for t in texts]
    else:
        stages["chroma_query"] = [_milliseconds(lambda: store.dense_search(t, k, snapshot.versions)) for t in texts]
    if pipeline.name == "assistant":
        start = time.perf_counter()
        bm25 = BM25Index(snapshot.tokens)
        stages["bm25_build_s"] = time.perf_counter() - start
        stages["parse"] = [_milliseconds(lambda: service.parse(t)) for t in texts]
        stages["generation_check"] = [_milliseconds(store.generation) for _ in texts]
        stages["bm25"] = [_milliseconds(lambda: bm25.rank(q.query.search_tokens(), k)) for q in questions]
    return {name: float(np.median(v)) if isinstance(v, list) else v for name, v in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pipeline", choices=("assistant", "tutorial"))
    parser.add_argument("index", type=Path)
    parser.add_argument("questions", type=Path, help="JSON list of question texts.")
    parser.add_argument("out", type=Path, help="Where the measurements are written (JSON).")
    parser.add_argument("--answers", type=int, default=100, help="How many of the questions are answered whole.")
    args = parser.parse_args()
    texts = json.loads(args.questions.read_text(encoding="utf-8"))
    facts = measure(Pipeline(args.pipeline, Settings()), args.index, texts, args.answers)
    args.out.write_text(json.dumps(facts, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

"""Speed of the assistant against the LangChain tutorial pipeline, in one run, as ratios.

    .venv/bin/python bench/pipeline.py [--sizes 1000,10000,100000] [--quick] [--rebuild]

1. Ingest: both pipelines index corpus/ (the shipped PDFs, HWP, HWPX, Markdown) into a fresh folder, with their
   models loaded beforehand; pages/s, chunks/s and the seconds of each stage (read+chunk, Kiwi, embedding, Chroma).
2. Indexes at 1k/10k/100k chunks (built once into results/bench/, reused unless --rebuild): the base corpus is
   corpus/ plus the 140 KorQuAD 1.0 dev articles, really ingested by each pipeline; larger indexes write its
   chunks again as further documents (copy001, …) until the size is reached, reusing the vectors already computed.
   Duplicated text leaves BM25's posting lists and Chroma's HNSW graph as large as distinct text would, so search
   latency stays real, but the vocabulary stays that of the base corpus and the reader meets copies.
3. Serving: one process per pipeline and size: start-up, query embedding, retrieval p50/p95, whole answers p50/p95
   (parse, search, read, extractive answer), peak memory (VmHWM), and where the assistant's search spends its time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.config import Settings
from assistant.evaluation import load_suites
from speed_pipelines import PIPELINES, Pipeline, build_facts, build_indexes, timed_ingest

ROOT = Path(__file__).resolve().parents[1]
SUITES = ("core", "crosslingual", "multihop", "unanswerable", "variants")  # the tuned suites, never the held-out one
KORQUAD_ARTICLES = range(0, 70)  # the articles open to tuning; 70-139 are for measurement only
SERVING_TIMEOUT_S = 3600
TARGETS = "retrieval p50 ≤ 20 ms at 10k chunks, ≤ 100 ms at 100k; answer p50 ≤ 150 ms; ingest ≥ 20 pages/s"


def _korquad():
    """evals/korquad.py (a script's sibling module, not a package)."""
    spec = importlib.util.spec_from_file_location("korquad", ROOT / "evals" / "korquad.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["korquad"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()


def _questions(count: int, korquad) -> list[str]:
    """Half KorQuAD questions (articles 0-69, fixed sample), half the tuned suites' questions, shuffled (seed 0)."""
    suite = [c.question for c in load_suites(ROOT / "evals" / f"{name}.jsonl" for name in SUITES)]
    wiki = [q.question for q in korquad.questions(korquad.DEFAULT_PATH, KORQUAD_ARTICLES, count - count // 2, seed=0)]
    texts = random.Random(0).sample(suite, min(len(suite), count // 2)) + wiki
    random.Random(0).shuffle(texts)
    return texts


def _serve(name: str, index: Path, questions: Path, answers: int, work: Path) -> dict:
    out, log = work / f"serving-{name}-{index.name}.json", work / f"serving-{name}-{index.name}.log"
    script = Path(__file__).with_name("speed_serving.py")
    command = [sys.executable, str(script), name, str(index), str(questions), str(out), "--answers", str(answers)]
    with log.open("w") as errors:
        done = subprocess.run(command, cwd=ROOT, stdout=errors, stderr=errors, timeout=SERVING_TIMEOUT_S)
    if done.returncode != 0:
        raise SystemExit(f"serving {name} at {index} failed (exit {done.returncode}); see {log}")
    return json.loads(out.read_text(encoding="utf-8"))


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "—"


def _row(label: str, a: float, b: float, unit: str = "", digits: int = 1) -> str:
    return f"| {label} | {a:,.{digits}f}{unit} | {b:,.{digits}f}{unit} | {_ratio(a, b)} |"


def _print_ingest(ingest: dict[str, dict]) -> None:
    a, t = ingest["assistant"], ingest["tutorial"]
    print(f"\n### Ingest of corpus/ ({a['files']} files; models loaded beforehand)\n")
    print("| | assistant | tutorial | assistant ÷ tutorial |\n|---|---:|---:|---:|")
    print(_row("pages", a["pages"], t["pages"], digits=0))
    print(_row("chunks", a["chunks"], t["chunks"], digits=0))
    print(_row("seconds", a["seconds"], t["seconds"]))
    print(_row("pages/s", a["pages"] / a["seconds"], t["pages"] / t["seconds"], digits=2))
    print(_row("chunks/s", a["chunks"] / a["seconds"], t["chunks"] / t["seconds"], digits=2))
    for key, label in (("read_chunk_s", "read + chunk s"), ("kiwi_s", "Kiwi s"), ("embed_s", "embedding s"),
                       ("chroma_s", "Chroma write s")):
        print(_row(label, a[key], t[key]))


def _print_base(folder: Path) -> None:
    print("\n### Base corpus of the scaled indexes (corpus/ + 140 KorQuAD articles; built once)\n")
    print("| pipeline | files | pages | chunks | seconds | chunks/s | embedding s | Kiwi s | built under |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name in PIPELINES:
        b = build_facts(folder / name / "base")
        print(f"| {name} | {b['files']} | {b['pages']} | {b['chunks']:,} | {b['seconds']:.0f} | "
              f"{b['chunks'] / b['seconds']:.1f} | {b['embed_s']:.0f} | {b['kiwi_s']:.0f} | {b['uptime']} |")


def _serving_rows(size: int, s: dict[str, dict], builds: dict[str, dict]) -> list[str]:
    a, t = s["assistant"], s["tutorial"]
    label = f"{size // 1000}k" if size >= 1000 else str(size)
    return [
        _row(f"{label}: query embedding p50 ms", a["stages"]["query_embedding"], t["stages"]["query_embedding"]),
        _row(f"{label}: retrieval p50 ms", a["retrieval_ms"]["p50"], t["retrieval_ms"]["p50"]),
        _row(f"{label}: retrieval p95 ms", a["retrieval_ms"]["p95"], t["retrieval_ms"]["p95"]),
        _row(f"{label}: answer p50 ms", a["answer_ms"]["p50"], t["answer_ms"]["p50"]),
        _row(f"{label}: answer p95 ms", a["answer_ms"]["p95"], t["answer_ms"]["p95"]),
        _row(f"{label}: answer: to passages p50 ms", a["answer_stages_ms"]["to_passages"],
             t["answer_stages_ms"]["to_passages"]),
        _row(f"{label}: answer: reading p50 ms", a["answer_stages_ms"]["reading"], t["answer_stages_ms"]["reading"]),
        _row(f"{label}: answer: writing p50 ms", a["answer_stages_ms"]["writing"], t["answer_stages_ms"]["writing"]),
        _row(f"{label}: peak memory MB", a["peak_mb"], t["peak_mb"], digits=0),
        _row(f"{label}: start-up s", a["startup_s"], t["startup_s"]),
        _row(f"{label}: index write s (vectors reused)", builds["assistant"]["write_s"], builds["tutorial"]["write_s"]),
    ]


def _growth(sizes: list[int], serving: dict, builds: dict) -> None:
    """Each measure's growth exponent between neighbouring sizes: value ∝ size^e, so e = 1 is linear."""
    measures = {
        "retrieval p50": lambda name, n: serving[n][name]["retrieval_ms"]["p50"],
        "answer p50": lambda name, n: serving[n][name]["answer_ms"]["p50"],
        "peak memory": lambda name, n: serving[n][name]["peak_mb"],
        "start-up": lambda name, n: serving[n][name]["startup_s"],
        "index write": lambda name, n: builds[n][name]["write_s"],
    }
    steps = list(zip(sizes, sizes[1:]))
    print("\n### Growth with corpus size (exponent e in value ∝ chunks^e; 1 = linear, below 1 = slower than linear)\n")
    print("| measure | " + " | ".join(f"{name} {a // 1000}k→{b // 1000}k" for name in PIPELINES for a, b in steps)
          + " |")
    print("|---|" + "---:|" * (len(PIPELINES) * len(steps)))
    for label, value in measures.items():
        cells = [math.log(value(name, b) / value(name, a)) / math.log(b / a) for name in PIPELINES for a, b in steps]
        print(f"| {label} | " + " | ".join(f"{e:.2f}" for e in cells) + " |")
    for a, b in steps:
        per_1k = {n: (serving[b][n]["peak_mb"] - serving[a][n]["peak_mb"]) / ((b - a) / 1000) for n in PIPELINES}
        print(f"\nMemory added per 1k chunks, {a // 1000}k→{b // 1000}k: "
              + ", ".join(f"{n} {v:.1f} MB" for n, v in per_1k.items()))


def _print_stages(sizes: list[int], serving: dict) -> None:
    print("\n### Where the assistant's search spends its time (p50 ms per stage, each timed alone)\n")
    print("| chunks | parse | generation check | BM25 | query embedding | Chroma query | search whole | "
          "snapshot load s | BM25 build s | tutorial: Chroma query |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        s, t = serving[n]["assistant"]["stages"], serving[n]["tutorial"]["stages"]
        print(f"| {n:,} | {s['parse']:.1f} | {s['generation_check']:.1f} | {s['bm25']:.1f} | "
              f"{s['query_embedding']:.1f} | {s['chroma_query']:.1f} | "
              f"{serving[n]['assistant']['retrieval_ms']['p50']:.1f} | {s['snapshot_s']:.1f} | "
              f"{s['bm25_build_s']:.1f} | {t['chroma_query']:.1f} |")


def _print_targets(ingest: dict, sizes: list[int], serving: dict) -> None:
    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    a = ingest["assistant"]
    print(f"\n### Targets ({TARGETS})\n")
    print(f"- ingest {a['pages'] / a['seconds']:.1f} pages/s: {verdict(a['pages'] / a['seconds'] >= 20)}")
    for n, limit in ((10_000, 20.0), (100_000, 100.0)):
        if n in serving:
            p50 = serving[n]["assistant"]["retrieval_ms"]["p50"]
            print(f"- retrieval p50 at {n // 1000}k: {p50:.1f} ms: {verdict(p50 <= limit)}")
    for n in sizes:
        p50 = serving[n]["assistant"]["answer_ms"]["p50"]
        print(f"- answer p50 at {n // 1000}k: {p50:.1f} ms: {verdict(p50 <= 150)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="Index sizes in chunks, comma-separated.")
    parser.add_argument("--quick", action="store_true", help="A small run: 1k chunks, 30 questions, 10 answers.")
    parser.add_argument("--rebuild", action="store_true", help="Build the indexes again instead of reusing them.")
    parser.add_argument("--questions", type=int, default=200, help="Questions searched per pipeline and size.")
    parser.add_argument("--answers", type=int, default=100, help="Of those, how many are answered whole.")
    parser.add_argument("--folder", type=Path, default=ROOT / "results" / "bench", help="Where the indexes live.")
    args = parser.parse_args()
    sizes = [1000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    count, answers = (30, 10) if args.quick else (args.questions, args.answers)
    started, uptime = time.perf_counter(), _uptime()
    korquad = _korquad()
    folder = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    pipelines = [Pipeline(name, Settings()) for name in PIPELINES]

    ingest = {}
    for pipeline in pipelines:
        with tempfile.TemporaryDirectory() as scratch:
            ingest[pipeline.name] = timed_ingest(pipeline, [ROOT / "corpus"], Path(scratch), pipeline.model())
    base_paths = [ROOT / "corpus", korquad.write_articles(korquad.DEFAULT_PATH, folder / "korquad")]
    for pipeline in pipelines:
        if args.rebuild:
            shutil.rmtree(folder / pipeline.name, ignore_errors=True)
        build_indexes(pipeline, base_paths, sizes, folder / pipeline.name, uptime)
    built = time.perf_counter()

    questions = folder / "questions.json"
    questions.write_text(json.dumps(_questions(count, korquad), ensure_ascii=False), encoding="utf-8")
    serving = {n: {p.name: _serve(p.name, folder / p.name / f"n{n}", questions, answers, folder) for p in pipelines}
               for n in sizes}
    builds = {n: {name: build_facts(folder / name / f"n{n}") for name in PIPELINES} for n in sizes}

    print(f"\n## Speed: assistant against the tutorial pipeline ({time.strftime('%Y-%m-%d %H:%M')})\n")
    print(f"Load at the start: {uptime}\nLoad at the end:   {_uptime()}")
    print(f"Serving: {count} questions searched, {answers} answered whole, per pipeline and size "
          f"(half KorQuAD articles 0-69, half the tuned suites). The tutorial's answers use the assistant's reader "
          f"and extractive answer, as in `assistant eval --compare`.")
    _print_ingest(ingest)
    _print_base(folder)
    n_distinct = {name: build_facts(folder / name / "base")["chunks"] for name in PIPELINES}
    print(f"\nIndexes above {min(n_distinct.values()):,} chunks repeat the base corpus as further documents "
          f"(distinct chunks: {', '.join(f'{k} {v:,}' for k, v in n_distinct.items())}); the copies reuse the "
          f"vectors of the base ingest, so the write times below are Chroma's (and the BM25 tokens'), not the model's. "
          f"Search latency is real for that many chunks; the reader meets copies of the same passages.")
    print("\n### Serving, one process per pipeline and size\n")
    print("| measure | assistant | tutorial | assistant ÷ tutorial |\n|---|---:|---:|---:|")
    for n in sizes:
        print("\n".join(_serving_rows(n, serving[n], builds[n])))
    if len(sizes) > 1:
        _growth(sizes, serving, builds)
    _print_stages(sizes, serving)
    _print_targets(ingest, sizes, serving)
    print(f"\nRun time: {time.perf_counter() - started:.0f} s ({built - started:.0f} s ingest and index builds, "
          f"{time.perf_counter() - built:.0f} s serving).")


if __name__ == "__main__":
    main()

"""Dump (question, sentence, label, reader prob) rows for cross-encoder training/eval, using train_reader's items."""
import json, os, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "evals"))
import train_reader as tr
from assistant.config import Settings
from assistant.service import AssistantService
from korquad import write_articles

KQ = Path(os.environ.get("KORQUAD", "../shared/korquad/KorQuAD_v1.0_dev.json"))
WORK = Path(os.environ.get("WORK", "results/cross-encoder"))
TOP = 10
def dump(name, index_dir, folder, items):
    service = AssistantService(Settings(index_dir=index_dir))
    if folder: service.ingest([folder])
    reader = service.reader
    (WORK / "pairs").mkdir(parents=True, exist_ok=True)
    out = open(WORK / "pairs" / f"{name}.jsonl", "w")
    top_k = service.settings.retrieval.top_k
    t = time.time()
    for item in items:
        question, hits = service.passages(item.question, top_k + tr.EXCLUDE_EXTRA if item.exclude else None)
        if item.exclude:
            hits = [h for h in hits if h.chunk.source != item.exclude][:top_k]
        sentences = reader.sentences(hits)
        if item.drop:
            sentences = [s for s in sentences if not item.drop(s.text, hits[s.hit_index].chunk.source)]
        if not sentences: continue
        part = list(question.each_part())[0]
        rows = reader.features(part, question.language, hits, sentences)
        probs = reader.model.probabilities(rows)
        labels = [bool(item.answerable and item.answers(s.text, hits[s.hit_index].chunk.source)) for s in sentences]
        order = list(np.argsort(-probs, kind="stable"))
        keep = order[:TOP] + [i for i in order[TOP:] if labels[i]]
        out.write(json.dumps(dict(id=item.id, origin=item.origin, dev=bool(item.dev), answerable=bool(item.answerable),
            question=item.question, language=question.language, threshold=reader.threshold,
            sentences=[dict(text=sentences[i].text, label=labels[i], prob=float(probs[i]), rank=int(r),
                            source=hits[sentences[i].hit_index].chunk.source) for r, i in enumerate(keep)]), ensure_ascii=False) + "\n")
    print(name, len(items), f"{time.time()-t:.0f}s", flush=True)

which = sys.argv[1:]
if "news" in which: dump("news", WORK / "index-news", tr.NEWS / "docs", tr.news_items())
if "suite" in which: dump("suite", WORK / "index-suite", tr.ROOT / "corpus", tr.suite_items())
if {"korquad", "translated"} & set(which): write_articles(KQ, WORK / "korquad-docs")
if "korquad" in which: dump("korquad", WORK / "index-korquad", WORK / "korquad-docs", tr.korquad_items(KQ))
if "translated" in which: dump("translated", WORK / "index-korquad", WORK / "korquad-docs", tr.translated_items(KQ))

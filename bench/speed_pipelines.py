"""The two pipelines the speed benchmark compares, and the indexes it measures them on.

- assistant: the assistant's own ingest (chunking, Kiwi search tokens, USE vectors into Chroma) and its service
  (hybrid BM25 + dense retrieval, the reader, the extractive answer);
- tutorial: the LangChain tutorial pipeline of assistant/baselines.py (RecursiveCharacterTextSplitter 1,000/200,
  all-MiniLM-L6-v2 into Chroma, top-k by similarity), answered by the same reader and extractive answer.

Indexes of 1k/10k/100k chunks are grown from one real base corpus by writing its chunks again as further documents
(copy001, …); the copies reuse the vectors the base ingest computed, so building them measures Chroma's write, not
the embedding model a second time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.baselines import TUTORIAL_MODEL, DenseRetriever, index_tutorial, tutorial_store
from assistant.chunking import quotable_sentences
from assistant.config import EmbeddingSettings, Settings
from assistant.embeddings import make_embeddings
from assistant.glossary import QueryExpander, load_glossary
from assistant.indexer import index_files
from assistant.retrieval import Retriever
from assistant.schema import Chunk, IngestReport
from assistant.service import AssistantService
from assistant.store import ChunkStore, Snapshot
from assistant.tokens import Tokenizer

PIPELINES = ("assistant", "tutorial")


class TimedEmbeddings(Embeddings):
    """Another model, adding up the seconds it spends embedding."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.seconds = 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        start = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - start

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class TimedTokenizer(Tokenizer):
    """The assistant's tokenizer, adding up the seconds Kiwi spends on chunks."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    def batch(self, texts):
        start = time.perf_counter()
        try:
            return super().batch(texts)
        finally:
            self.seconds += time.perf_counter() - start


class TimedStore:
    """A ChunkStore whose document writes (embedding included) are timed; everything else is passed through."""

    def __init__(self, store: ChunkStore) -> None:
        self._store = store
        self.seconds = 0.0

    def replace_document(self, *args, **kwargs) -> None:
        start = time.perf_counter()
        try:
            self._store.replace_document(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start

    def __getattr__(self, name: str):
        return getattr(self._store, name)


class VectorBook(Embeddings):
    """Vectors of every text embedded so far, kept in a file: a text met again (a copied chunk) is not embedded
    again. `embedded` counts the texts the model really had to embed."""

    def __init__(self, inner: Embeddings, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._vectors: dict[str, list[float]] = {}
        self.embedded = 0
        if path.exists():
            saved = np.load(path, allow_pickle=False)
            self._vectors = dict(zip(saved["texts"].tolist(), saved["vectors"].tolist()))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._inner.embed_documents(missing)))
            self.embedded += len(missing)
        return [self._vectors[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)

    def save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(self._vectors)
        np.savez(self._path, texts=np.array(texts), vectors=np.array([self._vectors[t] for t in texts]))


@dataclass(frozen=True)
class Pipeline:
    """One pipeline's way to embed, index and serve, over the assistant's default settings."""

    name: str
    settings: Settings

    def model(self) -> Embeddings:
        """The pipeline's embedding model (loads on first use)."""
        if self.name == "assistant":
            return make_embeddings(self.settings.embeddings)
        return make_embeddings(EmbeddingSettings(model=TUTORIAL_MODEL))

    def store(self, index_dir: Path, embeddings: Embeddings | None = None) -> ChunkStore:
        """The pipeline's Chroma collection in index_dir."""
        embeddings = embeddings or self.model()
        if self.name == "assistant":
            return ChunkStore(self.settings.store, index_dir, embeddings)
        return tutorial_store(index_dir, self.settings, embeddings)

    def ingest(self, paths: list[Path], store: ChunkStore | TimedStore, tokenizer: Tokenizer) -> IngestReport:
        """Index the files the pipeline's way (the tutorial has no search tokens, so no tokenizer)."""
        if self.name == "assistant":
            return index_files(paths, store, tokenizer, self.settings)
        return index_tutorial(paths, store, self.settings.ingest)

    def serve(self, index_dir: Path) -> tuple[AssistantService, Retriever]:
        """The service answering from the index and the retriever it searches with. The tutorial's retriever is
        dense search alone; the reader behind it weighs every question term alike (the tutorial keeps no term
        statistics)."""
        settings = self.settings.model_copy(update={"index_dir": index_dir})
        if self.name == "assistant":
            service = AssistantService(settings)
            return service, service.retriever
        tokenizer = Tokenizer()
        expander = QueryExpander(tokenizer, load_glossary(settings.glossary, tokenizer))
        retriever = DenseRetriever(self.store(index_dir), settings.retrieval.top_k, lambda term: 1.0)
        return AssistantService(settings, retriever=retriever, expander=expander), retriever


def timed_ingest(pipeline: Pipeline, paths: list[Path], index_dir: Path, embeddings: Embeddings) -> dict:
    """Index the files into a new index and time each stage. The model and Kiwi are loaded before the clock starts;
    read+chunk is what remains after Kiwi, embedding and Chroma's write."""
    timed_model = TimedEmbeddings(embeddings)
    timed_model.embed_query("모델 준비 / warm-up")
    tokenizer = TimedTokenizer()
    tokenizer.tokens("모델 준비")
    store = TimedStore(pipeline.store(index_dir, timed_model))
    timed_model.seconds = tokenizer.seconds = 0.0
    start = time.perf_counter()
    report = pipeline.ingest(paths, store, tokenizer)
    total = time.perf_counter() - start
    return {
        "files": len(report.indexed), "failed": len(report.failures), "pages": report.pages, "chunks": report.chunks,
        "seconds": total, "kiwi_s": tokenizer.seconds, "embed_s": timed_model.seconds,
        "chroma_s": store.seconds - timed_model.seconds,
        "read_chunk_s": total - store.seconds - tokenizer.seconds,
    }


def build_indexes(pipeline: Pipeline, base_paths: list[Path], sizes: list[int], folder: Path, uptime: str) -> None:
    """Make sure folder holds the pipeline's base index and one index per size, building what is missing:
    folder/base (the base corpus, really ingested) and folder/n<size> (base documents, then copies of them, until
    exactly size chunks). Each index's build.json records how it was built; it is written last."""
    book = VectorBook(pipeline.model(), folder / "vectors.npz")
    base = folder / "base"
    if not (base / "build.json").exists():
        shutil.rmtree(base, ignore_errors=True)
        print(f"[{pipeline.name}] ingesting the base corpus into {base} …", flush=True)
        built = timed_ingest(pipeline, base_paths, base, book)
        book.save()
        _record(base, {**built, "uptime": uptime})
    snapshot = pipeline.store(base, book).snapshot()
    for size in sizes:
        target = folder / f"n{size}"
        if (target / "build.json").exists():
            continue
        shutil.rmtree(target, ignore_errors=True)
        print(f"[{pipeline.name}] writing {size:,} chunks into {target} …", flush=True)
        store = pipeline.store(target, book)
        embedded_before, start = book.embedded, time.perf_counter()
        documents = _copies(snapshot, size)
        for name, version, chunks, tokens in documents:
            # The assistant's ingest stores its chunks' sentence vectors: the copies' are the base's, already there.
            sentences = [s for c in chunks for s in quotable_sentences(c)] if pipeline.name == "assistant" else []
            store.replace_document(name, version, chunks, tokens, sentences)
        _record(target, {
            "chunks": size, "documents": len(documents), "distinct_chunks": len(snapshot.chunks),
            "write_s": time.perf_counter() - start, "embedded": book.embedded - embedded_before,
            "uptime": uptime,
        })


def _copies(snapshot: Snapshot, size: int) -> list[tuple[str, str, list[Chunk], list[list[str]]]]:
    """Documents (name, version, chunks, tokens) holding exactly size chunks: the base documents as they are, then
    the whole base again and again, each copy as one document (copy001, …). Whole copies because every Chroma write
    costs about half a second on this machine whatever its size, which would make 100k chunks in documents of ten
    take hours; searching is the same either way."""
    documents: dict[str, list[int]] = {}
    for i, chunk in enumerate(snapshot.chunks):
        documents.setdefault(chunk.source, []).append(i)
    found, left = [], size
    for source, rows in documents.items():
        rows = rows[:left]
        if rows:
            found.append((source, snapshot.versions[source], rows))
            left -= len(rows)
    copy = 0
    while left > 0:
        copy += 1
        rows = list(range(min(left, len(snapshot.chunks))))
        found.append((f"copy{copy:03d}", hashlib.sha256(f"copy{copy}".encode()).hexdigest(), rows))
        left -= len(rows)
    return [
        (
            name, version,
            [replace(snapshot.chunks[i], source=name, position=p) if name.startswith("copy") else snapshot.chunks[i]
             for p, i in enumerate(rows)],
            [snapshot.tokens[i] for i in rows],
        )
        for name, version, rows in found
    ]


def _record(index_dir: Path, facts: dict) -> None:
    (index_dir / "build.json").write_text(json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8")


def build_facts(index_dir: Path) -> dict:
    """What build_indexes recorded about an index."""
    return json.loads((index_dir / "build.json").read_text(encoding="utf-8"))

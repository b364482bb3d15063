"""Baseline retrievers for `assistant eval --compare`: the same suite and answerer over simpler retrieval.

- bm25-whitespace: BM25 over lower-cased whitespace tokens of the assistant's chunks
- bm25-kiwi: BM25 over the assistant's Kiwi-morpheme tokens, no dense, no glossary
- dense: the embedding model's nearest chunks in Chroma only
- tutorial: the LangChain tutorial pipeline: pages cut by RecursiveCharacterTextSplitter (1,000 / 200 characters),
  embedded with all-MiniLM-L6-v2 into their own Chroma collection, top-k by similarity
Passages are read by the assistant's reader (with the assistant's term rarities) and answered by its extractive
generator in every case, so the table compares retrieval.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from .config import EmbeddingSettings, IngestSettings, Settings
from .embeddings import make_embeddings
from .ingest import IngestError, find_files, load_file
from .question import Question
from .glossary import QueryExpander, load_glossary
from .retrieval import BM25Index, HybridRetriever, Retriever
from .schema import Chunk, FileFailure, Hit, IngestReport
from .service import AssistantService
from .store import ChunkStore
from .text import detect_language
from .tokens import Tokenizer

TUTORIAL_CHUNK_SIZE = 1000
TUTORIAL_CHUNK_OVERLAP = 200
TUTORIAL_COLLECTION = "tutorial_baseline"
TUTORIAL_MODEL = "sentence-transformers:bundled-minilm"


# The assistant's term rarities, which its reader weighs shared terms by: only retrieval differs between systems.
Rarity = Callable[[str], float]


class KeywordRetriever:
    """BM25 alone over given chunk tokens, with the query cut by the same tokenizer."""

    def __init__(
        self, chunks: list[Chunk], tokens: list[list[str]], tokenize: Callable[[str], list[str]], k: int, idf: Rarity
    ):
        self._chunks = chunks
        self._bm25 = BM25Index(tokens)
        self._tokenize = tokenize
        self._k = k
        self.idf = idf

    @property
    def chunks(self) -> list[Chunk]:
        return self._chunks

    def refresh(self) -> None:
        """Fixed snapshot: baselines are built for one evaluation run."""

    def search(self, question: Question, k: int | None = None) -> list[Hit]:
        ranking = self._bm25.rank(self._tokenize(question.text), k or self._k)
        return [Hit(self._chunks[i], ranking.scores[i]) for i in ranking.order]


class DenseRetriever:
    """Nearest chunks by embedding alone, from one store."""

    def __init__(self, store: ChunkStore, k: int, idf: Rarity) -> None:
        self._store = store
        self._snapshot = store.snapshot()
        self._k = k
        self.idf = idf

    @property
    def chunks(self) -> list[Chunk]:
        return self._snapshot.chunks

    def refresh(self) -> None:
        self._snapshot = self._store.snapshot()

    def search(self, question: Question, k: int | None = None) -> list[Hit]:
        found = self._store.dense_search(question.text, k or self._k, self._snapshot.versions)
        return [Hit(chunk, similarity) for chunk, similarity in found]


def _whitespace(text: str) -> list[str]:
    return text.lower().split()


def tutorial_store(index_dir: Path, settings: Settings, embeddings: Embeddings | None = None) -> ChunkStore:
    """The tutorial pipeline's own Chroma collection in index_dir, embedded with all-MiniLM-L6-v2 (or the given
    embeddings, e.g. a timed or cached wrapper of it)."""
    embeddings = embeddings or make_embeddings(EmbeddingSettings(model=TUTORIAL_MODEL))
    return ChunkStore(settings.store.model_copy(update={"collection": TUTORIAL_COLLECTION}), index_dir, embeddings)


def index_tutorial(corpus: list[Path], store: ChunkStore, limits: IngestSettings) -> IngestReport:
    """Index the corpus the tutorial's way: each page cut by RecursiveCharacterTextSplitter, no search tokens.
    Files that fail to load are reported and left out."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=TUTORIAL_CHUNK_SIZE, chunk_overlap=TUTORIAL_CHUNK_OVERLAP)
    report = IngestReport()
    for path, name in find_files(corpus):
        try:
            pages = load_file(path, limits, name)
        except IngestError as exc:
            report.failures.append(FileFailure(str(path), str(exc)))
            continue
        chunks = [
            Chunk(piece, name, page.page, "", page.title, detect_language(piece), position)
            for position, (page, piece) in enumerate((p, s) for p in pages for s in splitter.split_text(p.text))
        ]
        store.replace_document(name, hashlib.sha256(path.read_bytes()).hexdigest(), chunks, [[] for _ in chunks])
        report.indexed.append(str(path))
        report.pages += len(pages)
        report.chunks += len(chunks)
    return report


def baseline_services(settings: Settings, corpus: list[Path], scratch: Path) -> dict[str, AssistantService]:
    """One service per baseline over the index in settings.index_dir (the tutorial one indexes into scratch)."""
    k = settings.retrieval.top_k
    own = ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))
    snapshot = own.snapshot()
    tokenizer = Tokenizer()
    expander = QueryExpander(tokenizer, load_glossary(settings.glossary, tokenizer))
    idf = HybridRetriever(own, settings.retrieval, expander).idf
    whitespace_tokens = [_whitespace(c.text) for c in snapshot.chunks]
    tutorial = tutorial_store(scratch, settings)
    index_tutorial(corpus, tutorial, settings.ingest)
    retrievers: dict[str, Retriever] = {
        "bm25-whitespace": KeywordRetriever(snapshot.chunks, whitespace_tokens, _whitespace, k, idf),
        "bm25-kiwi": KeywordRetriever(snapshot.chunks, snapshot.tokens, tokenizer.tokens, k, idf),
        "dense": DenseRetriever(own, k, idf),
        "tutorial": DenseRetriever(tutorial, k, idf),
    }
    return {name: AssistantService(settings, retriever=r, expander=expander) for name, r in retrievers.items()}

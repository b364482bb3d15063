"""Hybrid retrieval: BM25 over Kiwi morphemes fused with dense vectors from Chroma."""

from __future__ import annotations

from dataclasses import dataclass

from .config import RetrievalSettings
from .schema import Chunk, Hit
from .store import ChunkStore, Snapshot
from .tokens import Tokenizer


@dataclass(frozen=True)
class Ranking:
    """Chunk positions in the snapshot, best first, with the score each retriever gave them."""

    order: list[int]
    scores: dict[int, float]


class BM25Index:
    """Okapi BM25 over pre-tokenised chunks (bm25s); knows which query terms the corpus contains."""

    def __init__(self, tokens: list[list[str]]) -> None:
        import bm25s

        self._vocabulary = {t for doc in tokens for t in doc}
        self._size = len(tokens)
        self._model = bm25s.BM25()
        if tokens:
            self._model.index(tokens, show_progress=False)

    def coverage(self, query_tokens: list[str]) -> float:
        """Share of the query's terms that occur anywhere in the corpus (low for a question in another language)."""
        if not query_tokens:
            return 0.0
        return sum(t in self._vocabulary for t in query_tokens) / len(query_tokens)

    def rank(self, query_tokens: list[str], k: int) -> Ranking:
        known = [t for t in query_tokens if t in self._vocabulary]
        if not known or not self._size:
            return Ranking([], {})
        scores = self._model.get_scores(known)
        order = [int(i) for i in scores.argsort()[::-1][:k] if scores[i] > 0]
        return Ranking(order, {i: float(scores[i]) for i in order})


class HybridRetriever:
    """Fuses a BM25 ranking and a dense ranking with weighted reciprocal-rank fusion.

    The BM25 weight is scaled by how many query terms the corpus knows, so a question asked in another
    language than the documents leans on the dense (cross-lingual) ranking instead of on noise.
    """

    def __init__(self, store: ChunkStore, tokenizer: Tokenizer, settings: RetrievalSettings) -> None:
        self._store = store
        self._tokenizer = tokenizer
        self._settings = settings
        self.refresh()

    def refresh(self) -> None:
        """Reload the index contents (after documents were added or replaced)."""
        self._snapshot: Snapshot = self._store.snapshot()
        self._bm25 = BM25Index(self._snapshot.tokens)
        self._positions = {(c.source, c.position): i for i, c in enumerate(self._snapshot.chunks)}

    @property
    def chunks(self) -> list[Chunk]:
        return self._snapshot.chunks

    def search(self, query: str, k: int | None = None) -> list[Hit]:
        """The best k chunks for the query, best first."""
        k = k or self._settings.top_k
        if not self._snapshot.chunks:
            return []
        query_tokens = self._tokenizer.tokens(query)
        lexical = self._bm25.rank(query_tokens, self._settings.candidates)
        dense = self._dense(query)
        bm25_weight = self._settings.bm25_weight
        if self._settings.scale_bm25_by_coverage:
            bm25_weight *= self._bm25.coverage(query_tokens)
        fused: dict[int, float] = {}
        for weight, ranking in ((bm25_weight, lexical), (self._settings.dense_weight, dense)):
            for rank, index in enumerate(ranking.order):
                fused[index] = fused.get(index, 0.0) + weight / (self._settings.rrf_k + rank + 1)
        best = sorted(fused, key=fused.get, reverse=True)[:k]
        return [Hit(self._snapshot.chunks[i], fused[i], dense.scores.get(i, 0.0)) for i in best]

    def _dense(self, query: str) -> Ranking:
        found = self._store.dense_search(query, self._settings.candidates, self._snapshot.versions)
        order, scores = [], {}
        for chunk, similarity in found:
            index = self._positions.get((chunk.source, chunk.position))
            if index is not None:
                order.append(index)
                scores[index] = similarity
        return Ranking(order, scores)

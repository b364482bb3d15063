"""Hybrid retrieval: BM25 over Kiwi morphemes fused with dense vectors from Chroma, aware of languages."""

from __future__ import annotations

import contextlib
import math
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .config import RetrievalSettings
from .glossary import QueryExpander
from .numbers import years
from .question import Question
from .schema import Chunk, Hit
from .store import ChunkStore, Snapshot
from .store_errors import StoreUnavailable


@dataclass(frozen=True)
class Ranking:
    """Chunk positions in the snapshot, best first, with the score each retriever gave them."""

    order: list[int]
    scores: dict[int, float]


class Retriever(Protocol):
    """Finds the chunks that answer a query."""

    @property
    def chunks(self) -> list[Chunk]: ...

    def refresh(self) -> None: ...

    def search(self, question: Question, k: int | None = None) -> list[Hit]: ...

    def idf(self, term: str) -> float: ...


class BM25Index:
    """Okapi BM25 over pre-tokenised chunks (bm25s)."""

    def __init__(self, tokens: list[list[str]]) -> None:
        import bm25s

        self._size = len(tokens)
        self._document_frequency = Counter(t for doc in tokens for t in set(doc))
        self._model = bm25s.BM25()
        if tokens:
            self._model.index(tokens, show_progress=False)

    def rank(self, query_tokens: list[str], k: int) -> Ranking:
        known = [t for t in query_tokens if t in self._document_frequency]
        if not known:
            return Ranking([], {})
        scores = self._model.get_scores(known)
        order = [int(i) for i in scores.argsort()[::-1][:k] if scores[i] > 0]
        return Ranking(order, {i: float(scores[i]) for i in order})

    def idf(self, term: str) -> float:
        """Inverse document frequency (BM25's form): high for rare terms, highest for terms the corpus lacks."""
        df = self._document_frequency.get(term, 0)
        return math.log(1 + (self._size - df + 0.5) / (df + 0.5))



def _zscores(ranking: Ranking) -> dict[int, float]:
    if not ranking.order:
        return {}
    values = np.array([ranking.scores[i] for i in ranking.order])
    spread = values.std() or 1.0
    return {i: (ranking.scores[i] - values.mean()) / spread for i in ranking.order}


class HybridRetriever:
    """Fuses a BM25 ranking and a dense ranking of the chunks (see RetrievalSettings.fusion).

    BM25 over Kiwi morphemes is the stronger judge of same-language text (97% top-1 on KorQuAD against 76% for
    dense) but blind across languages, where the multilingual dense model leads; so by default BM25 only scores
    chunks written in the question's language, or in a language the glossary translated some of its terms into.
    evals/retrieval_sweep.py measures the choice.
    """

    def __init__(self, store: ChunkStore, settings: RetrievalSettings, expander: QueryExpander) -> None:
        self._store = store
        self._settings = settings
        self._expander = expander
        self._lock = threading.Lock()
        self.refresh()

    def _follow_writes(self) -> None:
        """Reload when another process (an ingest run, a staff upload) has changed the index since the last look."""
        with self._lock:
            generation = self._store.generation()
            if generation != self._generation:
                self._store.reopen(generation)
                self._load()

    def refresh(self) -> None:
        """Reload the index contents (after documents were added or replaced)."""
        with self._lock:
            self._load()

    def _load(self) -> None:
        generation = self._store.generation()
        self._snapshot: Snapshot = self._store.snapshot()
        self._bm25 = BM25Index(self._snapshot.tokens)
        self._expander.learn(self._snapshot.tokens)
        self._positions = {chunk_id: i for i, chunk_id in enumerate(self._snapshot.ids)}
        self._years = _document_years(self._snapshot.chunks)
        # Last: a load cut short (the server went away) is tried again at the next look.
        self._generation = generation

    @property
    def chunks(self) -> list[Chunk]:
        """The complete documents' chunks as of the index's latest write, so a replica that has not searched since
        another process wrote (a document count, a source view) is current; the last ones seen while a Chroma
        server is away."""
        with contextlib.suppress(StoreUnavailable):
            self._follow_writes()
        return self._snapshot.chunks

    def search(self, question: Question, k: int | None = None) -> list[Hit]:
        """The best k chunks for the question, best first."""
        k = k or self._settings.top_k
        self._follow_writes()
        if not self._snapshot.chunks:
            return []
        lexical = self._bm25.rank(question.query.search_tokens(), self._settings.candidates)
        dense = self._dense(question.text, question.language)
        if self._settings.fusion == "rrf":
            fused = self._rrf(lexical, dense)
        else:
            fused = self._language_zscore(lexical, dense, {question.language} | question.query.languages)
        if question.years:
            fused = self._prefer_years(fused, question.years)
        best = sorted(fused, key=fused.get, reverse=True)[:k]
        return [Hit(self._snapshot.chunks[i], fused[i]) for i in best]

    def idf(self, term: str) -> float:
        """How rare a term is in the indexed chunks (BM25's inverse document frequency)."""
        return self._bm25.idf(term)

    def _rrf(self, lexical: Ranking, dense: Ranking) -> dict[int, float]:
        fused: dict[int, float] = {}
        for weight, ranking in ((self._settings.bm25_weight, lexical), (self._settings.dense_weight, dense)):
            for rank, index in enumerate(ranking.order):
                fused[index] = fused.get(index, 0.0) + weight / (self._settings.rrf_k + rank + 1)
        return fused

    def _language_zscore(self, lexical: Ranking, dense: Ranking, languages: set[str]) -> dict[int, float]:
        bm25, semantic = self._zscores_by_language(lexical), _zscores(dense)
        # A chunk missing from one ranking counts as that ranking's worst candidate.
        bm25_floor = min(bm25.values(), default=0.0)
        dense_floor = min(semantic.values(), default=0.0)
        w_bm25, w_dense = self._settings.bm25_weight, self._settings.dense_weight
        fused = {}
        for index in bm25.keys() | semantic.keys():
            meaning = semantic.get(index, dense_floor)
            if self._snapshot.chunks[index].language in languages:
                fused[index] = w_bm25 * bm25.get(index, bm25_floor) + w_dense * meaning
            else:
                fused[index] = (w_bm25 + w_dense) * meaning
        return fused

    def _zscores_by_language(self, ranking: Ranking) -> dict[int, float]:
        """BM25 z-scores among the chunks of each language apart: the question matches its own language word for
        word and another only through the few terms the glossary translated, so one scale would rank every chunk
        in the question's language above the document that answers in another."""
        groups: dict[str, list[int]] = {}
        for i in ranking.order:
            groups.setdefault(self._snapshot.chunks[i].language, []).append(i)
        out = {}
        for order in groups.values():
            out.update(_zscores(Ranking(order, {i: ranking.scores[i] for i in order})))
        return out

    def _prefer_years(self, fused: dict[int, float], asked: frozenset[int]) -> dict[int, float]:
        """Ranks chunks of documents that never name an asked year below those of documents that do: documents about
        the same program in other years (and languages) otherwise tie, and the year is the one word every language
        writes alike."""
        naming = {i for i in fused if self._years[i] & asked}
        if not naming:
            return fused
        penalty = self._settings.year_penalty
        return {i: score - penalty * (i not in naming) for i, score in fused.items()}

    def _dense(self, query: str, language: str) -> Ranking:
        """The nearest chunks of the snapshot's documents (ids of other versions are not in it)."""
        scores = {}
        for chunk_id, similarity in self._store.nearest_ids(query, self._settings.candidates):
            index = self._positions.get(chunk_id)
            if index is not None:
                other = self._snapshot.chunks[index].language != language
                scores[index] = similarity + self._settings.other_language_offset * other
        return Ranking(sorted(scores, key=scores.get, reverse=True), scores)


def _document_years(chunks: list[Chunk]) -> list[frozenset[int]]:
    """For each chunk, the years its whole document names."""
    named: dict[str, set[int]] = {}
    for chunk in chunks:
        named.setdefault(chunk.source, set()).update(years(chunk.title), years(chunk.text))
    return [frozenset(named[chunk.source]) for chunk in chunks]
